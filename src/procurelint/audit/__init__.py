"""The audit report for legal and procurement review, and the AI bill of materials.

One data model (`model.build_repository` + `model.assemble`) is built once per run and rendered
by one module per format. HTML and Markdown share one layout (`layout.py`), so the two always
say the same thing; JSON is the data model itself and is what `report --merge` reads back;
CycloneDX is the AI-BOM view of the same inventory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procurelint.registry import lookup

Report = dict[str, Any]
Renderer = Callable[[Report], str]

# Imported only when asked for: a JSON report should not pay for the HTML renderer.
FORMATS: dict[str, str] = {
    "html": "procurelint.audit.html",
    "md": "procurelint.audit.markdown",
    "json": "procurelint.audit.report_json",
    "cyclonedx": "procurelint.audit.cyclonedx",
}


def renderer(name: str) -> Renderer:
    """The renderer of a report format; an unknown name lists the valid ones."""
    render: Renderer = lookup(FORMATS, name, "render", "report format")
    return render