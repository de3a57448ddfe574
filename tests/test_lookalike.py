"""Team names that read alike (`procurelint.engine.lookalike`), on Unicode's confusables table."""

from __future__ import annotations

import pytest

from procurelint.engine.lookalike import alike, forms

BUDGETED = ["claims-platform", "payments", "team-l"]


@pytest.mark.parametrize("name", [
    "Claims-Platform", "CLAIMS-PLATFORM",        # case
    "claims\u2010platform", "claims\u2013platform",  # a hyphen and an en dash
    "claims\u200b-platform", "\u200eclaims-platform",  # a zero-width space, a direction mark
    "claims-platform\ufe0f", "claims\u3164-platform",  # a variation selector, a Hangul filler
    "claims\u034f-platform", "cl\u00adaims-platform",   # a combining grapheme joiner, a soft hyphen
    "\u0441laims-platform",                      # Cyrillic es for c
    "cl\u0430ims-platform",                      # Cyrillic a
    "claims-platf\u03bfrm",                      # Greek omicron for o
    "\uff43laims-platform",                      # fullwidth c (NFKC)
    "cIaims-platform",                           # capital I for l
    "CLAIMS-PLATFORM", "CLAI\u039cS-PLATFORM",    # capitals; capitals and a Greek capital mu
    "clairns-platform",                          # r and n for m
    "claims\u06d4platform",                      # the Arabic full stop for the hyphen
    "c\u05d5aims-platform", "c\u0661aims-platform",  # Hebrew vav, Arabic-Indic one for l
    "\u03f2laims-platform",                      # the Greek lunate sigma (NFKC makes it a sigma)
    "claims-plat\u017form",                      # the long s for f (NFKC makes it an s)
    "c\uffe8aims-platform",                      # a half-width bar for l
    "cla\u0131\u0307ms-platform", "clai\u0307ms-platform",  # i and dotless i with a dot above
    "claims\u2500platform", "claims\u4e00platform", "claims\u30fcplatform",  # dash look-alikes
])
def test_a_name_that_reads_as_a_budgeted_one(name: str) -> None:
    assert alike(name, BUDGETED) == ["claims-platform"]


@pytest.mark.parametrize("name", [
    "claims-platform",   # the budgeted name itself
    "claims_platform",   # an underscore is not a dash
    "clahms-platform",   # another letter (l for i would not do: capital I reads as l)
    "claims-platforms",  # one more
    "payment",
    "paymemts",          # m read as rn does not make m of n
    "team-2", "team-3",  # other digits
    "platform",          # a part of a budgeted name
])
def test_a_name_that_reads_otherwise(name: str) -> None:
    assert alike(name, BUDGETED) == []


def test_look_alike_classes_join_through_each_other() -> None:
    """`1` reads as `l`, which reads as `I`: one class, whichever is written."""
    assert alike("team-1", BUDGETED) == alike("team-I", BUDGETED) == ["team-l"]
    assert forms("team-1") & forms("TEAM-L")


def test_many_names_are_compared_in_one_pass() -> None:
    """Each name is reduced once: thousands of teams on either side cost milliseconds."""
    from procurelint.engine.lookalike import Namesakes

    budgeted = Namesakes([f"team-{i:04d}" for i in range(3000)])
    assert [budgeted.of(f"squad-{i:04d}") for i in range(3000)] == [[]] * 3000
    assert budgeted.of("TEAM-0042") == ["team-0042"]


@pytest.mark.parametrize(("name", "budgeted"), [
    ("bi\u01c1ing-platform", "billing-platform"),  # the lateral click for ll
    ("payro\u01c1", "payroll"),
    ("modern", "modem"),  # rn for m: Unicode's table calls them confusable
    ("team\u04d5ops", "teamaeops"),  # the Cyrillic ligature for ae
])
def test_a_sequence_reads_as_the_character_it_looks_like(name: str, budgeted: str) -> None:
    assert alike(name, [budgeted, "other"]) == [budgeted]


@pytest.mark.parametrize("name", ["billing-platform", "payroll", "c\u0131\u0307aims", "modern",
                                  "\u01c1\u01c1\u01c1", "rnrnrn-1Il|", "CLAIMS\u2014PLATFORM"])
def test_a_form_reads_as_itself(name: str) -> None:
    """Reading is done once and for all: a form, read again, is among its own forms (else a
    name that holds l, o or 1 beside a look-alike would read one way here, another there)."""
    for form in forms(name):
        assert form in forms(form)


@pytest.mark.parametrize(("name", "budgeted"), [
    ("MI-Ops", "ml-ops"),                      # capital I for l, in a name of capitals
    ("\u041cl-Ops", "ml-ops"),                  # Cyrillic capital em
    ("ObservabiIity", "observability"),
    ("BlLLING-PLATFORM", "billing-platform"),  # small l for capital I
    ("\u0392ILLING-PLATFORM", "billing-platform"),  # Greek capital beta
    ("CHEC\u041aOUT", "checkout"),              # Cyrillic capital ka
    ("\u0392ILLING-PLA\u01acFORM", "billing-platform"),  # a Greek beta and a T with a hook
    ("\u03a4REASUR\u01b3", "treasury"),         # a Greek tau and a Y with a hook
])
def test_capitals_and_look_alikes_together(name: str, budgeted: str) -> None:
    """Each character is read whatever its case: a name written in capitals with one look-alike
    among them reads as the budgeted name in small letters."""
    assert alike(name, [budgeted]) == [budgeted]


@pytest.mark.parametrize(("name", "budgeted"), [
    ("\u0138\u0440\u0435\u0434\u0438\u0442", "\u043a\u0440\u0435\u0434\u0438\u0442"),  # kra for Cyrillic ka
    ("\u0444\u0438\u029c\u0430\u043d\u0441\u044b", "\u0444\u0438\u043d\u0430\u043d\u0441\u044b"),  # small capital H for en
])
def test_a_budget_in_another_script_keeps_its_look_alikes(name: str, budgeted: str) -> None:
    """A class read as the ASCII letter its members' other case reads as is read so whole: its
    members still read alike (a Cyrillic budget's look-alikes are caught)."""
    assert alike(name, [budgeted]) == [budgeted]
