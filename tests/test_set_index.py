"""The index files of split-APK sets (scanner/extract/formats/set_index.py): bundletool's toc.pb
and an xapk's manifest.json are checked against the APKs, tolerated when absent or broken."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import APKS, REPO

from scanner.cli import main
from scanner.extract import aapt_proto, extract_app

sys.path.insert(0, str(REPO / "samples"))
import build_splits

PACKAGE = "com.rakufun.shop"


def toc(package: str, base: str, splits: dict[str, str]) -> bytes:
    """A BuildApksResult listing `base` as the base module's master split and `splits`."""
    result = aapt_proto.BuildApksResult(package_name=package)
    variant = result.variant.add()
    module = variant.apk_set.add()
    module.module_metadata.name = "base"
    master = module.apk_description.add(path=base)
    master.split_apk_metadata.is_master_split = True
    for path, split_id in splits.items():
        apk = module.apk_description.add(path=path)
        apk.split_apk_metadata.split_id = split_id
    data: bytes = result.SerializeToString()
    return data


def _set(tmp_path: Path, name: str, extra: dict[str, bytes], base_entry: str) -> Path:
    _package, _code, base, config = build_splits.split_demo()
    entries = {base_entry: base, "splits/base-arm64_v8a.apk": config, **extra}
    path = tmp_path / name
    path.write_bytes(build_splits.zip_bytes(entries))
    return path


def _warnings(path: Path) -> list[str]:
    return [w for w in extract_app(path).inventory.warnings if "toc.pb" in w or "manifest" in w]


def test_a_toc_that_agrees_with_the_apks_says_nothing(tmp_path: Path) -> None:
    index = toc(
        PACKAGE, "splits/base-master.apk", {"splits/base-arm64_v8a.apk": "config.arm64_v8a"}
    )
    path = _set(tmp_path, "ok.apks", {"toc.pb": index}, "splits/base-master.apk")
    assert _warnings(path) == []
    assert not _warnings(APKS / "shopping-demo.xapk")  # its manifest.json agrees too


def test_a_toc_that_disagrees_is_a_warning(tmp_path: Path) -> None:
    index = toc(
        "com.other.app",
        "splits/base-master.apk",
        {"splits/base-arm64_v8a.apk": "config.x86", "splits/gone.apk": "config.en"},
    )
    path = _set(tmp_path, "bad.apks", {"toc.pb": index}, "splits/base-master.apk")
    assert _warnings(path) == [
        "toc.pb: calls 'splits/base-arm64_v8a.apk' the split 'config.x86', its manifest "
        "'config.arm64_v8a'",
        "toc.pb: names the package 'com.other.app', the base APK is 'com.rakufun.shop'",
        "toc.pb: lists 'splits/gone.apk', not in the set",
    ]


def test_the_index_picks_the_base_among_complete_apks(tmp_path: Path) -> None:
    """Two complete APKs, neither named like a base: the one toc.pb calls the base is read."""
    _package, _code, base, config = build_splits.split_demo()
    apk = (APKS / "plain-notes.apk").read_bytes()
    entries = {"splits/a.apk": apk, "splits/main.apk": base, "splits/c.apk": config}
    no_index = tmp_path / "plain.apks"
    no_index.write_bytes(build_splits.zip_bytes(entries))
    assert extract_app(no_index).inventory.identity.package != PACKAGE
    indexed = tmp_path / "indexed.apks"
    index = toc(PACKAGE, "splits/main.apk", {"splits/c.apk": "config.arm64_v8a"})
    indexed.write_bytes(build_splits.zip_bytes({**entries, "toc.pb": index}))
    assert extract_app(indexed).inventory.identity.package == PACKAGE


def test_an_xapk_manifest_is_checked(tmp_path: Path) -> None:
    manifest = {
        "package_name": "com.other.app",
        "split_apks": [{"file": f"{PACKAGE}.apk", "id": "base"}, {"file": "x.apk", "id": "a"}],
    }
    path = _set(
        tmp_path,
        "bad.xapk",
        {"manifest.json": json.dumps(manifest).encode()},
        f"{PACKAGE}.apk",
    )
    assert _warnings(path) == [
        "manifest.json: names the package 'com.other.app', the base APK is 'com.rakufun.shop'",
        "manifest.json: lists 'x.apk', not in the set",
    ]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("toc.pb", b"\x0a\xff\xff\xff\xff\x0f"),  # a length past the end
        ("toc.pb", b"\x0f"),  # wire type 7
        ("manifest.json", b"{not json"),
        ("manifest.json", b"[" * 100_000),  # nesting past the JSON parser's recursion limit
        ("manifest.json", b'"a string"'),
    ],
)
def test_a_broken_index_is_a_warning_and_the_set_is_read(
    tmp_path: Path, name: str, data: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _set(tmp_path, "broken.apks", {name: data}, "splits/base-master.apk")
    inv = extract_app(path).inventory
    assert inv.identity.package == PACKAGE
    assert any(w.startswith(f"{name}: not readable") for w in inv.warnings)
    assert main(["scan", str(path), "-q"]) == 0
    assert "Traceback" not in capsys.readouterr().err
