"""Messages that say what happened (not only that a rule fired)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import TODAY, write

POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  catalogs: [catalog.yaml]
"""
CATALOG = """\
apiVersion: procurelint/v1
kind: Catalog
metadata: {name: c, asOf: "2026-11-20"}
spec:
  providers:
    - {id: acme, name: Acme, jurisdiction: US, parentJurisdiction: US, kind: cloud}
  endpoints:
    - id: acme/keeps-30
      provider: acme
      country: US
      hipaaBaa: true
      fedramp: high
      crossBorderRouting: false
      dataPolicy: {trainsOnInputs: false, retentionDays: 30}
      offers:
        - {model: anthropic/claude-sonnet-4.6, pricePerMillion: {input: 3.0, output: 15.0}}
"""
MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {{name: app, team: t, owner: o@example.com}}
spec:
  workflows:
    - name: flow
      runsPerMonth: 100
      dataClasses: [{workflow}]
      steps:
        - name: step
          model: anthropic/claude-sonnet-4.6
          endpoint: {endpoint}
          dataClasses: [{step}]
          tokensPerCall: {{input: 10, output: 10}}
"""


def run(cli, tmp_path: Path, workflow: str, step: str, endpoint: str, rule: str) -> str:
    write(tmp_path, "procurelint.yaml", POLICY)
    write(tmp_path, "catalog.yaml", CATALOG)
    write(tmp_path, "app.yaml", MANIFEST.format(workflow=workflow, step=step, endpoint=endpoint))
    out = cli("check", "--date", TODAY, "--select", rule, cwd=tmp_path)
    lines = [line for line in out.stdout.splitlines() if f" {rule} " in line]
    assert lines, out.stdout + out.stderr
    return lines[0]


def test_man008_does_not_call_a_step_that_adds_phi_a_narrowing(cli, tmp_path: Path) -> None:
    line = run(cli, tmp_path, "internal", "phi", "acme/keeps-30", "MAN008")
    assert "narrows" not in line
    assert ("step app/flow/step declares its data as phi, leaving out internal of its "
            "workflow's internal, without a deidentification that names who performs it") in line


def test_jur007_gives_a_known_retention_as_known(cli, tmp_path: Path) -> None:
    line = run(cli, tmp_path, "phi", "phi", "acme/keeps-30", "JUR007")
    assert "(30 days)" in line and "unknown" not in line


def test_jur007_says_an_unknown_retention_counts_as_unlimited(cli, tmp_path: Path) -> None:
    line = run(cli, tmp_path, "phi", "phi", "deepseek/api", "JUR007")
    assert "(not known, which counts as unlimited)" in line


def test_jur001_names_the_tier_and_the_places_it_does_not_allow(cli) -> None:
    from tests.conftest import EXAMPLES

    out = cli("check", "--date", TODAY, "--select", "JUR001", cwd=EXAMPLES).stdout
    assert ("step market-research/competitor-digest/summarise sends internal data to openrouter, "
            "where tier internal (not CN, CU, HK, IR, KP, MO, RU, VE) does not allow it: the "
            "endpoint's country is unknown") in out
    assert ("sends restricted data to deepseek/api, where tier restricted (only US) does not allow "
            "it: the endpoint is in CN, provider deepseek is established in CN, the parent of "
            "deepseek is established in CN") in out


_NODES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, width=32)
    | st.sampled_from(["", "x", "{y}"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "b", "0", "why"]), inner, max_size=3),
    max_leaves=12)


def _walked(context: dict, path: list[str], text: str) -> str:
    """What a placeholder reads as by the plain walk of its path, as rendered."""
    from procurelint.engine.messages import _show, _walk

    node = _walk(context, tuple(path), text)
    return text if node is text else _show(node)


@given(_NODES.filter(lambda node: isinstance(node, dict)),
       st.lists(st.builds(lambda first, rest: [first, *rest], st.sampled_from(["a", "b", "c"]),
                          st.lists(st.sampled_from(["a", "b", "0", "c"]), max_size=4)),
                min_size=1, max_size=4))
def test_a_placeholder_reads_its_path_or_stays_as_written(context: dict, paths: list) -> None:
    """Placeholders are read by indexing alone where they can be; they read as the plain walk
    of their path says, also where it meets a null, a missing key, a list or text."""
    from procurelint.engine.messages import render

    placeholders = ["{" + ".".join(path) + "}" for path in paths]
    expected = "-".join(_walked(context, path, text) for path, text in zip(paths, placeholders))
    assert render("-".join(placeholders), context) == expected


def test_a_why_placeholder_explains_the_context_it_can_and_stays_as_written_elsewhere() -> None:
    """`{why.NAME}` is worked out from the context by `WHY`'s function; in a context it cannot
    explain (a rule of another scope), and for a name `WHY` does not know, it stays as
    written, as any unknown placeholder does."""
    from procurelint.engine.messages import render

    endpoint = {"isAggregator": False, "country": "CN"}
    provider = {"id": "acme", "jurisdiction": "CN", "parentJurisdiction": None}
    tiers = [{"name": "restricted", "allowJurisdictions": ["US"], "denyJurisdictions": None}]
    context = {"endpoint": endpoint, "provider": provider, "route": {}, "tiers": tiers}
    assert render("where {why.placesNotAllowed}", context) == (
        "where tier restricted (only US) does not allow it: the endpoint is in CN, provider acme "
        "is established in CN, where the parent of acme is established is unknown")
    assert render("{why.placesNotAllowed}", {"workflow": {}}) == "{why.placesNotAllowed}"
    assert render("{why.placesNotAllowed}", {**context, "endpoint": None}) == "{why.placesNotAllowed}"
    assert render("{why.other} {why}", context) == "{why.other} {why}"


def test_the_explanations_rules_may_name_are_those_messages_have() -> None:
    """packs.WHY (what a message of each scope may name, checked when a pack loads) and
    messages.WHY (what renders them) name the same explanations: one the other lacks would be
    refused, or printed as written."""
    from procurelint.engine.messages import WHY as rendered
    from procurelint.policy.packs import WHY as allowed

    assert set().union(*allowed.values()) == set(rendered)
