"""A Mach-O binary of an iOS app → what it links, imports and defines.

lief reads the load commands and the symbol table. The fat header is read here, not by lief: its
offsets and sizes are whatever the file says, so each is checked against the file before one
slice (arm64 preferred) is handed to lief as a thin image. What the scan keeps:
- linked libraries (LC_LOAD_DYLIB and its weak / re-export / lazy variants, as lief lists them);
- undefined external symbols: C functions and constants (`_stat`, `_NSFileSystemFreeSize`) and
  the Objective-C classes the binary references (`_OBJC_CLASS_$_CLLocationManager`);
- selector names from `__objc_methname`, which is inside the encrypted range of an App Store
  binary (LC_ENCRYPTION_INFO cryptid 1): then they are not read, and the binary says so. The
  symbol table lives in __LINKEDIT, which is never encrypted, so imports are still read.
- defined Objective-C classes (for SDK attribution, as scanner.extract.native reads them).
"""

from __future__ import annotations

import struct

from scanner.extract.native import _objc_class, _quiet_lief
from scanner.limits import (
    MAX_IMPORTED_SYMBOLS,
    MAX_MACHO_SLICES,
    MAX_OBJC_CLASSES,
    MAX_SELECTORS,
)
from scanner.model import MachOImports, NativeFormat, NativeLibrary

FAT_MAGIC = b"\xca\xfe\xba\xbe"
THIN_MAGIC = (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
"""64-bit and 32-bit little-endian images (every iOS architecture is little-endian)."""
MACHO_MAGIC = (FAT_MAGIC, *THIN_MAGIC)
_CPU_ARM64 = 0x0100000C
_MAX_LOAD_COMMANDS = 10_000
"""Load commands in one image (real ones have a few dozen to a few hundred)."""
_N_STAB = 0xE0
_N_TYPE = 0x0E
_N_EXT = 0x01


class MachOError(ValueError):
    """A Mach-O file whose headers do not hold together."""


def thin_slice(data: bytes) -> bytes:
    """The image to read: the file itself when thin, else the arm64 slice of a fat file (the
    first slice when there is none). Raises MachOError for a header that points outside."""
    if data[:4] in THIN_MAGIC:
        _check_thin(data)
        return data
    if data[:4] != FAT_MAGIC:
        raise MachOError("not a Mach-O file")
    if len(data) < 8:
        raise MachOError("truncated fat header")
    (count,) = struct.unpack_from(">I", data, 4)
    if count == 0 or count > MAX_MACHO_SLICES:
        raise MachOError(f"fat header lists {count} slices (limit {MAX_MACHO_SLICES})")
    table_end = 8 + 20 * count
    if table_end > len(data):
        raise MachOError("fat header runs past the end of the file")
    slices: list[tuple[int, bytes]] = []
    for i in range(count):
        cpu, _sub, offset, size, _align = struct.unpack_from(">iiIII", data, 8 + 20 * i)
        if offset < table_end or size == 0 or offset + size > len(data):
            raise MachOError(f"fat slice {i} lies outside the file (offset {offset}, size {size})")
        slices.append((cpu, data[offset : offset + size]))
    cpu, image = next((s for s in slices if s[0] == _CPU_ARM64), slices[0])
    if image[:4] not in THIN_MAGIC:
        raise MachOError(f"fat slice for CPU type {cpu:#x} is not a Mach-O image")
    _check_thin(image)
    return image


def _check_thin(image: bytes) -> None:
    header = 32 if image[:4] == THIN_MAGIC[0] else 28
    if len(image) < header:
        raise MachOError("truncated Mach-O header")
    ncmds, sizeofcmds = struct.unpack_from("<II", image, 16)
    if ncmds > _MAX_LOAD_COMMANDS or header + sizeofcmds > len(image):
        raise MachOError(f"{ncmds} load commands in {sizeofcmds} bytes do not fit the file")


def read_macho(path: str, data: bytes) -> tuple[NativeLibrary, MachOImports]:
    """Describe one Mach-O binary of an app; never raises on malformed input (the error is
    recorded in both results and the scan goes on)."""
    name = path.rsplit("/", 1)[-1]
    try:
        image = thin_slice(data)
        linked, symbols, selectors, defined, encrypted = _parse(image)
    except MachOError as exc:
        return _failed(path, name, data, f"cannot parse the Mach-O file ({exc})")
    except Exception as exc:  # lief raises assorted errors on hostile binaries
        return _failed(path, name, data, f"cannot parse ({type(exc).__name__}: {exc})")
    lib = NativeLibrary(
        path=path,
        name=name,
        abi=None,
        size=len(data),
        format=NativeFormat.MACHO,
        needed=linked,
        objc_classes=defined,
    )
    return lib, MachOImports(path, linked, symbols, selectors, encrypted)


def _failed(path: str, name: str, data: bytes, error: str) -> tuple[NativeLibrary, MachOImports]:
    lib = NativeLibrary(path, name, None, len(data), NativeFormat.MACHO, error=error)
    return lib, MachOImports(path, error=error)


def _parse(
    image: bytes,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]:
    import lief

    _quiet_lief()
    parsed = lief.MachO.parse(image)
    binary = parsed.at(0) if parsed is not None and len(parsed) else None
    if binary is None:
        raise MachOError("lief cannot read the image")
    linked = tuple(dict.fromkeys(str(lib.name) for lib in binary.libraries))
    imported: set[str] = set()
    defined: set[str] = set()
    for sym in binary.symbols:
        raw = int(sym.raw_type)
        if raw & _N_STAB:
            continue
        sym_name = str(sym.name)
        if raw & _N_TYPE == 0:
            if raw & _N_EXT and sym_name and len(imported) < MAX_IMPORTED_SYMBOLS:
                imported.add(sym_name)
            continue
        cls = _objc_class(sym_name)
        if cls and len(defined) < MAX_OBJC_CLASSES:
            defined.add(cls)
    info = binary.encryption_info if binary.has_encryption_info else None
    encrypted = info is not None and info.crypt_id != 0
    selectors: tuple[str, ...] = ()
    if not encrypted:
        section = binary.get_section("__objc_methname")
        if section is not None:
            raw_names = bytes(section.content).split(b"\0")
            selectors = tuple(
                sorted({n.decode("utf-8", "replace") for n in raw_names[: MAX_SELECTORS + 1] if n})
            )[:MAX_SELECTORS]
    return linked, tuple(sorted(imported)), selectors, tuple(sorted(defined)), encrypted
