"""Legal facts the engine computes with: they are law, not policy, so policies cannot edit them.

Each fact's source and how sure we are of it are in docs/sources.md; how rules read them is
in docs/context.md.
"""

from __future__ import annotations

# ISO 3166-1 alpha-2 (the 249 officially assigned codes), plus XK (Kosovo, user-assigned but
# in common use). A code outside it is a typo to refuse, not a country to judge: `UK` for GB
# would otherwise read as a country with no adequacy decision, or none of concern.
ISO_3166_ALPHA2: frozenset[str] = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK
""".split())

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

# EU adequacy decisions in force (GDPR Art. 45), each with the decision and its date; the US
# only through the DPF, for certified organisations, which the policy declares (a dpf transfer
# mechanism and a dpf contract with the provider). Sources and confidence of each entry:
# docs/sources-changes.md, "JUR004 adequacy list".
ADEQUACY_DECISIONS: dict[str, tuple[str, str]] = {
    "AD": ("Commission Decision 2010/625/EU", "2010-10-19"),
    "AR": ("Commission Decision 2003/490/EC", "2003-06-30"),
    "BR": ("Commission Implementing Decision (EU) 2026/179", "2026-01-26"),
    "CA": ("Commission Decision 2002/2/EC (commercial organisations under PIPEDA)", "2001-12-20"),
    "CH": ("Commission Decision 2000/518/EC", "2000-07-26"),
    "FO": ("Commission Decision 2010/146/EU", "2010-03-05"),
    "GB": ("Commission Implementing Decision (EU) 2021/1772, as renewed", "2021-06-28"),
    "GG": ("Commission Decision 2003/821/EC", "2003-11-21"),
    "IL": ("Commission Decision 2011/61/EU", "2011-01-31"),
    "IM": ("Commission Decision 2004/411/EC", "2004-04-28"),
    "JE": ("Commission Decision 2008/393/EC", "2008-05-08"),
    "JP": ("Commission Implementing Decision (EU) 2019/419", "2019-01-23"),
    "KR": ("Commission Implementing Decision (EU) 2022/254", "2021-12-17"),
    "NZ": ("Commission Implementing Decision 2013/65/EU", "2012-12-19"),
    "UY": ("Commission Implementing Decision 2012/484/EU", "2012-08-21"),
}
DEFAULT_ADEQUATE: tuple[str, ...] = tuple(sorted(ADEQUACY_DECISIONS))

FEDRAMP_RANK: dict[str | None, int] = {None: 0, "none": 0, "low": 1, "moderate": 2, "high": 3}

# A catalog model's `capability`, weakest first: an alternative must be at least as capable.
CAPABILITY_RANK: dict[str, int] = {"small": 0, "efficient": 1, "strong": 2, "frontier": 3}


def known_jurisdiction(code: str) -> str:
    """The after-validator of every jurisdiction field; here, free of pydantic, so that the
    manifest fast path (procurelint.documents.manifest_validation) can run it without importing the models."""
    if code != "EU" and code not in ISO_3166_ALPHA2:
        hint = " (the United Kingdom is GB)" if code == "UK" else ""
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code or EU{hint}")
    return code


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
