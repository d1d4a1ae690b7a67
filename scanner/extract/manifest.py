"""AndroidManifest.xml → typed manifest facts.

Binary manifests (APK) are decoded by scanner.extract.axml; text manifests (aar) with lxml,
entity resolution and network access off. Both become the same `ManifestFacts`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree

from scanner.errors import AppInputError
from scanner.extract.arsc import load_table, resolve_string
from scanner.extract.axml import AxmlError, read_axml
from scanner.model import (
    Component,
    ComponentKind,
    IntentFilter,
    MetaData,
    PermissionElement,
    PermissionRequest,
    QueriedPackage,
    QueryKind,
)

ANDROID_NS = "http://schemas.android.com/apk/res/android"
_COMPONENT_TAGS = {
    "activity": ComponentKind.ACTIVITY,
    "activity-alias": ComponentKind.ACTIVITY,
    "service": ComponentKind.SERVICE,
    "receiver": ComponentKind.RECEIVER,
    "provider": ComponentKind.PROVIDER,
}


@cache
def _quiet_androguard() -> None:
    """androguard logs through loguru at debug level by default; a CLI must stay quiet.

    Called just before androguard is imported, not at start-up: loguru and androguard cost
    tenths of a second that a jar, aar or native scan never needs."""
    try:
        from loguru import logger

        logger.disable("androguard")
    except ImportError:  # pragma: no cover - loguru is an androguard dependency
        import logging

        logging.getLogger("androguard").setLevel(logging.ERROR)


@dataclass(frozen=True)
class ManifestFacts:
    package: str | None
    version_name: str | None
    version_code: str | None
    min_sdk: int | None
    target_sdk: int | None
    label: str | None
    permissions: tuple[PermissionRequest, ...]
    components: tuple[Component, ...]
    meta_data: tuple[MetaData, ...]
    queries: tuple[QueriedPackage, ...]
    application_class: str | None = None
    """`<application android:name>`, qualified: the app's Application subclass, if any."""


def _attr(el: Any, name: str) -> str | None:
    """An android: attribute, tolerating manifests that drop the namespace (obfuscators do)."""
    value = el.get(f"{{{ANDROID_NS}}}{name}")
    if value is None:
        value = el.get(name)
    return None if value is None else str(value)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value, 0) if value.lower().startswith("0x") else int(value)
    except ValueError:
        return None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "1", "-1", "0xffffffff"):
        return True
    if lowered in ("false", "0"):
        return False
    return None


def _qualify(name: str, package: str | None) -> str:
    """Resolve '.Foo' / 'Foo' relative component names against the manifest package."""
    if package and name.startswith("."):
        return package + name
    if package and "." not in name:
        return f"{package}.{name}"
    return name


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(el: Any, tag: str) -> list[Any]:
    return [c for c in el if _local(c.tag) == tag]


def _intent_filters(el: Any) -> tuple[IntentFilter, ...]:
    filters = []
    for f in _children(el, "intent-filter"):
        filters.append(
            IntentFilter(
                actions=tuple(a for a in (_attr(x, "name") for x in _children(f, "action")) if a),
                categories=tuple(
                    c for c in (_attr(x, "name") for x in _children(f, "category")) if c
                ),
                schemes=tuple(s for s in (_attr(x, "scheme") for x in _children(f, "data")) if s),
                priority=_int(_attr(f, "priority")),
            )
        )
    return tuple(filters)


def _meta(el: Any, owner: str | None) -> list[MetaData]:
    out = []
    for m in _children(el, "meta-data"):
        name = _attr(m, "name")
        if name:
            value = _attr(m, "value")
            if value is None:
                value = _attr(m, "resource")
            out.append(MetaData(name=name, value=value, owner=owner))
    return out


def facts_from_tree(root: Any, label_resolver: Any = None) -> ManifestFacts:
    """Build ManifestFacts from a parsed manifest element (binary or text origin)."""
    if root is None or _local(root.tag) != "manifest":
        raise ValueError("the root element is not <manifest>")
    package = root.get("package")
    min_sdk = target_sdk = None
    for uses_sdk in _children(root, "uses-sdk"):
        min_sdk = _int(_attr(uses_sdk, "minSdkVersion"))
        target_sdk = _int(_attr(uses_sdk, "targetSdkVersion"))
    permissions: list[PermissionRequest] = []
    for element in ("uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m"):
        for p in _children(root, element):
            name = _attr(p, "name")
            if name:
                permissions.append(
                    PermissionRequest(
                        name=name,
                        element=PermissionElement.USES_PERMISSION
                        if element == "uses-permission"
                        else PermissionElement.USES_PERMISSION_SDK_23,
                        max_sdk=_int(_attr(p, "maxSdkVersion")),
                    )
                )
    components: list[Component] = []
    meta: list[MetaData] = []
    label = application_class = None
    for app in _children(root, "application"):
        label = _attr(app, "label")
        raw_application = _attr(app, "name")
        if raw_application:
            application_class = _qualify(raw_application, package)
        meta += _meta(app, None)
        for child in app:
            kind = _COMPONENT_TAGS.get(_local(child.tag))
            if kind is None:
                continue
            raw_name = _attr(child, "name")
            if _local(child.tag) == "activity-alias":
                raw_name = _attr(child, "targetActivity") or raw_name
            if not raw_name:
                continue
            name = _qualify(raw_name, package)
            filters = _intent_filters(child)
            explicit = _bool(_attr(child, "exported"))
            exported = explicit if explicit is not None else bool(filters)
            components.append(
                Component(
                    kind=kind,
                    name=name,
                    exported=exported,
                    explicit_exported=explicit,
                    enabled=_bool(_attr(child, "enabled")) is not False,
                    permission=_attr(child, "permission"),
                    process=_attr(child, "process"),
                    intent_filters=filters,
                    authorities=_attr(child, "authorities"),
                )
            )
            meta += _meta(child, name)
    queries: list[QueriedPackage] = []
    for q in _children(root, "queries"):
        for child in q:
            tag = _local(child.tag)
            if tag == "package" and _attr(child, "name"):
                queries.append(QueriedPackage(QueryKind.PACKAGE, str(_attr(child, "name"))))
            elif tag == "provider" and _attr(child, "authorities"):
                queries.append(QueriedPackage(QueryKind.PROVIDER, str(_attr(child, "authorities"))))
            elif tag == "intent":
                actions = [a for a in (_attr(x, "name") for x in _children(child, "action")) if a]
                queries.append(QueriedPackage(QueryKind.INTENT, ",".join(actions) or "<intent>"))
    if label_resolver is not None:
        if label and label.startswith("@"):
            label = label_resolver(label) or label
        meta = [
            MetaData(m.name, label_resolver(m.value) or m.value, m.owner)
            if m.value and m.value.startswith("@")
            else m
            for m in meta
        ]
    return ManifestFacts(
        package=package,
        version_name=_attr(root, "versionName"),
        version_code=_attr(root, "versionCode"),
        min_sdk=min_sdk,
        target_sdk=target_sdk,
        label=label,
        permissions=tuple(permissions),
        components=tuple(components),
        meta_data=tuple(meta),
        queries=tuple(queries),
        application_class=application_class,
    )


def parse_binary_manifest(
    data: bytes, source: str, arsc: Callable[[], bytes | None] | None = None
) -> ManifestFacts:
    """Decode a binary AndroidManifest.xml; `arsc` loads resources.arsc to resolve the label."""
    if len(data) < 8 or data[:2] not in (b"\x03\x00", b"\x00\x00"):
        raise AppInputError(source, "AndroidManifest.xml is not a binary Android XML file")
    try:
        root = read_axml(data)
    except AxmlError as exc:
        raise AppInputError(source, f"malformed AndroidManifest.xml ({exc})") from exc
    try:
        return facts_from_tree(root, _label_resolver(arsc))
    except ValueError as exc:
        raise AppInputError(source, f"malformed AndroidManifest.xml ({exc})") from exc


def parse_text_manifest(data: bytes, source: str) -> ManifestFacts:
    """Parse a text AndroidManifest.xml (as shipped inside an aar)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(data, parser)
        return facts_from_tree(root)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise AppInputError(source, f"malformed AndroidManifest.xml ({exc})") from exc


def _label_resolver(arsc: Callable[[], bytes | None] | None) -> Any:
    """A function resolving '@7F...' references to strings, reading resources.arsc once.

    The purpose-built reader (scanner.extract.arsc) answers every lookup of a table it can
    read; androguard's full ARSCParser, which costs far more on large apps, is only built for a
    table the fast reader rejects.
    """
    if arsc is None:
        return None
    loaded: dict[str, Any] = {}

    def table_bytes() -> bytes | None:
        if "bytes" not in loaded:
            loaded["bytes"] = arsc()
        data: bytes | None = loaded["bytes"]
        return data

    def resolve(ref: str) -> str | None:
        if "fast" not in loaded:
            loaded["fast"] = load_table(table_bytes())
        if loaded["fast"] is not None:
            # None here means "not a simple value" (a style, an array): keep the reference.
            found: str | None = resolve_string(loaded["fast"], ref)
            return found
        return _resolve_with_androguard(ref)

    def _resolve_with_androguard(ref: str) -> str | None:
        _quiet_androguard()
        from androguard.core.axml import ARSCParser, ARSCResTableConfig

        try:
            if "androguard" not in loaded:
                data = table_bytes()
                loaded["androguard"] = ARSCParser(data) if data else None
            parser = loaded["androguard"]
            if parser is None:
                return None
            res_id, _package = parser.parse_id(ref)
            configs = parser.get_resolved_res_configs(res_id, ARSCResTableConfig.default_config())
            if configs:
                value = configs[0][1]
                return str(value) if value is not None else None
        except Exception:  # a hostile resource table must not stop the scan
            return None
        return None

    return resolve
