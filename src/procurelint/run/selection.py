"""`--select` and `--ignore`: which rules' findings a run reports, and which rules it judges.

A rule left out is not judged at all, so that it costs nothing, except where its findings
change what is reported of the rules kept: while SUP002 (a suppression comment that matches no
finding) is kept, every rule a suppression names is judged, so that its comments are found
used or unused as in a run of every rule. (Waivers of rules left out are not judged.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from msgspec import Struct

from procurelint.run.suppressions import Suppression


def matches(rule: str, pattern: str) -> bool:
    """A rule id, or a prefix of letters only (`HIPAA` selects HIPAA001-HIPAA005)."""
    return rule == pattern or (pattern.isalpha() and rule.startswith(pattern))


def wanted(rule: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    if select and not any(matches(rule, p) for p in select):
        return False
    return not any(matches(rule, p) for p in ignore)


class Selection(Struct, frozen=True):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def wants(self, rule: str) -> bool:
        return wanted(rule, self.select, self.ignore)

    def judged(self, suppressions: Iterable[Suppression]) -> Callable[[str], bool] | None:
        """Whether a rule is to be judged, given the suppression comments of the files judged;
        None when every rule is."""
        if not self.select and not self.ignore:
            return None
        named = frozenset(r for s in suppressions for r in s.rules) if self.wants("SUP002") else frozenset()
        return lambda rule: self.wants(rule) or rule in named
