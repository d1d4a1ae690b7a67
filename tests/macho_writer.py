"""A minimal arm64 Mach-O writer, for fixtures the corpus cannot hold (no Apple toolchain here).

Shared by tests/test_ios*.py and samples/build_ipa.py (the shopping demo's .ipa). It writes what
a linker leaves for the scanner to read, laid out as ld64 lays it out: a header, segments with
their sections (`__objc_methname` / `__objc_classname` C strings, `__objc_classrefs` /
`__objc_selrefs` pointer slots, `__objc_data` for classes the binary defines), `LC_LOAD_DYLIB`
per linked framework, a symbol table whose undefined externals name their library by two-level
ordinal, `LC_ENCRYPTION_INFO_64` and `LC_MAIN` (executables) or `LC_ID_DYLIB` (frameworks).
No code runs: `__text` is a single `ret`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MH_MAGIC_64 = 0xFEEDFACF
FAT_MAGIC = 0xCAFEBABE
CPU_TYPE_ARM64 = 0x0100000C
CPU_TYPE_X86_64 = 0x01000007
MH_EXECUTE = 2
MH_DYLIB = 6
MH_TWOLEVEL = 0x80
MH_DYLDLINK = 0x4
MH_PIE = 0x200000

LC_SEGMENT_64 = 0x19
LC_SYMTAB = 0x2
LC_DYSYMTAB = 0xB
LC_LOAD_DYLIB = 0xC
LC_ID_DYLIB = 0xD
LC_ENCRYPTION_INFO_64 = 0x2C
LC_MAIN = 0x80000028

N_UNDF = 0x0
N_EXT = 0x1
N_SECT = 0xE

_BASE = 0x100000000
_PAGE = 0x4000


@dataclass
class MachOSpec:
    """What one binary holds. `imports` pairs a symbol with the 1-based index of the dylib in
    `dylibs` that provides it (two-level namespace)."""

    dylibs: list[str] = field(default_factory=list)
    imports: list[tuple[str, int]] = field(default_factory=list)
    defined_classes: list[str] = field(default_factory=list)
    selectors: list[str] = field(default_factory=list)
    install_name: str | None = None
    """Set for a framework / dylib (MH_DYLIB with LC_ID_DYLIB); None for an executable."""
    cryptid: int = 0
    cpu_type: int = CPU_TYPE_ARM64


def _cstrings(names: list[str]) -> bytes:
    return b"".join(n.encode() + b"\0" for n in names)


def _pad(data: bytes, align: int) -> bytes:
    return data + bytes(-len(data) % align)


def _section(name: str, segment: str, addr: int, size: int, offset: int, flags: int) -> bytes:
    return struct.pack(
        "<16s16sQQIIIIIIII",
        name.encode(),
        segment.encode(),
        addr,
        size,
        offset,
        3,
        0,
        0,
        flags,
        0,
        0,
        0,
    )


def _segment(
    name: str, vmaddr: int, vmsize: int, fileoff: int, filesize: int, sections: list[bytes]
) -> bytes:
    prot = {"__TEXT": 5, "__DATA": 3, "__LINKEDIT": 1, "__PAGEZERO": 0}[name]
    head = struct.pack(
        "<II16sQQQQiiII",
        LC_SEGMENT_64,
        72 + 80 * len(sections),
        name.encode(),
        vmaddr,
        vmsize,
        fileoff,
        filesize,
        prot,
        prot,
        len(sections),
        0,
    )
    return head + b"".join(sections)


def _dylib_command(cmd: int, path: str) -> bytes:
    name = _pad(path.encode() + b"\0", 8)
    return struct.pack("<IIIIII", cmd, 24 + len(name), 24, 2, 0x10000, 0x10000) + name


def build_macho(spec: MachOSpec) -> bytes:
    """One thin Mach-O image."""
    text = b"\xc0\x03\x5f\xd6"  # ret
    methname = _cstrings(spec.selectors)
    classname = _cstrings(spec.defined_classes)
    classrefs = bytes(8 * sum(1 for s, _ in spec.imports if s.startswith("_OBJC_CLASS_$_")))
    selrefs = bytes(8 * len(spec.selectors))
    objc_data = bytes(40 * len(spec.defined_classes))

    # Symbols: defined externals (the classes), then undefined externals, each sorted by name.
    defined = sorted(f"_OBJC_CLASS_$_{c}" for c in spec.defined_classes)
    undefined = sorted(spec.imports)
    strtab = bytearray(b" \0")
    offsets: dict[str, int] = {}
    for name in [*defined, *(s for s, _ in undefined)]:
        offsets[name] = len(strtab)
        strtab += name.encode() + b"\0"
    strtab_bytes = _pad(bytes(strtab), 8)

    is_dylib = spec.install_name is not None
    commands_wo_segments: list[bytes] = []
    for path in spec.dylibs:
        commands_wo_segments.append(_dylib_command(LC_LOAD_DYLIB, path))
    if is_dylib:
        assert spec.install_name is not None
        commands_wo_segments.append(_dylib_command(LC_ID_DYLIB, spec.install_name))
    n_segments = 3 if is_dylib else 4
    sizeofcmds = (
        72 * n_segments
        + 80 * (3 + 3)  # __TEXT: text, methname, classname; __DATA: classrefs, selrefs, data
        + 24  # LC_SYMTAB
        + 80  # LC_DYSYMTAB
        + sum(len(c) for c in commands_wo_segments)
        + 24  # LC_ENCRYPTION_INFO_64
        + (0 if is_dylib else 24)  # LC_MAIN
    )
    # __TEXT: header + commands, then its sections, up to a page.
    text_off = 32 + sizeofcmds
    methname_off = text_off + len(text)
    classname_off = methname_off + len(methname)
    text_end = classname_off + len(classname)
    text_size = max(_PAGE, -(-text_end // _PAGE) * _PAGE)
    data_off = text_size
    selrefs_off = data_off + len(classrefs)
    objc_data_off = selrefs_off + len(selrefs)
    data_end = objc_data_off + len(objc_data)
    data_size = max(_PAGE, -(-(data_end - data_off) // _PAGE) * _PAGE)
    link_off = data_off + data_size
    symoff = link_off
    nsyms = len(defined) + len(undefined)
    stroff = symoff + 16 * nsyms
    link_size = stroff + len(strtab_bytes) - link_off

    sect_text = 1
    sect_objc_data = 6
    symtab = bytearray()
    for name in defined:
        addr = _BASE + objc_data_off + 40 * defined.index(name)
        symtab += struct.pack("<IBBHQ", offsets[name], N_SECT | N_EXT, sect_objc_data, 0, addr)
    for name, ordinal in undefined:
        symtab += struct.pack("<IBBHQ", offsets[name], N_UNDF | N_EXT, 0, ordinal << 8, 0)

    commands = bytearray()
    ncmds = 0
    if not is_dylib:
        commands += _segment("__PAGEZERO", 0, _BASE, 0, 0, [])
        ncmds += 1
    commands += _segment(
        "__TEXT",
        _BASE,
        text_size,
        0,
        text_size,
        [
            _section("__text", "__TEXT", _BASE + text_off, len(text), text_off, 0x80000400),
            _section(
                "__objc_methname", "__TEXT", _BASE + methname_off, len(methname), methname_off, 2
            ),
            _section(
                "__objc_classname",
                "__TEXT",
                _BASE + classname_off,
                len(classname),
                classname_off,
                2,
            ),
        ],
    )
    commands += _segment(
        "__DATA",
        _BASE + data_off,
        data_size,
        data_off,
        data_size,
        [
            _section(
                "__objc_classrefs", "__DATA", _BASE + data_off, len(classrefs), data_off, 0x10000000
            ),
            _section(
                "__objc_selrefs",
                "__DATA",
                _BASE + selrefs_off,
                len(selrefs),
                selrefs_off,
                0x10000005,
            ),
            _section(
                "__objc_data", "__DATA", _BASE + objc_data_off, len(objc_data), objc_data_off, 0
            ),
        ],
    )
    commands += _segment(
        "__LINKEDIT", _BASE + link_off, -(-link_size // _PAGE) * _PAGE, link_off, link_size, []
    )
    ncmds += 3
    commands += struct.pack("<IIIIII", LC_SYMTAB, 24, symoff, nsyms, stroff, len(strtab_bytes))
    commands += struct.pack(
        "<II18I",
        LC_DYSYMTAB,
        80,
        0,
        0,
        0,
        len(defined),
        len(defined),
        len(undefined),
        *([0] * 12),
    )
    ncmds += 2
    for command in commands_wo_segments:
        commands += command
        ncmds += 1
    commands += struct.pack(
        "<IIIIII", LC_ENCRYPTION_INFO_64, 24, text_off, text_size - text_off, spec.cryptid, 0
    )
    ncmds += 1
    if not is_dylib:
        commands += struct.pack("<IIQQ", LC_MAIN, 24, text_off, 0)
        ncmds += 1
    assert len(commands) == sizeofcmds, (len(commands), sizeofcmds)
    del sect_text

    flags = MH_DYLDLINK | MH_TWOLEVEL | (0 if is_dylib else MH_PIE)
    header = struct.pack(
        "<IiiIIIII",
        MH_MAGIC_64,
        spec.cpu_type,
        0,
        MH_DYLIB if is_dylib else MH_EXECUTE,
        ncmds,
        sizeofcmds,
        flags,
        0,
    )
    out = bytearray(header + commands)
    out += text + methname + classname
    out += bytes(data_off - len(out))
    out += classrefs + selrefs + objc_data
    out += bytes(link_off - len(out))
    out += symtab + strtab_bytes
    return bytes(out)


def build_fat(slices: list[tuple[int, bytes]], align: int = 14) -> bytes:
    """A universal binary of (cpu type, thin image) slices, each aligned to 2**align."""
    header = bytearray(struct.pack(">II", FAT_MAGIC, len(slices)))
    offset = -(-(8 + 20 * len(slices)) // (1 << align)) * (1 << align)
    body = bytearray()
    for cpu, image in slices:
        header += struct.pack(">iiIII", cpu, 0, offset, len(image), align)
        padded = _pad(image, 1 << align)
        body += padded
        offset += len(padded)
    head = bytes(header) + bytes(-len(header) % (1 << align))
    return head + bytes(body)
