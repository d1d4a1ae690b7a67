"""Detect stage: `AppInventory` x signatures (x code) -> `ScanResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from scanner.detect.namespace import own_namespaces
from scanner.detect.ownership import OwnerIndex, assign_owners
from scanner.detect.permissions import classify_permissions, mark_dormant
from scanner.detect.sdks import SdkIndex, classes_by_package, detect_sdks
from scanner.detect.startup import detect_startup
from scanner.detect.unidentified import find_unidentified
from scanner.extract import CodeBytes
from scanner.model import (
    ApiAccess,
    AppInventory,
    CallSiteUse,
    CapabilityUse,
    OwnNamespace,
    PermissionFinding,
    ScanResult,
    StartupBehaviour,
    StartupKind,
    Strength,
)
from scanner.signatures.catalog import Capability, SdkSignature, capabilities, permission_levels
from scanner.signatures.libraries import LibraryIndex, builtin_libraries


def find_code_uses(
    code: Sequence[CodeBytes],
    caps: Sequence[Capability],
    index: SdkIndex,
    jobs: int | None = None,
    warnings: list[str] | None = None,
    inv: AppInventory | None = None,
    libraries: LibraryIndex | None = None,
) -> tuple[CallSiteUse, ...]:
    """Call sites of capability APIs in dex / class files, each attributed to its owner and,
    with the inventory, judged against the app's permissions and package."""
    from scanner.detect import callsites

    with callsites.scanning(_dex_units(code), caps, jobs, warnings) as dex_sites:
        return attributed_code_uses(dex_sites(), code, caps, index, warnings, inv, libraries)


def _dex_units(code: Sequence[CodeBytes]) -> list[tuple[str, bytes]]:
    return [(b.name, b.data) for b in code if b.format == "dex"]


def attributed_code_uses(
    dex_sites: Sequence[CallSiteUse],
    code: Sequence[CodeBytes],
    caps: Sequence[Capability],
    index: SdkIndex,
    warnings: list[str] | None = None,
    inv: AppInventory | None = None,
    libraries: LibraryIndex | None = None,
) -> tuple[CallSiteUse, ...]:
    """`find_code_uses` once the dex files' call sites are found: the class files' are added,
    then every site is attributed (and judged, with the inventory)."""
    from scanner.detect import callsites

    classes = [(b.name, b.data) for b in code if b.format == "class"]
    found = list(dex_sites)
    if classes:
        found += callsites.find_class_file_call_sites(classes, caps, errors=warnings)
    package = inv.identity.package if inv is not None else None
    owners = OwnerIndex(index, builtin_libraries(), package, libraries)
    sites = assign_owners(found, owners, code, warnings)
    if inv is None:
        return sites
    return associated_targets(mark_dormant(sites, inv, caps), package)


def _own_target(target: str, package: str | None) -> bool:
    return bool(package) and (target == package or target.startswith(f"{package}."))


def associated_targets(
    sites: Sequence[CallSiteUse], package: str | None
) -> tuple[CallSiteUse, ...]:
    """Associated startup is starting *another* app. The reader records the target package a
    start / bind / broadcast or an intent setter names in `argument`: the app's own package
    (or one under it) is no associated startup, so the site is dropped; no known target leaves
    the site weak (listed, at most `low`)."""
    out = []
    for site in sites:
        if site.category == StartupKind.ASSOCIATED_STARTUP:
            if site.argument is not None and _own_target(site.argument, package):
                continue
            if site.argument is None:
                site = replace(site, strength=Strength.WEAK)
        out.append(site)
    return tuple(out)


def _counts(site: CallSiteUse) -> bool:
    # `active` compares `access` by identity; a call site built by hand may hold the plain
    # string "write", which equality still recognises.
    return site.active and site.access != ApiAccess.WRITE


def capability_uses(
    caps: Sequence[Capability],
    permissions: Sequence[PermissionFinding],
    startup: Sequence[StartupBehaviour],
    call_sites: Sequence[CallSiteUse],
) -> tuple[CapabilityUse, ...]:
    """How the app exercises each capability, for the categories it exercises at all.

    The one roll-up of permissions, startup behaviours and call sites per category: compare
    and the reports read it. Only active call sites count: writes (setting the clipboard),
    dormant code (the permission it needs is not requested) and library code acting for the
    app do not exercise a capability; they stay in `ScanResult.call_sites`."""
    uses = []
    for cap in caps:
        perms = tuple(p for p in permissions if cap.id in p.categories)
        starts = tuple(s for s in startup if s.kind == cap.id)
        calls = tuple(c for c in call_sites if c.category == cap.id and _counts(c))
        if perms or starts or calls:
            uses.append(
                CapabilityUse(
                    category=cap.id,
                    permissions=tuple(p.name for p in perms),
                    startup=len(starts),
                    call_sites=len(calls),
                    permission_findings=perms,
                    startup_behaviours=starts,
                    call_site_uses=calls,
                )
            )
    return tuple(uses)


def library_index_for(sdks: Sequence[SdkSignature]) -> LibraryIndex:
    """The library catalogue with every SDK prefix reserved (as call-site owners see it)."""
    return LibraryIndex(builtin_libraries(), reserved=[p for sig in sdks for p in sig.packages])


def index_for_app(
    inv: AppInventory, sdks: Sequence[SdkSignature], libraries: LibraryIndex | None = None
) -> tuple[SdkIndex, tuple[OwnNamespace, ...]]:
    """The SDK index for one app: the app's own namespace belongs to no SDK. `libraries` is
    `library_index_for(sdks)` when the caller already built it."""
    library_prefixes = tuple(p for lib in builtin_libraries() for p in lib.packages)
    plain = SdkIndex(sdks, library_prefixes=library_prefixes)
    if libraries is None:
        libraries = library_index_for(sdks)
    own = own_namespaces(inv, plain, libraries)
    if not own:
        return plain, own
    return SdkIndex(sdks, library_prefixes, tuple(n.prefix for n in own)), own


def _classified(
    inv: AppInventory, sdks: Sequence[SdkSignature], caps: Sequence[Capability]
) -> tuple[
    LibraryIndex,
    SdkIndex,
    tuple[OwnNamespace, ...],
    tuple[PermissionFinding, ...],
    tuple[StartupBehaviour, ...],
]:
    """What detect works out from the inventory alone: the library index (one per scan, for
    the namespace, the owners and unidentified code), the SDK index and own namespaces, the
    permissions and the startup behaviours."""
    libraries = library_index_for(sdks)
    index, own = index_for_app(inv, sdks, libraries)
    permissions = classify_permissions(inv, caps, permission_levels())
    startup = detect_startup(inv, caps, index)
    return libraries, index, own, permissions, startup


def detect(
    inv: AppInventory,
    sdks: Sequence[SdkSignature],
    caps: Sequence[Capability] | None = None,
    signature_sets: tuple[str, ...] = ("builtin",),
    code: Sequence[CodeBytes] | None = None,
    jobs: int | None = None,
) -> ScanResult:
    """Classify an inventory; with `code`, also find and attribute sensitive call sites."""
    caps = capabilities() if caps is None else caps
    warnings: list[str] = []
    if inv.ios is None and code is not None:
        from scanner.detect import callsites

        # The dex call-site workers start first: the classification below runs while they scan.
        with callsites.scanning(_dex_units(code), caps, jobs, warnings) as dex_sites:
            libraries, index, own, permissions, startup = _classified(inv, sdks, caps)
            call_sites = attributed_code_uses(
                dex_sites(), code, caps, index, warnings, inv, libraries
            )
    else:
        libraries, index, own, permissions, startup = _classified(inv, sdks, caps)
        call_sites = ()
    if inv.ios is not None:
        from scanner.detect.ios import ios_call_sites, usage_key_findings

        permissions = usage_key_findings(permissions, inv.ios)
        keys = [p.name for p in inv.permissions]
        sites = ios_call_sites(inv.ios, inv.native_libraries, caps, index, keys)
        call_sites = sites if code is not None else ()
    if warnings:
        inv = replace(inv, warnings=inv.warnings + tuple(warnings))
    by_package = classes_by_package(inv.class_names)  # once, for the SDK and unidentified passes
    return ScanResult(
        inventory=inv,
        permissions=permissions,
        startup=startup,
        sdks=detect_sdks(inv, index, call_sites, by_package),
        capabilities=capability_uses(caps, permissions, startup, call_sites),
        signature_sets=signature_sets,
        call_sites=call_sites,
        code_analysed=code is not None,
        own_namespaces=own,
        unidentified=find_unidentified(inv, index, libraries, own, by_package),
    )
