"""Audit result → SARIF 2.1.0, for code-scanning UIs (GitHub, GitLab, VS Code SARIF viewer).

One run, one result per finding. A result points at the app binary (physical location) and at
each piece of app evidence as a logical location (the calling method, the SDK's package, the
native library, the manifest component...); the policy sentences it rests on are its related
locations, with character offsets into the policy text. Findings a baseline accepted are kept,
with an external suppression carrying the baseline's justification.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from scanner import __version__
from scanner.compare.model import AuditResult, Finding, Rule, Severity
from scanner.model import Evidence
from scanner.policy.model import PolicyEvidence
from scanner.report.common import CALL_SITE_KINDS, evidence_label

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "privacyScan/v1"

LEVEL: dict[Severity, str] = {
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
"""GitHub code scanning ranks results by this rule property (0.1-10)."""

LOGICAL_KIND: dict[str, str] = {
    "class_package": "namespace",
    "jni_class": "type",
    "objc_class": "type",
    "component": "type",
    "native_library": "module",
}
"""Evidence kind → SARIF logicalLocation.kind; call sites are "function", the rest "resource"."""


def artifact_uri(location: str, root: Path | None = None) -> str:
    """A URI reference for a file path or URL: relative to `root` (default: the working
    directory) when the file is under it, else an absolute file: URI; URLs are kept as they are.
    """
    if "://" in location:
        return location
    absolute = (Path.cwd() / location).resolve()
    try:
        rel = absolute.relative_to((root or Path.cwd()).resolve())
    except ValueError:
        return absolute.as_uri()
    return quote(PurePosixPath(*rel.parts).as_posix())


def _logical_kind(ev: Evidence) -> str:
    if ev.kind in CALL_SITE_KINDS:
        return "function"
    return LOGICAL_KIND.get(ev.kind, "resource")


def _fully_qualified_name(ev: Evidence) -> str:
    if ev.kind == "native_library" and ev.location:
        return ev.location
    return ev.value


def _logical_location(ev: Evidence) -> dict[str, Any]:
    fqn = _fully_qualified_name(ev)
    name = fqn.rsplit("/", 1)[-1] if ev.kind == "native_library" else fqn.rsplit(".", 1)[-1]
    props: dict[str, str] = {"evidenceKind": ev.kind, "evidence": evidence_label(ev)}
    if ev.detail:
        props["detail"] = ev.detail
    if ev.location:
        props["location"] = ev.location
    return {"name": name, "fullyQualifiedName": fqn, "kind": _logical_kind(ev), "properties": props}


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} {rule.help}"},
        "help": {"text": rule.help},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["privacy"],
            "precision": "medium",
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _related(ev: PolicyEvidence, index: int, policy_uri: str) -> dict[str, Any]:
    kinds = {"denial": "denial", "other_sense": "mention in another sense"}
    kind = kinds.get(ev.polarity, "disclosure")
    where = f" under “{ev.heading}”" if ev.heading else ""
    return {
        "id": index,
        "physicalLocation": {
            "artifactLocation": {"uri": policy_uri, "index": 1},
            "region": {
                "charOffset": ev.start,
                "charLength": ev.end - ev.start,
                "snippet": {"text": ev.text},
            },
        },
        "message": {"text": f"Policy {kind} ({ev.strength}){where}: matched “{ev.term}”."},
        "properties": {"term": ev.term, "termOffset": ev.term_start, "polarity": ev.polarity},
    }


def _result(
    f: Finding, rule_index: dict[str, int], app_uri: str, policy_uri: str | None
) -> dict[str, Any]:
    logical: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for ev in f.app_evidence:
        loc = _logical_location(ev)
        key = (loc["fullyQualifiedName"], loc["kind"])
        if key not in seen:
            seen.add(key)
            logical.append(loc)
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": app_uri, "index": 0}}
    }
    if logical:
        location["logicalLocations"] = logical
    text = f.message
    if not f.policy_evidence and f.searched_terms:
        text += " The policy mentions none of: " + ", ".join(f.searched_terms[:10])
        text += " …" if len(f.searched_terms) > 10 else "."
    props: dict[str, Any] = {"severity": f.severity.value, "subject": f.subject}
    if f.category:
        props["category"] = f.category
    if f.sdk_id:
        props["sdk"] = f.sdk_id
    if f.searched_terms:
        props["searchedTerms"] = list(f.searched_terms)
    result: dict[str, Any] = {
        "ruleId": f.rule.id,
        "ruleIndex": rule_index[f.rule.id],
        "level": LEVEL[f.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": props,
    }
    if policy_uri is not None and f.policy_evidence:
        result["relatedLocations"] = [
            _related(ev, i, policy_uri) for i, ev in enumerate(f.policy_evidence, start=1)
        ]
    return result


def sarif_log(audit: AuditResult, root: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict (see `render_sarif`)."""
    every = [*audit.findings, *(f for f, _ in audit.suppressed)]
    rules: dict[str, Rule] = {}
    for f in every:
        rules.setdefault(f.rule.id, f.rule)
    ordered = [rules[rid] for rid in sorted(rules)]
    rule_index = {r.id: i for i, r in enumerate(ordered)}
    identity = audit.scan.inventory.identity
    app_uri = artifact_uri(identity.path, root)
    policy_uri = artifact_uri(audit.policy.source, root) if audit.policy else None
    artifacts: list[dict[str, Any]] = [
        {
            "location": {"uri": app_uri},
            "length": identity.size,
            "roles": ["analysisTarget"],
            "hashes": {"sha-256": identity.sha256},
        }
    ]
    if audit.policy is not None and policy_uri is not None:
        artifacts.append(
            {
                "location": {"uri": policy_uri},
                "roles": ["policy"],
                "encoding": audit.policy.encoding or "utf-8",
                "properties": {
                    "format": audit.policy.format,
                    "language": audit.policy.language,
                    "offsets": "characters of the policy's extracted text",
                },
            }
        )
    results = [_result(f, rule_index, app_uri, policy_uri) for f in audit.findings]
    for f, why in audit.suppressed:
        res = _result(f, rule_index, app_uri, policy_uri)
        res["suppressions"] = [{"kind": "external", "justification": why}]
        results.append(res)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "privacy-scan",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r) for r in ordered],
            }
        },
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "app": {
                "package": identity.package,
                "versionName": identity.version_name,
                "versionCode": identity.version_code,
                "label": identity.label,
                "sha256": identity.sha256,
            },
            "signatureSets": list(audit.scan.signature_sets),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(audit: AuditResult, root: Path | None = None) -> str:
    """The audit as a SARIF 2.1.0 log. File URIs are relative to `root` (default: the working
    directory) when the app or policy lies under it."""
    return json.dumps(sarif_log(audit, root), indent=2, ensure_ascii=False) + "\n"
