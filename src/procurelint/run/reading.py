"""The read phase: parse candidate files and validate their manifests.

Problems become MAN001/MAN002 findings, never exceptions: a broken file is a finding about that
file, and the rest of the repository is still judged.
"""

from __future__ import annotations

import os

from collections.abc import Callable

from msgspec import Struct, field

from procurelint.documents.files import Candidate, file_looks_ours, looks_ours, text_looks_ours
from procurelint.documents.kinds import is_config_kind, is_ours, validate_manifest
from procurelint.documents.loading import loaded_config, shown_as_config
from procurelint.documents.document import Document, Limits, read_text
from procurelint.engine.units import ManifestInput
from procurelint.errors import YamlError
from procurelint.findings import Finding
from procurelint.policy.config import Config
from procurelint.policy.core_rules import message
from procurelint.run.parse_cache import ParseCache
from procurelint.run.suppressions import MARKER, Suppression, scan

NESTED = ("holds procurelint documents below its top level; procurelint reads one document per "
          "YAML document, at the top level")
"""Why a file that parses, holds no document of ours, and whose text shows ours is not read."""

Progress = Callable[[str, int, int], None]
"""progress(label, done, total), called on long loops (the CLI draws it on a terminal)."""


class Loaded(Struct):
    """What reading some files gave: their manifests, the findings about the files themselves,
    how many files were read and how many held no procurelint document."""

    manifests: list[ManifestInput]
    findings: list[Finding]
    files: int
    ignored: int
    suppressions: list[Suppression] = field(default_factory=list)
    not_read: list[dict[str, str]] = field(default_factory=list)
    """Files that did not parse and whose text does not show they are ours, and files that
    parse with no document of ours at the top level but whose text shows ours: noted."""


def core_finding(config: Config, rule_id: str, message: str, file: str, line: int, column: int,
                 path: str) -> Finding:
    """A finding of a core rule, with the rule's severity, citations and remediation."""
    rule = config.rule_index.get(rule_id)
    return Finding(
        rule=rule_id, severity=rule.severity if rule else "error", message=message,
        file=file, line=line, column=column, path=path,
        citations=tuple(rule.rule.citations) if rule else (),
        remediation=rule.rule.remediation if rule else "",
    )


def parser_limits(config: Config) -> Limits:
    """The YAML limits of the policy."""
    spec = config.policy.spec.limits
    return Limits(max_file_bytes=spec.max_file_bytes, max_depth=spec.max_depth,
                  max_nodes=spec.max_nodes, max_scalar_length=spec.max_scalar_length,
                  max_list_length=spec.max_list_length)


def _too_big(config: Config, data: dict[str, object]) -> tuple[str, tuple[str | int, ...]] | None:
    """A manifest with more workflows or steps than the policy's limits allow."""
    limits = config.policy.spec.limits
    spec = data.get("spec")
    workflows = spec.get("workflows") if isinstance(spec, dict) else None
    if not isinstance(workflows, list):
        return None
    if len(workflows) > limits.max_workflows:
        return (f"manifest has {len(workflows)} workflows, more than the limit of "
                f"{limits.max_workflows} (limits.maxWorkflows); split it"), ("spec", "workflows")
    for i, workflow in enumerate(workflows):
        steps = workflow.get("steps") if isinstance(workflow, dict) else None
        if isinstance(steps, list) and len(steps) > limits.max_steps:
            return (f"workflow has {len(steps)} steps, more than the limit of {limits.max_steps} "
                    "(limits.maxSteps); split it"), ("spec", "workflows", i, "steps")
    return None


def load_manifests(config: Config, candidates: list[Candidate], limits: Limits,
                   selected: bool = True, progress: Progress | None = None,
                   cache: ParseCache | None = None) -> Loaded:
    """Parse and validate files; problems become MAN001/MAN002 findings, never exceptions.
    With `cache`, files parsed before are taken from it (the same documents)."""
    manifests: list[ManifestInput] = []
    findings: list[Finding] = []
    ignored = 0
    suppressions: list[Suppression] = []
    not_read: list[dict[str, str]] = []
    parse_text: Callable[[str, str, Limits, str], list[Document]]
    if cache is None:
        from procurelint.documents.yamlio import parse

        def parse_text(text: str, file: str, limits: Limits, path: str) -> list[Document]:
            return parse(text, file, limits)
    else:
        parse_text = cache.parse
    for number, candidate in enumerate(candidates, start=1):
        if progress is not None and number % 64 == 0:
            progress("reading manifests", number, len(candidates))
        if candidate.problem is not None:
            findings.append(core_finding(config, "MAN001", message("MAN001", problem=candidate.problem), candidate.display,
                                         1, 1, ""))
            continue
        text = None
        own = loaded_config(candidate.path)
        comments = _comments(config, candidate, own is not None)
        if isinstance(comments, str) and MARKER in comments:
            suppressions.extend(scan(comments, candidate.display))
        if own is not None:  # the policy's own file, read where it is named: not a manifest
            if comments is True and MARKER.encode() in own:
                suppressions.extend(scan(own.decode("utf-8-sig", "replace"), candidate.display))
            continue
        try:
            text = read_text(str(candidate.path), candidate.display, limits)
            if comments is True and MARKER in text:
                suppressions.extend(scan(text, candidate.display))
            docs = parse_text(text, candidate.display, limits, str(candidate.path))
        except YamlError as exc:
            if not (candidate.explicit or _shows_ours(candidate, text)):
                ignored += 1  # a Helm template, a broken CI file: not ours, noted
                not_read.append({"file": candidate.display,
                                 "reason": f"does not parse and is not ours ({exc.message})"})
                continue
            loc = exc.location
            findings.append(core_finding(
                config, "MAN001", message("MAN001", problem=exc.message), candidate.display,
                loc.line if loc else 1, loc.column if loc else 1, "",
            ))
            continue
        ours = 0
        for doc in docs:
            if not is_ours(doc.data):
                continue
            ours += 1
            if is_config_kind(doc.data):
                continue  # a policy, catalog, pack or waivers file: read where referenced
            too_big = _too_big(config, doc.data)
            if too_big is not None:
                where = doc.location(too_big[1])
                findings.append(core_finding(config, "MAN001", message("MAN001", problem=too_big[0]),
                                             where.file, where.line,
                                             where.column, ""))
                continue
            model, problems = validate_manifest(doc)
            for problem in problems:
                findings.append(core_finding(
                    config, "MAN002", message("MAN002", problem=problem.message), problem.location.file,
                    problem.location.line, problem.location.column, problem.path,
                ))
            if model is not None:
                # The records hold what is judged: the document keeps only its positions.
                manifests.append(ManifestInput(Document(doc.file, None, doc.spots), model, (),
                                               selected))
        if not ours:
            ignored += 1
            if text_looks_ours(text):  # a list of manifests, a Kubernetes `items:` list: noted
                not_read.append({"file": candidate.display, "reason": NESTED})
    return Loaded(manifests, findings, len(candidates), ignored, suppressions, not_read)


def _comments(config: Config, candidate: Candidate, loaded: bool) -> str | bool:
    """Whose suppression comments count as this file's, matched to findings by the name it is
    shown under: True, its own; a text, the base revision's (with --policy-from, a policy
    file of the base stands in for it); False, none: a file only the work tree's changed
    policy loaded (`loaded`, with --policy-from), or one shown under the name of a
    configuration file it is not (a policy outside the folder checked, shown as
    `policy.yaml` as a file here is), whose comments would fall on that file's findings."""
    if config.replaced_files:
        base = config.replaced_files.get(os.path.realpath(candidate.path))
        if base is not None:
            return base
    if loaded and config.from_base:
        return False
    namesake = shown_as_config(candidate.display)
    return not namesake or os.path.realpath(candidate.path) in namesake


def _shows_ours(candidate: Candidate, text: str | None) -> bool:
    """Whether a file that does not parse is ours by its text (`looks_ours`). A file that could
    not be read as text (over the size limit, not UTF-8) is judged by the whole of its bytes,
    NULs dropped (`text_of`); so is text with NULs in it."""
    if text is None:
        return file_looks_ours(candidate.path)
    # UTF-16 or -32 without a byte-order mark reads as UTF-8 with a NUL beside every letter
    # (a checkout can write a manifest so, by `working-tree-encoding` in .gitattributes).
    return looks_ours(text.replace("\0", ""))
