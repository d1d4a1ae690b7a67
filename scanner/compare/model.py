"""Typed results of the compare stage: findings with evidence on both sides.

A finding's `fingerprint` is built from its rule, subject and SDK only (never from line numbers,
offsets or class names of call sites), so a baseline of accepted findings still matches after the
code moves or the policy is reworded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner.model import Evidence, ScanResult
from scanner.severity import Severity

if TYPE_CHECKING:
    # Annotations only: a scan without --policy does not import the policy stage (4 ms).
    from scanner.policy.model import PolicyAnalysis, PolicyEvidence

__all__ = ["AuditResult", "Finding", "Rule", "Severity"]


@dataclass(frozen=True)
class Rule:
    """A comparison rule: stable id, short name, default severity and what it means."""

    id: str
    name: str
    severity: Severity
    summary: str
    help: str


@dataclass(frozen=True)
class Finding:
    """One discrepancy between what the app does and what its policy discloses."""

    rule: Rule
    severity: Severity
    message: str
    """Plain words: what is wrong, about what, by whom."""
    subject: str
    """What the finding is about: an SDK id or a capability category id."""
    category: str | None
    """Capability category, when the finding is about one."""
    sdk_id: str | None
    """The SDK concerned (the undisclosed SDK, or the SDK whose code exercises the capability)."""
    app_evidence: tuple[Evidence, ...]
    """The app's side: manifest entries, call sites, classes, native libraries, components."""
    policy_evidence: tuple[PolicyEvidence, ...]
    """The policy's side: the sentences that disclose or deny (empty when the policy is silent)."""
    searched_terms: tuple[str, ...] = ()
    """When the policy is silent: what was looked for, so a reviewer can check."""
    fingerprint: str = field(default="")

    def __post_init__(self) -> None:
        if not self.fingerprint:
            fingerprint = fingerprint_of(self.rule.id, self.subject, self.sdk_id)
            object.__setattr__(self, "fingerprint", fingerprint)


def fingerprint_of(rule_id: str, subject: str, sdk_id: str | None = None) -> str:
    """A finding's identity: its rule, subject and SDK only."""
    key = f"{rule_id}|{subject}|{sdk_id or ''}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class AuditResult:
    """Everything one `privacy-scan scan APP --policy POLICY` run knows."""

    scan: ScanResult
    policy: PolicyAnalysis | None
    findings: tuple[Finding, ...]
    """Most severe first; stable order within a severity."""
    suppressed: tuple[tuple[Finding, str], ...] = ()
    """Findings a baseline accepted, with the baseline's justification."""

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)
