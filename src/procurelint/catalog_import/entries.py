"""What a price source yields: catalog entries with their comments, and what was skipped.

The entries are the document models themselves (`procurelint.documents.models.catalog_model`), so an import can
only produce what the Catalog schema accepts. Comments travel beside them: they say which
values are estimates or why a fact is left null, and end up in the written YAML.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from procurelint.errors import ConfigError, Location
from procurelint.documents.models.catalog_model import (
    Capability,
    DataPolicy,
    Endpoint,
    Model,
    Price,
    Provider,
)

MAX_SOURCE_BYTES = 64 * 1024 * 1024
MILLION = Decimal(1_000_000)

# Output price bands (USD per million tokens) for the capability estimate. A price list says
# nothing about capability; price is the only signal it carries. Cheap strong models are rated
# low, which keeps COST006 from proposing them as equals of an expensive model.
CAPABILITY_BANDS: tuple[tuple[Decimal, Capability], ...] = (
    (Decimal(10), "frontier"),
    (Decimal(2), "strong"),
    (Decimal("0.5"), "efficient"),
    (Decimal(0), "small"),
)


class Commented(Struct):
    """Comments for one entry: end-of-line comments by key, and lines before `offers`."""

    eol: dict[str, str] = field(default_factory=dict)
    before_offers: list[str] = field(default_factory=list)


class Imported(Struct):
    """Everything one source file yields, in a stable order, with the skip counts by reason."""

    source: str
    file: str
    models: dict[str, Model] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    comments: dict[tuple[str, str], Commented] = field(default_factory=dict)
    read: int = 0
    imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    as_of: dt.date | None = None
    """The date of the data as the source shows it (None when it shows none): the catalog's
    asOf, so that CAT001 measures the age of the prices, not of the import."""

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def require_entries(self, expected: str) -> None:
        """An import that yields nothing was almost surely given the wrong file: say so."""
        if self.imported == 0:
            reasons = ", ".join(f"{n} {r}" for r, n in self.skipped.most_common()) or "none"
            raise ConfigError(f"nothing to import: {self.read} entries read (skipped: {reasons}); "
                              f"expected {expected}", Location(self.file, 1, 1))

    def note(self, kind: str, entry_id: str) -> Commented:
        """The comments of an entry (`kind` is model, provider or endpoint)."""
        return self.comments.setdefault((kind, entry_id), Commented())


def read_json(path: Path, display: str) -> Any:
    """Parse a JSON file; a syntax error is a ConfigError at its line and column."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", Location(display)) from None
    if size > MAX_SOURCE_BYTES:
        raise ConfigError(f"file is {size} bytes, more than {MAX_SOURCE_BYTES}", Location(display, 1, 1))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"file is not valid UTF-8 (byte {exc.start})", Location(display, 1, 1)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", Location(display)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not valid JSON: {exc.msg}", Location(display, exc.lineno, exc.colno)) from None


_DOUBLE_DIGITS = Context(prec=15)  # DBL_DIG: the decimal digits a double always holds


def per_million(value: Any) -> Decimal | None:
    """A per-token USD price (JSON number or numeric string) as USD per million tokens.

    Decimal arithmetic keeps "0.000000295" at exactly 0.295; None for anything that is not a
    finite, non-negative number (null, "-1" for dynamic prices, text, booleans). A JSON number
    is a binary double, which holds 15 significant decimal digits: LiteLLM's file has prices
    computed in floating point, such as 1.5000020000000002e-05, whose 16th and 17th digits are
    rounding noise, so a number is rounded to 15 significant digits ($15.00002, not
    $15.000020000000002). A string is taken exactly as written.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        number = _DOUBLE_DIGITS.create_decimal(repr(value))
    elif isinstance(value, (int, str)):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            return None
        if not number.is_finite():
            return None
    else:
        return None
    if number < 0:
        return None
    return (number * MILLION).normalize()


def price(input_: Decimal, output: Decimal, cached: Decimal | None) -> Price:
    return Price(input=float(input_), output=float(output),
                 cached_input=None if cached is None else float(cached))


def estimate_capability(output: Decimal) -> tuple[Capability, str]:
    """The capability class from the output price, and the comment that marks it an estimate."""
    for floor, capability in CAPABILITY_BANDS:
        if output >= floor:
            return capability, f"estimate from output price ${money(output)}/M"
    return "small", "estimate"  # pragma: no cover - the last band starts at 0


def money(value: Decimal | float) -> str:
    """A price as plain decimal text, without exponent: 0.295, 3, 0.00001."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    text = format(number.normalize(), "f")
    return text


def unknown_endpoint(endpoint_id: str, provider: str, offers: list[Any], sources: list[str],
                     country: str | None = None, region: str | None = None) -> Endpoint:
    """An endpoint of which the source states nothing but prices (and perhaps the country)."""
    return Endpoint(
        id=endpoint_id, provider=provider, country=country, region=region, hipaa_baa=None,
        fedramp=None, dod_impact_level=None, cross_border_routing=None, certifications=[],
        us_persons_only=None, data_policy=DataPolicy(trains_on_inputs=None, retention_days=None),
        offers=offers, sources=sources,
    )


def valid_id(value: Any) -> bool:
    """Whether a source id can be a catalog identifier: 1 to 200 printable characters, none of
    them whitespace (a control character, a lone surrogate or a noncharacter in a price list's
    id could not be written to a catalog and read back)."""
    return (isinstance(value, str) and 0 < len(value) <= 200 and value.isprintable()
            and not any(c.isspace() for c in value))


def price_skip_reason(raw_input: Any, raw_output: Any) -> str | None:
    """Why an entry's input and output prices make it unusable, or None when they are usable."""
    input_ = per_million(raw_input)
    output = per_million(raw_output)
    if input_ is None or output is None:
        return "no price"
    if input_ == 0 and output == 0:
        return "zero price"
    return None


def data_rows(path: Path, display: str, api: str) -> list[Any]:
    """The `data` list of an OpenRouter API response, or a config error naming the API."""
    data = read_json(path, display)
    rows = data.get("data") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ConfigError(
            f"expected an OpenRouter {api} response: an object with a `data` list",
            Location(display, 1, 1),
        )
    return rows


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the output may be a catalog the policy lists)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
