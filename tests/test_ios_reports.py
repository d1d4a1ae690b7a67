"""Every report shows an iOS app's own evidence: usage keys with their prompt text, privacy
manifest entries, imported APIs; the HTML one checked in headless Chromium too."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from browser import find_chromium, open_page

from scanner.compare import audit
from scanner.compare.model import AuditResult
from scanner.pipeline import scan_app
from scanner.policy import analyse_policy, load_policy
from scanner.report.html import render_html
from scanner.report.json_report import render_audit_json
from scanner.report.markdown import render_markdown
from scanner.report.sarif import render_sarif

REPO = Path(__file__).resolve().parent.parent
IPA = REPO / "samples" / "ipa" / "shopping-demo.ipa"
IOS_POLICY = REPO / "samples" / "policies" / "rakufun-shop-ios-policy.md"
APK = REPO / "samples" / "apks" / "shopping-demo.apk"
SHOP_POLICY = REPO / "samples" / "policies" / "rakufun-shop-policy.md"
CAMERA_PROMPT = "Scan a product code or take a photo for your review."
SCREENSHOTS = REPO / ".cache" / "screenshots"
WHEN = "2025-01-02 03:04 UTC"


@cache
def _audit(app: Path = IPA, policy: Path = IOS_POLICY) -> AuditResult:
    return audit(scan_app(app), analyse_policy(load_policy(str(policy))))


def test_json_has_the_ios_section_and_validates() -> None:
    doc = json.loads(render_audit_json(_audit()))
    schema = json.loads((REPO / "reports" / "schema" / "scan-result.schema.json").read_text())
    jsonschema.validate(doc, schema)
    usage = {u["key"]: u["text"] for u in doc["ios"]["usage_descriptions"]}
    assert usage["NSCameraUsageDescription"] == CAMERA_PROMPT
    assert {c["evidence_kind"] for c in doc["call_sites"]} == {"macho_import"}
    manifests = {m["path"].rsplit("/", 2)[-2]: m for m in doc["ios"]["privacy_manifests"]}
    assert manifests["AppsFlyerLib.framework"]["tracking"] is True


def test_an_android_report_has_no_ios_section() -> None:
    doc = json.loads(render_audit_json(_audit(APK, SHOP_POLICY)))
    assert "ios" not in doc
    assert "iOS declarations" not in render_html(_audit(APK, SHOP_POLICY), generated_at=WHEN)
    assert "iOS declarations" not in render_markdown(_audit(APK, SHOP_POLICY))


def test_sarif_carries_usage_text_and_manifest_entries() -> None:
    doc = json.loads(render_sarif(_audit()))
    logical = [
        loc
        for r in doc["runs"][0]["results"]
        for loc in r["locations"][0].get("logicalLocations", ())
    ]
    kinds = {loc["properties"]["evidenceKind"] for loc in logical}
    assert {"usage_description", "privacy_manifest", "imported_symbol"} <= kinds
    contacts = next(
        loc for loc in logical if loc["fullyQualifiedName"] == "NSContactsUsageDescription"
    )
    assert contacts["properties"]["detail"] == "Invite friends from your contacts to Rakufun."
    assert contacts["properties"]["location"] == "Payload/RakufunShop.app/Info.plist"


def test_markdown_lists_usage_keys_and_manifests() -> None:
    md = render_markdown(_audit())
    assert "#### iOS declarations" in md
    assert "`NSCameraUsageDescription` (camera): “Scan a product code" in md
    assert "PurchaseHistory \\(AppFunctionality, Analytics, linked\\)" in md
    assert "required-reason APIs UserDefaults\\: CA92.1" in md


def test_html_shows_usage_keys_and_manifests() -> None:
    out = render_html(_audit(), generated_at=WHEN)
    assert '<section id="ios">' in out
    assert CAMERA_PROMPT in out
    assert "attribution.appsflyer-demo.example" in out
    assert "FileTimestamp: C617.1" in out


CHROMIUM = find_chromium()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_in_chromium_the_ios_report_renders_without_requests_or_errors(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    result = _audit()
    path = tmp_path / "ios.html"
    path.write_text(render_html(result, generated_at=WHEN), encoding="utf-8")
    url = path.as_uri()
    with open_page(CHROMIUM) as tab:
        tab.goto(url)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(SCREENSHOTS / "shopping-demo-ios.png")
        assert tab.run.requests == [url]
        assert tab.run.errors() == []
        assert tab.run.console == []
        rows = tab.evaluate(
            "Array.from(document.querySelectorAll('#ios .ios-usage tbody tr'))"
            ".map(r => r.querySelector('th').textContent)"
        )
        assert rows == [u.key for u in result.scan.inventory.ios.usage_descriptions]  # type: ignore[union-attr]
        prompt = tab.evaluate(
            "document.querySelector('#usage-NSCameraUsageDescription td').textContent"
        )
        assert prompt == CAMERA_PROMPT
        assert tab.evaluate("document.querySelectorAll('#ios .ios-manifest').length") == 2
        visible = tab.evaluate(
            "Array.from(document.querySelectorAll('#finding-list .finding'))"
            ".filter(e => e.offsetParent !== null).map(e => e.dataset.rule)"
        )
        assert sorted(visible) == sorted(f.rule.id for f in result.findings)
        # The capability matrix lists the binaries' imports as call sites.
        calls = tab.evaluate("document.querySelector('#cap-location_precise .calls').textContent")
        assert "CLLocationManager.startUpdatingLocation" in calls
