"""File names as CI services resolve them: relative to the root of the git repository.

Findings name files relative to the folder of the policy file. GitHub code scanning, GitHub
annotations and GitLab Code Quality resolve a path from the repository root, so in a monorepo
(`ai/procurelint.yaml`, checked with `procurelint check ai/`) the CI formats put the policy's
folder in front (`ai/claims/app.yaml`). The fingerprints are computed on these names too, so two
policies of one repository never give two findings the same fingerprint.
"""

from __future__ import annotations

from msgspec.structs import replace

from procurelint.findings import Finding, Result


def repository_file(result: Result, file: str) -> str:
    """`file` relative to the repository root (names that are not relative stay as they are)."""
    if not result.repository_prefix or not file or file.startswith(("<", "/")):
        return file
    return result.repository_prefix + file


def repository_findings(result: Result) -> list[Finding]:
    """The result's findings with their files relative to the repository root."""
    if not result.repository_prefix:
        return result.findings
    return [replace(f, file=repository_file(result, f.file)) for f in result.findings]
