#!/usr/bin/env python3
"""Time the bundle manifest reader: protobuf's parser (upb) against a wire-format reader.

scanner.extract.protoxml parses aapt2's protobuf XML with the `protobuf` package and message
classes built from descriptors. The alternative the issue allows, a small pure-Python
wire-format reader, is written out here (it is not shipped) and builds the same lxml tree. Each
real-world APK's binary manifest is decoded, written as protobuf XML (samples/build_aab.py) and
read `--repeat` times by both; the best time of each is printed with the trees compared.

    python scripts/bench_aab_manifest.py
    python scripts/bench_aab_manifest.py path/to/app.apk --repeat 50
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "samples"), str(ROOT / "tests")]
APPS = ROOT / ".cache" / "real-world" / "apps"
DEFAULT = [APPS / "Yosemite.apk", APPS / "ApiDemos-debug.apk"]

from build_aab import proto_manifest  # noqa: E402
from lxml import etree  # noqa: E402

from scanner.extract import protoxml  # noqa: E402
from scanner.extract.axml import ANDROID_ATTRIBUTES, _clark, _clean_value, format_value  # noqa: E402

# --------------------------------------------------------------------------- the alternative


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("bad varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, Any]]:
    """(field number, value) of one message: ints for varints and fixed32, bytes otherwise."""
    out: list[tuple[int, Any]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ValueError("length past the end")
            value, pos = data[pos : pos + size], pos + size
        elif wire == 5:
            value, pos = struct.unpack_from("<I", data, pos)[0], pos + 4
        elif wire == 1:
            value, pos = struct.unpack_from("<Q", data, pos)[0], pos + 8
        else:
            raise ValueError(f"wire type {wire}")
        out.append((number, value))
    return out


_PRIM = {6: 0x10, 7: 0x11, 8: 0x12, 13: 0x05, 14: 0x06, 9: 0x1C, 10: 0x1D, 11: 0x1E, 12: 0x1F}


def _item(data: bytes) -> tuple[int, int] | None:
    for number, value in _fields(data):
        if number == 1:  # Reference
            ref = dict(_fields(value))
            return (0x02 if ref.get(1) == 1 else 0x01), ref.get(2, 0)
        if number == 7:  # Primitive
            for prim, raw in _fields(value):
                if prim in _PRIM:
                    data_type = _PRIM[prim]
                    if data_type == 0x12:
                        raw = 0xFFFFFFFF if raw else 0
                    return data_type, raw & 0xFFFFFFFF
                if prim == 3:
                    return 0x04, raw
    return None


def _element(data: bytes, parent: Any) -> Any:
    uri = name = ""
    attrs: list[bytes] = []
    children: list[bytes] = []
    nsmap: dict[str, str] = {}
    for number, value in _fields(data):
        if number == 1:
            ns = dict(_fields(value))
            nsmap[ns.get(1, b"").decode()] = ns.get(2, b"").decode()
        elif number == 2:
            uri = value.decode()
        elif number == 3:
            name = value.decode()
        elif number == 4:
            attrs.append(value)
        elif number == 5:
            children.append(value)
    tag = _clark(uri, name)
    node = (
        etree.Element(tag, nsmap=nsmap or None)
        if parent is None
        else etree.SubElement(parent, tag, nsmap=nsmap or None)
    )
    for raw in attrs:
        fields = _fields(raw)
        got = {n: v for n, v in fields if n != 6}
        a_name = ANDROID_ATTRIBUTES.get(got.get(5, 0)) or got.get(2, b"").decode()
        typed = next((_item(v) for n, v in fields if n == 6), None)
        text = got.get(3, b"").decode() if typed is None else format_value(*typed)
        node.set(_clark(got.get(1, b"").decode(), a_name), _clean_value(text))
    for raw in children:
        for number, value in _fields(raw):
            if number == 1:
                _element(value, node)
    return node


def wire_read(data: bytes) -> Any:
    root = dict(_fields(data))
    return _element(root[1], None)


# --------------------------------------------------------------------------- timing


def best(fn: Callable[[bytes], object], data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apks", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    from scanner.extract.axml import read_axml

    for apk in args.apks or [p for p in DEFAULT if p.exists()]:
        with zipfile.ZipFile(apk) as zf:
            tree = read_axml(zf.read("AndroidManifest.xml"))
        data = proto_manifest(tree)
        expected = etree.tostring(tree)
        same_pb = etree.tostring(protoxml.read_proto_xml(data)) == expected
        same_wire = etree.tostring(wire_read(data)) == expected
        parse_only = best(protoxml.aapt_proto.XmlNode.FromString, data, args.repeat)
        pb = best(protoxml.read_proto_xml, data, args.repeat)
        wire = best(wire_read, data, args.repeat)
        elements = sum(1 for _ in tree.iter())
        print(
            f"{apk.name}: {len(data)} bytes, {elements} elements | protobuf {pb * 1e3:.2f} ms "
            f"(parse alone {parse_only * 1e3:.2f} ms) | wire reader {wire * 1e3:.2f} ms | "
            f"same tree: protobuf {same_pb}, wire {same_wire}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
