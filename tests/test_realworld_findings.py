"""Findings on real apps, judged by hand: the labelled set of tests/realworld_apps/ (issue 10).

Every app is a real APK that scripts/fetch_real_world.py downloads; its policy and its labels
(the findings it must and must not produce, each with the evidence) sit next to each other in
tests/realworld_apps/. scripts/eval_findings.py prints precision and recall over the same set.

The scanner tests are expected to fail until the fixes of issue 10 land (library code counted as
the app's own, permission-blind and argument-blind matches): they are marked xfail, non-strict,
so that they report progress without breaking the suite. The label checks are not.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from realworld import FETCH_HINT, REAL_WORLD_DIR

from scanner.cli import main as cli_main
from scanner.compare.model import Finding, Rule, Severity
from scanner.pipeline import SignatureSet, load_signatures

pytestmark = pytest.mark.realworld

KNOWN_WRONG: dict[str, str] = {
    "atx-uiautomator": (
        "PS202 installed_apps (low): MiuiUtils.isIntentAvailable(Intent) resolves an Intent it "
        "receives as a parameter; the argument tracking is per method, so the intent is unknown "
        "and the call stays weak evidence (low) instead of none"
    ),
}
"""Apps whose labels the scanner still misses, each with why. strict: a fix must remove it."""

MIN_PRECISION = 0.90
MIN_RECALL = 0.90


def _slugs() -> list[object]:
    return [
        pytest.param(slug, marks=pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[slug]))
        if slug in KNOWN_WRONG
        else slug
        for slug in sorted(LABELS)
    ]


REPO = Path(__file__).resolve().parent.parent
MIN_APPS = 15


def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


EVAL = _load_script("eval_findings")
FETCH = _load_script("fetch_real_world")
LABELS = {lab.slug: lab for lab in EVAL.all_labels()}
CLEAN = sorted(slug for slug, lab in LABELS.items() if not lab.must)


def _apk(slug: str) -> Path:
    path: Path = REAL_WORLD_DIR / "apps" / LABELS[slug].app
    if not path.is_file():
        pytest.skip(f"real-world app {path.name!r} is not in {REAL_WORLD_DIR}: {FETCH_HINT}")
    return path


@cache
def _sigset() -> SignatureSet:
    return load_signatures()


@cache
def _findings(slug: str) -> tuple[Finding, ...]:
    _apk(slug)
    findings: tuple[Finding, ...] = EVAL.findings_for(LABELS[slug], _sigset())
    return findings


def _counted(slug: str) -> set[tuple[str, str, str | None]]:
    return {EVAL.key_of(f) for f in _findings(slug) if f.severity.rank >= Severity.LOW.rank}


# --------------------------------------------------------------------------- the labels


def test_the_set_has_enough_apps_and_one_with_nothing_to_disclose() -> None:
    assert len(LABELS) >= MIN_APPS
    assert CLEAN, "at least one app must have nothing to disclose against its policy"
    assert any(lab.must for lab in LABELS.values())
    assert len({lab.app for lab in LABELS.values()}) == len(LABELS), "one label file per APK"


@pytest.mark.parametrize("slug", sorted(LABELS))
def test_every_app_comes_from_a_package_the_fetch_script_downloads(slug: str) -> None:
    sources = {FETCH.source_of(pkg) for pkg in FETCH.PACKAGES}
    assert LABELS[slug].source in sources


def test_the_cache_manifest_records_each_labelled_app_with_its_source() -> None:
    manifest = REAL_WORLD_DIR / "manifest.json"
    if not manifest.is_file():
        pytest.skip(f"no {manifest}: {FETCH_HINT}")
    entries = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    recorded = {(e["name"], e["source"]) for e in entries if e["path"].startswith("apps/")}
    missing = [lab.app for lab in LABELS.values() if (lab.app, lab.source) not in recorded]
    assert not missing, f"{missing}: {FETCH_HINT}"


def test_a_label_file_without_reasons_or_with_contradictions_is_refused(tmp_path: Path) -> None:
    good = json.loads((EVAL.LABELS_DIR / "droidmon.labels.json").read_text(encoding="utf-8"))
    (tmp_path / "droidmon.policy.md").write_text("# p\n\nNothing.\n", encoding="utf-8")
    path = tmp_path / "droidmon.labels.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert EVAL.load_labels(path).must[0].subject == "storage"

    no_reason = json.loads(json.dumps(good))
    no_reason["must"][0]["reason"] = ""
    path.write_text(json.dumps(no_reason), encoding="utf-8")
    with pytest.raises(EVAL.LabelError, match="reason"):
        EVAL.load_labels(path)

    both = json.loads(json.dumps(good))
    both["must_not"].append(dict(good["must"][0]))
    path.write_text(json.dumps(both), encoding="utf-8")
    with pytest.raises(EVAL.LabelError, match="both must and must_not"):
        EVAL.load_labels(path)


def test_scoring_counts_low_and_above_and_every_unlabelled_finding_as_false() -> None:
    from scanner.compare import rules

    def finding(rule: Rule, subject: str, severity: Severity) -> Finding:
        return Finding(rule, severity, "message", subject, subject, None, (), ())

    lab = LABELS["droidmon"]  # must: PS201 storage
    produced = [
        finding(rules.UNDISCLOSED_PERMISSION, "storage", Severity.HIGH),
        finding(rules.UNDISCLOSED_BEHAVIOUR, "associated_startup", Severity.LOW),
        finding(rules.DISCLOSED_NOT_FOUND, "camera", Severity.INFO),
    ]
    got = EVAL.score(lab, produced)
    assert got.true_positives == (("PS201", "storage", None),)
    assert got.false_positives == (("PS202", "associated_startup", None),)
    assert got.forbidden == got.false_positives
    assert got.precision == 0.5 and got.recall == 1.0
    assert got.worst == "high"
    missed = EVAL.score(lab, produced[1:])
    assert missed.false_negatives == (("PS201", "storage", None),)
    assert missed.recall == 0.0


# --------------------------------------------------------------------------- the scanner


@pytest.mark.parametrize("slug", sorted(LABELS))
def test_every_true_finding_is_reported(slug: str) -> None:
    produced = _counted(slug)
    missing = [(lab.key, lab.reason) for lab in LABELS[slug].must if lab.key not in produced]
    assert not missing


@pytest.mark.parametrize("slug", _slugs())
def test_no_labelled_trap_is_reported(slug: str) -> None:
    produced = _counted(slug)
    wrong = [(lab.key, lab.reason) for lab in LABELS[slug].must_not if lab.key in produced]
    assert not wrong


@pytest.mark.parametrize("slug", _slugs())
def test_nothing_beyond_the_true_findings_is_reported(slug: str) -> None:
    must = {lab.key for lab in LABELS[slug].must}
    assert _counted(slug) <= must


@pytest.mark.parametrize("slug", CLEAN)
def test_an_app_with_nothing_to_disclose_passes_fail_on_high(slug: str) -> None:
    assert all(f.severity is Severity.INFO for f in _findings(slug))
    argv = ["scan", str(_apk(slug)), "--policy", str(LABELS[slug].policy), "--fail-on", "high"]
    assert cli_main([*argv, "--quiet"]) == 0


def test_precision_and_recall_over_the_whole_set() -> None:
    # The acceptance of issue 10: every finding of severity >= low judged against the labels.
    scores = [EVAL.score(LABELS[slug], _findings(slug)) for slug in sorted(LABELS)]
    total = EVAL.totals(scores)
    assert total.precision is not None and total.precision >= MIN_PRECISION, total
    assert total.recall is not None and total.recall >= MIN_RECALL, total


@pytest.mark.parametrize("slug", sorted(LABELS))
def test_unidentified_code_is_only_what_the_labels_identified_by_hand(slug: str) -> None:
    """PS403 (info) lists third-party code no signature names; each entry was identified by hand.
    A new signature may identify a labelled entry (it then leaves the list: fine), but nothing
    unlabelled may appear, and none of it may be the app's own or platform code."""
    produced = {(f.rule.id, f.subject) for f in _findings(slug) if f.rule.id == "PS403"}
    labelled = {(lab.rule, lab.subject) for lab in LABELS[slug].info}
    assert produced <= labelled
    platform = {"android", "androidx", "java", "javax", "kotlin", "kotlinx", "dalvik"}
    assert not any(s.split(".")[0] in platform for _rule, s in produced)


def test_the_labelled_unidentified_code_is_still_listed_across_the_set() -> None:
    """Most labelled entries are open-source libraries no SDK signature will claim: the list must
    not silently empty (a regression that hides third-party code would pass the subset test)."""
    produced = {
        (slug, f.subject) for slug in LABELS for f in _findings(slug) if f.rule.id == "PS403"
    }
    labelled = {(slug, lab.subject) for slug, labels in LABELS.items() for lab in labels.info}
    assert len(produced) >= 0.8 * len(labelled)
