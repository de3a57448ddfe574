"""Rule packs: loading the built-in and custom packs, and compiling their rules once per run."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from procurelint.expressions import CelCompileError, Program
from procurelint.errors import ConfigError, Location
from procurelint.documents.loading import load_one
from procurelint.documents.cache import builtin_dir, cached
from procurelint.documents.yamlio import Document

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.rulepack_model import Rule, RulePack

BUILTIN_PACKS: tuple[str, ...] = ("core", "hipaa", "banking", "federal", "jurisdiction", "cost")

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
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)[A-Za-z0-9_.]*\}")

# Where a rule's finding points when it does not say, by its first scope.
DEFAULT_AT = {"step": "endpoint", "workflow": "workflow", "manifest": "manifest",
              "team": "manifest", "org": "manifest"}


@dataclass(frozen=True, slots=True)
class LoadedPack:
    """A rule pack with where it came from (for evidence and error positions)."""

    pack: RulePack
    file: str
    sha256: str
    doc: Document | None
    builtin: bool


@dataclass(frozen=True, slots=True)
class CompiledRule:
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

    @property
    def id(self) -> str:
        return self.rule.id


def load_pack(path: Path, display: str, builtin: bool = False) -> LoadedPack:
    pack, doc = load_one(path, "RulePack", display)
    return LoadedPack(pack, display, hashlib.sha256(path.read_bytes()).hexdigest(), doc, builtin)


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
_MACRO = re.compile(r"\.\s*(all|exists|exists_one|map|filter)\s*\(")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def comprehension_depth(source: str) -> int:
    """How deeply list macros (all, exists, map, filter...) nest in an expression.

    CEL has no loops, so macros are the only way an expression's cost can grow faster than
    its length; bounding their nesting bounds every rule to a polynomial of small degree in
    the size of the lists it reads.
    """
    text = _STRING.sub("''", source)
    depth = deepest = 0
    stack: list[bool] = []
    i = 0
    while i < len(text):
        match = _MACRO.match(text, i)
        if match:
            stack.append(True)
            depth += 1
            deepest = max(deepest, depth)
            i = match.end()
            continue
        char = text[i]
        if char == "(":
            stack.append(False)
        elif char == ")" and stack:
            if stack.pop():
                depth -= 1
        i += 1
    return deepest


def compile_rule(rule: Rule, pack: LoadedPack, index: int, severity: str) -> CompiledRule:
    """Compile a rule's expressions; a syntax error is a config error naming rule and file."""
    scopes = (rule.scope,) if isinstance(rule.scope, str) else tuple(dict.fromkeys(rule.scope))
    programs: dict[str, Program | None] = {}
    for key in ("when", "violation"):
        source = getattr(rule, key)
        if source is None:
            programs[key] = None
            continue
        # Built-in packs are checked by the test suite; an organisation's rules here.
        if not pack.builtin and comprehension_depth(source) > MAX_COMPREHENSION_DEPTH:
            raise ConfigError(
                f"rule {rule.id}: `{key}` nests list macros (all, exists, map, filter) more than "
                f"{MAX_COMPREHENSION_DEPTH} deep; flatten the expression",
                _rule_location(pack, index, key),
            )
        try:
            programs[key] = Program(source)
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
        if set(scopes) == {"step"}:
            available |= {"why"}  # message-only explanations (engine/messages.py, docs/context.md)
        for name in _PLACEHOLDER.findall(rule.message):
            if name not in available:
                raise ConfigError(
                    f"rule {rule.id}: message placeholder {{{name}...}} names no variable of "
                    f"scope {', '.join(scopes)}; variables: {', '.join(sorted(available))}",
                    _rule_location(pack, index, "message"))
    violation = programs["violation"]
    uses_alternative = "alternative" in when.variables or (
        violation is not None and "alternative" in violation.variables)
    return CompiledRule(
        rule, pack.pack.metadata.name, severity, scopes,
        rule.at or DEFAULT_AT[scopes[0]], when, violation, uses_alternative,
    )
