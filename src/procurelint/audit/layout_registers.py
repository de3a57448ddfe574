"""Section 7: the registers each kind of reviewer expects (audit/registers.py)."""

from __future__ import annotations

from typing import Any

from procurelint.audit.blocks import Badge, Cell, Code, Heading, Para, Section, Table, Text, fact

Json = dict[str, Any]


def _who(row: Json) -> Cell:
    return [Code(row["provider"]), Text(f" {row['name']}")]


def _places(row: Json) -> Cell:
    return [fact(row["jurisdiction"]), Text(" / parent "), fact(row["parentJurisdiction"])]


def _list(values: list[str]) -> Cell:
    return [Text(", ".join(values) or "none")]


def _contracts(row: Json) -> Cell:
    if not row["contracts"]:
        return [Text("none")]
    cell: Cell = []
    for i, c in enumerate(row["contracts"]):
        if i:
            cell.append(Text("; "))
        cell += [Code(c["ref"]), Text(f" ({', '.join(c['terms']) or 'no terms'}"
                                       + (f", until {c['expires']}" if c["expires"] else "") + ")")]
        if c["expired"]:
            cell += [Text(" "), Badge("warning", "expired")]
    return cell


def _vendor(vendor: Json | None) -> Cell:
    if vendor is None:
        return [Badge("unknown", "no vendor record")]
    return [Text(("approved" if vendor["approved"] else "not approved")
                 + f", assessed {vendor['assessedOn']}")]


def _repository(repo: Json, multi: bool) -> list[Any]:
    reg = repo.get("registers")
    if reg is None:  # a merged report of an older result
        return [Para([Text(f"{repo['name']}: no registers in this result.")])]
    blocks: list[Any] = []
    if multi:
        blocks.append(Heading(3, f"Repository {repo['name']}"))
    level = 4 if multi else 3
    blocks += [Heading(level, "Evidence on file per provider"), Table(
        ["Provider", "Established / parent", "Endpoints reached", "BAA signed", "Contracts",
         "Vendor record", "Certifications (catalog)"],
        [[_who(r), _places(r), _list(r["endpoints"]), [fact(r["baaSigned"])], _contracts(r),
          _vendor(r["vendor"]), _list(r["certifications"])] for r in reg["evidence"]])
        if reg["evidence"] else Para([Text("No provider is reached.")])]
    blocks += [Heading(level, "Business associates receiving PHI (HIPAA)"), Table(
        ["Business associate", "Established / parent", "BAA signed", "Steps", "Subcontractors"],
        [[_who(r), _places(r), [fact(r["baaSigned"])], [Text(str(r["steps"]))],
          _list(r["subcontractors"])] for r in reg["businessAssociates"]])
        if reg["businessAssociates"] else Para([Text("No step sends PHI.")])]
    blocks += [Heading(level, "Vendor inventory for customer financial data"), Table(
        ["Vendor", "Established / parent", "Foreign", "Criticality (tier)", "Last assessment",
         "Steps", "Fourth parties"],
        [[_who(r), _places(r), [fact(r["foreign"])], [Text(r["criticality"])],
          _vendor(r["vendor"]), [Text(str(r["steps"]))], _list(r["fourthParties"])]
         for r in reg["vendors"]])
        if reg["vendors"] else Para([Text("No step sends NPI or cardholder data.")])]
    blocks += [Heading(level, "Endpoints of federal work: FedRAMP and impact level"), Table(
        ["Endpoint", "Provider", "FedRAMP", "DoD impact level", "US persons only", "Steps"],
        [[[Code(r["endpoint"])], [Code(r["provider"])], [fact(r["fedramp"])],
          [fact(r["dodImpactLevel"])], [fact(r["usPersonsOnly"])], [Text(str(r["steps"]))]]
         for r in reg["federal"]])
        if reg["federal"] else Para([Text("No step does federal work.")])]
    rows: list[list[Cell]] = []
    for r in reg["part202"]:
        for c in r["categories"]:
            rows.append([_who(r), [fact(r["coveredPerson"])], [Text(c["category"])],
                         [fact(c["records"])], [fact(c["threshold"])], _list(c["workflows"])])
    blocks += [Heading(level, "28 CFR Part 202 volumes per provider (records a year, summed)"), Table(
        ["Provider", "Covered person", "Category", "Records a year", "Bulk threshold", "Workflows"],
        rows) if rows else Para([Text("No personal data reaches any provider.")])]
    blocks += [Heading(level, "Statutory rules left out or waived"), Table(
        ["Rule", "Title", "How", "Target", "Citations"],
        [[[Code(g["rule"])], [Text(g["title"])], [Text(g["how"])],
          [Code(g["target"])] if g["target"] else [Text("everywhere")],
          [Text("; ".join(g["citations"]))]] for g in reg["statutoryGaps"]])
        if reg["statutoryGaps"] else Para([Text("None: every rule that cites a statute, a "
                                                "regulation or a standard is enabled and unwaived.")])]
    return blocks


def registers_section(data: Json) -> Section:
    repos = data["repositories"]
    blocks: list[Any] = [Para([Text(
        "What each reviewer asks for: the evidence on file per provider (signed BAAs, contracts "
        "with their terms and expiry, vendor records, certifications the catalog records); a "
        "hospital's business associates and their subcontractors (the providers an aggregator "
        "is pinned to); a bank's vendors with their fourth parties; the FedRAMP and impact level "
        "of every endpoint federal work reaches; the Part 202 volumes per provider (unknown "
        "where a workflow does not declare recordsPerYear); and every rule citing a statute, a "
        "regulation or a standard that the policy disabled or a waiver covers.")])]
    for repo in repos:
        blocks += _repository(repo, len(repos) > 1)
    return Section("registers", "7. Registers for reviewers", blocks)
