"""Requested permissions → protection level and capability categories; and whether the app's
permissions let a guarded API yield data at all (dormant call sites)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from scanner.detect.callsites import string_matches
from scanner.model import (
    AppInventory,
    CallSiteUse,
    CodeEvidenceKind,
    Evidence,
    EvidenceKind,
    PermissionElement,
    PermissionFinding,
    PermissionRequest,
    ProtectionLevel,
)
from scanner.signatures.catalog import Capability, categories_of_permission
from scanner.signatures.requirements import Requirement


def classify_permissions(
    inv: AppInventory, caps: Sequence[Capability], levels: Mapping[str, str]
) -> tuple[PermissionFinding, ...]:
    """One finding per distinct permission name, merging uses-permission and -sdk-23 entries."""
    by_name: dict[str, list[tuple[PermissionElement, int | None]]] = {}
    manifests: dict[str, dict[str, None]] = {}
    for req in inv.permissions:
        by_name.setdefault(req.name, []).append((req.element, req.max_sdk))
        manifests.setdefault(req.name, {})[req.manifest] = None
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
                evidence=Evidence(
                    EvidenceKind.PERMISSION, name, detail, ", ".join(manifests[name])
                ),
            )
        )
    return tuple(sorted(out, key=lambda p: p.name))


# --------------------------------------------------------------------------- dormant call sites

NO_MAX_SDK_PROBE = 10_000
"""Above every real API level: stands for "the newest Android" when probing."""


def held_at(requests: Sequence[PermissionRequest], sdk: int) -> frozenset[str]:
    """Permissions an app holding these manifest requests can be granted on API level `sdk`:
    `uses-permission-sdk-23` only applies from 23, `maxSdkVersion` ends a request after it."""
    return frozenset(
        r.name
        for r in requests
        if (r.element is not PermissionElement.USES_PERMISSION_SDK_23 or sdk >= 23)
        and (r.max_sdk is None or sdk <= r.max_sdk)
    )


@dataclass(frozen=True)
class Dormancy:
    """Whether a requirement can be met by an app, and what would meet it."""

    dormant: bool
    needs: tuple[str, ...]


def dormancy(
    requirement: Requirement, requests: Sequence[PermissionRequest], min_sdk: int, target_sdk: int
) -> Dormancy:
    """Dormant when on no API level from `min_sdk` on the requested permissions meet the
    requirement (a `none` level always does; an `unknown` one keeps it live). `needs` names the
    permissions of the levels that govern the app's range, the ordinary ones first."""
    probes = {min_sdk, 23, NO_MAX_SDK_PROBE}
    probes |= {r.max_sdk + 1 for r in requests if r.max_sdk is not None}
    for lvl in requirement.levels:
        probes |= {b for b in (lvl.from_sdk, lvl.until_sdk) if b is not None}
    answers: set[bool | None] = set()
    ordinary: list[str] = []
    privileged: list[str] = []
    for sdk in sorted(p for p in probes if p >= min_sdk):
        level = requirement.level_at(sdk, target_sdk)
        if level is None:
            continue
        answers.add(level.met_by(held_at(requests, sdk)))
        names = [p for group in level.groups for p in group]
        (privileged if level.privileged else ordinary).extend(names)
    needs = tuple(dict.fromkeys(ordinary or privileged))
    # No level governs the app's range at all: the data says nothing, so do not call it dormant.
    dormant = bool(answers) and True not in answers and None not in answers
    return Dormancy(dormant, needs)


def sdk_range(inv: AppInventory) -> tuple[int, int]:
    """(minSdk, targetSdk) as Android applies them: minSdk defaults to 1, targetSdk to minSdk."""
    min_sdk = inv.identity.min_sdk or 1
    return min_sdk, inv.identity.target_sdk or min_sdk


class RequirementIndex:
    """What each capability API, field and string needs, looked up by what a call site names.

    A call site does not record the overload it calls, so when several entries share a class
    and method, all of their requirements apply and the site is dormant only if every one is."""

    def __init__(self, caps: Sequence[Capability]) -> None:
        self._members: dict[tuple[str, str, str], list[Requirement]] = {}
        self._strings: dict[str, list[tuple[str, Requirement]]] = {}
        for cap in caps:
            for api in (*cap.apis, *cap.argument_gated_apis):
                if api.requires is not None:
                    key = (cap.id, api.class_name, api.method)
                    self._members.setdefault(key, []).append(api.requires)
            for f in cap.fields:
                if f.requires is not None:
                    key = (cap.id, f.class_name, f.field)
                    self._members.setdefault(key, []).append(f.requires)
            self._strings[cap.id] = list(cap.string_requirements)

    def requirements(self, site: CallSiteUse) -> tuple[Requirement, ...]:
        if site.evidence_kind is CodeEvidenceKind.CONST_STRING:
            return tuple(
                req
                for pattern, req in self._strings.get(site.category, ())
                if string_matches(pattern, site.api_class)
            )
        return tuple(self._members.get((site.category, site.api_class, site.api_method), ()))


def mark_dormant(
    sites: Sequence[CallSiteUse], inv: AppInventory, caps: Sequence[Capability]
) -> tuple[CallSiteUse, ...]:
    """Fill `dormant` and `needs` of each call site from the app's requested permissions.

    Only an APK's manifest is the final word on its permissions: a jar or an aar is merged
    into a host app that may request more, so its call sites get `needs` but are never
    dormant."""
    final = inv.identity.kind.final_manifest
    index = RequirementIndex(caps)
    min_sdk, target_sdk = sdk_range(inv)
    memo: dict[tuple[Requirement, ...], Dormancy] = {}
    out = []
    for site in sites:
        reqs = index.requirements(site)
        if not reqs:
            out.append(site)
            continue
        verdict = memo.get(reqs)
        if verdict is None:
            each = [dormancy(r, inv.permissions, min_sdk, target_sdk) for r in reqs]
            verdict = memo[reqs] = Dormancy(
                all(d.dormant for d in each),
                tuple(dict.fromkeys(p for d in each for p in d.needs)),
            )
        out.append(replace(site, dormant=final and verdict.dormant, needs=verdict.needs))
    return tuple(out)
