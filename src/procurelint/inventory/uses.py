"""What discovery finds: uses of a hosted model, mentions, gateway settings, skipped files."""

from __future__ import annotations

from msgspec import Struct, field


class Client(Struct):
    """An SDK client a scanner saw created: the provider it routes to, its base URL or region
    where given, and a note on how that was learnt (shared by the Python and JS/TS scanners)."""

    route: str | None
    base_url: str | None = None
    region: str | None = None
    note: str = ""


def client_at(route: str | None, url: str | None, pointed: str | None) -> Client:
    """A client created with a base URL: the provider the URL points at (`pointed`), Azure
    whenever either side says so, or no route, with a note saying why."""
    if url is None:
        return Client(None, note="base URL not known")
    if route == "azure" or pointed == "azure":
        return Client("azure", base_url=url)
    return Client(pointed, base_url=url,
                  note="" if pointed else f"a base URL procurelint does not know ({url})")


class Found(Struct):
    """A model use as a scanner saw it, before resolution.

    `route` is the provider the call or config names (`openai`, `bedrock`, `litellm` for a
    name that carries its own prefix, `local` for a gateway on a private host, None when not
    known); `literal` the model text as written or followed, None when it could not be
    followed (then `expression` holds the source text).
    """

    file: str
    line: int
    column: int
    how: str
    route: str | None
    literal: str | None
    expression: str = ""
    via: list[str] = field(default_factory=list)
    region: str | None = None
    base_url: str | None = None
    routing: dict[str, object] = field(default_factory=dict)
    name: str | None = None  # the alias a gateway config gives this model (LiteLLM model_name)
    mention: bool = False
    written: str | None = None  # the text as written, when `literal` is a part of it
    declared: str | None = None  # the model a config declares behind a deployment name


class Use(Struct, frozen=True):
    """A resolved use: where, how it was found, and what it means in the catalog."""

    file: str
    line: int
    column: int
    how: str
    provider: str | None
    literal: str | None
    model: str | None
    endpoint: str | None
    note: str
    via: tuple[str, ...] = ()
    routing: tuple[tuple[str, object], ...] = ()
    name: str | None = None

    @property
    def resolved(self) -> bool:
        return self.model is not None and self.endpoint is not None

    def as_json(self) -> dict[str, object]:
        result: dict[str, object] = {
            "file": self.file, "line": self.line, "column": self.column, "how": self.how,
            "provider": self.provider, "literal": self.literal, "model": self.model,
            "endpoint": self.endpoint,
            "status": "resolved" if self.resolved else "unresolved",
            "note": self.note,
        }
        if self.via:
            result["via"] = list(self.via)
        if self.routing:
            result["routing"] = dict(self.routing)
        if self.name is not None:
            result["name"] = self.name
        return result


class Skipped(Struct, frozen=True):
    """A file discovery did not read, and why (too large, binary, too deeply nested...)."""

    file: str
    reason: str


class Inventory(Struct):
    """Everything one discovery run found, sorted by file, line and column."""

    root: str
    files_read: int = 0
    uses: list[Use] = field(default_factory=list)
    mentions: list[Use] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
