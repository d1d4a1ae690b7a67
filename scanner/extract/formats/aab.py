"""Android App Bundle (.aab): what a release build uploads to Google Play.

A zip of modules, `base/` and one folder per feature (or asset) module, each laid out as:

- `<module>/manifest/AndroidManifest.xml`: aapt2's protobuf XML (scanner.extract.protoxml);
- `<module>/dex/classes*.dex`, `<module>/lib/<abi>/*.so`, `<module>/assets/`;
- `<module>/resources.pb`: the module's resource table (the label, `@string` meta-data);

plus `BundleConfig.pb` and `BUNDLE-METADATA/` at the root. Every module is read as part of one
app: permissions, components, meta-data and queries merge across the modules' manifests (base
first, an item already seen keeps its first module), and each permission, component and
meta-data entry names the manifest it came from. Paths are the bundle's own entry names
(`base/dex/classes.dex`, `feature/lib/arm64-v8a/libfoo.so`), which is where a reviewer finds
them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from scanner.errors import AppInputError
from scanner.extract.archive import Limits, ZipReader, opened
from scanner.extract.background import Background
from scanner.extract.formats.apk import read_dex_files
from scanner.extract.formats.common import inventory, natives_in
from scanner.extract.formats.interface import AppReader, ExtractedApp
from scanner.extract.formats.zipped import ZIP_MAGIC
from scanner.extract.manifest import ManifestFacts, facts_from_tree
from scanner.limits import MAX_ASSETS_LISTED, MAX_RESOURCE_TABLE_BYTES
from scanner.model import AppKind, Component

BASE = "base"
BASE_MANIFEST = "base/manifest/AndroidManifest.xml"
BUNDLE_CONFIG = "BundleConfig.pb"
_NOT_MODULES = frozenset({"BUNDLE-METADATA", "META-INF"})
_DEX = re.compile(r"^(?P<module>[^/]+)/dex/classes(?P<n>\d*)\.dex$")
_NATIVE = re.compile(r"^[^/]+/lib/[^/]+/[^/]+\.so$")
_ROOT_DEX = re.compile(r"^classes\d*\.dex$")
_MODULE_PARTS = frozenset({"manifest", "dex", "lib", "assets", "res", "root", "resources.pb"})
"""What a module folder holds; a top-level folder with none of them is not a module."""

T = TypeVar("T")


def manifest_of(module: str) -> str:
    return f"{module}/manifest/AndroidManifest.xml"


class AabReader(AppReader):
    name = AppKind.AAB.value
    suffixes = (".aab",)

    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        """A bundle config or a base module manifest, and nothing of an APK at the root. A
        bundle without its base manifest is still claimed, so the error names what is missing."""
        if zip_names is None or head[:4] not in ZIP_MAGIC:
            return False
        if "AndroidManifest.xml" in zip_names or any(_ROOT_DEX.match(n) for n in zip_names):
            return False
        return BUNDLE_CONFIG in zip_names or BASE_MANIFEST in zip_names

    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        with opened(path, limits, container) as zf:
            if not zf.has(BASE_MANIFEST):
                raise AppInputError(path, f"app bundle has no {BASE_MANIFEST}")
            return _read_bundle(path, zf, keep_code)


@dataclass(frozen=True)
class _Module:
    name: str
    facts: ManifestFacts


def modules_in(names: Iterable[str]) -> list[str]:
    """Module folders of a bundle, base first: every top-level folder holding a manifest, code,
    native libraries or assets (BUNDLE-METADATA and META-INF are the bundle's own)."""
    found: dict[str, None] = {}
    for name in names:
        top, _, rest = name.partition("/")
        if rest and top not in _NOT_MODULES and rest.split("/", 1)[0] in _MODULE_PARTS:
            found[top] = None
    return sorted(found, key=lambda m: (m != BASE, m))


def _read_bundle(path: Path, zf: ZipReader, keep_code: bool) -> ExtractedApp:
    warnings: list[str] = []
    modules: list[_Module] = []
    tables = _Tables(zf, warnings)
    for module in modules_in(zf.names()):
        manifest = manifest_of(module)
        if not zf.has(manifest):
            warnings.append(f"{module}/: a module without a manifest; its files are still read")
            continue
        modules.append(_Module(module, _module_facts(path, zf, module, tables)))
    natives_warnings: list[str] = []
    natives_job = Background("natives", lambda: natives_in(zf, _NATIVE, natives_warnings))
    try:
        dex_names = sorted((n for n in zf.names() if _DEX.match(n)), key=_dex_order)
        code, units, classes, dex_warnings = read_dex_files(zf, dex_names, keep_code)
    finally:
        natives_job.join()
    natives = natives_job.result()
    warnings += dex_warnings + natives_warnings
    assets = [n for n in zf.names() if _is_asset(n)][:MAX_ASSETS_LISTED]
    inv = inventory(
        path, AppKind.AAB, _merge(modules), natives, units, classes, tuple(assets), warnings
    )
    return ExtractedApp(inv, tuple(code))


def _is_asset(name: str) -> bool:
    top, _, rest = name.partition("/")
    return top not in _NOT_MODULES and rest.startswith("assets/") and not name.endswith("/")


class _Tables:
    """Each module's resources.pb, read and parsed once however many manifests ask for it."""

    def __init__(self, zf: ZipReader, warnings: list[str]) -> None:
        self.zf = zf
        self.warnings = warnings
        self._resolvers: dict[str, Callable[[str], str | None] | None] = {}

    def resolver(self, table: str) -> Callable[[str], str | None] | None:
        if table not in self._resolvers:
            self._resolvers[table] = self._load(table)
        return self._resolvers[table]

    def _load(self, table: str) -> Callable[[str], str | None] | None:
        from scanner.extract.protoxml import string_resolver

        zf = self.zf
        if not zf.has(table):
            return None
        if zf.size_of(table) > MAX_RESOURCE_TABLE_BYTES:
            self.warnings.append(
                f"{table}: larger than {MAX_RESOURCE_TABLE_BYTES} bytes, not read; the label "
                "and @string meta-data stay resource references"
            )
            return None
        # A size that lied in the zip header stops the read at the cap (LimitExceeded: exit 2).
        return string_resolver(lambda: zf.read(table, cap=MAX_RESOURCE_TABLE_BYTES))


def _module_facts(path: Path, zf: ZipReader, module: str, tables: _Tables) -> ManifestFacts:
    """One module's manifest, its references resolved through its own resources.pb first and
    the base module's after (a feature's manifest may name base resources)."""
    # Imported here: protobuf and the message classes cost about 17 ms that a scan of anything
    # but a bundle never needs.
    from scanner.extract.protoxml import ProtoXmlError, read_proto_xml

    manifest = manifest_of(module)
    source = f"{path}!{manifest}"
    data = zf.read(manifest, cap=zf.limits.max_manifest_bytes)
    try:
        root = read_proto_xml(data)
    except ProtoXmlError as exc:
        raise AppInputError(source, f"malformed AndroidManifest.xml ({exc})") from exc
    names = dict.fromkeys([f"{module}/resources.pb", f"{BASE}/resources.pb"])
    resolvers = [r for r in map(tables.resolver, names) if r is not None]

    def resolve(ref: str) -> str | None:
        return next((found for r in resolvers if (found := r(ref)) is not None), None)

    try:
        facts = facts_from_tree(root, resolve)
    except ValueError as exc:
        raise AppInputError(source, f"malformed AndroidManifest.xml ({exc})") from exc
    return replace(
        facts,
        permissions=tuple(replace(p, manifest=manifest) for p in facts.permissions),
        components=tuple(replace(c, manifest=manifest) for c in facts.components),
        meta_data=tuple(replace(m, manifest=manifest) for m in facts.meta_data),
    )


def _unique(items: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


def _merge(modules: list[_Module]) -> ManifestFacts:
    """The base module's identity with every module's manifest entries; a component declared
    twice keeps the first declaration (base first)."""
    base = modules[0].facts
    components: dict[tuple[str, str], Component] = {}
    for m in modules:
        for c in m.facts.components:
            components.setdefault((c.kind, c.name), c)
    return replace(
        base,
        permissions=_unique(p for m in modules for p in m.facts.permissions),
        components=tuple(components.values()),
        meta_data=_unique(d for m in modules for d in m.facts.meta_data),
        queries=_unique(q for m in modules for q in m.facts.queries),
    )


def _dex_order(name: str) -> tuple[bool, str, int]:
    match = _DEX.match(name)
    assert match is not None
    return match["module"] != BASE, match["module"], int(match["n"] or "1")
