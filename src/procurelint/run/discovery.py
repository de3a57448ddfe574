"""Discovery inside `check`: the model uses of the repository, for the drift rules.

Runs only when the policy sets `discovery.enabled`; scans the whole repository root (code that
calls a model rarely sits beside the manifests the PATH arguments name) except the policy's
`discovery.exclude` folders. Mentions in tests, docs and comments are not uses.
"""

from __future__ import annotations

from typing import Any

from procurelint.inventory.scan import Options, discover
from procurelint.policy.aliases import alias_table
from procurelint.policy.config import Config


def discovered_uses(config: Config) -> list[dict[str, Any]]:
    """Each use as the plain values the engine's `use` context is built from."""
    settings = config.policy.spec.discovery
    inventory = discover(config.root, [], alias_table(), config.catalog.models,
                         config.catalog.endpoints,
                         Options(max_file_bytes=settings.max_file_bytes,
                                 exclude=tuple(settings.exclude)))
    return [{"file": u.file, "line": u.line, "column": u.column, "how": u.how,
             "provider": u.provider, "literal": u.literal, "model": u.model,
             "endpoint": u.endpoint, "note": u.note, "routing": dict(u.routing)}
            for u in inventory.uses]
