"""Unidentified third-party code: what the app embeds that no signature names.

A compliance gate that says nothing about code it does not know passes an app whose SDK nobody
disclosed. So every piece of code that is neither the app's own (`scanner.detect.namespace`) nor
a known SDK or library is listed, with its size and evidence, for a reviewer to identify:

- a **package**: readable classes grouped by vendor. The group is the shortest package prefix of
  two segments or more (three under hosting roots such as `com.github` or `org.apache`) that
  holds no known SDK, library or own prefix, so `org.java_websocket.client` and
  `org.java_websocket.framing` are one entry, while `com.netease.wifi` stays apart from the
  app's own `com.netease.nie`. A group needs at least `MIN_CLASSES` classes: fewer are a
  handful of helpers (an annotation jar, a copied utility class) that a reviewer cannot act on;
- a **native library** or **framework** (Mach-O): a binary no SDK names, whose JNI / Objective-C
  classes are not SDK code and not all the app's or a library's, and which is not the C++
  runtime or named after the app (`librootcloak.so` in `com.devadvance.rootcloak2`).

Never listed: R8-renamed classes (their names say nothing: `OwnerKind.UNKNOWN`), the default
package, and the platform (Android framework, AndroidX, Java, Kotlin packages that apps and
test builds bundle), which is library code even where the library catalogue has no file for it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from scanner.detect.namespace import in_namespace
from scanner.detect.ownership import is_minified
from scanner.detect.sdks import SdkIndex, classes_by_package
from scanner.model import (
    AppInventory,
    Evidence,
    EvidenceKind,
    NativeFormat,
    NativeLibrary,
    OwnNamespace,
    UnidentifiedCode,
    UnidentifiedKind,
)
from scanner.signatures.libraries import LibraryIndex

MIN_CLASSES = 10
"""Fewer readable classes than this under one vendor prefix are not listed."""

MAX_EVIDENCE = 5

PLATFORM_PACKAGES = (
    "android",
    "androidx",
    "com.android",
    "dalvik",
    "java",
    "javax",
    "jdk",
    "sun",
    "libcore",
    "kotlin",
    "kotlinx",
    "org.w3c",
    "org.xml",
    "org.json",
    "org.apache.http",
    "junit",
    "org.intellij.lang",
    "org.jetbrains.annotations",
)
"""The Android framework and the Java / Kotlin runtime: part of the platform, bundled by test
builds and by apps that compile against hidden APIs (stubs of android.*)."""

HOSTING_ROOTS = frozenset(
    {
        "com.github",
        "io.github",
        "com.googlecode",
        "com.google",
        "org.apache",
        "org.eclipse",
        "net.sourceforge",
        "net.java",
        "com.gitee",
        "io.gitee",
    }
)
"""Two-segment roots that name a forge or a foundation, not a vendor: one segment deeper."""

RUNTIME_LIBRARIES = frozenset(
    {"libc++_shared.so", "libc++.so", "libgnustl_shared.so", "libstlport_shared.so"}
)
"""The C++ runtime the NDK ships beside native code: no vendor's."""

MAX_TLD_LENGTH = 4
"""com, org, net, io, cn, de, mobi, info: top-level packages named after a domain suffix."""

_TOKEN = re.compile(r"[A-Za-z]+")


def _ancestors_and_self(prefixes: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for prefix in prefixes:
        parts = prefix.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(out)


def _domain_like(segment: str) -> bool:
    """A top-level segment that reads as a domain suffix (com, org, io, mobi), so the vendor is
    the next segment; `java_cup` or `freemarker` name the project themselves."""
    return segment.isalpha() and len(segment) <= MAX_TLD_LENGTH


_PLATFORM = frozenset(PLATFORM_PACKAGES)
_PLATFORM_DEPTH = max(p.count(".") + 1 for p in PLATFORM_PACKAGES)


def _is_platform(package: str) -> bool:
    parts = package.split(".", _PLATFORM_DEPTH)
    return any(".".join(parts[:depth]) in _PLATFORM for depth in range(1, _PLATFORM_DEPTH + 1))


class _Grouper:
    """The vendor prefix a package is listed under, memoised per package."""

    def __init__(self, known: Iterable[str]) -> None:
        self._covered = _ancestors_and_self(known)
        self._cache: dict[str, str] = {}

    def key(self, package: str) -> str:
        hit = self._cache.get(package)
        if hit is None:
            parts = package.split(".")
            start = 3 if ".".join(parts[:2]) in HOSTING_ROOTS else 2
            if not _domain_like(parts[0]):
                start = 1
            hit = package
            for depth in range(start, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix not in self._covered:
                    hit = prefix
                    break
            self._cache[package] = hit
        return hit


def _own(class_name: str, own: Sequence[OwnNamespace]) -> bool:
    return any(n.prefix and in_namespace(class_name, n.prefix) for n in own)


def _unidentified_packages(
    inv: AppInventory,
    index: SdkIndex,
    libraries: LibraryIndex,
    own: Sequence[OwnNamespace],
    by_package: Mapping[str, list[str]],
) -> list[UnidentifiedCode]:
    known = [p for s in index.signatures for p in s.packages]
    known += [p for lib in libraries.libraries for p in lib.packages]
    known += [n.prefix for n in own if n.prefix]
    grouper = _Grouper(known)
    groups: dict[str, Counter[str]] = {}
    for package, classes in by_package.items():
        if not package:
            continue  # the default package: R8 output or the app's own
        if _is_platform(package) or _own(package + ".", own):
            continue
        if libraries.owner_of_package(package) or index.owners_of_package(package):
            continue  # every class of the package is known (a component claim only narrows)
        # No package owner here: a class can still be an SDK's by a component pattern or an
        # εxodus regex; where neither can name one, the per-class look-up is skipped.
        per_class = index.may_claim(package) or index.has_class_regexes
        count = sum(
            1
            for cls in classes
            if not is_minified(cls) and not (per_class and index.owners_of_class(cls))
        )
        if count:
            groups.setdefault(grouper.key(package), Counter())[package] += count
    units = ", ".join(u.path for u in inv.code_units)
    out = []
    for name, packages in groups.items():
        total = sum(packages.values())
        if total < MIN_CLASSES:
            continue
        evidence = [
            Evidence(EvidenceKind.CLASS_PACKAGE, package, f"{count} classes", units)
            for package, count in packages.most_common(MAX_EVIDENCE)
        ]
        evidence += [
            Evidence(EvidenceKind.COMPONENT, c.name, c.kind.value, "AndroidManifest.xml")
            for c in inv.components
            if in_namespace(c.name, name)
        ][:MAX_EVIDENCE]
        out.append(UnidentifiedCode(UnidentifiedKind.PACKAGE, name, total, 0, tuple(evidence)))
    return out


def _named_after_app(lib_name: str, package: str | None) -> bool:
    """`librootcloak.so` in `com.devadvance.rootcloak2`: a library named after the app."""
    if not package:
        return False
    stem = lib_name.removeprefix("lib").split(".so", 1)[0].lower()
    segments = [t.lower() for t in _TOKEN.findall(package) if len(t) > 3]
    tokens = [t.lower() for t in _TOKEN.findall(stem) if len(t) > 3]
    return any(t.startswith(s) or s.startswith(t) for t in tokens for s in segments)


def _binary_is_known(
    lib: NativeLibrary, index: SdkIndex, libraries: LibraryIndex, own: Sequence[OwnNamespace]
) -> bool:
    if index.native_lib_owners(lib.name):
        return True
    if any(index.owners_of_class(c) for c in lib.jni_classes):
        return True
    if any(index.objc_owners(c) for c in lib.objc_classes):
        return True
    return bool(lib.jni_classes) and all(
        _own(c, own) or libraries.owner_of(c) or _is_platform(c) for c in lib.jni_classes
    )


def _unidentified_binaries(
    inv: AppInventory, index: SdkIndex, libraries: LibraryIndex, own: Sequence[OwnNamespace]
) -> list[UnidentifiedCode]:
    by_name: dict[str, list[NativeLibrary]] = {}
    for lib in inv.native_libraries:
        if lib.name in RUNTIME_LIBRARIES or _named_after_app(lib.name, inv.identity.package):
            continue
        if not _binary_is_known(lib, index, libraries, own):
            by_name.setdefault(lib.name, []).append(lib)
    out = []
    for name, copies in by_name.items():
        macho = any(c.format is NativeFormat.MACHO for c in copies)
        kind = UnidentifiedKind.FRAMEWORK if macho else UnidentifiedKind.NATIVE_LIBRARY
        classes = max(len(c.jni_classes) + len(c.objc_classes) for c in copies)
        evidence = [
            Evidence(EvidenceKind.NATIVE_LIBRARY, name, c.abi or "", c.path)
            for c in copies[:MAX_EVIDENCE]
        ]
        sample = next((c for c in copies if c.jni_classes or c.objc_classes), None)
        if sample is not None:
            defined = [*sample.jni_classes, *sample.objc_classes][:3]
            kind_of = EvidenceKind.JNI_CLASS if sample.jni_classes else EvidenceKind.OBJC_CLASS
            evidence.append(Evidence(kind_of, name, "defines " + ", ".join(defined), sample.path))
        size = max(c.size for c in copies)
        out.append(UnidentifiedCode(kind, name, classes, size, tuple(evidence)))
    return out


def find_unidentified(
    inv: AppInventory,
    index: SdkIndex,
    libraries: LibraryIndex,
    own: Sequence[OwnNamespace],
    by_package: Mapping[str, list[str]] | None = None,
) -> tuple[UnidentifiedCode, ...]:
    """Every unidentified package group and binary of the app, biggest first. `by_package` is
    `classes_by_package(inv.class_names)` when the caller already has it."""
    if by_package is None:
        by_package = classes_by_package(inv.class_names)
    packages = _unidentified_packages(inv, index, libraries, own, by_package)
    binaries = _unidentified_binaries(inv, index, libraries, own)
    packages.sort(key=lambda u: (-u.class_count, u.name))
    binaries.sort(key=lambda u: (-u.size, u.name))
    return tuple(packages + binaries)


def identified_share(
    inv: AppInventory, index: SdkIndex, libraries: LibraryIndex, own: Sequence[OwnNamespace]
) -> tuple[int, int]:
    """(identified, all) readable third-party classes of an app: classes outside the app's own
    namespace, the platform and R8-renamed code, and how many of them a known SDK or library
    owns. The rest is unidentified (listed by `find_unidentified` when the group is big)."""
    identified = total = 0
    for cls in inv.class_names:
        cut = cls.rfind(".")
        if cut <= 0 or is_minified(cls) or _own(cls, own) or _is_platform(cls[:cut]):
            continue
        total += 1
        if index.owners_of_class(cls) or libraries.owner_of(cls):
            identified += 1
    return identified, total
