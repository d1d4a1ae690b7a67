"""Baselines: findings a team has accepted, each with a justification.

Identity is the finding's fingerprint (rule + subject + SDK), never a line, offset or class
name, so an accepted finding stays accepted when code moves or the policy is reworded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scanner.compare.model import AuditResult, Finding, fingerprint_of
from scanner.errors import ScanError

BASELINE_VERSION = 1
PLACEHOLDER = "TODO: say why this finding is accepted"


class BaselineError(ScanError):
    """The baseline file cannot be read or is not valid."""


@dataclass(frozen=True)
class AcceptedFinding:
    fingerprint: str
    rule: str
    subject: str
    justification: str


def load_baseline(path: Path) -> dict[str, AcceptedFinding]:
    """fingerprint -> accepted entry. Every entry needs a real justification."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(path, f"cannot read baseline ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION:
        raise BaselineError(path, f"not a privacy-scan baseline (version {BASELINE_VERSION})")
    out: dict[str, AcceptedFinding] = {}
    for i, entry in enumerate(doc.get("accepted", [])):
        if isinstance(entry, dict) and "fingerprint" not in entry:
            entry = _named_entry(entry)
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(path, f"entry {i} has no fingerprint")
        why = str(entry.get("justification") or "").strip()
        if not why or why == PLACEHOLDER:
            raise BaselineError(
                path, f"entry {i} ({entry.get('rule')} {entry.get('subject')}) has no justification"
            )
        out[entry["fingerprint"]] = AcceptedFinding(
            entry["fingerprint"], str(entry.get("rule", "")), str(entry.get("subject", "")), why
        )
    return out


def _named_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry written by hand with a rule and a subject instead of a fingerprint, such as
    `{"rule": "PS403", "subject": "org.java_websocket", "justification": "Java-WebSocket (MIT),
    no data collected"}` for code a reviewer has identified: its fingerprint is computed."""
    rule, subject = entry.get("rule"), entry.get("subject")
    if not isinstance(rule, str) or not rule.strip() or not isinstance(subject, str):
        return entry
    sdk = entry.get("sdk") if isinstance(entry.get("sdk"), str) else None
    return {**entry, "fingerprint": fingerprint_of(rule.split()[0], subject, sdk)}


def apply_baseline(audit: AuditResult, accepted: dict[str, AcceptedFinding]) -> AuditResult:
    """Move accepted findings out of `findings` into `suppressed`."""
    keep: list[Finding] = []
    suppressed = list(audit.suppressed)
    for f in audit.findings:
        entry = accepted.get(f.fingerprint)
        if entry is None:
            keep.append(f)
        else:
            suppressed.append((f, entry.justification))
    return replace(audit, findings=tuple(keep), suppressed=tuple(suppressed))


def baseline_document(audit: AuditResult, justification: str = PLACEHOLDER) -> dict[str, Any]:
    """A baseline accepting every current finding; justifications must then be filled in."""
    return {
        "version": BASELINE_VERSION,
        "tool": "privacy-scan",
        "accepted": [
            {
                "fingerprint": f.fingerprint,
                "rule": f"{f.rule.id} {f.rule.name}",
                "subject": f.subject,
                "sdk": f.sdk_id,
                "severity": f.severity.value,
                "message": f.message,
                "justification": justification,
            }
            for f in audit.findings
        ],
    }
