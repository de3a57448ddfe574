"""Gateway and tool configs that name models: LiteLLM proxy, aider, Continue, Claude Code, and
OpenRouter provider preferences in JSON or YAML.

Each is read with the project's YAML reader (JSON is read as YAML, which keeps positions), so
the same size, depth and node limits apply as to manifests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from procurelint.documents.document import Document
from procurelint.inventory.env_files import EnvValue
from procurelint.inventory.uses import Found

ROUTING_KEYS = ("only", "order", "allow_fallbacks", "data_collection", "zdr", "ignore")
_COMPATIBLE = {"openai", "hosted_vllm", "openai_like", "text-completion-openai", "custom_openai"}
_CLAUDE_ENV = ("ANTHROPIC_MODEL", "ANTHROPIC_SMALL_FAST_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL",
               "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL",
               "CLAUDE_CODE_SUBAGENT_MODEL")
_CONTINUE_ROUTES = {"lmstudio": "lm_studio", "vertexai": "vertex_ai", "gemini": "gemini",
                    "free-trial": None}
_AIDER_KEYS = ("model", "weak-model", "editor-model")


def kind_of(path: str, text: str) -> str | None:
    """Which config a file is, from its path and a cheap look at its text; None: not one."""
    name = path.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower in (".aider.conf.yml", ".aider.conf.yaml"):
        return "aider"
    if lower.endswith((".aider.conf.yml", ".aider.conf.yaml", "_aider.conf.yml")):
        return "aider"
    if lower.endswith((".yaml", ".yml", ".json")) and (
            "/.continue/" in f"/{path}" or "continue" in lower and "models" in text):
        return "continue"
    if lower.endswith(".json") and ("/.claude/" in f"/{path}" and lower.startswith("settings")
                                    or "claude-code-settings" in text):
        return "claude-code"
    if lower.endswith((".yaml", ".yml")) and "model_list" in text and "litellm_params" in text:
        return "litellm-proxy"
    if lower.endswith((".yaml", ".yml", ".json")) and ('"provider"' in text or "provider:" in text):
        if any(key in text for key in ("allow_fallbacks", "data_collection", '"zdr"', "zdr:")):
            return "openrouter"
    return None


class _Reader:
    def __init__(self, doc: Document, env: Mapping[str, EnvValue],
                 resolve_route: Callable[[str], str | None]) -> None:
        self.doc = doc
        self.env = env
        self.resolve_route = resolve_route

    def found(self, path: tuple[str | int, ...], how: str, route: str | None, literal: Any,
              **extra: Any) -> Found:
        where = self.doc.location(path)
        found = Found(self.doc.file, where.line, where.column, how, route, None, **extra)
        if isinstance(literal, str) and literal.startswith("os.environ/"):
            key = literal.split("/", 1)[1]
            setting = self.env.get(key)
            found.expression = literal
            if setting is not None and setting.value:
                found.literal = setting.value
                found.via.append(setting.where(key))
            else:
                found.via.append(f"environment variable {key}, not set in the repository")
        elif isinstance(literal, str) and literal.strip():
            found.literal = literal.strip()
        else:
            found.expression = repr(literal)
        return found


def scan(kind: str, doc: Document, env: Mapping[str, EnvValue],
         resolve_route: Callable[[str], str | None]) -> list[Found]:
    """Every model a config of `kind` names."""
    reader = _Reader(doc, env, resolve_route)
    data = doc.data
    if not isinstance(data, dict):
        return []
    return _SCANNERS[kind](reader, data)


def _litellm(reader: _Reader, data: dict[str, Any]) -> list[Found]:
    entries = data.get("model_list")
    if not isinstance(entries, list):
        return []
    fallbacks = _fallbacks(data)
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        params = entry.get("litellm_params")
        if not isinstance(params, dict) or "model" not in params:
            continue
        name = entry.get("model_name")
        literal = params.get("model")
        route: str | None = "litellm"
        base = params.get("api_base") or params.get("base_url")
        use = reader.found(("model_list", index, "litellm_params", "model"), "litellm-proxy: model_list",
                           route, literal, name=str(name) if name is not None else None)
        text = use.literal or ""
        head, sep, rest = text.partition("/")
        if isinstance(base, str) and base and sep and head in _COMPATIBLE:
            use.base_url = base
            use.route = reader.resolve_route(base) if not base.startswith("os.environ/") else None
            use.written, use.literal = use.literal, rest
            if use.route is None:
                use.via.append(f"an OpenAI-compatible server at {base}")
        info = entry.get("model_info")
        if isinstance(info, dict) and isinstance(info.get("base_model"), str):
            use.declared = info["base_model"]
        region = params.get("aws_region_name") or params.get("vertex_location")
        if isinstance(region, str) and not region.startswith("os.environ/"):
            use.region = region
        extra = params.get("extra_body")
        if isinstance(extra, dict) and isinstance(extra.get("provider"), dict):
            use.routing = {k: v for k, v in extra["provider"].items() if k in ROUTING_KEYS}
        if name in fallbacks:
            use.routing["fallbacks"] = fallbacks[name]
        found.append(use)
    return found


def _fallbacks(data: dict[str, Any]) -> dict[Any, list[str]]:
    """model_name -> the model names a LiteLLM router falls back to."""
    result: dict[Any, list[str]] = {}
    for section in ("router_settings", "litellm_settings"):
        settings = data.get(section)
        if not isinstance(settings, dict):
            continue
        for key in ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks"):
            groups = settings.get(key)
            if not isinstance(groups, list):
                continue
            for group in groups:
                if isinstance(group, dict):
                    for source, targets in group.items():
                        if isinstance(targets, list):
                            result.setdefault(source, []).extend(str(t) for t in targets)
    return result


def _aider(reader: _Reader, data: dict[str, Any]) -> list[Found]:
    base = data.get("openai-api-base")
    found = []
    for key in _AIDER_KEYS:
        if isinstance(data.get(key), str):
            use = reader.found((key,), f"aider: {key}", "litellm", data[key])
            text = use.literal or ""
            if isinstance(base, str) and text.startswith("openai/"):
                use.base_url = base
                use.route = reader.resolve_route(base)
                use.written, use.literal = text, text.split("/", 1)[1]
                if use.route is None:
                    use.via.append(f"an OpenAI-compatible server at {base}")
            found.append(use)
    return found


def _continue(reader: _Reader, data: dict[str, Any]) -> list[Found]:
    found = []
    items: list[tuple[tuple[str | int, ...], Any]] = []
    models = data.get("models")
    if isinstance(models, list):
        items.extend((("models", i), m) for i, m in enumerate(models))
    for key in ("tabAutocompleteModel", "embeddingsProvider"):
        if isinstance(data.get(key), dict):
            items.append(((key,), data[key]))
    for path, model in items:
        if not isinstance(model, dict) or not isinstance(model.get("model"), str):
            continue
        provider = model.get("provider")
        route = _CONTINUE_ROUTES.get(provider, provider) if isinstance(provider, str) else None
        use = reader.found((*path, "model"), "continue: models", route, model["model"])
        base = model.get("apiBase")
        if isinstance(base, str) and base and route in ("openai", None):
            use.base_url = base
            use.route = reader.resolve_route(base)
            if use.route is None:
                use.via.append(f"an OpenAI-compatible server at {base}")
        found.append(use)
    return found


def _claude_code(reader: _Reader, data: dict[str, Any]) -> list[Found]:
    env = data.get("env") if isinstance(data.get("env"), dict) else {}
    assert isinstance(env, dict)
    route = "anthropic"
    if str(env.get("CLAUDE_CODE_USE_BEDROCK", "")) in ("1", "true"):
        route = "bedrock"
    elif str(env.get("CLAUDE_CODE_USE_VERTEX", "")) in ("1", "true"):
        route = "vertex_ai"
    base = env.get("ANTHROPIC_BASE_URL")
    if isinstance(base, str) and base:
        route = reader.resolve_route(base) or "unknown-gateway"
    found = []
    if isinstance(data.get("model"), str):
        found.append(reader.found(("model",), "claude-code: model", route, data["model"]))
    for key in _CLAUDE_ENV:
        if isinstance(env.get(key), str):
            found.append(reader.found(("env", key), f"claude-code: env {key}", route, env[key]))
    return found


def _openrouter(reader: _Reader, data: dict[str, Any]) -> list[Found]:
    """Request bodies with OpenRouter `provider` preferences, anywhere in the document."""
    found = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            provider = node.get("provider")
            if isinstance(provider, dict) and any(k in provider for k in ROUTING_KEYS) and \
                    isinstance(node.get("model"), str):
                use = reader.found((*path, "model"), "openrouter: provider preferences",
                                   "openrouter", node["model"])
                use.routing = {k: v for k, v in provider.items() if k in ROUTING_KEYS}
                found.append(use)
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
    found.sort(key=lambda f: (f.line, f.column))
    return found


_SCANNERS: dict[str, Callable[[_Reader, dict[str, Any]], list[Found]]] = {
    "litellm-proxy": _litellm,
    "aider": _aider,
    "continue": _continue,
    "claude-code": _claude_code,
    "openrouter": _openrouter,
}
