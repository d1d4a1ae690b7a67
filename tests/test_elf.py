"""scanner.extract.elf against lief, the reader it replaced for ELF files.

Every ELF file in the fixture apps, the real apps and the real SDK binaries must give the same
NativeLibrary (JNI classes, DT_NEEDED, format, no error) as lief did, and the same exported names.
Synthetic libraries cover what the corpus lacks (big-endian, DT_HASH vs DT_GNU_HASH, stripped
section or program headers); seeded truncations and byte flips may only ever produce ElfError.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lief
import pytest
from realworld import real_world_file

from scanner.extract.elf import ElfError, read_elf
from scanner.extract.native import abi_of, jni_class_of, read_native
from scanner.limits import MAX_ELF_SYMBOLS, MAX_JNI_CLASSES
from scanner.model import NativeFormat, NativeLibrary

REPO = Path(__file__).resolve().parent.parent
FIXTURE_APKS = sorted((REPO / "samples" / "apks").glob("*.apk"))

# Real files holding ELF libraries (directly, or as zip entries: lib/, jni/, assets/).
REAL_WITH_ELF = (
    "Yosemite.apk",
    "Xposed.apk",
    "XposedInstaller_3.1.5.apk",
    "com.devadvance.rootcloak2_v18_c43b61.apk",
    "hermes-release.aar",
    "open_sdk_r5793.jar",
    "libBaiduMapSDK_base_v6_0_0.so",
    "libBaiduMapSDK_map_v6_0_0.so",
    "libindoor.so",
    "libjcore322.so",
    "liblocSDK7b.so",
    "liblocSDK8a.so",
)

lief.logging.disable()


def _by_lief(path: str, data: bytes) -> NativeLibrary:
    """What read_native returned for an ELF file when lief read it."""
    elf = lief.ELF.parse(data)
    assert elf is not None, path
    jni: set[str] = set()
    for sym in elf.exported_symbols:
        cls = jni_class_of(str(sym.name))
        if cls and len(jni) < MAX_JNI_CLASSES:
            jni.add(cls)
    return NativeLibrary(
        path=path,
        name=path.rsplit("/", 1)[-1],
        abi=abi_of(path),
        size=len(data),
        format=NativeFormat.ELF,
        jni_classes=tuple(sorted(jni)),
        needed=tuple(str(lib) for lib in elf.libraries),
    )


def _elf_files(path: Path) -> Iterator[tuple[str, bytes]]:
    data = path.read_bytes()
    if data[:4] == b"\x7fELF":
        yield path.name, data
        return
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            blob = zf.read(name)
            if blob[:4] == b"\x7fELF":
                yield name, blob


def _assert_same_as_lief(path: str, data: bytes) -> NativeLibrary:
    ours = read_native(path, data)
    assert ours == _by_lief(path, data), path
    elf = lief.ELF.parse(data)
    assert elf is not None
    assert set(read_elf(data).exported) == {str(s.name) for s in elf.exported_symbols}, path
    return ours


# --------------------------------------------------------------------------- the same as lief


def test_fixture_libraries_read_as_lief_read_them() -> None:
    seen = 0
    for apk in FIXTURE_APKS:
        for path, data in _elf_files(apk):
            lib = _assert_same_as_lief(path, data)
            assert lib.jni_classes == ("cn.jiguang.internal.JCoreNative",)
            assert lib.error is None
            seen += 1
    assert seen >= 1


@pytest.mark.realworld
@pytest.mark.parametrize("name", REAL_WITH_ELF)
def test_real_libraries_read_as_lief_read_them(name: str) -> None:
    files = list(_elf_files(real_world_file(name)))
    assert files
    for path, data in files:
        _assert_same_as_lief(path, data)


@pytest.mark.realworld
def test_yosemite_jni_library_names_its_java_classes() -> None:
    libs = {
        path: read_native(path, data) for path, data in _elf_files(real_world_file("Yosemite.apk"))
    }
    # librime_jni registers its natives from JNI_OnLoad: no Java_* export, so no class.
    jni = libs["lib/arm64-v8a/librime_jni.so"]
    assert jni.needed[:2] == ("librime.so", "libopencc.so")
    assert jni.jni_classes == ()
    assert (
        "JNI_OnLoad"
        in read_elf(_elf_bytes("Yosemite.apk", "lib/arm64-v8a/librime_jni.so")).exported
    )
    assert (
        "JNI_OnLoad"
        not in read_elf(_elf_bytes("Yosemite.apk", "lib/arm64-v8a/libopencc.so")).exported
    )


@pytest.mark.realworld
def test_baidu_map_library_names_its_java_classes() -> None:
    lib = read_native(
        "libBaiduMapSDK_base_v6_0_0.so", _elf_bytes("libBaiduMapSDK_base_v6_0_0.so", None)
    )
    assert lib.jni_classes and all(c.startswith("com.baidu.") for c in lib.jni_classes), (
        lib.jni_classes
    )


def _elf_bytes(name: str, entry: str | None) -> bytes:
    for path, data in _elf_files(real_world_file(name)):
        if entry is None or path == entry:
            return data
    raise AssertionError(f"{entry} is not in {name}")


def _without_section_headers(data: bytes) -> bytes:
    out = bytearray(data)
    if data[4] == 2:  # e_shoff at 40 (8 bytes), e_shnum at 60, e_shstrndx at 62
        out[40:48] = bytes(8)
        out[60:64] = bytes(4)
    else:  # e_shoff at 32 (4 bytes), e_shnum at 48, e_shstrndx at 50
        out[32:36] = bytes(4)
        out[48:52] = bytes(4)
    return bytes(out)


def _without_program_headers(data: bytes) -> bytes:
    out = bytearray(data)
    if data[4] == 2:  # e_phoff at 32 (8 bytes), e_phnum at 56
        out[32:40] = bytes(8)
        out[56:58] = bytes(2)
    else:  # e_phoff at 28 (4 bytes), e_phnum at 44
        out[28:32] = bytes(4)
        out[44:46] = bytes(2)
    return bytes(out)


def _stripped_variants_agree(data: bytes) -> None:
    whole = read_elf(data)
    assert whole.exported
    # The loader's view alone (what a packer leaves) and the sections' view alone agree.
    assert read_elf(_without_section_headers(data)) == whole
    assert read_elf(_without_program_headers(data)) == whole


def test_fixture_library_without_section_or_program_headers() -> None:
    for apk in FIXTURE_APKS:
        for _path, data in _elf_files(apk):
            _stripped_variants_agree(data)


@pytest.mark.realworld
@pytest.mark.parametrize("name", ["Yosemite.apk", "libBaiduMapSDK_base_v6_0_0.so"])
def test_real_libraries_without_section_or_program_headers(name: str) -> None:
    for _path, data in _elf_files(real_world_file(name)):
        _stripped_variants_agree(data)


# --------------------------------------------------------------------------- synthetic libraries


@dataclass(frozen=True)
class _Sym:
    name: str
    bind: int  # 0 LOCAL, 1 GLOBAL, 2 WEAK
    kind: int  # 0 NOTYPE, 1 OBJECT, 2 FUNC
    shndx: int
    value: int


_SYMBOLS = (
    _Sym("Java_com_example_Foo_bar", 1, 2, 1, 0x100),
    _Sym("Java_com_example_Undefined_call", 1, 2, 0, 0),  # an import: not exported
    _Sym("Java_com_example_Local_hidden", 0, 2, 1, 0x110),  # LOCAL: not exported
    _Sym("Java_com_example_NoType_n", 1, 0, 1, 0x120),  # NOTYPE: not exported
    _Sym("Java_com_example_Weak_1name_w", 2, 1, 1, 0x130),  # WEAK OBJECT: exported
    _Sym("JNI_OnLoad", 1, 2, 1, 0x140),
)
_EXPORTED = ("Java_com_example_Foo_bar", "Java_com_example_Weak_1name_w", "JNI_OnLoad")
_NEEDED = ("liblog.so", "libc.so")
_BASE = 0x10000  # the load address, so file offsets and addresses differ


def _build_elf(
    *,
    is_64: bool,
    big: bool,
    gnu_hash: bool,
    sections: bool = True,
    symbols: tuple[_Sym, ...] = _SYMBOLS,
) -> bytes:
    """A minimal shared library: one PT_LOAD mapping the whole file at _BASE, PT_DYNAMIC,
    .dynstr, .dynsym, a hash table and .dynamic, plus section headers when asked."""
    e = ">" if big else "<"
    ehsize, phentsize, shentsize = (64, 56, 64) if is_64 else (52, 32, 40)
    symsize, dynsize = (24, 16) if is_64 else (16, 8)
    strtab = bytearray(b"\x00")

    def add(s: str) -> int:
        at = len(strtab)
        strtab.extend(s.encode() + b"\x00")
        return at

    name_at = {s.name: add(s.name) for s in symbols}
    needed_at = [add(n) for n in _NEEDED]
    shstr = b"\x00.dynstr\x00.dynsym\x00.dynamic\x00.hash\x00.shstrtab\x00"

    def sym(st_name: int, bind: int, kind: int, shndx: int, value: int) -> bytes:
        info = (bind << 4) | kind
        if is_64:
            return struct.pack(e + "IBBHQQ", st_name, info, 0, shndx, value, 8)
        return struct.pack(e + "IIIBBH", st_name, value, 8, info, 0, shndx)

    symtab = sym(0, 0, 0, 0, 0) + b"".join(
        sym(name_at[s.name], s.bind, s.kind, s.shndx, s.value) for s in symbols
    )
    nsyms = len(symbols) + 1
    if gnu_hash:  # one bucket holding symbols 1.., the last chain word ending the chain
        bloom = struct.pack(e + ("Q" if is_64 else "I"), 0xFFFFFFFF)
        chains = [2 * i for i in range(1, nsyms - 1)] + [1]
        hash_table = struct.pack(e + "IIII", 1, 1, 1, 0) + bloom + struct.pack(e + "I", 1)
        hash_table += struct.pack(f"{e}{len(chains)}I", *chains)
    else:  # nbucket 1, nchain = number of symbols
        hash_table = struct.pack(f"{e}II", 1, nsyms) + bytes(4) + bytes(4 * nsyms)
    nph = 2
    strtab_off = ehsize + nph * phentsize
    symtab_off = (strtab_off + len(strtab) + 7) & ~7
    hash_off = symtab_off + len(symtab)
    dyn_off = (hash_off + len(hash_table) + 7) & ~7
    dyn_pairs = [(1, at) for at in needed_at] + [
        (5, _BASE + strtab_off),
        (10, len(strtab)),
        (6, _BASE + symtab_off),
        (11, symsize),
        (0x6FFFFEF5 if gnu_hash else 4, _BASE + hash_off),
        (0, 0),
    ]
    dynamic = b"".join(struct.pack(e + ("qQ" if is_64 else "iI"), t, v) for t, v in dyn_pairs)
    shstr_off = dyn_off + len(dynamic)
    sh_off = (shstr_off + len(shstr) + 7) & ~7
    file_size = sh_off + (6 * shentsize if sections else 0)

    def phdr(p_type: int, offset: int, size: int, flags: int) -> bytes:
        if is_64:
            return struct.pack(
                e + "IIQQQQQQ", p_type, flags, offset, _BASE + offset, 0, size, size, 8
            )
        return struct.pack(e + "IIIIIIII", p_type, offset, _BASE + offset, 0, size, size, flags, 4)

    def shdr(name: int, sh_type: int, offset: int, size: int, link: int, entsize: int) -> bytes:
        addr = 0 if name == 32 else _BASE + offset  # .shstrtab is not loaded
        if is_64:
            return struct.pack(
                e + "IIQQQQIIQQ", name, sh_type, 2, addr, offset, size, link, 1, 8, entsize
            )
        return struct.pack(
            e + "IIIIIIIIII", name, sh_type, 2, addr, offset, size, link, 1, 4, entsize
        )

    header = bytearray(b"\x7fELF" + bytes([2 if is_64 else 1, 2 if big else 1, 1]) + bytes(9))
    machine = 183 if is_64 else 40
    header += struct.pack(
        e + ("HHIQQQIHHHHHH" if is_64 else "HHIIIIIHHHHHH"),
        3,  # ET_DYN
        machine,
        1,
        0,
        ehsize,
        sh_off if sections else 0,
        0,
        ehsize,
        phentsize,
        nph,
        shentsize,
        6 if sections else 0,
        5 if sections else 0,
    )
    out = bytearray(file_size)
    out[:ehsize] = header
    out[ehsize : ehsize + 2 * phentsize] = phdr(1, 0, file_size, 5) + phdr(
        2, dyn_off, len(dynamic), 6
    )
    out[strtab_off : strtab_off + len(strtab)] = strtab
    out[symtab_off : symtab_off + len(symtab)] = symtab
    out[hash_off : hash_off + len(hash_table)] = hash_table
    out[dyn_off : dyn_off + len(dynamic)] = dynamic
    out[shstr_off : shstr_off + len(shstr)] = shstr
    if sections:
        out[sh_off:] = b"".join(
            (
                bytes(shentsize),
                shdr(1, 3, strtab_off, len(strtab), 0, 0),
                shdr(9, 11, symtab_off, len(symtab), 1, symsize),
                shdr(17, 6, dyn_off, len(dynamic), 1, dynsize),
                shdr(26, 0x6FFFFFF6 if gnu_hash else 5, hash_off, len(hash_table), 2, 0),
                shdr(32, 3, shstr_off, len(shstr), 0, 0),
            )
        )
    return bytes(out)


_SHAPES = [
    pytest.param(
        is_64,
        big,
        gnu,
        id=f"{'64' if is_64 else '32'}-{'be' if big else 'le'}-{'gnu' if gnu else 'sysv'}",
    )
    for is_64 in (False, True)
    for big in (False, True)
    for gnu in (False, True)
]


@pytest.mark.parametrize(("is_64", "big", "gnu"), _SHAPES)
def test_synthetic_library_every_class_and_byte_order(is_64: bool, big: bool, gnu: bool) -> None:
    data = _build_elf(is_64=is_64, big=big, gnu_hash=gnu)
    info = read_elf(data)
    assert info.is_64 is is_64 and info.big_endian is big
    assert info.exported == _EXPORTED
    assert info.needed == _NEEDED
    lib = _assert_same_as_lief("lib/x86/libsynthetic.so", data)
    assert lib.jni_classes == ("com.example.Foo", "com.example.Weak_name")
    # Without section headers the symbol count comes from the hash table alone.
    bare = _build_elf(is_64=is_64, big=big, gnu_hash=gnu, sections=False)
    assert read_elf(bare) == info
    _assert_same_as_lief("lib/x86/libbare.so", bare)


def test_an_import_local_or_untyped_java_symbol_is_no_jni_class() -> None:
    lib = read_native("lib/x86/libs.so", _build_elf(is_64=True, big=False, gnu_hash=True))
    assert "com.example.Undefined" not in lib.jni_classes
    assert "com.example.Local" not in lib.jni_classes
    assert "com.example.NoType" not in lib.jni_classes


def test_a_non_ascii_symbol_name_is_decoded_as_utf8() -> None:
    # JNI mangles non-ASCII names to _0xxxx, so only a hand-made file has one; it takes the
    # per-name decoding path instead of the whole-table one, with the same result.
    odd = _Sym("Java_com_example_Caf\u00e9_x", 1, 2, 1, 0x150)
    data = _build_elf(is_64=True, big=False, gnu_hash=True, symbols=(*_SYMBOLS, odd))
    assert read_elf(data).exported == (*_EXPORTED, odd.name)
    assert "com.example.Caf\u00e9" in read_native("lib/x86/libu.so", data).jni_classes


# --------------------------------------------------------------------------- broken files


def _fixture_library() -> bytes:
    for apk in FIXTURE_APKS:
        for _path, data in _elf_files(apk):
            return data
    pytest.fail("no fixture app holds an ELF library")


def _mutants(data: bytes, seed: int, count: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    for cut in range(0, len(data), max(1, len(data) // 64)):
        yield data[:cut]
    for _ in range(count):
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(out))
            out[at] = rng.choice((0, 0xFF, rng.randrange(256)))
        yield bytes(out)
    # Headers are where a flip changes an offset or a count: flip there more often.
    for _ in range(count):
        out = bytearray(data)
        at = rng.randrange(min(len(out), 0x100))
        out[at : at + 4] = rng.randbytes(4)
        yield bytes(out)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_fixture_library, id="fixture"),
        pytest.param(lambda: _build_elf(is_64=False, big=True, gnu_hash=True), id="32-be-gnu"),
        pytest.param(lambda: _build_elf(is_64=True, big=False, gnu_hash=False), id="64-le-sysv"),
    ],
)
def test_truncated_or_mutated_elf_only_ever_raises_elf_error(make: object) -> None:
    assert callable(make)
    data = make()
    errors = 0
    for mutant in _mutants(data, seed=20261201, count=400):
        try:
            read_elf(mutant)
        except ElfError:
            errors += 1
        lib = read_native("lib/x86/libm.so", mutant)  # never raises
        if mutant[:4] == b"\x7fELF":
            assert lib.error is None or lib.error.startswith("cannot parse the ELF file (")
        else:
            assert lib.error == "not an ELF, Mach-O or ar file"
    assert errors > 0  # the mutants do reach the error paths


def test_a_header_cut_short_is_a_recorded_error() -> None:
    lib = read_native("lib/x86/libcut.so", _fixture_library()[:40])
    assert lib.format is NativeFormat.ELF
    assert lib.error is not None and "ELF header" in lib.error
    assert lib.jni_classes == () and lib.needed == ()


def test_unknown_class_or_byte_order_is_a_recorded_error() -> None:
    data = bytearray(_fixture_library())
    data[4] = 3
    assert "ELF class" in (read_native("a.so", bytes(data)).error or "")
    data[4], data[5] = 2, 0
    assert "byte order" in (read_native("a.so", bytes(data)).error or "")


def test_a_strtab_outside_every_segment_is_a_recorded_error() -> None:
    data = _build_elf(is_64=True, big=False, gnu_hash=False)
    info = read_elf(data)
    assert info.needed == _NEEDED
    # Point DT_STRTAB (tag 5) past the loaded segment.
    broken = bytearray(data)
    tag_at = next(
        at
        for at in range(0, len(data) - 16, 8)
        if struct.unpack_from("<q", data, at)[0] == 5
        and struct.unpack_from("<Q", data, at + 8)[0] > _BASE
    )
    struct.pack_into("<Q", broken, tag_at + 8, 0x7FFF_0000)
    with pytest.raises(ElfError, match="DT_STRTAB"):
        read_elf(bytes(broken))


def test_a_hash_table_claiming_too_many_symbols_is_a_recorded_error() -> None:
    data = bytearray(_build_elf(is_64=True, big=False, gnu_hash=False, sections=False))
    hash_at = data.index(struct.pack("<II", 1, len(_SYMBOLS) + 1))
    struct.pack_into("<I", data, hash_at + 4, MAX_ELF_SYMBOLS + 1)
    with pytest.raises(ElfError, match="more than"):
        read_elf(bytes(data))
    struct.pack_into("<I", data, hash_at + 4, 5000)  # under the cap, past the file's end
    with pytest.raises(ElfError, match="outside the file"):
        read_elf(bytes(data))
