"""Helpers shared by the commands: dates, config search, id lists, output."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from procurelint.errors import ConfigError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")


def today(date: str | None) -> dt.date:
    """The date the run judges against: --date, else SOURCE_DATE_EPOCH, else today (UTC)."""
    if date is not None:
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            raise ConfigError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
    now = dt.datetime.now(dt.timezone.utc).date()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH {epoch!r} is not a number of seconds") from None
        if day < now - dt.timedelta(days=1):
            # CI often sets it from the commit's date, which whoever commits chooses: say so.
            sys.stderr.write(
                f"procurelint: note: judging as of {day.isoformat()}, from SOURCE_DATE_EPOCH, "
                f"{(now - day).days} days before today: waivers, contracts and ages are judged "
                "as of then (a policy's lockedPacks refuses this)\n")
        return day
    return now


def search_start(paths: Sequence[Path]) -> Path:
    """Where the search for procurelint.yaml starts: the first PATH's folder, else the cwd."""
    if paths:
        first = paths[0]
        return first if first.is_dir() else first.parent
    return Path.cwd()


def ids(values: Sequence[str] | None) -> list[str]:
    """Rule ids from repeated and comma-separated options."""
    return [v.strip().upper() for item in values or [] for v in item.split(",") if v.strip()]


def write(text: str, output: Path | None) -> None:
    """Write to a file, or to standard output when no file is given."""
    if output is None:
        if sys.stdout is None:  # started with standard output closed (`>&-`)
            raise ConfigError("standard output is closed; write the result with --output FILE")
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror}") from None


def add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", "-c", type=Path, metavar="FILE",
                        help="policy file; replaces the search for procurelint.yaml")


def add_date(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", metavar="YYYY-MM-DD",
                        help="judge as of this date (default: SOURCE_DATE_EPOCH, else today)")


def add_jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                        help="processes to split a large run across (default 0: the usable "
                             "cores; 1: this process only); the result is the same")


def _jobs(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, got {value!r}")
    return int(value)
