"""The compare stage and the gate: findings on the fixture apps against their policies.

Every expectation runs on the in-repo policies written for the fixture apps; the ones that pin down
a policy's findings also run, behind the `seeds` marker, on the real seed policies those were
modelled on, so the two stay interchangeable."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest
from conftest import APKS, REPO, SHOP_POLICY, SHOP_SEED, VIDEO_POLICY, VIDEO_SEED, sample_apk

from scanner.cli import main
from scanner.compare import audit
from scanner.compare.model import AuditResult, Severity
from scanner.pipeline import scan_app
from scanner.policy import analyse_policy, load_policy, policy_from_text

GOLDEN = REPO / "tests" / "golden"
REGENERATE = os.environ.get("PRIVACY_SCAN_REGENERATE") == "1"
IOS_POLICY = REPO / "samples" / "policies" / "rakufun-shop-ios-policy.md"
IOS_APPS = {"shopping-demo-ios": REPO / "samples" / "ipa" / "shopping-demo.ipa"}
"""iOS fixture apps by golden name (samples/build_ipa.py)."""
GOLDEN_KEY = {
    SHOP_POLICY: "rakufun",
    VIDEO_POLICY: "viki",
    SHOP_SEED: "003",
    VIDEO_SEED: "000",
    IOS_POLICY: "rakufun-ios",
}
"""Policy -> the part of a golden file's name after the app: tests/golden/<app>__<key>.json."""

SHOP_POLICIES = [
    pytest.param(SHOP_POLICY, id="rakufun"),
    pytest.param(SHOP_SEED, marks=pytest.mark.seeds, id="seed-003"),
]
VIDEO_POLICIES = [
    pytest.param(VIDEO_POLICY, id="viki"),
    pytest.param(VIDEO_SEED, marks=pytest.mark.seeds, id="seed-000"),
]
POLICY_PAIRS = [
    pytest.param(SHOP_POLICY, VIDEO_POLICY, id="in-repo"),
    pytest.param(SHOP_SEED, VIDEO_SEED, marks=pytest.mark.seeds, id="seeds"),
]


@cache
def _audit(app: str, policy: Path) -> AuditResult:
    path = IOS_APPS.get(app) or (APKS / app if "." in app else sample_apk(app))
    return audit(scan_app(path), analyse_policy(load_policy(str(policy))))


def _summary(result: AuditResult) -> list[dict[str, object]]:
    """The stable part of each finding: what a golden file pins down."""
    return [
        {
            "rule": f"{f.rule.id} {f.rule.name}",
            "severity": f.severity.value,
            "subject": f.subject,
            "sdk": f.sdk_id,
            "fingerprint": f.fingerprint,
            "app_evidence": sorted({f"{e.kind}:{e.value}" for e in f.app_evidence}),
            "policy_evidence": len(f.policy_evidence),
        }
        for f in result.findings
    ]


def _cases(shop: Path, video: Path, marks: tuple[pytest.MarkDecorator, ...] = ()) -> list[object]:
    pairs = [
        ("shopping-demo", shop),
        ("video-demo", video),
        ("plain-notes", shop),
        ("plain-notes", video),
        ("shopping-demo-v2", shop),
        ("shopping-demo.aab", shop),
    ]
    return [
        pytest.param(app, policy, marks=marks, id=f"{app}-vs-{GOLDEN_KEY[policy]}")
        for app, policy in pairs
    ]


CASES = [
    *_cases(SHOP_POLICY, VIDEO_POLICY),
    pytest.param("shopping-demo-ios", IOS_POLICY, id="shopping-demo-ios-vs-rakufun-ios"),
    *_cases(SHOP_SEED, VIDEO_SEED, marks=(pytest.mark.seeds,)),
]


@pytest.mark.parametrize(("app", "policy"), CASES)
def test_golden_findings(app: str, policy: Path) -> None:
    golden = GOLDEN / f"{app}__{GOLDEN_KEY[policy]}.json"
    got = _summary(_audit(app, policy))
    if REGENERATE or not golden.exists():
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
        if not REGENERATE:
            pytest.fail(f"{golden.name} was missing and has been written: review and commit it")
    assert got == json.loads(golden.read_text())


def _non_info(result: AuditResult) -> set[tuple[str, str]]:
    return {(f.rule.id, f.subject) for f in result.findings if f.severity is not Severity.INFO}


@pytest.mark.parametrize("policy", SHOP_POLICIES)
def test_shopping_demo_reports_exactly_what_its_policy_leaves_out(policy: Path) -> None:
    assert _non_info(_audit("shopping-demo", policy)) == {
        ("PS101", "jcore"),  # JPush's core: undisclosed, active (IMSI, wakes other apps)
        ("PS101", "jpush"),  # undisclosed, idle in this build
        ("PS102", "umeng-analytics"),  # only "analytics partners"
        ("PS102", "bugly"),  # only "analytics partners", idle
        ("PS201", "location_precise"),  # ACCESS_FINE_LOCATION
        ("PS201", "microphone"),  # RECORD_AUDIO
        ("PS202", "installed_apps"),  # Umeng lists installed packages
    }


@pytest.mark.parametrize("policy", SHOP_POLICIES)
def test_nothing_is_reported_for_what_the_shop_policy_discloses(policy: Path) -> None:
    subjects = {f.subject for f in _audit("shopping-demo", policy).findings}
    disclosed = {
        "camera",
        "album",
        "storage",
        "phone_state",
        "device_id",
        "clipboard",
        "self_startup",
        "associated_startup",
        "alipay",
    }
    assert subjects & disclosed == set()


@pytest.mark.parametrize("policy", VIDEO_POLICIES)
def test_video_demo_against_its_policy(policy: Path) -> None:
    assert _non_info(_audit("video-demo", policy)) == {
        ("PS102", "appsflyer"),  # "advertising partners" only
        ("PS102", "google-advertising-id"),  # "advertising partners" only
        # Named only as a way to log in (以 Facebook 或 Google 帳戶登入): the vendor is named,
        # the SDK inside the app is not (PS103, low), never "not disclosed at all" (PS101).
        ("PS103", "facebook-login"),
        ("PS103", "google-sign-in"),
    }


@pytest.mark.parametrize("policy", [*SHOP_POLICIES, *VIDEO_POLICIES])
def test_app_without_sdks_gets_only_info(policy: Path) -> None:
    result = _audit("plain-notes", policy)
    assert result.findings
    assert {f.severity for f in result.findings} == {Severity.INFO}


def test_idle_sdk_is_less_severe_than_an_active_one() -> None:
    by = {f.subject: f for f in _audit("shopping-demo", SHOP_POLICY).findings}
    assert by["jcore"].severity is Severity.HIGH and by["jpush"].severity is Severity.MEDIUM
    assert by["umeng-analytics"].severity.rank > by["bugly"].severity.rank
    assert "no sensitive call" in by["bugly"].message


def test_clipboard_read_is_attributed_to_the_sdk_that_does_it() -> None:
    scan = _audit("shopping-demo", SHOP_POLICY).scan
    readers = {c.owner for c in scan.call_sites if c.category == "clipboard" and c.access == "read"}
    assert readers == {None, "umeng-analytics"}
    writes = scan_app(sample_apk("plain-notes")).call_sites
    assert [(c.category, c.access) for c in writes] == [("clipboard", "write")]


def test_undisclosed_behaviour_names_the_sdk() -> None:
    text = "We collect your device identifiers and share data with analytics partners."
    result = audit(scan_app(sample_apk("shopping-demo")), analyse_policy(policy_from_text(text)))
    clip = [f for f in result.findings if f.rule.id == "PS202" and f.subject == "clipboard"]
    assert {f.sdk_id for f in clip} == {None, "umeng-analytics"}
    umeng = next(f for f in clip if f.sdk_id == "umeng-analytics")
    assert umeng.message.startswith("Umeng") and umeng.severity is Severity.HIGH
    assert umeng.searched_terms, "a silent policy must show what was searched for"
    assert any("ClipboardHelper.readShareCode" in e.value for e in umeng.app_evidence)


def test_a_denial_contradicted_by_the_app_is_high() -> None:
    text = "Privacy.\nWe do not read your clipboard. We collect your device ID."
    result = audit(scan_app(sample_apk("shopping-demo")), analyse_policy(policy_from_text(text)))
    denied = [f for f in result.findings if f.rule.id == "PS301"]
    assert [f.subject for f in denied] == ["clipboard"]
    assert denied[0].severity is Severity.HIGH and denied[0].policy_evidence
    assert "clipboard" in denied[0].policy_evidence[0].text
    assert not [f for f in _audit("shopping-demo", SHOP_POLICY).findings if f.rule.id == "PS301"]


@pytest.mark.parametrize(("shop_policy", "video_policy"), POLICY_PAIRS)
def test_rules_positive_and_negative(shop_policy: Path, video_policy: Path) -> None:
    shop = {(f.rule.id, f.subject) for f in _audit("shopping-demo", shop_policy).findings}
    plain = {(f.rule.id, f.subject) for f in _audit("plain-notes", shop_policy).findings}
    video = {(f.rule.id, f.subject) for f in _audit("video-demo", video_policy).findings}
    assert ("PS101", "jpush") in shop and ("PS101", "alipay") not in shop
    assert ("PS102", "umeng-analytics") in shop and ("PS102", "jcore") not in shop
    assert ("PS103", "google-sign-in") in video and ("PS101", "google-sign-in") not in video
    assert ("PS101", "appsflyer") not in video
    assert ("PS201", "location_precise") in shop and ("PS201", "camera") not in shop
    assert ("PS202", "installed_apps") in shop and ("PS202", "clipboard") not in shop
    assert ("PS401", "camera") in plain and ("PS401", "camera") not in shop
    assert ("PS402", "alipay") in plain and ("PS402", "alipay") not in shop


def _finding_set(result: AuditResult) -> set[tuple[str, str, str, str | None, str]]:
    return {
        (f.rule.id, f.severity.value, f.subject, f.sdk_id, f.fingerprint) for f in result.findings
    }


@pytest.mark.seeds
@pytest.mark.parametrize(
    ("app", "in_repo", "seed"),
    [
        ("shopping-demo", SHOP_POLICY, SHOP_SEED),
        ("shopping-demo-v2", SHOP_POLICY, SHOP_SEED),
        ("plain-notes", SHOP_POLICY, SHOP_SEED),
        ("video-demo", VIDEO_POLICY, VIDEO_SEED),
        ("plain-notes", VIDEO_POLICY, VIDEO_SEED),
    ],
)
def test_in_repo_policy_gives_the_findings_of_its_seed(app: str, in_repo: Path, seed: Path) -> None:
    # Only the number of quoted sentences may differ: the texts are different, the facts are not.
    assert _finding_set(_audit(app, in_repo)) == _finding_set(_audit(app, seed))


def test_without_a_policy_there_are_no_findings() -> None:
    assert audit(scan_app(sample_apk("shopping-demo")), None).findings == ()


def test_fingerprints_survive_a_new_release() -> None:
    v1 = {
        (f.rule.id, f.subject): f.fingerprint for f in _audit("shopping-demo", SHOP_POLICY).findings
    }
    v2 = {
        (f.rule.id, f.subject): f.fingerprint
        for f in _audit("shopping-demo-v2", SHOP_POLICY).findings
    }
    assert v1[("PS101", "jcore")] == v2[("PS101", "jcore")]
    assert len(set(v1.values())) == len(v1)


# ---------------------------------------------------------------- the gate (CLI)


def _scan(*args: str) -> int:
    return main(["scan", *args, "-q"])


def test_fail_on_high_and_exit_zero() -> None:
    app = str(sample_apk("shopping-demo"))
    assert _scan(app, "--policy", str(SHOP_POLICY)) == 1
    assert _scan(app, "--policy", str(SHOP_POLICY), "--fail-on", "high") == 1
    assert _scan(app, "--policy", str(SHOP_POLICY), "--exit-zero") == 0
    plain = str(sample_apk("plain-notes"))
    assert _scan(plain, "--policy", str(SHOP_POLICY)) == 0
    assert _scan(plain, "--policy", str(SHOP_POLICY), "--fail-on", "info") == 1


def test_baseline_accepts_findings_once_justified(tmp_path: Path) -> None:
    app, bl = str(sample_apk("shopping-demo")), tmp_path / "baseline.json"
    assert _scan(app, "--policy", str(SHOP_POLICY), "--write-baseline", str(bl)) == 1
    # Written with a placeholder: refused until someone says why.
    assert _scan(app, "--policy", str(SHOP_POLICY), "--baseline", str(bl)) == 2
    doc = json.loads(bl.read_text())
    for entry in doc["accepted"]:
        entry["justification"] = "Disclosure update scheduled for 2.4 (PRIV-12)."
    bl.write_text(json.dumps(doc))
    out = tmp_path / "out.json"
    assert _scan(app, "--policy", str(SHOP_POLICY), "--baseline", str(bl), "--json", str(out)) == 0
    result = json.loads(out.read_text())
    assert result["findings"] == [] and len(result["suppressed"]) == len(doc["accepted"])
    # The same baseline on the next release: only what v2 adds remains.
    v2 = str(sample_apk("shopping-demo-v2"))
    assert _scan(v2, "--policy", str(SHOP_POLICY), "--baseline", str(bl), "--json", str(out)) == 1
    remaining = {f["subject"] for f in json.loads(out.read_text())["findings"]}
    assert "pangle-csj" in remaining and "jcore" not in remaining


def test_compare_to_lists_the_new_sdk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "v1.json"
    assert main(["scan", str(sample_apk("shopping-demo")), "--json", str(old), "-q"]) == 0
    capsys.readouterr()
    main(["scan", str(sample_apk("shopping-demo-v2")), "--compare-to", str(old), "--exit-zero"])
    out = capsys.readouterr().out
    assert "New SDKs" in out and "pangle-csj" in out
    assert "ACCESS_COARSE_LOCATION" in out


def test_diff_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v1, v2 = str(sample_apk("shopping-demo")), str(sample_apk("shopping-demo-v2"))
    assert main(["diff", v1, v2]) == 1
    assert "pangle-csj" in capsys.readouterr().out
    assert main(["diff", v1, v1]) == 0
    assert "nothing added" in capsys.readouterr().out
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    assert main(["diff", str(bad), v1]) == 2


def test_configuration_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".privacy-scan.toml").write_text(
        f'policy = "{SHOP_POLICY}"\nfail_on = "medium"\njson = "result.json"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert _scan(str(sample_apk("plain-notes"))) == 0
    assert json.loads((tmp_path / "result.json").read_text())["policy"] is not None
    assert _scan(str(sample_apk("shopping-demo"))) == 1
    (tmp_path / ".privacy-scan.toml").write_text('polcy = "typo.txt"\n')
    assert _scan(str(sample_apk("plain-notes"))) == 2


def test_pyproject_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n[tool.privacy-scan]\npolicy = "{SHOP_POLICY}"\nexit-zero = true\n'
    )
    monkeypatch.chdir(tmp_path)
    assert _scan(str(sample_apk("shopping-demo")), "--json", "out.json") == 0
    assert json.loads((tmp_path / "out.json").read_text())["findings"]


def test_associated_startup_from_code_alone_is_medium_and_from_the_manifest_high() -> None:
    text = "We collect your device identifiers and read the clipboard for share codes."
    result = audit(scan_app(sample_apk("shopping-demo")), analyse_policy(policy_from_text(text)))
    assoc = {f.sdk_id: f for f in result.findings if f.subject == "associated_startup"}
    # JCore both declares exported push services (manifest) and calls startService (code).
    assert assoc["jcore"].severity is Severity.HIGH
    kinds = {e.kind for e in assoc["jcore"].app_evidence}
    assert {"intent_filter", "call_site"} <= kinds


def test_code_only_associated_startup_is_high_with_a_named_target_and_low_without() -> None:
    """jcore's AssociatedLauncher starts partner apps' services. With the other app's package
    named (the constant reaching setPackage / setClassName) that is strong evidence; with the
    target unknown it may start the app's own component: weak, low at most."""
    from dataclasses import replace

    from scanner.detect import capability_uses
    from scanner.model import Strength
    from scanner.signatures.catalog import capabilities

    scan = scan_app(sample_apk("shopping-demo"))
    startup = tuple(s for s in scan.startup if s.kind != "associated_startup")
    text = "We collect your device identifiers and read the clipboard for share codes."
    policy = analyse_policy(policy_from_text(text))

    def severities(argument: str | None, strength: Strength) -> list[tuple[str | None, Severity]]:
        calls = tuple(
            replace(c, argument=argument, strength=strength)
            if c.category == "associated_startup"
            else c
            for c in scan.call_sites
        )
        # The roll-up per category is computed in detect; rebuild it for the edited scan.
        uses = capability_uses(capabilities(), scan.permissions, startup, calls)
        code_only = replace(scan, startup=startup, call_sites=calls, capabilities=uses)
        found = audit(code_only, policy).findings
        return [(f.sdk_id, f.severity) for f in found if f.subject == "associated_startup"]

    assert severities("com.example.partner.weather", Strength.STRONG) == [("jcore", Severity.HIGH)]
    assert severities(None, Strength.WEAK) == [("jcore", Severity.LOW)]
