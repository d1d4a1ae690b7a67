"""Requested permissions → protection level and capability categories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scanner.catalog import Capability, categories_of_permission
from scanner.model import (
    AppInventory,
    Evidence,
    EvidenceKind,
    PermissionElement,
    PermissionFinding,
    ProtectionLevel,
)


def classify_permissions(
    inv: AppInventory, caps: Sequence[Capability], levels: Mapping[str, str]
) -> tuple[PermissionFinding, ...]:
    """One finding per distinct permission name, merging uses-permission and -sdk-23 entries."""
    by_name: dict[str, list[tuple[PermissionElement, int | None]]] = {}
    for req in inv.permissions:
        by_name.setdefault(req.name, []).append((req.element, req.max_sdk))
    out = []
    for name, entries in by_name.items():
        elements = tuple(sorted({e for e, _ in entries}))
        max_sdks = [m for _, m in entries]
        # A maxSdkVersion only limits the request when every declaration carries one.
        max_sdk = (
            max(m for m in max_sdks if m is not None)
            if all(m is not None for m in max_sdks)
            else None
        )
        detail = ", ".join(elements) + (f" maxSdkVersion={max_sdk}" if max_sdk is not None else "")
        out.append(
            PermissionFinding(
                name=name,
                protection_level=ProtectionLevel(levels.get(name, ProtectionLevel.UNKNOWN)),
                categories=categories_of_permission(name, caps),
                elements=elements,
                max_sdk=max_sdk,
                evidence=Evidence(EvidenceKind.PERMISSION, name, detail, "AndroidManifest.xml"),
            )
        )
    return tuple(sorted(out, key=lambda p: p.name))
