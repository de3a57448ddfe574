"""Records: the pydantic-free form of validated documents that the cache keeps and the engine reads."""

from __future__ import annotations

import copy
import datetime as dt
import pickle

import pytest

from procurelint.documents import kinds as documents
from procurelint.policy.config import custom_pack, load_config
from procurelint.documents.models import API_VERSION, KINDS
from procurelint.documents.models.catalog_model import Endpoint
from procurelint.documents.models.policy_model import Policy
from procurelint.documents.models.rulepack_model import PackMetadata, RulePack, RulePackSpec
from procurelint.documents.records import Record, fields_of, from_model, kind_of, replace, to_model
from tests.conftest import EXAMPLES


def _step() -> Record:
    tokens = Record("Tokens", {"input": 1000, "output": 100, "cached_input": 0})
    return Record("Step", {"name": "s", "tokens_per_call": tokens, "fallbacks": [], "when": dt.date(2026, 1, 2)})


def test_attributes_by_field_name() -> None:
    step = _step()
    assert step.name == "s" and step.tokens_per_call.input == 1000  # type: ignore[attr-defined]
    assert kind_of(step) == "Step" and fields_of(step)["name"] == "s"
    with pytest.raises(AttributeError):
        step.missing  # type: ignore[attr-defined]  # noqa: B018


def test_read_only() -> None:
    step = _step()
    with pytest.raises(AttributeError, match="read-only"):
        step.name = "t"
    with pytest.raises(AttributeError, match="read-only"):
        del step.name  # type: ignore[attr-defined]
    fields_of(step)["name"] = "t"  # a copy
    assert step.name == "s"  # type: ignore[attr-defined]


def test_equality_by_value_and_kind() -> None:
    assert _step() == _step()
    assert _step() != replace(_step(), name="t")
    assert Record("A", {"x": 1}) != Record("B", {"x": 1})
    assert hash(Record("A", {"x": 1})) == hash(Record("A", {"x": 1}))
    with pytest.raises(TypeError):
        hash(_step())  # a list field: unhashable, as a frozen pydantic model with a list is


def test_pickling_and_copying_keep_the_value() -> None:
    step = _step()
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(step, protocol=protocol))
        assert again == step and type(again) is Record and kind_of(again) == "Step"
    assert copy.deepcopy(step) == step and copy.copy(step) == step


def test_repr_reads_like_the_model() -> None:
    assert repr(Record("Tokens", {"input": 1, "output": 2})) == "Tokens(input=1, output=2)"


def test_replace_refuses_unknown_fields() -> None:
    with pytest.raises(AttributeError):
        replace(_step(), nmae="t")


def test_model_to_record_and_back() -> None:
    policy = Policy.model_validate({"apiVersion": API_VERSION, "kind": "Policy", "metadata": {"name": "p"},
                                    "spec": {"transferMechanisms": [{"from": "EU", "to": "US", "mechanism": "dpf"}]}})
    record = from_model(policy)
    assert kind_of(record) == "Policy" and kind_of(record.spec.limits) == "Limits"
    assert record.spec.limits.max_depth == 64 and record.spec.transfer_mechanisms[0].from_ == "EU"
    back = to_model(record, Policy)
    assert back == policy and from_model(back) == record


def test_a_record_is_not_equal_to_its_model() -> None:
    """The two never mix silently: code that needs a model converts with to_model."""
    endpoint = Endpoint.model_validate({
        "id": "e", "provider": "p", "country": None, "hipaaBaa": None, "fedramp": None,
        "crossBorderRouting": None, "dataPolicy": {"trainsOnInputs": None, "retentionDays": None}})
    assert from_model(endpoint) != endpoint
    assert to_model(from_model(endpoint), Endpoint) == endpoint


def test_the_custom_pack_is_what_pydantic_builds() -> None:
    config = load_config(None, EXAMPLES / "custom-rules", search=False)
    built = custom_pack(config.policy)
    expected = from_model(RulePack(
        api_version="procurelint/v1", kind="RulePack",
        metadata=PackMetadata(name="custom", version=config.policy.metadata.version or "0", title="Policy rules"),
        spec=RulePackSpec(rules=[])))
    assert built == expected


def test_document_kinds_match_the_models() -> None:
    assert documents.KIND_NAMES == set(KINDS)
    assert documents.API_VERSION == API_VERSION


def test_a_loaded_configuration_holds_no_pydantic_model() -> None:
    from pydantic import BaseModel

    config = load_config(None, EXAMPLES)
    seen: set[int] = set()

    def walk(value: object) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        assert not isinstance(value, BaseModel), type(value).__name__
        if isinstance(value, Record):
            for item in fields_of(value).values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk([config.policy, config.waivers, list(config.catalog.models.values()),
          list(config.catalog.endpoints.values()), list(config.catalog.providers.values()),
          [p.pack for p in config.packs], [r.rule for r in config.rules], config.tiers,
          config.data_classes])
