"""The app's own namespace: the packages whose code is the app's, never an SDK's.

Only an installable app (APK, split set) has one: a jar or aar is an SDK's or a library's own
artefact, and its manifest package is that SDK's. Decided from, in order:

1. the manifest package (`cn.sharesdk.demo`): always the app's, even inside an SDK prefix
   (`cn.sharesdk`), since a vendor's demo app is not its SDK; an SDK prefix strictly inside it
   still counts for the SDK (`com.example` app, `com.example.sdk` SDK);
2. the manifest package's parent, when the package has four or more segments
   (`com.netease.nie.yosemite` -> `com.netease.nie`): build variants and modules put code beside
   the manifest package (`.debug`, `.core`). Only when no SDK or library holds the parent or
   anything under it, so an SDK's own sample app (`com.alipay.sdk.demo`) keeps its SDK;
3. the package of the application class (`<application android:name>`) and of each launcher
   activity (MAIN / LAUNCHER), cut to three segments, when it is the manifest package's vendor
   (same first two segments: `com.brand.core` for `com.brand.app.lite`) and no SDK or library
   holds it or lies inside it. An entry point in another vendor's namespace is not taken: a
   packer's stub Application (`com.stub.StubApp`), an ad SDK's splash activity or MultiDex's
   Application are exactly the third-party code this scan must not hide;
4. the largest obfuscated root: the top-level package (or the default package) holding the most
   R8-renamed classes that no SDK or library claims. R8 moves the app's code there with
   `-repackageclasses`; the names say nothing, so this code is the app's or unknown, never an
   unidentified third party.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from scanner.detect.ownership import is_minified
from scanner.detect.sdks import SdkIndex
from scanner.model import AppInventory, Component, ComponentKind, OwnNamespace
from scanner.signatures.libraries import LibraryIndex

LAUNCHER_DEPTH = 3
MIN_PARENT_SEGMENTS = 3
MIN_OBFUSCATED_ROOT = 10
"""Fewer R8-renamed classes than this are not a root worth naming."""


def in_namespace(class_name: str, prefix: str) -> bool:
    """True when the dotted class sits in `prefix` or under it ('' = the default package)."""
    if not prefix:
        return "." not in class_name
    return class_name.startswith(prefix + ".")


def _held(package: str, known: Iterable[str]) -> bool:
    """True when a known prefix holds `package`, or lies inside it."""
    return any(
        package == k or package.startswith(k + ".") or k.startswith(package + ".") for k in known
    )


def _is_launcher(comp: Component) -> bool:
    return comp.kind is ComponentKind.ACTIVITY and any(
        "android.intent.action.MAIN" in f.actions
        and "android.intent.category.LAUNCHER" in f.categories
        for f in comp.intent_filters
    )


def own_namespaces(
    inv: AppInventory, sdks: SdkIndex, libraries: LibraryIndex
) -> tuple[OwnNamespace, ...]:
    """The app's own namespaces, most certain first (empty for a jar, aar or native binary)."""
    if not inv.identity.kind.final_manifest:
        return ()
    known = [p for s in sdks.signatures for p in s.packages]
    known += [p for lib in libraries.libraries for p in lib.packages]
    found: dict[str, str] = {}
    package = inv.identity.package or ""
    if package:
        found[package] = "manifest package"
        parts = package.split(".")
        parent = ".".join(parts[:-1])
        if len(parts) > MIN_PARENT_SEGMENTS and not _held(parent, known):
            found.setdefault(parent, f"parent of the manifest package {package}")
    vendor = package.split(".")[:2]
    entry_points = [("application class", inv.identity.application_class)]
    entry_points += [("launcher activity", c.name) for c in inv.components if _is_launcher(c)]
    for what, name in entry_points:
        if not name or "." not in name or any(in_namespace(name, p) for p in found):
            continue
        root = ".".join(name.rsplit(".", 1)[0].split(".")[:LAUNCHER_DEPTH])
        if len(vendor) == 2 and root.split(".")[:2] == vendor and not _held(root, known):
            found.setdefault(root, f"package of the {what} {name}")
    roots: Counter[str] = Counter()
    for cls in inv.class_names:
        if is_minified(cls) and not sdks.owners_of_class(cls) and not libraries.owner_of(cls):
            roots[cls.split(".", 1)[0] if "." in cls else ""] += 1
    if roots:
        root, count = roots.most_common(1)[0]
        if count >= MIN_OBFUSCATED_ROOT and root not in found:
            where = f"package {root}" if root else "the default package"
            found.setdefault(root, f"largest obfuscated root: {count} renamed classes in {where}")
    return tuple(OwnNamespace(prefix, reason) for prefix, reason in found.items())
