"""Android binary XML (the AndroidManifest.xml inside an APK) → an lxml element tree.

Importing androguard's AXML module costs about 95 ms (its public-resource tables and loguru) on
every scan, for a format this module reads in a few hundred lines. The tree it builds is the one
`manifest.facts_from_tree` reads: element and attribute names in Clark notation
('{http://schemas.android.com/apk/res/android}name'), values formatted as androguard prints them
('@7F0B0001', 'true', '0x00000010'), so that both readers give the same ManifestFacts
(tests/test_axml.py checks it on every fixture and real-world APK).

Where the platform is stricter than androguard (chunk sizes aligned to 4 bytes, string indices in
range, NUL-terminated strings) this reader follows the platform: the app would not install.
Where it is more lenient, so is this reader: a namespace string index that points to no string
reads as "no namespace", since the platform reads it so and installs the app.
Attributes are named by their resource id first, as the platform reads them, so a manifest whose
attribute names were stripped or replaced by an obfuscator is still read right.

Every offset is bounds-checked; any malformation raises AxmlError. The string pool is read by
scanner.extract.stringpool, shared with the resources.arsc reader.

Format: frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h (AOSP).
"""

from __future__ import annotations

import re
import struct

from lxml import etree

from scanner.extract.stringpool import StringPool, StringPoolError
from scanner.limits import MAX_AXML_ATTRIBUTES, MAX_AXML_CHUNKS, MAX_AXML_DEPTH

RES_NULL_TYPE = 0x0000
RES_STRING_POOL_TYPE = 0x0001
RES_XML_TYPE = 0x0003
RES_XML_FIRST_CHUNK_TYPE = 0x0100
RES_XML_START_NAMESPACE_TYPE = 0x0100
RES_XML_END_NAMESPACE_TYPE = 0x0101
RES_XML_START_ELEMENT_TYPE = 0x0102
RES_XML_END_ELEMENT_TYPE = 0x0103
RES_XML_CDATA_TYPE = 0x0104
RES_XML_LAST_CHUNK_TYPE = 0x017F
RES_XML_RESOURCE_MAP_TYPE = 0x0180

# Res_value::dataType
TYPE_NULL = 0x00
TYPE_REFERENCE = 0x01
TYPE_ATTRIBUTE = 0x02
TYPE_STRING = 0x03
TYPE_FLOAT = 0x04
TYPE_DIMENSION = 0x05
TYPE_FRACTION = 0x06
TYPE_FIRST_INT = 0x10
TYPE_INT_HEX = 0x11
TYPE_INT_BOOLEAN = 0x12
TYPE_FIRST_COLOR_INT = 0x1C
TYPE_LAST_COLOR_INT = 0x1F
TYPE_LAST_INT = 0x1F

NO_INDEX = 0xFFFFFFFF
NODE_HEADER_SIZE = 16  # ResXMLTree_node: chunk header, lineNumber, comment
ATTRIBUTE_SIZE = 20  # ResXMLTree_attribute: ns, name, rawValue, Res_value (8 bytes)


ANDROID_ATTRIBUTES: dict[int, str] = {
    0x01010001: "label",
    0x01010003: "name",
    0x01010006: "permission",
    0x0101000E: "enabled",
    0x01010010: "exported",
    0x01010011: "process",
    0x01010018: "authorities",
    0x0101001C: "priority",
    0x01010024: "value",
    0x01010025: "resource",
    0x01010027: "scheme",
    0x01010202: "targetActivity",
    0x0101020C: "minSdkVersion",
    0x0101021B: "versionCode",
    0x0101021C: "versionName",
    0x01010270: "targetSdkVersion",
    0x01010271: "maxSdkVersion",
}
"""Resource ids of the android: attributes that manifest.facts_from_tree reads.

Fact source: frameworks/base/core/res/res/values/public.xml (AOSP), where these ids are fixed
public API. The platform matches manifest attributes by these ids, not by their name strings.
"""

_KNOWN_NAMES = frozenset(ANDROID_ATTRIBUTES.values())
_CHUNK = struct.Struct("<HHI")
_U32 = struct.Struct("<I")
_U32_PAIR = struct.Struct("<II")
_ELEMENT_EXT = struct.Struct("<IIHHH")  # ns, name, attributeStart, attributeSize, attributeCount
_ATTRIBUTE = struct.Struct("<IIIHBBI")  # ns, name, rawValue, size, res0, dataType, data
_FLOAT = struct.Struct("<f")

# XML names keep letters, digits and ._- (as androguard prints them); other characters become _.
_NAME_JUNK = re.compile(r"[^a-zA-Z0-9._-]")
_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
# Characters XML 1.0 cannot hold (lxml refuses them), each to be replaced by _. Surrogates are
# missing on purpose: decoding with errors="replace" never yields one. A translation table, as
# the equivalent regular expression costs 10 ms to compile on every start.
_NOT_XML_CHARS = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF], "_")
_RADIX_MULTIPLIERS = (1 / (1 << 8), 1 / (1 << 15), 1 / (1 << 23), 1 / (1 << 31))
_DIMENSION_UNITS = ("px", "dip", "sp", "pt", "in", "mm")
_FRACTION_UNITS = ("%", "%p")


class AxmlError(Exception):
    """The bytes are not a well-formed Android binary XML document."""


def _chunk(data: bytes, pos: int, end: int, min_header: int = 8) -> tuple[int, int, int]:
    """(type, headerSize, size) of the chunk at pos, which must lie within [pos, end)."""
    if pos + 8 > end:
        raise AxmlError(f"chunk header at {pos} runs past the end")
    ctype, header_size, size = _CHUNK.unpack_from(data, pos)
    if header_size < min_header or size < header_size or pos + size > end:
        raise AxmlError(f"bad chunk sizes at {pos}")
    if (header_size | size) & 3:
        raise AxmlError(f"chunk at {pos} is not aligned to 4 bytes")
    return ctype, header_size, size


def _complex(value: int) -> float:
    """A Res_value complex (dimension, fraction): 24-bit signed mantissa times 2^-radix."""
    mantissa = value & 0xFFFFFF00
    if mantissa & 0x80000000:
        mantissa -= 1 << 32
    return mantissa * _RADIX_MULTIPLIERS[(value >> 4) & 3]


def format_value(data_type: int, data: int, string: str | None = None) -> str:
    """A typed attribute value as text, in androguard's notation; `string` is the raw value."""
    if data_type == TYPE_STRING:
        return string or ""
    system = "android:" if data >> 24 == 1 else ""
    if data_type == TYPE_REFERENCE:
        return f"@{system}{data:08X}"
    if data_type == TYPE_ATTRIBUTE:
        return f"?{system}{data:08X}"
    if data_type == TYPE_FLOAT:
        return f"{_FLOAT.unpack(_U32.pack(data))[0]:f}"
    if data_type == TYPE_INT_HEX:
        return f"0x{data:08X}"
    if data_type == TYPE_INT_BOOLEAN:
        return "false" if data == 0 else "true"
    if data_type == TYPE_DIMENSION and data & 0xF < len(_DIMENSION_UNITS):
        return f"{_complex(data):f}{_DIMENSION_UNITS[data & 0xF]}"
    if data_type == TYPE_FRACTION and data & 0xF < len(_FRACTION_UNITS):
        return f"{_complex(data) * 100:f}{_FRACTION_UNITS[data & 0xF]}"
    if TYPE_FIRST_COLOR_INT <= data_type <= TYPE_LAST_COLOR_INT:
        return f"#{data:08X}"
    if TYPE_FIRST_INT <= data_type <= TYPE_LAST_INT:
        return str(data - (1 << 32) if data & 0x80000000 else data)
    return f"<0x{data:X}, type 0x{data_type:02X}>"


def _clean_value(value: str) -> str:
    """Text an XML attribute can hold: up to the first NUL (as aapt reads it), odd chars as _."""
    cut = value.find("\0")
    if cut >= 0:
        value = value[:cut]
    return value.translate(_NOT_XML_CHARS)


def _fix_name(uri: str, name: str, scope: dict[str, str]) -> tuple[str, str]:
    """(namespace uri, local name) valid in XML, as androguard spells them.

    'android:name' with no namespace of its own takes the namespace its prefix is bound to.
    """
    if not uri and ":" in name:
        prefix, rest = name.split(":", 1)
        if prefix in scope:
            uri, name = scope[prefix], rest
    if name and not (name[0].isalpha() or name[0] == "_"):
        name = "_" + name
    return uri, _NAME_JUNK.sub("_", name)


def _clark(uri: str, local: str) -> str:
    return f"{{{uri}}}{local}" if uri else local


class _Reader:
    """Walks the chunks of one document and builds the tree."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pool: StringPool | None = None
        self.resource_ids: tuple[int, ...] = ()
        self.root: etree._Element | None = None
        self.open: list[etree._Element] = []
        self.bindings: list[tuple[str, str]] = []  # (prefix, uri) of namespaces in scope
        self.declared: dict[str, str] = {}  # namespaces started since the last element

    def read(self) -> etree._Element:
        data = self.data
        if len(data) < 8:
            raise AxmlError("shorter than a chunk header")
        ctype, header_size, size = _chunk(data, 0, len(data))
        if ctype not in (RES_XML_TYPE, RES_NULL_TYPE):
            raise AxmlError(f"not an XML document (chunk type {ctype:#06x})")
        pos, chunks, in_body = header_size, 0, False
        while pos < size:
            chunks += 1
            if chunks > MAX_AXML_CHUNKS:
                raise AxmlError(f"more than {MAX_AXML_CHUNKS} chunks")
            ctype, hsize, csize = _chunk(data, pos, size)
            # The string pool and the resource map come before the first node (ResXMLTree).
            if ctype == RES_STRING_POOL_TYPE and not in_body and self.pool is None:
                self.pool = StringPool.parse(data, pos, hsize, csize)
            elif ctype == RES_XML_RESOURCE_MAP_TYPE and not in_body and not self.resource_ids:
                count = (csize - hsize) // 4
                self.resource_ids = struct.unpack_from(f"<{count}I", data, pos + hsize)
            elif RES_XML_FIRST_CHUNK_TYPE <= ctype <= RES_XML_LAST_CHUNK_TYPE:
                in_body = True
                if hsize < NODE_HEADER_SIZE:
                    raise AxmlError(f"short XML node header at {pos}")
                if self._node(ctype, pos + hsize, pos + csize):
                    break  # the root element is closed; the platform reads no further
            pos += csize  # other chunk types are skipped, as the platform does
        if self.root is None:
            raise AxmlError("no <manifest> element")
        return self.root

    def _string(self, idx: int) -> str:
        if self.pool is None:
            raise AxmlError("XML node before the string pool")
        return self.pool.get(idx)

    def _namespace(self, idx: int) -> str:
        """A namespace string (prefix or uri of a namespace node, uri of an element or attribute);
        "" when idx points to no readable string.

        The platform's stringAt() answers NULL for such an index, and NULL is "no namespace" to
        it: it reads android: attributes by resource id, the few others (package) by name in no
        namespace, and never asks for an element's namespace. So an app with a damaged namespace
        index installs, and its scan must not fail on it.
        """
        if idx == NO_INDEX:
            return ""
        if self.pool is None:
            raise AxmlError("XML node before the string pool")
        try:
            return self.pool.get(idx)
        except StringPoolError:
            return ""

    def _node(self, ctype: int, ext: int, end: int) -> bool:
        """Handle one node whose extension starts at ext; True once the root is closed."""
        if ctype in (RES_XML_START_NAMESPACE_TYPE, RES_XML_END_NAMESPACE_TYPE):
            if ext + 8 > end:
                raise AxmlError("short namespace node")
            prefix_idx, uri_idx = _U32_PAIR.unpack_from(self.data, ext)
            binding = (self._namespace(prefix_idx), self._namespace(uri_idx).strip())
            if ctype == RES_XML_START_NAMESPACE_TYPE:
                self.bindings.append(binding)
                if binding[0] and binding[1]:
                    self.declared[binding[0]] = binding[1]
            elif binding in self.bindings:
                del self.bindings[len(self.bindings) - 1 - self.bindings[::-1].index(binding)]
        elif ctype == RES_XML_START_ELEMENT_TYPE:
            self._start_element(ext, end)
        elif ctype == RES_XML_END_ELEMENT_TYPE:
            if self.open:
                self.open.pop()
                return not self.open
        elif ctype == RES_XML_CDATA_TYPE:
            if ext + 4 > end:
                raise AxmlError("short CDATA node")
            if self.open:
                self.open[-1].text = _clean_value(self._string(_U32.unpack_from(self.data, ext)[0]))
        return False

    def _scope(self) -> dict[str, str]:
        return {p: u for p, u in self.bindings if p and u}

    def _start_element(self, ext: int, end: int) -> None:
        if ext + 20 > end:
            raise AxmlError("short element node")
        if len(self.open) >= MAX_AXML_DEPTH:
            raise AxmlError(f"elements nested deeper than {MAX_AXML_DEPTH}")
        ns_idx, name_idx, attr_start, attr_size, attr_count = _ELEMENT_EXT.unpack_from(
            self.data, ext
        )
        if attr_count > MAX_AXML_ATTRIBUTES:
            raise AxmlError(f"more than {MAX_AXML_ATTRIBUTES} attributes on one element")
        if attr_count and (
            attr_size < ATTRIBUTE_SIZE or ext + attr_start + attr_count * attr_size > end
        ):
            raise AxmlError("attributes run past their element")
        scope = self._scope()
        uri, local = _fix_name(self._namespace(ns_idx), self._string(name_idx), scope)
        if not local:
            raise AxmlError("an element without a name")
        nsmap = {p: u for p, u in self.declared.items() if _PREFIX.match(p)}
        self.declared = {}
        try:
            element = self._element(_clark(uri, local), nsmap)
            for i in range(attr_count):
                pos = ext + attr_start + i * attr_size
                self._attribute(element, pos, scope)
        except ValueError as exc:  # lxml refuses a name or namespace
            raise AxmlError(str(exc)) from exc
        self.open.append(element)

    def _element(self, tag: str, nsmap: dict[str, str]) -> etree._Element:
        try:
            if self.root is None:
                self.root = etree.Element(tag, nsmap=nsmap or None)
                return self.root
            return etree.SubElement(self.open[-1], tag, nsmap=nsmap or None)
        except ValueError:
            if not nsmap:
                raise
        # A prefix or uri lxml will not declare (packers write odd ones): the names keep their
        # namespaces in Clark notation and lxml invents the prefixes.
        return self._element(tag, {})

    def _attribute(self, element: etree._Element, pos: int, scope: dict[str, str]) -> None:
        ns_idx, name_idx, raw_idx, _size, _res0, data_type, data = _ATTRIBUTE.unpack_from(
            self.data, pos
        )
        name = self._attribute_name(name_idx)
        if not name:
            return
        uri, local = _fix_name(self._namespace(ns_idx), name, scope)
        if not local:
            return
        raw = self._string(raw_idx) if data_type == TYPE_STRING else None
        element.set(_clark(uri, local), _clean_value(format_value(data_type, data, raw)))

    def _attribute_name(self, name_idx: int) -> str | None:
        """The platform names an attribute by its resource id; the string is a fallback."""
        res_id = self.resource_ids[name_idx] if name_idx < len(self.resource_ids) else None
        if res_id is not None and res_id in ANDROID_ATTRIBUTES:
            return ANDROID_ATTRIBUTES[res_id]
        text = self._string(name_idx)
        if res_id is not None and text in _KNOWN_NAMES:
            return None  # a decoy: the string says 'name' but the id is another attribute
        return text


def read_axml(data: bytes) -> etree._Element:
    """The root element of a binary XML document; AxmlError when the bytes are malformed."""
    try:
        return _Reader(data).read()
    except StringPoolError as exc:  # the pool, or a string the document needs, is malformed
        raise AxmlError(str(exc)) from exc
    except struct.error as exc:  # a fixed-size read past the data slipped a bounds check
        raise AxmlError(str(exc)) from exc
