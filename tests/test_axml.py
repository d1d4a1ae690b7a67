"""The binary XML reader (scanner/extract/axml.py) reads manifests as androguard does.

Cross-checks on real bytes: every committed fixture APK and every real-world APK (behind the
`realworld` marker) gives the same ManifestFacts through both readers. Hand-built documents cover
what the corpus lacks (obfuscated attribute names, every value type, both string encodings), and
seeded mutants of a fixture manifest check that malformed bytes only ever raise the domain error.
"""

from __future__ import annotations

import ast
import random
import struct
import subprocess
import sys
import zipfile

import hostile
import pytest
from androguard.core.axml import AXMLPrinter
from axml_writer import NO, Element, Value, build_axml
from conftest import APKS, REPO, sample_apk
from lxml import etree
from realworld import REAL_WORLD_DIR, real_world_file

from scanner.errors import AppInputError
from scanner.extract import axml
from scanner.extract.axml import ANDROID_ATTRIBUTES, AxmlError, format_value, read_axml
from scanner.extract.manifest import ANDROID_NS, facts_from_tree, parse_binary_manifest
from scanner.limits import MAX_AXML_ATTRIBUTES, MAX_AXML_DEPTH

FIXTURES = sorted(p.stem for p in APKS.glob("*.apk"))
A = f"{{{ANDROID_NS}}}"
REAL_APPS = sorted(p.name for p in (REAL_WORLD_DIR / "apps").glob("*.apk")) or ["(none cached)"]


def _manifest(path: object) -> bytes:
    with zipfile.ZipFile(str(path)) as zf:
        return zf.read("AndroidManifest.xml")


def _androguard_tree(data: bytes) -> etree._Element:
    from loguru import logger

    logger.disable("androguard")
    root = AXMLPrinter(data).get_xml_obj()
    assert root is not None
    return root


def _app(*components: Element, label: Value = "Demo") -> Element:
    return Element(
        "manifest",
        [("package", "org.example.demo"), ("android:versionCode", (0x10, 7))],
        [
            Element("uses-permission", [("android:name", "android.permission.CAMERA")]),
            Element("application", [("android:label", label)], list(components)),
        ],
    )


def _attributes(data: bytes) -> dict[str, str]:
    """Every attribute of every element, keyed 'tag@{ns}name'."""
    return {
        f"{etree.QName(el).localname}@{key}": value
        for el in read_axml(data).iter()
        for key, value in el.attrib.items()
    }


# ------------------------------------------------------------------ same facts as androguard


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_manifests_give_androguards_facts(name: str) -> None:
    data = _manifest(sample_apk(name))
    ours = facts_from_tree(read_axml(data))
    assert ours == facts_from_tree(_androguard_tree(data))
    assert ours.package and ours.components and ours.permissions


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_trees_equal_androguards_attribute_for_attribute(name: str) -> None:
    data = _manifest(sample_apk(name))
    theirs = [e for e in _androguard_tree(data).iter() if isinstance(e.tag, str)]  # no comments
    ours = list(read_axml(data).iter())
    assert [e.tag for e in ours] == [e.tag for e in theirs]
    assert [dict(e.attrib) for e in ours] == [dict(e.attrib) for e in theirs]


@pytest.mark.realworld
@pytest.mark.parametrize("name", REAL_APPS)
def test_real_world_manifests_give_androguards_facts(name: str) -> None:
    data = _manifest(real_world_file(name))
    ours = facts_from_tree(read_axml(data))
    assert ours == facts_from_tree(_androguard_tree(data))
    assert ours.package


# --------------------------------------------------------------------------- hand-built documents


def test_an_obfuscated_manifest_is_read_through_the_resource_map() -> None:
    """Names stripped to empty strings, only the resource ids left (as obfuscators leave them)."""
    name, exported, label = 0x01010003, 0x01010010, 0x01010001
    activity = Element(
        "activity",
        [(name, ".Main"), (exported, (0x12, 0xFFFFFFFF))],
        [Element("intent-filter", [], [Element("action", [(name, "android.intent.action.MAIN")])])],
    )
    root = _app(activity)
    root.children[1].attrs = [(label, (0x01, 0x7F0B0001))]
    data = build_axml(root)
    facts = facts_from_tree(read_axml(data))
    (component,) = facts.components
    assert component.name == "org.example.demo.Main"
    assert component.explicit_exported is True
    assert component.intent_filters[0].actions == ("android.intent.action.MAIN",)
    assert facts.label == "@7F0B0001"
    assert facts == facts_from_tree(_androguard_tree(data))
    assert _attributes(data)[f"activity@{A}name"] == ".Main"


def test_without_the_resource_map_an_empty_name_is_no_attribute() -> None:
    data = build_axml(_app(Element("activity", [(0x01010003, ".Main")])))
    pool_end = 8 + struct.unpack_from("<I", data, 12)[0]
    map_size = struct.unpack_from("<I", data, pool_end + 4)[0]
    unmapped = data[:pool_end] + data[pool_end + map_size :]
    unmapped = unmapped[:4] + struct.pack("<I", len(unmapped)) + unmapped[8:]
    assert facts_from_tree(read_axml(unmapped)).components == ()


def test_the_resource_id_wins_over_a_decoy_name_string() -> None:
    """A string saying 'name' on the id of android:icon is icon to the platform, not a name."""
    decoy = Element("activity", [(("name", 0x01010002), ".Decoy")])
    real = Element("service", [(("icon", 0x01010003), ".RealService")])
    components = facts_from_tree(read_axml(build_axml(_app(decoy, real)))).components
    assert [c.name for c in components] == ["org.example.demo.RealService"]


def test_names_with_a_prefix_but_no_namespace_take_the_bound_one() -> None:
    """Packers write 'android:exported' as the name string, with no namespace of its own."""
    bound = Element("activity", [("!android:name", ".A"), ("!android:exported", (0x12, 0))])
    unbound = Element("service", [("!tools:name", ".B")])
    data = build_axml(_app(bound, unbound))
    attrs = _attributes(data)
    assert attrs[f"activity@{A}exported"] == "false"
    assert attrs["service@tools_name"] == ".B"  # an unknown prefix stays in the name
    (component,) = facts_from_tree(read_axml(data)).components
    assert (component.name, component.explicit_exported) == ("org.example.demo.A", False)
    assert facts_from_tree(read_axml(data)) == facts_from_tree(_androguard_tree(data))


def test_a_namespace_is_bound_only_inside_the_element_declaring_it() -> None:
    inside = Element("activity", [("!x:name", ".A")], declares=("x", ANDROID_NS))
    after = Element("service", [("!x:name", ".B")])
    data = build_axml(_app(inside, after))
    root = read_axml(data)
    activity, service = root.find("application/activity"), root.find("application/service")
    assert activity is not None and service is not None
    assert activity.nsmap["x"] == ANDROID_NS and "x" not in service.nsmap
    assert activity.get(f"{A}name") == ".A" and service.get("x_name") == ".B"
    assert facts_from_tree(root) == facts_from_tree(_androguard_tree(data))


@pytest.mark.parametrize(("utf8", "length"), [(False, 40_000), (True, 20_000)])
def test_both_string_encodings_and_long_strings(utf8: bool, length: int) -> None:
    long_name = ".Äctivity" + "x" * length  # the long form of the length prefixes
    activity = Element("activity", [("android:name", long_name)])
    data = build_axml(_app(activity, label="Café ☕"), utf8=utf8)
    facts = facts_from_tree(read_axml(data))
    assert facts.label == "Café ☕"
    assert facts.components[0].name == "org.example.demo" + long_name
    assert facts == facts_from_tree(_androguard_tree(data))


VALUES: list[tuple[tuple[int, int], str]] = [
    ((0x01, 0x7F0B0001), "@7F0B0001"),
    ((0x01, 0x01040000), "@android:01040000"),
    ((0x02, 0x01010033), "?android:01010033"),
    ((0x12, 0), "false"),
    ((0x12, 1), "true"),
    ((0x12, 0xFFFFFFFF), "true"),
    ((0x10, 42), "42"),
    ((0x10, 0xFFFFFFFF), "-1"),
    ((0x11, 16), "0x00000010"),
    ((0x04, 0x3FC00000), "1.500000"),
    ((0x05, (16 << 8) | 1), "16.000000dip"),
    ((0x05, (3 << 8) | 0), "3.000000px"),
    ((0x05, (192 << 8) | (1 << 4) | 1), "1.500000dip"),  # radix 16p7
    ((0x06, 1 << 8), "100.000000%"),
    ((0x06, (1 << 8) | 1), "100.000000%p"),
    ((0x1C, 0xFF00FF00), "#FF00FF00"),
    ((0x00, 0), "<0x0, type 0x00>"),
    ((0x07, 0x7F010001), "<0x7F010001, type 0x07>"),
]


@pytest.mark.parametrize(("typed", "text"), VALUES, ids=[t for _, t in VALUES])
def test_values_print_as_androguard_prints_them(typed: tuple[int, int], text: str) -> None:
    assert format_value(*typed) == text
    data = build_axml(_app(Element("meta-data", [("android:name", "k"), ("android:value", typed)])))
    key = f"meta-data@{A}value"
    assert _attributes(data)[key] == text
    theirs = _androguard_tree(data).find("application/meta-data")
    assert theirs is not None and theirs.get(f"{{{ANDROID_NS}}}value") == text


def test_complex_values_follow_aosp_where_androguard_rounds() -> None:
    """Deliberately unlike androguard: the 24-bit mantissa is signed, the radix factors exact."""
    assert format_value(0x05, ((-2 & 0xFFFFFF) << 8) | 1) == "-2.000000dip"
    assert format_value(0x06, (1 << 30) | (3 << 4)) == "50.000000%"  # 0.5 in radix 0p23
    assert format_value(0x05, (1 << 8) | 0xF) == "<0x10F, type 0x05>"  # no such unit


def test_values_are_cut_at_nul_and_cleaned_for_xml() -> None:
    label = "Shop\x01\x02ping\0hidden"
    data = build_axml(_app(label=label))
    assert facts_from_tree(read_axml(data)).label == "Shop__ping"
    assert facts_from_tree(_androguard_tree(data)).label == "Shop__ping"


def _attributes_facts_read() -> set[str]:
    """The names manifest.py reads with _attr(element, "name")."""
    tree = ast.parse((REPO / "scanner" / "extract" / "manifest.py").read_text(encoding="utf-8"))
    return {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_attr"
        and isinstance(node.args[1], ast.Constant)
    }


def test_the_table_holds_exactly_the_attributes_facts_read() -> None:
    """A new _attr(..., "x") in manifest.py needs its id here, or obfuscated apps lose it."""
    from androguard.core.resources import public

    public_names = public.SYSTEM_RESOURCES["attributes"]["inverse"]
    assert {i: public_names[i] for i in ANDROID_ATTRIBUTES} == ANDROID_ATTRIBUTES
    assert set(ANDROID_ATTRIBUTES.values()) == _attributes_facts_read()
    assert "icon" not in ANDROID_ATTRIBUTES.values()


# --------------------------------------------------------------------------- malformed documents


def _ok_document() -> bytes:
    return build_axml(_app(Element("activity", [("android:name", ".Main")])))


def _raises(data: bytes, match: str) -> None:
    with pytest.raises(AxmlError, match=match):
        read_axml(data)


def test_specific_malformations_are_named() -> None:
    good = _ok_document()
    assert read_axml(good) is not None
    _raises(good[:6], "shorter than a chunk header")
    _raises(good[:-4], "bad chunk sizes at 0")  # declared size past the end
    _raises(struct.pack("<HHI", 2, 8, 8), "not an XML document")
    pool_size = struct.unpack_from("<I", good, 12)[0]
    unaligned = good[:12] + struct.pack("<I", pool_size + 2) + good[16 : 8 + pool_size] + b"\0\0"
    unaligned += good[8 + pool_size :] + b"\0\0"  # the document itself stays aligned
    unaligned = unaligned[:4] + struct.pack("<I", len(unaligned)) + unaligned[8:]
    _raises(unaligned, "chunk at 8 is not aligned to 4 bytes")
    _raises(struct.pack("<HHI", 3, 8, 8), "no <manifest> element")
    no_pool = struct.pack("<HHI", 3, 8, 8 + 24) + struct.pack(
        "<HHIIIII", 0x100, 16, 24, 1, NO, 0, 1
    )
    _raises(no_pool, "before the string pool")


def _pool_strings(data: bytes) -> list[str]:
    """The strings of a build_axml document's UTF-16 pool (short ones), by index."""
    count, _styles, _flags, start = struct.unpack_from("<IIII", data, 16)
    strings = []
    for i in range(count):
        at = 8 + start + struct.unpack_from("<I", data, 36 + 4 * i)[0]
        (n,) = struct.unpack_from("<H", data, at)
        strings.append(data[at + 2 : at + 2 + 2 * n].decode("utf-16-le"))
    return strings


def _chunks(data: bytes) -> list[tuple[int, int]]:
    """(position, type) of every chunk inside the document."""
    chunks, pos = [], 8
    while pos < len(data):
        ctype, _hsize, size = struct.unpack_from("<HHI", data, pos)
        chunks.append((pos, ctype))
        pos += size
    return chunks


def _element_at(data: bytes, tag: str) -> int:
    """The position of the first start-element node named tag."""
    strings = _pool_strings(data)
    return next(
        pos
        for pos, ctype in _chunks(data)
        if ctype == 0x0102 and strings[struct.unpack_from("<I", data, pos + 20)[0]] == tag
    )


def _unterminated(data: bytes, text: str) -> bytes:
    """The document with the NUL after pool string `text` overwritten."""
    index = _pool_strings(data).index(text)
    at = (
        8
        + struct.unpack_from("<I", data, 28)[0]
        + struct.unpack_from("<I", data, 36 + 4 * index)[0]
    )
    stop = at + 2 + 2 * len(text)
    assert data[stop : stop + 2] == b"\0\0"
    return data[:stop] + b"x\0" + data[stop + 2 :]


# ResXMLTree_node is 16 bytes; then ResXMLTree_attrExt: ns, name, ...; attributes from 20 on.
ELEMENT_NS, ELEMENT_NAME, FIRST_ATTRIBUTE = 16, 20, 36
ATTRIBUTE_NS, ATTRIBUTE_NAME, ATTRIBUTE_RAW = 0, 4, 8
NOWHERE = 10_000


def _pointing_nowhere(data: bytes, *fields: int) -> bytes:
    damaged = bytearray(data)
    for at in fields:
        struct.pack_into("<I", damaged, at, NOWHERE)
    return bytes(damaged)


@pytest.mark.parametrize(
    "field",
    [ELEMENT_NAME, FIRST_ATTRIBUTE + ATTRIBUTE_RAW],
    ids=["element name", "string value"],
)
def test_a_name_or_value_index_out_of_range_is_rejected(field: int) -> None:
    """The platform needs these strings (getName(), a string value) and refuses the file."""
    good = _ok_document()
    bad = _pointing_nowhere(good, _element_at(good, "activity") + field)
    _raises(bad, f"string index {NOWHERE} out of range")


def test_an_unterminated_string_is_rejected() -> None:
    _raises(_unterminated(_ok_document(), "manifest"), "lacks its terminator")


def test_a_namespace_index_pointing_nowhere_reads_as_no_namespace() -> None:
    """The platform reads a namespace it cannot find as none and installs the app: an attacker
    must not be able to make the scan fail with one."""
    activity = Element("activity", [("android:exported", (0x12, 0)), ("android:name", ".Main")])
    good = build_axml(_app(activity))
    starts = [pos for pos, ctype in _chunks(good) if ctype == 0x0100]
    ends = [pos for pos, ctype in _chunks(good) if ctype == 0x0101]
    at = _element_at(good, "activity")
    data = _pointing_nowhere(
        good,
        starts[0] + 16,  # the android namespace's prefix
        ends[0] + 20,  # its uri, where it ends
        at + ELEMENT_NS,
        at + FIRST_ATTRIBUTE + ATTRIBUTE_NS,  # android:exported's namespace
    )
    root = read_axml(data)
    assert "android" not in root.nsmap
    element = root.find("application/activity")
    assert element is not None and element.tag == "activity"
    assert dict(element.attrib) == {"exported": "false", f"{A}name": ".Main"}
    facts = facts_from_tree(root)  # which reads android: attributes that lost their namespace
    (component,) = facts.components
    assert (component.name, component.explicit_exported) == ("org.example.demo.Main", False)
    assert facts == facts_from_tree(read_axml(good)) == facts_from_tree(_androguard_tree(data))


def test_an_unreadable_namespace_string_reads_as_no_namespace() -> None:
    """A namespace string without its terminator is no string to the platform either."""
    good = _ok_document()
    data = _unterminated(good, "android")  # the prefix of the namespace node
    assert "android" not in read_axml(data).nsmap
    assert facts_from_tree(read_axml(data)) == facts_from_tree(read_axml(good))
    _raises(_unterminated(good, ".Main"), "lacks its terminator")  # a value is no namespace


def test_size_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = Element("manifest")
    leaf = deep
    for _ in range(MAX_AXML_DEPTH + 1):
        leaf.children.append(Element("x"))
        leaf = leaf.children[0]
    _raises(build_axml(deep), "nested deeper than 256")
    many = Element("manifest", [(f"a{i}", "v") for i in range(MAX_AXML_ATTRIBUTES + 1)])
    _raises(build_axml(many), "more than 2048 attributes")
    monkeypatch.setattr(axml, "MAX_AXML_CHUNKS", 5)
    _raises(_ok_document(), "more than 5 chunks")


def test_a_closed_root_ends_the_document() -> None:
    """Anything after the root element (a second root) is not read, as on the platform."""
    data = build_axml(_app())
    second = build_axml(Element("manifest", [("package", "evil")]))
    body = second[8 + struct.unpack_from("<I", second, 12)[0] :]  # its chunks after the pool
    both = data + body
    both = both[:4] + struct.pack("<I", len(both)) + both[8:]
    assert facts_from_tree(read_axml(both)).package == "org.example.demo"


def _mutants(data: bytes, seed: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    out = [(f"cut{n}", data[:n]) for n in range(len(data))]
    out += list(hostile.mutate_fields(data, hostile.axml_fields(data), rng, 1_500))
    out += list(hostile.flip_bytes(data, rng, 600))
    for _ in range(200):  # a fixed-up total size, so the damage is inside the document
        cut = rng.randrange(8, len(data))
        out.append((f"resized{cut}", data[:4] + struct.pack("<I", cut) + data[8:cut]))
    return out


@pytest.mark.parametrize("name", ["shopping-demo", "label-xss"])
def test_mutated_manifests_only_raise_the_domain_error(name: str) -> None:
    data = _manifest(sample_apk(name))
    read = rejected = 0
    for label, mutant in _mutants(data, seed=20261201):
        try:
            root = read_axml(mutant)
        except AxmlError:
            rejected += 1
        else:
            read += 1
            assert etree.iselement(root), label
        try:
            parse_binary_manifest(mutant, "m.apk", lambda: None)
        except AppInputError as exc:
            assert "AndroidManifest.xml" in str(exc), label
    assert read > 100 and rejected > 100  # both sides of the reader are exercised


# --------------------------------------------------------------------------- start-up cost


def test_scanning_an_apk_imports_neither_androguard_nor_loguru() -> None:
    code = (
        "import sys\n"
        "from scanner.cli import main\n"
        f"code = main(['scan', {str(sample_apk('shopping-demo'))!r}, '-q'])\n"
        "assert code in (0, 1), code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('androguard', 'loguru'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
