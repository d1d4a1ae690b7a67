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

UNMET: dict[str, str] = {
    "appch": "sms recall 0.29: APPCH marks 发送短信验证码 and notification-channel sentences as the"
    " SMS group, which the folder's README and issue 13 say are no SMS access",
    "ca4p": "sensors recall 0.60: CA4P marks the boilerplate 'WLAN接入点、蓝牙和基站等传感器信息'"
    " (Wi-Fi, Bluetooth and cell towers called sensors), which the project corpus keeps as a"
    " trap that discloses no motion sensor",
    "mapp_en": "precision 0.90: the 5 false positives left are sentences that do name device IDs or"
    " location (we will share your advertising identifier; device serial number) that the"
    " consolidated MAPP labels leave out",
    "opp115": "recall 0.84: the misses are zip codes and postal addresses (labelled location in"
    " some policies and not in others: as terms they cost 5 false positives for 3 hits) and"
    " web-beacon 'images' labelled photos",
}
"""Sets that miss issue 13's floors, and why: each is a disagreement between the set's labels and
the reader's definition of a category, recorded in docs/policy-accuracy.md. Strict xfail: the day
a set meets the floors, its entry must go."""

REACHED: dict[str, tuple[float, float]] = {
    "appch": (0.95, 0.94),
    "ca4p": (1.0, 0.96),
    "mapp_en": (0.89, 0.97),
    "opp115": (0.96, 0.83),
}
"""Per set, micro precision and recall measured when issue 13 closed, less 0.01: no change may
fall below them."""


@pytest.fixture(scope="module", params=SETS)
def scored(request: pytest.FixtureRequest) -> DevEvaluation:
    folder = POLICY_DEV / request.param
    if not (folder / "labels.jsonl").is_file():
        pytest.skip(f"{folder} is absent (labelled real policies stay outside the repo)")
    return evaluate_dev_set(folder)


@pytest.mark.policy_dev
def test_every_set_meets_the_acceptance_floors(
    scored: DevEvaluation, request: pytest.FixtureRequest
) -> None:
    if scored.name in UNMET:
        request.applymarker(pytest.mark.xfail(reason=UNMET[scored.name], strict=True))
    assert scored.items >= 20
    assert dev_acceptance_failures(scored) == [], "\n".join(scored.mistakes)


@pytest.mark.policy_dev
def test_no_set_falls_below_what_the_reader_reached(scored: DevEvaluation) -> None:
    precision, recall = REACHED[scored.name]
    total = scored.overall()
    assert total.precision >= precision, "\n".join(scored.mistakes)
    assert total.recall >= recall, "\n".join(scored.mistakes)


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
