"""A policy that names a category only in another sense (a copyright clause, an SMS verification
code) does not disclose it, and the finding says so, quoting what was read: a reviewer sees that
the sentence was read and why it does not count."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from scanner.cli import main

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "samples" / "apks" / "shopping-demo.apk"
SCHEMA = ROOT / "reports" / "schema" / "scan-result.schema.json"

POLICY = """# Privacy policy

We collect your location to show nearby stores.

All photos & audio recordings published in the app are protected by copyright <and> belong to
their authors.
"""


def _scan(tmp_path: Path, policy: str) -> tuple[dict[str, object], str]:
    text = tmp_path / "policy.md"
    text.write_text(policy, encoding="utf-8")
    out, html = tmp_path / "out.json", tmp_path / "out.html"
    args = ["scan", str(APP), "--policy", str(text), "--json", str(out), "--html", str(html)]
    assert main([*args, "-q", "--exit-zero"]) == 0
    return json.loads(out.read_text(encoding="utf-8")), html.read_text(encoding="utf-8")


def _findings(doc: dict[str, object]) -> dict[str, dict[str, object]]:
    found = doc["findings"]
    assert isinstance(found, list)
    return {f["category"]: f for f in found if f["rule"]["id"] == "PS201"}


def test_a_category_named_only_in_a_copyright_clause_gets_its_finding_with_the_quote(
    tmp_path: Path,
) -> None:
    doc, html = _scan(tmp_path, POLICY)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    ps201 = _findings(doc)
    album = ps201["album"]
    assert album["severity"] == "high"
    assert "only in a copyright or intellectual-property clause (“photos”)" in str(album["message"])
    (quote,) = album["policy_evidence"]  # type: ignore[misc]
    assert quote["polarity"] == "other_sense" and quote["reason"] == "copyright"
    assert quote["text"].startswith("All photos & audio recordings")
    assert "(“audio recordings”)" in str(ps201["microphone"]["message"])
    # The camera is not named at all: the plain wording, nothing quoted.
    assert str(ps201["camera"]["message"]).endswith("is not disclosed by the policy.")
    assert ps201["camera"]["policy_evidence"] == []
    statuses = {c["category"]: c["status"] for c in doc["policy"]["categories"]}  # type: ignore[index]
    assert statuses["album"] == statuses["microphone"] == "other_sense"
    assert statuses["camera"] == "not_mentioned"
    # The HTML card says why the quote is no disclosure, and escapes the policy's text.
    assert "no disclosure</strong>: names it only in a copyright" in html
    assert "&amp; audio recordings" in html and "&lt;and&gt;" in html
    assert "<and>" not in html


def test_a_real_disclosure_elsewhere_wins_over_the_other_sense(tmp_path: Path) -> None:
    disclosed = (
        POLICY + "\nWith your permission the app reads photos from your album to upload them.\n"
    )
    doc, _ = _scan(tmp_path, disclosed)
    assert "album" not in _findings(doc)
    statuses = {c["category"]: c["status"] for c in doc["policy"]["categories"]}  # type: ignore[index]
    assert statuses["album"] == "disclosed"
