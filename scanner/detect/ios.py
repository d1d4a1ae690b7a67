"""What an iOS inventory adds to detection: usage keys as permissions, Mach-O imports as call
sites, embedded frameworks as SDK evidence.

The compare stage, the reports and the gate read the same `PermissionFinding`, `CallSiteUse` and
`SdkDetection` for both platforms, so an iOS app needs no rule of its own for what both have:
- a usage-description key is the prompt the user answers before the API yields data, as a
  dangerous permission is on Android, so it is classified as one (its evidence: the Info.plist
  key and the prompt text);
- an API a binary imports (the class with the selector, or the C symbol, the capability file's
  `ios.apis` names) is a call site of that binary, owned by the SDK whose framework it is. It is
  dormant when the category guards the API with usage keys and the app has none: iOS ends an app
  that reaches a protected resource without its key, so that code never yields data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from scanner.detect.sdks import SdkIndex
from scanner.model import (
    ApiAccess,
    CallSiteUse,
    CodeEvidenceKind,
    Evidence,
    EvidenceKind,
    IosFacts,
    MachOImports,
    NativeLibrary,
    OwnerKind,
    PermissionElement,
    PermissionFinding,
    ProtectionLevel,
)
from scanner.signatures.catalog import Capability, IosApiSignature

IMPORTS_METHOD = "<imports>"
"""The caller_method of an iOS call site: the binary imports the API; which function calls it
is not read."""


def usage_key_findings(
    permissions: Sequence[PermissionFinding], ios: IosFacts
) -> tuple[PermissionFinding, ...]:
    """Usage-description keys as granted-by-the-user permissions, each with its prompt text."""
    by_key = ios.usage_by_key()
    out = []
    for p in permissions:
        usage = by_key.get(p.name)
        if usage is not None and PermissionElement.USAGE_DESCRIPTION in p.elements:
            p = replace(
                p,
                protection_level=ProtectionLevel.DANGEROUS,
                evidence=Evidence(
                    EvidenceKind.USAGE_DESCRIPTION, usage.key, usage.text, usage.location
                ),
            )
        out.append(p)
    return tuple(out)


def _matches(api: IosApiSignature, binary: MachOImports, selectors: frozenset[str]) -> bool:
    if api.symbol is not None:
        return api.symbol in binary.symbols
    if api.objc_class is None or api.objc_class not in binary.imported_classes:
        return False
    return api.selector is None or api.selector in selectors


def _owner(lib: NativeLibrary | None, index: SdkIndex, bundle_owners: dict[str, str]) -> str | None:
    """The SDK a binary belongs to: its framework's (by name or bundle id), else the SDK whose
    Objective-C classes it defines. None for the app's own executable."""
    if lib is None:
        return None
    for folder, sid in bundle_owners.items():
        if lib.path.startswith(folder + "/"):
            return sid
    for cls in lib.objc_classes:  # bucketed lookup: cost independent of the catalogue's size
        owners = index.objc_owners(cls)
        if owners:
            return owners[0]
    return None


def ios_call_sites(
    ios: IosFacts,
    natives: Sequence[NativeLibrary],
    caps: Sequence[Capability],
    index: SdkIndex,
    usage_keys: Iterable[str],
) -> tuple[CallSiteUse, ...]:
    """One call site per binary and imported capability API."""
    declared = set(usage_keys)
    libs = {lib.path: lib for lib in natives}
    owners = bundle_owners(ios, index)
    sites = []
    for binary in ios.binaries:
        if binary.error:
            continue
        selectors = frozenset(binary.selectors)
        lib = libs.get(binary.path)
        owner = None if binary.path == ios.executable else _owner(lib, index, owners)
        for cap in caps:
            for api in cap.ios_apis:
                if not _matches(api, binary, selectors):
                    continue
                guarded = api.needs_usage_key and bool(cap.ios_usage_keys)
                dormant = guarded and not declared & set(cap.ios_usage_keys)
                sites.append(
                    CallSiteUse(
                        category=cap.id,
                        api_class=api.objc_class or api.symbol or "",
                        api_method=api.selector or "",
                        access=ApiAccess(api.access),
                        caller_class=binary.path,
                        caller_method=IMPORTS_METHOD,
                        caller_descriptor="",
                        code_unit=binary.path,
                        evidence_kind=CodeEvidenceKind.MACHO_IMPORT,
                        owner=owner,
                        owner_kind=OwnerKind.SDK if owner else OwnerKind.APP,
                        strength=api.strength,
                        dormant=dormant,
                        needs=cap.ios_usage_keys if guarded else (),
                    )
                )
    return tuple(sites)


def bundle_owners(ios: IosFacts, index: SdkIndex) -> dict[str, str]:
    """Embedded framework folder -> the SDK its name or bundle id names."""
    out: dict[str, str] = {}
    for bundle in ios.bundles:
        for sig in index.signatures:
            if any(fnmatchcase(bundle.name, p) for p in sig.ios_frameworks) or (
                bundle.bundle_id is not None
                and any(fnmatchcase(bundle.bundle_id, p) for p in sig.ios_bundle_ids)
            ):
                out[bundle.path] = sig.id
                break
    return out


def bundle_evidence(ios: IosFacts, index: SdkIndex) -> list[tuple[str, Evidence]]:
    """(SDK id, evidence) for every embedded framework a signature names."""
    out = []
    for bundle in ios.bundles:
        for sig in index.signatures:
            by_name = any(fnmatchcase(bundle.name, p) for p in sig.ios_frameworks)
            by_id = bundle.bundle_id is not None and any(
                fnmatchcase(bundle.bundle_id, p) for p in sig.ios_bundle_ids
            )
            if by_name or by_id:
                what = "framework" + (f" {bundle.bundle_id}" if bundle.bundle_id else "")
                out.append(
                    (sig.id, Evidence(EvidenceKind.NATIVE_LIBRARY, bundle.name, what, bundle.path))
                )
    return out
