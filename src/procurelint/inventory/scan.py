"""Walk a repository, scan each file its scanner knows, resolve every use against the catalog.

Every file is bounded: one over the size limit, a binary file, a file that is not UTF-8, or a
parse that gives up (nesting, syntax) becomes a skip note, never an error. Files in test
folders and test modules are scanned too, but what they hold is a mention, not a use; so are
model ids in docs and comments (scanned only when mentions are asked for).
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path

from msgspec import Struct, field

from procurelint.documents.files import VCS_FOLDERS, display_name
from procurelint.documents.document import Limits
from procurelint.documents.yamlio import parse
from procurelint.errors import ConfigError, Location, YamlError
from procurelint.inventory import configs, env_files, js_code, python_code
from procurelint.inventory.env_files import EnvValue
from procurelint.inventory.uses import Found, Inventory, Skipped, Use
from procurelint.policy.aliases import AliasTable, Resolution

SKIPPED_FOLDERS = VCS_FOLDERS | {"node_modules", ".venv", "venv", ".ci-venv", "__pycache__", ".tox"}
"""Installed packages, virtual environments and caches: not the repository's own code (more
folders are left out by the policy's `discovery.exclude`)."""

DEFAULT_MAX_BYTES = 1024 * 1024
_PY_HINT = re.compile(
    r"openai|anthropic|boto3|bedrock|litellm|genai|generativeai|vertexai|mistral|groq|together|"
    r"langchain|llama_index|deepseek|completions|messages\.create|converse|invoke_model|"
    r"generate_content|cerebras")
_JS_HINT = re.compile(
    r"openai|anthropic|@ai-sdk|bedrock|langchain|genai|generative-ai|mistral|groq|together|"
    r"deepseek|openrouter|completions|messages\.create|ModelCommand|vertex|llamaindex|cerebras")
_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_DOC_SUFFIXES = (".md", ".mdx", ".rst", ".txt")
_TEST_DIRS = {"tests", "test", "__tests__", "spec", "specs", "testing", "__mocks__", "fixtures"}
_TEST_NAME = re.compile(r"^(?:test_.*\.py|.*_test\.py|conftest\.py|.*\.(?:test|spec)\.[cm]?[jt]sx?)$")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9._:/@-]{2,100}")
_GATEWAY_ROUTES = {None, "local", "litellm", "unknown-gateway"}


class Options(Struct, frozen=True):
    """What to scan and how far: the per-file size limit and whether to report mentions."""

    max_file_bytes: int = DEFAULT_MAX_BYTES
    mentions: bool = False
    exclude: tuple[str, ...] = ()


class _Run(Struct):
    root: Path
    aliases: AliasTable
    models: Collection[str]
    endpoints: Collection[str]
    options: Options
    env: dict[str, EnvValue] = field(default_factory=dict)
    found: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files_read: int = 0


def discover(root: Path, paths: list[Path], aliases: AliasTable, models: Collection[str],
             endpoints: Collection[str], options: Options = Options()) -> Inventory:
    """Scan `paths` (files or folders; the whole root when empty) for model uses."""
    run = _Run(root.resolve(), aliases, models, endpoints, options)
    files = _files(run.root, paths, options)
    env_paths = [f for f in files if env_files.is_env_file(f[1].rsplit("/", 1)[-1])]
    # .env before .env.example: the value the code really reads wins over the template's.
    for path, shown in sorted(env_paths, key=lambda f: (f[1].count("/"), f[1] != ".env", f[1])):
        text = _read(run, path, shown)
        if text is None:
            continue
        values = env_files.parse(text, shown)
        for key, value in values.items():
            run.env.setdefault(key, value)
        run.found.extend(env_files.model_settings(values))
    for path, shown in files:
        name = shown.rsplit("/", 1)[-1]
        if env_files.is_env_file(name):
            continue
        _scan_file(run, path, shown, name)
    return _resolve(run)


def _files(root: Path, paths: list[Path], options: Options) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    starts = paths or [root]
    for start in starts:
        if not start.exists():
            raise ConfigError("no such file or folder", Location(str(start)))
        if start.is_file():
            found.append((start, display_name(start, root)))
            continue
        for current, dirs, names in os.walk(start, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS
                             and not os.path.islink(os.path.join(current, d)))
            for name in sorted(names):
                path = Path(current) / name
                if path.is_symlink():
                    continue
                shown = display_name(path, root)
                if any(shown == e or shown.startswith(e.rstrip("/") + "/") for e in options.exclude):
                    continue
                found.append((path, shown))
    return sorted(set(found), key=lambda f: f[1])


def _read(run: _Run, path: Path, shown: str) -> str | None:
    try:
        size = path.stat().st_size
        if size > run.options.max_file_bytes:
            run.skipped.append(Skipped(shown, f"{size} bytes, over the limit of "
                                              f"{run.options.max_file_bytes} (--max-file-bytes)"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        run.skipped.append(Skipped(shown, f"cannot read: {exc.strerror}"))
        return None
    if b"\0" in raw[:8192]:
        run.skipped.append(Skipped(shown, "a binary file"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        run.skipped.append(Skipped(shown, f"not UTF-8 text (byte {exc.start})"))
        return None
    run.files_read += 1
    return text[1:] if text.startswith("\ufeff") else text


def _is_test(shown: str) -> bool:
    parts = shown.split("/")
    return any(p in _TEST_DIRS for p in parts[:-1]) or bool(_TEST_NAME.match(parts[-1]))


def _scan_file(run: _Run, path: Path, shown: str, name: str) -> None:
    lower = name.lower()
    is_python = lower.endswith((".py", ".pyi"))
    is_js = lower.endswith(_JS_SUFFIXES) and not lower.endswith(".d.ts")
    is_doc = lower.endswith(_DOC_SUFFIXES)
    is_config = lower.endswith((".yaml", ".yml", ".json"))
    if not (is_python or is_js or is_config or (is_doc and run.options.mentions)):
        return
    text = _read(run, path, shown)
    if text is None:
        return
    mention = _is_test(shown)
    found: list[Found] = []
    try:
        if is_python and _PY_HINT.search(text):
            found = python_code.scan(text, shown, run.env, run.aliases.route_of_url)
        elif is_js and _JS_HINT.search(text):
            found = js_code.scan(text, shown, lower, run.env, run.aliases.route_of_url)
        elif is_config:
            kind = configs.kind_of(shown, text)
            if kind is not None:
                limits = Limits(max_file_bytes=run.options.max_file_bytes)
                for doc in parse(text, shown, limits):
                    found.extend(configs.scan(kind, doc, run.env, run.aliases.route_of_url))
    except (python_code.Unreadable, js_code.Unreadable) as exc:
        run.skipped.append(Skipped(shown, str(exc)))
        return
    except YamlError as exc:
        run.skipped.append(Skipped(shown, f"not read: {exc}"))
        return
    if mention or is_doc:
        for item in found:
            item.mention = True
    run.found.extend(found)
    if run.options.mentions and (is_doc or is_python or is_js):
        run.found.extend(_text_mentions(run, text, shown, is_doc, is_python))


def _text_mentions(run: _Run, text: str, shown: str, is_doc: bool, is_python: bool) -> list[Found]:
    """Model ids written in docs, or in the comments of code: mentions, never uses."""
    found = []
    marker = "#" if is_python else "//"
    for number, line in enumerate(text.splitlines(), start=1):
        start = 0
        if not is_doc:
            start = line.find(marker)
            if start < 0:
                continue
        for match in _TOKEN.finditer(line, start):
            token = match.group(0).rstrip(".:,")
            if any(ch.isdigit() for ch in token) and run.aliases.model_id(
                    token.split("/")[-1] if "/" in token else token, run.models):
                found.append(Found(shown, number, match.start() + 1,
                                   "docs" if is_doc else "comment", "litellm", token, mention=True))
    return found


def _resolve(run: _Run) -> Inventory:
    inventory = Inventory(str(run.root), run.files_read, skipped=sorted(run.skipped, key=lambda s: s.file))
    resolved = [(f, _resolution(run, f)) for f in run.found]
    gateway = _gateway_names(resolved)
    for item, resolution in resolved:
        via = list(item.via)
        if resolution.model is None and item.literal is not None and item.route in _GATEWAY_ROUTES \
                and item.literal in gateway and not item.how.startswith("litellm-proxy"):
            target, where = gateway[item.literal]
            via.append(f"gateway alias {item.literal!r} at {where}")
            if target is not None:
                resolution = target
        use = Use(item.file, item.line, item.column, item.how, resolution.provider,
                  item.written or item.literal,
                  resolution.model, resolution.endpoint,
                  resolution.note if item.literal is not None else
                  f"model not known: {item.expression or 'not given'}",
                  tuple(via), tuple(sorted(item.routing.items())), item.name)
        (inventory.mentions if item.mention else inventory.uses).append(use)
    order = lambda u: (u.file, u.line, u.column, u.how)  # noqa: E731
    inventory.uses.sort(key=order)
    inventory.mentions.sort(key=order)
    return inventory


def _resolution(run: _Run, item: Found) -> Resolution:
    if item.literal is None:
        route = run.aliases.route(item.route)
        return Resolution(None, None, route.provider if route is not None else item.route,
                          "model not known")
    resolution = run.aliases.resolve(item.literal, item.route, run.models, run.endpoints,
                                     region=item.region)
    if resolution.provider == "azure":
        # An Azure name is a deployment the customer named; only a declaration says its model.
        model = None
        if item.declared is not None:
            model = run.aliases.resolve(item.declared, "litellm", run.models, run.endpoints).model
        note = "Azure resource region not known"
        if model is None:
            note = "an Azure deployment whose model is declared nowhere in the repository; " + note
        return Resolution(model, None, "azure", note)
    return resolution


def _gateway_names(resolved: list[tuple[Found, Resolution]]) -> dict[str, tuple[Resolution | None, str]]:
    """LiteLLM model_name -> what it resolves to (None when its entries disagree)."""
    names: dict[str, tuple[Resolution | None, str]] = {}
    for item, resolution in resolved:
        if item.name is None or item.mention or not item.how.startswith("litellm-proxy"):
            continue
        where = f"{item.file}:{item.line}:{item.column}"
        if item.name not in names:
            names[item.name] = (resolution if resolution.model else None, where)
        elif names[item.name][0] != resolution:
            names[item.name] = (None, names[item.name][1])
    return names
