"""Extract stage: an app binary (APK, jar, aar, native library) → `AppInventory`.

No app code runs and nothing is written to disk: entries are inflated into memory under the
limits of `archive.Limits`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from scanner.errors import AppInputError, LimitExceeded
from scanner.extract.archive import DEFAULT_LIMITS, Limits, ZipReader
from scanner.extract.dex import DexFormatError, read_class_names
from scanner.extract.manifest import ManifestFacts, parse_binary_manifest, parse_text_manifest
from scanner.extract.native import abi_of, read_native
from scanner.model import AppIdentity, AppInventory, AppKind, CodeUnit, NativeLibrary

_ROOT_DEX = re.compile(r"^classes\d*\.dex$")
_NATIVE_MAGIC = (b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
_PREFERRED_ABIS = ("arm64-v8a", "armeabi-v7a", "armeabi", "x86_64", "x86")
MAX_ASSETS_LISTED = 20_000
MAX_CLASSES = 2_000_000


@dataclass(frozen=True)
class CodeBlob:
    """Raw bytes of one code unit, kept for the call-site scanner."""

    name: str
    format: str
    """dex | class"""
    data: bytes


@dataclass(frozen=True)
class ExtractedApp:
    inventory: AppInventory
    code: tuple[CodeBlob, ...]
    """Dex files (APK) or class files (jar / aar); empty unless keep_code=True."""


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(8)
    except IsADirectoryError as exc:
        raise AppInputError(path, "is a directory, not an app file") from exc
    except OSError as exc:
        raise AppInputError(path, f"cannot be read ({exc.strerror or exc})") from exc


def extract_app(
    path: Path, limits: Limits = DEFAULT_LIMITS, keep_code: bool = False
) -> ExtractedApp:
    """Read an app binary into an inventory. Raises AppInputError (exit code 2) on bad input."""
    if not path.exists():
        raise AppInputError(path, "no such file")
    head = _read_head(path)
    if not head:
        raise AppInputError(path, "empty file")
    sha, size = _sha256(path)
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        with ZipReader(path, limits) as zf:
            kind = _zip_kind(path, zf)
            if kind is AppKind.APK:
                return _extract_apk(path, zf, sha, size, keep_code)
            return _extract_jvm(path, zf, kind, sha, size, keep_code)
    if head[:4] in _NATIVE_MAGIC or head[:8] == b"!<arch>\n":
        data = path.read_bytes()
        lib = read_native(path.name, data)
        identity = AppIdentity(kind=AppKind.NATIVE, path=str(path), sha256=sha, size=size)
        inventory = AppInventory(
            identity=identity,
            permissions=(),
            components=(),
            meta_data=(),
            queries=(),
            native_libraries=(lib,),
            code_units=(),
            class_names=(),
            assets=(),
            warnings=(f"{lib.path}: {lib.error}",) if lib.error else (),
        )
        return ExtractedApp(inventory, ())
    raise AppInputError(
        path, "unknown file type: not an APK, jar, aar, or native library (ELF / Mach-O / .a)"
    )


def _zip_kind(path: Path, zf: ZipReader) -> AppKind:
    names = zf.names()
    has_manifest = zf.has("AndroidManifest.xml")
    has_dex = any(_ROOT_DEX.match(n) for n in names)
    suffix = path.suffix.lower()
    if suffix == ".aar" or (zf.has("classes.jar") and has_manifest):
        return AppKind.AAR
    if suffix in (".apk", ".apks") or has_dex:
        if not has_manifest:
            raise AppInputError(path, "APK has no AndroidManifest.xml")
        return AppKind.APK
    if suffix == ".jar" or any(n.endswith(".class") for n in names):
        return AppKind.JAR
    if has_manifest:
        return AppKind.APK
    raise AppInputError(
        path, "unknown file type: a zip archive without AndroidManifest.xml, dex or class files"
    )


def _natives(
    zf: ZipReader, pattern: re.Pattern[str], warnings: list[str]
) -> tuple[NativeLibrary, ...]:
    """Read every native library; each distinct file name is parsed once (one ABI is enough)."""
    paths = [n for n in zf.names() if pattern.match(n)]
    by_name: dict[str, list[str]] = {}
    for p in paths:
        by_name.setdefault(p.rsplit("/", 1)[-1], []).append(p)
    out: list[NativeLibrary] = []
    for name, group in by_name.items():
        group.sort(
            key=lambda p: next((i for i, abi in enumerate(_PREFERRED_ABIS) if f"/{abi}/" in p), 99)
        )
        try:
            parsed = read_native(group[0], zf.read(group[0]))
        except LimitExceeded:
            raise
        except AppInputError as exc:
            warnings.append(str(exc.message))
            continue
        if parsed.error:
            warnings.append(f"{parsed.path}: {parsed.error}")
        out.append(parsed)
        for other in group[1:]:
            out.append(
                NativeLibrary(
                    path=other,
                    name=name,
                    abi=abi_of(other),
                    size=zf.size_of(other),
                    format=parsed.format,
                    jni_classes=parsed.jni_classes,
                    needed=parsed.needed,
                    objc_classes=parsed.objc_classes,
                    error=parsed.error,
                )
            )
    return tuple(sorted(out, key=lambda lib: lib.path))


def _assets(zf: ZipReader, prefix: str) -> tuple[str, ...]:
    return tuple(n for n in zf.names() if n.startswith(prefix) and not n.endswith("/"))[
        :MAX_ASSETS_LISTED
    ]


def _extract_apk(path: Path, zf: ZipReader, sha: str, size: int, keep_code: bool) -> ExtractedApp:
    manifest_bytes = zf.read("AndroidManifest.xml", cap=zf.limits.max_manifest_bytes)

    def load_arsc() -> bytes | None:
        return zf.read("resources.arsc") if zf.has("resources.arsc") else None

    facts = parse_binary_manifest(manifest_bytes, str(path), load_arsc)
    warnings: list[str] = []
    classes: set[str] = set()
    units: list[CodeUnit] = []
    blobs: list[CodeBlob] = []
    dex_names = sorted(
        (n for n in zf.names() if _ROOT_DEX.match(n)),
        key=lambda n: int(n[7:-4] or "1"),
    )
    for name in dex_names:
        try:
            data = zf.read(name)
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
        units.append(CodeUnit(path=name, format="dex", class_count=len(names)))
        if keep_code:
            blobs.append(CodeBlob(name=name, format="dex", data=data))
            _check_code_size(zf, sum(len(b.data) for b in blobs))
    natives = _natives(zf, re.compile(r"^lib/[^/]+/[^/]+\.so$"), warnings)
    inventory = _inventory(
        path,
        AppKind.APK,
        sha,
        size,
        facts,
        natives,
        units,
        classes,
        _assets(zf, "assets/"),
        warnings,
    )
    return ExtractedApp(inventory, tuple(blobs))


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


def _extract_jvm(
    path: Path, zf: ZipReader, kind: AppKind, sha: str, size: int, keep_code: bool
) -> ExtractedApp:
    """A jar, or an aar (classes.jar + libs/*.jar + jni/<abi>/*.so + text manifest)."""
    warnings: list[str] = []
    classes: set[str] = set()
    units: list[CodeUnit] = []
    blobs: list[CodeBlob] = []
    facts: ManifestFacts | None = None
    if kind is AppKind.AAR:
        if zf.has("AndroidManifest.xml"):
            try:
                facts = parse_text_manifest(
                    zf.read("AndroidManifest.xml", cap=zf.limits.max_manifest_bytes), str(path)
                )
            except AppInputError as exc:
                warnings.append(exc.message)
        jars = [n for n in zf.names() if n == "classes.jar" or re.match(r"^libs/[^/]+\.jar$", n)]
        for jar in jars:
            try:
                with ZipReader(path / jar, zf.limits, data=zf.read(jar)) as inner:
                    _collect_classes(inner, jar, classes, units, blobs, keep_code)
            except LimitExceeded:
                raise
            except AppInputError as exc:
                warnings.append(f"{jar}: {exc.message}")
        natives = _natives(zf, re.compile(r"^jni/[^/]+/[^/]+\.so$"), warnings)
        assets = _assets(zf, "assets/")
    else:
        _collect_classes(zf, path.name, classes, units, blobs, keep_code)
        natives = _natives(zf, re.compile(r"^(?:.*/)?lib[^/]*\.so$"), warnings)
        assets = ()
    inventory = _inventory(path, kind, sha, size, facts, natives, units, classes, assets, warnings)
    return ExtractedApp(inventory, tuple(blobs))


def _collect_classes(
    zf: ZipReader,
    unit_name: str,
    classes: set[str],
    units: list[CodeUnit],
    blobs: list[CodeBlob],
    keep_code: bool,
) -> None:
    count = 0
    kept = sum(len(b.data) for b in blobs)
    for entry in zf.names():
        cls = _class_name_of_entry(entry)
        if cls is None:
            continue
        count += 1
        classes.add(cls)
        if keep_code:
            data = zf.read(entry)
            kept += len(data)
            _check_code_size(zf, kept)
            blobs.append(CodeBlob(name=f"{unit_name}!/{entry}", format="class", data=data))
    units.append(CodeUnit(path=unit_name, format="jar", class_count=count))


def _check_code_size(zf: ZipReader, kept: int) -> None:
    """Refuse an app whose code kept for the call-site scan exceeds Limits.max_code_bytes."""
    if kept > zf.limits.max_code_bytes:
        raise LimitExceeded(
            zf.path, f"code files inflate past {zf.limits.max_code_bytes} bytes in all"
        )


def _inventory(
    path: Path,
    kind: AppKind,
    sha: str,
    size: int,
    facts: ManifestFacts | None,
    natives: tuple[NativeLibrary, ...],
    units: list[CodeUnit],
    classes: set[str],
    assets: tuple[str, ...],
    warnings: list[str],
) -> AppInventory:
    identity = AppIdentity(
        kind=kind,
        path=str(path),
        sha256=sha,
        size=size,
        package=facts.package if facts else None,
        version_name=facts.version_name if facts else None,
        version_code=facts.version_code if facts else None,
        min_sdk=facts.min_sdk if facts else None,
        target_sdk=facts.target_sdk if facts else None,
        label=facts.label if facts else None,
    )
    return AppInventory(
        identity=identity,
        permissions=facts.permissions if facts else (),
        components=facts.components if facts else (),
        meta_data=facts.meta_data if facts else (),
        queries=facts.queries if facts else (),
        native_libraries=natives,
        code_units=tuple(units),
        class_names=tuple(sorted(classes)),
        assets=assets,
        warnings=tuple(warnings),
    )
