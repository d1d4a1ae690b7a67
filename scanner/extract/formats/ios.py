"""iOS apps: an .ipa (a zip holding Payload/<App>.app/), an unpacked <App>.app folder, and an
Xcode archive (.xcarchive folder, the app under Products/Applications/<App>.app/).

Recognised by what they hold, never by the name: a zip with a `Payload/<name>.app/` entry; a
folder with `Products/Applications/<name>.app/`; a folder with an Info.plist at its root. Read:
- the app's Info.plist (bundle id, version, usage-description keys with their prompt text,
  background modes, URL schemes, LSApplicationQueriesSchemes); a missing or unreadable one is
  an input error, since without it nothing says what the app is;
- every PrivacyInfo.xcprivacy in the bundle (the app's, and those of frameworks and resource
  bundles); an unreadable one is a warning;
- the main executable, the executables of embedded frameworks and app extensions, and
  Frameworks/*.dylib, by scanner.extract.macho.
Nothing is written to disk; every read is capped by the container's `Limits`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from scanner.errors import AppInputError, LimitExceeded
from scanner.extract.archive import Limits, ZipReader, opened
from scanner.extract.formats.common import regular_files
from scanner.extract.formats.interface import AppReader, ExtractedApp
from scanner.extract.formats.zipped import ZIP_MAGIC
from scanner.extract.macho import MACHO_MAGIC, read_macho
from scanner.extract.plist import PlistError, dicts_of, load_plist, strings_of, text_of
from scanner.limits import MAX_IOS_BINARIES, MAX_PLIST_BYTES
from scanner.model import (
    AccessedApi,
    AppIdentity,
    AppInventory,
    AppKind,
    CollectedDataType,
    IosBundle,
    IosFacts,
    MachOImports,
    NativeLibrary,
    PermissionElement,
    PermissionRequest,
    PrivacyManifest,
    UsageDescription,
)

_PAYLOAD_APP = re.compile(r"^Payload/([^/]+\.app)/")
_ARCHIVE_APPS = PurePosixPath("Products", "Applications")
_USAGE_KEY = re.compile(r"^NS[A-Za-z0-9]+UsageDescription$")
_BUNDLE_DIR = re.compile(r"^(.*?[^/]+\.(?:framework|appex))/")
"""The outermost framework or app extension a path lies in (nested ones are found on their own
prefix: PlugIns/Share.appex/Frameworks/X.framework/)."""
_PRIVACY_MANIFEST = "PrivacyInfo.xcprivacy"


class _Source(Protocol):
    """Files of the input by relative POSIX path, read within the limits."""

    def names(self) -> list[str]: ...

    def read(self, name: str, cap: int | None = None) -> bytes: ...


class _FolderSource:
    """A folder read as an archive would be: relative names, bounded reads, symlinks skipped
    (a link could point anywhere on the machine)."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = root
        self.limits = limits
        self._total = 0
        self._names: list[str] = []
        for full in regular_files(root):
            self._names.append(full.relative_to(root).as_posix())
            if len(self._names) > limits.max_entries:
                raise LimitExceeded(root, f"more than {limits.max_entries} files")

    def names(self) -> list[str]:
        return self._names

    def read(self, name: str, cap: int | None = None) -> bytes:
        limit = min(cap or self.limits.max_entry_bytes, self.limits.max_entry_bytes)
        full = self.root / name
        try:
            with full.open("rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise AppInputError(
                self.root, f"{name} cannot be read ({exc.strerror or exc})"
            ) from exc
        if len(data) > limit:
            raise LimitExceeded(self.root, f"file {name!r} is larger than {limit} bytes")
        self._total += len(data)
        if self._total > self.limits.max_total_bytes:
            raise LimitExceeded(
                self.root, f"files read add up past {self.limits.max_total_bytes} bytes"
            )
        return data


def _safe(name: str) -> bool:
    parts = name.split("/")
    return not name.startswith("/") and ".." not in parts and "\\" not in name and "\0" not in name


def payload_app(zip_names: Collection[str]) -> str | None:
    """The `Payload/<name>.app/` prefix of an .ipa (the first, sorted), or None."""
    apps = sorted(
        {m.group(0) for n in zip_names if _safe(n) and (m := _PAYLOAD_APP.match(n))}
        - {"Payload/..app/"}
    )
    return apps[0] if apps else None


def archive_app(folder: Path) -> Path | None:
    """The app inside an Xcode archive folder, or None."""
    apps = folder / _ARCHIVE_APPS
    if not apps.is_dir() or apps.is_symlink():
        return None
    found = sorted(p for p in apps.iterdir() if p.suffix == ".app" and p.is_dir())
    return found[0] if found else None


class IosReader(AppReader):
    name = AppKind.IPA.value
    suffixes = (".ipa",)

    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        if zip_names is not None:
            return head[:4] in ZIP_MAGIC and payload_app(zip_names) is not None
        if not path.is_dir():
            return False
        return archive_app(path) is not None or (path / "Info.plist").is_file()

    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        if path.is_dir():
            app = archive_app(path)
            source = _FolderSource(app or path, limits)
            prefix = f"{_ARCHIVE_APPS}/{app.name}/" if app else ""
            return ExtractedApp(_read_bundle(path, source, "", prefix, AppKind.IOS_APP), ())
        with opened(path, limits, container) as zf:
            root = payload_app(zf.names())
            if root is None:
                raise AppInputError(path, "an .ipa needs a Payload/<name>.app/ folder")
            return ExtractedApp(_read_bundle(path, zf, root, root, AppKind.IPA), ())


def _read_bundle(path: Path, source: _Source, root: str, shown: str, kind: AppKind) -> AppInventory:
    """Read the app bundle whose files are `root`-prefixed in `source`; `shown` is the prefix
    evidence names (the same for a zip; the archive's own layout for an .xcarchive folder)."""
    warnings: list[str] = []
    all_names = source.names()
    names = [n for n in all_names if n.startswith(root) and _safe(n)]
    unsafe = sum(1 for n in all_names if not _safe(n))
    if unsafe:
        warnings.append(f"{unsafe} entries with unsafe names (.., absolute) ignored")
    if root.startswith("Payload/") and len(_apps(all_names)) > 1:
        warnings.append(f"several apps in Payload/: only {root} is read")
    rel = sorted(n[len(root) :] for n in names)
    rel_set = set(rel)
    if "Info.plist" not in rel_set:
        raise AppInputError(path, f"iOS app has no {shown}Info.plist")
    info = _plist(path, source, root + "Info.plist", shown + "Info.plist")

    usage = _usage_keys(info, f"{shown}Info.plist")
    executable = _string(info.get("CFBundleExecutable"))
    bundles, executables, nested_usage = _bundles(path, source, root, shown, rel, rel_set, warnings)
    # An app extension or a Watch app asks the user with its own Info.plist: its keys count too,
    # after the app's own (the first of a key is the permission's evidence).
    usage += nested_usage
    requested = tuple(dict.fromkeys(u.key for u in usage))
    manifests = tuple(
        m
        for name in rel
        if name.rsplit("/", 1)[-1] == _PRIVACY_MANIFEST
        and (m := _manifest(source, root + name, shown + name, warnings)) is not None
    )
    binary_paths = ([executable] if executable and executable in rel_set else []) + executables
    if executable and executable not in rel_set:
        warnings.append(f"{shown}{executable}: the main executable named by Info.plist is absent")
    binary_paths += [n for n in rel if n.startswith("Frameworks/") and n.endswith(".dylib")]
    natives, imports = _binaries(source, root, shown, binary_paths, warnings)
    facts = IosFacts(
        bundle_path=shown.rstrip("/") or ".",
        executable=f"{shown}{executable}" if executable else None,
        minimum_os=_string(info.get("MinimumOSVersion")),
        usage_descriptions=usage,
        background_modes=strings_of(info.get("UIBackgroundModes")),
        url_schemes=tuple(
            dict.fromkeys(
                s
                for t in dicts_of(info.get("CFBundleURLTypes"))
                for s in strings_of(t.get("CFBundleURLSchemes"))
            )
        ),
        queried_schemes=strings_of(info.get("LSApplicationQueriesSchemes")),
        privacy_manifests=manifests,
        binaries=imports,
        bundles=bundles,
    )
    identity = AppIdentity(
        kind=kind,
        path=str(path),
        sha256="",  # extract_app fills in the digest (of the .ipa; empty for a folder)
        size=0,
        package=_string(info.get("CFBundleIdentifier")),
        version_name=_string(info.get("CFBundleShortVersionString")),
        version_code=_string(info.get("CFBundleVersion")),
        label=_string(info.get("CFBundleDisplayName")) or _string(info.get("CFBundleName")),
    )
    return AppInventory(
        identity=identity,
        permissions=tuple(
            PermissionRequest(key, PermissionElement.USAGE_DESCRIPTION) for key in requested
        ),
        components=(),
        meta_data=(),
        queries=(),
        native_libraries=natives,
        code_units=(),
        class_names=(),
        assets=(),
        warnings=tuple(warnings),
        ios=facts,
    )


def _usage_keys(info: dict[str, Any], location: str) -> tuple[UsageDescription, ...]:
    """The usage-description keys of one Info.plist, with their prompt text."""
    return tuple(
        UsageDescription(key, text_of(value) or "", location)
        for key, value in sorted(info.items())
        if _USAGE_KEY.match(str(key))
    )


def _apps(names: list[str]) -> set[str]:
    return {m.group(1) for n in names if _safe(n) and (m := _PAYLOAD_APP.match(n))}


def _string(value: object) -> str | None:
    text = text_of(value)
    return text if text else None


def _plist(path: Path, source: _Source, name: str, shown: str) -> dict[str, Any]:
    """A plist the scan cannot do without: any problem is the input's error."""
    data = source.read(name, cap=MAX_PLIST_BYTES)
    try:
        return load_plist(data)
    except PlistError as exc:
        error = LimitExceeded if exc.limit else AppInputError
        raise error(path, f"{shown}: {exc}") from exc


def _soft_plist(
    source: _Source, name: str, shown: str, warnings: list[str]
) -> dict[str, Any] | None:
    """A plist the scan can do without: a problem is a warning."""
    try:
        return load_plist(source.read(name, cap=MAX_PLIST_BYTES))
    except PlistError as exc:
        warnings.append(f"{shown}: {exc}")
    except LimitExceeded:
        raise
    except AppInputError as exc:
        warnings.append(exc.message)
    return None


def _optional_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _manifest(
    source: _Source, name: str, shown: str, warnings: list[str]
) -> PrivacyManifest | None:
    doc = _soft_plist(source, name, shown, warnings)
    if doc is None:
        return None
    collected = tuple(
        CollectedDataType(
            type=str(entry.get("NSPrivacyCollectedDataType", "")),
            linked=_optional_bool(entry.get("NSPrivacyCollectedDataTypeLinked")),
            tracking=_optional_bool(entry.get("NSPrivacyCollectedDataTypeTracking")),
            purposes=strings_of(entry.get("NSPrivacyCollectedDataTypePurposes")),
        )
        for entry in dicts_of(doc.get("NSPrivacyCollectedDataTypes"))
        if isinstance(entry.get("NSPrivacyCollectedDataType"), str)
    )
    accessed = tuple(
        AccessedApi(
            category=str(entry["NSPrivacyAccessedAPIType"]),
            reasons=strings_of(entry.get("NSPrivacyAccessedAPITypeReasons")),
        )
        for entry in dicts_of(doc.get("NSPrivacyAccessedAPITypes"))
        if isinstance(entry.get("NSPrivacyAccessedAPIType"), str)
    )
    return PrivacyManifest(
        path=shown,
        tracking=_optional_bool(doc.get("NSPrivacyTracking")),
        tracking_domains=strings_of(doc.get("NSPrivacyTrackingDomains")),
        collected=collected,
        accessed_apis=accessed,
    )


def _bundles(
    path: Path,
    source: _Source,
    root: str,
    shown: str,
    rel: list[str],
    rel_set: set[str],
    warnings: list[str],
) -> tuple[tuple[IosBundle, ...], list[str], tuple[UsageDescription, ...]]:
    """Embedded frameworks, app extensions and Watch apps; the paths of their executables; and
    the usage descriptions of the extensions and Watch apps (a framework's Info.plist asks the
    user nothing: iOS reads the prompts of the app or extension that runs it)."""
    dirs: set[str] = set()
    for name in rel:
        # Every .framework / .appex / nested .app folder on the path, outermost first.
        parts = name.split("/")[:-1]
        for i, part in enumerate(parts):
            if part.endswith((".framework", ".appex", ".app")):
                dirs.add("/".join(parts[: i + 1]))
    bundles = []
    executables = []
    usage: tuple[UsageDescription, ...] = ()
    for folder in sorted(dirs)[:MAX_IOS_BINARIES]:
        base = folder.rsplit("/", 1)[-1]
        stem = base.rsplit(".", 1)[0]
        info: dict[str, Any] | None = None
        plist_name = f"{folder}/Info.plist"
        if plist_name in rel_set:
            info = _soft_plist(source, root + plist_name, shown + plist_name, warnings)
        if info and base.endswith((".appex", ".app")):
            usage += _usage_keys(info, shown + plist_name)
        exe = _string(info.get("CFBundleExecutable")) if info else None
        exe_path = f"{folder}/{exe or stem}"
        if exe_path in rel_set:
            executables.append(exe_path)
        bundles.append(
            IosBundle(
                path=shown + folder,
                name=stem,
                bundle_id=_string(info.get("CFBundleIdentifier")) if info else None,
                version=_string(info.get("CFBundleShortVersionString")) if info else None,
            )
        )
    if len(dirs) > MAX_IOS_BINARIES:
        warnings.append(f"more than {MAX_IOS_BINARIES} bundles: the rest are not read")
    return tuple(bundles), executables, usage


def _binaries(
    source: _Source, root: str, shown: str, paths: list[str], warnings: list[str]
) -> tuple[tuple[NativeLibrary, ...], tuple[MachOImports, ...]]:
    natives: list[NativeLibrary] = []
    imports: list[MachOImports] = []
    for name in list(dict.fromkeys(paths))[:MAX_IOS_BINARIES]:
        data = source.read(root + name)
        if data[:4] not in MACHO_MAGIC:
            warnings.append(f"{shown}{name}: not a Mach-O binary")
            continue
        lib, imp = read_macho(shown + name, data)
        if imp.error:
            warnings.append(f"{shown}{name}: {imp.error}")
        elif imp.encrypted:
            warnings.append(
                f"{shown}{name}: encrypted (LC_ENCRYPTION_INFO cryptid 1), its code could not be "
                "read: selectors and the call sites that need them are missing; linked "
                "frameworks, imported symbols, Info.plist and privacy manifests still are"
            )
        natives.append(lib)
        imports.append(imp)
    if len(paths) > MAX_IOS_BINARIES:
        warnings.append(f"more than {MAX_IOS_BINARIES} binaries: the rest are not read")
    return tuple(natives), tuple(imports)
