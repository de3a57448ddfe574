"""The core rules detected in Python rather than in CEL: each one's message templates, and
where it is detected. A detector formats its finding's message with `message()`, and
`policies/core.yaml`, which documents these rules, is held to this table by a test, so the
two cannot disagree. (MAN008 is an ordinary CEL rule in `policies/core.yaml`.)"""

from __future__ import annotations

from typing import Any

DETECTORS: dict[str, str] = {
    "MAN001": "run/reading.py",
    "MAN002": "run/reading.py, engine/units.py",
    "MAN003": "engine/units.py",
    "MAN004": "engine/units.py",
    "MAN005": "engine/units.py",
    "MAN006": "engine/units.py",
    "MAN007": "engine/units.py, engine/evaluate.py",
    "MAN009": "engine/units.py",
    "CAT001": "engine/evaluate.py",
    "POL001": "run/pipeline.py",
    "WAIVER001": "run/apply_waivers.py",
    "WAIVER002": "run/apply_waivers.py",
    "SUP001": "run/suppressions.py",
    "SUP002": "run/suppressions.py",
    "SUP003": "run/suppressions.py",
}
"""Each core rule and the modules that detect it."""

TEMPLATES: dict[str, str] = {
    "MAN001": "{problem}",
    "MAN002": "{problem}",
    "MAN002.regime": "unknown regime {regime!r}; known regimes: {known}",
    "MAN003": "step {path} names model {model!r}, which is not in the catalog{tip}",
    "MAN004": "step {path} names endpoint {endpoint!r}, which is not in the catalog{tip}",
    "MAN005": "endpoint {endpoint} does not offer model {model} (step {path})",
    "MAN006": "data class {data_class!r} is not defined (built-in or in the policy){tip}",
    "MAN007": "manifest name {name!r} is already used at {first}",
    "MAN007.workflow": "workflow name {name!r} is used twice in manifest {manifest}",
    "MAN007.step": "step name {name!r} is used twice in workflow {workflow}",
    "MAN009": "step {path} declares routing, but {endpoint} is not an aggregator",
    "CAT001": ("catalog {name} is {age} days old (asOf {as_of}), older than maxCatalogAgeDays "
               "{limit}; re-import prices and re-check facts"),
    "POL001": ("{file} is a policy file that this run did not use: the manifests beside it were "
               "judged by {used}. Check that folder with its own policy (`procurelint check "
               "{folder}`), or exclude it in the policy's `exclude`"),
    "WAIVER001": ("waiver {id} for {rule} on {target} expired on {expires}; the {count} "
                  "finding(s) it covered fail again. Renew it with a new approval, or fix the "
                  "findings"),
    "WAIVER002": ("waiver {id} for {rule} on {target} matches no finding; remove it (stale "
                  "waivers hide future regressions)"),
    "SUP003.never": "{rule} can be neither suppressed inline nor waived: fix the finding",
    "SUP001": ("inline suppression of {rules} gives no reason; write the reason after the "
               "brackets"),
    "SUP001.no-rule": "inline suppression names no rule: write `# procurelint: ignore[RULE] reason`",
    "SUP002": "inline suppression of {rules} matches no finding on line {line}; remove it",
    "SUP003": ("{rule} belongs to the {pack} pack, which the policy does not allow to be "
               "suppressed inline; use a waiver with an approver and an expiry"),
}
"""Message templates by rule id (and `ID.variant` where a rule words several cases)."""


def message(key: str, **values: Any) -> str:
    """The message of a core finding: `key` is a rule id, or `ID.variant`."""
    return TEMPLATES[key].format(**values)
