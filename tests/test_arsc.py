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


def _pool_at(data: bytes) -> int:
    """The global string pool: the first chunk after the table header."""
    at: int = struct.unpack_from("<H", data, 2)[0]
    assert struct.unpack_from("<H", data, at)[0] == 0x0001
    return at


@pytest.mark.parametrize(
    ("field", "value"),
    [(2, 20), (20, 0xFFFF_FFF0)],  # (headerSize: short), (stringsStart: past the pool)
    ids=["short header", "strings outside"],
)
def test_a_malformed_string_pool_rejects_the_table(field: int, value: int) -> None:
    """The shared pool reader's StringPoolError becomes "not readable here": the caller falls
    back to androguard instead of the scan failing."""
    data = _arsc("shopping-demo")
    assert load_table(data) is not None
    garbled = bytearray(data)
    fmt = "<H" if field == 2 else "<I"
    struct.pack_into(fmt, garbled, _pool_at(data) + field, value)
    assert load_table(bytes(garbled)) is None


def test_an_unterminated_string_resolves_to_none() -> None:
    """The platform has no string without its NUL; neither has the label lookup."""
    data = _arsc("label-xss")
    label_id = _string_ids(ARSCParser(data))["app_name"]
    table = ResourceTable(data)
    label = table.string(label_id)
    assert label is not None and table.strings is not None and table.strings.utf8  # as aapt2 writes
    encoded = label.encode("utf-8") + b"\0"
    assert data.count(encoded) == 1
    nul = data.find(encoded) + len(encoded) - 1
    garbled = data[:nul] + b"x" + data[nul + 1 :]
    assert resolve_string(load_table(garbled), f"@{label_id:08X}") is None
