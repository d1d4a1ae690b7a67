"""Detect stage: `AppInventory` x signatures → `ScanResult`."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.catalog import Capability, SdkSignature, capabilities, permission_levels
from scanner.detect.permissions import classify_permissions
from scanner.detect.sdks import SdkIndex, detect_sdks
from scanner.detect.startup import detect_startup
from scanner.model import AppInventory, CapabilityUse, ScanResult


def detect(
    inv: AppInventory,
    sdks: Sequence[SdkSignature],
    caps: Sequence[Capability] | None = None,
    signature_sets: tuple[str, ...] = ("builtin",),
) -> ScanResult:
    caps = capabilities() if caps is None else caps
    index = SdkIndex(sdks)
    permissions = classify_permissions(inv, caps, permission_levels())
    startup = detect_startup(inv, caps, index)
    uses = []
    for cap in caps:
        perms = tuple(p.name for p in permissions if cap.id in p.categories)
        starts = sum(1 for s in startup if s.kind == cap.id)
        if perms or starts:
            uses.append(CapabilityUse(category=cap.id, permissions=perms, startup=starts))
    return ScanResult(
        inventory=inv,
        permissions=permissions,
        startup=startup,
        sdks=detect_sdks(inv, index),
        capabilities=tuple(uses),
        signature_sets=signature_sets,
    )
