"""What crosses manifests: the projected spend of every manifest, team and the organisation,
and what each part of a run contributes to those totals. Small, so that it can cross from a
worker process to the parent."""

from __future__ import annotations

from msgspec import Struct, field

from procurelint.documents.document import Path
from procurelint.engine.units import ManifestInput
from procurelint.errors import Location


class Spend(Struct):
    """Projected monthly spend by step, workflow, manifest, team and organisation."""

    manifests: dict[str, float] = field(default_factory=dict)
    workflows: dict[tuple[str, str], float] = field(default_factory=dict)
    teams: dict[str, float] = field(default_factory=dict)
    org: float = 0.0


class ManifestRef(Struct):
    """What the checks across manifests (names, teams, the organisation) need of one manifest:
    small, so that it can cross from a worker process to the parent."""

    file: str
    base: Path
    name: str
    team: str
    selected: bool
    workflows: int
    steps: int
    name_at: Location
    team_at: Location

    @classmethod
    def of(cls, source: ManifestInput) -> ManifestRef:
        meta = source.manifest.metadata
        workflows = source.manifest.spec.workflows
        return cls(source.doc.file, source.base, meta.name, meta.team, source.selected,
                   len(workflows), sum(len(w.steps) for w in workflows),
                   source.location("metadata", "name"), source.location("metadata", "team"))


class Declared(Struct, frozen=True):
    """One (step, reachable endpoint) a manifest declares, for the drift rules: what it names,
    whether its data is regulated (a class with a regime), and where its model is written."""

    manifest: str
    file: str
    path: str
    model: str
    endpoint: str
    regimes: tuple[str, ...]
    selected: bool
    model_at: Location


class Contributions(Struct):
    """What some manifests add to the totals every step is judged against: spend by step (in
    order), and the records per year of each workflow with personal data reaching a provider."""

    refs: list[ManifestRef]
    steps: list[tuple[str, str, float]]
    bulk: dict[str, list[int | None]]
    declared: list[Declared] = field(default_factory=list)
