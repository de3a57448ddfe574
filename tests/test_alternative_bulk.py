"""The alternative search judges offers on the same `bulk` value the rules see in a check."""

from __future__ import annotations

import datetime as dt

from procurelint.engine import alternatives
from procurelint.engine.evaluate import Evaluator
from procurelint.policy.config import load_config
from procurelint.run.reading import load_manifests, parser_limits
from procurelint.documents.files import discover
from tests.conftest import EXAMPLES


def test_the_searchs_bulk_has_every_field_of_the_contexts_bulk() -> None:
    config = load_config(None, EXAMPLES)
    spec = config.policy.spec
    loaded = load_manifests(config, discover(config.root, [], spec.include, spec.exclude),
                            parser_limits(config))
    evaluator = Evaluator(config, dt.date(2026, 11, 28))
    walked, _ = evaluator.walk(list(loaded.manifests))
    info = next(s for s in walked.steps if s.bulk_categories)
    built = evaluator.factory.bulk_for(info, "aws")
    searched = alternatives._bulk(built["records"], built["threshold"])
    assert set(searched) == set(built)
    assert searched["personal"] is True
