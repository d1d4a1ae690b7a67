"""Android App Bundles read as one app (scanner/extract/formats/aab.py, protoxml.py).

The committed bundle is the shopping demo cut into a base and a `push` feature module by
samples/build_aab.py: scanned against the shop policy it must give what the APK and the split
set give, and every item must name the module it came from.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    APKS,
    REPO,
    assert_one_line_exit_2,
    json_key,
    sample_apk,
    scan_document,
)
from hostile import nested_xml_node
from lxml import etree
from realworld import real_world_file

from scanner.errors import AppInputError
from scanner.extract import aapt_proto, extract_app, reader_for
from scanner.extract.axml import format_value, read_axml
from scanner.extract.protoxml import (
    ProtoXmlError,
    ResourceStrings,
    read_proto_xml,
    string_resolver,
)
from scanner.model import AppKind

sys.path.insert(0, str(REPO / "samples"))
import build_aab
import build_splits

AAB = APKS / "shopping-demo.aab"
PUSH_MANIFEST = "push/manifest/AndroidManifest.xml"
BASE_MANIFEST = "base/manifest/AndroidManifest.xml"


def _facts(doc: dict[str, Any]) -> dict[str, set[tuple[Any, ...]]]:
    """What must not depend on the packaging. A code unit is named by its file alone: the bundle
    names it by module (`push/dex/classes2.dex`), an APK by its root (`classes2.dex`)."""
    return {
        "permissions": {
            (p["name"], p["protection_level"], p["max_sdk"]) for p in doc["permissions"]
        },
        "sdks": {(s["id"], s["status"], s["class_count"]) for s in doc["sdks"]},
        "call_sites": {
            (
                c["api"],
                c["caller_class"],
                c["caller_method"],
                c["code_unit"].rsplit("/", 1)[-1],
                json_key(c["argument"]),
            )
            for c in doc["call_sites"]
        },
        "findings": {
            (f["fingerprint"], f["rule"]["id"], f["severity"], f["subject"], f["sdk"], f["message"])
            for f in doc["findings"]
        },
        "startup": {(s["kind"], s["component"], json_key(s["trigger"])) for s in doc["startup"]},
        "identity": {
            (k, json_key(doc["app"][k]))
            for k in ("package", "version_name", "version_code", "min_sdk", "target_sdk", "label")
        },
    }


def test_the_bundle_gives_what_the_apk_and_the_split_set_give(tmp_path: Path) -> None:
    apk = _facts(scan_document(sample_apk("shopping-demo"), tmp_path / "apk.json"))
    split_set = _facts(scan_document(APKS / "shopping-demo.apks", tmp_path / "set.json"))
    doc = scan_document(AAB, tmp_path / "aab.json")
    assert doc["app"]["kind"] == AppKind.AAB.value
    assert doc["app"]["label"] == "Rakufun Shop"
    assert not doc["warnings"]
    got = _facts(doc)
    assert all(apk[k] for k in got)
    assert got == apk
    assert got == split_set


def test_every_item_names_the_module_it_came_from(tmp_path: Path) -> None:
    doc = scan_document(AAB, tmp_path / "aab.json")
    where = {p["name"].rsplit(".", 1)[-1]: p["evidence"]["location"] for p in doc["permissions"]}
    assert where["WAKE_LOCK"] == where["VIBRATE"] == PUSH_MANIFEST
    assert where["CAMERA"] == BASE_MANIFEST
    (lib,) = doc["native_libraries"]
    assert lib["path"] == "push/lib/arm64-v8a/libjcore319.so"
    assert [u["path"] for u in doc["code_units"]] == [
        "base/dex/classes.dex",
        "push/dex/classes2.dex",
    ]
    startup = {s["component"]: s["evidence"]["location"] for s in doc["startup"]}
    assert startup["cn.jpush.android.service.PushService"] == PUSH_MANIFEST
    assert startup["com.rakufun.shop.BootReceiver"] == BASE_MANIFEST
    jcore = next(s for s in doc["sdks"] if s["id"] == "jcore")
    components = {e["value"]: e["location"] for e in jcore["evidence"] if e["kind"] == "component"}
    assert components and set(components.values()) == {PUSH_MANIFEST}
    jpush = next(s for s in doc["sdks"] if s["id"] == "jpush")
    keys = {e["value"]: e["location"] for e in jpush["evidence"] if e["kind"] == "meta_data"}
    assert keys == {"JPUSH_APPKEY": PUSH_MANIFEST, "JPUSH_CHANNEL": PUSH_MANIFEST}
    umeng = next(s for s in doc["sdks"] if s["id"] == "umeng-analytics")
    assert {e["location"] for e in umeng["evidence"] if e["kind"] == "meta_data"} == {BASE_MANIFEST}
    # The meta-data of the JSON document keeps schema 1.0's keys.
    assert all(set(m) == {"name", "value", "owner"} for m in doc["meta_data"])


def test_a_split_sets_manifest_entries_name_their_split(tmp_path: Path) -> None:
    """A permission or meta-data only a config split declares names that split's manifest."""
    _package, _code, base, config = build_splits.split_demo()
    with zipfile.ZipFile(__import__("io").BytesIO(config)) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries["AndroidManifest.xml"] = build_splits.build_axml(
        build_splits.Element(
            "manifest",
            [("package", "com.rakufun.shop"), ("split", "config.arm64_v8a")],
            [
                build_splits.Element("uses-permission", [("android:name", "com.example.EXTRA")]),
                build_splits.Element(
                    "application",
                    [],
                    [
                        build_splits.Element(
                            "meta-data", [("android:name", "X_KEY"), ("android:value", "v")]
                        )
                    ],
                ),
            ],
        )
    )
    path = tmp_path / "extra.apks"
    path.write_bytes(
        build_splits.zip_bytes(
            {"splits/base-master.apk": base, "splits/c.apk": build_splits.zip_bytes(entries)}
        )
    )
    inv = extract_app(path).inventory
    manifests = {p.name: p.manifest for p in inv.permissions}
    assert manifests["com.example.EXTRA"] == "splits/c.apk!AndroidManifest.xml"
    assert manifests["android.permission.CAMERA"] == "AndroidManifest.xml"
    meta = {m.name: m.manifest for m in inv.meta_data}
    assert meta["X_KEY"] == "splits/c.apk!AndroidManifest.xml"
    assert meta["UMENG_APPKEY"] == "AndroidManifest.xml"


def test_the_committed_bundle_is_what_the_build_script_makes(tmp_path: Path) -> None:
    built = build_aab.build(tmp_path / AAB.name)
    assert built.read_bytes() == AAB.read_bytes()


@pytest.mark.parametrize("apk", sorted(APKS.glob("*.apk")), ids=lambda p: p.stem)
def test_a_proto_manifest_reads_as_the_binary_one(apk: Path) -> None:
    """The demo manifests written as protobuf XML build the very tree axml.py builds."""
    with zipfile.ZipFile(apk) as zf:
        binary = zf.read("AndroidManifest.xml")
    tree = read_axml(binary)
    again = read_proto_xml(build_aab.proto_manifest(tree))
    assert etree.tostring(again) == etree.tostring(tree)


@pytest.mark.parametrize(
    ("field", "value", "data_type", "data"),
    [
        ("int_decimal_value", -3, 0x10, 0xFFFFFFFD),
        ("int_hexadecimal_value", 0x4E0, 0x11, 0x4E0),
        ("boolean_value", True, 0x12, 0xFFFFFFFF),
        ("boolean_value", False, 0x12, 0),
        ("float_value", 1.5, 0x04, 0x3FC00000),
        ("dimension_value", 0x1001, 0x05, 0x1001),
        ("fraction_value", 0x100, 0x06, 0x100),
        ("color_argb8_value", 0xFF00FF00, 0x1C, 0xFF00FF00),
        ("color_rgb4_value", 0xFF0F0F0F, 0x1F, 0xFF0F0F0F),
    ],
)
def test_a_compiled_value_is_formatted_as_in_binary_xml(
    field: str, value: object, data_type: int, data: int
) -> None:
    node = aapt_proto.XmlNode()
    attr = node.element.attribute.add(name="x", value="as written")
    node.element.name = "manifest"
    setattr(attr.compiled_item.prim, field, value)
    root = read_proto_xml(node.SerializeToString())
    assert root.get("x") == format_value(data_type, data)
    # Without a compiled item, the attribute is its text.
    attr.ClearField("compiled_item")
    assert read_proto_xml(node.SerializeToString()).get("x") == "as written"


def test_an_attribute_is_named_by_its_resource_id() -> None:
    node = aapt_proto.XmlNode()
    node.element.name = "manifest"
    ns = "http://schemas.android.com/apk/res/android"
    node.element.attribute.add(namespace_uri=ns, name="", value="a.b", resource_id=0x01010003)
    # A decoy: the string says 'label', the id is another attribute's (not read as the label).
    node.element.attribute.add(namespace_uri=ns, name="label", value="x", resource_id=0x01010099)
    root = read_proto_xml(node.SerializeToString())
    assert root.get(f"{{{ns}}}name") == "a.b"
    assert root.get(f"{{{ns}}}label") is None


def test_resources_resolve_strings_and_follow_references() -> None:
    table = aapt_proto.ResourceTable()
    pkg = table.package.add(package_name="p")
    pkg.package_id.id = 0x7F
    type_ = pkg.type.add(name="string")
    type_.type_id.id = 2
    first = type_.entry.add(name="a")
    first.entry_id.id = 0
    localised = first.config_value.add(config=b"\x1a\x02fr")  # locale fr: not the default
    localised.value.item.str.value = "Bonjour"
    first.config_value.add().value.item.str.value = "Hello"
    second = type_.entry.add(name="b")
    second.entry_id.id = 1
    second.config_value.add().value.item.ref.id = 0x7F020000
    strings = ResourceStrings(table.SerializeToString())
    assert strings.string(0x7F020000) == "Hello"
    assert strings.string(0x7F020001) == "Hello"
    assert strings.string(0x7F020002) is None
    resolve = string_resolver(lambda: b"\x0a\xff")  # corrupt: nothing resolves, no error
    assert resolve("@7F020000") is None


def test_recognised_by_content_not_by_suffix(tmp_path: Path) -> None:
    renamed = tmp_path / "shop.zip"
    renamed.write_bytes(AAB.read_bytes())
    assert reader_for(renamed).name == AppKind.AAB.value
    apk_named = tmp_path / "plain.aab"
    apk_named.write_bytes(sample_apk("plain-notes").read_bytes())
    assert reader_for(apk_named).name == AppKind.APK.value
    assert ".aab" in __import__("scanner.extract", fromlist=["x"]).app_suffixes()


def _rebuilt(tmp_path: Path, name: str, changes: dict[str, bytes | None]) -> Path:
    """The fixture bundle with entries replaced (None: removed)."""
    entries = build_aab.bundle_entries()
    for key, data in changes.items():
        if data is None:
            entries.pop(key)
        else:
            entries[key] = data
    path = tmp_path / name
    path.write_bytes(build_splits.zip_bytes(entries))
    return path


def test_a_bundle_without_its_base_manifest_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _rebuilt(tmp_path, "nobase.aab", {BASE_MANIFEST: None})
    assert_one_line_exit_2(path, capsys, "app bundle has no base/manifest/AndroidManifest.xml")


def test_a_corrupt_proto_manifest_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = build_aab.bundle_entries()[PUSH_MANIFEST]
    for label, data in (
        ("varint", b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
        ("past-end", b"\x0a\x7f" + good[2:20]),
        ("wire-type", b"\x0b" + good[1:]),
        ("text-root", b"\x12\x03abc"),
        ("deep", b"".join(b"\x0a" for _ in range(1)) + nested_xml_node(300)),
    ):
        path = _rebuilt(tmp_path, f"{label}.aab", {PUSH_MANIFEST: data})
        assert_one_line_exit_2(path, capsys, PUSH_MANIFEST, "malformed AndroidManifest.xml")


def test_nesting_past_the_parser_limit_is_refused_not_recursed() -> None:
    with pytest.raises(ProtoXmlError):
        read_proto_xml(nested_xml_node(300))
    assert read_proto_xml(nested_xml_node(20)).tag == "a"


def test_a_truncated_bundle_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = AAB.read_bytes()
    for cut in (100, len(data) // 2, len(data) - 10):
        path = tmp_path / f"cut{cut}.aab"
        path.write_bytes(data[:cut])
        assert_one_line_exit_2(path, capsys)


def test_a_module_without_a_manifest_warns_and_its_code_is_read(tmp_path: Path) -> None:
    path = _rebuilt(tmp_path, "orphan.aab", {PUSH_MANIFEST: None})
    inv = extract_app(path).inventory
    assert any(w.startswith("push/: a module without a manifest") for w in inv.warnings)
    assert "push/dex/classes2.dex" in [u.path for u in inv.code_units]
    assert "android.permission.WAKE_LOCK" not in {p.name for p in inv.permissions}


def test_the_inventory_of_a_bundle_errors_name_the_file(tmp_path: Path) -> None:
    path = _rebuilt(tmp_path, "x.aab", {BASE_MANIFEST: b"\x0a\x05"})
    with pytest.raises(AppInputError) as info:
        extract_app(path)
    assert BASE_MANIFEST in str(info.value)


@pytest.mark.realworld
@pytest.mark.parametrize("name", ["Yosemite.apk", "ApiDemos-debug.apk", "settings_apk-debug.apk"])
def test_a_real_manifest_written_as_protobuf_reads_alike(name: str) -> None:
    """Real manifests (127 to 1,377 elements, every value type aapt writes) round-trip too."""
    with zipfile.ZipFile(real_world_file(name)) as zf:
        tree = read_axml(zf.read("AndroidManifest.xml"))
    again = read_proto_xml(build_aab.proto_manifest(tree))
    assert etree.tostring(again) == etree.tostring(tree)


def test_a_resource_table_past_its_cap_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.extract.formats import aab

    monkeypatch.setattr(aab, "MAX_RESOURCE_TABLE_BYTES", 64)
    inv = extract_app(AAB).inventory
    assert inv.identity.label == "@7F020000"
    (warning,) = [w for w in inv.warnings if "resources.pb" in w]
    assert warning.startswith("base/resources.pb: larger than 64 bytes, not read")
    monkeypatch.setattr(aab, "MAX_RESOURCE_TABLE_BYTES", 1 << 20)
    assert extract_app(AAB).inventory.identity.label == "Rakufun Shop"
