"""Projection: the CEL context holds only the fields rules read, and a rule judges the
projected value exactly as it judges the whole one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurelint.expressions import (
    CelEvalError, ContextPool, Program, cel_tokens, code_text, new_context,
)
from procurelint.engine.projection import Projector, item_fields

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
    ("alternative.size() > 3", None),  # a method of the whole value, not a field `size`
    ("alternative.exists(k, k == 'model')", None),
    ("alternative . all (k, k != '')", None),
    ("alternative.model.size() > 0", {"model"}),  # a method of a field reads the field
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
    "alternative != null && alternative.size() > 2",
    "alternative != null && !alternative.exists(k, k == 'monthlyUsd')",
])
@pytest.mark.parametrize("value", VALUES)
def test_projected_and_whole_values_give_the_same_verdict(source: str, value: Any) -> None:
    projector = Projector([source], names=NAMES)
    assert _verdict(source, "alternative", projector.project("alternative", value)) == \
        _verdict(source, "alternative", value)


def _verdict(source: str, name: str, value: Any) -> Any:
    """What `source` gives with `name` bound to `value`; an error must stay the same error."""
    try:
        return Program(source).run(new_context({name: value}))
    except CelEvalError as exc:
        return f"error: {exc}"


def test_equal_projections_are_one_object() -> None:
    projector = Projector(["alternative.savingPercent > 1.0"], names=NAMES)
    a = projector.project("alternative", {"savingPercent": 2.0, "model": "a"})
    b = projector.project("alternative", {"savingPercent": 2.0, "model": "b"})
    assert a is b and a == {"savingPercent": 2.0}


OFFERS: list[Any] = [
    {"id": "e", "offer": None, "hipaaBaa": True},
    {"id": "e", "offer": {"input": 1.0, "retires": None}, "hipaaBaa": False},
    {"id": "f", "offer": {"input": 9.0, "retires": "2026-01-01"}, "hipaaBaa": True},
    {"id": "g", "offer": {"input": 2.0, "retires": "2027-06-01", "note": "x"}, "hipaaBaa": True},
]


@pytest.mark.parametrize(("sources", "kept"), [
    (["endpoint.offer != null && endpoint.offer.retires != null",
      "endpoint.offer.retires <= '2026-12-05'"], {"offer": ("retires",)}),
    (["null != endpoint.offer && has(endpoint.offer.retires)"], {"offer": ("retires",)}),
    (["endpoint.offer.size() > 1"], {}),             # a method of the mapping: kept whole
    (["endpoint.offer['input'] > 1.0"], {}),         # an index: kept whole
    (["endpoint.offer in [null]"], {}),              # the value itself: kept whole
    (["[endpoint.offer].exists(o, o.input > 1.0)"], {}),
    (["endpoint.offer.retires != null", "endpoint.offer == endpoint.offer"], {}),
    (["'endpoint.offer.retires' == 'x' && endpoint.hipaaBaa"], {}),  # text, not a read
])
def test_nested_keys_read(sources: list[str], kept: dict[str, tuple[str, ...]]) -> None:
    projector = Projector(sources, names=("endpoint",), fresh=frozenset(), nested=True)
    assert projector._keys.get("endpoint", {}) == kept


@pytest.mark.parametrize("source", [
    "endpoint.offer != null && endpoint.offer.retires != null && endpoint.offer.retires <= '2026-12-05'",
    "null == endpoint.offer || !has(endpoint.offer.retires) || endpoint.offer.retires == null",
    "endpoint.offer != null && endpoint.offer.size() > 2",
    "endpoint.offer != null && endpoint.offer.input > 1.5 && endpoint.hipaaBaa",
    "endpoint.offer != null && endpoint.offer.missing == 1",
])
@pytest.mark.parametrize("value", OFFERS)
def test_nested_projection_gives_the_same_verdict(source: str, value: Any) -> None:
    projector = Projector([source], names=("endpoint",), fresh=frozenset(), nested=True)
    assert _verdict(source, "endpoint", projector.project("endpoint", value, True)) == \
        _verdict(source, "endpoint", value)


def test_offers_alike_in_what_is_read_share_one_projection() -> None:
    projector = Projector(["endpoint.offer != null && endpoint.offer.retires == null"],
                          names=("endpoint",), fresh=frozenset(), nested=True)
    a = projector.project("endpoint", {"offer": {"input": 1.0, "retires": None}}, True)
    b = projector.project("endpoint", {"offer": {"input": 7.0, "retires": None}}, True)
    c = projector.project("endpoint", {"offer": {"input": 7.0, "retires": "2027-01-01"}}, True)
    assert a is b and a == {"offer": {"retires": None}} and c is not a
    # A shared value is projected once: the memo is keyed by the value the caller holds.
    full = {"offer": {"input": 3.0, "retires": None}}
    assert projector.project("endpoint", full, True) is a
    assert projector._shared[("endpoint", id(full))][0] is full


@pytest.mark.parametrize(("source", "fields"), [
    ("tiers.exists(t, t.maxPricePerMillion != null)", ("maxPricePerMillion",)),
    ("tiers.exists(t, t.allowJurisdictions != null || t.denyJurisdictions != null)"
     " && tiers.all(u, u.rank > 1)", ("allowJurisdictions", "denyJurisdictions", "rank")),
    ("tiers.exists_one(t, has(t.rank))", ("rank",)),
    ("tiers.map(t, t.rank).exists(r, r > 2)", ("rank",)),
    ("tiers.exists(t, t.allowJurisdictions.exists(j, j == 'US'))", ("allowJurisdictions",)),
    ("tiers.exists(t, t.name == 't.rank') // || t.other\n&& true", ("name",)),
    ("tiers.all(t, t.maxPricePerMillion.input > 1.0)", ("maxPricePerMillion",)),
    # The items whole: a use of the list other than a macro, a macro whose value holds items,
    # a use of the variable other than a field's, a variable bound twice or not followed.
    ("size(tiers) > 0", None),
    ("tiers[0].rank > 1", None),
    ("tiers.size() > 0", None),
    ("tiers.filter(t, t.rank > 1)[0].name == 'x'", None),
    ("tiers.exists(t, t == {})", None),
    ("tiers.exists(t, t['rank'] > 1)", None),
    ("tiers.exists(t, t.?rank == 1)", None),
    ("tiers.exists(t, t.allowJurisdictions.exists(t, t == 'US'))", None),
    ("tiers.exists(t, t.rank > 1) && [1].all(t, t > 0)", None),
    ("tiers.all(i, t, t.rank > 1)", None),
    ("tiers.exists(tiers, tiers.rank > 1)", None),
    ("policy.tiers.exists(t, t.rank > 1)", None),
    ("tiers.exists(t, t.name == 'x)", None),  # does not lex
])
def test_item_fields_read(source: str, fields: tuple[str, ...] | None) -> None:
    assert item_fields([source], "tiers") == fields


TIER_LISTS: list[Any] = [
    [],
    [{"name": "confidential", "rank": 2, "allowJurisdictions": ["US", "DE"],
      "denyJurisdictions": None, "requireNoTraining": True, "maxPricePerMillion": None}],
    [{"name": "internal", "rank": 1, "allowJurisdictions": None, "denyJurisdictions": ["CN"],
      "requireNoTraining": False, "maxPricePerMillion": {"input": 2.0, "output": 8.0}},
     {"name": "restricted", "rank": 3, "allowJurisdictions": ["US"], "denyJurisdictions": None,
      "requireNoTraining": True, "maxPricePerMillion": {"input": 0.5, "output": None}}],
    [{"name": "partial", "rank": 1}],  # fields missing, as a has() or an error tells
]
ITEM_READS = [
    "t.allowJurisdictions != null", "has(t.denyJurisdictions)", "'US' in t.allowJurisdictions",
    "t.rank > 1", "t.requireNoTraining == true", "t.maxPricePerMillion == null",
    "t.maxPricePerMillion.input > 1.0", "t.name.startsWith('re')", "has(t.missing)",
]


@given(st.sampled_from(["all", "exists", "exists_one"]),
       st.lists(st.sampled_from(ITEM_READS), min_size=1, max_size=3),
       st.sampled_from([" && ", " || "]), st.booleans(), st.sampled_from(range(len(TIER_LISTS))))
def test_projected_items_give_the_same_value(macro: str, reads: list[str], join: str,
                                              negate: bool, which: int) -> None:
    """Any macro over the tiers whose variable reads fields judges the items projected to those
    fields as it judges them whole: the same value, or the same error."""
    body = ("!" if negate else "") + "(" + join.join(reads) + ")"
    source = f"tiers.{macro}(t, {body}) || tiers.map(u, u.rank).exists(r, r == 3)"
    projector = Projector([source], names=(), lists=("tiers",))
    assert projector.items["tiers"], source
    whole = TIER_LISTS[which]
    projected = projector.project("tiers", whole)
    assert _verdict(source, "tiers", projected) == _verdict(source, "tiers", whole)


def test_items_alike_in_what_is_read_share_one_projection() -> None:
    """A rule that reads a tier's price cap converts no tier's jurisdictions, and tier lists
    alike in the caps share one projected list."""
    projector = Projector(["tiers.exists(t, t.maxPricePerMillion != null)"], names=(),
                          lists=("tiers",))
    first = [{"name": "a", "allowJurisdictions": ["US"] * 30, "maxPricePerMillion": None}]
    second = [{"name": "b", "allowJurisdictions": ["DE"], "maxPricePerMillion": None}]
    projected = projector.project("tiers", first)
    assert projected == [{"maxPricePerMillion": None}]
    assert projector.project("tiers", second) is projected
    assert projector.project("tiers", first) is projected  # held by the list's identity
    whole = Projector(["tiers.filter(t, t.rank > 1).size() > 0"], names=(), lists=("tiers",))
    assert whole.project("tiers", first) is first


@pytest.mark.parametrize(("sources", "kept"), [
    # Strings and comments as CEL lexes them: neither hides a read that follows.
    (["endpoint.offer != null // it's a guard\n&& has(endpoint.offer.output)"], {"offer": ("output",)}),
    ([r"r'\' != '' && has(endpoint.offer.output) && endpoint.offer.retires == null"],
     {"offer": ("output", "retires")}),
    (["'''it's''' != '' && endpoint.offer.input > 1.0"], {"offer": ("input",)}),
    (["null != endpoint.offer['retires']"], {}),  # an index beside a null test: kept whole
    (["1 + endpoint.offer != null"], {}),         # an operand of something else first
    (["!endpoint.offer == null"], {}),
    (["endpoint.offer.?retires"], {}),            # optional selection: kept whole
    (["endpoint.offer.retires == 'x"], {}),       # does not lex: nothing projected
])
def test_nested_keys_are_read_on_cel_tokens(sources: list[str], kept: dict[str, tuple[str, ...]]) -> None:
    projector = Projector(sources, names=("endpoint",), fresh=frozenset(), nested=True)
    assert projector._keys.get("endpoint", {}) == kept


@pytest.mark.parametrize(("source", "fields"), [
    ("true // it's\n|| alternative.model == 'x'", {"model"}),  # a comment hides no read
    (r"r'\' != '' || alternative.model == 'x'", {"model"}),
])
def test_fields_read_past_strings_and_comments(source: str, fields: set[str]) -> None:
    assert Projector([source], names=NAMES).fields["alternative"] == fields


@pytest.mark.parametrize(("source", "code"), [
    ('a == "x" // c\nb', "a == '' \nb"),      # a comment ends at its line's end
    ('bar"x" + b"y"', "bar'' + ''"),          # after a name, r/b are the name's, not a prefix
    ('r"\\" + x', "'' + x"),                  # a raw string: its backslash escapes nothing
    ('"""a\\""""', "''"),                     # an escaped quote, then the closing three
    ("'''a\nb''' + c", "'' + c"),             # a triple-quoted string crosses lines
    ("'a\\\nb'", "''"),                       # a backslash escapes a line's end too
    ("x // '\ny", "x \ny"),                   # a quote in a comment opens no string
])
def test_cel_lexer_reads_strings_and_comments_as_cel_does(source: str, code: str) -> None:
    assert code_text(source) == code


@pytest.mark.parametrize("source", [
    '"""abc\\"""',  # the escape takes a quote: two are left, and no string ends
    "'a\nb'",       # a one-quote string does not cross a line
    'x == "abc',
    "r'''a''",
])
def test_an_unterminated_string_does_not_lex(source: str) -> None:
    with pytest.raises(ValueError, match="unterminated"):
        code_text(source)


def test_cel_tokens_join_digits_across_a_dot_only() -> None:
    assert cel_tokens("x.y1 >= 1.5e3 && f(2.0)") == (
        "x", ".", "y1", ">", "=", "1.5e3", "&", "&", "f", "(", "2.0", ")")


@given(st.text(alphabet=['"', "'", "\\", "/", "\n", "r", "b", "x", "1", ".", " ", "="], max_size=24))
def test_no_quote_or_comment_survives_the_lexer(source: str) -> None:
    try:
        code = code_text(source)
    except ValueError:
        return
    assert '"' not in code and "'" not in code.replace("''", "") and "//" not in code


# Values a reused context may be handed: some objects again and again, some equal to another
# object but not the same one, some of another type than the last value of their name.
_SHARED = [{"x": 1, "y": "a"}, {"x": 2, "y": "b"}, {"x": 1, "y": "a"}, {"x": 3.5}, {"y": "c"}]


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=12))
def test_a_reused_context_judges_as_a_fresh_one(picks: list[tuple[int, int]]) -> None:
    """Rules reuse one CEL context per shape of what they read (engine/evaluate.py,
    engine/alternatives.py): a value must be converted again whenever its object changed,
    or a rule would judge the last unit's data."""
    program = Program("has(a.x) && has(b.y) ? string(a.x) + b.y : 'missing'")
    pool = ContextPool()
    for i, j in picks:
        variables = {"a": _SHARED[i], "b": _SHARED[j]}
        try:
            fresh: Any = program.run(new_context(variables))
        except CelEvalError as exc:
            fresh = f"error: {exc}"
        try:
            reused: Any = program.run(pool.context("shape", variables))
        except CelEvalError as exc:
            reused = f"error: {exc}"
        assert reused == fresh


def test_a_reused_context_holds_only_the_variables_of_its_call() -> None:
    """A variable bound to null, or left out, under a key that held other names: the context
    must answer as a fresh one, not with what an earlier call left in it."""
    pool = ContextPool()
    pool.context("k", {"a": 1})
    assert Program("b == null").run(pool.context("k", {"a": 1, "b": None})) is True
    pool.context("k", {"a": 1, "b": 2})
    with pytest.raises(CelEvalError):
        Program("b == 2").run(pool.context("k", {"a": 1}))


def test_freeze_tells_apart_what_cel_tells_apart() -> None:
    """Python's equality holds 1 == 1.0 == True and 0.0 == -0.0; CEL's values differ, so the
    frozen forms, which intern projections and key memos, must differ too."""
    from procurelint.engine.projection import freeze

    distinct = [0.0, -0.0, 1, 1.0, True, 0, False, "1", None, [1], [1.0], {"a": 1}, {"a": 1.0}]
    frozen = [freeze(v) for v in distinct]
    assert len(set(frozen)) == len(distinct)
    assert freeze({"a": [1, -0.0, "x"]}) == freeze({"a": [1, -0.0, "x"]})
    assert hash(freeze({"a": [2.5]})) == hash(freeze({"a": [2.5]}))
    # Subclasses of dict and list freeze as their base types do.
    from collections import OrderedDict

    class Items(list):  # type: ignore[type-arg]
        pass

    assert freeze(OrderedDict(a=[1])) == freeze({"a": [1]})
    assert freeze(Items([1.0])) == freeze([1.0]) != freeze([1])
