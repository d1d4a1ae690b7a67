"""ResStringPool: the string chunk shared by binary XML (axml.py) and resources.arsc (arsc.py).

One reader for both, so that a bounds check fixed here is fixed for both. It follows the platform
(ResStringPool in libandroidfw): the offsets array starts at the header's own size, the string
data ends where the styles begin, and each string must end inside the pool with its NUL
terminator, or the platform's stringAt() gives no string at all. Strings are decoded on first use.

Any malformation raises StringPoolError; each caller maps it to its own error (axml.py to
AxmlError, arsc.py to the "fall back" signal), and may choose to read an unreadable string as
absent where the platform does.

Format: frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h (AOSP).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

RES_STRING_POOL_TYPE = 0x0001
UTF8_FLAG = 0x100
POOL_HEADER_SIZE = 28  # ResStringPool_header: chunk header and five 32-bit fields

_HEADER = struct.Struct("<IIIII")  # stringCount, styleCount, flags, stringsStart, stylesStart
_U32 = struct.Struct("<I")
_U16 = struct.Struct("<H")


class StringPoolError(Exception):
    """The string pool, or one string in it, is not what the format says."""


@dataclass
class StringPool:
    """A ResStringPool chunk whose header and offsets array lie inside the data."""

    data: bytes
    offsets_at: int
    count: int
    strings_at: int
    strings_end: int
    utf8: bool
    cache: dict[int, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: bytes, pos: int, header_size: int, size: int) -> StringPool:
        """The pool whose chunk (headerSize, size already checked to lie in data) is at pos."""
        if header_size < POOL_HEADER_SIZE:
            raise StringPoolError("short string pool header")
        count, styles, flags, strings_start, styles_start = _HEADER.unpack_from(data, pos + 8)
        if header_size + 4 * (count + styles) > size:
            raise StringPoolError("string pool offsets run past the pool")
        strings_end = styles_start if styles and styles_start else size
        if count and not header_size <= strings_start <= strings_end <= size:
            raise StringPoolError("string data outside the pool")
        utf8 = bool(flags & UTF8_FLAG)
        return cls(data, pos + header_size, count, pos + strings_start, pos + strings_end, utf8)

    def get(self, idx: int) -> str:
        """String idx; StringPoolError when the index or the string's bytes are out of bounds."""
        cached = self.cache.get(idx)
        if cached is not None:
            return cached
        if not 0 <= idx < self.count:
            raise StringPoolError(f"string index {idx} out of range")
        (offset,) = _U32.unpack_from(self.data, self.offsets_at + 4 * idx)
        text = (
            self._decode8(self.strings_at + offset)
            if self.utf8
            else self._decode16(self.strings_at + offset)
        )
        self.cache[idx] = text
        return text

    def _decode8(self, pos: int) -> str:
        _units, pos = self._length8(pos)  # the length in UTF-16 units, unused
        n, pos = self._length8(pos)
        if pos + n >= self.strings_end or self.data[pos + n] != 0:
            raise StringPoolError("UTF-8 string runs past the pool or lacks its terminator")
        return self.data[pos : pos + n].decode("utf-8", errors="replace")

    def _decode16(self, pos: int) -> str:
        if pos + 2 > self.strings_end:
            raise StringPoolError("string length past the pool")
        (n,) = _U16.unpack_from(self.data, pos)
        pos += 2
        if n & 0x8000:
            if pos + 2 > self.strings_end:
                raise StringPoolError("string length past the pool")
            n = ((n & 0x7FFF) << 16) | _U16.unpack_from(self.data, pos)[0]
            pos += 2
        stop = pos + 2 * n
        if stop + 2 > self.strings_end or self.data[stop : stop + 2] != b"\0\0":
            raise StringPoolError("UTF-16 string runs past the pool or lacks its terminator")
        return self.data[pos:stop].decode("utf-16-le", errors="replace")

    def _length8(self, pos: int) -> tuple[int, int]:
        if pos + 1 > self.strings_end:
            raise StringPoolError("string length past the pool")
        first = self.data[pos]
        if not first & 0x80:
            return first, pos + 1
        if pos + 2 > self.strings_end:
            raise StringPoolError("string length past the pool")
        return ((first & 0x7F) << 8) | self.data[pos + 1], pos + 2
