"""The reader on labelled real policies (../shared/data/policy_dev: Chinese and English app and web
policies with labels derived from human annotations; see its README). The texts never enter the
repository, so every test that reads them is marked `policy_dev` and skips when the folder is not
beside the checkout. The floors are issue 13's acceptance; scripts/eval_policy.py --dev prints the
tables."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scanner.policy.model import ThirdPartyDisclosure, ThirdPartyKind

REPO = Path(__file__).resolve().parent.parent
POLICY_DEV = REPO.parent / "shared" / "data" / "policy_dev"
sys.path.insert(0, str(REPO / "scripts"))

from eval_policy import (  # noqa: E402  (a developer script, not the package)
    DevEvaluation,
    Score,
    _annotated_found,
    dev_acceptance_failures,
    dev_sets,
    evaluate_dev_set,
)

SETS = ("appch", "ca4p", "mapp_en", "opp115")

UNMET: dict[str, str] = {
    "appch": "sms recall 0.29: 12 of the 17 positives are only 发送短信验证码, SMS marketing or"
    " 'we verify by SMS' sentences (being sent a message), which the folder's README and issue 13"
    " say are no SMS access; the 5 documents that read or auto-fill the code are all found",
    "mapp_en": "precision 0.90: the 5 false positives are sentences that do name device IDs or"
    " location (we will share your advertising identifier; device serial number; your"
    " geolocation is sent to Google) that the consolidated MAPP labels leave out",
    "opp115": "recall 0.85: the misses are zip codes, postal addresses and locale (labelled"
    " location in some policies and not in others: as terms they cost 5 false positives for 3"
    " hits) and web-beacon 'images' and video comments labelled photos",
}
"""Sets that miss issue 13's floors, and why: each is a disagreement between the set's labels and
the reader's definition of a category, recorded in docs/policy-accuracy.md. Strict xfail: the day
a set meets the floors, its entry must go."""

REACHED: dict[str, tuple[float, float]] = {
    "appch": (0.94, 0.94),
    "ca4p": (1.0, 0.97),
    "mapp_en": (0.89, 0.97),
    "opp115": (0.96, 0.84),
}
"""Per set, micro precision and recall measured after the issue 13 tuning, less 0.01: no change may
fall below them. appch precision is 0.952 (was 0.957): generic sensor information
(蓝牙和基站等传感器信息) now discloses sensors, which CA4P's annotators mark and APPCH's do not
(docs/policy-accuracy.md)."""


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


def test_an_annotated_party_is_found_as_the_company_of_a_named_sdk() -> None:
    bugly = ThirdPartyDisclosure("bugly", "Bugly", ThirdPartyKind.NAMED, "crash", (), "腾讯公司")
    assert _annotated_found("tencent", [bugly])
    alone = ThirdPartyDisclosure("bugly", "Bugly", ThirdPartyKind.NAMED, "crash", ())
    assert not _annotated_found("tencent", [alone])


def test_google_analytics_is_found_by_its_own_words() -> None:
    ga = ThirdPartyDisclosure(
        "google-analytics", "Google Analytics", ThirdPartyKind.NAMED, "analytics", ()
    )
    assert _annotated_found("google_analytics", [ga])
    ads = ThirdPartyDisclosure("admob", "Google", ThirdPartyKind.NAMED, "ads", ())
    assert not _annotated_found("google_analytics", [ads])
