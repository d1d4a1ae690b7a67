"""Audit result → one self-contained HTML page (no network request, works offline, prints well).

Everything shown comes from the app or its policy, both written by someone else: an APK's label,
class names and meta-data values are attacker-controlled. The jinja2 environment therefore has
autoescape on and `StrictUndefined`, and no app or policy string is ever marked safe; the only
markup inserted verbatim is our own CSS and JS from `reports/assets/`. Policy sentences are split
around the matched term in Python and each part is escaped by the template, so highlighting never
builds HTML out of policy text.

The page is deterministic: the caller passes the scan date (`generated_at`), so the same audit
gives the same bytes, and the inline script is allowed by its sha256 hash rather than a nonce.

Some helpers here (SDK disclosure status, evidence wording, term splitting) are shared by the
Markdown and SARIF renderers.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import jinja2
from markupsafe import Markup

from scanner import __version__
from scanner.catalog import capabilities, sdk_taxonomy
from scanner.compare import rules
from scanner.compare.model import AuditResult, Finding, Severity
from scanner.model import CallSiteUse, Evidence, SdkDetection, StartupBehaviour
from scanner.policy.model import CategoryDisclosure, PolicyEvidence
from scanner.resources import data_dir
from scanner.severity import DEFAULT_FAIL_ON

SdkDisclosure = Literal["named", "vendor", "generic", "not_disclosed", "no_policy"]

SEVERITIES_HIGH_FIRST: tuple[Severity, ...] = tuple(
    sorted(Severity, key=lambda s: s.rank, reverse=True)
)

SDK_DISCLOSURE_LABEL: dict[str, str] = {
    "named": "named",
    "vendor": "vendor only",
    "generic": "generic only",
    "not_disclosed": "not disclosed",
    "no_policy": "no policy",
}

CATEGORY_STATUS_LABEL: dict[str, str] = {
    "disclosed": "disclosed",
    "denied": "denied",
    "heading_only": "heading only",
    "not_mentioned": "not mentioned",
    "no_policy": "no policy",
}

CALL_SITE_KINDS = frozenset(
    {"call_site", "invoke", "field_read", "reflection_string", "const_string"}
)
"""Evidence kinds that stand for a place in the code (caller → API)."""

_EVIDENCE_LABEL = {
    "class_package": "classes",
    "native_library": "native library",
    "jni_class": "JNI class",
    "objc_class": "Objective-C class",
    "component": "component",
    "meta_data": "meta-data",
    "asset": "asset",
    "permission": "permission",
    "intent_filter": "intent filter",
    "call_site": "call site",
    "invoke": "call site",
    "field_read": "content URI read",
    "reflection_string": "API named in a string",
    "const_string": "constant string",
}

MAX_LISTED_CALL_SITES = 25
"""Per matrix cell; the findings list every call site their rule cites."""


# --------------------------------------------------------------------------- shared helpers


_SDK_RULE_DISCLOSURE: dict[str, SdkDisclosure] = {
    rules.SDK_VENDOR_ONLY.id: "vendor",
    rules.SDK_GENERIC_ONLY.id: "generic",
    rules.UNDISCLOSED_SDK.id: "not_disclosed",
}


def sdk_disclosure(audit: AuditResult, sdk: SdkDetection) -> SdkDisclosure:
    """How the policy discloses `sdk`: by name, by its vendor only, only as a generic kind of
    partner, or not at all. The compare stage's verdict wins when it reported on the SDK."""
    policy = audit.policy
    if policy is None:
        return "no_policy"
    if policy.names_sdk(sdk.sdk_id):
        return "named"
    reported = [f for f in audit.findings if f.sdk_id == sdk.sdk_id]
    reported += [f for f, _ in audit.suppressed if f.sdk_id == sdk.sdk_id]
    for f in reported:
        if f.rule.id in _SDK_RULE_DISCLOSURE:
            return _SDK_RULE_DISCLOSURE[f.rule.id]
    if set(sdk_taxonomy().covering(sdk.category)) & policy.generic_categories():
        return "generic"
    return "not_disclosed"


def term_parts(ev: PolicyEvidence) -> tuple[str, str, str]:
    """`ev.text` split into (before, term, after) around the matched term.

    Uses the offsets when they agree with the text, else the first case-insensitive occurrence;
    when the term cannot be found, the whole text is `before` and nothing is highlighted.
    """
    text = ev.text
    offset = ev.term_start - ev.start
    if ev.term and offset >= 0 and text[offset : offset + len(ev.term)] == ev.term:
        return text[:offset], ev.term, text[offset + len(ev.term) :]
    found = text.casefold().find(ev.term.casefold()) if ev.term else -1
    # casefold can change lengths (ß → ss); only trust the search when it did not.
    if found >= 0 and len(text.casefold()) == len(text):
        end = found + len(ev.term)
        return text[:found], text[found:end], text[end:]
    return text, "", ""


def evidence_label(ev: Evidence) -> str:
    """A short human name for an evidence kind (e.g. "meta-data", "call site")."""
    return _EVIDENCE_LABEL.get(ev.kind, ev.kind.replace("_", " "))


def evidence_text(ev: Evidence) -> str:
    """One line describing an app-side evidence item, as plain text (not escaped)."""
    if ev.kind in CALL_SITE_KINDS and ev.detail:
        line = f"{ev.value} → {ev.detail}"
    elif ev.kind == "meta_data":
        line = f"{ev.value} = {ev.detail}" if ev.detail else ev.value
    elif ev.detail:
        line = f"{ev.value} ({ev.detail})"
    else:
        line = ev.value
    return f"{evidence_label(ev)}: {line}" + (f" [{ev.location}]" if ev.location else "")


def sdk_names(audit: AuditResult) -> dict[str, str]:
    """SDK id → display name, for the SDKs found in the app."""
    return {d.sdk_id: d.name for d in audit.scan.sdks}


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Number of findings per severity, every severity present (high first)."""
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES_HIGH_FIRST}


def failing(audit: AuditResult, fail_on: Severity) -> list[Finding]:
    """The findings at or above `fail_on`."""
    return [f for f in audit.findings if f.severity.rank >= fail_on.rank]


# --------------------------------------------------------------------------- view model


@dataclass(frozen=True)
class PolicyQuote:
    before: str
    term: str
    after: str
    heading: str | None
    strength: str
    denial: bool


@dataclass(frozen=True)
class AppItem:
    label: str
    value: str
    detail: str
    location: str
    call: bool
    """A call site: shown as value → detail."""


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    order: int
    sdk_name: str
    app: tuple[AppItem, ...]
    quotes: tuple[PolicyQuote, ...]
    justification: str = ""


@dataclass(frozen=True)
class CallerGroup:
    owner: str
    calls: tuple[CallSiteUse, ...]


@dataclass(frozen=True)
class MatrixRow:
    category: str
    title: str
    permissions: tuple[str, ...]
    callers: tuple[CallerGroup, ...]
    call_count: int
    startup: tuple[StartupBehaviour, ...]
    status: str
    quote: PolicyQuote | None
    more_quotes: int
    searched_terms: tuple[str, ...]


@dataclass(frozen=True)
class SdkRow:
    sdk: SdkDetection
    evidence_kinds: tuple[str, ...]
    disclosure: SdkDisclosure


def _quote(ev: PolicyEvidence) -> PolicyQuote:
    before, term, after = term_parts(ev)
    return PolicyQuote(before, term, after, ev.heading, ev.strength, ev.polarity == "denial")


def _app_item(ev: Evidence) -> AppItem:
    return AppItem(
        label=evidence_label(ev),
        value=ev.value,
        detail=ev.detail,
        location=ev.location,
        call=ev.kind in CALL_SITE_KINDS,
    )


def _finding_view(f: Finding, order: int, names: dict[str, str], why: str = "") -> FindingView:
    return FindingView(
        finding=f,
        order=order,
        sdk_name=names.get(f.sdk_id, f.sdk_id) if f.sdk_id else "",
        app=tuple(_app_item(e) for e in f.app_evidence),
        quotes=tuple(_quote(e) for e in f.policy_evidence),
        justification=why,
    )


def _owner_name(owner: str | None, names: dict[str, str]) -> str:
    return "app" if owner is None else names.get(owner, owner)


def _matrix(audit: AuditResult, names: dict[str, str]) -> list[MatrixRow]:
    uses = {u.category: u for u in audit.scan.capabilities}
    used = set(uses) | {f.category for f in audit.findings if f.category}
    titles = {c.id: c.title_en for c in capabilities()}
    taxonomy_order = {c.id: i for i, c in enumerate(capabilities())}
    rows = []
    for cat in sorted(used, key=lambda c: (taxonomy_order.get(c, len(taxonomy_order)), c)):
        use = uses.get(cat)
        calls = use.call_site_uses if use else ()
        by_owner: dict[str, list[CallSiteUse]] = defaultdict(list)
        for c in calls:
            by_owner[_owner_name(c.owner, names)].append(c)
        groups = tuple(
            CallerGroup(owner, tuple(cs[:MAX_LISTED_CALL_SITES]))
            for owner, cs in sorted(by_owner.items(), key=lambda kv: (kv[0] != "app", kv[0]))
        )
        disclosure = _disclosure(audit, cat)
        evidence = disclosure.evidence if disclosure else ()
        rows.append(
            MatrixRow(
                category=cat,
                title=titles.get(cat, cat),
                permissions=use.permissions if use else (),
                callers=groups,
                call_count=len(calls),
                startup=use.startup_behaviours if use else (),
                status=disclosure.status if disclosure else "no_policy",
                quote=_quote(evidence[0]) if evidence else None,
                more_quotes=max(len(evidence) - 1, 0),
                searched_terms=disclosure.searched_terms if disclosure else (),
            )
        )
    return rows


def _disclosure(audit: AuditResult, category: str) -> CategoryDisclosure | None:
    if audit.policy is None:
        return None
    try:
        return audit.policy.disclosure(category)
    except KeyError:
        return None


def _sdk_rows(audit: AuditResult) -> list[SdkRow]:
    return [
        SdkRow(
            sdk=d,
            evidence_kinds=tuple(sorted({evidence_label(e) for e in d.evidence})),
            disclosure=sdk_disclosure(audit, d),
        )
        for d in audit.scan.sdks
    ]


# --------------------------------------------------------------------------- rendering


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("reports") / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def _asset(name: str) -> str:
    return (data_dir("reports") / "assets" / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source expression allowing exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(
    audit: AuditResult, *, generated_at: str, fail_on: Severity = DEFAULT_FAIL_ON
) -> str:
    """The audit as one self-contained HTML page.

    `generated_at` is printed as the scan date (the renderer never reads the clock);
    `fail_on` is the threshold the summary's pass/fail wording refers to.
    """
    names = sdk_names(audit)
    script = _asset("report.js")
    if "</" in script:
        raise ValueError("reports/assets/report.js must not contain '</' (it is inlined)")
    style = _asset("report.css")
    findings = [_finding_view(f, i, names) for i, f in enumerate(audit.findings)]
    suppressed = [_finding_view(f, i, names, why) for i, (f, why) in enumerate(audit.suppressed)]
    rule_ids = sorted({(f.rule.id, f.rule.name) for f in audit.findings})
    sdk_filter = sorted({(v.finding.sdk_id, v.sdk_name) for v in findings if v.finding.sdk_id})
    csp = "; ".join(
        (
            "default-src 'none'",
            "style-src 'unsafe-inline'",
            f"script-src {script_hash(script)}",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    identity = audit.scan.inventory.identity
    template = _environment().get_template("report.html.j2")
    return template.render(
        audit=audit,
        identity=identity,
        tool_version=__version__,
        generated_at=generated_at,
        fail_on=fail_on,
        failing=failing(audit, fail_on),
        counts=severity_counts(audit.findings),
        findings=findings,
        suppressed=suppressed,
        rule_ids=rule_ids,
        sdk_filter=sdk_filter,
        matrix=_matrix(audit, names),
        sdk_rows=_sdk_rows(audit),
        status_label=CATEGORY_STATUS_LABEL,
        sdk_label=SDK_DISCLOSURE_LABEL,
        sdk_name_of=lambda owner: _owner_name(owner, names),
        csp=csp,
        # Our own assets, read from the installation: the only strings inserted unescaped.
        style=Markup(style),
        script=Markup(script),
    )
