"""Scan result → JSON document (schema: reports/schema/scan-result.schema.json)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from scanner import __version__
from scanner.model import Component, NativeLibrary, ScanResult

SCHEMA_VERSION = "1.0"
MAX_LISTED_SYMBOL_CLASSES = 50


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


def scan_to_dict(result: ScanResult) -> dict[str, Any]:
    """A JSON-ready dict with stable keys; every item carries its evidence."""
    inv = result.inventory
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "privacy-scan", "version": __version__},
        "app": asdict(inv.identity),
        "signature_sets": list(result.signature_sets),
        "permissions": [asdict(p) for p in result.permissions],
        "capabilities": [asdict(c) for c in result.capabilities],
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
        "meta_data": [asdict(m) for m in inv.meta_data],
        "queries": [asdict(q) for q in inv.queries],
        "code_units": [asdict(u) for u in inv.code_units],
        "class_count": len(inv.class_names),
        "asset_count": len(inv.assets),
        "warnings": list(inv.warnings),
    }


def render_json(result: ScanResult) -> str:
    return json.dumps(scan_to_dict(result), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
