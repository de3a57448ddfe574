"""Machine-readable results: the JSON contract for CI tooling documented in docs/ci.md."""

from __future__ import annotations

from typing import Any

from procurelint import __version__
from procurelint.findings import Result
from procurelint import jsontext


def document(result: Result) -> dict[str, Any]:
    s = result.summary
    policy: dict[str, Any] = {
        "name": result.policy_name, "version": result.policy_version, "packs": result.packs,
    }
    if result.disabled_packs:
        policy["disabledPacks"] = result.disabled_packs
    if result.left_out:
        policy["leftOut"] = result.left_out
    policy["failOn"] = result.fail_on
    if result.policy_changes:
        policy["changes"] = result.policy_changes
    summary: dict[str, Any] = {
        "files": s.files, "manifests": s.manifests, "workflows": s.workflows,
        "steps": s.steps, "errors": result.count("error"),
        "warnings": result.count("warning"), "infos": result.count("info"),
        "waived": result.waived, "monthlyUsd": s.monthly_usd, "failed": result.failed,
    }
    if result.not_read:
        summary["skipped"] = s.skipped
    if result.not_listed:
        summary["notListed"] = result.not_listed
    if result.base_monthly_usd is not None:
        summary["baseMonthlyUsd"] = result.base_monthly_usd
    if result.baseline_file is not None:
        summary["baselined"] = len(result.baselined)
    doc: dict[str, Any] = {
        "tool": {"name": "procurelint", "version": __version__},
        "policy": policy,
        "catalog": {"asOf": result.catalog_as_of,
                    **({"changes": result.catalog_changes} if result.catalog_changes else {})},
        "findings": [f.to_json() for f in result.findings],
        "summary": summary,
    }
    if result.not_read:
        doc["notRead"] = result.not_read
    if result.stale_baseline:
        doc["staleBaseline"] = result.stale_baseline
    if result.expired_baseline:
        doc["expiredBaseline"] = result.expired_baseline
    return doc


def render(result: Result) -> str:
    return jsontext.dumps(document(result)) + "\n"
