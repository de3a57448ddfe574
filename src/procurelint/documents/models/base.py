"""Shared model configuration and value types."""


import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from procurelint.facts import known_jurisdiction


class Strict(BaseModel):
    """Base of every document model: camelCase keys, unknown keys rejected, frozen, and no value
    coerced (strict): `"false"`, `no` and `0` are not booleans, `true` is not a count. Documents
    are validated by alias only (`procurelint.documents.kinds.validate`), so a snake_case key is
    an unknown key; records are rebuilt into models by field name."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        # Schemas are built on first use: a run that never reads a Policy never pays for one.
        defer_build=True,
        # The docstring under each field is its `description` in the published JSON Schemas,
        # and its title is the key as written (`cachedInput`, not "Cachedinput").
        use_attribute_docstrings=True,
        field_title_generator=lambda name, info: getattr(info, "alias", None) or to_camel(name),
    )


def _date_text(value: Any) -> Any:
    """A date is written as text (`"2027-03-31"`): a number is not a date, whatever pydantic's
    lax mode would make of it (seconds since 1970)."""
    if isinstance(value, dt.date) or isinstance(value, str):
        return value
    raise ValueError("expected a date written as YYYY-MM-DD")


IsoDate = Annotated[dt.date, Field(strict=False), BeforeValidator(_date_text)]
"""A date in a document: `YYYY-MM-DD` text (YAML reads dates as text here), or a date."""

Jurisdiction = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), AfterValidator(known_jurisdiction)]
"""An ISO 3166-1 alpha-2 code, or `EU` for every EU/EEA member state."""

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", max_length=100)]
"""Lowercase kebab-case, as used for manifest, workflow and step names."""

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^\S+$")]

ApiVersion = Literal["procurelint/v1"]  # documents.envelope.API_VERSION (a test holds them equal)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _calendar_day(value: Any) -> Any:
    """Only a YYYY-MM-DD date: pydantic would also take a number as seconds since 1970 and a
    moment with a UTC offset as the date written before the offset."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DAY.match(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD, e.g. \"2027-06-30\"")


Day = Annotated[dt.date, Field(strict=False), BeforeValidator(_calendar_day)]
"""A calendar date written YYYY-MM-DD: expiry dates, where a misread day changes what counts."""


Usd = Annotated[float, Field(ge=0, allow_inf_nan=False)]
"""US dollars (a budget): finite, for a cost compared with it must be reported."""

PerMillion = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
"""US dollars per million tokens: at most a billion, so that a cost (counts are at most
10**15, `manifest_model.Count`) stays a finite double that can be added up and reported."""
