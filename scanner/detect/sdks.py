"""SDK detection: which third-party SDKs an inventory embeds, each with all its evidence.

Class ownership is decided per Java package, most specific signature package first, so a class
in `com.google.android.gms.ads.identifier` belongs to the advertising-ID client and not to AdMob
(`com.google.android.gms.ads`). SDKs with only a handful of classes and no other evidence are
reported as stubs, not as embedded SDKs; SDKs named only by manifest entries (a meta-data key, a
component) with no class at all are reported as declared.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from scanner.detect.matching import ClassRegexIndex, DottedGlobIndex, GlobIndex
from scanner.model import (
    AppInventory,
    CallSiteUse,
    Evidence,
    EvidenceKind,
    SdkDetection,
    SdkStatus,
)
from scanner.signatures.catalog import SdkSignature

MAX_PACKAGE_EVIDENCE = 8
MAX_MINIFIED_SEGMENT = 2
"""R8 names packages a, b, ..., aa, ab (the same bound as `ownership.is_minified`)."""


def _package_of(class_name: str) -> str:
    return class_name.rsplit(".", 1)[0] if "." in class_name else ""


def classes_by_package(class_names: Iterable[str]) -> dict[str, list[str]]:
    """Classes by package in first-seen order, the default package under "". Built once per
    scan by `detect` for the SDK and the unidentified-code passes (3 ms on 13,000 classes)."""
    by_package: dict[str, list[str]] = {}
    for cls in class_names:
        by_package.setdefault(_package_of(cls), []).append(cls)
    return by_package


@dataclass
class SdkIndex:
    """Lookup structures built once from a set of signatures."""

    signatures: Sequence[SdkSignature]
    library_prefixes: tuple[str, ...] = ()
    """Packages of the library catalogue: a vendor root with a library under it is not one
    SDK's (see `_vendor_roots`)."""
    own: tuple[str, ...] = ()
    """The app's own namespaces (`scanner.detect.namespace`): a class there belongs to no SDK
    unless an SDK prefix (or component pattern) strictly inside the namespace holds it."""
    _package_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)
    _own_root_cache: dict[str, str | None] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def by_id(self) -> dict[str, SdkSignature]:
        return {s.id: s for s in self.signatures}

    @cached_property
    def _prefix_owners(self) -> dict[str, tuple[str, ...]]:
        owners: dict[str, list[str]] = {}
        for sig in self.signatures:
            for prefix in sig.packages:
                owners.setdefault(prefix, []).append(sig.id)
        return {k: tuple(v) for k, v in owners.items()}

    @cached_property
    def _excludes(self) -> dict[str, tuple[str, ...]]:
        return {s.id: s.exclude_packages for s in self.signatures if s.exclude_packages}

    @cached_property
    def _regexes(self) -> ClassRegexIndex:
        return ClassRegexIndex((r, s.id) for s in self.signatures for r in s.class_regexes)

    def owners_of_package(self, package: str) -> tuple[str, ...]:
        """SDK ids owning classes directly in `package` (the longest matching prefix wins)."""
        cache = self._package_cache
        hit = cache.get(package)
        if hit is not None:
            return hit
        result: tuple[str, ...] | None = None
        candidate = package
        own = self._own_set
        while candidate:
            if candidate in own:
                result = ()
                break
            owners = self._prefix_owners.get(candidate)
            if owners:
                result = tuple(o for o in owners if not self._excluded(o, package))
                break
            candidate = candidate.rsplit(".", 1)[0] if "." in candidate else ""
        if result is None:
            result = self._obfuscated_owner(package)
        cache[package] = result
        return result

    @cached_property
    def _vendor_roots(self) -> dict[str, str]:
        """Vendor root -> the SDK whose prefix holds every known prefix under that root.

        R8 renames an SDK's internals into short packages beside its readable one: JPush ships
        `cn.jpush.android` and, obfuscated, `cn.jpush.a`, `cn.jpush.b`. A root is the parent of
        an SDK prefix (two segments at least) that no SDK claims itself; it counts only when one
        SDK prefix holds every SDK and library prefix under it (`cn.jpush.android` holds JCore's
        `cn.jpush.android.service`). Under `com.google` many unrelated SDKs and libraries sit
        side by side: nobody can say whose renamed code is there, so it is left out."""
        owner_of_prefix: dict[str, str] = {}
        for sig in self.signatures:
            for prefix in sig.packages:
                owner_of_prefix.setdefault(prefix, sig.id)
        known = sorted({*owner_of_prefix, *self.library_prefixes})
        # A signature that names the root outright decides it (and a claim by two decides nothing).
        claims: dict[str, list[str]] = {}
        for sig in self.signatures:
            for root in sig.renamed_under:
                claims.setdefault(root, []).append(sig.id)
        roots = {root: ids[0] for root, ids in claims.items() if len(ids) == 1}
        for prefix in owner_of_prefix:
            root = _package_of(prefix)
            if "." not in root or root in owner_of_prefix or root in roots or root in claims:
                continue
            start = bisect_left(known, root + ".")
            end = bisect_left(known, root + "/")  # '/' sorts right after '.'
            inside = known[start:end]
            top = min(inside, key=len)
            if top in owner_of_prefix and all(p == top or p.startswith(top + ".") for p in inside):
                roots[root] = owner_of_prefix[top]
        return roots

    def _obfuscated_owner(self, package: str) -> tuple[str, ...]:
        """The SDK of a vendor root whose renamed sub-package this is (`cn.jpush.a.b`)."""
        parts = package.split(".")
        for depth in range(len(parts) - 1, 1, -1):
            sid = self._vendor_roots.get(".".join(parts[:depth]))
            if sid is not None:
                rest = parts[depth:]
                if all(len(p) <= MAX_MINIFIED_SEGMENT for p in rest):
                    return (sid,)
                return ()
        return ()

    @cached_property
    def _own_set(self) -> frozenset[str]:
        return frozenset(p for p in self.own if p)

    def own_root(self, class_name: str) -> str | None:
        """The most specific own namespace holding a dotted class, or None (per package)."""
        package = _package_of(class_name)
        cache = self._own_root_cache
        if package in cache:
            return cache[package]
        found, own, candidate = None, self._own_set, package
        while candidate:
            if candidate in own:
                found = candidate
                break
            candidate = _package_of(candidate)
        cache[package] = found
        return found

    def _excluded(self, sdk_id: str, package: str) -> bool:
        return any(
            package == ex or package.startswith(ex + ".") for ex in self._excludes.get(sdk_id, ())
        )

    @cached_property
    def _components(self) -> DottedGlobIndex:
        return DottedGlobIndex((p, s.id) for s in self.signatures for p in s.components)

    @cached_property
    def _native_libs(self) -> GlobIndex:
        return GlobIndex((p, s.id) for s in self.signatures for p in s.native_libs)

    @cached_property
    def _meta_data(self) -> GlobIndex:
        return GlobIndex((p, s.id) for s in self.signatures for p in s.meta_data)

    @cached_property
    def _assets(self) -> GlobIndex:
        return GlobIndex((p, s.id) for s in self.signatures for p in s.assets)

    @cached_property
    def _objc_prefixes(self) -> GlobIndex:
        return GlobIndex(
            (_glob_escape(p) + "*", s.id) for s in self.signatures for p in s.objc_classes
        )

    def component_claims(self, class_name: str) -> tuple[str, ...]:
        """SDK ids whose component patterns name this class. A component is a class, so the SDK
        that declares it owns it even when another SDK's package prefix holds it: JCore ships
        cn.jpush.android.service.PushService, inside JPush's cn.jpush.android."""
        if not self._own_set:
            return self._components.matches(class_name)
        return self._components.matches(class_name, self.own_root(class_name) or "")

    @property
    def has_class_regexes(self) -> bool:
        """Imported εxodus trackers whose class regexes must be tried on single classes."""
        return bool(self._regexes)

    def may_claim(self, package: str) -> bool:
        """Whether a component pattern could name a class of `package`: most packages have none,
        and their classes need no per-class look-up."""
        return self._components.may_match(package)

    def code_claims(self, class_name: str) -> tuple[str, ...]:
        """The component claims on a class, narrowed to the SDK that owns the code when
        several SDKs name the same component: the one whose package prefix holds the class."""
        claimed = self.component_claims(class_name)
        if len(claimed) > 1:
            holders = set(self.owners_of_package(_package_of(class_name)))
            narrowed = tuple(sid for sid in claimed if sid in holders)
            return narrowed or claimed
        return claimed

    def owners_of_class(self, class_name: str) -> tuple[str, ...]:
        """SDK ids that a (dotted) class belongs to; empty for the app's own or unknown code."""
        claimed = self.code_claims(class_name)
        if claimed:
            return claimed
        owners = self.owners_of_package(_package_of(class_name))
        if owners or not self._regexes or (self._own_set and self.own_root(class_name)):
            return owners
        return self._regexes.matches(class_name)

    def owner_of_class(self, class_name: str) -> str | None:
        owners = self.owners_of_class(class_name)
        return owners[0] if owners else None

    def native_lib_owners(self, lib_name: str) -> tuple[str, ...]:
        return self._native_libs.matches(lib_name)

    def component_owners(self, component: str) -> tuple[str, ...]:
        """SDKs whose component patterns name it, else whose packages hold its class."""
        return self.component_claims(component) or self.owners_of_class(component)

    def meta_data_owners(self, key: str) -> tuple[str, ...]:
        return self._meta_data.matches(key)

    def asset_owners(self, asset: str) -> tuple[str, ...]:
        return self._assets.matches(asset)

    def objc_owners(self, objc_class: str) -> tuple[str, ...]:
        """SDKs one of whose Objective-C class prefixes starts this class name."""
        return self._objc_prefixes.matches(objc_class)

    def example_owners(self, example: str) -> set[str]:
        """Every SDK an example name (class, .so, component or meta-data key) is attributed to."""
        found = set(self.owners_of_class(example)) | set(self.meta_data_owners(example))
        found |= set(self.component_owners(example))
        if example.endswith(".so"):
            found |= set(self.native_lib_owners(example))
        return found


_DECLARATION_EVIDENCE = frozenset({EvidenceKind.META_DATA, EvidenceKind.COMPONENT})
"""Evidence that only names an SDK in the manifest: with no class of it, the SDK is declared
(an API key of a map SDK left in the manifest), not embedded."""


def detect_sdks(
    inv: AppInventory,
    index: SdkIndex,
    call_sites: Sequence[CallSiteUse] = (),
    by_package: Mapping[str, list[str]] | None = None,
) -> tuple[SdkDetection, ...]:
    """Apply every signature to the inventory. `call_sites` (owners filled in) tell which SDKs'
    code exercises a capability; `by_package` is `classes_by_package(inv.class_names)` when the
    caller already has it."""
    evidence: dict[str, list[Evidence]] = {}
    class_counts: Counter[str] = Counter()
    package_hits: dict[str, Counter[str]] = {}

    claimed: set[str] = set()
    if by_package is None:
        by_package = classes_by_package(inv.class_names)
    for package, classes in by_package.items():
        if not index.may_claim(package):
            continue
        for cls in classes:
            for sid in index.code_claims(cls):
                claimed.add(cls)
                class_counts[sid] += 1
                package_hits.setdefault(sid, Counter())[package] += 1
    # What no component names, per package: counted for the SDK whose prefix holds the package.
    unclaimed = {
        package: [c for c in classes if c not in claimed] if claimed else classes
        for package, classes in by_package.items()
    }
    for package, classes in unclaimed.items():
        for sid in index.owners_of_package(package) if classes else ():
            class_counts[sid] += len(classes)
            package_hits.setdefault(sid, Counter())[package] += len(classes)
    if index.has_class_regexes:
        for package, classes in unclaimed.items():
            if index.owners_of_package(package):
                continue
            for cls in classes:
                for sid in index.owners_of_class(cls):
                    class_counts[sid] += 1
                    package_hits.setdefault(sid, Counter())[package] += 1
    units = ", ".join(u.path for u in inv.code_units)
    for sid, hits in package_hits.items():
        sig = index.by_id[sid]
        top = _roll_up(hits, sig.packages)
        for package, count in top[:MAX_PACKAGE_EVIDENCE]:
            evidence.setdefault(sid, []).append(
                Evidence(EvidenceKind.CLASS_PACKAGE, package, f"{count} classes", units)
            )

    for lib in inv.native_libraries:
        for sid in index.native_lib_owners(lib.name):
            evidence.setdefault(sid, []).append(
                Evidence(EvidenceKind.NATIVE_LIBRARY, lib.name, lib.abi or "", lib.path)
            )
        jni_owners: dict[str, list[str]] = {}
        for cls in lib.jni_classes:
            for sid in index.owners_of_class(cls):
                jni_owners.setdefault(sid, []).append(cls)
        for sid, classes in jni_owners.items():
            evidence.setdefault(sid, []).append(
                Evidence(
                    EvidenceKind.JNI_CLASS,
                    lib.name,
                    "implements " + ", ".join(classes[:3]),
                    lib.path,
                )
            )
        for sid, owned in _objc_owners(lib.objc_classes, index).items():
            sample = owned[:3]
            evidence.setdefault(sid, []).append(
                Evidence(
                    EvidenceKind.OBJC_CLASS, lib.name, "defines " + ", ".join(sample), lib.path
                )
            )

    if inv.ios is not None:
        from scanner.detect.ios import bundle_evidence

        for sid, item in bundle_evidence(inv.ios, index):
            evidence.setdefault(sid, []).append(item)

    defined = frozenset(inv.class_names)
    for comp in inv.components:
        for sid in _component_code_owners(comp.name, index, defined, class_counts):
            evidence.setdefault(sid, []).append(
                Evidence(EvidenceKind.COMPONENT, comp.name, comp.kind.value, comp.manifest)
            )
    for meta in inv.meta_data:
        for sid in index.meta_data_owners(meta.name):
            evidence.setdefault(sid, []).append(
                Evidence(EvidenceKind.META_DATA, meta.name, meta.value or "", meta.manifest)
            )
    for asset in inv.assets:
        for sid in index.asset_owners(asset):
            evidence.setdefault(sid, []).append(Evidence(EvidenceKind.ASSET, asset, "", asset))

    exercised = {c.owner for c in call_sites if c.owner is not None and c.active}
    detections = []
    for sid, items in evidence.items():
        sig = index.by_id[sid]
        count = class_counts.get(sid, 0)
        strong = any(e.kind is not EvidenceKind.CLASS_PACKAGE for e in items)
        status = SdkStatus.PRESENT if strong or count >= sig.min_classes else SdkStatus.STUB
        if count == 0 and all(e.kind in _DECLARATION_EVIDENCE for e in items):
            status = SdkStatus.DECLARED
        detections.append(
            SdkDetection(
                sdk_id=sid,
                name=sig.name,
                vendor=sig.vendor,
                category=sig.category,
                tracking=sig.tracking,
                status=status,
                class_count=count,
                collects=sig.collects,
                evidence=tuple(_dedupe(items)),
                personal_data=bool(sig.collects) or sid in exercised,
            )
        )
    return tuple(sorted(detections, key=lambda d: (d.status is not SdkStatus.PRESENT, d.sdk_id)))


def _component_code_owners(
    component: str, index: SdkIndex, defined: frozenset[str], class_counts: Counter[str]
) -> tuple[str, ...]:
    """The SDKs a manifest component is evidence for. A component that several SDKs name
    counts for the one that owns its code: the one whose package prefix holds the class, else
    the class's owner when the class is in the app, else the claimants with classes in the
    app, else every claimant (declared)."""
    owners = index.component_owners(component)
    if len(owners) < 2:
        return owners
    holders = set(index.owners_of_package(_package_of(component)))
    if holders & set(owners):
        return tuple(sid for sid in owners if sid in holders)
    if component in defined:
        owner = index.owner_of_class(component)
        if owner in owners:
            return (owner,)
    with_code = tuple(sid for sid in owners if class_counts.get(sid, 0) > 0)
    return with_code or owners


def _roll_up(hits: Counter[str], prefixes: Sequence[str]) -> list[tuple[str, int]]:
    """Summarise per-package counts by the signature prefix each package sits under."""
    rolled: Counter[str] = Counter()
    for package, count in hits.items():
        best = max(
            (p for p in prefixes if package == p or package.startswith(p + ".")),
            key=len,
            default=package,
        )
        rolled[best] += count
    return rolled.most_common()


def _objc_owners(classes: Sequence[str], index: SdkIndex) -> dict[str, list[str]]:
    """SDK id -> the Objective-C classes of one binary it owns, SDKs in signature order."""
    owned: dict[str, list[str]] = {}
    for cls in classes:
        for sid in index.objc_owners(cls):
            owned.setdefault(sid, []).append(cls)
    rank = {s.id: i for i, s in enumerate(index.signatures)}
    return dict(sorted(owned.items(), key=lambda item: rank[item[0]]))


def _glob_escape(text: str) -> str:
    """`text` as a literal fnmatch pattern (an Objective-C prefix holds no wildcard, but a
    user's signature might)."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


def _dedupe(items: Iterable[Evidence]) -> list[Evidence]:
    seen: set[Evidence] = set()
    out = []
    for e in items:
        if e not in seen:
            seen.add(e)
            out.append(e)
    return out
