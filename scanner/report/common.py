"""Helpers every report format shares: SDK disclosure status, evidence wording, term splitting,
severity counts, and how a call site's owner, dormancy and strength are named.

Plain text only: each renderer escapes for its own medium (HTML autoescape, Markdown
backslashes, rich markup). Markdown, SARIF and the terminal import these from here, not from the
HTML renderer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal

from scanner.compare import rules
from scanner.compare.model import AuditResult, Finding, Severity
from scanner.compare.rules.interface import call_is_weak
from scanner.model import (
    CallSiteUse,
    Evidence,
    OwnerKind,
    SdkDetection,
    UnidentifiedCode,
)
from scanner.policy.model import PolicyEvidence
from scanner.signatures.libraries import builtin_libraries

SdkDisclosure = Literal["named", "vendor", "generic", "not_disclosed", "not_required", "no_policy"]

SEVERITIES_HIGH_FIRST: tuple[Severity, ...] = tuple(
    sorted(Severity, key=lambda s: s.rank, reverse=True)
)

SDK_DISCLOSURE_LABEL: dict[str, str] = {
    "named": "named",
    "vendor": "vendor only",
    "generic": "generic only",
    "not_disclosed": "not disclosed",
    "not_required": "no disclosure needed",
    "no_policy": "no policy",
}

CATEGORY_STATUS_LABEL: dict[str, str] = {
    "disclosed": "disclosed",
    "denied": "denied",
    "heading_only": "heading only",
    "other_sense": "only in another sense",
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

_SDK_RULE_DISCLOSURE: dict[str, SdkDisclosure] = {
    rules.SDK_VENDOR_ONLY.id: "vendor",
    rules.SDK_GENERIC_ONLY.id: "generic",
    rules.UNDISCLOSED_SDK.id: "not_disclosed",
}


def sdk_disclosure(audit: AuditResult, sdk: SdkDetection) -> SdkDisclosure:
    """How the policy discloses `sdk`: by name, by its vendor only, only as a generic kind of
    partner, or not at all; or that it needs no disclosure (it processes no personal data, or
    it is a stub). Compare decides: an SDK it reported on takes that verdict, and an SDK the
    policy does not name and compare did not report needs none."""
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
    return "not_required"


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


def library_names() -> dict[str, str]:
    """Library id -> display name, from the bundled library data."""
    return {lib.id: lib.name for lib in builtin_libraries()}


def owner_label(
    call: CallSiteUse, names: Mapping[str, str], libraries: Mapping[str, str] | None = None
) -> str:
    """Whose code a call site is in: 'app', the SDK's name, 'library: <name>', or
    'unknown: obfuscated' (R8-renamed code outside any known package)."""
    if call.owner_kind == OwnerKind.UNKNOWN:
        return "unknown: obfuscated"
    if call.owner_kind == OwnerKind.LIBRARY:
        lib = call.library or ""
        return f"library: {(libraries or {}).get(lib, lib) or 'unnamed'}"
    if call.owner:
        return names.get(call.owner, call.owner)
    return "app"


def short_permission(name: str) -> str:
    """android.permission.RECORD_AUDIO -> RECORD_AUDIO."""
    return name.rsplit(".", 1)[-1]


def dormant_note(call: CallSiteUse) -> str:
    """'dormant: the app does not request X' for a call site Android refuses, else ''."""
    if not call.dormant:
        return ""
    needs = " or ".join(short_permission(p) for p in call.needs) or "the permission it needs"
    return f"dormant: the app does not request {needs}"


def call_notes(call: CallSiteUse) -> tuple[str, ...]:
    """What a reviewer should know about a call site before trusting it: dormant, weak
    evidence, a write. Empty for a strong, active read."""
    notes = []
    if call.dormant:
        notes.append(dormant_note(call))
    if call_is_weak(call):
        notes.append("weak evidence")
    if call.access == "write":
        notes.append("write")
    return tuple(notes)


def unidentified_size(item: UnidentifiedCode) -> str:
    """How big a piece of unidentified code is, as the PS403 message says it."""
    from scanner.compare.rules.unidentified_code import size_text

    return size_text(item)


def unidentified_evidence(item: UnidentifiedCode, limit: int = 3) -> str:
    """The first pieces of evidence of unidentified code, on one line."""
    parts = [f"{e.value} ({e.detail})" if e.detail else e.value for e in item.evidence[:limit]]
    return "; ".join(parts)
