"""JavaScript and TypeScript: SDK calls, Vercel AI SDK providers and LangChain.js chat models,
found with the tree-sitter grammars (a real parser, so strings and comments are never code).

The same kinds of use as in Python: a client method that takes `{model}` (OpenAI and every
OpenAI-compatible client, Anthropic, google-genai, Mistral, Groq, Together), Bedrock runtime
commands (`new ConverseCommand({modelId})`), a Vercel AI SDK provider called with a model id
(`openai("gpt-4o")`, `createOpenAI({baseURL})(...)`), and a LangChain.js chat-model class. A
model id in a `const` of the same file or in `process.env.X` is followed to its value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct, field

from procurelint.inventory.env_files import EnvValue
from procurelint.inventory.uses import Client, Found, client_at

_ROUTING_KEYS = ("only", "order", "allow_fallbacks", "data_collection", "zdr", "ignore")
# module.export -> route of the client a `new` of it makes.
_CLIENTS: dict[str, str] = {
    "openai.default": "openai", "openai.OpenAI": "openai", "openai.AzureOpenAI": "azure",
    "@anthropic-ai/sdk.default": "anthropic", "@anthropic-ai/sdk.Anthropic": "anthropic",
    "@anthropic-ai/bedrock-sdk.default": "bedrock",
    "@anthropic-ai/bedrock-sdk.AnthropicBedrock": "bedrock",
    "@anthropic-ai/vertex-sdk.default": "vertex_ai",
    "@anthropic-ai/vertex-sdk.AnthropicVertex": "vertex_ai",
    "@aws-sdk/client-bedrock-runtime.BedrockRuntimeClient": "bedrock",
    "@aws-sdk/client-bedrock-runtime.BedrockRuntime": "bedrock",
    "@google/genai.GoogleGenAI": "gemini",
    "@google/generative-ai.GoogleGenerativeAI": "gemini",
    "@mistralai/mistralai.Mistral": "mistral", "@mistralai/mistralai.default": "mistral",
    "groq-sdk.default": "groq", "groq-sdk.Groq": "groq",
    "together-ai.default": "together_ai", "together-ai.Together": "together_ai",
}
_BEDROCK_COMMANDS = {"ConverseCommand", "ConverseStreamCommand", "InvokeModelCommand",
                     "InvokeModelWithResponseStreamCommand"}
_METHODS: dict[tuple[str, ...], str] = {
    ("chat", "completions", "create"): "model", ("chat", "completions", "parse"): "model",
    ("chat", "completions", "stream"): "model", ("completions", "create"): "model",
    ("responses", "create"): "model", ("responses", "stream"): "model",
    ("embeddings", "create"): "model", ("messages", "create"): "model",
    ("messages", "stream"): "model", ("models", "generateContent"): "model",
    ("models", "generateContentStream"): "model", ("chats", "create"): "model",
    ("chat", "complete"): "model", ("chat", "stream"): "model",
    ("getGenerativeModel",): "model", ("converse",): "modelId",
}
_METHOD_ROUTE: dict[tuple[str, ...], str | None] = {("messages", "create"): "anthropic", ("messages", "stream"): "anthropic",
                 ("models", "generateContent"): "gemini", ("getGenerativeModel",): "gemini",
                 ("converse",): "bedrock"}
# Vercel AI SDK provider packages -> route; their default export instance and `create*`.
_VERCEL: dict[str, str] = {
    "@ai-sdk/openai": "openai", "@ai-sdk/anthropic": "anthropic",
    "@ai-sdk/amazon-bedrock": "bedrock", "@ai-sdk/azure": "azure", "@ai-sdk/google": "gemini",
    "@ai-sdk/google-vertex": "vertex_ai", "@ai-sdk/mistral": "mistral", "@ai-sdk/groq": "groq",
    "@ai-sdk/deepseek": "deepseek", "@ai-sdk/togetherai": "together_ai",
    "@ai-sdk/fireworks": "fireworks_ai", "@ai-sdk/cerebras": "cerebras",
    "@ai-sdk/deepinfra": "deepinfra", "@ai-sdk/xai": "xai",
    "@openrouter/ai-sdk-provider": "openrouter", "@ai-sdk/openai-compatible": "compatible",
}
_VERCEL_METHODS = {"chat", "languageModel", "responses", "completion", "messages",
                   "textEmbeddingModel", "embedding"}
_AI_FUNCTIONS = {"generateText", "streamText", "generateObject", "streamObject", "embed",
                 "embedMany"}
_LANGCHAIN: dict[str, tuple[str, tuple[str, ...]]] = {
    "ChatOpenAI": ("openai", ("model", "modelName")),
    "OpenAI": ("openai", ("model", "modelName")),
    "OpenAIEmbeddings": ("openai", ("model", "modelName")),
    "AzureChatOpenAI": ("azure", ("azureOpenAIApiDeploymentName", "deploymentName", "model")),
    "ChatAnthropic": ("anthropic", ("model", "modelName")),
    "ChatBedrockConverse": ("bedrock", ("model",)),
    "BedrockChat": ("bedrock", ("model",)),
    "ChatVertexAI": ("vertex_ai", ("model", "modelName")),
    "ChatGoogleGenerativeAI": ("gemini", ("model", "modelName")),
    "ChatMistralAI": ("mistral", ("model", "modelName")),
    "ChatGroq": ("groq", ("model", "modelName")),
    "ChatDeepSeek": ("deepseek", ("model",)),
    "ChatTogetherAI": ("together_ai", ("model", "modelName")),
}
_MAX_FOLLOW = 6
_LANGUAGES: dict[str, Any] = {}


class Unreadable(Exception):
    """The file cannot be scanned; the message is the skip note."""


def _parser(suffix: str) -> Any:
    from tree_sitter import Language, Parser  # the grammars load only when a JS file is read

    kind = "tsx" if suffix.endswith(".tsx") else "ts" if suffix.endswith((".ts", ".mts", ".cts")) \
        else "js"
    if kind not in _LANGUAGES:
        if kind == "js":
            import tree_sitter_javascript as grammar

            _LANGUAGES[kind] = Language(grammar.language())
        else:
            import tree_sitter_typescript as typescript

            _LANGUAGES[kind] = Language(typescript.language_tsx() if kind == "tsx"
                                        else typescript.language_typescript())
    return Parser(_LANGUAGES[kind])


class _Scope(Struct):
    imports: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    providers: dict[str, Client] = field(default_factory=dict)


def scan(text: str, file: str, suffix: str, env: Mapping[str, EnvValue],
         resolve_route: Callable[[str], str | None]) -> list[Found]:
    """Every model use in one JavaScript or TypeScript file."""
    source = text.encode("utf-8")
    tree = _parser(suffix).parse(source)
    return _Scanner(source, text.splitlines(), file, env, resolve_route).run(tree.root_node)


class _Scanner:
    def __init__(self, source: bytes, lines: list[str], file: str, env: Mapping[str, EnvValue],
                 resolve_route: Callable[[str], str | None]) -> None:
        self.source = source
        self.lines = lines
        self.file = file
        self.env = env
        self.resolve_route = resolve_route
        self.scope = _Scope()

    def run(self, root: Any) -> list[Found]:
        nodes = []
        stack = [root]
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(reversed(node.named_children))
        for node in nodes:
            if node.type == "import_statement":
                self._import(node)
            elif node.type == "variable_declarator":
                self._declarator(node)
        for node in nodes:
            if node.type == "variable_declarator":
                self._client_declarator(node)
            elif node.type == "assignment_expression":
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is not None and right is not None:
                    client = self._client(right)
                    if client is not None:
                        self.scope.clients[self._key(left)] = client
        found = []
        for node in nodes:
            if node.type in ("call_expression", "new_expression"):
                use = self._call(node)
                if use is not None:
                    found.append(use)
        return found

    # -- declarations ----------------------------------------------------------------------

    def _import(self, node: Any) -> None:
        module_node = node.child_by_field_name("source")
        if module_node is None:
            return
        module = self._string(module_node)
        if module is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.scope.imports[self._text(part)] = f"{module}.default"
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self.scope.imports[self._text(ident)] = f"{module}.*"
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self.scope.imports[self._text(alias)] = f"{module}.{self._text(name)}"

    def _declarator(self, node: Any) -> None:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None:
            return
        required = self._require(value)
        if required is not None:
            if name.type == "identifier":
                self.scope.imports[self._text(name)] = f"{required}.default"
            elif name.type == "object_pattern":
                for part in name.named_children:
                    if part.type == "shorthand_property_identifier_pattern":
                        self.scope.imports[self._text(part)] = f"{required}.{self._text(part)}"
                    elif part.type == "pair_pattern":
                        key, alias = part.child_by_field_name("key"), part.child_by_field_name("value")
                        if key is not None and alias is not None:
                            self.scope.imports[self._text(alias)] = f"{required}.{self._text(key)}"
            return
        if name.type == "identifier":
            self.scope.constants.setdefault(self._text(name), value)

    def _client_declarator(self, node: Any) -> None:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None or name.type != "identifier":
            return
        client = self._client(value)
        if client is not None:
            self.scope.clients[self._text(name)] = client
            return
        provider = self._provider_factory(value)
        if provider is not None:
            self.scope.providers[self._text(name)] = provider

    def _require(self, node: Any) -> str | None:
        while node.type == "await_expression" and node.named_children:
            node = node.named_children[0]
        if node.type == "call_expression":
            func = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if func is not None and self._text(func) == "require" and args is not None \
                    and args.named_children:
                return self._string(args.named_children[0])
        return None

    def _client(self, node: Any) -> Client | None:
        if node.type != "new_expression":
            return None
        ctor = node.child_by_field_name("constructor")
        qualified = self._qualified(ctor) if ctor is not None else None
        route = _CLIENTS.get(qualified or "")
        if route is None:
            return None
        options = self._options(node)
        region = self._property_value(options, ("region",))
        if route == "gemini" and options is not None and self._property(options, "vertexai") is not None \
                and self._text(self._property(options, "vertexai")) == "true":
            return Client("vertex_ai", region=self._property_value(options, ("location",)))
        base = self._property(options, "baseURL") if options is not None else None
        if base is None:
            return Client(route, region=region)
        url = self._value(base)[0]
        return client_at(route, url, None if url is None else self.resolve_route(url))

    def _provider_factory(self, node: Any) -> Client | None:
        """`createOpenAI({baseURL})` and friends: a Vercel AI SDK provider with settings."""
        if node.type != "call_expression":
            return None
        func = node.child_by_field_name("function")
        qualified = self._qualified(func) if func is not None else None
        if qualified is None:
            return None
        module, _, export = qualified.rpartition(".")
        if module not in _VERCEL or not export.startswith("create"):
            return None
        route: str | None = _VERCEL[module]
        options = self._options(node)
        base = self._property(options, "baseURL") if options is not None else None
        url = self._value(base)[0] if base is not None else None
        if route == "compatible":
            route = self.resolve_route(url) if url else None
        elif url is not None and route not in ("azure",):
            route = self.resolve_route(url)
        return Client(route, base_url=url, region=self._property_value(options, ("region",)))

    # -- calls -----------------------------------------------------------------------------

    def _call(self, node: Any) -> Found | None:
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            if ctor is None:
                return None
            qualified = self._qualified(ctor) or ""
            name = qualified.rsplit(".", 1)[-1]
            if name in _BEDROCK_COMMANDS and qualified.startswith("@aws-sdk/"):
                return self._object_use(node, ("modelId",), f"js: new {name}", Client("bedrock"))
            if name in _LANGCHAIN and (qualified.startswith("@langchain/")
                                       or qualified.startswith("langchain/")):
                route, keys = _LANGCHAIN[name]
                options = self._options(node)
                lc_client = Client(route)
                base = None
                if options is not None:
                    config = self._property(options, "configuration")
                    base = self._property(config, "baseURL") if config is not None else None
                    base = base or self._property(options, "baseURL")
                if base is not None and route != "azure":
                    url = self._value(base)[0]
                    lc_client = Client(self.resolve_route(url) if url else None, base_url=url)
                return self._object_use(node, keys, f"js: new {name}", lc_client)
            return None
        func = node.child_by_field_name("function")
        if func is None:
            return None
        vercel: Client | None = self._vercel(func)
        if vercel is not None:
            return self._first_argument_use(node, f"js: {self._text(func)[:60]}", vercel)
        if func.type == "identifier" and self._qualified(func) in {f"ai.{n}" for n in _AI_FUNCTIONS}:
            options = self._options(node)
            model = self._property(options, "model") if options is not None else None
            if model is not None and model.type in ("string", "template_string", "identifier"):
                value = self._value(model)[0]
                if value is not None and "/" in value:
                    return self._object_use(node, ("model",), f"js: {self._text(func)} (AI Gateway)",
                                            Client("vercel-gateway"))
            return None
        if func.type != "member_expression":
            return None
        chain, root = self._chain(func)
        for length in (3, 2, 1):
            if len(chain) >= length and tuple(chain[-length:]) in _METHODS:
                tail = tuple(chain[-length:])
                break
        else:
            return None
        key = _METHODS[tail]
        client = self._receiver(root, chain[: len(chain) - len(tail)])
        if client is None:
            options = self._options(node)
            if options is None or self._property(options, key) is None:
                return None
            client = Client(_METHOD_ROUTE.get(tail), note="client not known")
        elif tail == ("converse",) and client.route != "bedrock":
            return None
        return self._object_use(node, (key,), "js: " + ".".join(tail), client)

    def _vercel(self, func: Any) -> Client | None:
        """The provider when `func` is a Vercel AI SDK provider (`openai`, `openai.chat`)."""
        target = func
        if func.type == "member_expression":
            prop = func.child_by_field_name("property")
            if prop is None or self._text(prop) not in _VERCEL_METHODS:
                return None
            target = func.child_by_field_name("object")
        if target is None or target.type != "identifier":
            return None
        name = self._text(target)
        if name in self.scope.providers:
            return self.scope.providers[name]
        qualified = self.scope.imports.get(name)
        if qualified is None:
            return None
        module, _, export = qualified.rpartition(".")
        if module in _VERCEL and not export.startswith("create") and _VERCEL[module] != "compatible":
            return Client(_VERCEL[module])
        return None

    def _receiver(self, root: Any, chain: list[str]) -> Client | None:
        if root is None:
            return None
        if not isinstance(root, tuple) and root.type == "new_expression":
            return self._client(root)
        key = self._key(root)
        if chain and f"{key}.{'.'.join(chain)}" in self.scope.clients:
            return self.scope.clients[f"{key}.{'.'.join(chain)}"]
        return self.scope.clients.get(key)

    def _first_argument_use(self, node: Any, how: str, client: Client) -> Found | None:
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return self._found(first if first is not None else node, first is not None, how, client)

    def _object_use(self, node: Any, keys: tuple[str, ...], how: str, client: Client) -> Found:
        options = self._options(node)
        value = None
        if options is not None:
            for key in keys:
                value = self._property(options, key)
                if value is not None:
                    break
        found = self._found(value if value is not None else node, value is not None, how, client)
        if options is not None:
            provider = self._property(options, "provider")
            if provider is not None and provider.type == "object":
                found.routing = self._literal_object(provider)
        return found

    def _found(self, target: Any, has_value: bool, how: str, client: Client) -> Found:
        line, column = self._position(target)
        found = Found(self.file, line, column, how, client.route, None, region=client.region,
                      base_url=client.base_url)
        if client.note:
            found.via.append(client.note)
        if not has_value:
            found.expression = "(no model given: the SDK's default)"
            return found
        value, via, text = self._value(target)
        found.literal, found.expression = value, text
        found.via.extend(via)
        return found

    # -- values ----------------------------------------------------------------------------

    def _value(self, node: Any, depth: int = 0) -> tuple[str | None, list[str], str]:
        text = self._text(node)[:200]
        if depth > _MAX_FOLLOW:
            return None, [], text
        kind = node.type
        if kind in ("string", "template_string"):
            value = self._string(node)
            return value, [], text
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression",
                    "non_null_expression") and node.named_children:
            return self._value(node.named_children[0], depth + 1)
        if kind == "identifier" and self._text(node) in self.scope.constants:
            target = self.scope.constants[self._text(node)]
            value, via, _ = self._value(target, depth + 1)
            return value, [f"{self._text(node)} at {self.file}:{target.start_point[0] + 1}", *via], text
        env = self._environment(node)
        if env is not None:
            setting = self.env.get(env)
            if setting is not None and setting.value:
                return setting.value, [setting.where(env)], text
            return None, [f"environment variable {env}, not set in the repository"], text
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if operator is not None and self._text(operator) in ("??", "||") and left is not None \
                    and right is not None:
                value, via, _ = self._value(left, depth + 1)
                if value is not None:
                    return value, via, text
                value, more, _ = self._value(right, depth + 1)
                return value, [*via, *more], text
        return None, [], text

    def _environment(self, node: Any) -> str | None:
        """`process.env.X` or `process.env["X"]` -> "X"."""
        if node.type == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is not None and prop is not None and self._text(obj) in ("process.env", "import.meta.env"):
                return self._text(prop)
        if node.type == "subscript_expression":
            obj, index = node.child_by_field_name("object"), node.child_by_field_name("index")
            if obj is not None and index is not None and self._text(obj) in ("process.env", "import.meta.env"):
                return self._string(index)
        return None

    # -- syntax helpers --------------------------------------------------------------------

    def _options(self, node: Any) -> Any:
        args = node.child_by_field_name("arguments")
        if args is None or not args.named_children:
            return None
        first = args.named_children[0]
        while first.type in ("as_expression", "satisfies_expression", "parenthesized_expression",
                             "non_null_expression") and first.named_children:
            first = first.named_children[0]
        if first.type == "identifier" and self._text(first) in self.scope.constants:
            first = self.scope.constants[self._text(first)]
        return first if first.type == "object" else None

    def _property(self, obj: Any, key: str) -> Any:
        if obj is None or obj.type != "object":
            return None
        for pair in obj.named_children:
            if pair.type == "pair":
                name = pair.child_by_field_name("key")
                if name is not None and (self._text(name) == key or self._string(name) == key):
                    return pair.child_by_field_name("value")
            elif pair.type == "shorthand_property_identifier" and self._text(pair) == key:
                return pair if key in self.scope.constants else None
        return None

    def _property_value(self, obj: Any, keys: tuple[str, ...]) -> str | None:
        for key in keys:
            node = self._property(obj, key)
            if node is not None:
                return self._value(node)[0]
        return None

    def _literal_object(self, obj: Any) -> dict[str, object]:
        result: dict[str, object] = {}
        for pair in obj.named_children:
            if pair.type != "pair":
                continue
            key_node, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key_node is None or value is None:
                continue
            key = self._string(key_node) or self._text(key_node)
            if key not in _ROUTING_KEYS:
                continue
            text = self._text(value)
            if value.type in ("true", "false"):
                result[key] = value.type == "true"
            elif value.type == "string":
                result[key] = self._string(value)
            elif value.type == "array":
                result[key] = [self._string(v) or self._text(v) for v in value.named_children]
            else:
                result[key] = text
        return result

    def _chain(self, node: Any) -> tuple[list[str], Any]:
        parts: list[str] = []
        current = node
        while current is not None and current.type == "member_expression":
            prop = current.child_by_field_name("property")
            parts.append(self._text(prop) if prop is not None else "")
            current = current.child_by_field_name("object")
        parts.reverse()
        if current is not None and current.type == "this" and parts:
            return parts[1:], ("this", parts[0])
        return parts, current

    def _key(self, node: Any) -> str:
        if isinstance(node, tuple):
            return f"{node[0]}.{node[1]}"
        return self._text(node)

    def _qualified(self, node: Any) -> str | None:
        if node.type == "identifier":
            return self.scope.imports.get(self._text(node))
        if node.type == "member_expression":
            chain, root = self._chain(node)
            if root is not None and not isinstance(root, tuple) and root.type == "identifier":
                base = self.scope.imports.get(self._text(root))
                if base is not None:
                    module = base.rpartition(".")[0] if base.endswith((".*", ".default")) else base
                    return ".".join([module, *chain])
        return None

    def _string(self, node: Any) -> str | None:
        if node.type == "string":
            return "".join(self._text(c) if c.type == "string_fragment" else
                           bytes(self._text(c), "utf-8").decode("unicode_escape", errors="replace")
                           for c in node.named_children)
        if node.type == "template_string":
            if any(c.type == "template_substitution" for c in node.named_children):
                return None
            return self._text(node)[1:-1]
        return None

    def _text(self, node: Any) -> str:
        if isinstance(node, tuple):
            return f"{node[0]}.{node[1]}"
        return self.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def _position(self, node: Any) -> tuple[int, int]:
        row, byte_column = node.start_point
        line = self.lines[row] if row < len(self.lines) else ""
        column = len(line.encode("utf-8")[:byte_column].decode("utf-8", errors="replace"))
        return row + 1, column + 1
