"""Sources cited by the packs and docs are ones a user's clone has: docs/sources.md and its anchors."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO

INTERNAL_NAMES = ("formats.md", "regulations.md", "catalog-facts.md")
SCANNED = [REPO / "README.md", REPO / "docs", REPO / "policies", REPO / "examples", REPO / "src"]
SOURCES = REPO / "docs" / "sources.md"
SOURCES_LINK = re.compile(r"docs/sources\.md#([A-Za-z0-9_-]+)")


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for root in SCANNED:
        files.extend([root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()))
    return files


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        match = None if in_code else re.match(r"#{1,6} (.+)", line)
        if match:
            base = github_anchor(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_github_anchor_rules() -> None:
    assert github_anchor("S-HIPAA-1 Business associate agreements") == "s-hipaa-1-business-associate-agreements"
    assert github_anchor("Core: the tool's own contract") == "core-the-tools-own-contract"
    assert anchors("# A\n## A\n```\n# not a heading\n```\n") == {"a", "a-1"}


def test_no_file_mentions_internal_design_files() -> None:
    offenders = []
    for path in scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for name in INTERNAL_NAMES:
                if name in line:
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {name}")
    assert not offenders, "files cite design documents users do not have:\n" + "\n".join(offenders)


def test_sources_md_links_from_the_packs_resolve() -> None:
    known = anchors(SOURCES.read_text(encoding="utf-8"))
    links = []
    for pack in sorted((REPO / "policies").glob("*.yaml")):
        for number, line in enumerate(pack.read_text(encoding="utf-8").splitlines(), 1):
            links.extend((f"{pack.name}:{number}", anchor) for anchor in SOURCES_LINK.findall(line))
    assert links, "no pack links to docs/sources.md"
    broken = [f"{where}: #{anchor}" for where, anchor in links if anchor not in known]
    assert not broken, "links to anchors docs/sources.md does not have:\n" + "\n".join(broken)


def test_sources_md_links_within_the_docs_resolve() -> None:
    known = anchors(SOURCES.read_text(encoding="utf-8"))
    broken = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        own = path == SOURCES
        pattern = r"\]\(#([\w-]+)\)" if own else r"sources\.md#([\w-]+)"
        broken.extend(f"{path.name}: #{a}" for a in re.findall(pattern, text) if a not in known)
    assert not broken, "links to anchors docs/sources.md does not have:\n" + "\n".join(broken)
