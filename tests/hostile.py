"""Hostile inputs generated from the fixture apps, and a bounded runner for the CLI.

`generate(root)` writes every input under `root/in` (deterministic: fixed seeds) and returns the
command lines to run; `run(cases, root)` runs each one in-process through `scanner.cli.main` in a
small pool of worker processes, each under an address-space limit (RLIMIT_AS) and a per-input
wall-clock alarm, with a watchdog in the parent that kills a worker stuck inside C code.

Used by tests/test_hostile.py and scripts/hostile_suite.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import resource
import signal
import struct
import sys
import threading
import time
import traceback
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
APKS = REPO / "samples" / "apks"
POLICIES = REPO / "samples" / "policies"

SOFT_SECONDS = 20
"""Per-input wall-clock bound (SIGALRM inside the worker)."""
HEAVY_SECONDS = 60
"""Bound for the zip bombs, which legitimately inflate up to the caps before stopping."""
WATCHDOG_GRACE = 15
"""Extra seconds before the parent kills a worker that ignored its alarm (stuck in C code)."""
MEMORY_LIMIT = 4 << 30
"""RLIMIT_AS of each worker: a blow-up becomes a MemoryError (exit 3), not an OOM kill."""
XSS_MARKERS = (
    '<script>alert("hostile")</script>',
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",  # the label of samples/apks/label-xss.apk
)
"""Strings planted in apps and policies; they must never reach an HTML report unescaped."""


@dataclass(frozen=True)
class Case:
    """One hostile input and the command line that scans it."""

    id: str
    family: str
    argv: tuple[str, ...]
    seconds: int = SOFT_SECONDS
    expect: frozenset[int] = frozenset({0, 1, 2})
    """Exit codes that are acceptable for this input."""


@dataclass
class Outcome:
    case: Case
    code: int | None
    """Exit code, or None when the input raised out of main(), hung or killed its worker."""
    status: str
    """'ok' | 'traceback' | 'hang' | 'died'"""
    seconds: float
    detail: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    max_rss_kb: int = 0

    @property
    def codes(self) -> dict[int, int]:
        counts = Counter(o.code for o in self.outcomes if o.code is not None)
        return {code: counts.get(code, 0) for code in sorted({0, 1, 2, *counts})}

    def with_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def tracebacks(self) -> list[Outcome]:
        """Exit code 3 (internal error) or an exception out of main(): both are bugs."""
        return [o for o in self.outcomes if o.status == "traceback" or o.code == 3]

    @property
    def unexpected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.code is not None and o.code not in o.case.expect]

    def figure(self) -> str:
        died = len(self.with_status("died"))
        return (
            f"hostile inputs: {len(self.outcomes)} run, {len(self.tracebacks)} tracebacks, "
            f"{len(self.with_status('hang'))} hangs"
            + (f", {died} worker deaths" if died else "")
            + f", exit codes {self.codes}"
        )

    def slowest(self, n: int = 5) -> list[Outcome]:
        return sorted(self.outcomes, key=lambda o: -o.seconds)[:n]


# =========================================================================== zip surgery

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_EOCD = struct.Struct("<IHHHHIIH")


@dataclass(frozen=True)
class ZipLayout:
    """Byte offsets of the structures of a (non-zip64) archive."""

    local: tuple[int, ...]
    central: tuple[int, ...]
    eocd: int


def layout(data: bytes) -> ZipLayout:
    eocd = data.rfind(b"PK\x05\x06")
    _sig, _d, _cd, _n, total, _size, cd_off, _c = _EOCD.unpack_from(data, eocd)
    central, local = [], []
    pos = cd_off
    for _ in range(total):
        fields = _CENTRAL.unpack_from(data, pos)
        central.append(pos)
        local.append(fields[16])
        pos += _CENTRAL.size + fields[10] + fields[11] + fields[12]
    return ZipLayout(tuple(local), tuple(central), eocd)


# (offset inside the structure, width, name)
_LOCAL_FIELDS = [
    (6, 2, "flags"),
    (8, 2, "method"),
    (14, 4, "crc"),
    (18, 4, "csize"),
    (22, 4, "usize"),
    (26, 2, "name_len"),
    (28, 2, "extra_len"),
    (0, 4, "sig"),
]
_CENTRAL_FIELDS = [
    (8, 2, "flags"),
    (10, 2, "method"),
    (16, 4, "crc"),
    (20, 4, "csize"),
    (24, 4, "usize"),
    (28, 2, "name_len"),
    (30, 2, "extra_len"),
    (32, 2, "comment_len"),
    (42, 4, "local_offset"),
    (0, 4, "sig"),
    (6, 2, "version_needed"),
    (34, 2, "disk"),
]
_EOCD_FIELDS = [
    (4, 2, "disk"),
    (6, 2, "cd_disk"),
    (8, 2, "entries_here"),
    (10, 2, "entries"),
    (12, 4, "cd_size"),
    (16, 4, "cd_offset"),
    (20, 2, "comment_len"),
]


def bad_values(value: int, width: int, size: int, rng: random.Random) -> list[int]:
    """Values a hostile header field might hold: extremes, off-by-one, the file size, noise."""
    top = (1 << (8 * width)) - 1
    values = {0, 1, top, top >> 1, (value + 1) & top, (value - 1) & top, rng.randrange(top + 1)}
    if width == 4:
        values |= {size & top, (size + 1) & top, value ^ 0x80000000}
    values.discard(value)
    return sorted(values)


def patch(data: bytes, offset: int, width: int, value: int) -> bytes:
    out = bytearray(data)
    out[offset : offset + width] = value.to_bytes(width, "little")
    return bytes(out)


def read_entries(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def build_zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", method) as zf:
        warnings.simplefilter("ignore")  # duplicate names are the point of some inputs
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            zf.writestr(info, data)
    return buf.getvalue()


def replace_entry(apk: Path, name: str, data: bytes) -> bytes:
    return build_zip(
        [(i.filename, data if i.filename == name else d) for i, d in read_entries(apk)]
    )


# =========================================================================== structures to mutate


def axml_fields(data: bytes) -> list[tuple[int, int, str]]:
    """Structural fields of a binary XML file: chunk headers, string pool, elements, attributes."""
    fields = [(0, 2, "file.type"), (2, 2, "file.header_size"), (4, 4, "file.size")]
    pos = struct.unpack_from("<H", data, 2)[0]
    while pos + 8 <= len(data):
        ctype, _hsize, size = struct.unpack_from("<HHI", data, pos)
        tag = f"chunk{ctype:#06x}@{pos}"
        fields += [
            (pos, 2, f"{tag}.type"),
            (pos + 2, 2, f"{tag}.header_size"),
            (pos + 4, 4, f"{tag}.size"),
        ]
        if ctype == 0x0001:  # string pool
            count = struct.unpack_from("<I", data, pos + 8)[0]
            names = ("string_count", "style_count", "flags", "strings_start", "styles_start")
            fields += [(pos + 8 + 4 * i, 4, f"pool.{n}") for i, n in enumerate(names)]
            fields += [(pos + 28 + 4 * i, 4, f"pool.offset[{i}]") for i in range(min(count, 40))]
            strings = pos + struct.unpack_from("<I", data, pos + 20)[0]
            for i in range(min(count, 20)):  # the length prefix of each string
                off = strings + struct.unpack_from("<I", data, pos + 28 + 4 * i)[0]
                fields.append((off, 2, f"pool.string[{i}].length"))
        elif ctype in (0x0100, 0x0101):  # namespace start / end
            fields += [(pos + 16, 4, f"{tag}.prefix"), (pos + 20, 4, f"{tag}.uri")]
        elif ctype == 0x0102:  # start element
            fields += [
                (pos + 16, 4, f"{tag}.ns"),
                (pos + 20, 4, f"{tag}.name"),
                (pos + 24, 2, f"{tag}.attr_start"),
                (pos + 26, 2, f"{tag}.attr_size"),
                (pos + 28, 2, f"{tag}.attr_count"),
            ]
            start, asize, count = struct.unpack_from("<HHH", data, pos + 24)
            for i in range(min(count, 8)):
                a = pos + 16 + start + i * asize
                fields += [
                    (a, 4, f"{tag}.attr{i}.ns"),
                    (a + 4, 4, f"{tag}.attr{i}.name"),
                    (a + 8, 4, f"{tag}.attr{i}.raw"),
                    (a + 15, 1, f"{tag}.attr{i}.type"),
                    (a + 16, 4, f"{tag}.attr{i}.data"),
                ]
        elif ctype == 0x0103:
            fields += [(pos + 16, 4, f"{tag}.ns"), (pos + 20, 4, f"{tag}.name")]
        if size < 8:
            break
        pos += size
    return [f for f in fields if f[0] + f[1] <= len(data)]


_DEX_HEADER_FIELDS = [
    "file_size",
    "header_size",
    "endian",
    "link_size",
    "link_off",
    "map_off",
    "string_ids_size",
    "string_ids_off",
    "type_ids_size",
    "type_ids_off",
    "proto_ids_size",
    "proto_ids_off",
    "field_ids_size",
    "field_ids_off",
    "method_ids_size",
    "method_ids_off",
    "class_defs_size",
    "class_defs_off",
    "data_size",
    "data_off",
]


def dex_fields(data: bytes) -> list[tuple[int, int, str]]:
    """Header fields, table entries (indices and offsets), map items and code item headers."""
    fields = [(32 + 4 * i, 4, f"header.{n}") for i, n in enumerate(_DEX_HEADER_FIELDS)]
    u32 = struct.Struct("<I")

    def table(what: str, size_at: int, item: int, parts: list[tuple[int, int, str]]) -> None:
        count, off = struct.unpack_from("<II", data, size_at)
        for i in range(min(count, 12)):
            for rel, width, name in parts:
                fields.append((off + i * item + rel, width, f"{what}[{i}].{name}"))

    table("string_id", 56, 4, [(0, 4, "data_off")])
    table("type_id", 64, 4, [(0, 4, "descriptor_idx")])
    table("proto_id", 72, 12, [(0, 4, "shorty"), (4, 4, "return"), (8, 4, "params_off")])
    table("field_id", 80, 8, [(0, 2, "class"), (2, 2, "type"), (4, 4, "name")])
    table("method_id", 88, 8, [(0, 2, "class"), (2, 2, "proto"), (4, 4, "name")])
    table(
        "class_def",
        96,
        32,
        [
            (0, 4, "class"),
            (8, 4, "super"),
            (12, 4, "interfaces_off"),
            (16, 4, "source"),
            (20, 4, "annotations_off"),
            (24, 4, "class_data_off"),
            (28, 4, "static_values_off"),
        ],
    )
    map_off = u32.unpack_from(data, 52)[0]
    if map_off + 4 <= len(data):
        count = u32.unpack_from(data, map_off)[0]
        for i in range(min(count, 20)):
            item = map_off + 4 + 12 * i
            fields += [
                (item, 2, f"map[{i}].type"),
                (item + 4, 4, f"map[{i}].size"),
                (item + 8, 4, f"map[{i}].offset"),
            ]
            kind, size, off = struct.unpack_from("<HxxII", data, item)
            if kind == 0x2001:  # code items: registers, ins, outs, tries, debug, insns_size
                pos = off
                for j in range(min(size, 6)):
                    if pos + 16 > len(data):
                        break
                    names = ("registers", "ins", "outs", "tries")
                    fields += [(pos + 2 * k, 2, f"code[{j}].{n}") for k, n in enumerate(names)]
                    fields += [
                        (pos + 8, 4, f"code[{j}].debug_off"),
                        (pos + 12, 4, f"code[{j}].insns_size"),
                    ]
                    insns = u32.unpack_from(data, pos + 12)[0]
                    tries = struct.unpack_from("<H", data, pos + 6)[0]
                    for k in range(0, min(insns, 24), 3):
                        fields.append((pos + 16 + 2 * k, 2, f"code[{j}].insn[{k}]"))
                    if tries:
                        break  # try items and handlers follow: stop rather than mis-walk
                    pos += 16 + 2 * insns
                    pos += (-pos) % 4
    return [f for f in fields if f[0] >= 0 and f[0] + f[1] <= len(data)]


def mutate_fields(
    data: bytes, fields: list[tuple[int, int, str]], rng: random.Random, count: int
) -> Iterator[tuple[str, bytes]]:
    """`count` mutants, each with one structural field set to a hostile value."""
    options = []
    for offset, width, name in fields:
        value = int.from_bytes(data[offset : offset + width], "little")
        options += [(offset, width, name, v) for v in bad_values(value, width, len(data), rng)]
    for offset, width, name, value in rng.sample(options, min(count, len(options))):
        yield f"{name}={value:#x}", patch(data, offset, width, value)


def flip_bytes(data: bytes, rng: random.Random, count: int) -> Iterator[tuple[str, bytes]]:
    for _ in range(count):
        out = bytearray(data)
        at = []
        for _ in range(rng.choice((1, 1, 2, 4, 16))):
            i = rng.randrange(len(out))
            out[i] = rng.randrange(256)
            at.append(i)
        yield f"flip{at[0]}x{len(at)}", bytes(out)


# =========================================================================== bombs


def deflate_zeros(total: int, prefix: bytes = b"") -> tuple[bytes, int]:
    """A raw deflate stream of `prefix` + zeros up to `total` bytes, written chunk by chunk."""
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    out = [comp.compress(prefix)]
    crc = zlib.crc32(prefix)
    chunk = bytes(1 << 20)
    left = total - len(prefix)
    while left > 0:
        piece = chunk if left >= len(chunk) else bytes(left)
        out.append(comp.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    out.append(comp.flush())
    return b"".join(out), crc


def class_defs_bomb(dex: bytes, count: int) -> tuple[bytes, int, int]:
    """Deflated `dex` with its class_defs table moved to the end and repeated `count` times:
    (stream, crc, inflated size)."""
    head = bytearray(dex)
    offset = struct.unpack_from("<I", dex, 100)[0]
    first = dex[offset : offset + 32]
    struct.pack_into("<II", head, 96, count, len(dex))
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    out = [comp.compress(bytes(head))]
    crc = zlib.crc32(head)
    block = first * 32768
    left = count
    while left > 0:
        piece = block[: 32 * min(left, 32768)]
        out.append(comp.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece) // 32
    out.append(comp.flush())
    return b"".join(out), crc, len(dex) + 32 * count


def raw_zip(entries: list[tuple[str, bytes, int, int, int, int]]) -> bytes:
    """A zip written by hand: (name, stored bytes, method, crc, compressed size, size) entries,
    so the headers can say whatever the test wants."""
    body = io.BytesIO()
    central = io.BytesIO()
    for name, payload, method, crc, csize, usize in entries:
        raw_name = name.encode("utf-8")
        offset = body.tell()
        body.write(
            _LOCAL.pack(0x04034B50, 20, 0, method, 0, 0x5821, crc, csize, usize, len(raw_name), 0)
        )
        body.write(raw_name)
        body.write(payload)
        central.write(
            _CENTRAL.pack(
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x5821,
                crc,
                csize,
                usize,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(raw_name)
    cd = central.getvalue()
    count = len(entries)
    cd_offset = body.tell()
    if count <= 0xFFFF:
        return (
            body.getvalue() + cd + _EOCD.pack(0x06054B50, 0, 0, count, count, len(cd), cd_offset, 0)
        )
    zip64_end = cd_offset + len(cd)
    record = struct.pack(
        "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(cd), cd_offset
    )
    locator = struct.pack("<IIQI", 0x07064B50, 0, zip64_end, 1)
    end = _EOCD.pack(0x06054B50, 0, 0, 0xFFFF, 0xFFFF, len(cd), cd_offset, 0)
    return body.getvalue() + cd + record + locator + end


# =========================================================================== generation


class _Writer:
    def __init__(self, root: Path) -> None:
        self.inputs = root / "in"
        self.outputs = root / "out"
        self.inputs.mkdir(parents=True, exist_ok=True)
        self.outputs.mkdir(parents=True, exist_ok=True)
        self.cases: list[Case] = []
        self.seen: set[str] = set()

    def _unique(self, family: str, label: str) -> str:
        safe = "".join(c if c.isalnum() or c in "-_.=" else "_" for c in label)[:80]
        base = f"{family}-{safe}"
        name, n = base, 1
        while name in self.seen:
            n += 1
            name = f"{base}-{n}"
        self.seen.add(name)
        return name

    def app(
        self,
        family: str,
        label: str,
        data: bytes,
        suffix: str = ".apk",
        seconds: int = SOFT_SECONDS,
        expect: frozenset[int] = frozenset({0, 1, 2}),
        policy: Path | None = None,
        html: bool = False,
    ) -> Path:
        cid = self._unique(family, label)
        path = self.inputs / f"{cid}{suffix}"
        path.write_bytes(data)
        argv = ["scan", str(path), "-q", "--fail-on", "medium"]
        if policy is not None:
            argv += ["--policy", str(policy)]
        if html:
            argv += ["--html", str(self.outputs / f"{cid}.html")]
        self.cases.append(Case(cid, family, tuple(argv), seconds, expect))
        return path

    def policy(
        self,
        family: str,
        label: str,
        data: bytes,
        suffix: str,
        app: Path | None = None,
        seconds: int = SOFT_SECONDS,
        expect: frozenset[int] = frozenset({0, 1, 2}),
    ) -> None:
        cid = self._unique(family, label)
        path = self.inputs / f"{cid}{suffix}"
        path.write_bytes(data)
        if app is None:
            argv = ("policy", str(path), "-q", "--json", str(self.outputs / f"{cid}.json"))
        else:
            argv = (
                "scan",
                str(app),
                "--policy",
                str(path),
                "-q",
                "--html",
                str(self.outputs / f"{cid}.html"),
            )
        self.cases.append(Case(cid, family, argv, seconds, expect))


def _fixtures() -> list[Path]:
    return sorted(APKS.glob("*.apk"))


def _apk_families(w: _Writer, rng: random.Random, scale: int) -> None:
    for apk in _fixtures():
        data = apk.read_bytes()
        zl = layout(data)
        stem = apk.stem
        # Truncation: evenly spread offsets plus every structure boundary (+/- a few bytes).
        cuts = {len(data) * i // (8 * scale) for i in range(1, 8 * scale)}
        for off in (*zl.local, *zl.central, zl.eocd):
            cuts |= {off, off + 4, off + 29, off + 45}
        for cut in sorted(c for c in cuts if 0 < c < len(data)):
            w.app("truncate", f"{stem}@{cut}", data[:cut], expect=frozenset({2}))
        for label, mutant in flip_bytes(data, rng, 6 * scale):
            w.app("flip", f"{stem}-{label}", mutant)
        central = [
            (b + o, width, f"cd{i}.{n}")
            for i, b in enumerate(zl.central)
            for o, width, n in _CENTRAL_FIELDS
        ]
        for label, mutant in mutate_fields(data, central, rng, 10 * scale):
            w.app("central-dir", f"{stem}-{label}", mutant)
        local = [
            (b + o, width, f"lh{i}.{n}")
            for i, b in enumerate(zl.local)
            for o, width, n in _LOCAL_FIELDS
        ]
        for label, mutant in mutate_fields(data, local, rng, 8 * scale):
            w.app("local-header", f"{stem}-{label}", mutant)
        eocd = [(zl.eocd + o, width, f"eocd.{n}") for o, width, n in _EOCD_FIELDS]
        for label, mutant in mutate_fields(data, eocd, rng, 4 * scale):
            w.app("eocd", f"{stem}-{label}", mutant)
        # Encrypted entries: the flag bit in the central directory, the local header, or both.
        for i, (cd, lh) in enumerate(zip(zl.central, zl.local, strict=True)):
            for where, offsets in (("cd", [cd + 8]), ("lh", [lh + 6]), ("both", [cd + 8, lh + 6])):
                mutant = data
                for off in offsets:
                    flags = struct.unpack_from("<H", mutant, off)[0]
                    mutant = patch(mutant, off, 2, flags | 0x1)
                w.app("encrypted", f"{stem}-entry{i}-{where}", mutant)
        # Unknown or unsupported compression methods on the manifest and the first dex.
        for i, cd in enumerate(zl.central[:2]):
            for method in (1, 6, 9, 12, 14, 93, 95, 98, 99, 0xFFFF):
                mutant = patch(patch(data, cd + 10, 2, method), zl.local[i] + 8, 2, method)
                w.app("compression", f"{stem}-entry{i}-method{method}", mutant)
        entries = read_entries(apk)
        # Duplicate names: a junk copy first or last, for the manifest and the dex.
        for target in ("AndroidManifest.xml", "classes.dex"):
            real = [(i.filename, d) for i, d in entries]
            junk = (target, b"\x03\x00\x08\x00" + bytes(64))
            w.app("duplicate", f"{stem}-{target}-junk-first", build_zip([junk, *real]))
            w.app("duplicate", f"{stem}-{target}-junk-last", build_zip([*real, junk]))
        _slip_and_nest(w, stem, [(i.filename, d) for i, d in entries])
        # Mutated resources.arsc (the label lookup) and native libraries (lief).
        for info, blob in entries:
            if info.filename == "resources.arsc":
                for label, mutant in flip_bytes(blob, rng, 4 * scale):
                    w.app("arsc", f"{stem}-{label}", replace_entry(apk, info.filename, mutant))
            if info.filename.endswith(".so"):
                for label, mutant in flip_bytes(blob, rng, 8 * scale):
                    w.app("native", f"{stem}-{label}", replace_entry(apk, info.filename, mutant))
                for cut in range(0, len(blob), max(1, len(blob) // (2 * scale))):
                    w.app(
                        "native", f"{stem}-cut{cut}", replace_entry(apk, info.filename, blob[:cut])
                    )


_SLIP_NAMES = (
    "../../etc/passwd",
    "../../../../../../tmp/privacy-scan-zipslip",
    "/tmp/privacy-scan-zipslip-abs",
    "..\\..\\windows\\win.ini",
    "lib/../../../escape.so",
    "lib/arm64-v8a/../../../../escape2.so",
    "assets/../../../../assets-escape",
    "classes.dex/../../slip.dex",
    "./AndroidManifest.xml",
    "lib/arm64-v8a/" + "A" * 4000 + ".so",
    "lib/x86/lib<img src=x onerror=alert(1)>.so",
    "\x00nul/name.so",
    'lib/x86/lib<script>alert("hostile")</script>.so',
)


def _slip_and_nest(w: _Writer, stem: str, real: list[tuple[str, bytes]]) -> None:
    elf = next((d for n, d in real if n.endswith(".so")), b"\x7fELF" + bytes(60))
    for name in _SLIP_NAMES:
        payload = elf if name.endswith(".so") else b"root:x:0:0::/root:/bin/sh\n"
        w.app(
            "zip-slip",
            f"{stem}-{name[:40]}",
            build_zip([*real, (name, payload)]),
            expect=frozenset({0, 1}),
            html=True,
        )
    base = build_zip(real)
    nested = build_zip([*real, ("assets/inner.apk", base), ("lib/arm64-v8a/libinner.so", base)])
    w.app("nested", f"{stem}-apk-in-apk", nested, expect=frozenset({0, 1}))
    deep = base
    for level in range(6):
        deep = build_zip(
            [("AndroidManifest.xml", dict(real)["AndroidManifest.xml"]), ("classes.dex", deep)]
        )
        w.app("nested", f"{stem}-zip-as-dex-{level}", deep)
    w.app(
        "nested",
        f"{stem}-zip-as-manifest",
        build_zip([("AndroidManifest.xml", base)]),
        expect=frozenset({2}),
    )
    w.app("nested", f"{stem}-as-aar", build_zip([*real, ("classes.jar", base)]), suffix=".aar")
    w.app("nested", f"{stem}-as-jar", base, suffix=".jar")


def _axml_family(w: _Writer, rng: random.Random, scale: int) -> None:
    for apk in _fixtures():
        with zipfile.ZipFile(apk) as zf:
            manifest = zf.read("AndroidManifest.xml")
        fields = axml_fields(manifest)
        for label, mutant in mutate_fields(manifest, fields, rng, 40 * scale):
            w.app("axml", f"{apk.stem}-{label}", replace_entry(apk, "AndroidManifest.xml", mutant))
        for label, mutant in flip_bytes(manifest, rng, 6 * scale):
            w.app("axml", f"{apk.stem}-{label}", replace_entry(apk, "AndroidManifest.xml", mutant))
        for cut in range(8, len(manifest), max(1, len(manifest) // (2 * scale))):
            w.app(
                "axml",
                f"{apk.stem}-cut{cut}",
                replace_entry(apk, "AndroidManifest.xml", manifest[:cut]),
            )


def _dex_family(w: _Writer, rng: random.Random, scale: int) -> None:
    for apk in _fixtures():
        with zipfile.ZipFile(apk) as zf:
            dexes = [(n, zf.read(n)) for n in zf.namelist() if n.endswith(".dex")]
        for name, dex in dexes:
            for label, mutant in mutate_fields(dex, dex_fields(dex), rng, 14 * scale):
                w.app("dex", f"{apk.stem}-{name}-{label}", replace_entry(apk, name, mutant))
            for label, mutant in flip_bytes(dex, rng, 3 * scale):
                w.app("dex", f"{apk.stem}-{name}-{label}", replace_entry(apk, name, mutant))
            for cut in (0, 8, 111, 112, len(dex) // 2, len(dex) - 1):
                w.app("dex", f"{apk.stem}-{name}-cut{cut}", replace_entry(apk, name, dex[:cut]))


def _bomb_family(w: _Writer) -> None:
    apk = APKS / "plain-notes.apk"
    real = {i.filename: d for i, d in read_entries(apk)}
    manifest, dex = real["AndroidManifest.xml"], real["classes.dex"]
    heavy = HEAVY_SECONDS
    two = frozenset({2})

    def entry(
        name: str, payload: bytes, crc: int, size: int
    ) -> tuple[str, bytes, int, int, int, int]:
        return (name, payload, zipfile.ZIP_DEFLATED, crc, len(payload), size)

    def plain(name: str, data: bytes) -> tuple[str, bytes, int, int, int, int]:
        packed = zlib.compress(data, 9)[2:-4]
        return (name, packed, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(packed), len(data))

    # A manifest that inflates to 1 GiB (its cap is 16 MiB): stops at the cap.
    packed, crc = deflate_zeros(1 << 30, manifest)
    w.app(
        "bomb",
        "manifest-1GiB",
        raw_zip([entry("AndroidManifest.xml", packed, crc, 1 << 30), plain("classes.dex", dex)]),
        seconds=heavy,
        expect=two,
    )
    # The same stream declared as 100 bytes: the header lies, the cap still holds.
    w.app(
        "bomb",
        "manifest-lying-size",
        raw_zip([entry("AndroidManifest.xml", packed, crc, 100), plain("classes.dex", dex)]),
        seconds=heavy,
        expect=two,
    )
    # A dex past the per-entry cap (512 MiB).
    packed, crc = deflate_zeros((512 << 20) + (1 << 20), dex)
    w.app(
        "bomb",
        "dex-513MiB",
        raw_zip(
            [
                plain("AndroidManifest.xml", manifest),
                entry("classes.dex", packed, crc, (512 << 20) + (1 << 20)),
            ]
        ),
        seconds=heavy,
        expect=two,
    )
    # The same stream declared as 4 KiB: zipfile stops at the declared size, so it reads 4 KiB.
    w.app(
        "bomb",
        "dex-513MiB-declared-4KiB",
        raw_zip([plain("AndroidManifest.xml", manifest), entry("classes.dex", packed, crc, 4096)]),
    )
    # Many dex files just under the per-entry cap: the total cap (or the retained-code cap)
    # must stop it before memory runs out.
    packed, crc = deflate_zeros(500 << 20, dex)
    many = [plain("AndroidManifest.xml", manifest)]
    many += [
        entry(f"classes{i if i > 1 else ''}.dex", packed, crc, 500 << 20) for i in range(1, 11)
    ]
    w.app("bomb", "ten-dex-500MiB", raw_zip(many), seconds=heavy, expect=two)
    # A dex whose class_defs table claims 4 million classes (all copies of its first one): a
    # 1 MiB download that inflates to 128 MiB and makes the reader build 4M class names.
    packed, crc, size = class_defs_bomb(dex, 4_000_000)
    w.app(
        "bomb",
        "dex-4M-class-defs",
        raw_zip([plain("AndroidManifest.xml", manifest), entry("classes.dex", packed, crc, size)]),
        seconds=heavy,
    )
    # A native library that inflates past the per-entry cap.
    so_packed, so_crc = deflate_zeros((512 << 20) + 1, b"\x7fELF\x02\x01\x01")
    w.app(
        "bomb",
        "native-513MiB",
        raw_zip(
            [
                plain("AndroidManifest.xml", manifest),
                plain("classes.dex", dex),
                entry("lib/arm64-v8a/libz.so", so_packed, so_crc, (512 << 20) + 1),
            ]
        ),
        seconds=heavy,
        expect=two,
    )
    # A stored entry whose header claims far more (or less) than is there.
    for label, usize, csize in (
        ("huge", 0xFFFFFFF0, len(dex)),
        ("tiny", 3, len(dex)),
        ("csize-past-end", len(dex), 0x7FFFFFFF),
    ):
        stored = ("classes.dex", dex, zipfile.ZIP_STORED, zlib.crc32(dex), csize, usize)
        w.app(
            "bomb",
            f"stored-lying-{label}",
            raw_zip([plain("AndroidManifest.xml", manifest), stored]),
        )
    # More entries than the entry limit (200,000): refused before anything is inflated.
    names = [plain("AndroidManifest.xml", manifest)]
    names += [(f"a/{i}", b"", zipfile.ZIP_STORED, 0, 0, 0) for i in range(200_001)]
    w.app("bomb", "200001-entries", raw_zip(names), seconds=heavy, expect=two)


def _jvm_family(w: _Writer, rng: random.Random, scale: int) -> None:
    text_manifest = (
        b'<?xml version="1.0"?><manifest xmlns:android="http://schemas.android.com'
        b'/apk/res/android" package="org.hostile"><uses-permission android:name='
        b'"android.permission.CAMERA"/></manifest>'
    )
    cafe = b"\xca\xfe\xba\xbe\x00\x00\x00\x34"
    classes = [
        (f"org/hostile/C{i}.class", cafe + rng.randbytes(rng.randrange(0, 64))) for i in range(4)
    ]
    jar = build_zip(classes)
    w.app("jvm", "junk-classes", jar, suffix=".jar")
    entities = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;'
        b'&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]><manifest package="&c;&xxe;"/>'
    )
    for label, manifest in (
        ("plain", text_manifest),
        ("billion-laughs", entities),
        ("binary", b"\x00\xff" * 50),
        ("deep", b"<a>" * 100_000),
        ("empty", b""),
    ):
        w.app(
            "jvm",
            f"aar-manifest-{label}",
            build_zip([("AndroidManifest.xml", manifest), ("classes.jar", jar)]),
            suffix=".aar",
        )
    for label, inner in (
        ("junk", rng.randbytes(200)),
        ("truncated", jar[: len(jar) // 2]),
        ("empty", b""),
    ):
        w.app(
            "jvm",
            f"aar-classes-jar-{label}",
            build_zip(
                [
                    ("AndroidManifest.xml", text_manifest),
                    ("classes.jar", inner),
                    ("libs/x.jar", inner),
                ]
            ),
            suffix=".aar",
        )
    for label, mutant in flip_bytes(jar, rng, 4 * scale):
        w.app("jvm", f"jar-{label}", mutant, suffix=".jar")


def _misc_family(w: _Writer, rng: random.Random) -> None:
    for label, data, suffix in (
        ("empty", b"", ".apk"),
        ("one-byte", b"P", ".apk"),
        ("pk-only", b"PK\x03\x04", ".apk"),
        ("eocd-only", b"PK\x05\x06" + bytes(18), ".apk"),
        ("junk", rng.randbytes(4096), ".apk"),
        ("elf-junk", b"\x7fELF" + rng.randbytes(4096), ".so"),
        ("macho-junk", b"\xcf\xfa\xed\xfe" + rng.randbytes(4096), ".dylib"),
        ("fat-junk", b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + rng.randbytes(200), ".a"),
        ("ar-junk", b"!<arch>\n" + rng.randbytes(4096), ".a"),
        ("ar-bad-size", b"!<arch>\n" + b"x.o/".ljust(48) + b"9999999999`\n", ".a"),
        ("zip-no-manifest", build_zip([("a.txt", b"x")]), ".apk"),
        ("zip-empty", build_zip([]), ".apk"),
    ):
        w.app("misc", label, data, suffix=suffix)


# Policies ---------------------------------------------------------------------------------

_DISCLOSURE = "We collect your precise location and read your clipboard. "


def _policy_family(w: _Writer, rng: random.Random, scale: int) -> None:
    app = APKS / "shopping-demo.apk"
    deep_div = "<html><body>" + "<div>" * 100_000 + _DISCLOSURE + "</div>" * 100_000
    deep_li = "<html><body>" + "<ul><li>" * 30_000 + _DISCLOSURE
    deep_table = "<table><tr><td>" * 5_000 + _DISCLOSURE
    fixed: list[tuple[str, bytes, str, int]] = [
        ("100k-nested-div", deep_div.encode(), ".html", SOFT_SECONDS * 2),
        ("30k-nested-li", deep_li.encode(), ".html", SOFT_SECONDS),
        ("5k-nested-table", deep_table.encode(), ".html", SOFT_SECONDS),
        ("unclosed-tags", b"<p><b><i><script>" * 200_000, ".html", SOFT_SECONDS),
        ("many-lt", b"<" * 3_000_000, ".html", SOFT_SECONDS),
        ("one-long-line", (_DISCLOSURE * 20_000).encode(), ".txt", SOFT_SECONDS),
        ("md-brackets", b"[" * 200_000 + b"](" * 100_000, ".md", SOFT_SECONDS),
        ("md-pipes", b"|" * 500_000 + b"\n" + b"| a |\n" * 50_000, ".md", SOFT_SECONDS),
        ("txt-numbering", b"1.1.1.1.1.1.1.1.1.1" * 50_000 + b"\n", ".txt", SOFT_SECONDS),
        # SDK names by the hundred thousand: overlap checks and list lookups stay n log n.
        (
            "txt-vendor-lists",
            "华为/小米/魅族/OPPO/VIVO Push SDK需要读取您的设备识别号。".encode() * 6_000,
            ".txt",
            SOFT_SECONDS,
        ),
        # One hard-wrapped Markdown paragraph of 30,000 lines: joined once, not once per line.
        ("md-wrapped-paragraph", b"we read the phone\nstatus " * 60_000, ".md", SOFT_SECONDS),
        ("nul-only", bytes(4096), ".txt", SOFT_SECONDS),
        ("bom-only", b"\xef\xbb\xbf", ".txt", SOFT_SECONDS),
        ("utf16-odd", "privacy".encode("utf-16-le") + b"\x00", ".txt", SOFT_SECONDS),
        ("utf16-nobom", _DISCLOSURE.encode("utf-16-be"), ".txt", SOFT_SECONDS),
        ("utf32-bom-junk", b"\xff\xfe\x00\x00" + rng.randbytes(999), ".txt", SOFT_SECONDS),
        ("bad-utf8", b"\xc3\x28\xa0\xa1\xe2\x28\xa1" * 1000, ".txt", SOFT_SECONDS),
        ("gb18030-bad", b"\x81\x30\x81" * 5000, ".html", SOFT_SECONDS),
        ("bad-meta-charset", b'<meta charset="x-no-such">\xff\xfe privacy', ".html", SOFT_SECONDS),
        ("pdf-junk", b"%PDF-1.7\n" + rng.randbytes(5000), ".pdf", SOFT_SECONDS),
        ("pdf-truncated", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>", ".pdf", SOFT_SECONDS),
        ("unknown-suffix", b"privacy", ".exe", SOFT_SECONDS),
        (
            "xss-txt",
            "\n".join(f"{m} {_DISCLOSURE}" for m in XSS_MARKERS).encode(),
            ".txt",
            SOFT_SECONDS,
        ),
        (
            "xss-md",
            "\n\n".join(f"# {m}\n\n{m} {_DISCLOSURE}" for m in XSS_MARKERS).encode(),
            ".md",
            SOFT_SECONDS,
        ),
    ]
    for label, data, suffix, seconds in fixed:
        w.policy("policy", label, data, suffix, seconds=seconds)
        w.policy("policy", f"{label}-scan", data, suffix, app=app, seconds=seconds)
    # Past the max_bytes cap (refused by size), and just under it (refused by the text cap).
    big = (_DISCLOSURE * (50 * 1024 * 1024 // len(_DISCLOSURE) + 1)).encode()
    w.policy("policy", "50MB-text", big, ".txt", expect=frozenset({2}))
    w.policy("policy", "19MB-text", big[: 19 << 20], ".txt", expect=frozenset({2}))
    w.policy("policy", "19MB-html", b"<p>" + big[: 19 << 20], ".html", expect=frozenset({2}))
    for label, size in (("junk-txt", 4096), ("junk-html", 4096), ("junk-md", 200)):
        for i in range(2 * scale):
            w.policy("policy-junk", f"{label}{i}", rng.randbytes(size), "." + label[5:])
    seeds = sorted(
        p
        for p in [*POLICIES.glob("*.*"), *POLICIES.glob("corpus/*.*")]
        if p.suffix in (".txt", ".md", ".html", ".htm", ".pdf")
    )
    for path in seeds:
        data = path.read_bytes()
        for label, mutant in flip_bytes(data, rng, max(1, scale // 2)):
            w.policy("policy-flip", f"{path.stem}-{label}", mutant, path.suffix)
        w.policy("policy-cut", f"{path.stem}-half", data[: len(data) // 2], path.suffix)


# App bundles, Janus layouts, split sets ------------------------------------------------------


def pb_varint(n: int) -> bytes:
    """`n` as a protobuf varint."""
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def nested_xml_node(levels: int) -> bytes:
    """An aapt.pb.XmlNode whose elements nest `levels` deep (XmlElement.child = 5)."""
    inner = b"\x1a\x01a"
    for _ in range(levels):
        node = b"\x0a" + pb_varint(len(inner)) + inner
        inner = b"\x1a\x01a\x2a" + pb_varint(len(node)) + node
    return b"\x0a" + pb_varint(len(inner)) + inner


def _corrupt_protobufs(good: bytes, rng: random.Random, scale: int) -> list[tuple[str, bytes]]:
    """Protobuf messages broken in the ways a wire parser must survive: every one is invalid."""
    cases = [
        ("varint-11-bytes", b"\x0a" + b"\xff" * 10 + b"\x01"),
        ("varint-unterminated", b"\x0a\xff\xff\xff"),
        ("length-past-end", b"\x0a\xff\xff\xff\x7f" + good[:64]),
        ("length-4GiB", b"\x0a\xff\xff\xff\xff\x0f" + good[:64]),
        ("wire-type-7", b"\x0f" + good[1:]),
        ("wire-type-6", b"\x0e" + good[1:]),
        ("group-unclosed", b"\x0b" + good[1:]),
        ("field-0", b"\x02\x00" + good),
        ("element-as-varint", b"\x08\x01"),
        ("text-root", b"\x12\x03abc"),
        ("empty", b""),
        ("nested-101", nested_xml_node(101)),
        ("nested-5000", nested_xml_node(5000)),
    ]
    cases += [
        (f"cut{n}", good[:n])
        for n in sorted({len(good) * i // (4 * scale) for i in range(1, 4 * scale)})
    ]
    return cases


def _bumped_bytes(good: bytes, rng: random.Random, count: int) -> Iterator[tuple[str, bytes]]:
    """One byte set to 0x7F: where it is a length, it overruns its parent (or still parses)."""
    for i in rng.sample(range(1, len(good) - 1), min(count, len(good) - 2)):
        out = bytearray(good)
        out[i] = 0x7F
        yield f"len{i}", bytes(out)


def _pb_field(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + pb_varint(len(body)) + body


def _entries_table(size: int) -> bytes:
    """A valid aapt.pb.ResourceTable of about `size` bytes: one string type of tiny entries,
    each costing protobuf far more memory than its 14 bytes."""
    entry = _pb_field(0x1A, b"\x0a\x02\x08\x05\x32\x06\x12\x04\x22\x02\x12\x00")
    type_ = b"\x0a\x02\x08\x02\x12\x06string" + entry * (size // len(entry))
    return _pb_field(0x12, b"\x0a\x02\x08\x7f" + _pb_field(0x1A, type_))


def _bundle_family(w: _Writer, rng: random.Random, scale: int) -> None:
    sys.path.insert(0, str(REPO / "samples"))
    import build_aab
    import build_splits

    entries = build_aab.bundle_entries()
    aab = build_splits.zip_bytes(entries)
    zl = layout(aab)
    cuts = {len(aab) * i // (8 * scale) for i in range(1, 8 * scale)}
    cuts |= {off + d for off in (*zl.local, *zl.central, zl.eocd) for d in (0, 4, 29)}
    for cut in sorted(c for c in cuts if 0 < c < len(aab)):
        w.app("aab", f"truncate@{cut}", aab[:cut], suffix=".aab", expect=frozenset({2}))
    for label, mutant in flip_bytes(aab, rng, 4 * scale):
        w.app("aab", label, mutant, suffix=".aab")
    for manifest in ("base/manifest/AndroidManifest.xml", "push/manifest/AndroidManifest.xml"):
        module = manifest.split("/", 1)[0]
        for label, bad in _corrupt_protobufs(entries[manifest], rng, scale):
            data = build_splits.zip_bytes({**entries, manifest: bad})
            w.app("aab-proto", f"{module}-{label}", data, suffix=".aab", expect=frozenset({2}))
        bumped = _bumped_bytes(entries[manifest], rng, 4 * scale)
        for label, mutant in [*bumped, *flip_bytes(entries[manifest], rng, 3 * scale)]:
            data = build_splits.zip_bytes({**entries, manifest: mutant})
            w.app("aab-proto", f"{module}-{label}", data, suffix=".aab")
    for label, bad in _corrupt_protobufs(entries["base/resources.pb"], rng, 1):
        # An unreadable resource table leaves the label unresolved; the scan goes on.
        data = build_splits.zip_bytes({**entries, "base/resources.pb": bad})
        w.app("aab-proto", f"resources-{label}", data, suffix=".aab", expect=frozenset({0, 1}))
    for label, size in (("resources-31MiB-of-entries", 31 << 20), ("resources-past-cap", 40 << 20)):
        data = build_splits.zip_bytes({**entries, "base/resources.pb": _entries_table(size)})
        w.app("aab", label, data, ".aab", seconds=HEAVY_SECONDS, expect=frozenset({0, 1}))
    no_base = {k: v for k, v in entries.items() if not k.startswith("base/manifest/")}
    w.app("aab", "no-base-manifest", build_splits.zip_bytes(no_base), ".aab", expect=frozenset({2}))
    only_config = build_splits.zip_bytes({"BundleConfig.pb": b"\x0a\xff"})
    w.app("aab", "only-bundle-config", only_config, ".aab", expect=frozenset({2}))

    # Janus: a dex in front of an APK is scanned; anything else in front, or a broken zip behind
    # the dex, is refused.
    apk = (APKS / "shopping-demo.apk").read_bytes()
    with zipfile.ZipFile(APKS / "plain-notes.apk") as zf:
        dex = zf.read("classes.dex")
    ok = frozenset({0, 1})
    for label, data, expect in (
        ("dex-apk", dex + apk, ok),
        ("dex-aab", dex + aab, ok),
        ("dex-dex-apk", dex + dex + apk, ok),
        ("dex-magic-only", dex[:8] + apk, ok),
        ("dex-8MiB", dex[:8] + bytes(8 << 20) + apk, ok),
        ("dex-bad-version", b"dex\nabc\x00" + dex[8:] + apk, frozenset({2})),
        ("dex-truncated-zip", dex + apk[: len(apk) // 2], frozenset({2})),
        ("dex-alone", dex, frozenset({2})),
        ("junk-apk", rng.randbytes(512) + apk, frozenset({2})),
        ("local-header-apk", apk[:30] + apk, frozenset({2})),
    ):
        w.app("janus", label, data, expect=expect)
    for label, mutant in flip_bytes(dex + apk, rng, 2 * scale):
        w.app("janus", label, mutant)

    # Split sets: every cut of a stored set is refused (none reads as an inner APK), broken
    # index files are warnings.
    for name in ("shopping-demo.apks", "shopping-demo.xapk"):
        data = (APKS / name).read_bytes()
        suffix = name.rsplit(".", 1)[1]
        for i in range(1, 8 * scale):
            cut = len(data) * i // (8 * scale)
            w.app(
                "split-set",
                f"{suffix}-truncate@{cut}",
                data[:cut],
                f".{suffix}",
                expect=frozenset({2}),
            )
    _package, _code, base, config = build_splits.split_demo()
    parts = {"splits/base-master.apk": base, "splits/base-arm64_v8a.apk": config}
    for label, toc in _corrupt_protobufs(b"\x22\x10com.rakufun.shop", rng, 1):
        data = build_splits.zip_bytes({**parts, "toc.pb": toc})
        w.app("split-set", f"toc-{label}", data, ".apks", expect=ok)
    for label, manifest in (
        ("json-deep", b"[" * 200_000),
        ("json-huge-string", b'{"package_name": "' + b"a" * (4 << 20) + b'"}'),
        ("json-wrong-types", b'{"package_name": 1, "split_apks": {"file": 2}}'),
        ("json-not-utf8", b"\xff\xfe{}"),
    ):
        data = build_splits.zip_bytes(
            {
                "com.rakufun.shop.apk": base,
                "config.arm64_v8a.apk": config,
                "manifest.json": manifest,
            }
        )
        w.app("split-set", label, data, ".xapk", expect=ok)
    nested = build_splits.zip_bytes({"splits/base-master.apk": build_splits.zip_bytes(parts)})
    w.app("split-set", "set-inside-set", nested, ".apks", expect=frozenset({2}))
    w.app(
        "split-set",
        "janus-inner",
        build_splits.zip_bytes({**parts, "splits/base-master.apk": dex + base}),
        ".apks",
        expect=ok,
    )


def generate(root: Path, scale: int = 5, seed: int = 6) -> list[Case]:
    """Write every hostile input under root/in and return the cases. `scale` sets how many
    mutants per structure (5 gives about 4,650 inputs; 3 about 3,100)."""
    rng = random.Random(seed)
    w = _Writer(root)
    _apk_families(w, rng, scale)
    _axml_family(w, rng, scale)
    _dex_family(w, rng, scale)
    _jvm_family(w, rng, scale)
    _misc_family(w, rng)
    _policy_family(w, rng, scale)
    _bomb_family(w)
    from hostile_ios import ios_family  # the iOS apps' family lives in its own module

    ios_family(w, rng, scale)
    _bundle_family(w, rng, scale)
    return w.cases


# =========================================================================== running


class _Alarm(BaseException):
    """Raised in a worker when its input outlives its bound; a BaseException so that the CLI's
    `except Exception` cannot swallow it."""


_ARMED = [False]


def _on_alarm(signum: int, frame: Any) -> None:
    if _ARMED[0]:  # a signal that lands after the input finished is ignored
        raise _Alarm


def _worker(conn: Connection, cwd: str, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    os.chdir(cwd)
    # SIGUSR1 from a timer thread, not SIGALRM: the CLI's own --timeout budget uses SIGALRM.
    signal.signal(signal.SIGUSR1, _on_alarm)
    main_thread = threading.main_thread().ident
    assert main_thread is not None
    from scanner.cli import main

    while True:
        job = conn.recv()
        if job is None:
            return
        case: Case = job
        sink = io.StringIO()
        started = time.monotonic()
        code: int | None = None
        status, detail = "ok", ""
        timer = threading.Timer(case.seconds, signal.pthread_kill, (main_thread, signal.SIGUSR1))
        _ARMED[0] = True
        timer.start()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                code = main(list(case.argv))
                if code == 3:
                    main(["--debug", *case.argv])
        except _Alarm:
            status = "hang"
        except BaseException:
            status, detail = "traceback", traceback.format_exc()
        finally:
            _ARMED[0] = False
            timer.cancel()
            timer.join()
        if code == 3:
            detail = sink.getvalue()[-4000:]
        conn.send((status, code, time.monotonic() - started, detail, _rss()))


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass
class _Slot:
    process: Any
    conn: Connection
    case: Case | None = None
    started: float = 0.0


def run(
    cases: list[Case],
    root: Path,
    workers: int = 2,
    memory: int = MEMORY_LIMIT,
    progress: Callable[[Outcome], None] | None = None,
    cwd: Path | None = None,
) -> Report:
    """Run every case from `cwd` (default root/cwd); a worker that outlives its case's bound by
    WATCHDOG_GRACE is killed."""
    ctx = get_context("fork")
    cwd = cwd or root / "cwd"
    cwd.mkdir(parents=True, exist_ok=True)
    report = Report()
    pending = list(reversed(cases))

    def start() -> _Slot:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, str(cwd), memory), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def record(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)

    slots = [start() for _ in range(workers)]
    try:
        while pending or any(s.case for s in slots):
            for slot in slots:
                if slot.case is None and pending:
                    slot.case = pending.pop()
                    slot.started = time.monotonic()
                    slot.conn.send(slot.case)
            busy = [s for s in slots if s.case is not None]
            ready = wait([s.conn for s in busy], timeout=1.0)
            now = time.monotonic()
            for i, slot in enumerate(slots):
                case = slot.case
                if case is None:
                    continue
                if slot.conn in ready:
                    try:
                        status, code, seconds, detail, rss = slot.conn.recv()
                    except (EOFError, OSError):
                        record(
                            Outcome(
                                case,
                                None,
                                "died",
                                now - slot.started,
                                f"worker exit code {slot.process.exitcode}",
                            )
                        )
                        slot.process.join(5)
                        slots[i] = start()
                        continue
                    report.max_rss_kb = max(report.max_rss_kb, rss)
                    record(Outcome(case, code, status, seconds, detail))
                    slot.case = None
                elif now - slot.started > case.seconds + WATCHDOG_GRACE:
                    slot.process.kill()
                    slot.process.join(5)
                    record(Outcome(case, None, "hang", now - slot.started, "killed by watchdog"))
                    slots[i] = start()
    finally:
        for slot in slots:
            with contextlib.suppress(OSError, BrokenPipeError):
                slot.conn.send(None)
            slot.process.join(5)
            if slot.process.is_alive():
                slot.process.kill()
    return report


def snapshot(folder: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """Every file under `folder` (but not under `skip`) with its size and mtime."""
    out = {}
    for dirpath, _dirs, files in os.walk(folder):
        here = Path(dirpath)
        if any(here == s or s in here.parents for s in skip):
            continue
        for name in files:
            st = (here / name).lstat()
            out[str(here / name)] = (st.st_size, st.st_mtime_ns)
    return out


def escaped_marker_reports(outputs: Path) -> int:
    """How many HTML reports show a planted script, escaped (proof the check above has teeth)."""
    return sum(
        "&lt;script&gt;alert(" in p.read_text(encoding="utf-8", errors="replace")
        for p in outputs.glob("*.html")
    )


def unescaped_markers(outputs: Path) -> list[str]:
    """HTML reports that contain a planted script / event-handler string verbatim."""
    bad = []
    for report in sorted(outputs.glob("*.html")):
        text = report.read_text(encoding="utf-8", errors="replace")
        bad += [f"{report.name}: {m}" for m in XSS_MARKERS if m in text]
    return bad


if __name__ == "__main__":  # pragma: no cover - see scripts/hostile_suite.py
    sys.exit("run scripts/hostile_suite.py")
