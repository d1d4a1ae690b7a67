"""The dex reader: id lookups, instruction widths, method bodies, and hostile input.

Dex files are built here byte by byte (`build_dex`) from the format spec, and cross-checked with
androguard's parser, so the reader is tested on real bytes without a toolchain. Real apps from
the real-world cache are used behind the `realworld` marker.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from realworld import real_world_file

from scanner.extract.dex import (
    INSTRUCTION_WIDTHS,
    CodeRefs,
    DexCode,
    DexFile,
    DexFormatError,
    InvokeArgs,
    ObjectValue,
    descriptor_to_class_name,
    invoke_arguments,
    read_class_names,
)
from scanner.signatures.catalog import Capability

# --------------------------------------------------------------------------- a tiny dex writer

MethodRef = tuple[str, str, str, tuple[str, ...]]
"""(class descriptor, name, return type, parameter types)"""
FieldRef = tuple[str, str, str]
"""(class descriptor, name, field type)"""


class Ids:
    """Resolves symbolic references to the final (sorted) ids while code is assembled."""

    def __init__(
        self, strings: list[str], methods: list[MethodRef], fields: Sequence[FieldRef] = ()
    ) -> None:
        self._strings = {s: i for i, s in enumerate(strings)}
        self._methods = {m: i for i, m in enumerate(methods)}
        self._fields = {f: i for i, f in enumerate(fields)}

    def string(self, text: str) -> int:
        return self._strings[text]

    def method(self, cls: str, name: str, ret: str = "V", params: tuple[str, ...] = ()) -> int:
        return self._methods[(cls, name, ret, params)]

    def field(self, cls: str, name: str, type_: str) -> int:
        return self._fields[(cls, name, type_)]


Code = Callable[[Ids], list[int]]


@dataclass
class MethodSpec:
    name: str
    ret: str = "V"
    params: tuple[str, ...] = ()
    code: Code | None = None
    registers: int = 4


@dataclass
class ClassSpec:
    descriptor: str
    methods: list[MethodSpec] = field(default_factory=list)


def _uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _shorty(ret: str, params: Sequence[str]) -> str:
    return "".join("L" if t[0] in "L[" else t for t in (ret, *params))


def _align(buf: bytearray, n: int = 4) -> None:
    while len(buf) % n:
        buf.append(0)


def _utf16_key(text: str) -> bytes:
    return text.encode("utf-16-be", errors="surrogatepass")


BOOTSTRAP: MethodRef = (
    "Ljava/lang/invoke/LambdaMetafactory;",
    "metafactory",
    "Ljava/lang/invoke/CallSite;",
    (),
)


def build_dex(
    classes: Sequence[ClassSpec],
    refs: Sequence[MethodRef] = (),
    strings: Sequence[str] = (),
    call_sites: Sequence[MethodRef] = (),
    fields: Sequence[FieldRef] = (),
) -> bytes:
    """A valid dex (version 035; 038 with `call_sites`) defining `classes`, also referencing
    `refs`, `fields` and `strings`. Call site i (for invoke-custom) bootstraps through BOOTSTRAP
    with a method handle to call_sites[i] as its argument, as a lambda's call site does."""
    method_refs: set[MethodRef] = set(refs) | set(call_sites)
    if call_sites:
        method_refs.add(BOOTSTRAP)
    for cls in classes:
        for m in cls.methods:
            method_refs.add((cls.descriptor, m.name, m.ret, m.params))
    types = {"Ljava/lang/Object;"} | {c.descriptor for c in classes}
    for cls_desc, _name, ret, params in method_refs:
        types |= {cls_desc, ret, *params}
    for cls_desc, _name, field_type in fields:
        types |= {cls_desc, field_type}
    protos = {(ret, params) for _c, _n, ret, params in method_refs}
    all_strings = set(strings) | types | {n for _c, n, _r, _p in method_refs}
    all_strings |= {name for _c, name, _t in fields}
    all_strings |= {"run"} if call_sites else set()
    all_strings |= {_shorty(r, p) for r, p in protos}
    string_list = sorted(all_strings, key=_utf16_key)
    sidx = {s: i for i, s in enumerate(string_list)}
    type_list = sorted(types, key=lambda t: sidx[t])
    tidx = {t: i for i, t in enumerate(type_list)}
    proto_list = sorted(protos, key=lambda p: (tidx[p[0]], [tidx[t] for t in p[1]]))
    pidx = {p: i for i, p in enumerate(proto_list)}
    method_list = sorted(method_refs, key=lambda m: (tidx[m[0]], sidx[m[1]], pidx[(m[2], m[3])]))
    field_list = sorted(set(fields), key=lambda f: (tidx[f[0]], sidx[f[1]], tidx[f[2]]))
    ids = Ids(string_list, method_list, field_list)
    midx = {m: i for i, m in enumerate(method_list)}

    n_str, n_type, n_proto, n_field, n_meth, n_cls = (
        len(string_list),
        len(type_list),
        len(proto_list),
        len(field_list),
        len(method_list),
        len(classes),
    )
    string_ids_off = 0x70
    type_ids_off = string_ids_off + 4 * n_str
    proto_ids_off = type_ids_off + 4 * n_type
    field_ids_off = proto_ids_off + 12 * n_proto
    method_ids_off = field_ids_off + 8 * n_field
    class_defs_off = method_ids_off + 8 * n_meth
    data_off = class_defs_off + 32 * n_cls
    data = bytearray()

    def here() -> int:
        return data_off + len(data)

    # type lists (parameters)
    params_off: dict[tuple[str, ...], int] = {}
    for _ret, params in proto_list:
        if params and params not in params_off:
            _align(data)
            params_off[params] = here()
            data += struct.pack("<I", len(params)) + b"".join(
                struct.pack("<H", tidx[t]) for t in params
            )
    type_list_count = len(params_off)
    # code items
    _align(data)
    code_start = here()
    code_off: dict[MethodRef, int] = {}
    for cls in classes:
        for m in cls.methods:
            if m.code is None:
                continue
            _align(data)
            key = (cls.descriptor, m.name, m.ret, m.params)
            code_off[key] = here()
            insns = m.code(ids)
            data += struct.pack("<HHHHII", m.registers, 1 + len(m.params), 4, 0, 0, len(insns))
            data += struct.pack(f"<{len(insns)}H", *insns)
    code_count = len(code_off)
    # string data
    string_data_start = here()
    string_off: list[int] = []
    for s in string_list:
        string_off.append(here())
        data += _uleb(len(s.encode("utf-16-le", errors="surrogatepass")) // 2)
        data += s.encode("utf-8", errors="surrogatepass") + b"\x00"
    # class data
    class_data_start = here()
    class_data_off: list[int] = []
    for cls in classes:
        class_data_off.append(here())
        keys = sorted(
            ((cls.descriptor, m.name, m.ret, m.params) for m in cls.methods), key=lambda k: midx[k]
        )
        data += _uleb(0) + _uleb(0) + _uleb(0) + _uleb(len(keys))
        prev = 0
        for key in keys:
            data += _uleb(midx[key] - prev) + _uleb(0x1) + _uleb(code_off.get(key, 0))
            prev = midx[key]
    # method handles (0: the bootstrap, 1 + i: call_sites[i]) and call sites
    _align(data)
    handles_off = here()
    for ref in [BOOTSTRAP, *call_sites] if call_sites else []:
        data += struct.pack("<HHHH", 0x04 if ref is BOOTSTRAP else 0x05, 0, midx[ref], 0)
    arrays: list[int] = []
    for i in range(len(call_sites)):
        arrays.append(here())
        # encoded_array: bootstrap handle, name, method type, argument handle (1-byte values)
        data += _uleb(4) + bytes([0x16, 0, 0x17, sidx["run"], 0x15, 0, 0x16, 1 + i])
    _align(data)
    call_sites_off = here()
    data += b"".join(struct.pack("<I", off) for off in arrays)
    # map list
    _align(data)
    map_off = here()
    sections = [
        (0x0000, 1, 0),
        (0x0001, n_str, string_ids_off),
        (0x0002, n_type, type_ids_off),
        (0x0003, n_proto, proto_ids_off),
        (0x0004, n_field, field_ids_off),
        (0x0005, n_meth, method_ids_off),
        (0x0006, n_cls, class_defs_off),
    ]
    if type_list_count:
        sections.append((0x1001, type_list_count, min(params_off.values())))
    if code_count:
        sections.append((0x2001, code_count, code_start))
    sections += [
        (0x2002, n_str, string_data_start),
        (0x2000, n_cls, class_data_start),
        (0x1000, 1, map_off),
    ]
    if call_sites:
        sections += [
            (0x0007, len(call_sites), call_sites_off),
            (0x0008, 1 + len(call_sites), handles_off),
        ]
    sections = [s for s in sections if s[1]]
    data += struct.pack("<I", len(sections))
    for kind, count, off in sections:
        data += struct.pack("<HHII", kind, 0, count, off)

    body = bytearray()
    body += b"".join(struct.pack("<I", off) for off in string_off)
    body += b"".join(struct.pack("<I", sidx[t]) for t in type_list)
    for ret, params in proto_list:
        shorty = sidx[_shorty(ret, params)]
        body += struct.pack("<III", shorty, tidx[ret], params_off.get(params, 0))
    for cls_desc, name, field_type in field_list:
        body += struct.pack("<HHI", tidx[cls_desc], tidx[field_type], sidx[name])
    for cls_desc, name, ret, params in method_list:
        body += struct.pack("<HHI", tidx[cls_desc], pidx[(ret, params)], sidx[name])
    for i, cls in enumerate(classes):
        body += struct.pack(
            "<IIIIIIII",
            tidx[cls.descriptor],
            0x1,
            tidx["Ljava/lang/Object;"],
            0,
            0xFFFFFFFF,
            0,
            class_data_off[i],
            0,
        )
    assert 0x70 + len(body) == data_off
    file_size = data_off + len(data)
    header = struct.pack(
        "<8sI20sIIIIIIIIIIIIIIIIIIII",
        b"dex\n038\x00" if call_sites else b"dex\n035\x00",
        0,
        b"\x00" * 20,
        file_size,
        0x70,
        0x12345678,
        0,
        0,
        map_off,
        n_str,
        string_ids_off,
        n_type,
        type_ids_off,
        n_proto,
        proto_ids_off,
        n_field,
        field_ids_off if n_field else 0,
        n_meth,
        method_ids_off,
        n_cls,
        class_defs_off,
        len(data),
        data_off,
    )
    dex = bytearray(header + body + data)
    dex[12:32] = hashlib.sha1(dex[32:]).digest()
    dex[8:12] = struct.pack("<I", zlib.adler32(bytes(dex[12:])))
    return bytes(dex)


# --------------------------------------------------------------------------- instructions


def invoke(op: int, method: int, *regs: int) -> list[int]:
    """invoke-kind {regs}, method (format 35c)."""
    nibbles = [*regs, 0, 0, 0, 0][:4]
    return [
        (len(regs) << 12) | op,
        method,
        nibbles[0] | nibbles[1] << 4 | nibbles[2] << 8 | nibbles[3] << 12,
    ]


def invoke_range(op: int, method: int, first: int, count: int) -> list[int]:
    return [(count << 8) | op, method, first]


def const_string(reg: int, string: int) -> list[int]:
    return [(reg << 8) | 0x1A, string]


def const_string_jumbo(reg: int, string: int) -> list[int]:
    return [(reg << 8) | 0x1B, string & 0xFFFF, string >> 16]


def field_op(op: int, reg: int, field: int) -> list[int]:
    """sget-* / sput-* vAA, field@BBBB (format 21c)."""
    return [(reg << 8) | op, field]


SGET_OBJECT, SPUT_OBJECT = 0x62, 0x69


RETURN_VOID = [0x000E]
NOP = [0x0000]

CLIP = "Landroid/content/ClipboardManager;"
CLIP_DATA = "Landroid/content/ClipData;"
GET_CLIP: MethodRef = (CLIP, "getPrimaryClip", CLIP_DATA, ())


def payloads_hiding(word: int) -> list[int]:
    """A packed-switch, a sparse-switch and a fill-array-data payload whose data, read as
    instructions, would be `invoke-virtual {..}, word`, `const-string v0, word` and
    `sget-object v0, field@word`."""
    fake = [*invoke(0x6E, word, 0), *const_string(0, word), *field_op(SGET_OBJECT, 0, word)]
    packed = [0x0100, 2, 0, 0, *fake[:4]]
    sparse = [0x0200, 1, fake[0], fake[1], fake[2], fake[3]]
    array = [0x0300, 2, len(fake), 0, *fake]
    # goto +N jumps over the payloads (4-byte aligned after a nop), as compiled code would
    body = packed + sparse + array
    return [0x0028 | ((len(body) + 2) << 8), *NOP, *body]


def simple_dex(extra_code: Code | None = None) -> bytes:
    """com.example.Reader.read() calls getPrimaryClip; Other.run() does nothing of interest."""

    def read_code(ids: Ids) -> list[int]:
        return [*invoke(0x6E, ids.method(*GET_CLIP), 0), *RETURN_VOID]

    return build_dex(
        [
            ClassSpec("Lcom/example/Reader;", [MethodSpec("read", code=read_code)]),
            ClassSpec(
                "Lcom/example/Other;",
                [MethodSpec("run", code=extra_code or (lambda ids: list(RETURN_VOID)))],
            ),
        ],
        refs=[GET_CLIP],
    )


# --------------------------------------------------------------------------- tests: builder


def test_builder_output_is_a_dex_androguard_accepts() -> None:
    from androguard.core.dex import DEX

    parsed = DEX(simple_dex())
    assert sorted(parsed.get_classes_names()) == ["Lcom/example/Other;", "Lcom/example/Reader;"]
    methods = [m for c in parsed.get_classes() for m in c.get_methods()]
    code = next(m for m in methods if m.get_name() == "read").get_code()
    names = [i.get_name() for i in code.get_bc().get_instructions()]
    assert names == ["invoke-virtual", "return-void"]


# --------------------------------------------------------------------------- tests: lookups


def test_class_names_and_lookups_by_value() -> None:
    dex = DexCode(simple_dex())
    assert read_class_names(dex.data) == ("com.example.Reader", "com.example.Other")
    clip = dex.type_index(CLIP)
    assert clip is not None and dex.type_descriptor(clip) == CLIP
    assert dex.type_index("Landroid/app/Activity;") is None
    methods = dex.methods_of_class(clip)
    assert [dex.method_name(m) for m in methods] == ["getPrimaryClip"]
    assert dex.proto_descriptor(dex.method_id(methods[0])[1]) == "()Landroid/content/ClipData;"
    assert dex.string_index("read") is not None
    assert dex.string_index("reae") is None


def _class_names_one_by_one(dex: DexFile) -> tuple[str, ...]:
    return tuple(descriptor_to_class_name(dex.type_descriptor(t)) for t in dex.class_def_type_ids)


def test_class_names_beyond_the_usual_entry_take_the_full_decoder() -> None:
    # `class_names` decodes a one-byte-length UTF-8 name inline; a name of over 127 UTF-16
    # units (a two-byte uleb128 length) and a MUTF-8 surrogate pair must still come out whole.
    long_name = "Lcom/example/" + "Q" * 200 + ";"
    surrogates = "Lcom/example/Smile\ud83d\ude00;"
    dex = DexFile(build_dex([ClassSpec(long_name), ClassSpec(surrogates), ClassSpec("Lp/A;")]))
    assert dex.class_names == ("com.example." + "Q" * 200, "com.example.Smile\U0001f600", "p.A")
    assert dex.class_names == _class_names_one_by_one(DexFile(dex.data))


def test_class_names_agree_with_the_per_id_methods_on_hostile_bytes() -> None:
    """Same names, or the same DexFormatError, as decoding each class_def through
    `type_descriptor`, for every mutation of a small dex."""
    checked = 0
    for label, data in _mutations(simple_dex()):
        try:
            expected = _class_names_one_by_one(DexFile(data))
        except DexFormatError as exc:
            with pytest.raises(DexFormatError) as raised:
                DexFile(data).class_names  # noqa: B018 - the property parses the class table
            assert str(raised.value) == str(exc), label
            continue
        assert DexFile(data).class_names == expected, label
        checked += 1
    assert checked > 100


def test_string_lookup_uses_utf16_order() -> None:
    # U+FFFD sorts after U+10000 in UTF-16 code units (surrogates are 0xD800-0xDFFF), not in
    # code-point order; the binary search must follow the spec's order.
    strings = ["a", "\ufffd", "\U00010000", "zz"]
    dex = DexCode(build_dex([ClassSpec("Lx/A;")], strings=strings))
    for text in strings:
        idx = dex.string_index(text)
        assert idx is not None and dex.string(idx) == text
    assert dex.strings_with_prefix("z") == [dex.string_index("zz")]


def test_method_bodies_are_found() -> None:
    dex = DexCode(simple_dex())
    bodies = {dex.method_name(c.method_idx): c for c in dex.iter_method_code()}
    assert set(bodies) == {"read", "run"}
    assert bodies["read"].insns_units == 4


# --------------------------------------------------------------------------- tests: decoding


def test_instruction_widths_follow_the_spec() -> None:
    expected = {
        0x00: 1,
        0x0E: 1,
        0x12: 1,
        0x13: 2,
        0x14: 3,
        0x18: 5,
        0x1A: 2,
        0x1B: 3,
        0x24: 3,
        0x26: 3,
        0x2B: 3,
        0x32: 2,
        0x44: 2,
        0x6E: 3,
        0x73: 1,
        0x74: 3,
        0x7B: 1,
        0x90: 2,
        0xB0: 1,
        0xD0: 2,
        0xD8: 2,
        0xE3: 1,
        0xFA: 4,
        0xFB: 4,
        0xFC: 3,
        0xFD: 3,
        0xFE: 2,
        0xFF: 2,
    }
    assert {op: INSTRUCTION_WIDTHS[op] for op in expected} == expected


def test_payloads_are_skipped_not_decoded() -> None:
    def code(ids: Ids) -> list[int]:
        return [*payloads_hiding(ids.method(*GET_CLIP)), *RETURN_VOID]

    dex = DexCode(simple_dex(code))
    get_clip = dex.methods_of_class(dex.type_index(CLIP) or 0)[0]
    run = next(c for c in dex.iter_method_code() if dex.method_name(c.method_idx) == "run")
    refs = dex.code_refs(
        run, {get_clip}, set(range(dex.header.string_ids_size)), fields=set(range(1 << 16))
    )
    assert refs == CodeRefs((), (), ())


def test_every_reference_kind_is_decoded() -> None:
    def code(ids: Ids) -> list[int]:
        m, s = ids.method(*GET_CLIP), ids.string("content://sms")
        return [
            *const_string_jumbo(1, s),
            *NOP,
            *invoke_range(0x74, m, 0, 1),
            *invoke(0x71, m),
            *const_string(0, s),
            0x0018,
            1,
            2,
            3,
            4,  # const-wide
            *RETURN_VOID,
        ]

    dex = DexCode(
        build_dex(
            [ClassSpec("La/B;", [MethodSpec("f", code=code)])],
            refs=[GET_CLIP],
            strings=["content://sms"],
        )
    )
    body = next(dex.iter_method_code())
    m = dex.methods_of_class(dex.type_index(CLIP) or 0)[0]
    s = dex.string_index("content://sms")
    assert s is not None
    refs = dex.code_refs(body, {m}, {s})
    assert refs.methods == (m, m)
    assert refs.strings == (s, s)


MEDIA = "Landroid/provider/MediaStore$Images$Media;"
URI = "Landroid/net/Uri;"
EXTERNAL: FieldRef = (MEDIA, "EXTERNAL_CONTENT_URI", URI)
INTERNAL: FieldRef = (MEDIA, "INTERNAL_CONTENT_URI", URI)
OWN_FIELD: FieldRef = ("Lcom/example/Gallery;", "EXTERNAL_CONTENT_URI", URI)


def field_dex(code: Code) -> bytes:
    """com.example.Gallery.load() runs `code`; the dex references three Uri fields."""
    return build_dex(
        [ClassSpec("Lcom/example/Gallery;", [MethodSpec("load", code=code)])],
        fields=[EXTERNAL, INTERNAL, OWN_FIELD],
    )


def _reads_external(ids: Ids) -> list[int]:
    return [*field_op(SGET_OBJECT, 0, ids.field(*EXTERNAL)), *RETURN_VOID]


def test_builder_fields_are_what_androguard_decodes() -> None:
    from androguard.core.dex import DEX

    parsed = DEX(field_dex(_reads_external))
    code = next(m for c in parsed.get_classes() for m in c.get_methods()).get_code()
    ins = next(iter(code.get_bc().get_instructions()))
    assert ins.get_name() == "sget-object"
    assert parsed.get_cm_field(ins.get_ref_kind()) == [MEDIA, URI, "EXTERNAL_CONTENT_URI"]


def test_field_lookups_by_value() -> None:
    dex = DexCode(field_dex(_reads_external))
    media = dex.type_index(MEDIA)
    assert media is not None
    ids = dex.fields_of_class(media)
    assert [dex.field_name(i) for i in ids] == ["EXTERNAL_CONTENT_URI", "INTERNAL_CONTENT_URI"]
    assert {dex.field_class(i) for i in ids} == {"android.provider.MediaStore$Images$Media"}
    own = dex.type_index("Lcom/example/Gallery;")
    assert own is not None and len(dex.fields_of_class(own)) == 1
    uri = dex.type_index(URI)
    assert uri is not None and len(dex.fields_of_class(uri)) == 0
    assert dex.field_id(ids[0])[1] == uri


def test_static_reads_are_decoded_and_writes_are_not() -> None:
    def code(ids: Ids) -> list[int]:
        ext, internal = ids.field(*EXTERNAL), ids.field(*INTERNAL)
        return [
            *field_op(SGET_OBJECT, 0, ext),
            *field_op(0x60, 1, internal),  # sget
            *field_op(SPUT_OBJECT, 0, ext),
            *field_op(0x66, 2, ext),  # sput, sget-short
            *RETURN_VOID,
        ]

    dex = DexCode(field_dex(code))
    ext = dex.fields_of_class(dex.type_index(MEDIA) or 0)[0]
    body = next(dex.iter_method_code())
    everything = set(range(dex.header.field_ids_size))
    assert dex.code_refs(body, (), (), fields=everything).fields == (ext, ext + 1, ext)
    assert dex.code_refs(body, (), (), fields={ext}).fields == (ext, ext)
    assert dex.code_refs(body, (), ()).fields == ()


def test_out_of_range_field_ids() -> None:
    from scanner.detect.callsites import dex_call_sites
    from scanner.signatures.catalog import FieldSignature

    cap = Capability(
        "album",
        "a",
        "a",
        "",
        (),
        (),
        (),
        (),
        ("x",),
        (
            FieldSignature(
                "android.provider.MediaStore$Images$Media", "EXTERNAL_CONTENT_URI", "read", "album"
            ),
        ),
    )
    good = field_dex(_reads_external)
    dex = DexCode(good)
    with pytest.raises(DexFormatError, match="field index"):
        dex.field_id(dex.header.field_ids_size)
    with pytest.raises(DexFormatError, match="field index"):
        dex.field_name(-1)
    assert len(dex_call_sites("classes.dex", good, [cap])) == 1
    # an sget naming a field id past the table is no call site, and no crash
    body = next(dex.iter_method_code())
    bad = bytearray(good)
    bad[body.insns_off + 2 : body.insns_off + 4] = struct.pack("<H", dex.header.field_ids_size)
    assert dex_call_sites("classes.dex", bytes(bad), [cap]) == ()
    # a field_id item whose name (u32 at +4) or class (u16 at +0) is out of range
    media = dex.fields_of_class(dex.type_index(MEDIA) or 0)[0]
    item = dex.header.field_ids_off + 8 * media
    bad_name = bytearray(good)
    bad_name[item + 4 : item + 8] = struct.pack("<I", 0xFFFFFFF0)
    with pytest.raises(DexFormatError, match="string index"):
        DexCode(bytes(bad_name)).field_name(media)
    with pytest.raises(DexFormatError, match="string index"):
        dex_call_sites("classes.dex", bytes(bad_name), [cap])
    bad_class = bytearray(good)
    bad_class[item : item + 2] = struct.pack("<H", 0xFFFF)
    with pytest.raises(DexFormatError, match="type index"):
        DexCode(bytes(bad_class)).field_class(media)
    # a field table that does not fit the file
    bad = bytearray(good)
    bad[0x50:0x54] = struct.pack("<I", 0x7FFFFFF0)
    with pytest.raises(DexFormatError, match="field_ids"):
        dex_call_sites("classes.dex", bytes(bad), [cap])


# --------------------------------------------------------------------------- tests: hostile


def _mutations(good: bytes) -> list[tuple[str, bytes]]:
    out = [("truncated header", good[:0x40]), ("empty", b"")]
    out += [(f"truncated at {n}", good[:n]) for n in range(0x70, len(good), 7)]
    for off in range(0x38, 0x70, 4):  # every table size / offset in the header
        for value in (0xFFFFFFFF, 0x7FFFFFF0, len(good) - 2):
            bad = bytearray(good)
            bad[off : off + 4] = struct.pack("<I", value)
            out.append((f"header word {off:#x}={value:#x}", bytes(bad)))
    for off in range(0x70, len(good)):  # every single byte of the body
        bad = bytearray(good)
        bad[off] ^= 0xFF
        out.append((f"byte {off:#x} flipped", bytes(bad)))
    return out


def _payload_dex() -> bytes:
    return simple_dex(lambda ids: [*payloads_hiding(ids.method(*GET_CLIP)), *RETURN_VOID])


def _call_site_dex() -> bytes:
    return build_dex(
        [ClassSpec("La/L;", [MethodSpec("f", code=lambda ids: [0x10FC, 0, 0x0001, *RETURN_VOID])])],
        call_sites=[GET_CLIP],
    )


HOSTILE = (
    [(f"payloads, {n}", d) for n, d in _mutations(_payload_dex())]
    + [(f"call site, {n}", d) for n, d in _mutations(_call_site_dex())]
    + [(f"field read, {n}", d) for n, d in _mutations(field_dex(_reads_external))]
)


@pytest.mark.parametrize("name,data", HOSTILE, ids=lambda v: str(v)[:50])
def test_hostile_dex_raises_only_dex_format_error(name: str, data: bytes) -> None:
    from scanner.detect.callsites import dex_call_sites
    from scanner.signatures.catalog import ApiSignature, FieldSignature

    cap = Capability(
        "clipboard",
        "c",
        "c",
        "",
        (),
        (),
        (ApiSignature("android.content.ClipboardManager", "getPrimaryClip", "read", "clipboard"),),
        ("content://sms",),
        ("x",),
        (
            FieldSignature(
                "android.provider.MediaStore$Images$Media",
                "EXTERNAL_CONTENT_URI",
                "read",
                "clipboard",
            ),
        ),
    )
    try:
        dex = DexCode(data)
        dex.class_names  # noqa: B018 - the property parses the class table
        for code in dex.iter_method_code():
            dex.code_refs(
                code,
                range(dex.header.method_ids_size),
                range(1 << 16),
                range(1 << 16),
                range(1 << 16),
            )
        dex_call_sites("classes.dex", data, [cap])
    except DexFormatError:
        pass


@pytest.mark.parametrize("unit", [b"\x1c\x01", b"\x1d\x00\x01\x00"])
def test_deeply_nested_encoded_values_raise(unit: bytes) -> None:
    from scanner.extract.dex import _EncodedArrayReader

    with pytest.raises(DexFormatError, match="nested"):
        _EncodedArrayReader(b"\x01" + unit * 5000, 0).values()


def test_out_of_range_ids_raise() -> None:
    dex = DexFile(simple_dex())
    with pytest.raises(DexFormatError):
        dex.string(dex.header.string_ids_size)
    with pytest.raises(DexFormatError):
        dex.type_descriptor(-1)
    code_dex = DexCode(simple_dex())
    with pytest.raises(DexFormatError):
        code_dex.method_id(code_dex.header.method_ids_size)
    with pytest.raises(DexFormatError):
        code_dex.proto_descriptor(99)
    with pytest.raises(DexFormatError):
        code_dex.method_code(len(code_dex.data) - 4, 0)


def test_code_item_past_the_end_raises() -> None:
    good = simple_dex()
    dex = DexCode(good)
    first = dex.method_code_offsets()[0][0]
    bad = bytearray(good)
    bad[first + 12 : first + 16] = struct.pack("<I", 0x00FFFFFF)  # insns_size
    with pytest.raises(DexFormatError):
        list(DexCode(bytes(bad)).iter_method_code())


# --------------------------------------------------------------------------- real apps


@pytest.mark.realworld
def test_real_app_method_bodies_match_androguard_count() -> None:
    from androguard.core.dex import DEX

    with zipfile.ZipFile(real_world_file("app-uiautomator.apk")) as apk:
        data = apk.read("classes.dex")
    ours = DexCode(data)
    bodies = list(ours.iter_method_code())
    theirs = DEX(data)
    with_code = [m for c in theirs.get_classes() for m in c.get_methods() if m.get_code_off()]
    assert len(bodies) == len(with_code)
    assert {c.insns_off - 16 for c in bodies} == {m.get_code_off() for m in with_code}
    # Decoding every body must land exactly on each method's end (widths and payloads right).
    everything = range(ours.header.method_ids_size)
    total = sum(len(ours.code_refs(c, everything, ()).methods) for c in bodies)
    assert total > 1000


def test_more_class_defs_than_types_is_rejected_cheaply() -> None:
    import struct as _struct

    from scanner.extract.dex import DexFile, DexFormatError

    data = bytearray(build_dex([ClassSpec("Lcom/example/A;")]))
    # class_defs_size (header word 24) far above type_ids_size, table still inside the file
    type_ids_size = _struct.unpack_from("<I", data, 0x40)[0]
    _struct.pack_into("<I", data, 0x60, type_ids_size + 1)
    data += b"\x00" * 64
    with pytest.raises(DexFormatError, match="class_defs"):
        DexFile(bytes(data))


# --------------------------------------------------------------------------- argument values


def _traps_dex() -> DexCode:
    path = Path(__file__).resolve().parent.parent / "samples" / "apks" / "traps-demo.apk"
    if not path.is_file():
        pytest.skip("samples/apks/traps-demo.apk not built (samples/build_apps.py)")
    with zipfile.ZipFile(path) as apk:
        return DexCode(apk.read("classes.dex"))


def _arguments_of(dex: DexCode, caller: str, cls: str, name: str) -> list[InvokeArgs]:
    wanted = {
        i
        for i in range(dex.header.method_ids_size)
        if dex.method_class(i) == cls and dex.method_name(i) == name
    }
    out: list[InvokeArgs] = []
    for code in dex.iter_method_code():
        class_idx, _proto, name_idx = dex.method_id(code.method_idx)
        here = f"{dex.type_descriptor(class_idx)}->{dex.string(name_idx)}"
        if here == caller:
            out += invoke_arguments(dex, code, wanted)
    return out


def test_register_values_at_an_invoke_on_real_bytes() -> None:
    dex = _traps_dex()
    secure = "android.provider.Settings$Secure"
    (call,) = _arguments_of(dex, "Lorg/example/traps/DeviceInfo;->androidId", secure, "getString")
    assert call.static and call.values == (None, "android_id")  # p0 is a parameter
    (call,) = _arguments_of(dex, "Lorg/example/traps/DeviceInfo;->setting", secure, "getString")
    assert call.values == (None, None)
    (call,) = _arguments_of(
        dex, "Lorg/example/traps/NotificationAccess;->isListenerEnabled", secure, "getString"
    )
    assert isinstance(call.values[0], ObjectValue)  # the result of getContentResolver()
    assert call.values[1] == "enabled_notification_listeners"


def test_invoke_range_and_int_constants_on_real_bytes() -> None:
    dex = _traps_dex()
    (call,) = _arguments_of(
        dex, "Lorg/example/traps/VoiceMemo;->start", "android.media.AudioRecord", "<init>"
    )
    receiver, *ints = call.values
    assert not call.static and isinstance(receiver, ObjectValue)
    assert ints == [1, 44100, 16, 2, 4096]  # const/4, const, const/16


def test_calls_on_an_object_are_recorded_in_order() -> None:
    dex = _traps_dex()
    (call,) = _arguments_of(
        dex, "Lorg/example/traps/Launcher;->wakeOtherApp", "android.content.Context", "startService"
    )
    intent = call.values[1]
    assert isinstance(intent, ObjectValue)
    assert [(dex.method_name(c.method_idx), c.values[1:]) for c in intent.calls] == [
        ("<init>", ("com.other.app.action.WAKE",)),
        ("setPackage", ("com.other.app",)),
    ]
    (call,) = _arguments_of(
        dex, "Lorg/example/traps/Launcher;->forward", "android.content.Context", "startService"
    )
    assert call.values == (None, None)


def test_each_branch_constant_reaches_its_own_call_on_real_bytes() -> None:
    dex = _traps_dex()
    # TwilightManager.getLastKnownLocation: "network" and "gps" are each loaded inside their
    # permission branch, right before their call (forgetting at merge points is tested on
    # hand-built code in test_callsites.test_a_constant_set_on_one_branch_only_is_unknown).
    calls = _arguments_of(
        dex,
        "Landroidx/appcompat/app/TwilightManager;->getLastKnownLocation",
        "androidx.appcompat.app.TwilightManager",
        "getLastKnownLocationForProvider",
    )
    assert [c.values[1] for c in calls] == ["network", "gps"]
    (call,) = _arguments_of(
        dex,
        "Landroidx/appcompat/app/TwilightManager;->getLastKnownLocationForProvider",
        "android.location.LocationManager",
        "getLastKnownLocation",
    )
    assert call.values[1] is None  # the provider is the method's parameter
