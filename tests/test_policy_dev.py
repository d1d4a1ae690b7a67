"""The reader on labelled real policies (../shared/data/policy_dev: Chinese and English app and web
policies with labels derived from human annotations; see its README). The texts never enter the
repository, so every test that reads them is marked `policy_dev` and skips when the folder is not
beside the checkout. The floors are issue 13's acceptance; scripts/eval_policy.py --dev prints the
tables."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
POLICY_DEV = REPO.parent / "shared" / "data" / "policy_dev"
sys.path.insert(0, str(REPO / "scripts"))

from eval_policy import (  # noqa: E402  (a developer script, not the package)
    DevEvaluation,
    Score,
    dev_acceptance_failures,
    dev_sets,
    evaluate_dev_set,
)

SETS = ("appch", "ca4p", "mapp_en", "opp115")


@pytest.fixture(scope="module", params=SETS)
def scored(request: pytest.FixtureRequest) -> DevEvaluation:
    folder = POLICY_DEV / request.param
    if not (folder / "labels.jsonl").is_file():
        pytest.skip(f"{folder} is absent (labelled real policies stay outside the repo)")
    return evaluate_dev_set(folder)


@pytest.mark.policy_dev
def test_every_set_meets_the_acceptance_floors(scored: DevEvaluation) -> None:
    assert scored.items >= 20
    assert dev_acceptance_failures(scored) == [], "\n".join(scored.mistakes)


@pytest.mark.policy_dev
def test_sets_are_found_under_the_folder() -> None:
    if not POLICY_DEV.is_dir():
        pytest.skip(f"{POLICY_DEV} is absent (labelled real policies stay outside the repo)")
    assert [p.name for p in dev_sets(POLICY_DEV)] == sorted(SETS)


def test_floors_fail_a_set_below_them() -> None:
    # The gate itself, on made-up counts, so it cannot pass vacuously.
    ev = DevEvaluation(name="made-up", items=1)
    ev.precision_scored = {"sms"}
    ev.scores["sms"] = Score(tp=9, fp=2, fn=3)
    failures = dev_acceptance_failures(ev)
    assert any("precision" in f for f in failures)
    assert any("micro recall" in f for f in failures)
    assert any("sms recall" in f for f in failures)
    ev.scores["sms"] = Score(tp=20, fp=0, fn=1)
    assert dev_acceptance_failures(ev) == []
