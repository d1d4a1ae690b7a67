"""End to end on samples/apks/traps-demo.apk: the code shapes behind false findings on real apps
(issue 10) give exactly the findings a reviewer would judge true, against a policy that discloses
none of them. samples/README.md says why for each trap."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import sample_apk

from scanner.compare import audit
from scanner.compare.model import AuditResult, Severity
from scanner.model import OwnerKind
from scanner.pipeline import load_signatures, scan_app
from scanner.policy import analyse_policy, policy_from_text

SILENT_POLICY = "# Privacy policy\n\nWe collect your e-mail address to create your account.\n"


@pytest.fixture(scope="module")
def outcome() -> AuditResult:
    sigs = load_signatures()
    scan = scan_app(sample_apk("traps-demo"), sigs)
    policy = analyse_policy(policy_from_text(SILENT_POLICY, source="silent.md"), sigs.signatures)
    return audit(scan, policy, sigs.signatures)


def test_the_true_findings_and_nothing_else(outcome: AuditResult) -> None:
    got = {(f.severity, f.rule.id, f.subject, f.sdk_id) for f in outcome.findings}
    assert got == {
        # DeviceInfo.androidId reads Settings.Secure "android_id": needs no permission.
        (Severity.HIGH, "PS202", "device_id", None),
        # Launcher.wakeOtherApp: setPackage("com.other.app") + startService.
        (Severity.HIGH, "PS202", "associated_startup", None),
        # AppLister.installed: getInstalledPackages(0).
        (Severity.HIGH, "PS202", "installed_apps", None),
        # An AMap key in the manifest and no AMap code: declared, not embedded.
        (Severity.INFO, "PS101", "amap", "amap"),
    }


@pytest.mark.parametrize(
    "category",
    ["location_precise", "location_coarse", "microphone", "self_startup", "clipboard"],
)
def test_no_finding_from_library_dormant_or_undelivered_code(
    outcome: AuditResult, category: str
) -> None:
    # TwilightManager and its R8 twin e.n (library, and no location permission), AudioRecord
    # without RECORD_AUDIO, a BOOT_COMPLETED receiver without RECEIVE_BOOT_COMPLETED.
    assert not [f for f in outcome.findings if f.category == category]


def test_the_inventory_still_lists_what_raised_nothing(outcome: AuditResult) -> None:
    sites = outcome.scan.call_sites
    twilight = [s for s in sites if s.caller_class == "androidx.appcompat.app.TwilightManager"]
    assert twilight and all(s.owner_kind is OwnerKind.LIBRARY for s in twilight)
    renamed = [s for s in sites if s.caller_class == "e.n"]
    assert renamed and all(s.owner_kind is OwnerKind.LIBRARY for s in renamed)
    audio = [s for s in sites if s.category == "microphone"]
    assert audio and all(s.dormant for s in audio)
    assert any("RECORD_AUDIO" in p for s in audio for p in s.needs)
    assert not [s for s in sites if s.argument == "enabled_notification_listeners"]
    own = [
        s for s in sites if s.category == "associated_startup" and s.argument == "org.example.traps"
    ]
    assert not own, "a target in the app's own package is no associated startup"


def test_the_key_only_sdk_is_declared_not_present(outcome: AuditResult) -> None:
    amap = next(s for s in outcome.scan.sdks if s.sdk_id == "amap")
    assert amap.status == "declared" and amap.class_count == 0


def test_a_policy_disclosing_them_leaves_only_info(tmp_path: Path) -> None:
    text = (
        "# Privacy policy\n\nWe read your device identifier (Android ID), the list of installed "
        "apps, and we may start or wake other apps (associated startup) to deliver messages.\n"
    )
    sigs = load_signatures()
    scan = scan_app(sample_apk("traps-demo"), sigs)
    result = audit(scan, analyse_policy(policy_from_text(text, source="p.md")), sigs.signatures)
    assert all(f.severity is Severity.INFO for f in result.findings), [
        (f.rule.id, f.subject) for f in result.findings
    ]
