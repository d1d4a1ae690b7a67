"""Compare stage: what the app does (ScanResult) x what its policy discloses -> findings.

Undisclosed SDKs, permissions and behaviours come first (high), then partial disclosures
(medium), then disclosures the app does not need (info). Every finding carries evidence from
both sides, or, when the policy is silent, the terms that were searched for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scanner.catalog import Capability, capabilities
from scanner.compare import rules
from scanner.compare.model import AuditResult, Finding, Rule, Severity
from scanner.model import (
    DIRECT_CODE_EVIDENCE,
    CallSiteUse,
    Evidence,
    EvidenceKind,
    PermissionFinding,
    ScanResult,
    SdkDetection,
    StartupBehaviour,
)
from scanner.policy.model import (
    CategoryDisclosure,
    PolicyAnalysis,
    PolicyEvidence,
    ThirdPartyDisclosure,
)

# Which generic third-party disclosures ("advertising partners"...) can cover an SDK category.
GENERIC_COVERAGE: dict[str, tuple[str, ...]] = {
    "payment": ("payment",),
    "push": ("push",),
    "analytics": ("analytics",),
    "attribution": ("analytics", "advertising"),
    "ads": ("advertising",),
    "social": ("share", "login"),
    "login": ("login",),
    "crash": ("analytics",),
    "apm": ("analytics",),
    "maps": ("maps",),
    "location": ("maps",),
    "device_id": ("security", "advertising"),
    "risk": ("security",),
    "customer_support": ("customer_support",),
}

# A disclosure of the left category also covers the right one (precise location covers coarse).
ALSO_COVERED_BY: dict[str, tuple[str, ...]] = {"location_coarse": ("location_precise",)}

MAX_EVIDENCE = 12
"""App evidence items kept per finding; the JSON report of the scan has them all."""


@dataclass
class _Exercise:
    """How the app exercises one capability category."""

    permissions: list[PermissionFinding] = field(default_factory=list)
    calls: list[CallSiteUse] = field(default_factory=list)
    startup: list[StartupBehaviour] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.permissions or self.calls or self.startup)


def _call_evidence(call: CallSiteUse) -> Evidence:
    weak = (
        ""
        if call.evidence_kind in DIRECT_CODE_EVIDENCE
        else f" [{call.evidence_kind}: weaker evidence]"
    )
    return Evidence(
        EvidenceKind.CALL_SITE,
        f"{call.caller_class}.{call.caller_method}",
        f"{call.access} {call.api}{weak}",
        call.code_unit,
    )


def _exercises(scan: ScanResult) -> dict[str, _Exercise]:
    out: dict[str, _Exercise] = {}
    for perm in scan.permissions:
        for cat in perm.categories:
            out.setdefault(cat, _Exercise()).permissions.append(perm)
    for call in scan.call_sites:
        if call.access != "write":
            out.setdefault(call.category, _Exercise()).calls.append(call)
    for start in scan.startup:
        out.setdefault(start.kind, _Exercise()).startup.append(start)
    return out


def _status(policy: PolicyAnalysis, category: str) -> tuple[str, CategoryDisclosure | None]:
    """The best status among the category and the categories that also cover it."""
    order = {"disclosed": 0, "denied": 1, "heading_only": 2, "not_mentioned": 3}
    best: tuple[str, CategoryDisclosure | None] = ("not_mentioned", None)
    for cat in (category, *ALSO_COVERED_BY.get(category, ())):
        try:
            disc = policy.disclosure(cat)
        except KeyError:
            continue
        if best[1] is None or order[disc.status] < order[best[0]]:
            best = (disc.status, disc)
    return best


def _owner_name(owner: str | None, names: dict[str, str]) -> str:
    return names.get(owner, owner) if owner else "the app's own code"


def _describe_owners(items: Iterable[str | None], names: dict[str, str]) -> str:
    owners = sorted({_owner_name(o, names) for o in items})
    return ", ".join(owners)


def _category_finding(
    rule: Rule,
    cap: Capability,
    message: str,
    *,
    severity: Severity | None = None,
    sdk_id: str | None = None,
    app_evidence: Sequence[Evidence] = (),
    policy_evidence: Sequence[PolicyEvidence] = (),
    searched_terms: tuple[str, ...] = (),
) -> Finding:
    """A finding about one capability category (its subject and category are the category)."""
    return Finding(
        rule=rule,
        severity=severity or rule.severity,
        message=message,
        subject=cap.id,
        category=cap.id,
        sdk_id=sdk_id,
        app_evidence=tuple(app_evidence[:MAX_EVIDENCE]),
        policy_evidence=tuple(policy_evidence),
        searched_terms=searched_terms,
    )


def _capability_findings(
    scan: ScanResult, policy: PolicyAnalysis, caps: Sequence[Capability]
) -> list[Finding]:
    names = {d.sdk_id: d.name for d in scan.sdks}
    exercises = _exercises(scan)
    findings: list[Finding] = []
    for cap in caps:
        ex = exercises.get(cap.id)
        status, disc = _status(policy, cap.id)
        if not ex:
            if status == "disclosed" and disc is not None:
                message = (
                    f"The policy discloses {cap.title_en.lower()}, but the app requests "
                    "no permission for it and no code or manifest entry exercises it."
                )
                findings.append(
                    _category_finding(
                        rules.DISCLOSED_NOT_FOUND, cap, message, policy_evidence=disc.evidence[:3]
                    )
                )
            continue
        if status == "disclosed":
            continue
        evidence = [p.evidence for p in ex.permissions]
        evidence += [s.evidence for s in ex.startup]
        evidence += [_call_evidence(c) for c in ex.calls]
        who = _describe_owners([c.owner for c in ex.calls] + [s.owner for s in ex.startup], names)
        searched = disc.searched_terms if disc else ()
        if status == "denied" and disc is not None:
            by = f" ({who})" if who else ""
            message = f"The policy denies {cap.title_en.lower()}, but the app does it{by}."
            findings.append(
                _category_finding(
                    rules.DENIED_BEHAVIOUR,
                    cap,
                    message,
                    app_evidence=evidence,
                    policy_evidence=disc.evidence,
                )
            )
            continue
        heading_only = status == "heading_only"
        policy_evidence = disc.evidence if (disc and heading_only) else ()
        silent = (
            "is mentioned only in a heading of the policy"
            if heading_only
            else "is not disclosed by the policy"
        )
        if ex.permissions:
            perms = ", ".join(p.name.rsplit(".", 1)[-1] for p in ex.permissions)
            used = f"; used by {who}" if who else ""
            findings.append(
                _category_finding(
                    rules.UNDISCLOSED_PERMISSION,
                    cap,
                    f"{cap.title_en} ({perms}{used}) {silent}.",
                    severity=Severity.MEDIUM if heading_only else Severity.HIGH,
                    app_evidence=evidence,
                    policy_evidence=policy_evidence,
                    searched_terms=searched,
                )
            )
            continue
        # No permission: one finding per owner, so "Umeng reads the clipboard" stands alone.
        by_owner: dict[str | None, list[Evidence]] = {}
        strong: dict[str | None, bool] = {}
        for call in ex.calls:
            by_owner.setdefault(call.owner, []).append(_call_evidence(call))
            # An Intent aimed at a package, or startService, is associated startup only when the
            # target is another app, which the code alone cannot show: weaker than a real read.
            certain = (
                call.evidence_kind in DIRECT_CODE_EVIDENCE and call.category != "associated_startup"
            )
            strong[call.owner] = strong.get(call.owner, False) or certain
        for start in ex.startup:
            by_owner.setdefault(start.owner, []).append(start.evidence)
            strong[start.owner] = True
        verb = "does" if cap.id.endswith("startup") else "exercises"
        for owner, items in sorted(by_owner.items(), key=lambda kv: kv[0] or ""):
            actor = _owner_name(owner, names)
            findings.append(
                _category_finding(
                    rules.UNDISCLOSED_BEHAVIOUR,
                    cap,
                    f"{actor[:1].upper()}{actor[1:]} {verb} {cap.title_en.lower()}, "
                    f"which {silent}.",
                    severity=Severity.HIGH
                    if strong[owner] and not heading_only
                    else Severity.MEDIUM,
                    sdk_id=owner,
                    app_evidence=items,
                    policy_evidence=policy_evidence,
                    searched_terms=searched,
                )
            )
    return findings


def _sdk_is_active(sdk: SdkDetection, scan: ScanResult) -> bool:
    return any(c.owner == sdk.sdk_id and c.access != "write" for c in scan.call_sites) or any(
        s.owner == sdk.sdk_id for s in scan.startup
    )


def vendor_key(vendor: str) -> str:
    """'Google LLC' / 'Google' -> 'google'; 'Meta Platforms, Inc.' / 'Meta' -> 'meta'."""
    return re.split(r"[\s(,\uff08]", vendor.strip(), maxsplit=1)[0].lower()


def _named_vendors(policy: PolicyAnalysis) -> dict[str, ThirdPartyDisclosure]:
    from scanner.catalog import builtin_sdks

    vendors = {s.id: vendor_key(s.vendor) for s in builtin_sdks()}
    out: dict[str, ThirdPartyDisclosure] = {}
    for tp in policy.third_parties:
        if tp.sdk_id and tp.sdk_id in vendors:
            out.setdefault(vendors[tp.sdk_id], tp)
    return out


def _sdk_findings(
    scan: ScanResult, policy: PolicyAnalysis, sdk_aliases: dict[str, tuple[str, ...]]
) -> list[Finding]:
    findings: list[Finding] = []
    named_vendors = _named_vendors(policy)
    generic: dict[str, list[ThirdPartyDisclosure]] = {}
    for tp in policy.third_parties:
        if tp.kind == "generic" and tp.category:
            generic.setdefault(tp.category, []).append(tp)
    for sdk in scan.sdks:
        if sdk.status != "present" or not sdk.tracking or policy.names_sdk(sdk.sdk_id):
            continue
        active = _sdk_is_active(sdk, scan) or not scan.code_analysed
        idle_note = "" if active else " It makes no sensitive call in the code scanned."
        covering = [
            tp for cat in GENERIC_COVERAGE.get(sdk.category, ()) for tp in generic.get(cat, ())
        ]
        vendor_tp = named_vendors.get(vendor_key(sdk.vendor))
        if vendor_tp is not None:
            rule, severity = rules.SDK_VENDOR_ONLY, Severity.LOW
            policy_evidence = vendor_tp.evidence[:3]
            message = (
                f"{sdk.name} ({sdk.category}) is embedded; the policy names its vendor "
                f"({vendor_tp.name}, for {vendor_tp.sdk_id}) but not this SDK."
            )
        elif covering:
            rule = rules.SDK_GENERIC_ONLY
            severity = Severity.MEDIUM if active else Severity.LOW
            policy_evidence = tuple(e for tp in covering for e in tp.evidence)[:3]
            message = (
                f"{sdk.name} ({sdk.vendor}, {sdk.category}) is covered only by a generic "
                f"disclosure of {covering[0].category} partners; the policy does not name it."
            )
        else:
            rule = rules.UNDISCLOSED_SDK
            severity = Severity.HIGH if active else Severity.MEDIUM
            policy_evidence = ()
            message = (
                f"{sdk.name} ({sdk.vendor}, {sdk.category}) is embedded "
                f"({sdk.class_count} classes) but the policy does not disclose it."
            )
        findings.append(
            Finding(
                rule=rule,
                severity=severity,
                message=message + idle_note,
                subject=sdk.sdk_id,
                category=None,
                sdk_id=sdk.sdk_id,
                app_evidence=sdk.evidence[:MAX_EVIDENCE],
                policy_evidence=policy_evidence,
                searched_terms=sdk_aliases.get(sdk.sdk_id, ()),
            )
        )
    present = {d.sdk_id for d in scan.sdks if d.status == "present"}
    seen: set[str] = set()
    for tp in policy.third_parties:
        if tp.sdk_id and tp.sdk_id not in present and tp.sdk_id not in seen:
            seen.add(tp.sdk_id)
            findings.append(
                Finding(
                    rule=rules.SDK_DISCLOSED_NOT_FOUND,
                    severity=rules.SDK_DISCLOSED_NOT_FOUND.severity,
                    message=(
                        f"The policy names {tp.name} ({tp.sdk_id}), which the app does not embed."
                    ),
                    subject=tp.sdk_id,
                    category=None,
                    sdk_id=tp.sdk_id,
                    app_evidence=(),
                    policy_evidence=tp.evidence[:3],
                )
            )
    return findings


def _aliases(scan: ScanResult) -> dict[str, tuple[str, ...]]:
    from scanner.catalog import builtin_sdks

    wanted = {d.sdk_id for d in scan.sdks}
    return {s.id: (s.name, *s.aliases_en, *s.aliases_zh) for s in builtin_sdks() if s.id in wanted}


def audit(scan: ScanResult, policy: PolicyAnalysis | None) -> AuditResult:
    """Cross-check a scan against a policy. Without a policy there is nothing to compare."""
    if policy is None:
        return AuditResult(scan=scan, policy=None, findings=())
    findings = _sdk_findings(scan, policy, _aliases(scan))
    findings += _capability_findings(scan, policy, capabilities())
    findings.sort(key=lambda f: (-f.severity.rank, f.rule.id, f.subject, f.sdk_id or ""))
    return AuditResult(scan=scan, policy=policy, findings=tuple(findings))
