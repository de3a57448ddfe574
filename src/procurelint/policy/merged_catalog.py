"""The merged catalog: lookup of models, providers, endpoints and offers by id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from procurelint.errors import ConfigError, Location
from procurelint.documents.loading import load_one
from procurelint.documents.cache import builtin_dir, cacheable
from procurelint.documents.document import Document

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.catalog_model import Catalog, Endpoint, Model, Price, Provider


@cacheable
class CatalogSource(Struct, frozen=True):
    """One catalog file that contributed entries, for evidence and CAT001."""

    name: str
    file: str
    as_of: dt.date
    as_of_line: int


class FactChange(Struct, frozen=True):
    """One fact of a built-in entry that an organisation's catalog changed, for the check
    summary and the audit report: `old` and `new` are the values as YAML would show them."""

    kind: str                 # model | provider | endpoint
    id: str
    field: str                # dotted, in the entry's own form: dataPolicy.retentionDays
    old: Any
    new: Any
    file: str
    line: int
    how: str                  # patch | override (a whole entry replaced)
    sources: tuple[str, ...]


def change_json(change: FactChange) -> dict[str, Any]:
    """A changed fact in the form of the JSON results and the audit report: plain JSON values,
    a date (an offer's `retires`) as ISO text `YYYY-MM-DD`, as YAML shows it."""
    return {"kind": change.kind, "id": change.id, "field": change.field,
            "old": _json_value(change.old), "new": _json_value(change.new), "file": change.file,
            "line": change.line, "how": change.how, "sources": list(change.sources)}


def _json_value(value: Any) -> Any:
    """A fact's value with every date written as ISO text, in lists and mappings too."""
    if isinstance(value, dt.date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    return value


_KINDS = (("model", "models"), ("provider", "providers"), ("endpoint", "endpoints"))


class CatalogIndex(Struct):
    """Catalog entries by id; a later catalog's entry replaces an earlier one whole, and a
    patch changes single fields of an earlier entry."""

    models: dict[str, Model] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    sources: list[CatalogSource] = field(default_factory=list)
    changes: list[FactChange] = field(default_factory=list)
    _builtin: dict[tuple[str, str], Any] = field(default_factory=dict)
    _offers: dict[tuple[str, str], Price] = field(default_factory=dict)
    _policies: dict[tuple[str, str], Any] = field(default_factory=dict)
    _retires: dict[tuple[str, str], tuple[dt.date, str | None]] = field(default_factory=dict)

    def add(self, catalog: Catalog, source: CatalogSource, doc: Document | None = None,
            *, builtin: bool = False) -> None:
        """Add one catalog file's entries and apply its patches. The first catalog added with
        `builtin` is the base whose changed facts are reported."""

        def where(*path: str | int) -> Location:
            found = doc.location(path) if doc is not None else None
            return found or Location(source.file)

        for kind, plural in _KINDS:
            table: dict[str, Any] = getattr(self, plural)
            for i, entry in enumerate(getattr(catalog.spec, plural)):
                if builtin:
                    self._builtin[(kind, entry.id)] = entry
                elif (kind, entry.id) in self._builtin:
                    if not entry.sources:
                        raise ConfigError(
                            f"{kind} {entry.id!r} replaces a built-in entry and must say where its "
                            "facts come from: add sources (a URL or the reference of your own "
                            "evidence)", where("spec", plural, i, "id"))
                    self._record(kind, table[entry.id], entry, source.file,
                                 where("spec", plural, i, "id").line, "override", entry.sources)
                table[entry.id] = entry
        for i, patch in enumerate(getattr(catalog.spec, "patches", [])):
            self._patch(patch, source.file, lambda *p, _i=i: where("spec", "patches", _i, *p))
        self.sources.append(source)

    def copy(self) -> CatalogIndex:
        """An independent index with the same entries, to try adding a catalog to."""
        return CatalogIndex(dict(self.models), dict(self.providers), dict(self.endpoints),
                            list(self.sources), list(self.changes), dict(self._builtin))

    def _patch(self, patch: Any, file: str, where: Any) -> None:
        targets = [(kind, getattr(patch, kind)) for kind, _ in _KINDS if getattr(patch, kind) is not None]
        if len(targets) != 1:
            raise ConfigError("a patch names exactly one of endpoint, model or provider "
                              f"(this one names {len(targets)})", where())
        kind, entry_id = targets[0]
        if patch.offer is not None and kind != "endpoint":
            raise ConfigError("offer: in a patch needs endpoint: (the endpoint whose offer of that "
                              "model it changes)", where("offer"))
        table: dict[str, Any] = getattr(self, dict(_KINDS)[kind])
        if entry_id not in table:
            raise ConfigError(f"patch of unknown {kind} {entry_id!r}: a patch changes an entry "
                              "defined earlier (the built-in catalog or an earlier catalog file)",
                              where(kind))
        old = table[entry_id]
        new = _patched(kind, old, patch, where)
        table[entry_id] = new
        if (kind, entry_id) in self._builtin:
            self._record(kind, old, new, file, where().line, "patch", patch.sources)

    def _record(self, kind: str, old: Any, new: Any, file: str, line: int, how: str,
                sources: list[str]) -> None:
        before, after = _flat(old), _flat(new)
        for key in sorted(set(before) | set(after)):
            if key == "sources" or before.get(key) == after.get(key):
                continue
            self.changes.append(FactChange(kind, old.id, key, before.get(key), after.get(key),
                                           file, line, how, tuple(sources)))

    def finish(self) -> None:
        """Check cross-references and index offers; a dangling id is a config error."""
        self._offers.clear()
        self._policies.clear()
        self._retires.clear()
        for endpoint in self.endpoints.values():
            if endpoint.provider not in self.providers:
                raise ConfigError(
                    f"catalog endpoint {endpoint.id!r} names unknown provider {endpoint.provider!r}"
                )
            for offer in endpoint.offers:
                if offer.model not in self.models:
                    raise ConfigError(
                        f"catalog endpoint {endpoint.id!r} offers unknown model {offer.model!r}"
                    )
                self._offers[(endpoint.id, offer.model)] = offer.price_per_million
                if getattr(offer, "data_policy", None) is not None:
                    self._policies[(endpoint.id, offer.model)] = offer.data_policy
                retires = getattr(offer, "retires", None)  # records cached before the field
                if retires is not None:
                    self._retires[(endpoint.id, offer.model)] = (retires, offer.retires_source)

    def offer(self, endpoint_id: str, model_id: str) -> Price | None:
        """The price of a model at an endpoint, or None when the endpoint does not offer it."""
        return self._offers.get((endpoint_id, model_id))

    def data_policy(self, endpoint_id: str, model_id: str) -> Any:
        """How the endpoint handles this model's prompts: the offer's own data policy where the
        catalog gives one, else the endpoint's."""
        found = self._policies.get((endpoint_id, model_id))
        return found if found is not None else self.endpoints[endpoint_id].data_policy

    def retirement(self, endpoint_id: str, model_id: str) -> tuple[dt.date, str | None] | None:
        """When the endpoint stops serving the model, and the source that says so; None when
        the catalog gives no date."""
        return self._retires.get((endpoint_id, model_id))

    def offers(self) -> list[tuple[str, str, Price]]:
        """Every (endpoint, model, price), in a stable order."""
        return [(e, m, p) for (e, m), p in sorted(self._offers.items())]

    @property
    def as_of(self) -> dt.date | None:
        """The oldest `asOf` among the catalogs in use."""
        return min((s.as_of for s in self.sources), default=None)


def load_catalog_file(path: Path, display: str) -> tuple[Catalog, CatalogSource]:
    """Load one catalog file, with the evidence about it."""
    catalog, source, _ = load_catalog(path, display)
    return catalog, source


def load_catalog(path: Path, display: str) -> tuple[Catalog, CatalogSource, Document]:
    """Load one catalog file, with the evidence about it and its parsed document (positions)."""
    catalog: Catalog
    catalog, doc = load_one(path, "Catalog", display)
    line = doc.location(("metadata", "asOf")).line
    return catalog, CatalogSource(catalog.metadata.name, display, catalog.metadata.as_of, line), doc


def _camel(entry: Any) -> dict[str, Any]:
    """An entry (record or model) in its YAML form: camelCase keys, every field."""
    from procurelint.documents.records import to_plain
    from pydantic.alias_generators import to_camel

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {to_camel(k): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return convert(to_plain(entry))  # type: ignore[no-any-return]


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Nested mappings merge; every other value (lists included) replaces."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _patched(kind: str, old: Any, patch: Any, where: Any) -> Any:
    """The entry with the patch applied, validated as strictly as a whole entry."""
    from pydantic import ValidationError

    from procurelint.documents.models import catalog_model
    from procurelint.documents.records import from_model

    changes = dict(patch.set)
    if "id" in changes:
        raise ConfigError("a patch cannot change an entry's id", where("set", "id"))
    plain = _camel(old)
    if patch.offer is not None:
        offers = plain.get("offers") or []
        index = next((i for i, o in enumerate(offers) if o["model"] == patch.offer), None)
        if index is None:
            raise ConfigError(f"patch of endpoint {old.id!r}: it has no offer of {patch.offer!r}",
                              where("offer"))
        if "model" in changes:
            raise ConfigError("a patch of an offer cannot change its model", where("set", "model"))
        offers = list(offers)
        offers[index] = _merge(offers[index], changes)
        plain["offers"] = offers
    else:
        plain = _merge(plain, changes)
    model: Any = {"model": catalog_model.Model, "provider": catalog_model.Provider,
             "endpoint": catalog_model.Endpoint}[kind]
    try:
        return from_model(model.model_validate(plain, by_alias=True, by_name=False))
    except ValidationError as exc:
        errors = exc.errors()
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors]
        # Point at the changed key the first problem is about, where the patch sets it.
        loc = tuple(errors[0]["loc"]) if errors else ()
        at = where("set")
        if patch.offer is None and loc and _sets(changes, loc):
            at = where("set", *loc)
        raise ConfigError(f"patch of {kind} {old.id!r} does not give a valid entry: "
                          + "; ".join(problems), at) from None


def _sets(changes: Any, loc: tuple[Any, ...]) -> bool:
    """Whether a patch's `set` holds the key at this path."""
    for key in loc:
        if not isinstance(changes, dict) or key not in changes:
            return False
        changes = changes[key]
    return True


def _flat(entry: Any) -> dict[str, Any]:
    """An entry's facts by dotted path; offers are keyed by model."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item)
        else:
            out[prefix] = value

    plain = _camel(entry)
    offers = plain.pop("offers", None)
    walk("", plain)
    for offer in offers or []:
        body = {k: v for k, v in offer.items() if k != "model"}
        walk(f"offers[{offer['model']}]", body)
    return out


def builtin_catalog_path() -> Path:
    return builtin_dir() / "catalog.yaml"
