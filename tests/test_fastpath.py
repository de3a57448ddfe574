"""The manifest fast path against pydantic: it defers, or builds exactly what pydantic builds.

The fast path (procurelint.documents.manifest_validation) may only ever accept what pydantic accepts, with the
same values and the same types (an int in a float field becomes a float). Manifests are
generated valid and then broken or bent (wrong types, numeric strings, bools for ints, unknown
and snake_case keys, missing keys, failed constraints, nulls); every manifest the project
ships is checked too, and must not need pydantic at all.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from procurelint.documents.kinds import is_ours
from procurelint.documents.manifest_validation import fast_manifest, manifest_checks
from procurelint.documents.validation_plan import DEFER, compile_schema
from procurelint.documents.models.manifest_model import AgentManifest
from procurelint.documents.records import Record, from_model, kind_of
from procurelint.documents.yamlio import load_file
from tests.conftest import EXAMPLES, REPO, node_at, node_paths

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FULL = yaml.safe_load("""\
apiVersion: procurelint/v1
kind: AgentManifest
metadata:
  name: claims-app
  team: claims
  owner: owner@example.com
  description: Every optional field, so that mutations reach them all
spec:
  environment: staging
  regimes: [hipaa]
  dataSubjects: [US, EU]
  budget: {monthlyUsd: 250}
  workflows:
    - name: triage
      description: first look
      runsPerMonth: 1000
      dataClasses: [phi, pii]
      recordsPerYear: 5000
      dataSubjects: [US]
      steps:
        - name: summarise
          description: summary
          model: deepseek/deepseek-v3.2
          endpoint: deepseek/api
          callsPerRun: 2
          tokensPerCall: {input: 1000, output: 100, cachedInput: 10}
          dataClasses: [phi]
          deidentification: {method: safe-harbor, performedBy: privacy-team}
          routing: {providers: [a, b], allowFallbacks: false, dataCollection: deny,
                    zeroDataRetention: true}
          fallbacks:
            - {model: openai/gpt-5, endpoint: openai/api}
        - name: reply
          model: openai/gpt-5
          endpoint: openai/api
""")

MINIMAL = yaml.safe_load("""\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: app, team: t, owner: o}
spec:
  workflows:
    - name: flow
      runsPerMonth: 0
      dataClasses: [public]
      steps: [{name: step, model: m, endpoint: e}]
""")

TRICKY = [
    "5", "5.0", "yes", "no", "true", "on", "null", "", " ", "a b", "a\n", "\tx", "UK", "GB", "EU",
    "us", "XX", "Production", "é", "日本", "\ud800", "\x1c", "a" * 201, "-", "a-", "A",
    0, 1, -1, 2, 4, 7, 2**53, 2**53 + 1, 2**70, -(2**70),
    0.0, -0.0, 1.5, -1.5, 5.0, 1e308, math.inf, -math.inf, math.nan,
    True, False, None, [], [None], ["US"], ["x", 1], {}, {"input": 1}, {"zz": 1}, ("US",),
]


def _typed(value: Any) -> Any:
    """A value with every type spelled out: 1 == 1.0 == True, but a float is not an int."""
    if isinstance(value, Record):
        return ("record", kind_of(value), {k: _typed(v) for k, v in vars(value).items()})
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: _typed(v) for k, v in value.items()})
    return (type(value).__name__, value)


def _pydantic(data: Any) -> Record | None:
    try:
        return from_model(AgentManifest.model_validate(data))  # type: ignore[no-any-return]
    except ValidationError:
        return None


def _agrees(data: Any) -> Record | None:
    """The fast path's answer, after checking it against pydantic's."""
    fast = fast_manifest(copy.deepcopy(data))
    if fast is not None:
        expected = _pydantic(copy.deepcopy(data))
        assert expected is not None, f"fast path accepted what pydantic refuses: {data!r}"
        assert _typed(fast) == _typed(expected)
    return fast


def test_the_plan_has_no_blind_spot() -> None:
    """Every node of AgentManifest is known to the compiler: no part of a manifest always
    defers (which would silently send every manifest to pydantic)."""
    AgentManifest.model_rebuild()
    plan = compile_schema(dict(AgentManifest.__pydantic_core_schema__))

    def walk(node: Any) -> None:
        assert node != DEFER
        for part in node[1:]:
            if isinstance(part, tuple) and part and isinstance(part[0], str) and part[0] in (
                    "str", "int", "float", "bool", "literal", "nullable", "list", "after",
                    "model", "ref"):
                walk(part)
            elif isinstance(part, tuple):
                for field in part:
                    if isinstance(field, tuple) and len(field) == 6:
                        walk(field[2])

    walk(plan["root"])
    for node in plan["definitions"].values():
        walk(node)


def test_unknown_schema_nodes_defer() -> None:
    assert compile_schema({"type": "union", "choices": []})["root"] == DEFER
    assert compile_schema({"type": "str", "strip_whitespace": True})["root"] == DEFER
    assert compile_schema({"type": "int", "multiple_of": 2})["root"] == DEFER
    assert compile_schema({"type": "int", "strict": True})["root"] == DEFER
    after = {"type": "function-after", "schema": {"type": "str"},
             "function": {"type": "no-info", "function": str.upper}}
    assert compile_schema(after)["root"] == DEFER  # not a function of a pydantic-free module


@pytest.mark.parametrize("base", [FULL, MINIMAL], ids=["full", "minimal"])
def test_valid_manifests_need_no_pydantic(base: dict[str, Any]) -> None:
    assert _agrees(base) is not None


def test_ints_in_float_fields_become_floats() -> None:
    fast = _agrees(FULL)
    assert fast is not None
    monthly = fast.spec.budget.monthly_usd  # type: ignore[attr-defined]
    assert type(monthly) is float and monthly == 250.0


def test_defaults_are_fresh_lists() -> None:
    first, second = fast_manifest(copy.deepcopy(MINIMAL)), fast_manifest(copy.deepcopy(MINIMAL))
    assert first is not None and second is not None
    assert first.spec.data_subjects == ["US"]  # type: ignore[attr-defined]
    assert first.spec.data_subjects is not second.spec.data_subjects  # type: ignore[attr-defined]


def test_a_text_one_field_took_is_judged_anew_by_another() -> None:
    """Each string check remembers the texts it passed, for itself alone: a text a free-text
    field took, again and again, is still refused where a name's pattern forbids it, and a
    text that passed stays passed."""
    text = "Claims App 2"
    for _ in range(3):
        free = copy.deepcopy(FULL)
        free["metadata"]["description"] = text
        assert _agrees(free) is not None
        named = copy.deepcopy(FULL)
        named["metadata"]["name"] = text
        assert fast_manifest(named) is None
        with pytest.raises(ValidationError):
            AgentManifest.model_validate(named, by_alias=True, by_name=False)


@pytest.mark.parametrize("value", ["5", 5.0, True, "yes"], ids=repr)
def test_values_pydantic_would_coerce_are_deferred(value: Any) -> None:
    data = copy.deepcopy(MINIMAL)
    data["spec"]["workflows"][0]["runsPerMonth"] = value
    assert fast_manifest(data) is None


def test_snake_case_keys_are_deferred() -> None:
    """pydantic also accepts field names (populate_by_name); the fast path leaves them to it."""
    data = copy.deepcopy(MINIMAL)
    workflow = data["spec"]["workflows"][0]
    workflow["runs_per_month"] = workflow.pop("runsPerMonth")
    assert fast_manifest(data) is None and _pydantic(data) is not None


@pytest.mark.parametrize("base", [FULL, MINIMAL], ids=["full", "minimal"])
def test_every_node_set_to_every_tricky_value_defers_or_agrees(base: dict[str, Any]) -> None:
    """Exhaustive single mutations: each node of the manifest replaced by each tricky value."""
    accepted = 0
    for path in node_paths(base)[1:]:
        for value in TRICKY:
            data = copy.deepcopy(base)
            node_at(data, path[:-1])[path[-1]] = value
            accepted += _agrees(data) is not None
    assert accepted > 100  # the fast path is exercised, not only deferring


BASES = [FULL, MINIMAL]
MUTATIONS = st.sampled_from(["set", "delete", "add-key", "add-snake-key", "set-any"])
ANY_VALUE = st.one_of(
    st.sampled_from(TRICKY), st.integers(), st.floats(), st.booleans(), st.none(),
    st.text(max_size=12), st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
    st.lists(st.sampled_from(["US", "EU", "phi", "x y", 3]), max_size=3),
)


@SETTINGS
@given(st.sampled_from(BASES), st.lists(st.tuples(MUTATIONS, st.integers(0, 10_000), ANY_VALUE),
                                        min_size=1, max_size=3))
def test_mutated_manifests_defer_or_agree_with_pydantic(
        base: dict[str, Any], mutations: list[tuple[str, int, Any]]) -> None:
    _agrees(_mutated(base, mutations))


def _mutated(base: dict[str, Any], mutations: list[tuple[str, int, Any]]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    for action, pick, shared in mutations:
        # A copy: TRICKY's lists and dicts are shared by every example, and setting the same
        # object twice (or into itself) would make a cycle that no manifest can hold.
        value = copy.deepcopy(shared)
        paths = node_paths(data)
        path = paths[pick % len(paths)]
        parent = node_at(data, path[:-1]) if path else None
        if action in ("set", "set-any") and path:
            parent[path[-1]] = value
        elif action == "delete" and path and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "delete" and path and isinstance(parent, list) and len(parent) > 0:
            parent.pop(path[-1])
        elif action == "add-key" and isinstance(node_at(data, path), dict):
            node_at(data, path)[f"zz{pick}"] = value
        elif action == "add-snake-key" and isinstance(node_at(data, path), dict):
            node = node_at(data, path)
            camel = next((k for k in node if any(c.isupper() for c in k)), None)
            if camel is not None:
                snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)
                node[snake] = node.pop(camel)
    return data


def test_mutations_leave_the_values_they_insert_alone() -> None:
    """A value inserted by one mutation and changed by the next must be a copy: the values come
    from TRICKY, shared by every example, and `{}` given a key holding itself makes every later
    example that draws it recurse without end."""
    empty: dict[str, Any] = {}
    data = _mutated(MINIMAL, [("set", 1, empty), ("add-key", 1, empty)])
    assert empty == {}
    assert node_paths(data)


def _shipped_manifests() -> list[tuple[str, Any]]:
    out = []
    for folder in (REPO / "tests" / "cases", EXAMPLES):
        for path in sorted(folder.rglob("*.y*ml")):
            try:
                docs = load_file(str(path))
            except Exception:  # noqa: BLE001 - broken YAML is a case of its own
                continue
            for i, doc in enumerate(docs):
                if is_ours(doc.data) and doc.data.get("kind") == "AgentManifest":
                    out.append((f"{path.relative_to(REPO)}#{i}", doc.data))
    return out


SHIPPED = _shipped_manifests()


def test_there_are_shipped_manifests() -> None:
    assert len(SHIPPED) > 100


@pytest.mark.parametrize("name,data", SHIPPED, ids=[n for n, _ in SHIPPED])
def test_shipped_manifests_take_the_fast_path(name: str, data: Any) -> None:
    """A valid shipped manifest is accepted as pydantic accepts it; an invalid one (a case
    of MAN002) defers, so that pydantic words its errors."""
    expected = _pydantic(copy.deepcopy(data))
    fast = fast_manifest(copy.deepcopy(data))
    if expected is None:
        assert fast is None
    elif fast is None and not json.dumps(data, ensure_ascii=False).isascii():
        pass  # text outside ASCII under a pattern is pydantic's to judge (a look-alike team)
    else:
        assert fast is not None, f"{name}: valid, but the fast path deferred"
        assert _typed(fast) == _typed(expected)


def test_the_validator_is_built_once() -> None:
    assert manifest_checks() is manifest_checks()


def test_yaml_text_round_trip_of_a_shipped_manifest(tmp_path: Path) -> None:
    """The fast path judges the values the YAML reader builds, not only Python literals."""
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump(FULL, sort_keys=False), encoding="utf-8")
    data = load_file(str(path))[0].data
    assert _agrees(data) is not None
