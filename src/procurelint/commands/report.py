"""`procurelint report`: the audit report for legal review, the AI-BOM, and their verification.

Exit codes: 0 report written (whatever its findings: `check` is the gate), 2 usage or
configuration error. With `--verify FILE`: 0 intact, 1 tampered, 2 unreadable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from procurelint.commands.common import (
    EXIT_CLEAN, add_config, add_date, add_jobs, search_start, today, write,
)

FORMATS = ("html", "md", "json", "cyclonedx")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "report", help="audit report for legal review (html, md, json) or AI-BOM (cyclonedx)",
        description="Write the audit report: inventory, data flows, findings, waivers, spend and "
                    "evidence. See docs/report.md.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders (default: the policy's root)")
    add_config(parser)
    add_date(parser)
    parser.add_argument("--format", "-f", choices=FORMATS, default="html",
                        help="html (default), md, json (mergeable), or cyclonedx (CycloneDX 1.6 AI-BOM)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--repository", metavar="NAME",
                        help="the repository's name in the report (default: the policy root's folder name)")
    parser.add_argument("--merge", nargs="+", type=Path, metavar="RESULT.json",
                        help="build one report from JSON reports of several repositories")
    parser.add_argument("--verify", type=Path, metavar="FILE",
                        help="check that a report is unchanged: exit 0 ok, 1 tampered, 2 unreadable")
    add_jobs(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.audit import renderer
    from procurelint.audit.evidence import generation_time
    from procurelint.errors import ConfigError

    if args.verify is not None:
        if args.paths or args.merge:
            raise ConfigError("--verify takes one report file and nothing else")
        return _verify(args.verify)
    render = renderer(args.format)
    generated_at = generation_time(args.date)
    if args.merge:
        if args.paths or args.config or args.repository:
            raise ConfigError("--merge builds a report from results only; give no PATH, --config "
                              "or --repository")
        from procurelint.audit.merge import merge

        report = merge(list(args.merge), generated_at)
    else:
        report = _build(args, generated_at)
    write(render(report), args.output)
    return EXIT_CLEAN


def _build(args: argparse.Namespace, generated_at: str) -> dict[str, Any]:
    from procurelint.audit.evidence import repository_evidence
    from procurelint.audit.repository import build_repository, manifests_of_slice, reported
    from procurelint.audit.views import assemble
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check

    config = load_config(args.config, search_start(args.paths))
    day = today(args.date)
    paths = list(args.paths)
    name = args.repository or config.root.name or "repository"
    evidence = repository_evidence(config, name, paths, day, generated_at)
    checked = check(config, Options(paths=paths, today=day, jobs=args.jobs),
                    view=manifests_of_slice, request=reported)
    manifests = [manifest for part in checked.views for manifest in part]
    repository = build_repository(config, checked.result, manifests, name, day)
    return assemble([repository], [evidence], generated_at, [])


def _verify(path: Path) -> int:
    from procurelint.audit.verify import OK, verify_file

    outcome = verify_file(path)
    stream = sys.stdout if outcome.code == OK else sys.stderr
    stream.write(f"{path}: {outcome.message}\n")
    return outcome.code
