"""Sections 4 (findings, grouped by rule, with citations, caveats and alternatives) and 5 (waivers)."""

from __future__ import annotations

from typing import Any

from procurelint.audit.blocks import (
    Badge, Bullets, Cell, Code, Heading, Para, Section, Strong, Table, Text, money,
)
from procurelint.findings import SEVERITY_RANK

Json = dict[str, Any]


def _status(f: Json) -> Cell:
    w = f["waiver"]
    if w is None:
        return [Badge("open", "open")]
    if w["id"] == "inline":
        return [Badge("waived", "suppressed inline"), Text(f": {w['reason']} (no approver: inline suppression)")]
    if not f["waived"]:
        return [Badge("expired", f"waiver {w['id']} expired {w['expires']}"), Text(" — fails again")]
    return [Badge("waived", f"waived by {w['id']}"),
            Text(f" (ticket {w['ticket']}, approved by {w['approvedBy']}, until {w['expires']})")]


def _alternative(f: Json, steps: dict[str, Json]) -> Cell:
    step = steps.get(f["path"])
    if step is None:
        return [Text("—")]
    alt = step["alternative"]
    if alt is None:
        return [Text("—")]
    if not alt["found"]:
        if alt.get("reason") == "no-tokens":
            return [Text("cannot be priced: the step declares no tokens per call")]
        return [Badge("warning", "no compliant offer of equal or higher capability in the catalog")]
    if alt["current"]:
        return [Text("the step's own offer is the cheapest compliant one")]
    delta = alt["deltaUsd"]
    change = f"saves {money(-delta)}" if delta < 0 else f"costs {money(delta)} more"
    return [Code(alt["model"]), Text(" on "), Code(alt["endpoint"]),
            Text(f": {money(alt['monthlyUsd'])}/month ({change})")]


def _groups(repo: Json) -> list[tuple[Json, list[Json]]]:
    rules = {r["id"]: r for r in repo["rules"]}
    groups: dict[tuple[str, tuple[str, ...], str], list[Json]] = {}
    for f in repo["findings"]:
        groups.setdefault((f["rule"], tuple(f["citations"]), f["remediation"]), []).append(f)
    out = []
    for (rule_id, citations, remediation), found in groups.items():
        meta = rules.get(rule_id, {"id": rule_id, "title": "", "caveats": [], "regime": "other"})
        out.append(({**meta, "citations": list(citations), "remediation": remediation}, found))
    worst = {g[0]["id"]: max(SEVERITY_RANK[f["severity"]] for f in g[1]) for g in out}
    return sorted(out, key=lambda g: (-worst[g[0]["id"]], g[0]["id"]))


def _group_blocks(meta: Json, found: list[Json], steps: dict[str, Json], level: int,
                  anchor: str) -> list[Any]:
    blocks: list[Any] = [Heading(level, f"{meta['id']}: {meta['title']}".rstrip(": "), anchor),
                         Para([Strong("Regime: "), Text(str(meta.get("regime", "other"))),
                               Text(" · "), Strong("Findings: "), Text(f"{len(found):,}")])]
    if meta["citations"]:
        blocks += [Para([Strong("Citations:")]), Bullets([[Text(c)] for c in meta["citations"]])]
    else:
        blocks.append(Para([Strong("Citations: "), Text("none recorded for this rule")]))
    if meta["caveats"]:
        blocks += [Para([Badge("warning", "unconfirmed"), Strong(
            " Caveats: these points behind the rule are not confirmed; read them before relying on it.")],
            "warn"), Bullets([[Text(c)] for c in meta["caveats"]])]
    if meta["remediation"]:
        blocks.append(Para([Strong("Remediation: "), Text(meta["remediation"])]))
    rows: list[list[Cell]] = [[
        [Code(f"{f['file']}:{f['line']}:{f['column']}")], [Text(f["path"] or "—")],
        [Badge(f["severity"], f["severity"])], [Text(f["message"])], _status(f),
        _alternative(f, steps),
    ] for f in found]
    blocks.append(Table(["Location", "Path", "Severity", "Finding", "Status",
                         "Cheapest compliant alternative"], rows))
    return blocks


def findings_section(data: Json) -> Section:
    multi = len(data["repositories"]) > 1
    blocks: list[Any] = [Para([Text(
        "Findings grouped by rule, most severe first. The cheapest compliant alternative is the "
        "cheapest catalog offer of equal or higher capability that passes every error rule of "
        "the enabled packs for the step's data; it may cost more than the current offer.")])]
    for ri, repo in enumerate(data["repositories"]):
        if multi:
            blocks.append(Heading(3, f"Repository {repo['name']}", f"findings-{ri}"))
        steps = {s["path"]: s for m in repo["manifests"] for w in m["workflows"] for s in w["steps"]}
        groups = _groups(repo)
        if not groups:
            blocks.append(Para([Badge("ok", "none"), Text(" No findings.")]))
        for gi, (meta, found) in enumerate(groups):
            blocks += _group_blocks(meta, found, steps, 4 if multi else 3, f"finding-{ri}-{gi}")
    return Section("findings", "4. Findings", blocks)


_STATUS_TITLES = (("active", "Active"), ("expiring", "Expiring within 30 days"), ("expired", "Expired"))


def waivers_section(data: Json) -> Section:
    multi = len(data["repositories"]) > 1
    blocks: list[Any] = [Para([Text(
        "Approved exceptions from each repository's waivers file. A waiver holds through its "
        "expiry day; an expired waiver no longer applies and its findings fail again.")])]
    for repo in data["repositories"]:
        if repo["waivers"]["file"] is None:
            blocks.append(Para([Text(f"{repo['name']}: no waivers file is configured "
                                     "(policy spec.waivers), so no finding is waived by a waiver.")]))
    entries = [(repo["name"], w) for repo in data["repositories"] for w in repo["waivers"]["entries"]]
    for status, heading in _STATUS_TITLES:
        chosen = [(name, w) for name, w in entries if w["status"] == status]
        blocks.append(Heading(3, f"{heading} ({len(chosen)})"))
        if not chosen:
            blocks.append(Para([Text("None.")]))
            continue
        headers = (["Repository"] if multi else []) + [
            "Waiver", "Rule", "Target", "Approved by", "Ticket", "Expires", "Days left",
            "Reason", "Findings covered"]
        rows: list[list[Cell]] = []
        for name, w in chosen:
            row: list[Cell] = [[Text(name)]] if multi else []
            row += [
                [Strong(w["id"])], [Text(w["rule"])], [Code(w["target"])], [Text(w["approvedBy"])],
                [Text(w["ticket"])], [Badge(status, w["expires"])], [Text(f"{w['daysLeft']:,}")],
                [Text(w["reason"])], [Text(f"{w['findings']:,} ({w['waived']:,} waived now)")],
            ]
            rows.append(row)
        offset = 1 if multi else 0
        blocks.append(Table(headers, rows, numeric=frozenset({offset + 6})))
    inline = [(repo["name"], f) for repo in data["repositories"] for f in repo["findings"]
              if f["waiver"] is not None and f["waiver"]["id"] == "inline"]
    if inline:
        blocks.append(Heading(3, f"Inline suppressions ({len(inline)})"))
        suppressed: list[list[Cell]] = [
            [[Text(name)], [Code(f"{f['file']}:{f['line']}")], [Text(f["rule"])],
             [Text(f["path"] or "—")], [Text(f["waiver"]["reason"] or "")]] for name, f in inline]
        blocks.append(Table(["Repository", "Location", "Rule", "Path", "Reason"], suppressed))
    return Section("waivers", "5. Waiver register", blocks)
