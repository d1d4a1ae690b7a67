"""Resolve a few string resources (@7F0B0001) straight from resources.arsc.

The manifest names its label and some meta-data values by resource id. androguard's ARSCParser
decodes the whole table first (about 0.6 s on a 25 MB app), while one id needs only the global
string pool, one package and the type chunks of one type. Every offset is bounds-checked; any
surprise returns None and the caller falls back to androguard. The string pool is read by
scanner.extract.stringpool, shared with the binary XML reader.

Format: frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h (AOSP).
"""

from __future__ import annotations

import struct

from scanner.extract.stringpool import StringPool, StringPoolError
from scanner.limits import MAX_ARSC_CHUNKS, MAX_REFERENCE_DEPTH

RES_STRING_POOL_TYPE = 0x0001
RES_TABLE_TYPE = 0x0002
RES_TABLE_PACKAGE_TYPE = 0x0200
RES_TABLE_TYPE_TYPE = 0x0201
TYPE_REFERENCE = 0x01
TYPE_STRING = 0x03
TYPE_INT_DEC = 0x10
TYPE_INT_HEX = 0x11
TYPE_INT_BOOLEAN = 0x12
FLAG_COMPLEX = 0x0001
FLAG_COMPACT = 0x0008
TYPE_FLAG_SPARSE = 0x01
TYPE_FLAG_OFFSET16 = 0x02
NO_ENTRY = 0xFFFFFFFF


_CHUNK = struct.Struct("<HHI")


class _Malformed(Exception):
    """Internal: the table is not what the format says; the caller falls back."""


def _chunk(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    if pos + 8 > end:
        raise _Malformed("chunk header past the end")
    ctype, header_size, size = _CHUNK.unpack_from(data, pos)
    if size < 8 or header_size < 8 or header_size > size or pos + size > end:
        raise _Malformed("bad chunk size")
    return ctype, header_size, size


def _string_pool(data: bytes, pos: int, header_size: int, size: int) -> StringPool:
    try:
        return StringPool.parse(data, pos, header_size, size)
    except StringPoolError as exc:
        raise _Malformed(str(exc)) from exc


class ResourceTable:
    """The parts of resources.arsc needed to resolve string resources by id."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        ctype, header_size, size = _chunk(data, 0, len(data))
        if ctype != RES_TABLE_TYPE:
            raise _Malformed("not a resource table")
        self.end = size
        self.strings: StringPool | None = None
        self.packages: dict[int, tuple[int, int, int]] = {}
        pos, seen = header_size, 0
        while pos < self.end and seen < MAX_ARSC_CHUNKS:
            seen += 1
            ctype, hsize, csize = _chunk(data, pos, self.end)
            if ctype == RES_STRING_POOL_TYPE and self.strings is None:
                self.strings = _string_pool(data, pos, hsize, csize)
            elif ctype == RES_TABLE_PACKAGE_TYPE:
                if hsize < 12:
                    raise _Malformed("short package header")
                (pkg_id,) = struct.unpack_from("<I", data, pos + 8)
                self.packages.setdefault(pkg_id, (pos, hsize, csize))
            pos += csize

    def _value(self, res_id: int) -> tuple[int, int] | None:
        """(dataType, data) of the entry's value in the default configuration (else the first)."""
        pkg = self.packages.get(res_id >> 24)
        if pkg is None:
            return None
        type_id, entry = (res_id >> 16) & 0xFF, res_id & 0xFFFF
        data = self.data
        pkg_pos, pkg_hsize, pkg_size = pkg
        pos, end, seen = pkg_pos + pkg_hsize, pkg_pos + pkg_size, 0
        fallback: tuple[int, int] | None = None
        while pos < end and seen < MAX_ARSC_CHUNKS:
            seen += 1
            ctype, hsize, csize = _chunk(data, pos, end)
            if ctype == RES_TABLE_TYPE_TYPE and hsize >= 20 and data[pos + 8] == type_id:
                found = self._entry_in_type(pos, hsize, csize, entry)
                if found is not None:
                    if self._is_default_config(pos, hsize):
                        return found
                    fallback = fallback or found
            pos += csize
        return fallback

    def _is_default_config(self, pos: int, hsize: int) -> bool:
        data = self.data
        (cfg_size,) = struct.unpack_from("<I", data, pos + 20)
        cfg_end = min(pos + 20 + cfg_size, pos + hsize)
        return not any(data[pos + 24 : cfg_end])

    def _entry_in_type(
        self, pos: int, hsize: int, csize: int, entry: int
    ) -> tuple[int, int] | None:
        data = self.data
        flags = data[pos + 9]
        count, entries_start = struct.unpack_from("<II", data, pos + 12)
        index_pos = pos + hsize
        offset: int | None = None
        if flags & TYPE_FLAG_SPARSE:
            for i in range(min(count, (csize - hsize) // 4)):
                idx, off16 = struct.unpack_from("<HH", data, index_pos + 4 * i)
                if idx == entry:
                    offset = off16 * 4
                    break
        elif entry < count:
            if flags & TYPE_FLAG_OFFSET16:
                (off16,) = struct.unpack_from("<H", data, index_pos + 2 * entry)
                offset = None if off16 == 0xFFFF else off16 * 4
            else:
                (off32,) = struct.unpack_from("<I", data, index_pos + 4 * entry)
                offset = None if off32 == NO_ENTRY else off32
        if offset is None:
            return None
        epos = pos + entries_start + offset
        if epos + 8 > pos + csize:
            raise _Malformed("entry outside its type chunk")
        esize, eflags = struct.unpack_from("<HH", data, epos)
        if eflags & FLAG_COMPACT:
            (value,) = struct.unpack_from("<I", data, epos + 4)
            return eflags >> 8, value
        if eflags & FLAG_COMPLEX:
            return None
        vpos = epos + esize
        if vpos + 8 > pos + csize:
            raise _Malformed("value outside its type chunk")
        _vsize, _res0, dtype, value = struct.unpack_from("<HBBI", data, vpos)
        return dtype, value

    def string(self, res_id: int) -> str | None:
        """The text a resource id resolves to (strings, booleans, integers), following
        references; None for anything else (styles, arrays, colours) or a missing id."""
        for _ in range(MAX_REFERENCE_DEPTH):
            found = self._value(res_id)
            if found is None:
                return None
            dtype, value = found
            if dtype == TYPE_STRING and self.strings is not None:
                try:
                    return self.strings.get(value)
                except StringPoolError as exc:
                    raise _Malformed(str(exc)) from exc
            if dtype == TYPE_INT_BOOLEAN:
                return "true" if value else "false"
            if dtype == TYPE_INT_DEC:
                return str(value - (1 << 32) if value & 0x80000000 else value)
            if dtype == TYPE_INT_HEX:
                return f"0x{value:08x}"
            if dtype != TYPE_REFERENCE:
                return None
            res_id = value
        return None


def resolve_string(table: ResourceTable | None, ref: str) -> str | None:
    """'@7F0B0001' -> its string, or None when it cannot be resolved here."""
    if table is None or not ref.startswith("@"):
        return None
    try:
        res_id = int(ref[1:].split(":")[-1], 16)
        return table.string(res_id)
    except (ValueError, _Malformed, struct.error, IndexError):
        return None


def load_table(data: bytes | None) -> ResourceTable | None:
    """A ResourceTable, or None when the bytes are missing or not a readable table."""
    if not data:
        return None
    try:
        return ResourceTable(data)
    except (_Malformed, struct.error, IndexError):
        return None
