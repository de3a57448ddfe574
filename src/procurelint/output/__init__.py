"""Output formats of `check` (one module per format behind a name -> renderer registry), the
cost view and the rule docs.

May import: `run`'s results, `engine`, `policy`, `documents` and the vocabulary modules.
"""

from __future__ import annotations

from collections.abc import Callable

from procurelint.registry import lookup
from procurelint.findings import Result

Renderer = Callable[[Result], str]

# Modules are imported only when their format is asked for, to keep start-up short.
FORMATS: dict[str, str] = {
    "text": "procurelint.output.text",
    "json": "procurelint.output.results_json",
    "sarif": "procurelint.output.sarif",
    "junit": "procurelint.output.junit",
    "github": "procurelint.output.github",
    "gitlab": "procurelint.output.gitlab",
    "md": "procurelint.output.pr_comment",
}


def renderer(name: str) -> Renderer:
    """The renderer of a format; an unknown name lists the valid ones."""
    render: Renderer = lookup(FORMATS, name, "render", "format")
    return render