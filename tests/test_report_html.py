"""The HTML report: escaping, self-containment, CSP, content; then in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import markupsafe
import pytest
from browser import find_chromium, open_page
from conftest import REPO, SHOP_POLICY, VIDEO_POLICY, sample_apk

from scanner.compare import audit
from scanner.compare.model import AuditResult, Finding, Rule, Severity
from scanner.model import (
    ApiAccess,
    CallSiteUse,
    CodeEvidenceKind,
    Evidence,
    OwnerKind,
    Strength,
)
from scanner.pipeline import scan_app
from scanner.policy import analyse_policy, load_policy
from scanner.policy.model import PolicyEvidence
from scanner.report.common import sdk_disclosure, term_parts
from scanner.report.html import render_html

SCREENSHOTS = REPO / ".cache" / "screenshots"
WHEN = "2025-01-02 03:04 UTC"

XSS_LABEL = "<script>alert(1)</script>&\"'"
XSS_VERSION = "1.0<i>"
XSS_META = '"><img src=x onerror=alert(2)>&amp;'

PROBE_RULE = Rule("PS999", "probe", Severity.MEDIUM, "Probe rule.", "Shows app strings.")


@cache
def real_audit(app: str, policy: Path | None) -> AuditResult:
    analysis = analyse_policy(load_policy(str(policy))) if policy else None
    return audit(scan_app(sample_apk(app)), analysis)


def xss_audit() -> AuditResult:
    """label-xss audited, plus one finding that quotes its hostile meta-data value."""
    result = real_audit("label-xss", SHOP_POLICY)
    meta = result.scan.inventory.meta_data[0]
    assert meta.value == XSS_META
    probe = Finding(
        rule=PROBE_RULE,
        severity=Severity.MEDIUM,
        message=f"meta-data {meta.name} is {meta.value}",
        subject=meta.name,
        category=None,
        sdk_id=None,
        app_evidence=(Evidence("meta_data", meta.name, meta.value, "AndroidManifest.xml"),),
        policy_evidence=(),
        searched_terms=("<b>term</b>",),
    )
    return replace(result, findings=(probe, *result.findings))


def esc(text: str) -> str:
    """Escaped as jinja2's autoescape does (quotes as &#34; / &#39;)."""
    return str(markupsafe.escape(text))


def page(result: AuditResult) -> str:
    return render_html(result, generated_at=WHEN)


# --------------------------------------------------------------------------- static checks


def test_app_strings_are_escaped_never_markup() -> None:
    out = page(xss_audit())
    identity = real_audit("label-xss", SHOP_POLICY).scan.inventory.identity
    assert identity.label == XSS_LABEL and identity.version_name == XSS_VERSION
    assert "<script>alert(1)" not in out
    assert "<img src=x" not in out
    assert "1.0<i>" not in out
    assert "<b>term</b>" not in out
    assert esc(XSS_LABEL) in out
    assert esc(XSS_META) in out
    assert "&lt;b&gt;term&lt;/b&gt;" in out
    # One script element, ours; no image, iframe, object or event handler attribute at all.
    assert len(re.findall(r"<script\b", out)) == 1
    assert not re.search(r"<(img|iframe|object|embed|link)\b", out)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", out, re.I)


def test_page_is_self_contained() -> None:
    for result in (
        real_audit("shopping-demo", SHOP_POLICY),
        real_audit("video-demo", VIDEO_POLICY),
    ):
        out = page(result)
        assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", out, re.I)
        assert not re.search(r"url\(|@import|@font-face", out, re.I)
        assert set(re.findall(r'href="([^"]*)"', out)) <= {
            "#findings",
            "#capabilities",
            "#sdks",
            "#accepted",
        }


def test_csp_allows_exactly_the_inline_script() -> None:
    out = page(real_audit("shopping-demo", SHOP_POLICY))
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', out)
    assert meta is not None
    csp = html.unescape(meta[1])
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["style-src"] == "'unsafe-inline'"
    found = re.search(r"<script>(.*?)</script>", out, re.S)
    assert found is not None
    script = found[1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert directives["script-src"] == f"'sha256-{digest}'"
    assert "img-src" not in directives and "connect-src" not in directives


def test_rendering_is_deterministic_and_dated_by_the_caller() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    first, second = page(result), page(result)
    assert first == second
    assert WHEN in first
    assert render_html(result, generated_at="another day") != first


def test_header_summary_and_every_finding_visible_without_js() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    out = page(result)
    ident = result.scan.inventory.identity
    for text in (ident.label, ident.package, ident.version_name, ident.sha256, str(SHOP_POLICY)):
        assert text and esc(text) in out
    cards = re.findall(r'<details class="finding sev-(\w+)" open', out)
    assert cards == [f.severity.value for f in result.findings]
    # the controls only appear when the script runs; without it they would do nothing
    assert re.search(r'<form class="filters" id="filters" hidden>', out)
    high = sum(f.severity is Severity.HIGH for f in result.findings)
    assert re.search(rf'class="count sev-high"[^>]*><span class="n">{high}</span>', out)
    assert ("<strong>Fail</strong>" in out) == any(
        f.severity.rank >= Severity.MEDIUM.rank for f in result.findings
    )


@pytest.mark.parametrize(
    ("app", "policy", "terms"),
    [
        ("shopping-demo", SHOP_POLICY, ("advertising and analytics partners",)),
        ("video-demo", VIDEO_POLICY, ("廣告商", "IP 地址推斷")),  # Traditional, as written
    ],
)
def test_policy_evidence_highlights_the_matched_term(
    app: str, policy: Path, terms: tuple[str, ...]
) -> None:
    result = real_audit(app, policy)
    out = page(result)
    quoted = [e for f in result.findings for e in f.policy_evidence]
    assert quoted, f"the {app} audit has findings with policy evidence"
    for term in terms:
        assert f"<mark>{esc(term)}</mark>" in out
    for ev in quoted:
        before, term, after = term_parts(ev)
        assert term and before + term + after == ev.text
        expected = f"{esc(before)}<mark>{esc(term)}</mark>{esc(after)}"
        assert expected in out


def test_term_split_uses_offsets_and_escapes_each_part() -> None:
    ev = PolicyEvidence(
        text="We read the <b>clipboard</b> & more clipboard",
        heading=None,
        start=100,
        end=145,
        term="clipboard",
        term_start=136,
        strength="sentence",
    )
    assert term_parts(ev) == ("We read the <b>clipboard</b> & more ", "clipboard", "")
    stale = replace(ev, term_start=3)
    assert term_parts(stale) == ("We read the <b>", "clipboard", "</b> & more clipboard")
    assert term_parts(replace(ev, term="camera")) == (ev.text, "", "")


def test_silent_policy_lists_the_searched_terms() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    silent = next(f for f in result.findings if not f.policy_evidence and f.searched_terms)
    out = page(result)
    card = out.split(f'id="finding-{silent.fingerprint}"', 1)[1].split("</details>", 1)[0]
    assert "The policy is silent" in card
    for term in silent.searched_terms[:12]:
        assert f"<code>{esc(term)}</code>" in card


def test_capability_matrix_and_sdk_table() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    out = page(result)
    row = out.split('id="cap-microphone"', 1)[1].split("</tr>", 1)[0]
    assert "android.permission.RECORD_AUDIO" in row
    assert "not mentioned" in row
    owners = {c.owner for c in result.scan.call_sites if c.category == "microphone"}
    if None in owners:
        assert '<span class="owner owner-app own">app' in row
    clipboard = out.split('id="cap-album"', 1)[1].split("</tr>", 1)[0]
    assert "disclosed" in clipboard and "<mark>" in clipboard

    statuses = {d.sdk_id: sdk_disclosure(result, d) for d in result.scan.sdks}
    assert statuses["alipay"] == "named"
    assert statuses["jcore"] == "not_disclosed"
    assert statuses["bugly"] == "generic"
    # A stub raises no SDK finding in compare, so the table does not call it undisclosed.
    assert statuses["wechat-opensdk"] == "not_required"
    for sdk_id, status in statuses.items():
        sdk_row = out.split(f'id="sdk-{sdk_id}"', 1)[1].split("</tr>", 1)[0]
        assert f"disclosure-{status}" in sdk_row


def _marked_audit() -> AuditResult:
    """shopping-demo plus three call sites the matrix must mark: dormant library code, weak
    evidence in obfuscated code (with a hostile argument constant), an SDK's strong call."""
    result = real_audit("shopping-demo", SHOP_POLICY)
    base = CallSiteUse(
        category="location_precise",
        api_class="android.location.LocationManager",
        api_method="getLastKnownLocation",
        access=ApiAccess.READ,
        caller_class="androidx.appcompat.app.TwilightManager",
        caller_method="getLastKnownLocationForProvider",
        caller_descriptor="(Ljava/lang/String;)Landroid/location/Location;",
        code_unit="classes.dex",
        evidence_kind=CodeEvidenceKind.INVOKE,
        owner_kind=OwnerKind.LIBRARY,
        library="androidx-appcompat",
        dormant=True,
        needs=("android.permission.ACCESS_FINE_LOCATION",),
    )
    obfuscated = replace(
        base,
        caller_class="e.n",
        caller_method="a",
        owner_kind=OwnerKind.UNKNOWN,
        library=None,
        dormant=False,
        strength=Strength.WEAK,
        argument=XSS_LABEL,
    )
    calls = (*result.scan.call_sites, base, obfuscated)
    scan = replace(result.scan, call_sites=calls)
    return replace(result, scan=scan)


def test_the_matrix_marks_owner_kind_dormant_code_and_weak_evidence() -> None:
    marked = _marked_audit()
    out = page(marked)
    row = out.split('id="cap-location_precise"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="owner owner-library">library: ' in row
    assert '<span class="owner owner-unknown">unknown: obfuscated \u00d71</span>' in row
    assert "owner unknown: the code is obfuscated" in row
    # The obfuscated read is active (not dormant, not library): the row needs disclosure.
    assert "nothing to disclose" not in row
    assert "dormant: the app does not request ACCESS_FINE_LOCATION" in row
    assert "dormant code: the app does not request ACCESS_FINE_LOCATION" in row
    assert '<span class="tag note">weak evidence</span>' in row
    calls = [c for c in marked.scan.call_sites if c.category == "location_precise"]
    active = [c for c in calls if not c.dormant and c.owner_kind != OwnerKind.LIBRARY]
    assert f"{len(calls)} call sites ({len(active)} active)" in row
    # The argument constant comes from the app: escaped, never markup.
    assert "<script>alert(1)" not in out
    assert esc(XSS_LABEL) in row


def test_the_matrix_shows_the_status_compare_reads_a_covering_disclosure_included() -> None:
    """READ_PHONE_STATE alone, the policy silent on phone state but disclosing device IDs: no
    finding, and the matrix says disclosed, as device identifiers (not 'not mentioned')."""
    from scanner.detect import capability_uses
    from scanner.signatures.catalog import capabilities

    result = real_audit("shopping-demo", SHOP_POLICY)
    assert result.policy is not None
    calls = tuple(c for c in result.scan.call_sites if c.category != "phone_state")
    scan = replace(
        result.scan,
        call_sites=calls,
        capabilities=capability_uses(
            capabilities(), result.scan.permissions, result.scan.startup, calls
        ),
    )
    silent = tuple(
        replace(d, status="not_mentioned", evidence=()) if d.category == "phone_state" else d
        for d in result.policy.categories
    )
    covered = audit(scan, replace(result.policy, categories=silent))
    assert not [f for f in covered.findings if f.subject == "phone_state"]
    row = page(covered).split('id="cap-phone_state"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="status status-disclosed">disclosed</span>' in row
    assert '<span class="muted covered-as">as device identifiers</span>' in row


def test_a_category_with_only_dormant_library_code_has_nothing_to_disclose() -> None:
    marked = _marked_audit()
    calls = tuple(c for c in marked.scan.call_sites if c.category != "location_precise")
    dormant = next(c for c in _marked_audit().scan.call_sites if c.dormant)
    scan = replace(marked.scan, call_sites=(*calls, dormant), permissions=(), capabilities=())
    out = page(audit(scan, marked.policy))
    row = out.split('id="cap-location_precise"', 1)[1].split("</tr>", 1)[0]
    assert "status-not_mentioned quiet" in row
    assert "nothing to disclose: no code or permission here can collect it" in row


def test_without_policy_the_page_says_so() -> None:
    out = page(real_audit("video-demo", None))
    assert "none given" in out
    assert "No discrepancy" in out
    assert "status-no_policy" in out


# --------------------------------------------------------------------------- in Chromium

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium)"
)

VISIBLE = (
    "Array.from(document.querySelectorAll('#finding-list .finding'))"
    ".filter(e => e.offsetParent !== null)"
)


def _open(tmp_path: Path, name: str, result: AuditResult) -> tuple[Path, str]:
    path = tmp_path / f"{name}.html"
    path.write_text(page(result), encoding="utf-8")
    return path, path.as_uri()


@needs_chromium
def test_in_chromium_no_request_no_error_and_filters_work(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    result = real_audit("shopping-demo", SHOP_POLICY)
    _, url = _open(tmp_path, "shopping-demo", result)
    with open_page(CHROMIUM) as tab:
        tab.goto(url)
        tab.screenshot(SCREENSHOTS / "shopping-demo.png")
        assert tab.run.requests == [url]
        assert tab.run.errors() == []
        assert tab.run.console == []

        dom = tab.dom()
        assert '<form class="filters" id="filters">' in dom  # the script ran and showed them
        n = len(result.findings)
        assert tab.evaluate(f"{VISIBLE}.length") == n
        assert tab.evaluate("document.getElementById('f-count').textContent") == f"{n} findings"

        medium = sum(f.severity is Severity.MEDIUM for f in result.findings)
        tab.evaluate(
            "(s => { s.value = 'medium'; s.dispatchEvent(new Event('change')); })"
            "(document.getElementById('f-severity'))"
        )
        assert tab.evaluate(f"{VISIBLE}.map(e => e.dataset.severity)") == ["medium"] * medium

        tab.evaluate(
            "(s => { s.value = ''; s.dispatchEvent(new Event('change')); })"
            "(document.getElementById('f-severity'))"
        )
        tab.evaluate(
            "(t => { t.value = 'RECORD_AUDIO'; t.dispatchEvent(new Event('input')); })"
            "(document.getElementById('f-text'))"
        )
        subjects = tab.evaluate(f"{VISIBLE}.map(e => e.dataset.subject)")
        assert subjects == ["microphone"]
        tab.evaluate(
            "(t => { t.value = 'no such words'; t.dispatchEvent(new Event('input')); })"
            "(document.getElementById('f-text'))"
        )
        assert tab.evaluate(f"{VISIBLE}.length") == 0
        assert tab.evaluate("document.getElementById('no-match').hidden") is False

        tab.evaluate(
            "(t => { t.value = ''; t.dispatchEvent(new Event('input')); })"
            "(document.getElementById('f-text'))"
        )
        tab.evaluate(
            "(s => { s.value = 'rule'; s.dispatchEvent(new Event('change')); })"
            "(document.getElementById('f-sort'))"
        )
        rules = tab.evaluate(f"{VISIBLE}.map(e => e.dataset.rule)")
        assert rules == sorted(f.rule.id for f in result.findings)

        # Print: filters hidden, filtered-out findings shown again.
        tab.evaluate(
            "(t => { t.value = 'no such words'; t.dispatchEvent(new Event('input')); })"
            "(document.getElementById('f-text'))"
        )
        tab.send("Emulation.setEmulatedMedia", media="print")
        assert (
            tab.evaluate("getComputedStyle(document.getElementById('filters')).display") == "none"
        )
        assert tab.evaluate(f"{VISIBLE}.length") == n
        tab.screenshot(SCREENSHOTS / "shopping-demo-print.png")
        assert tab.pdf().startswith(b"%PDF")
        tab.settle()
        assert tab.run.errors() == []
        assert tab.run.requests == [url]


@needs_chromium
def test_in_chromium_hostile_app_strings_stay_text(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    _, url = _open(tmp_path, "label-xss", xss_audit())
    with open_page(CHROMIUM) as tab:
        tab.goto(url)
        tab.screenshot(SCREENSHOTS / "label-xss.png")
        assert tab.run.requests == [url]
        assert tab.run.errors() == []
        counts = tab.evaluate(
            "['script', 'img', 'i', 'iframe', 'b']"
            ".map(t => document.getElementsByTagName(t).length)"
        )
        assert counts == [1, 0, 0, 0, 0]
        assert tab.evaluate("document.getElementById('app-label').textContent") == XSS_LABEL
        assert tab.evaluate("document.getElementById('app-version').textContent").startswith(
            XSS_VERSION
        )
        assert tab.evaluate("document.title") == f"privacy-scan: {XSS_LABEL}"
        shown = tab.evaluate("document.querySelector('.finding .ev-detail').textContent")
        assert shown == XSS_META
        dom = tab.dom()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
        assert "onerror=" not in dom.replace("onerror=alert(2)&gt;", "")
