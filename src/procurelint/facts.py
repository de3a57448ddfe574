"""Legal facts the engine computes with: they are law, not policy, so policies cannot edit them.

Sources are in ../shared-reference form in each rule's citations; see docs/context.md.
"""

from __future__ import annotations

# EU member states plus the EEA states (IS, LI, NO): GDPR applies across the EEA.
EU_EEA: frozenset[str] = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)

# 28 CFR 202.209: China (with Hong Kong and Macau), Cuba, Iran, North Korea, Russia, Venezuela.
COUNTRIES_OF_CONCERN: frozenset[str] = frozenset("CN HK MO CU IR KP RU VE".split())

# 28 CFR 202.205: bulk thresholds, "more than" this many US persons (or devices) in 12 months.
BULK_THRESHOLDS: dict[str, int] = {
    "genomic": 100,
    "omic": 1_000,
    "biometric": 1_000,
    "precise-geolocation": 1_000,
    "health": 10_000,
    "financial": 10_000,
    "identifiers": 100_000,
}

# EU adequacy decisions in force (GDPR Art. 45); the US only through the DPF, which the policy
# declares as a transfer mechanism.
DEFAULT_ADEQUATE: tuple[str, ...] = (
    "AD", "AR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "UY",
)

FEDRAMP_RANK: dict[str | None, int] = {None: 0, "none": 0, "low": 1, "moderate": 2, "high": 3}


def expand(codes: list[str] | None) -> list[str] | None:
    """A jurisdiction list with `EU` expanded to every EU/EEA member (keeping `EU` itself)."""
    if codes is None:
        return None
    out = set(codes)
    if "EU" in out:
        out |= EU_EEA
    return sorted(out)


def in_eu(code: str | None) -> bool:
    """Whether a jurisdiction is in the EU/EEA."""
    return code == "EU" or code in EU_EEA
