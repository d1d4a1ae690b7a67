"""Split-APK sets: what a team uploads or side-loads when the app is not one APK.

Three packagings of the same thing, a base APK plus config splits (`lib/<abi>`, densities,
languages) and feature splits (more dex):

- `.apks` (bundletool): `splits/*.apk` or `standalone/*.apk`, and a `toc.pb`;
- `.xapk`: `<package>.apk` and `config.*.apk` at the root, a `manifest.json`, maybe `Android/obb/`;
- `.apkm`: APKs at the root and an `info.json`.

They are read as one app. The base is the APK whose `<manifest>` carries no `split` attribute
(the one `toc.pb` / `manifest.json` calls the base when there are several; what those index
files claim is checked against the APKs, set_index.py);
its paths are reported as in a lone APK, so a set and its base APK read alike, and everything a
split adds is named `<split entry>!<path>` (`splits/arm64_v8a.apk!lib/arm64-v8a/libfoo.so`).

Bounds: each inner APK is inflated through the outer `ZipReader` (per-entry and total caps) and
read from memory by a `ZipReader` whose total cap is what the outer budget has left, so the set
and everything inside it together never inflate past `Limits.max_total_bytes`; the code kept for
the call-site scan is checked against `Limits.max_code_bytes` over all the APKs. Inner APKs are
read as APKs only, never as sets, so nesting stops at one level.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from scanner.errors import AppInputError
from scanner.extract.archive import Limits, ZipReader, opened
from scanner.extract.formats.apk import read_apk_container, split_name
from scanner.extract.formats.common import ROOT_DEX, check_code_size
from scanner.extract.formats.interface import AppReader, CodeBytes, ExtractedApp
from scanner.extract.formats.set_index import SetIndex, read_index
from scanner.extract.formats.zipped import ZIP_MAGIC, has_class_files
from scanner.limits import MAX_ASSETS_LISTED, MAX_CLASSES
from scanner.model import AppInventory, AppKind

_INNER_APK = re.compile(r"^(?:splits/|standalone/)?[^/\\]+\.apk$")
_BASE_NAMES = ("base-master.apk", "base.apk")
"""bundletool's and APKMirror's names for the base; an xapk names it `<package>.apk`."""

NO_BASE = "a split-APK set without a base APK (only config splits)"

T = TypeVar("T")


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


@dataclass(frozen=True)
class _Inner:
    entry: str
    split: str | None
    app: ExtractedApp


class SplitSetReader(AppReader):
    name = AppKind.APKS.value
    suffixes = (".apks", ".xapk", ".apkm")

    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        """APKs in the documented places and nothing an APK, aar or jar has at its root, so no
        file another reader claims is claimed here."""
        if zip_names is None or head[:4] not in ZIP_MAGIC:
            return False
        if "AndroidManifest.xml" in zip_names or has_class_files(zip_names):
            return False
        if any(ROOT_DEX.match(n) for n in zip_names):
            return False
        return any(_INNER_APK.match(n) for n in zip_names)

    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        with opened(path, limits, container) as zf:
            unsafe = sorted(n for n in zf.names() if _unsafe(n))
            if unsafe:
                raise AppInputError(path, f"entry name escapes the archive: {unsafe[0]!r}")
            entries = sorted(n for n in zf.names() if _INNER_APK.match(n))
            inner: list[_Inner] = []
            spent = 0
            for entry in entries:
                # The outer reader counted the inner APKs' bytes; what each inner archive
                # inflates is counted here, so the two together stay under the one cap.
                budget = max(limits.max_total_bytes - zf.inflated - spent, 0)
                one, inflated = _read_inner(path, zf, entry, keep_code, budget)
                inner.append(one)
                spent += inflated
            kept = sum(len(c.data) for i in inner for c in i.app.code)
            check_code_size(zf, kept)
            index = read_index(zf)
        return _merge(path, inner, index)


def _read_inner(
    path: Path, outer: ZipReader, entry: str, keep_code: bool, budget: int
) -> tuple[_Inner, int]:
    source = Path(f"{path}!{entry}")
    data = outer.read(entry)
    with ZipReader(source, replace(outer.limits, max_total_bytes=budget), data=data) as zf:
        if not zf.has("AndroidManifest.xml"):
            raise AppInputError(source, "APK has no AndroidManifest.xml")
        app = read_apk_container(source, zf, keep_code)
        split = split_name(zf.read("AndroidManifest.xml", cap=zf.limits.max_manifest_bytes), entry)
        inflated = zf.inflated
        if zf.dex_prefix is not None:
            # A Janus-layout inner APK: flagged for the set, as for a lone APK.
            inv = app.inventory
            prefix = replace(zf.dex_prefix, entry=entry)
            warning = (
                f"a {prefix.size}-byte dex file (version {prefix.version}) precedes this APK's "
                "zip archive (Janus layout, CVE-2017-13156): the archive after it was scanned"
            )
            app = replace(
                app,
                inventory=replace(inv, dex_prefix=prefix, warnings=(*inv.warnings, warning)),
            )
    return _Inner(entry, split, app), inflated


def _pick_base(
    path: Path, inner: list[_Inner], index: SetIndex
) -> tuple[_Inner, list[_Inner], list[str]]:
    bases = [i for i in inner if i.split is None]
    if not bases:
        raise AppInputError(path, NO_BASE)
    warnings: list[str] = []
    # The index's base first, if its manifest agrees it is complete; then the usual names.
    base = next((b for b in bases if b.entry in index.base_entries), None)
    base = base or next((b for b in bases if b.entry.rsplit("/", 1)[-1] in _BASE_NAMES), None)
    if base is None:
        package = bases[0].app.inventory.identity.package
        base = next((b for b in bases if b.entry == f"{package}.apk"), bases[0])
    for other in bases:
        if other is not base:
            warnings.append(
                f"{other.entry}: another complete APK in the set (a standalone variant), "
                f"not read; {base.entry} was"
            )
    splits = [i for i in inner if i.split is not None]
    return base, splits, warnings


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


def _merge(path: Path, inner: list[_Inner], index: SetIndex) -> ExtractedApp:
    base, splits, warnings = _pick_base(path, inner, index)
    inv = base.app.inventory
    warnings += index.check(inv.identity.package, {i.entry: i.split for i in inner})
    parts = [inv] + [s.app.inventory for s in splits]
    prefixes = [""] + [f"{s.entry}!" for s in splits]

    def named(prefix: str, text: str) -> str:
        return prefix + text

    natives = tuple(
        replace(lib, path=named(p, lib.path))
        for inv_, p in zip(parts, prefixes, strict=True)
        for lib in inv_.native_libraries
    )
    units = tuple(
        replace(u, path=named(p, u.path))
        for inv_, p in zip(parts, prefixes, strict=True)
        for u in inv_.code_units
    )
    code = tuple(
        CodeBytes(name=named(p, c.name), format=c.format, data=c.data)
        for app, p in zip([base.app] + [s.app for s in splits], prefixes, strict=True)
        for c in app.code
    )
    # A split's manifest entries name its manifest, as its paths name its entry.
    permissions = [
        replace(p, manifest=named(prefix, p.manifest)) if prefix else p
        for part, prefix in zip(parts, prefixes, strict=True)
        for p in part.permissions
    ]
    seen_components: dict[tuple[str, str], None] = {}
    components = []
    for part, prefix in zip(parts, prefixes, strict=True):
        for c in part.components:
            if (c.kind, c.name) not in seen_components:
                seen_components[(c.kind, c.name)] = None
                components.append(replace(c, manifest=named(prefix, c.manifest)) if prefix else c)
    classes = sorted({c for part in parts for c in part.class_names})
    if len(classes) > MAX_CLASSES:
        # Each APK is held to the cap alone; the set as a whole is held to it too.
        warnings.append(f"class limit {MAX_CLASSES} reached over the set's APKs, rest not listed")
        classes = classes[:MAX_CLASSES]
    prefixed = next((p.dex_prefix for p in parts if p.dex_prefix is not None), None)
    merged: AppInventory = replace(
        inv,
        dex_prefix=prefixed,
        identity=replace(inv.identity, kind=AppKind.APKS, path=str(path)),
        permissions=_unique(permissions),
        components=tuple(components),
        meta_data=_unique(
            replace(m, manifest=named(prefix, m.manifest)) if prefix else m
            for part, prefix in zip(parts, prefixes, strict=True)
            for m in part.meta_data
        ),
        queries=_unique(q for part in parts for q in part.queries),
        native_libraries=tuple(sorted(natives, key=lambda lib: lib.path)),
        code_units=units,
        class_names=tuple(classes),
        assets=_unique(
            named(p, a) for part, p in zip(parts, prefixes, strict=True) for a in part.assets
        )[:MAX_ASSETS_LISTED],
        warnings=tuple(
            [*inv.warnings, *warnings]
            + [
                named(p, w)
                for part, p in zip(parts[1:], prefixes[1:], strict=True)
                for w in part.warnings
            ]
        ),
    )
    return ExtractedApp(merged, code)
