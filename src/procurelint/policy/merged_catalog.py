"""The merged catalog: lookup of models, providers, endpoints and offers by id."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from procurelint.errors import ConfigError
from procurelint.documents.loading import load_one
from procurelint.documents.cache import builtin_dir

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.catalog_model import Catalog, Endpoint, Model, Price, Provider


@dataclass(frozen=True, slots=True)
class CatalogSource:
    """One catalog file that contributed entries, for evidence and CAT001."""

    name: str
    file: str
    as_of: dt.date
    sha256: str
    as_of_line: int


@dataclass(slots=True)
class CatalogIndex:
    """Catalog entries by id; a later catalog's entry replaces an earlier one whole."""

    models: dict[str, Model] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    sources: list[CatalogSource] = field(default_factory=list)
    _offers: dict[tuple[str, str], Price] = field(default_factory=dict)
    _retires: dict[tuple[str, str], tuple[dt.date, str | None]] = field(default_factory=dict)

    def add(self, catalog: Catalog, source: CatalogSource) -> None:
        for model in catalog.spec.models:
            self.models[model.id] = model
        for provider in catalog.spec.providers:
            self.providers[provider.id] = provider
        for endpoint in catalog.spec.endpoints:
            self.endpoints[endpoint.id] = endpoint
        self.sources.append(source)

    def finish(self) -> None:
        """Check cross-references and index offers; a dangling id is a config error."""
        self._offers.clear()
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
                retires = getattr(offer, "retires", None)  # records cached before the field
                if retires is not None:
                    self._retires[(endpoint.id, offer.model)] = (retires, offer.retires_source)

    def offer(self, endpoint_id: str, model_id: str) -> Price | None:
        """The price of a model at an endpoint, or None when the endpoint does not offer it."""
        return self._offers.get((endpoint_id, model_id))

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
    catalog: Catalog
    catalog, doc = load_one(path, "Catalog", display)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    line = doc.location(("metadata", "asOf")).line
    return catalog, CatalogSource(catalog.metadata.name, display, catalog.metadata.as_of, digest, line)


def builtin_catalog_path() -> Path:
    return builtin_dir() / "catalog.yaml"
