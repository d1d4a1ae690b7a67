"""Audit result → one self-contained HTML page (no network request, works offline, prints well).

Everything shown comes from the app or its policy, both written by someone else: an APK's label,
class names and meta-data values are attacker-controlled. The jinja2 environment therefore has
autoescape on and `StrictUndefined`, and no app or policy string is ever marked safe; the only
markup inserted verbatim is our own CSS and JS from `reports/assets/`. Policy sentences are split
around the matched term in Python and each part is escaped by the template, so highlighting never
builds HTML out of policy text.

The page is deterministic: the caller passes the scan date (`generated_at`), so the same audit
gives the same bytes, and the inline script is allowed by its sha256 hash rather than a nonce.

Helpers other formats share (SDK disclosure status, evidence wording, term splitting, owner
and call-site notes) live in `scanner.report.common`.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import jinja2
from markupsafe import Markup

from scanner import __version__
from scanner.compare import CategoryStance, category_facts
from scanner.compare.model import AuditResult, Finding, Severity
from scanner.compare.rules.interface import call_is_weak
from scanner.model import (
    ApiAccess,
    CallSiteUse,
    Evidence,
    OwnerKind,
    SdkDetection,
    StartupBehaviour,
)
from scanner.policy.model import CategoryDisclosure, PolicyEvidence
from scanner.report.common import (
    CALL_SITE_KINDS,
    CATEGORY_STATUS_LABEL,
    SDK_DISCLOSURE_LABEL,
    SdkDisclosure,
    call_notes,
    dormant_note,
    evidence_label,
    failing,
    library_names,
    owner_label,
    sdk_disclosure,
    sdk_names,
    severity_counts,
    term_parts,
    unidentified_size,
)
from scanner.resources import data_dir
from scanner.severity import DEFAULT_FAIL_ON
from scanner.signatures.catalog import capabilities

__all__ = ["render_html", "script_hash", "sdk_disclosure", "term_parts"]

MAX_LISTED_CALL_SITES = 25
"""Per matrix cell; the findings list every call site their rule cites."""


# --------------------------------------------------------------------------- view model


@dataclass(frozen=True)
class PolicyQuote:
    before: str
    term: str
    after: str
    heading: str | None
    strength: str
    denial: bool
    other_sense: str | None = None
    """For a term read in another sense: how (only as a verification code the company sends)."""


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
class CallView:
    """One call site as the matrix lists it, with what a reviewer should know before trusting
    it (dormant, weak evidence)."""

    call: CallSiteUse
    notes: tuple[str, ...]
    weak: bool
    dormant: bool


@dataclass(frozen=True)
class CallerGroup:
    owner: str
    """'app', an SDK's name, 'library: <name>' or 'unknown: obfuscated'."""
    kind: OwnerKind
    calls: tuple[CallView, ...]
    """At most MAX_LISTED_CALL_SITES of them."""
    total: int


@dataclass(frozen=True)
class MatrixRow:
    category: str
    title: str
    permissions: tuple[str, ...]
    callers: tuple[CallerGroup, ...]
    call_count: int
    active_count: int
    """Call sites that count as the app exercising it (not dormant, not library code)."""
    dormant: tuple[str, ...]
    """One line per set of missing permissions: 'dormant code: the app lacks X'."""
    startup: tuple[StartupBehaviour, ...]
    status: str
    covered_as: str
    """Title of the category whose disclosure covers this one ('' when its own does)."""
    exercised: bool
    """The app really exercises it (compare's view): else nothing here needs disclosure."""
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
    other = None
    if ev.polarity == "other_sense":
        from scanner.policy.vocabulary import other_sense_wording

        other = other_sense_wording(ev.reason)
    return PolicyQuote(before, term, after, ev.heading, ev.strength, ev.polarity == "denial", other)


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


_KIND_ORDER = {OwnerKind.APP: 0, OwnerKind.SDK: 1, OwnerKind.UNKNOWN: 2, OwnerKind.LIBRARY: 3}
"""Matrix order of owner groups: what the app answers for first, library code last."""


def _call_view(call: CallSiteUse) -> CallView:
    return CallView(call, call_notes(call), call_is_weak(call), call.dormant)


def _caller_groups(calls: list[CallSiteUse], names: dict[str, str]) -> tuple[CallerGroup, ...]:
    libraries = library_names()
    by_owner: dict[tuple[OwnerKind, str], list[CallSiteUse]] = defaultdict(list)
    for c in calls:
        kind = OwnerKind(c.owner_kind)
        by_owner[(kind, owner_label(c, names, libraries))].append(c)
    return tuple(
        CallerGroup(label, kind, tuple(_call_view(c) for c in cs[:MAX_LISTED_CALL_SITES]), len(cs))
        for (kind, label), cs in sorted(
            by_owner.items(), key=lambda kv: (_KIND_ORDER[kv[0][0]], kv[0][1])
        )
    )


def _counts(call: CallSiteUse) -> bool:
    return not call.dormant and call.owner_kind != OwnerKind.LIBRARY


def _matrix(audit: AuditResult, names: dict[str, str]) -> list[MatrixRow]:
    uses = {u.category: u for u in audit.scan.capabilities}
    # Every read or use in the inventory, dormant and library code included: the roll-up in
    # `capabilities` may leave those out, but a reviewer should see them, marked.
    listed: dict[str, list[CallSiteUse]] = defaultdict(list)
    for c in audit.scan.call_sites:
        if c.access != ApiAccess.WRITE:
            listed[c.category].append(c)
    used = set(uses) | set(listed) | {f.category for f in audit.findings if f.category}
    titles = {c.id: c.title_en for c in capabilities()}
    taxonomy_order = {c.id: i for i, c in enumerate(capabilities())}
    facts = category_facts(audit.scan, audit.policy) if audit.policy else None
    stances = facts.stances if facts else {}
    rows = []
    for cat in sorted(used, key=lambda c: (taxonomy_order.get(c, len(taxonomy_order)), c)):
        use = uses.get(cat)
        calls = listed.get(cat) or list(use.call_site_uses if use else ())
        disclosure = _disclosure(stances.get(cat), audit, cat)
        covering = disclosure.category if disclosure and disclosure.category != cat else ""
        evidence = disclosure.evidence if disclosure else ()
        dormant = sorted({dormant_note(c) for c in calls if c.dormant})
        rows.append(
            MatrixRow(
                category=cat,
                title=titles.get(cat, cat),
                permissions=use.permissions if use else (),
                callers=_caller_groups(calls, names),
                call_count=len(calls),
                active_count=sum(1 for c in calls if _counts(c)),
                dormant=tuple(n.replace("dormant:", "dormant code:", 1) for n in dormant),
                startup=use.startup_behaviours if use else (),
                status=disclosure.status if disclosure else "no_policy",
                covered_as=titles.get(covering, covering).lower(),
                exercised=facts is None or cat in facts.exercised,
                quote=_quote(evidence[0]) if evidence else None,
                more_quotes=max(len(evidence) - 1, 0),
                searched_terms=disclosure.searched_terms if disclosure else (),
            )
        )
    return rows


def _disclosure(
    stance: CategoryStance | None, audit: AuditResult, category: str
) -> CategoryDisclosure | None:
    """The disclosure compare's rules read for `category` (its own, or a covering one's)."""
    if audit.policy is None:
        return None
    if stance is not None and stance.disclosure is not None:
        return stance.disclosure
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
def template_environment() -> jinja2.Environment:
    """The environment of every HTML report (app and catalogue): autoescape on, and an
    undefined name is an error, not an empty string."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("reports") / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


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
    from scanner.report.ios_view import ios_view

    identity = audit.scan.inventory.identity
    template = template_environment().get_template("report.html.j2")
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
        ios=ios_view(audit),
        unidentified=audit.scan.unidentified,
        unidentified_size=unidentified_size,
        status_label=CATEGORY_STATUS_LABEL,
        sdk_label=SDK_DISCLOSURE_LABEL,
        sdk_name_of=lambda owner: _owner_name(owner, names),
        csp=csp,
        # Our own assets, read from the installation: the only strings inserted unescaped.
        style=Markup(style),
        script=Markup(script),
    )
