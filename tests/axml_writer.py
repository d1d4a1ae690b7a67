"""A binary Android XML writer, laid out as aapt lays it out, for hand-built test documents.

Shared by tests/test_axml.py (documents the corpus lacks) and samples/build_splits.py (the
minimal manifest of a config split), so the two never drift apart.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from scanner.extract.manifest import ANDROID_NS

NO = 0xFFFFFFFF
Value = str | tuple[int, int]
"""An attribute value: a string, or (Res_value dataType, data)."""
Name = str | int | tuple[str, int]
"""'android:x' / 'x' (namespaced by its prefix or not), '!android:x' (that very string, with no
namespace), a bare resource id (an obfuscated name: empty string, id in the resource map), or
(string, resource id)."""


@dataclass
class Element:
    tag: str
    attrs: list[tuple[Name, Value]] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)
    declares: tuple[str, str] | None = None
    """A (prefix, uri) namespace declared on this element, in scope for its subtree only."""


def _length(n: int, utf8: bool) -> bytes:
    if utf8:
        return bytes([n]) if n < 0x80 else bytes([0x80 | n >> 8, n & 0xFF])
    return struct.pack("<H", n) if n < 0x8000 else struct.pack("<HH", 0x8000 | n >> 16, n & 0xFFFF)


def _pool(strings: list[str], utf8: bool) -> bytes:
    offsets, blob = [], b""
    for text in strings:
        offsets.append(len(blob))
        if utf8:
            raw = text.encode("utf-8")
            blob += _length(len(text), True) + _length(len(raw), True) + raw + b"\0"
        else:
            blob += _length(len(text), False) + text.encode("utf-16-le") + b"\0\0"
    blob += b"\0" * (-len(blob) % 4)
    start = 28 + 4 * len(strings)
    flags = 0x100 if utf8 else 0
    header = struct.pack("<HHIIIIII", 1, 28, start + len(blob), len(strings), 0, flags, start, 0)
    return header + struct.pack(f"<{len(strings)}I", *offsets) + blob


def build_axml(
    root: Element, *, utf8: bool = False, prefix: str = "android", uri: str = ANDROID_NS
) -> bytes:
    """A binary XML document as aapt lays it out: pool, resource map, namespace, elements."""
    mapped: list[tuple[str, int]] = []  # names with a resource id take the first pool slots
    plain: list[str] = []

    def walk(el: Element) -> None:
        for name, _ in el.attrs:
            if isinstance(name, int):
                mapped.append(("", name))
            elif isinstance(name, tuple):
                mapped.append(name)
        for child in el.children:
            walk(child)

    walk(root)
    mapped = list(dict.fromkeys(mapped))
    strings = [s for s, _ in mapped]

    def index(text: str) -> int:
        if text not in plain:
            plain.append(text)
        return len(mapped) + plain.index(text)

    def attr_key(name: Name) -> tuple[int, int]:
        if isinstance(name, int):
            return index(uri), mapped.index(("", name))
        if isinstance(name, tuple):
            return index(uri), mapped.index(name)
        if name.startswith("!"):
            return NO, index(name[1:])
        if name.startswith(prefix + ":"):
            return index(uri), index(name.split(":", 1)[1])
        return NO, index(name)

    def node(ctype: int, body: bytes) -> bytes:
        return struct.pack("<HHIII", ctype, 16, 16 + len(body), 1, NO) + body

    def element(el: Element) -> bytes:
        attrs = b""
        for name, value in el.attrs:
            ns, key = attr_key(name)
            if isinstance(value, str):
                raw = index(value)
                attrs += struct.pack("<IIIHBBI", ns, key, raw, 8, 0, 3, raw)
            else:
                attrs += struct.pack("<IIIHBBI", ns, key, NO, 8, 0, value[0], value[1])
        tag = index(el.tag)
        out = node(0x0102, struct.pack("<IIHHHHHH", NO, tag, 20, 20, len(el.attrs), 0, 0, 0))
        out += attrs
        out = out[:4] + struct.pack("<I", len(out)) + out[8:]
        for child in el.children:
            out += element(child)
        out += node(0x0103, struct.pack("<II", NO, tag))
        if el.declares:
            pair = struct.pack("<II", index(el.declares[0]), index(el.declares[1]))
            out = node(0x0100, pair) + out + node(0x0101, pair)
        return out

    ns_pair = struct.pack("<II", index(prefix), index(uri))
    body = node(0x0100, ns_pair) + element(root) + node(0x0101, ns_pair)
    ids = [res_id for _, res_id in mapped]
    res_map = struct.pack("<HHI", 0x0180, 8, 8 + 4 * len(ids)) + struct.pack(f"<{len(ids)}I", *ids)
    chunks = _pool(strings + plain, utf8) + res_map + body
    return struct.pack("<HHI", 3, 8, 8 + len(chunks)) + chunks
