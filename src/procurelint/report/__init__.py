"""Output formats: one module per format behind a name -> renderer registry."""

from __future__ import annotations

from collections.abc import Callable

from procurelint.registry import lookup
from procurelint.findings import Result

Renderer = Callable[[Result], str]

# Modules are imported only when their format is asked for, to keep start-up short.
FORMATS: dict[str, str] = {
    "text": "procurelint.report.text",
    "json": "procurelint.report.json_report",
    "sarif": "procurelint.report.sarif",
    "junit": "procurelint.report.junit",
    "github": "procurelint.report.github",
    "gitlab": "procurelint.report.gitlab",
    "md": "procurelint.report.markdown",
}


def renderer(name: str) -> Renderer:
    """The renderer of a format; an unknown name lists the valid ones."""
    render: Renderer = lookup(FORMATS, name, "render", "format")
    return render