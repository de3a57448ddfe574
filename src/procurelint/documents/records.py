"""Read-only records of validated documents, free of pydantic.

The pydantic models of `procurelint.documents.models` define and validate the documents, but importing
them costs more than checking a small repository. So the cache keeps, and the engine reads,
records instead: the same attribute names and nesting as the models (lists, dicts, dates,
nested records), read-only and equal by value, built from a validated model (`from_model`)
or by the manifest fast path (`procurelint.documents.manifest_validation`). Code that needs the model itself
converts back with `to_model`.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

M = TypeVar("M")


class Record:
    """A validated document node: the fields of a model named `kind`, read-only, equal by value."""

    __slots__ = ("__dict__", "_kind")
    _kind: str

    def __init__(self, kind: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "__dict__", fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} is read-only (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._kind} is read-only (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Record:
            return NotImplemented
        return self._kind == other._kind and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        # As a frozen pydantic model: by value, and unhashable when a field holds a list.
        return hash((self._kind, *self.__dict__.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{self._kind}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Record, (self._kind, self.__dict__)


def kind_of(record: Record) -> str:
    """The name of the model a record stands for (`kind` itself may be a field)."""
    return record._kind


def fields_of(record: Record) -> dict[str, Any]:
    """A record's fields by name, as a new dict."""
    return dict(record.__dict__)


def replace(record: M, **changes: Any) -> M:
    """A copy of `record` with some fields changed (what `model_copy(update=...)` did)."""
    if not isinstance(record, Record):
        raise TypeError(f"not a record: {type(record).__name__}")
    current = cast(Record, record)
    unknown = set(changes) - set(current.__dict__)
    if unknown:
        raise AttributeError(f"{current._kind} has no field {sorted(unknown)[0]!r}")
    return cast(M, Record(current._kind, {**current.__dict__, **changes}))


def from_model(value: Any) -> Any:
    """A validated pydantic model (or a list or dict of them) as records; other values as they
    are. The models are recognised by their `model_fields`, so pydantic is not imported here."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        return Record(type(value).__name__, {name: from_model(getattr(value, name)) for name in fields})
    if type(value) is list:
        return [from_model(item) for item in value]
    if type(value) is dict:
        return {key: from_model(item) for key, item in value.items()}
    return value


def to_plain(value: Any) -> Any:
    """Records as dicts of fields by name (which the models accept: populate_by_name)."""
    if isinstance(value, Record):
        return {name: to_plain(item) for name, item in value.__dict__.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    return value


def to_model(value: Any, model: type[M]) -> M:
    """A record validated back into its pydantic model, for code that needs the model's own
    behaviour (`model_dump`); a model instance is returned as it is."""
    if isinstance(value, model):
        return value
    return model.model_validate(to_plain(value))  # type: ignore[attr-defined, no-any-return]
