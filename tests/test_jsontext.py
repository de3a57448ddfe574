"""The fast JSON writer writes exactly what `json.dumps(indent=2, ensure_ascii=False)` does."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from procurelint.jsontext import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
keys = st.text() | st.integers() | st.booleans()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(keys, inner, max_size=4),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_text_as_the_standard_library(value: Any) -> None:
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


class Colour(str, Enum):
    RED = "red"


def test_unusual_values_are_written_by_the_standard_library() -> None:
    for value in ({"a": [float("nan"), float("inf")]}, {1: "x", None: 2}, [Colour.RED], {"k": True},
                  {"lone \ud800 surrogate": ["\udfff"]}, [1e16, -0.0, 5e-324, 10 ** 30]):
        assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_escapes_and_unicode() -> None:
    value = {"quote\"back\\slash": ["line\nbreak\ttab\x00", "Zürich 東京 \u2028"], "empty": [{}, []]}
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
