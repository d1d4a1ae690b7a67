"""A purpose-built reader of the dex tables privacy-scan needs.

Parsing a whole dex with androguard costs seconds per file (it builds objects for every method,
field and instruction); listing the defined classes needs only the header, the string and type
id tables and the class_defs table. Strings are decoded lazily, so a dex with 100k strings costs
only the strings that are asked for. Every offset is bounds-checked: a hostile dex raises
`DexFormatError`, never IndexError or a hang.

Format reference: https://source.android.com/docs/core/runtime/dex-format
"""

from __future__ import annotations

import struct
from collections.abc import Container, Iterator
from dataclasses import dataclass
from functools import cached_property

HEADER_SIZE = 0x70
_U32 = struct.Struct("<I")
_HEADER = struct.Struct("<8sI20sIIIIIIIIIIIIIIIIIIII")
NO_INDEX = 0xFFFFFFFF
MAX_TYPE_IDS = 65536


class DexFormatError(ValueError):
    """The bytes are not a well-formed dex file (the message says which table is broken)."""


@dataclass(frozen=True)
class DexHeader:
    version: str
    file_size: int
    string_ids_size: int
    string_ids_off: int
    type_ids_size: int
    type_ids_off: int
    proto_ids_size: int
    proto_ids_off: int
    field_ids_size: int
    field_ids_off: int
    method_ids_size: int
    method_ids_off: int
    class_defs_size: int
    class_defs_off: int
    data_size: int
    data_off: int


def _uleb128(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    """Decode an unsigned LEB128 at `pos`; return (value, next position)."""
    result = 0
    shift = 0
    end = len(data)
    while True:
        if pos >= end:
            raise DexFormatError("uleb128 runs past the end of the file")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 28:  # a fifth byte was read and still continues (the hot loops check so too)
            raise DexFormatError("uleb128 longer than 5 bytes")


def decode_mutf8(raw: bytes) -> str:
    """Decode dex 'modified UTF-8'. Nearly every dex string is plain UTF-8, tried first."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # MUTF-8 encodes NUL as C0 80 and supplementary characters as two 3-byte surrogates.
    units: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        b = raw[i]
        if b < 0x80:
            units.append(b)
            i += 1
        elif b & 0xE0 == 0xC0 and i + 1 < n:
            units.append(((b & 0x1F) << 6) | (raw[i + 1] & 0x3F))
            i += 2
        elif b & 0xF0 == 0xE0 and i + 2 < n:
            units.append(((b & 0x0F) << 12) | ((raw[i + 1] & 0x3F) << 6) | (raw[i + 2] & 0x3F))
            i += 3
        else:
            units.append(0xFFFD)
            i += 1
    return struct.pack(f"<{len(units)}H", *units).decode("utf-16-le", errors="replace")


def descriptor_to_class_name(descriptor: str) -> str:
    """'Lcom/foo/Bar$Baz;' -> 'com.foo.Bar$Baz'; array and primitive descriptors are kept as is."""
    if descriptor.startswith("L") and descriptor.endswith(";"):
        return descriptor[1:-1].replace("/", ".")
    return descriptor


_CLASS_DEF_TYPE = struct.Struct("<I28x")
"""The class_idx that opens each 32-byte class_def_item."""


class DexFile:
    """Lazy, bounds-checked view of one dex file's id tables."""

    def __init__(self, data: bytes, name: str = "classes.dex") -> None:
        self.name = name
        self.data = data
        self.header = self._read_header()
        self._strings: dict[int, str] = {}

    # ------------------------------------------------------------------ header / tables
    def _read_header(self) -> DexHeader:
        data = self.data
        if len(data) < HEADER_SIZE:
            raise DexFormatError(f"{len(data)} bytes is shorter than a dex header")
        fields = _HEADER.unpack_from(data, 0)
        magic = fields[0]
        if magic[:4] != b"dex\n" or magic[7] != 0:
            raise DexFormatError("bad dex magic")
        endian_tag = fields[5]
        if endian_tag != 0x12345678:
            raise DexFormatError("unsupported endianness tag")
        header = DexHeader(
            version=magic[4:7].decode("ascii", errors="replace"),
            file_size=fields[3],
            string_ids_size=fields[9],
            string_ids_off=fields[10],
            type_ids_size=fields[11],
            type_ids_off=fields[12],
            proto_ids_size=fields[13],
            proto_ids_off=fields[14],
            field_ids_size=fields[15],
            field_ids_off=fields[16],
            method_ids_size=fields[17],
            method_ids_off=fields[18],
            class_defs_size=fields[19],
            class_defs_off=fields[20],
            data_size=fields[21],
            data_off=fields[22],
        )
        self._check_table("string_ids", header.string_ids_off, header.string_ids_size, 4)
        self._check_table("type_ids", header.type_ids_off, header.type_ids_size, 4)
        self._check_table("proto_ids", header.proto_ids_off, header.proto_ids_size, 12)
        self._check_table("field_ids", header.field_ids_off, header.field_ids_size, 8)
        self._check_table("method_ids", header.method_ids_off, header.method_ids_size, 8)
        self._check_table("class_defs", header.class_defs_off, header.class_defs_size, 32)
        # Each class_def defines a distinct type, and type ids are 16-bit in the format, so a
        # larger table is hostile (a repeated entry inflates to millions of names otherwise).
        if header.type_ids_size > MAX_TYPE_IDS:
            raise DexFormatError(f"{header.type_ids_size} type ids (the format allows 65536)")
        if header.class_defs_size > header.type_ids_size:
            raise DexFormatError(
                f"{header.class_defs_size} class_defs for {header.type_ids_size} types"
            )
        return header

    def _check_table(self, what: str, off: int, count: int, item_size: int) -> None:
        if count and (off < HEADER_SIZE or off + count * item_size > len(self.data)):
            raise DexFormatError(f"{what} table ({count} items at {off:#x}) is outside the file")

    # ------------------------------------------------------------------ ids
    def string(self, idx: int) -> str:
        """The string with id `idx` (decoded once, then cached)."""
        cached = self._strings.get(idx)
        if cached is not None:
            return cached
        h = self.header
        if not 0 <= idx < h.string_ids_size:
            raise DexFormatError(f"string index {idx} out of range")
        (off,) = _U32.unpack_from(self.data, h.string_ids_off + 4 * idx)
        _utf16_len, start = _uleb128(self.data, off)
        end = self.data.find(b"\x00", start)
        if end < 0:
            raise DexFormatError(f"string {idx} is not NUL-terminated")
        text = decode_mutf8(self.data[start:end])
        self._strings[idx] = text
        return text

    def type_descriptor(self, idx: int) -> str:
        """The descriptor ('Lcom/foo/Bar;') of type id `idx`."""
        h = self.header
        if not 0 <= idx < h.type_ids_size:
            raise DexFormatError(f"type index {idx} out of range")
        (string_idx,) = _U32.unpack_from(self.data, h.type_ids_off + 4 * idx)
        return self.string(string_idx)

    @cached_property
    def class_def_type_ids(self) -> tuple[int, ...]:
        """Type id of every class_def, in table order."""
        h = self.header
        unpack = _U32.unpack_from
        data = self.data
        base = h.class_defs_off
        return tuple(unpack(data, base + 32 * i)[0] for i in range(h.class_defs_size))

    @cached_property
    def class_names(self) -> tuple[str, ...]:
        """Dotted names of every class defined in this dex, in table order.

        One loop over the class_defs with `type_descriptor` / `string` / `decode_mutf8` done
        inline for the usual entry (a one-byte length and plain UTF-8): four calls per class
        were 0.04 s of Yosemite's 13,000. Anything else takes the methods themselves, so the
        result and every error are theirs."""
        h = self.header
        data = self.data
        size = len(data)
        unpack = _U32.unpack_from
        type_ids_off, type_ids_size = h.type_ids_off, h.type_ids_size
        string_ids_off, string_ids_size = h.string_ids_off, h.string_ids_size
        class_defs = data[h.class_defs_off : h.class_defs_off + 32 * h.class_defs_size]
        names: list[str] = []
        for (type_idx,) in _CLASS_DEF_TYPE.iter_unpack(class_defs):
            text = None
            if type_idx < type_ids_size:
                (string_idx,) = unpack(data, type_ids_off + 4 * type_idx)
                if string_idx < string_ids_size:
                    (off,) = unpack(data, string_ids_off + 4 * string_idx)
                    end = data.find(0, off + 1) if off < size and data[off] < 0x80 else -1
                    if end >= 0:
                        try:
                            text = data[off + 1 : end].decode("utf-8")
                        except UnicodeDecodeError:  # MUTF-8 proper: decode_mutf8 below
                            text = None
            if text is None:
                text = self.type_descriptor(type_idx)
            if text.startswith("L") and text.endswith(";"):
                text = text[1:-1].replace("/", ".")
            names.append(text)
        return tuple(names)


def read_class_names(data: bytes, name: str = "classes.dex") -> tuple[str, ...]:
    """Dotted names of the classes a dex defines; raises DexFormatError on a malformed dex."""
    return DexFile(data, name).class_names


# =========================================================================== code scanning
#
# Everything below reads method bodies. The call-site scanner (scanner.detect.callsites) looks
# up the few method / field / string ids it cares about by binary search (the id tables are
# sorted by the spec), so a dex is never decoded wholesale.

_U16 = struct.Struct("<H")
_CODE_ITEM = struct.Struct("<HHHHII")
CODE_ITEM_HEADER = 16
TYPE_CALL_SITE_ID_ITEM = 0x0007
TYPE_METHOD_HANDLE_ITEM = 0x0008


def _instruction_widths() -> bytes:
    """Width in 16-bit code units of every Dalvik opcode (payload pseudo-instructions aside)."""
    width = [1] * 256  # 10x, 11x, 11n, 12x, 10t and the unused opcodes
    spans = {
        2: [
            0x02,
            0x05,
            0x08,
            0x13,
            0x15,
            0x16,
            0x19,
            0x1A,
            0x1C,
            0x1F,
            0x20,
            0x22,
            0x23,
            0x29,
            0xFE,
            0xFF,
            *range(0x2D, 0x3E),
            *range(0x44, 0x6E),
            *range(0x90, 0xB0),
            *range(0xD0, 0xE3),
        ],
        3: [
            0x03,
            0x06,
            0x09,
            0x14,
            0x17,
            0x1B,
            0x24,
            0x25,
            0x26,
            0x2A,
            0x2B,
            0x2C,
            0xFC,
            0xFD,
            *range(0x6E, 0x73),
            *range(0x74, 0x79),
        ],
        4: [0xFA, 0xFB],
        5: [0x18],
    }
    for units, opcodes in spans.items():
        for op in opcodes:
            width[op] = units
    return bytes(width)


INSTRUCTION_WIDTHS = _instruction_widths()
INVOKE_OPCODES = frozenset([*range(0x6E, 0x73), *range(0x74, 0x79), 0xFA, 0xFB])
"""invoke-virtual/super/direct/static/interface (+ /range) and invoke-polymorphic (+ /range):
the method id is the 16-bit word after the opcode unit."""
INVOKE_CUSTOM_OPCODES = frozenset([0xFC, 0xFD])
"""invoke-custom (+ /range): the word after the opcode unit is a call_site id."""
CONST_STRING = 0x1A
CONST_STRING_JUMBO = 0x1B
SGET_OPCODES = frozenset(range(0x60, 0x67))
"""sget, sget-wide, sget-object, sget-boolean, sget-byte, sget-char, sget-short (format 21c):
the field id is the 16-bit word after the opcode unit. Framework content URIs are read with
sget-object (0x62)."""


@dataclass(frozen=True)
class MethodCode:
    """One method that has a body: its method id and where its instructions are."""

    method_idx: int
    insns_off: int
    """File offset of the first code unit."""
    insns_units: int
    """Number of 16-bit code units."""


@dataclass(frozen=True)
class CodeRefs:
    """What one method body references, restricted to the ids the caller asked about."""

    methods: tuple[int, ...]
    """Method ids named by invoke-* instructions (invoke-custom contributes the method handles
    of its call site: bootstrap method and method-handle arguments)."""
    strings: tuple[int, ...]
    """String ids loaded by const-string / const-string/jumbo."""
    fields: tuple[int, ...] = ()
    """Field ids read by sget-* instructions."""


def _check_span(data: bytes, off: int, size: int, what: str) -> None:
    if off < 0 or size < 0 or off + size > len(data):
        raise DexFormatError(f"{what} at {off:#x} (+{size}) is outside the file")


def _payload_units(data: bytes, pos: int, end: int) -> int:
    """Width of the switch / array payload at `pos` (its first unit is 0x0100, 0x0200 or 0x0300)."""
    if pos + 8 > end:
        raise DexFormatError(f"payload at {pos:#x} runs past the method's code")
    ident = data[pos + 1]
    (size,) = _U16.unpack_from(data, pos + 2)
    if ident == 1:  # packed-switch-payload: ident, size, first_key (2 units), targets (2 each)
        return 4 + 2 * int(size)
    if ident == 2:  # sparse-switch-payload: ident, size, keys and targets (2 units each)
        return 2 + 4 * int(size)
    # fill-array-data-payload: ident, element_width, size (2 units), data padded to a unit
    (count,) = _U32.unpack_from(data, pos + 4)
    return 4 + (int(count) * int(size) + 1) // 2


class DexCode(DexFile):
    """A `DexFile` that can also look ids up by value and read method bodies."""

    def __init__(self, data: bytes, name: str = "classes.dex") -> None:
        super().__init__(data, name)
        self._call_site_arrays: dict[int, list[tuple[int, int]]] = {}
        self._encoded_values_read = 0

    # ------------------------------------------------------------------ lookups by value
    def _u32_at(self, off: int) -> int:
        _check_span(self.data, off, 4, "u32")
        return int(_U32.unpack_from(self.data, off)[0])

    def string_index(self, text: str) -> int | None:
        """Id of the string equal to `text`, by binary search (string_ids are sorted)."""
        lo = self._string_lower_bound(text)
        if lo < self.header.string_ids_size and self.string(lo) == text:
            return lo
        return None

    def _string_lower_bound(self, text: str) -> int:
        # The spec orders strings by UTF-16 code units, which UTF-16-BE bytes compare like.
        key = text.encode("utf-16-be", errors="surrogatepass")
        lo, hi = 0, self.header.string_ids_size
        while lo < hi:
            mid = (lo + hi) // 2
            if self.string(mid).encode("utf-16-be", errors="surrogatepass") < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def strings_with_prefix(self, prefix: str, limit: int = 10_000) -> list[int]:
        """Ids of the strings starting with `prefix` (at most `limit`), by binary search."""
        out: list[int] = []
        idx = self._string_lower_bound(prefix)
        while idx < self.header.string_ids_size and len(out) < limit:
            if not self.string(idx).startswith(prefix):
                break
            out.append(idx)
            idx += 1
        return out

    def type_index(self, descriptor: str) -> int | None:
        """Id of the type with descriptor 'Landroid/foo/Bar;', or None when not referenced."""
        string_idx = self.string_index(descriptor)
        if string_idx is None:
            return None
        h = self.header
        lo, hi = 0, h.type_ids_size
        while lo < hi:  # type_ids are sorted by string id
            mid = (lo + hi) // 2
            if _U32.unpack_from(self.data, h.type_ids_off + 4 * mid)[0] < string_idx:
                lo = mid + 1
            else:
                hi = mid
        if lo < h.type_ids_size and self._u32_at(h.type_ids_off + 4 * lo) == string_idx:
            return lo
        return None

    def method_id(self, idx: int) -> tuple[int, int, int]:
        """(class type id, proto id, name string id) of method id `idx`."""
        h = self.header
        if not 0 <= idx < h.method_ids_size:
            raise DexFormatError(f"method index {idx} out of range")
        off = h.method_ids_off + 8 * idx
        class_idx, proto_idx = struct.unpack_from("<HH", self.data, off)
        return class_idx, proto_idx, int(_U32.unpack_from(self.data, off + 4)[0])

    def methods_of_class(self, type_idx: int) -> range:
        """Method ids whose defining class is `type_idx` (method_ids are sorted by class first)."""
        return self._ids_of_class(self.header.method_ids_off, self.header.method_ids_size, type_idx)

    def fields_of_class(self, type_idx: int) -> range:
        """Field ids whose defining class is `type_idx` (field_ids are sorted by class first)."""
        return self._ids_of_class(self.header.field_ids_off, self.header.field_ids_size, type_idx)

    def _ids_of_class(self, base: int, size: int, type_idx: int) -> range:
        """Binary search of a method_ids / field_ids table (8-byte items led by the u16 class
        type id, sorted by it) for the run of items of one class."""
        data = self.data

        def bound(strict: bool) -> int:
            lo, hi = 0, size
            while lo < hi:
                mid = (lo + hi) // 2
                value = _U16.unpack_from(data, base + 8 * mid)[0]
                if value < type_idx or (strict and value == type_idx):
                    lo = mid + 1
                else:
                    hi = mid
            return lo

        return range(bound(False), bound(True))

    def field_id(self, idx: int) -> tuple[int, int, int]:
        """(class type id, field type id, name string id) of field id `idx`."""
        h = self.header
        if not 0 <= idx < h.field_ids_size:
            raise DexFormatError(f"field index {idx} out of range")
        off = h.field_ids_off + 8 * idx
        class_idx, type_idx = struct.unpack_from("<HH", self.data, off)
        return class_idx, type_idx, int(_U32.unpack_from(self.data, off + 4)[0])

    def field_name(self, idx: int) -> str:
        return self.string(self.field_id(idx)[2])

    def field_class(self, idx: int) -> str:
        return descriptor_to_class_name(self.type_descriptor(self.field_id(idx)[0]))

    def method_name(self, idx: int) -> str:
        return self.string(self.method_id(idx)[2])

    def method_class(self, idx: int) -> str:
        return descriptor_to_class_name(self.type_descriptor(self.method_id(idx)[0]))

    def proto_descriptor(self, proto_idx: int) -> str:
        """'(ILjava/lang/String;)V' for proto id `proto_idx`."""
        h = self.header
        if not 0 <= proto_idx < h.proto_ids_size:
            raise DexFormatError(f"proto index {proto_idx} out of range")
        _shorty, return_type, params_off = struct.unpack_from(
            "<III", self.data, h.proto_ids_off + 12 * proto_idx
        )
        params: list[str] = []
        if params_off:
            count = self._u32_at(params_off)
            _check_span(self.data, params_off + 4, 2 * count, "parameter type_list")
            params = [
                self.type_descriptor(_U16.unpack_from(self.data, params_off + 4 + 2 * i)[0])
                for i in range(count)
            ]
        return f"({''.join(params)}){self.type_descriptor(return_type)}"

    # ------------------------------------------------------------------ map / call sites
    def code_section(self) -> tuple[int, int]:
        """[start, end) of the code_item section per the map, else of the data section."""
        sections = self.map_sections
        n = len(self.data)
        if 0x2001 in sections:
            start = sections[0x2001][1]
            later = [off for _count, off in sections.values() if off > start]
            return min(start, n), min(min(later, default=n), n)
        h = self.header
        return min(h.data_off, n), min(h.data_off + h.data_size, n)

    @cached_property
    def map_sections(self) -> dict[int, tuple[int, int]]:
        """map_list: item type -> (count, offset). Empty when the dex has no map."""
        (map_off,) = struct.unpack_from("<I", self.data, 0x34)
        if not map_off:
            return {}
        count = self._u32_at(map_off)
        _check_span(self.data, map_off + 4, 12 * count, "map_list")
        out: dict[int, tuple[int, int]] = {}
        for i in range(count):
            item_type, _unused, size, offset = struct.unpack_from(
                "<HHII", self.data, map_off + 4 + 12 * i
            )
            out[item_type] = (size, offset)
        return out

    def call_site_methods(self, call_site_idx: int) -> tuple[int, ...]:
        """Method ids of the method handles in a call site (bootstrap method, then arguments)."""
        count, base = self.map_sections.get(TYPE_CALL_SITE_ID_ITEM, (0, 0))
        if not 0 <= call_site_idx < count:
            raise DexFormatError(f"call site index {call_site_idx} out of range")
        array_off = self._u32_at(base + 4 * call_site_idx)
        cached = self._call_site_arrays.get(array_off)
        if cached is None:
            reader = _EncodedArrayReader(self.data, array_off)
            cached = reader.values()
            # Call sites may share or overlap arrays in a hostile file: bound the total work.
            self._encoded_values_read += len(cached) + reader.pos - array_off
            if self._encoded_values_read > 2 * len(self.data):
                raise DexFormatError("call site arrays overlap (more values than the file holds)")
            self._call_site_arrays[array_off] = cached
        handles = [
            value
            for value_type, value in cached
            if value_type == 0x16  # VALUE_METHOD_HANDLE
        ]
        return tuple(m for m in (self._method_handle_target(h) for h in handles) if m is not None)

    def _method_handle_target(self, handle_idx: int) -> int | None:
        count, base = self.map_sections.get(TYPE_METHOD_HANDLE_ITEM, (0, 0))
        if not 0 <= handle_idx < count:
            raise DexFormatError(f"method handle index {handle_idx} out of range")
        _check_span(self.data, base + 8 * handle_idx, 8, "method_handle_item")
        kind, _unused, member = struct.unpack_from("<HHH", self.data, base + 8 * handle_idx)
        return member if kind >= 4 else None  # 0-3 are field accessors, 4-8 invoke methods

    # ------------------------------------------------------------------ method bodies
    def class_methods(self, class_def: int) -> Iterator[tuple[int, int]]:
        """(code_item offset, method id) of the methods with a body of one class_def: the walk of
        `method_code_offsets` for a single class, for callers that want a few classes only."""
        h = self.header
        if not 0 <= class_def < h.class_defs_size:
            raise DexFormatError(f"class_def {class_def} out of range")
        (pos,) = _U32.unpack_from(self.data, h.class_defs_off + 32 * class_def + 24)
        if not pos:
            return
        counts = []
        for _ in range(4):
            value, pos = _uleb128(self.data, pos)
            counts.append(value)
        for _ in range(2 * (counts[0] + counts[1])):  # fields: field_idx_diff, access_flags
            _, pos = _uleb128(self.data, pos)
        for method_count in (counts[2], counts[3]):
            method_idx = 0
            for _ in range(method_count):
                diff, pos = _uleb128(self.data, pos)
                _, pos = _uleb128(self.data, pos)  # access_flags
                code_off, pos = _uleb128(self.data, pos)
                method_idx += diff
                if method_idx >= h.method_ids_size:
                    raise DexFormatError(
                        f"class_def {class_def}: method index {method_idx} too big"
                    )
                if code_off:
                    yield code_off, method_idx

    def method_code_offsets(self) -> list[tuple[int, int]]:
        """(code_item offset, method id) of every method with a body, in class_def order.
        The hot loop of the call-site scan, so uleb128 decoding is inlined."""
        data = self.data
        h = self.header
        n = len(data)
        method_limit = h.method_ids_size
        out: list[tuple[int, int]] = []
        append = out.append
        unpack = _U32.unpack_from
        try:
            for i in range(h.class_defs_size):
                (pos,) = unpack(data, h.class_defs_off + 32 * i + 24)
                if not pos:
                    continue
                counts = [0, 0, 0, 0]
                for k in range(4):
                    value = data[pos]
                    pos += 1
                    if value >= 0x80:
                        value, pos = _uleb128(data, pos - 1)
                    counts[k] = value
                for _ in range(2 * (counts[0] + counts[1])):  # field_idx_diff, access_flags
                    while data[pos] >= 0x80:
                        pos += 1
                    pos += 1
                for method_count in (counts[2], counts[3]):
                    method_idx = 0
                    for _ in range(method_count):
                        # uleb128 decoding inlined (a call per value costs a third of the scan)
                        diff = data[pos]
                        pos += 1
                        if diff >= 0x80:
                            diff &= 0x7F
                            shift = 7
                            while True:
                                byte = data[pos]
                                pos += 1
                                diff |= (byte & 0x7F) << shift
                                if byte < 0x80:
                                    break
                                shift += 7
                                if shift > 28:
                                    raise DexFormatError("uleb128 longer than 5 bytes")
                        while data[pos] >= 0x80:  # access_flags: not needed
                            pos += 1
                        pos += 1
                        code_off = data[pos]
                        pos += 1
                        if code_off >= 0x80:
                            code_off &= 0x7F
                            shift = 7
                            while True:
                                byte = data[pos]
                                pos += 1
                                code_off |= (byte & 0x7F) << shift
                                if byte < 0x80:
                                    break
                                shift += 7
                                if shift > 28:
                                    raise DexFormatError("uleb128 longer than 5 bytes")
                        method_idx += diff
                        if code_off:
                            append((code_off, method_idx))
                    if method_idx >= method_limit:
                        raise DexFormatError(f"class_def {i}: method index {method_idx} too big")
        except IndexError as exc:
            raise DexFormatError("class_data runs past the end of the file") from exc
        if out and max(out)[0] + CODE_ITEM_HEADER > n:
            raise DexFormatError(f"code_item at {max(out)[0]:#x} is outside the file")
        return out

    def method_code(self, code_off: int, method_idx: int) -> MethodCode:
        """The code_item at `code_off`, bounds-checked."""
        if code_off < HEADER_SIZE or code_off + CODE_ITEM_HEADER > len(self.data):
            raise DexFormatError(f"code_item at {code_off:#x} is outside the file")
        insns_units = _CODE_ITEM.unpack_from(self.data, code_off)[5]
        start = code_off + CODE_ITEM_HEADER
        if start + 2 * insns_units > len(self.data):
            raise DexFormatError(f"code_item at {code_off:#x} runs past the end of the file")
        return MethodCode(method_idx, start, insns_units)

    def iter_method_code(self) -> Iterator[MethodCode]:
        """Every method with a body, class by class (direct methods, then virtual methods)."""
        for code_off, method_idx in self.method_code_offsets():
            yield self.method_code(code_off, method_idx)

    def code_refs(
        self,
        code: MethodCode,
        methods: Container[int],
        strings: Container[int],
        call_sites: Container[int] = frozenset(),
        fields: Container[int] = frozenset(),
    ) -> CodeRefs:
        """Decode one method body; keep the invoked method ids in `methods`, the const-string ids
        in `strings`, the method handles of invoke-custom call sites in `call_sites`, and the
        field ids in `fields` that sget-* instructions read."""
        data = self.data
        widths = INSTRUCTION_WIDTHS
        invokes = INVOKE_OPCODES
        pos = code.insns_off
        end = pos + 2 * code.insns_units
        found_methods: list[int] = []
        found_strings: list[int] = []
        found_fields: list[int] = []
        while pos < end:
            op = data[pos]
            if op == 0 and 1 <= data[pos + 1] <= 3:
                pos += 2 * _payload_units(data, pos, end)
                if pos > end:
                    raise DexFormatError(f"payload in code at {code.insns_off:#x} overruns it")
                continue
            nxt = pos + 2 * widths[op]
            if nxt > end:
                raise DexFormatError(f"instruction at {pos:#x} runs past the method's code")
            if op in invokes:
                idx = data[pos + 2] | data[pos + 3] << 8
                if idx in methods:
                    found_methods.append(idx)
            elif op == CONST_STRING:
                idx = data[pos + 2] | data[pos + 3] << 8
                if idx in strings:
                    found_strings.append(idx)
            elif op == CONST_STRING_JUMBO:
                idx = int(_U32.unpack_from(data, pos + 2)[0])
                if idx in strings:
                    found_strings.append(idx)
            elif op in SGET_OPCODES:
                idx = data[pos + 2] | data[pos + 3] << 8
                if idx in fields:
                    found_fields.append(idx)
            elif op in INVOKE_CUSTOM_OPCODES:
                idx = data[pos + 2] | data[pos + 3] << 8
                if idx in call_sites:
                    found_methods += [m for m in self.call_site_methods(idx) if m in methods]
            pos = nxt
        return CodeRefs(tuple(found_methods), tuple(found_strings), tuple(found_fields))


class _EncodedArrayReader:
    """Reads an encoded_array_item (call sites), returning (value type, value) pairs."""

    MAX_DEPTH = 16

    def __init__(self, data: bytes, off: int, depth: int = 0) -> None:
        if depth > self.MAX_DEPTH:
            raise DexFormatError("encoded values nested too deep")
        self.data = data
        self.pos = off
        self.depth = depth

    def values(self) -> list[tuple[int, int]]:
        size, self.pos = _uleb128(self.data, self.pos)
        return [self._value() for _ in range(size)]

    def _value(self) -> tuple[int, int]:
        data = self.data
        if self.pos >= len(data):
            raise DexFormatError("encoded value runs past the end of the file")
        head = data[self.pos]
        self.pos += 1
        value_type, arg = head & 0x1F, head >> 5
        if value_type == 0x1C:  # VALUE_ARRAY
            inner = _EncodedArrayReader(data, self.pos, self.depth + 1)
            inner.values()
            self.pos = inner.pos
            return value_type, 0
        if value_type == 0x1D:  # VALUE_ANNOTATION: type_idx, size, (name_idx, value)*
            _, self.pos = _uleb128(data, self.pos)
            count, self.pos = _uleb128(data, self.pos)
            inner = _EncodedArrayReader(data, self.pos, self.depth + 1)
            for _ in range(count):
                _, inner.pos = _uleb128(data, inner.pos)
                inner._value()
            self.pos = inner.pos
            return value_type, 0
        if value_type in (0x1E, 0x1F):  # VALUE_NULL, VALUE_BOOLEAN: no payload bytes
            return value_type, arg
        _check_span(data, self.pos, arg + 1, "encoded value")
        value = int.from_bytes(data[self.pos : self.pos + arg + 1], "little")
        self.pos += arg + 1
        return value_type, value


# =========================================================================== argument constants
#
# For the few invokes whose API gates on an argument (Settings.Secure.getString's key, the
# package given to Intent.setPackage), the method holding them is decoded once more, tracking
# which value each register holds. The scan is linear, in code order, and deliberately simple:
# - a register's value is the last constant (const-string, const/4 ... const/high16, sget of a
#   static field, const-class) or the last object (new-instance, the result of an invoke) written
#   to it; move / move-object copy it; every other write makes it unknown;
# - every branch target (goto, if-*, switch cases) and every move-exception forgets everything,
#   because another path can arrive there with other values;
# - method parameters, values read from fields or arrays, and values passed through calls of
#   other methods are unknown.
# What it misses: a constant set before a branch and still live after the merge, and a catch
# handler without move-exception (a `finally` block) entered with the values of the throwing point
# (then the last textual value is used).


@dataclass(frozen=True)
class StaticFieldValue:
    """A register loaded from a static field by sget-*."""

    field_idx: int


@dataclass(frozen=True)
class ClassValue:
    """A register loaded by const-class."""

    type_idx: int


class ObjectValue:
    """An object created in the method (new-instance) or returned by an invoke (move-result).

    Mutable on purpose: every register that holds the same object shares this instance, and
    `calls` grows with each invoke that passes it as its first register (the receiver, for an
    instance method)."""

    __slots__ = ("calls", "made_by", "type_idx")

    def __init__(self, type_idx: int | None, made_by: InvokeArgs | None = None) -> None:
        self.type_idx = type_idx
        """The new-instance type; None for the result of an invoke."""
        self.made_by = made_by
        """The invoke whose result this is; None for new-instance."""
        self.calls: list[InvokeArgs] = []


RegisterValue = str | int | StaticFieldValue | ClassValue | ObjectValue | None
"""What a register holds at an invoke; None = not known."""


@dataclass(frozen=True)
class InvokeArgs:
    """One invoke of a wanted method and the values of its argument registers, in order (a wide
    argument takes two registers: its value, then None)."""

    method_idx: int
    static: bool
    values: tuple[RegisterValue, ...]
    offset: int
    """Code unit of the invoke within the method (orders the calls on an object)."""


_INVOKE_STATIC = frozenset([0x71, 0x77])
_INVOKE_RANGE = frozenset([0x74, 0x75, 0x76, 0x77, 0x78, 0xFB])
_MOVE_RESULT = frozenset([0x0A, 0x0B, 0x0C])
# Destination register: vA in the low nibble of the first unit's high byte (formats 12x, 22c,
# 22s, 12x binop/2addr), or vAA = that whole byte (the other formats that write a register).
_WRITES_NIBBLE = frozenset(
    [0x01, 0x04, 0x07, 0x20, 0x21, 0x23, *range(0x52, 0x59), *range(0x7B, 0x90), *range(0xB0, 0xD8)]
)
_WRITES_BYTE = frozenset(
    [
        *(0x02, 0x05, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19),
        *(0x1A, 0x1B, 0x1C, 0x22, 0xFE, 0xFF),
        *range(0x2D, 0x32),
        *range(0x44, 0x4B),
        *range(0x60, 0x67),
        *range(0x90, 0xB0),
        *range(0xD8, 0xE3),
    ]
)
_WRITES_WIDE = frozenset(
    [
        *(0x04, 0x05, 0x06, 0x0B, 0x16, 0x17, 0x18, 0x19, 0x45, 0x53, 0x61),
        *(0x7D, 0x7E, 0x80, 0x81, 0x83, 0x86, 0x88, 0x89, 0x8B),
        *range(0x9B, 0xA6),
        *range(0xAA, 0xB0),
        *range(0xBB, 0xC6),
        *range(0xCA, 0xD0),
    ]
)
_BRANCH_21T_22T = frozenset(range(0x32, 0x3E))
_BRANCH_OPCODES = frozenset([0x28, 0x29, 0x2A, 0x2B, 0x2C, *_BRANCH_21T_22T])
"""goto, goto/16, goto/32, packed-switch, sparse-switch, if-*."""


def _s16(value: int) -> int:
    return value - 0x10000 if value & 0x8000 else value


def _s32(value: int) -> int:
    return value - 0x1_0000_0000 if value & 0x8000_0000 else value


class _ArgumentScan:
    """The register tracking of `DexCode.invoke_arguments` for one method body."""

    def __init__(self, dex: DexCode, code: MethodCode) -> None:
        self.dex = dex
        self.data = dex.data
        self.start = code.insns_off
        self.end = code.insns_off + 2 * code.insns_units

    def instructions(self) -> Iterator[tuple[int, int]]:
        """(file offset, opcode) of every instruction; payloads are skipped."""
        data, pos, end = self.data, self.start, self.end
        widths = INSTRUCTION_WIDTHS
        while pos < end:
            op = data[pos]
            if op == 0 and 1 <= data[pos + 1] <= 3:
                pos += 2 * _payload_units(data, pos, end)
                if pos > end:
                    raise DexFormatError(f"payload in code at {self.start:#x} overruns it")
                continue
            nxt = pos + 2 * widths[op]
            if nxt > end:
                raise DexFormatError(f"instruction at {pos:#x} runs past the method's code")
            yield pos, op
            pos = nxt

    def branch_targets(self, instructions: list[tuple[int, int]]) -> set[int]:
        """File offsets that a goto, if-* or switch among `instructions` can jump to."""
        data = self.data
        out: set[int] = set()
        branches = _BRANCH_OPCODES
        for pos, op in instructions:
            if op not in branches:
                continue
            if op == 0x28:
                rel = data[pos + 1] - 0x100 if data[pos + 1] & 0x80 else data[pos + 1]
            elif op == 0x29 or op in _BRANCH_21T_22T:
                rel = _s16(int(_U16.unpack_from(data, pos + 2)[0]))
            elif op == 0x2A:
                rel = _s32(int(_U32.unpack_from(data, pos + 2)[0]))
            else:  # packed-switch, sparse-switch
                out |= self._switch_targets(pos, _s32(int(_U32.unpack_from(data, pos + 2)[0])))
                continue
            out.add(pos + 2 * rel)
        return out

    def _switch_targets(self, pos: int, rel: int) -> set[int]:
        data = self.data
        payload = pos + 2 * rel
        if not self.start <= payload <= self.end - 8:
            return set()  # a bad payload offset: no targets known (the scan stays linear)
        ident = data[payload + 1]
        (size,) = _U16.unpack_from(data, payload + 2)
        first = payload + (8 if ident == 1 else 4 + 4 * size)
        if first + 4 * size > self.end:
            raise DexFormatError(f"switch payload at {payload:#x} runs past the method's code")
        return {pos + 2 * _s32(int(_U32.unpack_from(data, first + 4 * i)[0])) for i in range(size)}

    def run(self, methods: Container[int]) -> list[InvokeArgs]:
        data = self.data
        instructions = list(self.instructions())
        targets = self.branch_targets(instructions)
        regs: dict[int, RegisterValue] = {}
        out: list[InvokeArgs] = []
        last: InvokeArgs | None = None
        for pos, op in instructions:
            if pos in targets or op == 0x0D:
                regs.clear()
            if op in INVOKE_OPCODES:
                if op in _INVOKE_RANGE:
                    count, first = data[pos + 1], int(_U16.unpack_from(data, pos + 4)[0])
                    arg_regs = list(range(first, first + count))
                else:
                    count = data[pos + 1] >> 4
                    arg_regs = [
                        data[pos + 4] & 0xF,
                        data[pos + 4] >> 4,
                        data[pos + 5] & 0xF,
                        data[pos + 5] >> 4,
                        data[pos + 1] & 0xF,
                    ][:count]
                idx = data[pos + 2] | data[pos + 3] << 8
                call = InvokeArgs(
                    idx,
                    op in _INVOKE_STATIC,
                    tuple(regs.get(r) for r in arg_regs),
                    (pos - self.start) // 2,
                )
                receiver = call.values[0] if call.values else None
                if isinstance(receiver, ObjectValue):
                    receiver.calls.append(call)
                if idx in methods:
                    out.append(call)
                last = call
                continue
            if op in _MOVE_RESULT:
                regs[data[pos + 1]] = ObjectValue(None, last) if op == 0x0C and last else None
                last = None
                continue
            last = None
            if op == 0x12:  # const/4 vA, #+B (B: signed nibble)
                b = data[pos + 1] >> 4
                regs[data[pos + 1] & 0xF] = b - 16 if b & 0x8 else b
            elif op == 0x13:
                regs[data[pos + 1]] = _s16(int(_U16.unpack_from(data, pos + 2)[0]))
            elif op == 0x14:
                regs[data[pos + 1]] = _s32(int(_U32.unpack_from(data, pos + 2)[0]))
            elif op == 0x15:
                regs[data[pos + 1]] = _s32(int(_U16.unpack_from(data, pos + 2)[0]) << 16)
            elif op in (CONST_STRING, CONST_STRING_JUMBO):
                regs[data[pos + 1]] = self._string(pos, op)
            elif op in (0x60, 0x62):  # sget, sget-object: int constants and objects
                regs[data[pos + 1]] = StaticFieldValue(data[pos + 2] | data[pos + 3] << 8)
            elif op == 0x1C:
                regs[data[pos + 1]] = ClassValue(data[pos + 2] | data[pos + 3] << 8)
            elif op == 0x22:
                regs[data[pos + 1]] = ObjectValue(data[pos + 2] | data[pos + 3] << 8)
            elif op in (0x01, 0x07):  # move, move-object vA, vB
                regs[data[pos + 1] & 0xF] = regs.get(data[pos + 1] >> 4)
            elif op in (0x02, 0x08):  # move/from16 vAA, vBBBB
                regs[data[pos + 1]] = regs.get(int(_U16.unpack_from(data, pos + 2)[0]))
            elif op in (0x03, 0x09):  # move/16 vAAAA, vBBBB
                dest, src = struct.unpack_from("<HH", data, pos + 2)
                regs[dest] = regs.get(src)
            elif op in _WRITES_NIBBLE or op in _WRITES_BYTE:
                dest = data[pos + 1] & 0xF if op in _WRITES_NIBBLE else data[pos + 1]
                regs.pop(dest, None)
                if op in _WRITES_WIDE:
                    regs.pop(dest + 1, None)
            elif op == 0x06:  # move-wide/16 vAAAA, vBBBB
                (dest,) = _U16.unpack_from(data, pos + 2)
                regs.pop(dest, None)
                regs.pop(dest + 1, None)
        return out

    def _string(self, pos: int, op: int) -> str:
        data = self.data
        if op == CONST_STRING:
            idx = data[pos + 2] | data[pos + 3] << 8
        else:
            idx = int(_U32.unpack_from(data, pos + 2)[0])
        return self.dex.string(idx)


def invoke_arguments(dex: DexCode, code: MethodCode, methods: Container[int]) -> list[InvokeArgs]:
    """Every invoke of a method id in `methods` inside `code`, with the value each argument
    register holds there (see the comment above `StaticFieldValue` for what is tracked)."""
    return _ArgumentScan(dex, code).run(methods)
