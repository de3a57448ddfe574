"""GitHub Actions workflow commands: each finding becomes an annotation on its YAML line.

`::error file=F,line=L,col=C,title=RULE title::message` (warning -> `::warning`, info ->
`::notice`). Values are escaped as the Actions runner unescapes them (actions/toolkit
`command.ts`): `%`, CR and LF in the message; also `:` and `,` in properties. Without that,
a newline in a message would end the command early and the rest of the line could inject a
second command. Every other control character (an ANSI escape in a file name or a waiver
reason, C1 controls, line and paragraph separators) is written as the text format writes it
(`\\x1b`, `printable`): the job log and a terminal running the hook must not interpret it.
Waived findings are notices that name the waiver, so a reviewer sees that an exception is in
force. A plain summary line closes the output for the job log.

Annotations use the finding's file as given, relative to the policy's folder: keep
procurelint.yaml at the repository root so that they land on the right file.
"""

from __future__ import annotations

from procurelint.findings import Finding, Result, RuleMeta
from procurelint.output.repository_paths import repository_findings
from procurelint.output.text import printable

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command: `%`, CR and LF as the runner unescapes them,
    other control characters escaped as the text format does (`printable`)."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A `key=value` property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _waiver(finding: Finding) -> str:
    w = finding.waiver or {}
    if w.get("id") == "inline":
        return f"suppressed inline: {w.get('reason')}"
    details = [f"{label} {w[key]}" for key, label in
               (("approvedBy", "approved by"), ("ticket", "ticket"), ("expires", "expires"))
               if w.get(key)]
    return f"waived by {w.get('id')}: {w.get('reason')}" + "".join(f"; {d}" for d in details)


def command(finding: Finding, meta: RuleMeta | None) -> str:
    """One finding as a workflow command."""
    title = f"{finding.rule} {meta.title}" if meta else finding.rule
    message = finding.message
    if finding.waived:
        name = "notice"
        title += " (waived)"
        message += f" [{_waiver(finding)}]"
    else:
        name = COMMAND.get(finding.severity, "warning")
        if finding.waiver:
            message += (f" [waiver {finding.waiver.get('id')} expired on "
                        f"{finding.waiver.get('expires')}]")
    props = [f"file={escape_property(finding.file)}"]
    if finding.line > 0:
        props.append(f"line={finding.line}")
        if finding.column > 0:
            props.append(f"col={finding.column}")
    props.append(f"title={escape_property(title)}")
    return f"::{name} {','.join(props)}::{escape_data(message)}"


def render(result: Result) -> str:
    # Annotations name files from the repository root.
    lines = [command(f, result.rules.get(f.rule)) for f in repository_findings(result)]
    s = result.summary
    verdict = "failed" if result.failed else "passed"
    lines.append(
        f"procurelint {verdict}: {result.count('error')} errors, {result.count('warning')} "
        f"warnings, {result.count('info')} infos, {result.waived} waived in {s.manifests} "
        f"manifests; projected spend ${s.monthly_usd:,.2f}/month"
    )
    lines += [printable(line) for line in result.left_out_lines()]
    return "\n".join(lines) + "\n"
