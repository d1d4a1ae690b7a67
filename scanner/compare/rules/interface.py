"""What a finding rule is: its metadata, and a check that reads one `AuditContext`.

A rule module defines its `Rule` (id, name, severity, wording) next to the check that emits its
findings, and the registry in `scanner.compare.rules` lists the units `audit()` runs. The context
holds the scan, the policy, the SDK signatures the scan used, and the facts several rules need,
computed once (who owns which SDK id, how the policy stands on each category, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from scanner.compare.model import Finding, Rule, Severity
from scanner.model import (
    DIRECT_CODE_EVIDENCE,
    ApiAccess,
    CallSiteUse,
    CapabilityUse,
    Evidence,
    EvidenceKind,
    OwnerKind,
    PermissionFinding,
    ProtectionLevel,
    ScanResult,
    StartupBehaviour,
    StartupKind,
    Strength,
)
from scanner.policy.model import (
    CategoryDisclosure,
    PolicyAnalysis,
    PolicyEvidence,
    Status,
    ThirdPartyDisclosure,
)
from scanner.policy.normalize import normalise
from scanner.policy.sdk_lists import looks_like_company
from scanner.signatures.catalog import Capability, SdkSignature, SdkTaxonomy
from scanner.signatures.libraries import builtin_libraries

MAX_EVIDENCE = 12
"""App evidence items kept per finding; the JSON report of the scan has them all."""

_STATUS_ORDER: dict[Status, int] = {status: rank for rank, status in enumerate(Status)}
"""Which status wins when a category and a category that covers it disagree: the enum lists
them strongest first (disclosed, denied, heading_only, other_sense, not_mentioned)."""


def vendor_key(vendor: str) -> str:
    """'Google LLC' / 'Google' -> 'google'; 'Meta Platforms, Inc.' / 'Meta' -> 'meta'."""
    return re.split(r"[\s(,\uff08]", vendor.strip(), maxsplit=1)[0].lower()


@dataclass(frozen=True)
class CategoryStance:
    """How the policy stands on one capability category, the categories covering it included."""

    status: Status
    disclosure: CategoryDisclosure | None
    """The disclosure that gave `status` (None when no category of the taxonomy matched)."""


GRANTING_LEVELS: frozenset[ProtectionLevel] = frozenset(
    {ProtectionLevel.DANGEROUS, ProtectionLevel.SPECIAL}
)
"""Protection levels the user grants one permission at a time: requesting one is strong
evidence on its own. A normal (install-time) permission such as ACCESS_WIFI_STATE or
RECEIVE_BOOT_COMPLETED only lets an API work; without code or a manifest entry that uses it,
nothing is collected, so alone it is no finding."""


def call_counts(call: CallSiteUse, library_collects: Mapping[str, tuple[str, ...]]) -> bool:
    """True when the call site can collect data for the app: not dormant (Android refuses it),
    not a write, and not library code, unless the library is documented to collect that
    category itself. Unknown-owner (obfuscated) code counts, capped at low (`call_ceiling`)."""
    if call.dormant or call.access == ApiAccess.WRITE:
        return False
    if call.owner_kind == OwnerKind.LIBRARY:
        return call.category in library_collects.get(call.library or "", ())
    return True


def call_is_weak(call: CallSiteUse) -> bool:
    """Weak evidence: the detect stage said so, the code only names the API in a string, or an
    associated-startup call whose target detect could not name (starting the app's own
    components is not associated startup, and the code alone does not show another app)."""
    if call.strength == Strength.WEAK or call.evidence_kind not in DIRECT_CODE_EVIDENCE:
        return True
    return call.category == StartupKind.ASSOCIATED_STARTUP and not call.argument


def call_ceiling(call: CallSiteUse) -> Severity:
    """The highest severity one call site can support: high for a strong call in app or SDK
    code, low for weak evidence or code nobody can attribute (obfuscated, owner unknown)."""
    if call.owner_kind == OwnerKind.UNKNOWN or call_is_weak(call):
        return Severity.LOW
    return Severity.HIGH


def _worst(severities: Iterable[Severity]) -> Severity:
    return max(severities, key=lambda s: s.rank, default=Severity.INFO)


@dataclass(frozen=True)
class Exercise:
    """How the app exercises one category, counting only what can collect the data."""

    category: str
    permissions: tuple[PermissionFinding, ...]
    """Every requested permission of the category, granting or not."""
    startup: tuple[StartupBehaviour, ...]
    calls: tuple[CallSiteUse, ...]
    """The call sites that count (`call_counts`), strongest first."""
    code_analysed: bool = True
    """False under --no-code: then no call site can show a normal permission unused, and
    every requested permission is evidence, as before call sites were read."""

    @property
    def granting(self) -> tuple[PermissionFinding, ...]:
        """The requested permissions that are evidence on their own (`GRANTING_LEVELS`)."""
        if not self.code_analysed:
            return self.permissions
        return tuple(p for p in self.permissions if p.protection_level in GRANTING_LEVELS)

    @property
    def exercised(self) -> bool:
        """A granting permission, a startup behaviour or a call site that counts."""
        return bool(self.granting or self.startup or self.calls)

    def ceiling(self) -> Severity:
        """The highest severity the evidence supports: a granting permission or a manifest
        startup entry is strong; call sites bring their own ceiling."""
        if self.granting or self.startup:
            return Severity.HIGH
        return _worst(call_ceiling(c) for c in self.calls)

    def evidence(self) -> list[Evidence]:
        """Permissions, then startup entries, then call sites (strongest first)."""
        evidence = [p.evidence for p in self.permissions]
        evidence += [s.evidence for s in self.startup]
        evidence += [call_evidence(c) for c in self.calls]
        return evidence

    @property
    def weak_only(self) -> bool:
        """Only weak call sites back it (no permission, startup entry or strong call)."""
        return not (self.granting or self.startup) and all(call_is_weak(c) for c in self.calls)

    @property
    def unknown_only(self) -> bool:
        """Only obfuscated code whose owner is unknown backs it."""
        return (
            not (self.granting or self.startup)
            and bool(self.calls)
            and all(c.owner_kind == OwnerKind.UNKNOWN for c in self.calls)
        )


def _call_order(call: CallSiteUse) -> tuple[bool, bool]:
    return (call_ceiling(call) is not Severity.HIGH, call.owner_kind == OwnerKind.UNKNOWN)


def exercise_of(
    cap_id: str,
    use: CapabilityUse | None,
    calls: Iterable[CallSiteUse],
    library_collects: Mapping[str, tuple[str, ...]],
    code_analysed: bool = True,
) -> Exercise:
    """The counting evidence of one category: detect's roll-up for permissions and startup,
    and the category's call sites from the scan's inventory (the roll-up keeps only active
    ones, so a library that collects the data itself would be lost there)."""
    counted = sorted((c for c in calls if call_counts(c, library_collects)), key=_call_order)
    return Exercise(
        cap_id,
        use.permission_findings if use else (),
        use.startup_behaviours if use else (),
        tuple(counted),
        code_analysed,
    )


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
    """vendor_key -> the first named SDK disclosure of one of that vendor's SDKs, else the first
    party that names the vendor only (a company in prose, a list row "SDK" by the company)."""
    searched_for: Mapping[str, tuple[str, ...]]
    """SDK id -> the names looked for in the policy (name and aliases of its signature)."""
    exercises: Mapping[str, Exercise] = field(default_factory=dict)
    """Category -> its counting evidence, for the categories the app really exercises
    (`Exercise.exercised`): dormant, library and write call sites and lone normal permissions
    left out. The inventory and the reports still list those."""
    library_names: Mapping[str, str] = field(default_factory=dict)
    """Library id -> display name."""

    def owner_name(self, owner: str | None) -> str:
        """The SDK's display name, or 'the app's own code'."""
        return self.sdk_names.get(owner, owner) if owner else "the app's own code"

    def actor(self, call: CallSiteUse) -> str:
        """Who a counting call site acts for, as a message says it."""
        if call.owner_kind == OwnerKind.UNKNOWN:
            return UNKNOWN_OWNER
        if call.owner_kind == OwnerKind.LIBRARY and call.library:
            return self.library_names.get(call.library, call.library)
        return self.owner_name(call.owner)

    def describe_actors(self, ex: Exercise) -> str:
        """Every actor of a category's counting evidence, for a message."""
        actors = {self.actor(c) for c in ex.calls}
        actors |= {self.owner_name(s.owner) for s in ex.startup}
        return ", ".join(sorted(actors))


UNKNOWN_OWNER = "obfuscated code of unknown owner"
"""How a message names code R8 renamed outside any known package (nobody can say whose)."""


def _stance(
    policy: PolicyAnalysis, cap: Capability, exercise: Exercise | None = None
) -> CategoryStance:
    best = CategoryStance(Status.NOT_MENTIONED, None)
    for cat in (cap.id, *cap.covered_by):
        try:
            disc = policy.disclosure(cat)
        except KeyError:
            continue
        if best.disclosure is None or _STATUS_ORDER[disc.status] < _STATUS_ORDER[best.status]:
            best = CategoryStance(disc.status, disc)
    if best.status == Status.DISCLOSED or exercise is None:
        return best
    for coverage in cap.permission_covered_by:
        if not coverage.covers(exercise.permissions, exercise.calls):
            continue
        try:
            disc = policy.disclosure(coverage.capability)
        except KeyError:
            continue
        if disc.status == Status.DISCLOSED:
            return CategoryStance(disc.status, disc)
    return best


def _company_key(name: str) -> str:
    return re.sub(r"[\s,.\uff0c\u3002]+", "", normalise(name))


def _company_vendors(sigs: Sequence[SdkSignature]) -> dict[str, str]:
    """A company's name as a policy writes it -> the vendor_key of its SDKs: the vendor (Google
    LLC, Google), the legal name in brackets after it, and a company name the catalogue gives
    one of its SDKs as an alias (维沃移动通信有限公司)."""
    found: dict[str, str] = {}
    for sig in sigs:
        key = vendor_key(sig.vendor)
        head, _, bracket = sig.vendor.partition(" (")
        first = head.split()[0] if head.split() else ""
        names = [head, first if len(first) >= 4 else "", bracket.rstrip(")")]
        names += [a for a in sig.policy_names if looks_like_company(a)]
        for name in names:
            if name and len(_company_key(name)) >= 2:
                found.setdefault(_company_key(name), key)
    return found


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
        if tp.sdk_id and tp.sdk_id in vendors and tp.kind != "target":
            named_vendors.setdefault(vendors[tp.sdk_id], tp)
    companies = _company_vendors(sigs)
    for tp in policy.third_parties:
        if tp.sdk_id is None and tp.kind in ("named", "table_row"):
            for name in (tp.company, tp.name):
                key = companies.get(_company_key(name)) if name else None
                if key is not None:
                    named_vendors.setdefault(key, tp)
                    break
    generic: dict[str, list[ThirdPartyDisclosure]] = {}
    for tp in policy.third_parties:
        if tp.kind == "generic" and tp.category:
            generic.setdefault(tp.category, []).append(tp)
    found = {d.sdk_id for d in scan.sdks}
    libraries = builtin_libraries()
    library_collects = {lib.id: lib.collects for lib in libraries}
    uses = {u.category: u for u in scan.capabilities}
    # The inventory lists every call site; a scan rebuilt from a roll-up alone has only those.
    inventory = scan.call_sites or tuple(c for u in scan.capabilities for c in u.call_site_uses)
    by_category: dict[str, list[CallSiteUse]] = {}
    for call in inventory:
        by_category.setdefault(call.category, []).append(call)
    exercises = {
        c.id: exercise_of(
            c.id,
            uses.get(c.id),
            by_category.get(c.id, ()),
            library_collects,
            scan.code_analysed,
        )
        for c in capabilities
    }
    return AuditContext(
        scan=scan,
        policy=policy,
        signatures=sigs,
        capabilities=tuple(capabilities),
        taxonomy=taxonomy,
        sdk_names={d.sdk_id: d.name for d in scan.sdks},
        uses=uses,
        stances={c.id: _stance(policy, c, exercises[c.id]) for c in capabilities},
        generic={cat: tuple(tps) for cat, tps in generic.items()},
        named_vendors=named_vendors,
        searched_for={s.id: (s.name, *s.alias_names) for s in sigs if s.id in found},
        exercises={cat: ex for cat, ex in exercises.items() if ex.exercised},
        library_names={lib.id: lib.name for lib in libraries},
    )


def call_evidence(call: CallSiteUse) -> Evidence:
    """A call site as evidence, marked when it is weak or its owner is unknown."""
    notes = []
    if call.evidence_kind not in DIRECT_CODE_EVIDENCE:
        notes.append(f"{call.evidence_kind}: weak evidence")
    elif call_is_weak(call):
        notes.append("weak evidence")
    if call.owner_kind == OwnerKind.UNKNOWN:
        notes.append("owner unknown: obfuscated code")
    if call.argument:
        notes.append(f"argument {call.argument}")
    marks = "".join(f" [{n}]" for n in notes)
    return Evidence(
        EvidenceKind.CALL_SITE,
        f"{call.caller_class}.{call.caller_method}",
        f"{call.access} {call.api}{marks}",
        call.code_unit,
    )


def undisclosed(ctx: AuditContext) -> Iterator[tuple[Capability, Exercise, CategoryStance]]:
    """The categories the app exercises and the policy neither discloses nor denies."""
    for cap in ctx.capabilities:
        ex = ctx.exercises.get(cap.id)
        stance = ctx.stances[cap.id]
        if ex is not None and stance.status in ("heading_only", "other_sense", "not_mentioned"):
            yield cap, ex, stance


def weak_note(ex: Exercise) -> str:
    """A sentence for a message whose only evidence is weak or unattributed."""
    if ex.unknown_only:
        return (
            " Its owner is unknown because the code is obfuscated (renamed classes outside any "
            "known package)."
        )
    if ex.weak_only:
        return (
            " The evidence is weak (the API named in a string, an argument or target not known "
            "statically, or intent resolution)."
        )
    return ""


def capped(severity: Severity, ceiling: Severity) -> Severity:
    """`severity`, lowered to `ceiling` when the evidence supports no more."""
    return severity if severity.rank <= ceiling.rank else ceiling


def silent_wording(stance: CategoryStance) -> str:
    """How the policy fails to disclose: only in a heading, only in another sense (the first such
    reading, quoted), or not at all."""
    if stance.status == "heading_only":
        return "is mentioned only in a heading of the policy"
    if stance.status == "other_sense" and stance.disclosure and stance.disclosure.evidence:
        from scanner.policy.vocabulary import other_sense_wording

        first = stance.disclosure.evidence[0]
        return (
            f"is not disclosed by the policy, which names it {other_sense_wording(first.reason)}"
            f" (“{' '.join(first.term.split())}”)"
        )
    return "is not disclosed by the policy"


def quoted_policy(stance: CategoryStance) -> tuple[PolicyEvidence, ...]:
    """The policy sentences a finding on an undisclosed category quotes: the heading that is all
    the policy says, or the sentences that name the category in another sense; none when the
    policy is silent."""
    disc = stance.disclosure
    if disc is not None and stance.status in ("heading_only", "other_sense"):
        return disc.evidence
    return ()


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
