"""Janus-layout APKs (CVE-2017-13156) and other data in front of a zip archive.

A dex file in front of a valid APK zip is scanned (the zip after it) and flagged by PS501; any
other data in front is refused, which also stops a truncated split set from reading as the
stored inner APK whose end record zipfile's backward search finds.
"""

from __future__ import annotations

import json
import struct
import sys
import zipfile
from pathlib import Path
from typing import Any

import hostile
import pytest
from conftest import APKS, REPO, SHOP_POLICY, assert_one_line_exit_2, sample_apk

from scanner.cli import main
from scanner.errors import AppInputError
from scanner.extract import extract_app, reader_for
from scanner.extract.archive import ZipReader
from scanner.model import AppKind, DexPrefix

sys.path.insert(0, str(REPO / "samples"))
import build_splits


def _dex() -> bytes:
    with zipfile.ZipFile(sample_apk("plain-notes")) as zf:
        return zf.read("classes.dex")


def janus(apk: bytes, dex: bytes, patch_offsets: bool) -> bytes:
    """`dex` in front of `apk`. With `patch_offsets`, the central directory and end record are
    moved by the prefix, as the published proof of concept does, so the zip's offsets are right
    for the whole file; without, only zipfile's end-relative reading finds the entries."""
    if not patch_offsets:
        return dex + apk
    zl = hostile.layout(apk)
    out = bytearray(apk)
    for central in zl.central:
        (offset,) = struct.unpack_from("<I", out, central + 42)
        struct.pack_into("<I", out, central + 42, offset + len(dex))
    (cd_offset,) = struct.unpack_from("<I", out, zl.eocd + 16)
    struct.pack_into("<I", out, zl.eocd + 16, cd_offset + len(dex))
    return dex + bytes(out)


def _scan(path: Path, out: Path) -> tuple[int, dict[str, Any]]:
    code = main(["scan", str(path), "--policy", str(SHOP_POLICY), "--json", str(out), "-q"])
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return code, doc


@pytest.mark.parametrize("patch_offsets", [False, True], ids=["appended", "offsets-moved"])
def test_a_janus_apk_is_scanned_and_flagged(tmp_path: Path, patch_offsets: bool) -> None:
    apk = sample_apk("shopping-demo")
    dex = _dex()
    path = tmp_path / "janus.apk"
    path.write_bytes(janus(apk.read_bytes(), dex, patch_offsets))
    assert reader_for(path).name == AppKind.APK.value
    inv = extract_app(path).inventory
    assert inv.dex_prefix == DexPrefix(size=len(dex), version="035")
    assert any("Janus layout" in w for w in inv.warnings)
    code, doc = _scan(path, tmp_path / "janus.json")
    _, plain = _scan(apk, tmp_path / "plain.json")
    assert code == 1
    (flag,) = [f for f in doc["findings"] if f["rule"]["id"] == "PS501"]
    assert flag["severity"] == "high"
    (evidence,) = flag["app_evidence"]
    assert evidence["kind"] == "dex_prefix"
    assert evidence["value"] == "dex 035"
    assert evidence["detail"] == f"{len(dex)} bytes before the first zip entry"
    # Everything else is what the APK alone gives.
    others = {f["fingerprint"] for f in doc["findings"] if f["rule"]["id"] != "PS501"}
    assert others == {f["fingerprint"] for f in plain["findings"]}
    assert doc["app"]["package"] == plain["app"]["package"]
    assert {c["caller_class"] for c in doc["call_sites"]} == {
        c["caller_class"] for c in plain["call_sites"]
    }


def test_an_apk_without_a_prefix_has_none() -> None:
    inv = extract_app(sample_apk("shopping-demo")).inventory
    assert inv.dex_prefix is None
    assert not any("Janus" in w for w in inv.warnings)
    with ZipReader(sample_apk("shopping-demo")) as zf:
        assert zf.dex_prefix is None
        assert zf.head[:4] == b"PK\x03\x04"


@pytest.mark.parametrize(
    "prefix",
    [
        b"PK\x03\x04" + bytes(60),  # a stray local header
        b"#!/bin/sh\nexit 0\n",  # a self-extracting stub
        b"dex\n9ab\x00" + bytes(100),  # dex-like, but no dex version
        bytes(100),  # zeros
    ],
    ids=["local-header", "script", "bad-dex-version", "zeros"],
)
def test_other_data_in_front_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], prefix: bytes
) -> None:
    """Android would read past it, but no build writes it: a damaged file or not an app."""
    path = tmp_path / "prefixed.apk"
    path.write_bytes(prefix + sample_apk("shopping-demo").read_bytes())
    assert_one_line_exit_2(path, capsys)
    if prefix[:4] == b"PK\x03\x04":
        with pytest.raises(AppInputError, match="neither a dex file nor unlisted zip entries"):
            extract_app(path)


def _virtual_entry(extra: int) -> bytes:
    """A local header with no name and `extra` bytes of zero padding, listed nowhere: what
    Android Gradle Plugin's zipflinger writes in front of the first entry (Yosemite.apk)."""
    return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 0, 0, 0, 0, 0, 0, 0, 0, 0, extra) + bytes(
        extra
    )


@pytest.mark.parametrize("patch_offsets", [False, True], ids=["appended", "offsets-moved"])
def test_unlisted_local_headers_in_front_are_read_past(tmp_path: Path, patch_offsets: bool) -> None:
    padding = _virtual_entry(102) + _virtual_entry(0)
    path = tmp_path / "padded.apk"
    path.write_bytes(janus(sample_apk("shopping-demo").read_bytes(), padding, patch_offsets))
    inv = extract_app(path).inventory
    assert inv.identity.package == "com.rakufun.shop"
    assert inv.dex_prefix is None
    assert not inv.warnings
    # One byte more or less, and the chain no longer ends where the archive starts.
    for bad in (padding + b"\x00", padding[:-1]):
        path.write_bytes(janus(sample_apk("shopping-demo").read_bytes(), bad, patch_offsets))
        with pytest.raises(AppInputError, match="neither a dex file nor unlisted zip entries"):
            extract_app(path)


def test_a_plain_dex_file_is_still_an_unknown_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "classes.dex"
    path.write_bytes(_dex())
    assert_one_line_exit_2(path, capsys, "unknown file type")


def test_a_truncated_split_set_never_reads_as_an_inner_apk(tmp_path: Path) -> None:
    """The committed .apks stores its inner APKs: cut anywhere after the first one, zipfile's
    backward search finds that APK's end record; every cut must be refused instead."""
    data = (APKS / "shopping-demo.apks").read_bytes()
    path = tmp_path / "cut.apks"
    survived = []
    for cut in range(64, len(data) - 1, max(1, len(data) // 150)):
        path.write_bytes(data[:cut])
        try:
            extract_app(path)
        except AppInputError:
            continue
        survived.append(cut)
    assert not survived


def test_a_janus_prefix_on_an_app_bundle_is_flagged_too(tmp_path: Path) -> None:
    path = tmp_path / "janus.aab"
    path.write_bytes(_dex() + (APKS / "shopping-demo.aab").read_bytes())
    inv = extract_app(path).inventory
    assert inv.identity.kind is AppKind.AAB
    assert inv.dex_prefix is not None and inv.dex_prefix.size == len(_dex())


def test_a_janus_apk_inside_a_split_set_is_flagged_for_the_set(tmp_path: Path) -> None:
    _package, _code, base, config = build_splits.split_demo()
    path = tmp_path / "janus.apks"
    path.write_bytes(
        build_splits.zip_bytes(
            {"splits/base-master.apk": janus(base, _dex(), True), "splits/c.apk": config}
        )
    )
    inv = extract_app(path).inventory
    assert inv.dex_prefix == DexPrefix(
        size=len(_dex()), version="035", entry="splits/base-master.apk"
    )
    plain = tmp_path / "plain.apks"
    plain.write_bytes(
        build_splits.zip_bytes({"splits/base-master.apk": base, "splits/c.apk": config})
    )
    assert extract_app(plain).inventory.dex_prefix is None


def test_an_end_record_that_puts_the_archive_before_the_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A central directory offset past where the directory really is: zipfile shifts every
    entry back by the difference, before the first byte of the file (found by the flip fuzz)."""
    apk = bytearray(sample_apk("shopping-demo").read_bytes())
    eocd = hostile.layout(bytes(apk)).eocd
    (cd_offset,) = struct.unpack_from("<I", apk, eocd + 16)
    struct.pack_into("<I", apk, eocd + 16, cd_offset + 10)
    path = tmp_path / "before.apk"
    path.write_bytes(bytes(apk))
    assert_one_line_exit_2(path, capsys, "zip offsets point before the start of the file")
