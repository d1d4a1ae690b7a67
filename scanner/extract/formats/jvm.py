"""jar (JVM class files) and aar (Android library: classes.jar + libs/*.jar + jni/<abi>/*.so + a
text AndroidManifest.xml)."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from scanner.errors import AppInputError, LimitExceeded
from scanner.extract.archive import Limits, ZipReader, opened
from scanner.extract.formats.common import assets_in, check_code_size, inventory, natives_in
from scanner.extract.formats.interface import AppReader, CodeBytes, CodeBytesFormat, ExtractedApp
from scanner.extract.formats.zipped import ZIP_MAGIC, has_class_files
from scanner.extract.manifest import ManifestFacts, parse_text_manifest
from scanner.model import AppKind, CodeUnit, CodeUnitFormat

_AAR_JAR = re.compile(r"^libs/[^/]+\.jar$")
_AAR_NATIVE = re.compile(r"^jni/[^/]+/[^/]+\.so$")
_JAR_NATIVE = re.compile(r"^(?:.*/)?lib[^/]*\.so$")


class AarReader(AppReader):
    name = AppKind.AAR.value
    suffixes = (".aar",)

    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        """classes.jar beside an AndroidManifest.xml at the root."""
        return (
            zip_names is not None
            and head[:4] in ZIP_MAGIC
            and "classes.jar" in zip_names
            and "AndroidManifest.xml" in zip_names
        )

    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        with opened(path, limits, container) as zf:
            warnings: list[str] = []
            classes: set[str] = set()
            units: list[CodeUnit] = []
            code: list[CodeBytes] = []
            facts: ManifestFacts | None = None
            if zf.has("AndroidManifest.xml"):
                try:
                    facts = parse_text_manifest(
                        zf.read("AndroidManifest.xml", cap=zf.limits.max_manifest_bytes), str(path)
                    )
                except AppInputError as exc:
                    warnings.append(exc.message)
            jars = [n for n in zf.names() if n == "classes.jar" or _AAR_JAR.match(n)]
            for jar in jars:
                try:
                    with ZipReader(path / jar, zf.limits, data=zf.read(jar)) as inner:
                        _collect_classes(inner, jar, classes, units, code, keep_code)
                except LimitExceeded:
                    raise
                except AppInputError as exc:
                    warnings.append(f"{jar}: {exc.message}")
            natives = natives_in(zf, _AAR_NATIVE, warnings)
            assets = assets_in(zf, "assets/")
            inv = inventory(path, AppKind.AAR, facts, natives, units, classes, assets, warnings)
        return ExtractedApp(inv, tuple(code))


class JarReader(AppReader):
    name = AppKind.JAR.value
    suffixes = (".jar",)

    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        """Any .class entry."""
        return zip_names is not None and head[:4] in ZIP_MAGIC and has_class_files(zip_names)

    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        with opened(path, limits, container) as zf:
            warnings: list[str] = []
            classes: set[str] = set()
            units: list[CodeUnit] = []
            code: list[CodeBytes] = []
            _collect_classes(zf, path.name, classes, units, code, keep_code)
            natives = natives_in(zf, _JAR_NATIVE, warnings)
            inv = inventory(path, AppKind.JAR, None, natives, units, classes, (), warnings)
        return ExtractedApp(inv, tuple(code))


def _class_name_of_entry(entry: str) -> str | None:
    if not entry.endswith(".class"):
        return None
    if entry.startswith("META-INF/") and "/versions/" not in entry:
        return None
    if entry.startswith("META-INF/versions/"):
        entry = entry.split("/", 3)[-1]
    stem = entry[: -len(".class")]
    if stem.endswith(("module-info", "package-info")):
        return None
    return stem.replace("/", ".")


def _collect_classes(
    zf: ZipReader,
    unit_name: str,
    classes: set[str],
    units: list[CodeUnit],
    code: list[CodeBytes],
    keep_code: bool,
) -> None:
    count = 0
    kept = sum(len(b.data) for b in code)
    for entry in zf.names():
        cls = _class_name_of_entry(entry)
        if cls is None:
            continue
        count += 1
        classes.add(cls)
        if keep_code:
            data = zf.read(entry)
            kept += len(data)
            check_code_size(zf, kept)
            code.append(
                CodeBytes(name=f"{unit_name}!/{entry}", format=CodeBytesFormat.CLASS, data=data)
            )
    units.append(CodeUnit(path=unit_name, format=CodeUnitFormat.JAR, class_count=count))
