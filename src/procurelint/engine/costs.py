"""Monthly token and cost projection: runsPerMonth x callsPerRun x tokensPerCall, priced at
the endpoint's offer (cached input at its own price, or at the input price where none)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.catalog_model import Price
    from procurelint.documents.models.manifest_model import Tokens


class MonthlyTokens(Struct, frozen=True):
    input: int
    cached_input: int
    output: int

    @property
    def total(self) -> int:
        return self.input + self.cached_input + self.output

    def as_dict(self) -> dict[str, int]:
        return {"input": self.input, "cachedInput": self.cached_input,
                "output": self.output, "total": self.total}


NO_TOKENS = MonthlyTokens(0, 0, 0)


def monthly_tokens(runs_per_month: int, calls_per_run: int, tokens: Tokens | None) -> MonthlyTokens:
    """runsPerMonth x callsPerRun x tokensPerCall, per kind of token."""
    if tokens is None:
        return NO_TOKENS
    calls = runs_per_month * calls_per_run
    return MonthlyTokens(calls * tokens.input, calls * tokens.cached_input, calls * tokens.output)


def monthly_cost(tokens: MonthlyTokens, price: Price | None) -> float:
    """USD per month, unrounded; cached input at the cached price, or the input price."""
    if price is None:
        return 0.0
    cached = price.cached_input if price.cached_input is not None else price.input
    return (tokens.input * price.input + tokens.cached_input * cached
            + tokens.output * price.output) / 1_000_000


def cents(value: float) -> float:
    """Money as reported: USD rounded to the cent (half away from zero). Any finite double
    has at most 309 digits before the point: the context holds them all (counts and prices
    are bounded, so every cost is finite)."""
    from decimal import ROUND_HALF_UP, Context, Decimal

    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP,
                                               context=Context(prec=400)))
