"""Scan result → JSON document (schema: reports/schema/scan-result.schema.json)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from scanner import __version__
from scanner.compare.model import AuditResult, Finding, Severity
from scanner.model import (
    CallSiteUse,
    CodeEvidenceKind,
    Component,
    IosFacts,
    NativeLibrary,
    ScanResult,
)

SCHEMA_VERSION = "1.2"
MAX_LISTED_SYMBOL_CLASSES = 50
MAX_LISTED_IMPORTS = 200


def _component(c: Component) -> dict[str, Any]:
    return {
        "kind": c.kind.value,
        "name": c.name,
        "exported": c.exported,
        "explicit_exported": c.explicit_exported,
        "enabled": c.enabled,
        "permission": c.permission,
        "process": c.process,
        "actions": list(c.actions),
        "authorities": c.authorities,
    }


def _native(lib: NativeLibrary) -> dict[str, Any]:
    doc = asdict(lib)
    doc["jni_classes"] = list(lib.jni_classes[:MAX_LISTED_SYMBOL_CLASSES])
    doc["objc_classes"] = list(lib.objc_classes[:MAX_LISTED_SYMBOL_CLASSES])
    doc["jni_class_count"] = len(lib.jni_classes)
    doc["objc_class_count"] = len(lib.objc_classes)
    return doc


def _ios(facts: IosFacts) -> dict[str, Any]:
    doc = asdict(facts)
    doc["binaries"] = [
        {
            "path": b.path,
            "linked": list(b.linked),
            "symbols": list(b.symbols[:MAX_LISTED_IMPORTS]),
            "symbol_count": len(b.symbols),
            "selector_count": len(b.selectors),
            "encrypted": b.encrypted,
            "error": b.error,
        }
        for b in facts.binaries
    ]
    return doc


def _call_site(c: CallSiteUse) -> dict[str, Any]:
    doc = asdict(c)
    if c.evidence_kind is CodeEvidenceKind.CONST_STRING:
        # The model keeps the string as found; schema 1.0 has always shown it quoted here.
        doc["api_class"] = repr(c.api_class)
    doc["api"] = c.api
    return doc


def scan_to_dict(result: ScanResult) -> dict[str, Any]:
    """A JSON-ready dict with stable keys; every item carries its evidence."""
    inv = result.inventory
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "privacy-scan", "version": __version__},
        "app": asdict(inv.identity),
        "signature_sets": list(result.signature_sets),
        "permissions": [asdict(p) for p in result.permissions],
        "capabilities": [
            {
                "category": c.category,
                "permissions": list(c.permissions),
                "startup": c.startup,
                "call_sites": c.call_sites,
            }
            for c in result.capabilities
        ],
        "startup": [asdict(s) for s in result.startup],
        "sdks": [
            {
                "id": d.sdk_id,
                "name": d.name,
                "vendor": d.vendor,
                "category": d.category,
                "tracking": d.tracking,
                "status": d.status,
                "class_count": d.class_count,
                "collects": list(d.collects),
                "evidence": [asdict(e) for e in d.evidence],
            }
            for d in result.sdks
        ],
        "native_libraries": [_native(lib) for lib in inv.native_libraries],
        "components": [_component(c) for c in inv.components],
        # Schema 1.0 keys only: where each entry came from is in the evidence that cites it.
        "meta_data": [{"name": m.name, "value": m.value, "owner": m.owner} for m in inv.meta_data],
        "queries": [asdict(q) for q in inv.queries],
        "code_units": [asdict(u) for u in inv.code_units],
        "class_count": len(inv.class_names),
        "asset_count": len(inv.assets),
        "warnings": list(inv.warnings),
        "own_namespaces": [asdict(n) for n in result.own_namespaces],
        "unidentified": [asdict(u) for u in result.unidentified],
    }
    if inv.ios is not None:
        doc["ios"] = _ios(inv.ios)
    return doc


def render_json(result: ScanResult) -> str:
    return json.dumps(scan_to_dict(result), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def finding_to_dict(f: Finding) -> dict[str, Any]:
    from scanner.policy.render import _evidence

    return {
        "fingerprint": f.fingerprint,
        "rule": {"id": f.rule.id, "name": f.rule.name},
        "severity": f.severity.value,
        "message": f.message,
        "subject": f.subject,
        "category": f.category,
        "sdk": f.sdk_id,
        "app_evidence": [asdict(e) for e in f.app_evidence],
        "policy_evidence": [_evidence(e) for e in f.policy_evidence],
        "searched_terms": list(f.searched_terms),
    }


def audit_to_dict(audit: AuditResult) -> dict[str, Any]:
    """The scan document plus the policy analysis, the findings and a summary."""
    from scanner.policy import analysis_to_dict

    doc = scan_to_dict(audit.scan)
    doc["call_sites"] = [_call_site(c) for c in audit.scan.call_sites]
    doc["code_analysed"] = audit.scan.code_analysed
    doc["policy"] = analysis_to_dict(audit.policy) if audit.policy else None
    doc["findings"] = [finding_to_dict(f) for f in audit.findings]
    doc["suppressed"] = [
        {**finding_to_dict(f), "justification": why} for f, why in audit.suppressed
    ]
    counts = {s.value: 0 for s in Severity}
    for f in audit.findings:
        counts[f.severity.value] += 1
    worst = audit.worst()
    doc["summary"] = {
        "findings": len(audit.findings),
        "suppressed": len(audit.suppressed),
        "by_severity": counts,
        "worst": worst.value if worst else None,
    }
    return doc


def render_audit_json(audit: AuditResult) -> str:
    return json.dumps(audit_to_dict(audit), indent=2, ensure_ascii=False) + "\n"
