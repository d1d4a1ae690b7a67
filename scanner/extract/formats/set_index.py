"""What a split-APK set says about itself: bundletool's `toc.pb`, an xapk's `manifest.json`.

Both are optional and written by the tool that made the set, so they are read as claims to
check against the APKs, never trusted over them: the package they name, which entry is the base
and what each split is called. A missing index is normal (an `.apkm` has none, many `.apks` omit
it); an unreadable one is a warning, not an error, since the APKs themselves are still there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from scanner.errors import AppInputError
from scanner.extract.archive import ZipReader

TOC = "toc.pb"
XAPK_MANIFEST = "manifest.json"
_MAX_INDEX_BYTES = 16 << 20
"""An index lists a few hundred APKs at most; anything bigger is not one."""


@dataclass(frozen=True)
class SetIndex:
    """The claims of a set's index file."""

    source: str
    """toc.pb or manifest.json; empty when the set has none."""
    package: str | None = None
    base_entries: frozenset[str] = frozenset()
    """Entries the index calls the base (the base module's master split)."""
    splits: dict[str, str] = field(default_factory=dict)
    """Entry -> the split name the index gives it (config.arm64_v8a, a feature's name)."""
    warnings: tuple[str, ...] = ()

    def check(self, package: str | None, splits: Mapping[str, str | None]) -> list[str]:
        """Warnings where the APKs (entry -> the split their manifest names, None for a
        complete APK) and the index disagree."""
        out = list(self.warnings)
        entries = list(splits)
        for entry, claimed in sorted(self.splits.items()):
            actual = splits.get(entry, claimed)
            if actual != claimed:
                out.append(
                    f"{self.source}: calls {entry!r} the split {claimed!r}, its manifest "
                    + (f"{actual!r}" if actual else "no split (a complete APK)")
                )
        if self.package and package and self.package != package:
            out.append(
                f"{self.source}: names the package {self.package!r}, the base APK is {package!r}"
            )
        listed = set(self.splits) | self.base_entries
        missing = sorted(listed - set(entries))
        if missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            out.append(f"{self.source}: lists {missing[0]!r}{more}, not in the set")
        return out


_Parser = Callable[[bytes], SetIndex]


def read_index(zf: ZipReader) -> SetIndex:
    """The set's index: toc.pb first, else manifest.json, else none."""
    if zf.has(TOC):
        return _guarded(zf, TOC, _toc)
    if zf.has(XAPK_MANIFEST):
        return _guarded(zf, XAPK_MANIFEST, _xapk)
    return SetIndex("")


def _guarded(zf: ZipReader, name: str, parse: _Parser) -> SetIndex:
    data = zf.read(name, cap=_MAX_INDEX_BYTES)
    try:
        return parse(data)
    except AppInputError:
        raise
    except Exception as exc:  # a hostile index must not stop the scan of the APKs beside it
        return SetIndex(name, warnings=(f"{name}: not readable ({type(exc).__name__}), ignored",))


def _toc(data: bytes) -> SetIndex:
    # Imported here: protobuf costs ~17 ms that a set without toc.pb never needs.
    from scanner.extract import aapt_proto

    toc = aapt_proto.BuildApksResult.FromString(data)
    base: set[str] = set()
    splits: dict[str, str] = {}
    for variant in toc.variant:
        for apk_set in variant.apk_set:
            module = apk_set.module_metadata.name
            for apk in apk_set.apk_description:
                if not apk.path:
                    continue
                meta = apk.split_apk_metadata
                if apk.HasField("split_apk_metadata") and meta.split_id:
                    splits[apk.path] = meta.split_id
                elif module in ("", "base") and (meta.is_master_split or not meta.split_id):
                    base.add(apk.path)
    return SetIndex(TOC, toc.package_name or None, frozenset(base), splits)


def _xapk(data: bytes) -> SetIndex:
    doc = json.loads(data)
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    package = doc.get("package_name")
    base: set[str] = set()
    splits: dict[str, str] = {}
    for item in doc.get("split_apks") or []:
        if not isinstance(item, dict):
            continue
        entry, split_id = item.get("file"), item.get("id")
        if not isinstance(entry, str) or not isinstance(split_id, str):
            continue
        if split_id == "base":
            base.add(entry)
        else:
            splits[entry] = split_id
    return SetIndex(
        XAPK_MANIFEST, package if isinstance(package, str) else None, frozenset(base), splits
    )
