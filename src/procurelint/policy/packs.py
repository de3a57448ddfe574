"""Rule packs: loading the built-in and custom packs, and compiling their rules once per run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from procurelint.expressions import CelCompileError, Program, cel_tokens
from procurelint.errors import ConfigError, Location
from procurelint.documents.loading import load_one
from procurelint.documents.cache import builtin_dir, cacheable, cached
from procurelint.documents.document import Document

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.rulepack_model import Rule, RulePack

BUILTIN_PACKS: tuple[str, ...] = ("core", "hipaa", "banking", "federal", "jurisdiction", "cost",
                                  "drift", "lifecycle")

# The variables of each scope's context (docs/context.md).
STEP_VARIABLES = frozenset({
    "step", "workflow", "manifest", "model", "endpoint", "provider", "route", "tier", "tiers",
    "bulk", "transfer", "policy", "today", "alternative",
})
SCOPE_VARIABLES: dict[str, frozenset[str]] = {
    "step": STEP_VARIABLES,
    "workflow": frozenset({"workflow", "manifest", "policy", "today"}),
    "manifest": frozenset({"manifest", "spend", "policy", "today"}),
    "team": frozenset({"team", "spend", "policy", "today"}),
    "org": frozenset({"org", "spend", "policy", "today"}),
    "use": frozenset({"use", "policy", "today"}),
    "declaration": frozenset({"declaration", "policy", "today"}),
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)[A-Za-z0-9_.]*\}")
_WHY_PLACEHOLDER = re.compile(r"\{why\.([A-Za-z0-9_.]*)\}")
WHY: dict[str, frozenset[str]] = {
    "step": frozenset({"placesNotAllowed"}),
    "team": frozenset({"teamAsWritten"}),
}
"""The explanations `{why.NAME}` a message of each scope may name (engine/messages.py)."""

# Where a rule's finding points when it does not say, by its first scope.
DEFAULT_AT = {"step": "endpoint", "workflow": "workflow", "manifest": "manifest",
              "team": "manifest", "org": "manifest", "use": "use", "declaration": "model"}


@cacheable
class LoadedPack(Struct, frozen=True):
    """A rule pack with where it came from (for evidence and error positions)."""

    pack: RulePack
    file: str
    doc: Document | None
    builtin: bool


class CompiledRule(Struct, frozen=True):
    """A rule ready to run: severity after policy overrides, expressions compiled."""

    rule: Rule
    pack: str
    severity: str
    scopes: tuple[str, ...]
    at: str
    when: Program
    violation: Program | None
    uses_alternative: bool
    """Whether the rule reads `alternative`, which is costly to compute."""
    time_limit: float = 1.0
    """Seconds one evaluation of an expression may take; past it the run fails (exit 2)."""

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def variables(self) -> frozenset[str]:
        """The variables its `when` and `violation` read."""
        return self.when.variables | (self.violation.variables if self.violation else frozenset())


def load_pack(path: Path, display: str, builtin: bool = False) -> LoadedPack:
    pack, doc = load_one(path, "RulePack", display)
    return LoadedPack(pack, display, doc, builtin)


def builtin_pack(name: str) -> LoadedPack:
    """A built-in pack by name; an unknown name lists the valid ones."""
    path = builtin_dir() / f"{name}.yaml"
    if name not in BUILTIN_PACKS or not path.is_file():
        available = [n for n in BUILTIN_PACKS if (builtin_dir() / f"{n}.yaml").is_file()]
        raise ConfigError(f"unknown rule pack {name!r}; built-in packs: {', '.join(available)}")
    return cached(f"pack-{name}", lambda: load_pack(path, f"<builtin>/{name}.yaml", builtin=True))


def available_builtin_packs() -> list[str]:
    return [n for n in BUILTIN_PACKS if (builtin_dir() / f"{n}.yaml").is_file()]


def _rule_location(pack: LoadedPack, index: int, key: str) -> Location:
    if pack.doc is None:
        return Location(pack.file)
    return pack.doc.location(("spec", "rules", index, key))


MAX_COMPREHENSION_DEPTH = 2
MAX_COST = 1 << 18
"""The estimated cost a custom rule may have on its parsed form (see `estimated_cost`)."""
ASSUMED_LIST = 64
"""The length assumed for a list of the context a macro iterates (data classes, offers...)."""
_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
def estimated_cost(source: str) -> tuple[int, int]:
    """(macro nesting depth, estimated cost) of an expression on its parsed form.

    CEL has no loops, so macros are the only way an expression's cost can grow faster than
    its length. A macro costs the length of what it iterates (a list literal's elements, or
    `ASSUMED_LIST` for a list of the context) times the cost of its body; nested macros
    multiply. A list literal costs its elements.
    """
    tokens = cel_tokens(source)
    # Per open bracket: (kind, elements so far, macro-iterated length, cost of the body).
    depth = deepest = 0
    stack: list[list[Any]] = []
    closed: dict[int, int] = {}  # index of a list literal's `]` -> its elements
    cost = 1
    for k, token in enumerate(tokens):
        if token == "(":
            macro = k >= 2 and tokens[k - 2] == "." and tokens[k - 1] in _MACROS
            if macro:
                depth += 1
                deepest = max(deepest, depth)
            target = closed.get(k - 3, ASSUMED_LIST) if macro else ASSUMED_LIST
            stack.append(["macro" if macro else "call", 0, target, 1])
            continue
        if token == "[":
            literal = k == 0 or tokens[k - 1] in ("(", ",", "[", "?", ":", "+", "==", "!", "{",
                                                    "in", "&", "|", "=", "<", ">", "-", "*", "/")
            stack.append(["list" if literal else "index", 0, 0, 1])
            continue
        if token == "," and stack:
            stack[-1][1] += 1
            continue
        if token in (")", "]") and stack:
            kind, commas, target, inner = stack.pop()
            empty = k > 0 and tokens[k - 1] in ("(", "[")
            if kind == "macro":
                depth -= 1
                here = max(target, 1) * inner
            elif kind == "list":
                here = (0 if empty else commas + 1) + inner
            else:
                here = inner
            if stack:
                stack[-1][3] += here
            else:
                cost += here
            if kind == "list":
                closed[k] = 0 if empty else commas + 1
    return deepest, cost


def _bound_cost(rule: Rule, key: str, source: str, pack: LoadedPack, index: int) -> None:
    """A custom rule's expression must be cheap on its parsed form: exit 2 naming it if not."""
    where = _rule_location(pack, index, key)
    try:
        deepest, cost = estimated_cost(source)
    except ValueError as exc:
        raise ConfigError(f"rule {rule.id}: `{key}` is not a valid CEL expression: {exc}",
                          where) from None
    if deepest > MAX_COMPREHENSION_DEPTH:
        raise ConfigError(
            f"rule {rule.id}: `{key}` nests list macros (all, exists, map, filter) more than "
            f"{MAX_COMPREHENSION_DEPTH} deep; flatten the expression", where)
    if cost > MAX_COST:
        raise ConfigError(
            f"rule {rule.id}: `{key}` may cost about {cost:,} steps per evaluation, more than "
            f"the limit of {MAX_COST:,} (macros multiply the lengths of the lists they iterate); "
            "shorten its list literals or un-nest its macros", where)


def compile_rule(rule: Rule, pack: LoadedPack, index: int, severity: str,
                 time_limit: float = 1.0) -> CompiledRule:
    """Compile a rule's expressions; a syntax error is a config error naming rule and file."""
    scopes = (rule.scope,) if isinstance(rule.scope, str) else tuple(dict.fromkeys(rule.scope))
    if not pack.builtin:
        # Only the built-in core rules are detected by the engine itself; any other rule
        # without a violation, or with one that is the constant false, could never fire.
        if rule.violation is None:
            raise ConfigError(f"rule {rule.id} has no `violation`: it could never fire; add the "
                              "CEL expression that is true when the rule is violated",
                              _rule_location(pack, index, "id"))
        for key in ("when", "violation"):
            if getattr(rule, key).strip().lower() in ("false", "(false)", "!true"):
                raise ConfigError(f"rule {rule.id}: `{key}` is always false: the rule could "
                                  "never fire", _rule_location(pack, index, key))
    programs: dict[str, Program | None] = {}
    for key in ("when", "violation"):
        source = getattr(rule, key)
        if source is None:
            programs[key] = None
            continue
        # Built-in packs are checked by the test suite; an organisation's rules here.
        if not pack.builtin:
            _bound_cost(rule, key, source, pack, index)
        try:
            programs[key] = Program(source, time_limit)
        except CelCompileError as exc:
            raise ConfigError(
                f"rule {rule.id}: `{key}` is not a valid CEL expression: {exc}",
                _rule_location(pack, index, key),
            ) from None
    when = programs["when"]
    assert when is not None
    if rule.violation is not None:
        # A placeholder naming no variable of the rule's scopes would print as written.
        available = frozenset.intersection(*(SCOPE_VARIABLES[scope] for scope in scopes))
        # Message-only explanations (engine/messages.py, docs/context.md), by scope.
        explained = frozenset.intersection(*(WHY.get(scope, frozenset()) for scope in scopes))
        if explained:
            available |= {"why"}
        for name in _PLACEHOLDER.findall(rule.message):
            if name not in available:
                raise ConfigError(
                    f"rule {rule.id}: message placeholder {{{name}...}} names no variable of "
                    f"scope {', '.join(scopes)}; variables: {', '.join(sorted(available))}",
                    _rule_location(pack, index, "message"))
        for name in _WHY_PLACEHOLDER.findall(rule.message):
            if name not in explained:
                raise ConfigError(
                    f"rule {rule.id}: message placeholder {{why.{name}}} is not an explanation "
                    f"of scope {', '.join(scopes)}; explanations: {', '.join(sorted(explained))}",
                    _rule_location(pack, index, "message"))
    violation = programs["violation"]
    uses_alternative = "alternative" in when.variables or (
        violation is not None and "alternative" in violation.variables)
    return CompiledRule(
        rule, pack.pack.metadata.name, severity, scopes,
        rule.at or DEFAULT_AT[scopes[0]], when, violation, uses_alternative, time_limit,
    )
