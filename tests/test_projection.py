"""Projection: the CEL context holds only the fields rules read, and a rule judges the
projected value exactly as it judges the whole one."""

from __future__ import annotations

from typing import Any

import pytest

from procurelint.expressions import CelEvalError, Program, new_context
from procurelint.engine.projection import Projector

NAMES = ("alternative",)


@pytest.mark.parametrize(("source", "fields"), [
    ("alternative != null && alternative.savingPercent >= 30.0", {"savingPercent"}),
    ("null == alternative || alternative.model == 'x'", {"model"}),
    ("alternative.model != null", {"model"}),
    ("size(alternative) > 0", None),  # the whole value: not projected
    ("alternative == null ? 1 : size(alternative)", None),
    ("other.alternative != null", set()),  # a field of another variable
    ("'alternative' == 'alternative.savingPercent'", set()),  # text, not a reference
    ("null == alternative['model']", None),  # an index, not a null test of the variable
    ("null == alternative .model", {"model"}),
    ("alternative. model == null", {"model"}),
    ("null != alternative ['x']", None),
    ("null == f(alternative)", None),
])
def test_fields_read(source: str, fields: set[str] | None) -> None:
    assert Projector([source], names=NAMES).fields["alternative"] == fields


VALUES: list[Any] = [
    None,
    {"model": "m", "savingPercent": 45.0, "monthlyUsd": 1.0},
    {"model": "x", "savingPercent": 10.0, "monthlyUsd": 2.0},
]


@pytest.mark.parametrize("source", [
    "alternative != null && alternative.savingPercent >= 30.0",
    "alternative == null",
    "null != alternative && alternative.model == 'x'",
    "alternative != null && has(alternative.model)",
    "null == alternative['model']",
    "alternative. model == null",
])
@pytest.mark.parametrize("value", VALUES)
def test_projected_and_whole_values_give_the_same_verdict(source: str, value: Any) -> None:
    projector = Projector([source], names=NAMES)
    program = Program(source)

    def outcome(variable: Any) -> Any:
        try:
            return program.run(new_context({"alternative": variable}))
        except CelEvalError as exc:  # an error must stay the same error
            return f"error: {exc}"

    assert outcome(projector.project("alternative", value)) == outcome(value)


def test_equal_projections_are_one_object() -> None:
    projector = Projector(["alternative.savingPercent > 1.0"], names=NAMES)
    a = projector.project("alternative", {"savingPercent": 2.0, "model": "a"})
    b = projector.project("alternative", {"savingPercent": 2.0, "model": "b"})
    assert a is b and a == {"savingPercent": 2.0}
