"""Native code (ELF .so, Mach-O, iOS static libraries) → what identifies its SDK.

An ELF library is read by scanner.extract.elf (its dynamic symbols and DT_NEEDED entries: all
an APK's libraries need, without the 0.3 s that importing lief costs); lief reads Mach-O, fat
files and the objects inside static libraries. What matters for attribution:
- ELF: exported `Java_*` JNI functions name the Java classes they implement (so a .so with an
  unfamiliar name is still tied to the SDK package that loads it), and DT_NEEDED entries;
- Mach-O: Objective-C class symbols (`_OBJC_CLASS_$_JPUSHService`);
- `.a` static libraries are ar archives of Mach-O (or ELF) objects: every member is read.
A library that cannot be parsed is recorded with its error; the scan goes on.
"""

from __future__ import annotations

import re
from functools import cache

from scanner.extract.elf import ELF_MAGIC, ElfError, read_elf
from scanner.limits import MAX_AR_MEMBERS, MAX_JNI_CLASSES, MAX_OBJC_CLASSES
from scanner.model import NativeFormat, NativeLibrary

_ABI_RE = re.compile(r"(?:^|/)(?:lib|jni|jniLibs)/([^/]+)/[^/]+$")
_OBJC_CLASS_PREFIXES = ("_OBJC_CLASS_$_", "OBJC_CLASS_$_", "_OBJC_METACLASS_$_")


@cache
def _quiet_lief() -> None:
    """Silence lief's logging once, on first use. lief itself is imported inside the functions
    that parse: importing it costs about 0.3 s, which a scan without native code should not pay."""
    import lief

    lief.logging.disable()


def abi_of(path: str) -> str | None:
    """'lib/arm64-v8a/libfoo.so' -> 'arm64-v8a'."""
    m = _ABI_RE.search(path)
    return m.group(1) if m else None


def jni_class_of(symbol: str) -> str | None:
    """The dotted Java class a `Java_...` JNI export implements, or None if it is not one.

    JNI mangling: '_' separates name parts, '_1' is a literal '_', '_2' ';', '_3' '[',
    '_0xxxx' a UTF-16 code unit; a '__' suffix starts the overload signature.
    """
    if not symbol.startswith("Java_"):
        return None
    body = symbol[5:].split("__", 1)[0]
    parts: list[str] = []
    current: list[str] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "_":
            nxt = body[i + 1] if i + 1 < n else ""
            if nxt == "1":
                current.append("_")
                i += 2
                continue
            if nxt in ("2", "3"):
                current.append(";" if nxt == "2" else "[")
                i += 2
                continue
            if nxt == "0" and i + 6 <= n:
                try:
                    current.append(chr(int(body[i + 2 : i + 6], 16)))
                except ValueError:
                    return None
                i += 6
                continue
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    if len(parts) < 2 or not all(parts):
        return None
    return ".".join(parts[:-1])


def _objc_class(symbol: str) -> str | None:
    for prefix in _OBJC_CLASS_PREFIXES:
        if symbol.startswith(prefix):
            return symbol[len(prefix) :] or None
    return None


def _ar_members(data: bytes) -> list[bytes]:
    """Members of a Unix ar archive (BSD and GNU long names), symbol tables skipped."""
    members: list[bytes] = []
    pos = 8
    n = len(data)
    while pos + 60 <= n and len(members) < MAX_AR_MEMBERS:
        header = data[pos : pos + 60]
        name = header[:16].decode("ascii", errors="replace").strip()
        try:
            size = int(header[48:58].decode("ascii").strip() or "0")
        except ValueError:
            break
        start = pos + 60
        end = start + size
        if size < 0 or end > n:
            break
        body_start = start
        if name.startswith("#1/"):  # BSD: the name is stored before the body
            try:
                name_len = int(name[3:])
            except ValueError:
                break
            body_start = start + name_len
        if not name.startswith(("/", "__.SYMDEF", "//")) and body_start < end:
            members.append(data[body_start:end])
        pos = end + (end & 1)
    return members


def _symbols_of(binary: object) -> list[str]:
    names: list[str] = []
    for sym in getattr(binary, "symbols", ()):
        name = getattr(sym, "name", "")
        if name:
            names.append(str(name))
    return names


def read_native(path: str, data: bytes) -> NativeLibrary:
    """Describe one native binary; never raises on malformed input."""
    name = path.rsplit("/", 1)[-1]
    abi = abi_of(path)
    jni: set[str] = set()
    objc: set[str] = set()
    needed: list[str] = []
    fmt = NativeFormat.UNKNOWN
    error: str | None = None
    try:
        if data[:4] == ELF_MAGIC:
            fmt = NativeFormat.ELF
            try:
                elf = read_elf(data)
            except ElfError as exc:
                error = f"cannot parse the ELF file ({exc})"
            else:
                for symbol in elf.exported:
                    cls = jni_class_of(symbol)
                    if cls and len(jni) < MAX_JNI_CLASSES:
                        jni.add(cls)
                needed = list(elf.needed)
        elif data[:8] == b"!<arch>\n":
            fmt = NativeFormat.AR
            _quiet_lief()
            for member in _ar_members(data):
                _collect_macho_or_elf(member, objc, jni)
        elif data[:4] in (
            b"\xca\xfe\xba\xbe",
            b"\xcf\xfa\xed\xfe",
            b"\xce\xfa\xed\xfe",
            b"\xbe\xba\xfe\xca",
        ):
            fmt = NativeFormat.MACHO
            _quiet_lief()
            _collect_macho_or_elf(data, objc, jni)
        else:
            error = "not an ELF, Mach-O or ar file"
    except Exception as exc:  # lief raises assorted errors on hostile binaries
        error = f"cannot parse ({type(exc).__name__}: {exc})"
    return NativeLibrary(
        path=path,
        name=name,
        abi=abi,
        size=len(data),
        format=fmt,
        jni_classes=tuple(sorted(jni)),
        needed=tuple(needed),
        objc_classes=tuple(sorted(objc))[:MAX_OBJC_CLASSES],
        error=error,
    )


def _collect_macho_or_elf(data: bytes, objc: set[str], jni: set[str]) -> None:
    import lief

    if data[:4] == b"\x7fELF":
        elf = lief.ELF.parse(data)
        if elf is not None:
            for sym_name in _symbols_of(elf):
                cls = jni_class_of(sym_name)
                if cls:
                    jni.add(cls)
        return
    if data[:8] == b"!<arch>\n":  # a fat member can itself be an archive
        for member in _ar_members(data):
            _collect_macho_or_elf(member, objc, jni)
        return
    fat = lief.MachO.parse(data)
    if fat is None or len(fat) == 0:
        # A fat file of static archives: lief cannot parse it, so split the fat header by hand.
        # Every architecture slice defines the same classes: the first one is enough.
        slices = [m for m in _fat_slices(data) if m[:8] == b"!<arch>\n"]
        if slices:
            _collect_macho_or_elf(slices[0], objc, jni)
        return
    binary = fat.at(0)
    if binary is None:
        return
    for sym in binary.symbols:
        # n_type: N_STAB debug entries (0xe0) and N_UNDF (type bits 0) are not definitions; an
        # undefined _OBJC_CLASS_$_X only references a class defined elsewhere.
        raw = int(sym.raw_type)
        if raw & 0xE0 or raw & 0x0E == 0:
            continue
        cls = _objc_class(str(sym.name))
        if cls and len(objc) < MAX_OBJC_CLASSES:
            objc.add(cls)


def _fat_slices(data: bytes) -> list[bytes]:
    """Architecture slices of a fat (universal) file, by its big-endian header."""
    import struct

    if data[:4] != b"\xca\xfe\xba\xbe" or len(data) < 8:
        return []
    (count,) = struct.unpack_from(">I", data, 4)
    if count > 64:
        return []
    slices = []
    for i in range(count):
        off_at = 8 + 20 * i
        if off_at + 20 > len(data):
            break
        _cpu, _sub, offset, size, _align = struct.unpack_from(">IIIII", data, off_at)
        if offset + size <= len(data):
            slices.append(data[offset : offset + size])
    return slices
