"""The alias table: the names each source gives a model or endpoint, mapped to catalog ids.

One table (`policies/aliases.yaml`) serves discovery (what code and configs call) and the
catalog imports (so that an imported LiteLLM key or OpenRouter slug of a built-in model is
recognised as that model). The rules it applies are in the file's header.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from msgspec import Struct

from procurelint.documents.cache import builtin_dir, cached
from procurelint.errors import ConfigError, Location

_DATE = re.compile(r"(?:-\d{8}|-\d{4}-\d{2}-\d{2}|@\d{8}|@\d{4}-\d{2}-\d{2})$")
_CLAUDE_VERSION = re.compile(r"(?<=-)(\d)-(\d)(?=$|-)")
_BEDROCK_VENDOR = re.compile(
    r"^(?:anthropic|meta|mistral|amazon|deepseek|openai|qwen|cohere|ai21|writer|moonshotai|"
    r"minimax|zai|google)\.")
_BEDROCK_VERSION = re.compile(r"(?:-v\d+(?::\d+)?|:\d+)$")
_PROFILE = re.compile(r"^(?:us|eu|apac|jp|au|ca|global|us-gov)\.")
_MOVING = re.compile(r"(?:^|[-.])latest$")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal")


class Route(Struct, frozen=True):
    """A provider prefix: the provider family and, when it names just one, the endpoint."""

    provider: str
    endpoint: str | None


class Resolution(Struct, frozen=True):
    """What a model name means: catalog model and endpoint (None when not known) and why."""

    model: str | None
    endpoint: str | None
    provider: str | None
    note: str


class AliasTable(Struct, frozen=True):
    """The loaded `policies/aliases.yaml`."""

    routes: dict[str, Route]
    hosts: dict[str, str]
    bedrock_profiles: dict[str, str]
    developers: dict[str, str]
    models: dict[str, str]

    def route(self, name: str | None) -> Route | None:
        return self.routes.get(name.lower()) if name else None

    def route_of_url(self, url: str) -> str | None:
        """The route a base URL points at; `local` for a gateway on a private host."""
        try:
            host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
        except ValueError:
            return None
        if not host:
            return None
        if host in _LOCAL_HOSTS or host.endswith((".local", ".internal", ".svc")) or "." not in host:
            return "local"
        for known, route in self.hosts.items():
            if host == known or host.endswith("." + known):
                return route
        if host.endswith(".openai.azure.com") or host.endswith(".cognitiveservices.azure.com"):
            return "azure"
        return None

    def model_id(self, name: str, models: Collection[str]) -> str | None:
        """The catalog model id a bare model name (no route prefix) stands for, or None."""
        text = name.strip().lower()
        if not text or _MOVING.search(text):
            return None
        for candidate in self._candidates(text):
            if candidate in self.models and self.models[candidate] in models:
                return self.models[candidate]
            if candidate in models:
                return candidate
            namespace = self._developer(candidate)
            if namespace is not None and f"{namespace}/{candidate}" in models:
                return f"{namespace}/{candidate}"
        return None

    def _candidates(self, text: str) -> list[str]:
        found = [text]
        if _PROFILE.match(text):
            text = _PROFILE.sub("", text)
            found.append(text)
        if _BEDROCK_VENDOR.match(text):
            text = _BEDROCK_VENDOR.sub("", text)
            found.append(text)
        stripped = _BEDROCK_VERSION.sub("", text)
        if stripped != text:
            text = stripped
            found.append(text)
        undated = _DATE.sub("", text)
        if undated != text:
            text = undated
            found.append(text)
        last = text.rsplit("/", 1)[-1]
        if last.startswith("gemini") and re.search(r"-\d{3}$", last):  # Vertex's stable versions
            text, last = text[:-4], last[:-4]
            found.append(text)
        if last.startswith("claude"):
            dotted = _CLAUDE_VERSION.sub(r"\1.\2", last)
            prefix = text[: len(text) - len(last)]
            if dotted != last:
                found.append(prefix + dotted)
                text = prefix + dotted
        if "/" in text:
            found.append(last)
            found.append(_CLAUDE_VERSION.sub(r"\1.\2", last) if last.startswith("claude") else last)
        return list(dict.fromkeys(found))

    def _developer(self, name: str) -> str | None:
        first = re.split(r"[-.:]", name, maxsplit=1)[0]
        if first in self.developers:
            return self.developers[first]
        for prefix, namespace in self.developers.items():
            if name.startswith(prefix):
                return namespace
        return None

    def bedrock_endpoint(self, name: str, region: str | None, endpoints: Collection[str]) -> str | None:
        """The Bedrock endpoint of a model id: its inference profile, else the client's region."""
        profile = name.lower().split(".", 1)[0] if "." in name else ""
        if profile in self.bedrock_profiles:
            endpoint = self.bedrock_profiles[profile]
            return endpoint if endpoint in endpoints else None
        if region and f"aws-bedrock/{region}" in endpoints:
            return f"aws-bedrock/{region}"
        return None

    def resolve(self, literal: str, route: str | None, models: Collection[str],
                endpoints: Collection[str], *, region: str | None = None) -> Resolution:
        """Resolve a model name as a source wrote it; `route` is the provider the call or
        config names (None: take it from the name's own prefix, as LiteLLM does)."""
        text = literal.strip()
        own_route = None
        head, sep, rest = text.partition("/")
        if sep and head.lower() in self.routes and (route is None or route == "litellm"):
            own_route, text = head.lower(), rest
        elif sep and route is not None and head.lower() == route and route != "openrouter":
            text = rest  # `openai/gpt-4o` given to an OpenAI-compatible client of a gateway
        chosen = own_route or (None if route == "litellm" else route)
        if chosen in ("bedrock", "bedrock_converse") and "/" in text:
            first, _, after = text.partition("/")
            if first in ("converse", "invoke") or re.fullmatch(r"[a-z]{2}(?:-gov)?-[a-z]+-\d", first):
                region = first if first not in ("converse", "invoke") else region
                text = after
        if "*" in text:
            return Resolution(None, None, self._provider(chosen),
                              "a wildcard route: every model of the provider")
        model = self.model_id(text, models)
        if chosen is None and route == "litellm" and "/" not in text:
            # LiteLLM sends a bare OpenAI or Anthropic model name to that developer's API.
            developer = model.split("/", 1)[0] if model else self._developer(text.lower())
            chosen = developer if developer in ("openai", "anthropic") else None
        info = self.route(chosen)
        endpoint = info.endpoint if info is not None else None
        if endpoint is not None and endpoint not in endpoints:
            endpoint = None
        if info is not None and info.provider == "aws-bedrock":
            endpoint = self.bedrock_endpoint(text, region, endpoints)
        notes = []
        if model is None:
            notes.append("a name that moves with the day" if _MOVING.search(text.lower())
                         else "model not in the catalog or alias table")
        if endpoint is None:
            notes.append(self._endpoint_note(chosen, info))
        return Resolution(model, endpoint, self._provider(chosen),
                          "; ".join(notes) if notes else "resolved")

    def _provider(self, route: str | None) -> str | None:
        if route == "local":
            return "local-gateway"
        info = self.route(route)
        return info.provider if info is not None else route

    @staticmethod
    def _endpoint_note(route: str | None, info: Route | None) -> str:
        if route is None or route == "litellm":
            return "provider not known"
        if route == "local":
            return "a local gateway: the endpoint behind it is the gateway's choice"
        if info is None:
            return f"provider {route!r} not in the alias table"
        if info.provider == "aws-bedrock":
            return "Bedrock region not known"
        if info.provider == "azure":
            return "Azure resource region not known"
        if info.provider == "google-vertex":
            return "Vertex AI location not known"
        if info.provider == "self-hosted":
            return "self-hosted: not a catalog endpoint"
        return f"provider {route!r} has no single catalog endpoint"


def _table(value: object, key: str, file: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key} must be a mapping", Location(file))
    return value


def _load() -> AliasTable:
    from procurelint.documents.yamlio import load_file  # parsing: not when the cache answers

    path = builtin_dir() / "aliases.yaml"
    shown = "<builtin>/aliases.yaml"
    documents = load_file(str(path), shown)
    data = _table(documents[0].data if documents else None, "the alias table", shown)
    routes = {}
    for name, entry in _table(data.get("routes"), "routes", shown).items():
        entry = _table(entry, f"routes.{name}", shown)
        endpoint = entry.get("endpoint")
        routes[str(name).lower()] = Route(str(entry["provider"]),
                                          str(endpoint) if endpoint is not None else None)

    def plain(key: str) -> dict[str, str]:
        return {str(k).lower(): str(v) for k, v in _table(data.get(key), key, shown).items()}

    return AliasTable(routes, plain("hosts"), plain("bedrockProfiles"), plain("developers"),
                      plain("models"))


def alias_table() -> AliasTable:
    """The built-in alias table (read once per process)."""
    return cached("aliases", _load)
