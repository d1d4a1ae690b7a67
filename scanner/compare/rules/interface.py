"""What a finding rule is: its metadata, and a check that reads one `AuditContext`.

A rule module defines its `Rule` (id, name, severity, wording) next to the check that emits its
findings, and the registry in `scanner.compare.rules` lists the units `audit()` runs. The context
holds the scan, the policy, the SDK signatures the scan used, and the facts several rules need,
computed once (who owns which SDK id, how the policy stands on each category, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from scanner.catalog import Capability, SdkSignature, SdkTaxonomy
from scanner.compare.model import Finding, Rule, Severity
from scanner.model import (
    DIRECT_CODE_EVIDENCE,
    CallSiteUse,
    CapabilityUse,
    Evidence,
    EvidenceKind,
    ScanResult,
)
from scanner.policy.model import (
    CategoryDisclosure,
    PolicyAnalysis,
    PolicyEvidence,
    Status,
    ThirdPartyDisclosure,
)

MAX_EVIDENCE = 12
"""App evidence items kept per finding; the JSON report of the scan has them all."""

_STATUS_ORDER: dict[Status, int] = {status: rank for rank, status in enumerate(Status)}
"""Which status wins when a category and a category that covers it disagree: the enum lists
them strongest first (disclosed, denied, heading_only, not_mentioned)."""


def vendor_key(vendor: str) -> str:
    """'Google LLC' / 'Google' -> 'google'; 'Meta Platforms, Inc.' / 'Meta' -> 'meta'."""
    return re.split(r"[\s(,\uff08]", vendor.strip(), maxsplit=1)[0].lower()


@dataclass(frozen=True)
class CategoryStance:
    """How the policy stands on one capability category, the categories covering it included."""

    status: Status
    disclosure: CategoryDisclosure | None
    """The disclosure that gave `status` (None when no category of the taxonomy matched)."""


@dataclass(frozen=True)
class AuditContext:
    """Everything a rule reads. Build it with `build_context`; rules never change it."""

    scan: ScanResult
    policy: PolicyAnalysis
    signatures: tuple[SdkSignature, ...]
    """The SDK signatures the scan used (built-in plus any imported with --signatures)."""
    capabilities: tuple[Capability, ...]
    taxonomy: SdkTaxonomy
    sdk_names: Mapping[str, str]
    """SDK id -> display name, for the SDKs found in the app."""
    uses: Mapping[str, CapabilityUse]
    """Category -> how the app exercises it (only categories it exercises)."""
    stances: Mapping[str, CategoryStance]
    """Category -> the policy's best status on it."""
    generic: Mapping[str, tuple[ThirdPartyDisclosure, ...]]
    """Generic category ('advertising') -> the policy's unnamed disclosures of it."""
    named_vendors: Mapping[str, ThirdPartyDisclosure]
    """vendor_key -> the first named SDK disclosure of one of that vendor's SDKs."""
    searched_for: Mapping[str, tuple[str, ...]]
    """SDK id -> the names looked for in the policy (name and aliases of its signature)."""

    def owner_name(self, owner: str | None) -> str:
        """The SDK's display name, or 'the app's own code'."""
        return self.sdk_names.get(owner, owner) if owner else "the app's own code"

    def describe_owners(self, owners: Iterable[str | None]) -> str:
        return ", ".join(sorted({self.owner_name(o) for o in owners}))


def _stance(policy: PolicyAnalysis, cap: Capability) -> CategoryStance:
    best = CategoryStance(Status.NOT_MENTIONED, None)
    for cat in (cap.id, *cap.covered_by):
        try:
            disc = policy.disclosure(cat)
        except KeyError:
            continue
        if best.disclosure is None or _STATUS_ORDER[disc.status] < _STATUS_ORDER[best.status]:
            best = CategoryStance(disc.status, disc)
    return best


def build_context(
    scan: ScanResult,
    policy: PolicyAnalysis,
    signatures: Sequence[SdkSignature],
    capabilities: Sequence[Capability],
    taxonomy: SdkTaxonomy,
) -> AuditContext:
    """Compute the shared facts once."""
    sigs = tuple(signatures)
    vendors = {s.id: vendor_key(s.vendor) for s in sigs}
    named_vendors: dict[str, ThirdPartyDisclosure] = {}
    for tp in policy.third_parties:
        if tp.sdk_id and tp.sdk_id in vendors:
            named_vendors.setdefault(vendors[tp.sdk_id], tp)
    generic: dict[str, list[ThirdPartyDisclosure]] = {}
    for tp in policy.third_parties:
        if tp.kind == "generic" and tp.category:
            generic.setdefault(tp.category, []).append(tp)
    found = {d.sdk_id for d in scan.sdks}
    return AuditContext(
        scan=scan,
        policy=policy,
        signatures=sigs,
        capabilities=tuple(capabilities),
        taxonomy=taxonomy,
        sdk_names={d.sdk_id: d.name for d in scan.sdks},
        uses={u.category: u for u in scan.capabilities},
        stances={c.id: _stance(policy, c) for c in capabilities},
        generic={cat: tuple(tps) for cat, tps in generic.items()},
        named_vendors=named_vendors,
        searched_for={s.id: (s.name, *s.aliases_en, *s.aliases_zh) for s in sigs if s.id in found},
    )


def call_evidence(call: CallSiteUse) -> Evidence:
    """A call site as evidence, marked when it is weaker than a real call or field read."""
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


def use_evidence(use: CapabilityUse) -> list[Evidence]:
    """All app evidence of a category: permissions, then startup, then call sites."""
    evidence = [p.evidence for p in use.permission_findings]
    evidence += [s.evidence for s in use.startup_behaviours]
    evidence += [call_evidence(c) for c in use.call_site_uses]
    return evidence


def undisclosed(ctx: AuditContext) -> Iterator[tuple[Capability, CapabilityUse, CategoryStance]]:
    """The categories the app exercises and the policy neither discloses nor denies."""
    for cap in ctx.capabilities:
        use = ctx.uses.get(cap.id)
        stance = ctx.stances[cap.id]
        if use is not None and stance.status in ("heading_only", "not_mentioned"):
            yield cap, use, stance


def silent_wording(stance: CategoryStance) -> str:
    """How the policy fails to disclose: only in a heading, or not at all."""
    if stance.status == "heading_only":
        return "is mentioned only in a heading of the policy"
    return "is not disclosed by the policy"


def category_finding(
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


Check = Callable[[AuditContext], Iterable[Finding]]
"""A rule's logic: every finding it makes on one audit."""


@dataclass(frozen=True)
class RuleUnit:
    """One registered check and the rules whose findings it emits.

    Usually one rule; several only when they are the outcomes of one decision (PS101/102/103:
    how an SDK is disclosed), so that precedence lives in one place."""

    rules: tuple[Rule, ...]
    check: Check
