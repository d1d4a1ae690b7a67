"""aapt2's protobuf XML (the manifests of an Android App Bundle) → the lxml tree axml.py builds.

An app bundle keeps each module's AndroidManifest.xml as an `aapt.pb.XmlNode` instead of binary
XML. The tree built here is the one `scanner.extract.axml.read_axml` builds from the same
manifest compiled into an APK: names in Clark notation, attributes named by resource id first,
typed values formatted as axml formats them (`@7F0B0001`, `true`, `0x00000010`), so
`manifest.facts_from_tree` reads both alike (tests/test_aab.py checks it on the shopping demo).

The resource table of a bundle (`base/resources.pb`, an `aapt.pb.ResourceTable`) resolves the
label and `@string` meta-data, as resources.arsc does for an APK.

Bounds: protobuf's own parser refuses corrupt wire data and nesting past its recursion limit
(100 levels); the walk here holds the tree to MAX_AXML_DEPTH, MAX_AXML_ATTRIBUTES per element and
MAX_AXML_CHUNKS nodes, as axml.py does.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from google.protobuf.message import DecodeError
from lxml import etree

from scanner.extract import aapt_proto

# The name and value rules are axml's, shared so that both trees agree to the character.
from scanner.extract.axml import (
    _KNOWN_NAMES,
    _PREFIX,
    ANDROID_ATTRIBUTES,
    TYPE_ATTRIBUTE,
    TYPE_DIMENSION,
    TYPE_FLOAT,
    TYPE_FRACTION,
    TYPE_INT_BOOLEAN,
    TYPE_INT_HEX,
    TYPE_NULL,
    TYPE_REFERENCE,
    _clark,
    _clean_value,
    _fix_name,
    format_value,
)
from scanner.limits import MAX_AXML_ATTRIBUTES, MAX_AXML_CHUNKS, MAX_AXML_DEPTH, MAX_REFERENCE_DEPTH

TYPE_INT_DEC = 0x10
_FLOAT_BITS = struct.Struct("<f")
_U32 = struct.Struct("<I")

_PRIMITIVE_TYPES: dict[str, int] = {
    "dimension_value": TYPE_DIMENSION,
    "fraction_value": TYPE_FRACTION,
    "int_hexadecimal_value": TYPE_INT_HEX,
    "color_argb8_value": 0x1C,
    "color_rgb8_value": 0x1D,
    "color_argb4_value": 0x1E,
    "color_rgb4_value": 0x1F,
}
"""Primitive fields holding a Res_value's 32 data bits as they are (ResourceTypes.h types)."""


class ProtoXmlError(Exception):
    """The bytes are not a well-formed aapt2 protobuf XML document or resource table."""


def _typed(item: Any) -> tuple[int, int] | None:
    """(Res_value dataType, data) of a compiled attribute value; None for a string or a kind
    whose text is the attribute's `value` (a styled string, a file)."""
    kind = item.WhichOneof("value")
    if kind == "ref":
        ref = item.ref
        if not ref.id:
            return None  # an unresolved reference: its text says more than a zero id
        return (TYPE_ATTRIBUTE if ref.type == 1 else TYPE_REFERENCE), ref.id
    if kind != "prim":
        return None
    prim = item.prim
    which = prim.WhichOneof("oneof_value")
    if which is None:
        return None
    if which == "null_value":
        return TYPE_NULL, 0
    if which == "empty_value":
        return TYPE_NULL, 1
    if which == "float_value":
        return TYPE_FLOAT, _U32.unpack(_FLOAT_BITS.pack(prim.float_value))[0]
    if which == "int_decimal_value":
        return TYPE_INT_DEC, prim.int_decimal_value & 0xFFFFFFFF
    if which == "boolean_value":
        return TYPE_INT_BOOLEAN, 0xFFFFFFFF if prim.boolean_value else 0
    return _PRIMITIVE_TYPES[which], int(getattr(prim, which)) & 0xFFFFFFFF


class _Builder:
    def __init__(self) -> None:
        self.nodes = 0
        self.scope: list[tuple[str, str]] = []

    def element(self, el: Any, parent: etree._Element | None, depth: int) -> etree._Element:
        if depth >= MAX_AXML_DEPTH:
            raise ProtoXmlError(f"elements nested deeper than {MAX_AXML_DEPTH}")
        self.nodes += 1
        if self.nodes > MAX_AXML_CHUNKS:
            raise ProtoXmlError(f"more than {MAX_AXML_CHUNKS} nodes")
        if len(el.attribute) > MAX_AXML_ATTRIBUTES:
            raise ProtoXmlError(f"more than {MAX_AXML_ATTRIBUTES} attributes on one element")
        declared = [(ns.prefix, ns.uri.strip()) for ns in el.namespace_declaration]
        self.scope.extend(declared)
        scope = {p: u for p, u in self.scope if p and u}
        uri, local = _fix_name(el.namespace_uri, el.name, scope)
        if not local:
            raise ProtoXmlError("an element without a name")
        nsmap = {p: u for p, u in declared if p and u and _PREFIX.match(p)}
        try:
            node = self._new(_clark(uri, local), nsmap, parent)
            for attr in el.attribute:
                self._attribute(node, attr, scope)
        except ValueError as exc:  # lxml refuses a name or namespace
            raise ProtoXmlError(str(exc)) from exc
        for child in el.child:
            which = child.WhichOneof("node")
            if which == "element":
                self.element(child.element, node, depth + 1)
            elif which == "text" and child.text.strip():
                node.text = _clean_value(child.text)
        del self.scope[len(self.scope) - len(declared) :]
        return node

    @staticmethod
    def _new(tag: str, nsmap: dict[str, str], parent: etree._Element | None) -> etree._Element:
        try:
            if parent is None:
                return etree.Element(tag, nsmap=nsmap or None)
            return etree.SubElement(parent, tag, nsmap=nsmap or None)
        except ValueError:
            if not nsmap:
                raise
        return _Builder._new(tag, {}, parent)  # a prefix lxml will not declare, as in axml.py

    @staticmethod
    def _attribute(node: etree._Element, attr: Any, scope: dict[str, str]) -> None:
        name: str | None = attr.name
        if attr.resource_id in ANDROID_ATTRIBUTES:
            name = ANDROID_ATTRIBUTES[attr.resource_id]
        elif attr.resource_id and name in _KNOWN_NAMES:
            name = None  # a decoy: the string says 'name' but the id is another attribute
        if not name:
            return
        uri, local = _fix_name(attr.namespace_uri, name, scope)
        if not local:
            return
        typed = _typed(attr.compiled_item) if attr.HasField("compiled_item") else None
        text = attr.value if typed is None else format_value(*typed)
        node.set(_clark(uri, local), _clean_value(text))


def read_proto_xml(data: bytes) -> etree._Element:
    """The root element of a protobuf XML document; ProtoXmlError when malformed."""
    try:
        doc = aapt_proto.XmlNode.FromString(data)
    except (DecodeError, RecursionError, ValueError) as exc:
        raise ProtoXmlError(f"not a protobuf XML document ({exc})") from exc
    if doc.WhichOneof("node") != "element":
        raise ProtoXmlError("no root element")
    return _Builder().element(doc.element, None, 0)


class ResourceStrings:
    """The string values of a bundle's resources.pb, by resource id (default configuration).

    A manifest names a handful of resources; a large app's table has tens of thousands of
    entries, so an entry is looked up in its one type when asked for, not indexed up front."""

    def __init__(self, data: bytes) -> None:
        try:
            table = aapt_proto.ResourceTable.FromString(data)
        except (DecodeError, RecursionError, ValueError) as exc:
            raise ProtoXmlError(f"not a protobuf resource table ({exc})") from exc
        self._types: dict[tuple[int, int], list[Any]] = {}
        for package in table.package:
            for type_ in package.type:
                key = (package.package_id.id & 0xFF, type_.type_id.id & 0xFF)
                self._types.setdefault(key, []).append(type_)

    def _item(self, res_id: int) -> Any:
        """The entry's value in the default configuration (else its first), or None."""
        for type_ in self._types.get((res_id >> 24, (res_id >> 16) & 0xFF), ()):
            for entry in type_.entry:
                if entry.entry_id.id != res_id & 0xFFFF:
                    continue
                chosen = next((cv for cv in entry.config_value if not cv.config), None)
                if chosen is None and entry.config_value:
                    chosen = entry.config_value[0]
                if chosen is not None and chosen.value.HasField("item"):
                    return chosen.value.item
                return None
        return None

    def string(self, res_id: int) -> str | None:
        """The text a resource id resolves to (strings, booleans, integers), following
        references; None for anything else or a missing id."""
        for _ in range(MAX_REFERENCE_DEPTH):
            item = self._item(res_id)
            if item is None:
                return None
            kind = item.WhichOneof("value")
            if kind in ("str", "raw_str", "styled_str"):
                return str(getattr(item, kind).value)
            if kind == "ref":
                res_id = item.ref.id
                continue
            typed = _typed(item)
            if typed is not None and typed[0] == TYPE_INT_HEX:
                return f"0x{typed[1]:08x}"  # as scanner.extract.arsc spells it
            if typed is None or typed[0] not in (TYPE_INT_DEC, TYPE_INT_BOOLEAN):
                return None
            return format_value(*typed)
        return None


def string_resolver(load: Callable[[], bytes | None]) -> Callable[[str], str | None]:
    """'@7F0B0001' -> its string through resources.pb, loaded on the first lookup. A table that
    cannot be read resolves nothing: the references stay as they are, as with resources.arsc."""
    loaded: dict[str, ResourceStrings | None] = {}

    def resolve(ref: str) -> str | None:
        if "table" not in loaded:
            data = load()
            try:
                loaded["table"] = ResourceStrings(data) if data else None
            except ProtoXmlError:
                loaded["table"] = None
        table = loaded["table"]
        if table is None or not ref.startswith("@"):
            return None
        try:
            return table.string(int(ref[1:].split(":")[-1], 16))
        except ValueError:
            return None

    return resolve
