"""The package's layout: arrows point down, no import circles, a small top level.

Each folder's docstring says what it may import; this test holds the code to it. Imports made
inside functions count too: a lazy import is still an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "procurelint"

VOCABULARY = {"errors", "findings", "facts", "wording", "jsontext", "registry", "progress",
              "expressions"}
# Each part, and the parts below it that it may import (besides the vocabulary).
MAY_IMPORT: dict[str, set[str]] = {
    "vocabulary": set(),
    "documents": set(),
    "policy": {"documents"},
    "engine": {"policy", "documents"},
    "run": {"engine", "policy", "documents", "inventory"},  # discovery for the drift rules
    "output": {"run", "engine", "policy", "documents"},
    "catalog_import": {"run", "engine", "policy", "documents"},  # diff: what a change costs
    "inventory": {"policy", "documents"},
    "audit": {"output", "run", "engine", "policy", "documents"},
    "commands": {"audit", "output", "run", "engine", "policy", "documents", "catalog_import",
                 "inventory", "cli-support"},
    "cli": {"commands"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["procurelint", *parts])


def part_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    if parts[1] in VOCABULARY:
        return "vocabulary"
    if parts[1] in ("cli", "__main__"):
        return "cli"
    return parts[1]


def imports() -> dict[str, set[str]]:
    """Every module and the project modules it imports (at any depth of the code)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("procurelint"))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                if not base.startswith("procurelint"):
                    continue
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.add(sub if sub in modules else base)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_import_circle() -> None:
    graph = imports()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt == "procurelint":
                continue
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_arrows_point_down() -> None:
    wrong = []
    for module, targets in sorted(imports().items()):
        source = part_of(module)
        if source in ("package",):
            continue
        allowed = MAY_IMPORT.get(source, set()) | {"vocabulary", "package", source}
        if source == "vocabulary":
            allowed = {"package", "vocabulary"}
        for target in sorted(targets):
            if part_of(target) not in allowed:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports that point up or sideways:\n" + "\n".join(wrong)


def test_vocabulary_imports_nothing_of_the_project() -> None:
    graph = imports()
    for name in ("errors", "findings", "facts", "wording", "jsontext"):
        assert not graph[f"procurelint.{name}"] - {"procurelint"}, name


def test_small_top_level() -> None:
    modules = [p for p in PACKAGE.glob("*.py")]
    assert len(modules) <= 12, sorted(p.name for p in modules)


def test_no_two_modules_share_a_name() -> None:
    seen: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        assert path.stem not in seen, f"{path} and {seen[path.stem]} share a name"
        seen[path.stem] = path


def test_one_api_version() -> None:
    from typing import get_args

    from procurelint.documents.envelope import API_VERSION, KIND_NAMES
    from procurelint.documents.models import KINDS
    from procurelint.documents.models.base import ApiVersion

    assert get_args(ApiVersion) == (API_VERSION,)
    assert set(KINDS) == KIND_NAMES
