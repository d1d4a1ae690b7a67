"""The purpose-built resources.arsc reader agrees with androguard's full parser."""

from __future__ import annotations

import struct
import zipfile

import pytest
from androguard.core.axml import ARSCParser, ARSCResTableConfig
from conftest import APKS, sample_apk

from scanner.extract.arsc import ResourceTable, load_table, resolve_string


def _arsc(name: str) -> bytes:
    return zipfile.ZipFile(sample_apk(name)).read("resources.arsc")


def _string_ids(reference: ARSCParser) -> dict[str, int]:
    """name -> id of every string resource, as androguard lists them."""
    package = reference.get_packages_names()[0]
    reference.get_string_resources(package)  # makes androguard analyse the package
    return dict(reference.resource_keys[package].get("string", {}))


@pytest.mark.parametrize("name", sorted(p.stem for p in APKS.glob("*.apk")))
def test_every_string_resource_matches_androguard(name: str) -> None:
    data = _arsc(name)
    reference = ARSCParser(data)
    table = load_table(data)
    assert table is not None
    ids = _string_ids(reference)
    assert ids
    for res_name, res_id in ids.items():
        want = reference.get_resolved_res_configs(res_id, ARSCResTableConfig.default_config())
        assert resolve_string(table, f"@{res_id:08X}") == str(want[0][1]), res_name


def test_hostile_label_is_returned_verbatim() -> None:
    data = _arsc("label-xss")
    label_id = _string_ids(ARSCParser(data))["app_name"]
    assert ResourceTable(data).string(label_id) == "<script>alert(1)</script>&\"'"


def test_unknown_ids_and_bad_references_give_none() -> None:
    table = load_table(_arsc("plain-notes"))
    assert resolve_string(table, "@7F7F7F7F") is None
    assert resolve_string(table, "@zzzz") is None
    assert resolve_string(table, "not a reference") is None
    assert resolve_string(None, "@7F010001") is None


@pytest.mark.parametrize("cut", [0, 4, 8, 12, 40, 200])
def test_truncated_tables_are_rejected_not_raised(cut: int) -> None:
    table = load_table(_arsc("shopping-demo")[:cut])
    assert table is None or resolve_string(table, "@7F020001") is None


def test_a_lying_chunk_size_is_rejected() -> None:
    garbled = bytearray(_arsc("shopping-demo"))
    struct.pack_into("<I", garbled, 4, 0xFFFFFFF0)  # table size far past the end
    assert load_table(bytes(garbled)) is None
