"""Compare stage: what the app does (ScanResult) x what its policy discloses -> findings.

Undisclosed SDKs, permissions and behaviours come first (high), then partial disclosures
(medium), then disclosures the app does not need (info). Every finding carries evidence from
both sides, or, when the policy is silent, the terms that were searched for. The rules live in
`scanner.compare.rules`, one module each; `audit()` runs the registry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from scanner.compare.model import AuditResult, Finding
from scanner.model import ScanResult

if TYPE_CHECKING:
    from scanner.compare import rules
    from scanner.compare.rules.interface import MAX_EVIDENCE, CategoryStance, vendor_key

    # Annotations only: a scan without --policy does not import the policy stage (4 ms).
    from scanner.policy.model import PolicyAnalysis
    from scanner.signatures.catalog import SdkSignature

__all__ = [
    "MAX_EVIDENCE",
    "CategoryFacts",
    "CategoryStance",
    "audit",
    "category_facts",
    "rules",
    "vendor_key",
]


@dataclass(frozen=True)
class CategoryFacts:
    """What the rules read per category, for reports that show the same picture."""

    stances: Mapping[str, CategoryStance]
    """How the policy stands on each category, covering categories included (precise location
    covers coarse; device identifiers cover READ_PHONE_STATE)."""
    exercised: frozenset[str]
    """Categories the app really exercises: a granting permission, a startup entry or a call
    site that can collect (not dormant, not library code). Only these can need disclosure."""


def __getattr__(name: str) -> Any:
    """The rules and their shared helpers load on first use: a scan without --policy (the
    compare stage then has nothing to do) does not import them."""
    if name == "rules":
        return import_module("scanner.compare.rules")
    if name in ("MAX_EVIDENCE", "CategoryStance", "vendor_key"):
        return getattr(import_module("scanner.compare.rules.interface"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def category_facts(scan: ScanResult, policy: PolicyAnalysis) -> CategoryFacts:
    """The per-category facts the rules read, computed the same way."""
    from scanner.compare import rules
    from scanner.signatures.catalog import builtin_sdks, capabilities, sdk_taxonomy

    ctx = rules.build_context(scan, policy, builtin_sdks(), capabilities(), sdk_taxonomy())
    return CategoryFacts(dict(ctx.stances), frozenset(ctx.exercises))


def audit(
    scan: ScanResult,
    policy: PolicyAnalysis | None,
    signatures: Sequence[SdkSignature] | None = None,
) -> AuditResult:
    """Cross-check a scan against a policy. Without a policy there is nothing to compare.

    `signatures` are the SDK signatures the scan used (default: the bundled ones); pass the
    scan's own set when trackers were imported, so their findings say what was searched for."""
    if policy is None:
        return AuditResult(scan=scan, policy=None, findings=())
    from scanner.compare import rules
    from scanner.signatures.catalog import builtin_sdks, capabilities, sdk_taxonomy

    ctx = rules.build_context(
        scan,
        policy,
        builtin_sdks() if signatures is None else signatures,
        capabilities(),
        sdk_taxonomy(),
    )
    findings: list[Finding] = [f for unit in rules.REGISTRY for f in unit.check(ctx)]
    findings.sort(key=lambda f: (-f.severity.rank, f.rule.id, f.subject, f.sdk_id or ""))
    return AuditResult(scan=scan, policy=policy, findings=tuple(findings))
