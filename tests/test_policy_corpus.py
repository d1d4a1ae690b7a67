"""The labelled corpus (samples/policies/corpus/, 50 policies in en / zh-Hans / zh-Hant / mixed)
scores above thresholds. Measured when written: disclosures micro precision 1.00 / recall 0.99 on
all, 1.00 / 0.96 on the held-out part; the thresholds leave a little room, not a lot. The six
`*traps*` / `zhs_permission_table` items (issue 10) each fail on the reader before that fix."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from scanner.policy.vocabulary import category_ids

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "samples" / "policies" / "corpus"
sys.path.insert(0, str(REPO / "scripts"))

from eval_policy import corpus_items, evaluate  # noqa: E402  (a developer script, not the package)


def test_corpus_is_large_and_varied() -> None:
    items = corpus_items(CORPUS)
    assert len(items) >= 30
    labels = [json.loads(p.read_text(encoding="utf-8")) for _, p in items]
    languages = {lab["language"] for lab in labels}
    assert {"en", "zh-Hans", "zh-Hant"} <= languages
    assert {p.suffix for p, _ in items} >= {".txt", ".md", ".html"}
    assert sum(1 for lab in labels if lab["denied"]) >= 10
    assert sum(1 for lab in labels if lab["heading_only"]) >= 3
    assert sum(1 for lab in labels if lab["split"] == "holdout") >= 8
    texts = " ".join(p.read_text(encoding="utf-8") for p, _ in items)
    assert "SDK名称" in texts and "权限名称" in texts and "權限名稱" in texts
    for lab in labels:
        for key in ("disclosed", "denied", "heading_only"):
            assert set(lab[key]) <= set(category_ids())


@pytest.fixture(scope="module")
def everything():  # type: ignore[no-untyped-def]
    return evaluate(CORPUS)


def test_disclosure_precision_and_recall(everything) -> None:  # type: ignore[no-untyped-def]
    total = everything.overall()
    assert total.precision >= 0.95, everything.mistakes
    assert total.recall >= 0.95, everything.mistakes


def test_denials_headings_and_third_parties(everything) -> None:  # type: ignore[no-untyped-def]
    assert everything.denied.precision >= 0.95 and everything.denied.recall >= 0.9
    assert everything.heading_only.precision >= 0.8 and everything.heading_only.recall >= 0.8
    assert everything.sdks.precision >= 0.85 and everything.sdks.recall >= 0.9
    assert everything.generic.recall >= 0.8
    assert everything.language_correct == everything.items


def test_holdout() -> None:
    holdout = evaluate(CORPUS, "holdout")
    assert holdout.items >= 8
    assert holdout.overall().precision >= 0.9 and holdout.overall().recall >= 0.9
