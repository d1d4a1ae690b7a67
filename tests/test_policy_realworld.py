"""The 15 policies of tests/realworld_apps/ read as their labels assume: every category a
`must_not` label calls disclosed is read as disclosed, and no category a `must` finding says the
policy is silent on is read at all. A misread here becomes a false finding (or hides a true one)
in tests/test_realworld_findings.py, so it is checked on its own, without the APKs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scanner.policy import analyse_policy, load_policy

FOLDER = Path(__file__).resolve().parent / "realworld_apps"
LABELS = sorted(FOLDER.glob("*.labels.json"))
_CATEGORY_RULES = ("PS201", "PS202")
_SAYS_DISCLOSED = re.compile(r"^disclosed\b|\bdisclosed \(|policy names", re.I)


def _labels(path: Path) -> dict[str, list[dict[str, str]]]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_labelled_set_is_there() -> None:
    assert len(LABELS) == 15


@pytest.mark.parametrize("labels_path", LABELS, ids=lambda p: p.name.split(".")[0])
def test_policy_reads_as_its_labels_assume(labels_path: Path) -> None:
    labels = _labels(labels_path)
    analysis = analyse_policy(load_policy(str(FOLDER / str(labels["policy"]))))
    status = {c.category: c.status for c in analysis.categories}
    silent = {m["subject"] for m in labels["must"] if m["rule"] in _CATEGORY_RULES}
    relied = {
        m["subject"]
        for m in labels["must_not"]
        if m["rule"] in _CATEGORY_RULES and _SAYS_DISCLOSED.search(m["reason"])
    }
    for category in silent:
        assert status[category] == "not_mentioned", (category, "the labels say it is silent")
    for category in relied:
        assert status[category] == "disclosed", (category, "the labels rely on it")
    named = {m["subject"] for m in labels["must"] if m["rule"] == "PS101"}
    assert not any(analysis.names_sdk(sdk) for sdk in named)


def test_apidemos_motion_sensors_are_read() -> None:
    """README "Not labelled yet": ApiDemos reads motion sensors and its policy says so in words;
    the motion_sensors category must read that, or it adds a false finding."""
    analysis = analyse_policy(load_policy(str(FOLDER / "apidemos.policy.md")))
    assert analysis.disclosure("motion_sensors").status == "disclosed"
    # and the policy's silence on location stays silence
    assert analysis.disclosure("location_coarse").status == "not_mentioned"
