"""Waivers: approved, expiring exceptions to a rule for a target."""


from typing import Annotated, Literal

from pydantic import Field

from procurelint.documents.models.base import ApiVersion, Day, Identifier, Strict


class Waiver(Strict):
    id: Identifier
    rule: Identifier
    target: Annotated[str, Field(pattern=r"^[a-z0-9-]+(/[a-z0-9-]+){0,2}$|^team:\S+$|^org$")]
    reason: Annotated[str, Field(min_length=1)]
    approved_by: Annotated[str, Field(min_length=1)]
    ticket: Annotated[str, Field(min_length=1)]
    expires: Day


class WaiversSpec(Strict):
    waivers: list[Waiver] = []


class Waivers(Strict):
    """An organisation's register of approved exceptions."""

    api_version: ApiVersion
    kind: Literal["Waivers"]
    metadata: dict[str, str] | None = None
    spec: WaiversSpec
