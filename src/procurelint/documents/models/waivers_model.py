"""Waivers: approved, expiring exceptions to a rule for a target."""


from typing import Annotated, Literal

from pydantic import Field

from procurelint.documents.models.base import ApiVersion, Day, Identifier, Strict


class Waiver(Strict):
    id: Identifier
    """The waiver's id, e.g. a ticket-based W-2026-031."""
    rule: Identifier
    """The rule id it waives."""
    target: Annotated[str, Field(pattern=r"^[a-z0-9-]+(/[a-z0-9-]+){0,2}$|^team:\S+$|^org$")]
    """What it waives the rule for: manifest, manifest/workflow or manifest/workflow/step,
    team:NAME, or org."""
    reason: Annotated[str, Field(min_length=1)]
    """Why the exception is accepted."""
    approved_by: Annotated[str, Field(min_length=1)]
    """Who approved it."""
    ticket: Annotated[str, Field(min_length=1)]
    """The ticket that records the approval."""
    expires: Day
    """The last day it applies (YYYY-MM-DD); after it, its findings fail again."""


class WaiversSpec(Strict):
    waivers: list[Waiver] = []
    """The approved exceptions."""


class Waivers(Strict):
    """An organisation's register of approved exceptions."""

    api_version: ApiVersion
    """Always procurelint/v1."""
    kind: Literal["Waivers"]
    """Always Waivers."""
    metadata: dict[str, str] | None = None
    """Free-form labels, e.g. a name."""
    spec: WaiversSpec
    """The waivers."""
