"""APK: a zip with a binary AndroidManifest.xml, classes*.dex and lib/<abi>/*.so."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from scanner.errors import AppInputError, LimitExceeded
from scanner.extract.archive import Limits, ZipReader, opened
from scanner.extract.axml import AxmlError, read_axml
from scanner.extract.background import Background
from scanner.extract.dex import DexFormatError, read_class_names
from scanner.extract.formats.common import (
    ROOT_DEX,
    assets_in,
    check_code_size,
    inventory,
    natives_in,
)
from scanner.extract.formats.interface import AppReader, CodeBytes, CodeBytesFormat, ExtractedApp
from scanner.extract.formats.zipped import ZIP_MAGIC, has_class_files
from scanner.extract.manifest import parse_binary_manifest
from scanner.limits import MAX_CLASSES
from scanner.model import AppKind, CodeUnit, CodeUnitFormat

_NATIVE_PATH = re.compile(r"^lib/[^/]+/[^/]+\.so$")


class ApkReader(AppReader):
    name = AppKind.APK.value
    suffixes = (".apk",)

    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        """Dex at the root, or a manifest with no class files (a resource-only APK). Dex without
        a manifest is still claimed, so the error names what is missing."""
        if zip_names is None or head[:4] not in ZIP_MAGIC:
            return False
        if any(ROOT_DEX.match(n) for n in zip_names):
            return True
        return "AndroidManifest.xml" in zip_names and not has_class_files(zip_names)

    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        with opened(path, limits, container) as zf:
            if not zf.has("AndroidManifest.xml"):
                raise AppInputError(path, "APK has no AndroidManifest.xml")
            app = read_apk_container(path, zf, keep_code)
            split = split_name(
                zf.read("AndroidManifest.xml", cap=zf.limits.max_manifest_bytes), path
            )
            if split is None:
                return app
        # A warning, not an error: what a lone split holds is still true of the app (a config
        # split's libraries may be an SDK's), but it is not the whole app.
        warning = (
            f"AndroidManifest.xml: a split APK (split={split!r}), not a whole app; "
            "scan the set it belongs to (.apks, .xapk, .apkm) for the full picture"
        )
        inv = app.inventory
        return replace(app, inventory=replace(inv, warnings=(*inv.warnings, warning)))


def split_name(manifest: bytes, source: str | Path) -> str | None:
    """The `split` attribute of a binary manifest's root (`config.arm64_v8a`, a feature's name):
    None for a base or a lone APK."""
    try:
        value = read_axml(manifest).get("split")
    except AxmlError as exc:
        raise AppInputError(source, f"malformed AndroidManifest.xml ({exc})") from exc
    return None if value is None else str(value)


def read_apk_container(path: Path, zf: ZipReader, keep_code: bool) -> ExtractedApp:
    manifest_bytes = zf.read("AndroidManifest.xml", cap=zf.limits.max_manifest_bytes)

    def load_arsc() -> bytes | None:
        return zf.read("resources.arsc") if zf.has("resources.arsc") else None

    facts = parse_binary_manifest(manifest_bytes, str(path), load_arsc)
    # Native libraries inflate beside the dex files (zlib releases the GIL); their warnings
    # follow the dex files' as before.
    native_warnings: list[str] = []
    natives_job = Background("natives", lambda: natives_in(zf, _NATIVE_PATH, native_warnings))
    try:
        dex_names = sorted(
            (n for n in zf.names() if ROOT_DEX.match(n)), key=lambda n: int(n[7:-4] or "1")
        )
        code, units, classes, warnings = read_dex_files(zf, dex_names, keep_code)
    finally:
        natives_job.join()
    natives = natives_job.result()
    warnings += native_warnings
    inv = inventory(
        path, AppKind.APK, facts, natives, units, classes, assets_in(zf, "assets/"), warnings
    )
    return ExtractedApp(inv, tuple(code))


def read_dex_files(
    zf: ZipReader, dex_names: Iterable[str], keep_code: bool
) -> tuple[list[CodeBytes], list[CodeUnit], set[str], list[str]]:
    """The class names of each dex file in order (an APK's or an app bundle's), within the class
    cap; a malformed dex is a warning, the cap or an inflate limit stops the app."""
    warnings: list[str] = []
    classes: set[str] = set()
    units: list[CodeUnit] = []
    code: list[CodeBytes] = []
    order = list(dex_names)
    # The next dex file inflates in a second thread while this one inflates and its class names
    # are read (zlib releases the GIL): two inflations at once on two cores. Its result, or its
    # error, is taken in file order, so warnings and the errors that stop the app are as before.
    ahead: Background[bytes] | None = None
    try:
        for i, name in enumerate(order):
            current, ahead = ahead, None
            if i + 1 < len(order):
                ahead = Background("dex", partial(zf.read, order[i + 1]))
            try:
                data = current.result() if current is not None else zf.read(name)
                names = read_class_names(data, name)
            except LimitExceeded:
                raise
            except AppInputError as exc:
                warnings.append(exc.message)
                continue
            except DexFormatError as exc:
                warnings.append(f"{name}: malformed dex ({exc})")
                continue
            if len(classes) + len(names) > MAX_CLASSES:
                warnings.append(f"{name}: class limit {MAX_CLASSES} reached, rest not read")
                break
            classes.update(names)
            units.append(CodeUnit(path=name, format=CodeUnitFormat.DEX, class_count=len(names)))
            if keep_code:
                code.append(CodeBytes(name=name, format=CodeBytesFormat.DEX, data=data))
                check_code_size(zf, sum(len(b.data) for b in code))
    finally:
        if ahead is not None:  # stopped early: the read in flight ends before the zip closes
            ahead.join()
    return code, units, classes, warnings
