"""Python: SDK calls and chat-model classes that name a hosted model, found with `ast`.

What counts as a use: a call of an SDK client method that takes a model (OpenAI and every
OpenAI-compatible client, Anthropic, Bedrock runtime, google-genai, Mistral, Groq, Together),
LiteLLM's `completion` family, and the construction of a LangChain, LlamaIndex, Vertex AI or
google-generativeai chat model. The provider comes from the import the client or class was
made from and the client's `base_url`; the model from the argument, followed through a
constant of the same file or an environment variable the repository sets.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

from msgspec import Struct, field

from procurelint.inventory.env_files import EnvValue
from procurelint.inventory.uses import Client, Found, client_at

# Package (first part of the import) -> route of the SDK's client.
_CLIENT_CLASSES: dict[str, str] = {
    "openai.OpenAI": "openai", "openai.AsyncOpenAI": "openai",
    "openai.AzureOpenAI": "azure", "openai.AsyncAzureOpenAI": "azure",
    "anthropic.Anthropic": "anthropic", "anthropic.AsyncAnthropic": "anthropic",
    "anthropic.AnthropicBedrock": "bedrock", "anthropic.AsyncAnthropicBedrock": "bedrock",
    "anthropic.AnthropicVertex": "vertex_ai", "anthropic.AsyncAnthropicVertex": "vertex_ai",
    "google.genai.Client": "gemini", "google.genai.client.Client": "gemini",
    "mistralai.Mistral": "mistral", "mistralai.client.MistralClient": "mistral",
    "groq.Groq": "groq", "groq.AsyncGroq": "groq",
    "together.Together": "together_ai", "together.AsyncTogether": "together_ai",
    "cerebras.cloud.sdk.Cerebras": "cerebras",
}
_BASE_URL_KEYS = ("base_url", "api_base", "openai_api_base", "azure_endpoint", "endpoint")
_REGION_KEYS = ("region_name", "region", "aws_region")

# Methods that send a request to a model, by the tail of the attribute chain.
_METHODS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("chat", "completions", "create"): ("model",),
    ("chat", "completions", "parse"): ("model",),
    ("chat", "completions", "stream"): ("model",),
    ("completions", "create"): ("model",),
    ("responses", "create"): ("model",),
    ("responses", "parse"): ("model",),
    ("responses", "stream"): ("model",),
    ("embeddings", "create"): ("model",),
    ("messages", "create"): ("model",),
    ("messages", "stream"): ("model",),
    ("models", "generate_content"): ("model",),
    ("models", "generate_content_stream"): ("model",),
    ("models", "embed_content"): ("model",),
    ("chats", "create"): ("model",),
    ("chat", "complete"): ("model",),
    ("chat", "complete_async"): ("model",),
    ("chat", "stream_async"): ("model",),
    ("ChatCompletion", "create"): ("model", "engine"),  # openai<1.0, module-level
    ("Completion", "create"): ("model", "engine"),
    ("converse",): ("modelId",),
    ("converse_stream",): ("modelId",),
    ("invoke_model",): ("modelId",),
    ("invoke_model_with_response_stream",): ("modelId",),
}
_BEDROCK_METHODS = {("converse",), ("converse_stream",), ("invoke_model",),
                    ("invoke_model_with_response_stream",)}
# Route to assume for a method whose client is not known, by its chain.
_METHOD_ROUTE: dict[tuple[str, ...], str | None] = {("messages", "create"): "anthropic", ("messages", "stream"): "anthropic",
                 ("models", "generate_content"): "gemini",
                 ("models", "generate_content_stream"): "gemini"}


class _Class(Struct, frozen=True):
    route: str
    keys: tuple[str, ...]
    positional: bool = False


# Chat-model classes and model-taking functions, by the name they are imported under.
_LITELLM = _Class("litellm", ("model",), True)
_FUNCTIONS: dict[str, _Class] = {
    "litellm.completion": _LITELLM, "litellm.acompletion": _LITELLM,
    "litellm.text_completion": _LITELLM, "litellm.responses": _LITELLM,
    "litellm.aresponses": _LITELLM, "litellm.embedding": _LITELLM,
    "litellm.aembedding": _LITELLM,
    "vertexai.generative_models.GenerativeModel": _Class("vertex_ai", ("model_name",), True),
    "vertexai.preview.generative_models.GenerativeModel": _Class("vertex_ai", ("model_name",), True),
    "google.generativeai.GenerativeModel": _Class("gemini", ("model_name",), True),
    "langchain.chat_models.init_chat_model": _Class("init_chat_model", ("model",), True),
    "langchain_openai.OpenAIEmbeddings": _Class("openai", ("model",)),
}
_LANGCHAIN: dict[str, _Class] = {
    "ChatOpenAI": _Class("openai", ("model", "model_name")),
    "OpenAI": _Class("openai", ("model", "model_name")),
    "AzureChatOpenAI": _Class("azure", ("azure_deployment", "deployment_name", "model")),
    "AzureOpenAI": _Class("azure", ("azure_deployment", "deployment_name", "engine", "model")),
    "ChatAnthropic": _Class("anthropic", ("model", "model_name")),
    "Anthropic": _Class("anthropic", ("model",)),
    "ChatBedrock": _Class("bedrock", ("model_id", "model")),
    "ChatBedrockConverse": _Class("bedrock", ("model", "model_id")),
    "BedrockLLM": _Class("bedrock", ("model_id", "model")),
    "Bedrock": _Class("bedrock", ("model", "model_id")),
    "BedrockConverse": _Class("bedrock", ("model",)),
    "ChatVertexAI": _Class("vertex_ai", ("model_name", "model")),
    "Vertex": _Class("vertex_ai", ("model",)),
    "ChatGoogleGenerativeAI": _Class("gemini", ("model",)),
    "Gemini": _Class("gemini", ("model",)),
    "GoogleGenAI": _Class("gemini", ("model",)),
    "ChatMistralAI": _Class("mistral", ("model", "model_name")),
    "MistralAI": _Class("mistral", ("model",)),
    "ChatGroq": _Class("groq", ("model", "model_name")),
    "Groq": _Class("groq", ("model",)),
    "ChatTogether": _Class("together_ai", ("model",)),
    "TogetherLLM": _Class("together_ai", ("model",)),
    "ChatDeepSeek": _Class("deepseek", ("model",)),
    "DeepSeek": _Class("deepseek", ("model",)),
    "ChatFireworks": _Class("fireworks_ai", ("model",)),
    "ChatLiteLLM": _Class("litellm", ("model",)),
    "LiteLLM": _Class("litellm", ("model",)),
    "OpenRouter": _Class("openrouter", ("model",)),
    "OpenAILike": _Class("openai", ("model",)),
}
_MAX_FOLLOW = 6


class Unreadable(Exception):
    """The file cannot be scanned (syntax, nesting); the message is the skip note."""


class _Scope(Struct):
    imports: dict[str, str] = field(default_factory=dict)
    constants: dict[str, tuple[ast.expr, int]] = field(default_factory=dict)
    attributes: dict[str, tuple[ast.expr, int]] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    loops: dict[str, tuple[ast.expr, int]] = field(default_factory=dict)


def scan(text: str, file: str, env: Mapping[str, EnvValue],
         resolve_route: Callable[[str], str | None]) -> list[Found]:
    """Every model use in one Python file. `resolve_route` maps a base URL to a route."""
    try:
        tree = ast.parse(text, filename=file)
    except SyntaxError as exc:
        raise Unreadable(f"not valid Python ({exc.msg}, line {exc.lineno})") from None
    except (RecursionError, MemoryError):
        raise Unreadable("nested too deeply for the Python parser") from None
    except ValueError as exc:
        raise Unreadable(f"not Python source ({exc})") from None
    try:
        return _Scanner(text, file, env, resolve_route).run(tree)
    except RecursionError:
        raise Unreadable("nested too deeply to follow") from None


class _Scanner:
    def __init__(self, text: str, file: str, env: Mapping[str, EnvValue],
                 resolve_route: Callable[[str], str | None]) -> None:
        self.lines = text.splitlines()
        self.file = file
        self.env = env
        self.resolve_route = resolve_route
        self.scope = _Scope()
        self._last_arg: ast.expr | None = None
        self._subclass_calls: dict[int, Client] = {}

    # -- collection ------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> list[Found]:
        nodes = list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.scope.imports[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.scope.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        assignments = [n for n in nodes if isinstance(n, (ast.Assign, ast.AnnAssign))
                       and n.value is not None]
        for node in assignments:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                self._constant(target, node.value, node.lineno)  # type: ignore[arg-type]
        for node in assignments:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                self._remember_client(target, node.value)  # type: ignore[arg-type]
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                pairs = list(zip(args.args[len(args.args) - len(args.defaults):], args.defaults))
                pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
                for arg, default in pairs:
                    if isinstance(default, ast.Constant) and isinstance(default.value, str):
                        self.scope.constants.setdefault(arg.arg, (default, default.lineno))
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                route = next((_CLIENT_CLASSES[q] for q in map(self._qualified, node.bases)
                              if q in _CLIENT_CLASSES), None)
                if route is not None:
                    client = Client(route)
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Call):
                            self._subclass_calls[id(inner)] = client
        for node in nodes:
            if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and \
                    isinstance(node.target, ast.Name):
                line = getattr(node, "lineno", getattr(node.iter, "lineno", 0))
                self.scope.loops.setdefault(node.target.id, (node.iter, line))
        found: list[Found] = []
        for node in nodes:
            if isinstance(node, ast.Call):
                self._last_arg = None
                use = self._call(node)
                if use is not None:
                    found.extend(self._each_value(use))
        return found

    def _each_value(self, use: Found) -> list[Found]:
        """A call whose model is a loop variable over a list of names uses each of them."""
        arg = self._last_arg
        if use.literal is not None or not isinstance(arg, ast.Name) or arg.id not in self.scope.loops:
            return [use]
        iterable, line = self.scope.loops[arg.id]
        via = [f"{arg.id} iterates at {self.file}:{line}"]
        if isinstance(iterable, ast.Name) and iterable.id in self.scope.constants:
            via.append(f"{iterable.id} at {self.file}:{self.scope.constants[iterable.id][1]}")
            iterable = self.scope.constants[iterable.id][0]
        if not isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
            return [use]
        values = [self._value(item)[0] for item in iterable.elts]
        if not values or any(v is None for v in values):
            return [use]
        return [Found(use.file, use.line, use.column, use.how, use.route, value, use.expression,
                      [*use.via, *via], use.region, use.base_url, dict(use.routing))
                for value in values]

    def _constant(self, target: ast.expr, value: ast.expr, line: int) -> None:
        key = _target_key(target)
        if key is None:
            return
        if isinstance(target, ast.Name):
            self.scope.constants.setdefault(key, (value, line))
        else:
            self.scope.attributes.setdefault(key.rsplit(".", 1)[-1], (value, line))

    def _remember_client(self, target: ast.expr, value: ast.expr) -> None:
        key = _target_key(target)
        if key is not None and isinstance(value, ast.Call):
            client = self._client(value)
            if client is not None:
                self.scope.clients[key] = client

    def _client(self, call: ast.Call) -> Client | None:
        """The client a constructor call makes, or None when it is not a known SDK client."""
        name = self._qualified(call.func)
        if name is None:
            return None
        kwargs = {k.arg: k.value for k in call.keywords if k.arg}
        if name in ("boto3.client", "boto3.session.Session.client") or (
                name.endswith(".client") and name.startswith("boto3")):
            service = call.args[0] if call.args else kwargs.get("service_name")
            if service is None or self._value(service)[0] not in ("bedrock-runtime",):
                return None
            region = self._first(kwargs, _REGION_KEYS)
            return Client("bedrock", region=region)
        route = _CLIENT_CLASSES.get(name)
        if route is None:
            return None
        if route == "gemini" and isinstance(kwargs.get("vertexai"), ast.Constant) and \
                kwargs["vertexai"].value is True:  # type: ignore[attr-defined]
            return Client("vertex_ai", region=self._first(kwargs, ("location",)))
        base = next((kwargs[k] for k in _BASE_URL_KEYS if k in kwargs), None)
        if base is None:
            return Client(route, region=self._first(kwargs, _REGION_KEYS))
        url, _via, _text = self._value(base)
        return client_at(route, url, None if url is None else self.resolve_route(url))

    def _first(self, kwargs: dict[str, ast.expr], keys: tuple[str, ...]) -> str | None:
        for key in keys:
            if key in kwargs:
                return self._value(kwargs[key])[0]
        return None

    # -- calls -----------------------------------------------------------------------------

    def _call(self, call: ast.Call) -> Found | None:
        name = self._qualified(call.func)
        spec = _FUNCTIONS.get(name) if name else None
        if spec is None and name and name.split(".")[0] in ("langchain", "langchain_openai",
                "langchain_anthropic", "langchain_aws", "langchain_google_vertexai",
                "langchain_google_genai", "langchain_mistralai", "langchain_groq",
                "langchain_together", "langchain_deepseek", "langchain_fireworks",
                "langchain_community", "llama_index"):
            spec = _LANGCHAIN.get(name.rsplit(".", 1)[-1])
        if spec is not None:
            return self._class_use(call, name or "", spec)
        if not isinstance(call.func, ast.Attribute):
            return None
        chain, found_root = _chain(call.func)
        root: ast.expr | None = found_root
        subclass = self._subclass_calls.get(id(call))
        if subclass is not None and isinstance(root, ast.Name) and root.id.startswith("self."):
            # A method of a subclass of an SDK client: `self.messages.create(...)`.
            chain, root = [root.id.split(".", 1)[1], *chain], None
        for length in (4, 3, 2, 1):
            if len(chain) >= length and tuple(chain[-length:]) in _METHODS:
                tail = tuple(chain[-length:])
                break
        else:
            return None
        client = self._receiver(root, chain[: len(chain) - len(tail)]) if subclass is None \
            or root is not None else subclass
        keys = _METHODS[tail]
        if client is None:
            # An unknown receiver: only a call that names its model counts, and the SDK is
            # told by the method (messages.create is Anthropic's, converse is Bedrock's).
            if not any(k.arg in keys for k in call.keywords):
                return None
            client = Client(_METHOD_ROUTE.get(tail, "bedrock" if tail in _BEDROCK_METHODS else None),
                             note="client not known")
        elif tail in _BEDROCK_METHODS and client.route != "bedrock":
            return None
        how = "python: " + ".".join(tail)
        return self._use(call, keys, False, how, client.route, client)

    def _class_use(self, call: ast.Call, name: str, spec: _Class) -> Found | None:
        kwargs = {k.arg: k.value for k in call.keywords if k.arg}
        route: str | None = spec.route
        client = Client(route, region=self._first(kwargs, _REGION_KEYS))
        base = next((kwargs[k] for k in _BASE_URL_KEYS if k in kwargs), None)
        if base is not None and route != "azure":
            url = self._value(base)[0]
            client.base_url = url
            client.route = self.resolve_route(url) if url else None
        if spec.route == "init_chat_model":
            provider = kwargs.get("model_provider")
            client.route = self._value(provider)[0] if provider is not None else "litellm"
            if client.route == "litellm":
                found = self._use(call, spec.keys, True, f"python: {name}", "litellm", client)
                if found is not None and found.literal and ":" in found.literal:
                    head, _, tail = found.literal.partition(":")
                    found.route, found.literal = head, tail
                return found
        return self._use(call, spec.keys, spec.positional, f"python: {name}", client.route, client)

    def _use(self, call: ast.Call, keys: tuple[str, ...], positional: bool, how: str,
             route: str | None, client: Client) -> Found | None:
        arg: ast.expr | None = next((k.value for k in call.keywords if k.arg in keys), None)
        if arg is None:
            arg = self._from_unpacked(call, keys)
        if arg is None and positional and call.args and not isinstance(call.args[0], ast.Starred):
            arg = call.args[0]
        self._last_arg = arg
        target = arg if arg is not None else call
        line, column = self._position(target)
        found = Found(self.file, line, column, how, route, None, region=client.region,
                      base_url=client.base_url)
        if client.note:
            found.via.append(client.note)
        if arg is None:
            found.expression = "(no model given: the SDK's default)"
        else:
            value, via, text = self._value(arg)
            found.literal, found.expression = value, text
            found.via.extend(via)
        for keyword in call.keywords:
            if keyword.arg == "extra_body":
                found.routing = _provider_preferences(keyword.value)
        return found

    def _from_unpacked(self, call: ast.Call, keys: tuple[str, ...]) -> ast.expr | None:
        """The model in `**kwargs` where kwargs is a dict literal of the file."""
        for keyword in call.keywords:
            if keyword.arg is not None:
                continue
            value = keyword.value
            if isinstance(value, ast.Name) and value.id in self.scope.constants:
                value = self.scope.constants[value.id][0]
            if isinstance(value, ast.Dict):
                for key, item in zip(value.keys, value.values):
                    if isinstance(key, ast.Constant) and key.value in keys:
                        return item
        return None

    def _receiver(self, root: ast.expr | None, chain: list[str]) -> Client | None:
        if isinstance(root, ast.Call):
            return self._client(root)
        key = None
        if isinstance(root, ast.Name):
            key = root.id
        elif root is not None:
            key = _target_key(root)
        if key is None:
            return None
        if chain:
            attr_key = f"{key}.{'.'.join(chain)}"
            if attr_key in self.scope.clients:
                return self.scope.clients[attr_key]
        if key in self.scope.clients:
            return self.scope.clients[key]
        module = self.scope.imports.get(key) if isinstance(root, ast.Name) else None
        if module is not None:
            package = module.split(".")[0]
            route = {"openai": "openai", "anthropic": "anthropic", "mistralai": "mistral",
                     "groq": "groq", "together": "together_ai"}.get(package)
            if route is not None and not chain:
                base = self.scope.attributes.get("api_base") or self.scope.attributes.get("base_url")
                if route == "openai" and base is not None:  # openai.api_base = "..." (openai<1.0)
                    url = self._value(base[0])[0]
                    return Client(self.resolve_route(url) if url else None, base_url=url)
                return Client(route)
        return None

    # -- values ----------------------------------------------------------------------------

    def _qualified(self, func: ast.expr) -> str | None:
        chain, root = _chain(func) if isinstance(func, ast.Attribute) else ([], func)
        if isinstance(root, ast.Name) and root.id in self.scope.imports:
            return ".".join([self.scope.imports[root.id], *chain])
        if isinstance(root, ast.Call) and chain == ["client"]:
            inner = self._qualified(root.func)
            if inner is not None and inner.startswith("boto3"):
                return "boto3.session.Session.client"
        if isinstance(root, ast.Name) and root.id in self.scope.constants and chain == ["client"]:
            value = self.scope.constants[root.id][0]
            if isinstance(value, ast.Call):
                inner = self._qualified(value.func)
                if inner is not None and inner.startswith("boto3"):
                    return "boto3.session.Session.client"
        return None

    def _value(self, expr: ast.expr, depth: int = 0) -> tuple[str | None, list[str], str]:
        """A string expression's value where the file or the repository's env files give it:
        (value or None, how it was followed, the source text)."""
        text = self._text(expr)
        if depth > _MAX_FOLLOW:
            return None, [], text
        if isinstance(expr, ast.Constant):
            return (expr.value, [], text) if isinstance(expr.value, str) else (None, [], text)
        if isinstance(expr, ast.Name) and expr.id in self.scope.constants:
            value_node, line = self.scope.constants[expr.id]
            value, via, _ = self._value(value_node, depth + 1)
            return value, [f"{expr.id} at {self.file}:{line}", *via], text
        if isinstance(expr, ast.Attribute) and expr.attr in self.scope.attributes and \
                not isinstance(expr.value, ast.Call):
            value_node, line = self.scope.attributes[expr.attr]
            value, via, _ = self._value(value_node, depth + 1)
            return value, [f"{expr.attr} at {self.file}:{line}", *via], text
        env = self._environment(expr)
        if env is not None:
            key, default = env
            if key in self.env:
                setting = self.env[key]
                if setting.value:
                    return setting.value, [setting.where(key)], text
            if default is not None:
                value, via, _ = self._value(default, depth + 1)
                return value, [f"default of environment variable {key}", *via], text
            return None, [f"environment variable {key}, not set in the repository"], text
        return None, [], text

    def _environment(self, expr: ast.expr) -> tuple[str, ast.expr | None] | None:
        """`os.environ.get("X", d)`, `os.getenv("X", d)`, `os.environ["X"]` -> ("X", d)."""
        if isinstance(expr, ast.Call):
            name = self._qualified(expr.func) or ""
            if name in ("os.getenv", "os.environ.get", "os.environ.setdefault") and expr.args:
                key = expr.args[0]
                default = expr.args[1] if len(expr.args) > 1 else next(
                    (k.value for k in expr.keywords if k.arg == "default"), None)
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    return key.value, default
        if isinstance(expr, ast.Subscript) and (self._qualified(expr.value) or "") == "os.environ":
            key = expr.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value, None
        return None

    def _position(self, node: ast.expr) -> tuple[int, int]:
        line = node.lineno
        offset = node.col_offset
        if 0 < line <= len(self.lines):
            raw = self.lines[line - 1].encode("utf-8")[:offset]
            offset = len(raw.decode("utf-8", errors="replace"))
        return line, offset + 1

    def _text(self, node: ast.expr) -> str:
        if node.lineno != getattr(node, "end_lineno", node.lineno):
            return "(an expression over several lines)"
        if 0 < node.lineno <= len(self.lines):
            raw = self.lines[node.lineno - 1].encode("utf-8")
            end = node.end_col_offset if node.end_col_offset is not None else len(raw)
            return raw[node.col_offset:end].decode("utf-8", errors="replace")[:200]
        return ""


def _chain(node: ast.Attribute) -> tuple[list[str], ast.expr]:
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    parts.reverse()
    if isinstance(current, ast.Name) and current.id in ("self", "cls") and parts:
        return parts[1:], ast.Name(id=f"{current.id}.{parts[0]}")
    return parts, current


def _target_key(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        return f"{target.value.id}.{target.attr}"
    return None


def _provider_preferences(node: ast.expr) -> dict[str, object]:
    """OpenRouter's `provider` preferences in an `extra_body={...}` literal."""
    try:
        body = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return {}
    if isinstance(body, dict) and isinstance(body.get("provider"), dict):
        return {str(k): v for k, v in body["provider"].items()
                if k in ("only", "order", "allow_fallbacks", "data_collection", "zdr", "ignore")}
    return {}
