"""Dotenv files (`.env`, `.env.example`, ...): the values code reads from the environment, and
the model ids they set.

A line is `KEY=VALUE` (optionally `export KEY=VALUE`), the value unquoted, single- or
double-quoted, with a trailing ` # comment` dropped when unquoted. Anything else is ignored,
as dotenv loaders do.
"""

from __future__ import annotations

import re

from msgspec import Struct

from procurelint.inventory.uses import Found

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")
# A variable that names a model: OPENAI_MODEL, LLM_MODEL_NAME, ANTHROPIC_SMALL_FAST_MODEL,
# AZURE_OPENAI_DEPLOYMENT, MODELS... but not MODEL_PATH, MODEL_DIR or MODEL_PROVIDER.
_MODEL_KEY = re.compile(r"(?:^|_)(?:MODEL|MODEL_NAME|MODEL_ID|DEPLOYMENT|DEPLOYMENT_NAME)$")
_NOT_MODEL = re.compile(r"https?://|^[./~]|\.(?:gguf|bin|onnx|pt|safetensors)$|^\$|^\{")


class EnvValue(Struct, frozen=True):
    """One variable's value and where it was set."""

    value: str
    file: str
    line: int
    column: int

    def where(self, key: str) -> str:
        return f"{key} set at {self.file}:{self.line}:{self.column}"


def is_env_file(name: str) -> bool:
    """`.env`, `.env.example`, `.env.local`, `production.env`, `example.env`."""
    return name == ".env" or name.startswith(".env.") or name.endswith(
        (".env", "_env.example", "_env.sample"))


def parse(text: str, file: str) -> dict[str, EnvValue]:
    """Every `KEY=VALUE` of a dotenv file with its position (the first setting of a key wins)."""
    found: dict[str, EnvValue] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _LINE.match(raw)
        if match is None or raw.lstrip().startswith("#"):
            continue
        key, value = match.group(1), match.group(2)
        if value[:1] in ("'", '"'):
            quote = value[0]
            end = value.find(quote, 1)
            value = value[1:end] if end > 0 else value[1:]
            column = match.start(2) + 2
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
            column = match.start(2) + 1
        found.setdefault(key, EnvValue(value, file, number, column))
    return found


def model_settings(values: dict[str, EnvValue]) -> list[Found]:
    """The variables of one file that set a model id: each is a use of that model."""
    uses = []
    for key, entry in values.items():
        value = entry.value.strip()
        if not value or not _MODEL_KEY.search(key.upper()) or _NOT_MODEL.search(value):
            continue
        if " " in value or len(value) > 200:
            continue
        uses.append(Found(entry.file, entry.line, entry.column, f"env: {key}",
                          _route_of_key(key), value))
    return uses


def _route_of_key(key: str) -> str | None:
    upper = key.upper()
    for prefix, route in (("ANTHROPIC_", "anthropic"), ("AZURE_", "azure"), ("BEDROCK_", "bedrock"),
                          ("AWS_BEDROCK", "bedrock"), ("VERTEX", "vertex_ai"), ("GEMINI_", "gemini"),
                          ("GOOGLE_", "gemini"), ("OPENROUTER_", "openrouter"), ("GROQ_", "groq"),
                          ("DEEPSEEK_", "deepseek"), ("MISTRAL_", "mistral"),
                          ("TOGETHER_", "together_ai"), ("LITELLM_", "litellm")):
        if upper.startswith(prefix):
            return route
    return "litellm"
