"""Split-APK sets (.apks, .xapk, .apkm) read as one app (scanner/extract/formats/splits.py).

The committed sets are the shopping demo cut in two by samples/build_splits.py (base + an arm64
config split): scanned against the shop policy they must give what the APK gives. Hostile sets
(no base, truncated, zip-slip names, a bomb inside an inner APK) are exit 2 in one line.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import hostile
import pytest
from conftest import (
    APKS,
    REPO,
    assert_one_line_exit_2,
    json_key,
    sample_apk,
    scan_document,
)

from scanner.cli import main
from scanner.errors import AppInputError, LimitExceeded
from scanner.extract import extract_app, reader_for
from scanner.extract.formats.apk import split_name
from scanner.extract.formats.splits import NO_BASE
from scanner.limits import Limits
from scanner.model import AppKind

sys.path.insert(0, str(REPO / "samples"))
import build_splits

SETS = ("shopping-demo.apks", "shopping-demo.xapk")


def _zip(entries: dict[str, bytes], compress: int = zipfile.ZIP_STORED) -> bytes:
    return build_splits.zip_bytes(entries, compress)


def _facts(doc: dict[str, Any]) -> dict[str, set[tuple[Any, ...]]]:
    return {
        "permissions": {(p["name"],) for p in doc["permissions"]},
        "sdks": {(s["id"], s["status"], s["class_count"]) for s in doc["sdks"]},
        "call_sites": {
            (
                c["api"],
                c["caller_class"],
                c["caller_method"],
                c["code_unit"],
                json_key(c["argument"]),
            )
            for c in doc["call_sites"]
        },
        "findings": {
            (f["fingerprint"], f["rule"]["id"], f["severity"], f["subject"], f["sdk"], f["message"])
            for f in doc["findings"]
        },
        "startup": {(s["kind"], s["component"], json_key(s["trigger"])) for s in doc["startup"]},
    }


@pytest.mark.parametrize("name", SETS)
def test_a_set_gives_what_its_apk_gives(tmp_path: Path, name: str) -> None:
    apk = _facts(scan_document(sample_apk("shopping-demo"), tmp_path / "apk.json"))
    doc = scan_document(APKS / name, tmp_path / "set.json")
    assert doc["app"]["kind"] == AppKind.APKS.value
    assert doc["app"]["package"] == "com.rakufun.shop"
    got = _facts(doc)
    assert all(apk[k] for k in ("permissions", "sdks", "call_sites", "findings"))
    assert got == apk
    # The native library came from the config split, and says so.
    (lib,) = doc["native_libraries"]
    assert lib["path"].endswith(".apk!lib/arm64-v8a/libjcore319.so")
    assert lib["path"].split("!")[0] != "splits/base-master.apk"


def test_the_committed_sets_are_what_the_build_script_makes(tmp_path: Path) -> None:
    for built in build_splits.build(tmp_path):
        assert built.read_bytes() == (APKS / built.name).read_bytes(), built.name


def test_the_config_split_carries_its_split_attribute() -> None:
    _package, _code, base, config = build_splits.split_demo()
    with zipfile.ZipFile(io.BytesIO(config)) as zf:
        assert split_name(zf.read("AndroidManifest.xml"), "config") == "config.arm64_v8a"
        assert any(n.startswith("lib/arm64-v8a/") for n in zf.namelist())
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        assert split_name(zf.read("AndroidManifest.xml"), "base") is None
        assert not any(n.startswith("lib/") for n in zf.namelist())


def test_recognised_by_content_not_by_suffix(tmp_path: Path) -> None:
    renamed = tmp_path / "shop.zip"
    renamed.write_bytes((APKS / "shopping-demo.apks").read_bytes())
    assert reader_for(renamed).name == AppKind.APKS.value
    # An APK named .apks is still an APK; a zip with APKs elsewhere is not a set.
    apk_named = tmp_path / "plain.apks"
    apk_named.write_bytes(sample_apk("plain-notes").read_bytes())
    assert reader_for(apk_named).name == AppKind.APK.value
    elsewhere = tmp_path / "other.zip"
    elsewhere.write_bytes(_zip({"stuff/deep/base.apk": sample_apk("plain-notes").read_bytes()}))
    with pytest.raises(AppInputError, match="unknown file type"):
        reader_for(elsewhere)


def test_an_apkm_set_is_read(tmp_path: Path) -> None:
    _package, _code, base, config = build_splits.split_demo()
    apkm = tmp_path / "shop.apkm"
    apkm.write_bytes(
        _zip({"base.apk": base, "split_config.arm64_v8a.apk": config, "info.json": b"{}"})
    )
    inv = extract_app(apkm).inventory
    assert inv.identity.kind is AppKind.APKS
    assert [lib.path for lib in inv.native_libraries] == [
        "split_config.arm64_v8a.apk!lib/arm64-v8a/libjcore319.so"
    ]


def test_a_lone_config_split_warns(tmp_path: Path) -> None:
    _package, _code, base, config = build_splits.split_demo()
    lone = tmp_path / "config.arm64_v8a.apk"
    lone.write_bytes(config)
    warnings = extract_app(lone).inventory.warnings
    assert any("a split APK (split='config.arm64_v8a')" in w for w in warnings)
    whole = tmp_path / "base.apk"
    whole.write_bytes(base)
    assert not any("split APK" in w for w in extract_app(whole).inventory.warnings)


def test_a_set_of_config_splits_only_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _package, _code, _base, config = build_splits.split_demo()
    only = tmp_path / "only-config.apks"
    only.write_bytes(_zip({"splits/base-arm64_v8a.apk": config, "toc.pb": b""}))
    assert_one_line_exit_2(only, capsys, NO_BASE)


def test_a_truncated_set_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = (APKS / "shopping-demo.apks").read_bytes()
    cut = tmp_path / "cut.apks"
    # Cut inside the first inner APK; tests/test_janus.py walks every later cut too (each one
    # leaves a stored inner APK's end record for zipfile's backward search to find).
    cut.write_bytes(data[:200])
    assert_one_line_exit_2(cut, capsys)
    # An intact outer zip around a truncated base APK names the inner APK.
    _package, _code, base, config = build_splits.split_demo()
    inner_cut = tmp_path / "inner-cut.apks"
    inner_cut.write_bytes(
        _zip({"splits/base-master.apk": base[: len(base) // 2], "splits/c.apk": config})
    )
    assert_one_line_exit_2(inner_cut, capsys, "splits/base-master.apk")


def test_a_zip_slip_name_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _package, _code, base, _config = build_splits.split_demo()
    for i, evil in enumerate(("../../evil.apk", "splits/../../evil.apk", "/abs/evil.apk")):
        slip = tmp_path / f"slip{i}.apks"
        slip.write_bytes(_zip({"splits/base-master.apk": base, evil: base}))
        assert_one_line_exit_2(slip, capsys, "escapes the archive")


def test_a_bomb_inside_an_inner_apk_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = {i.filename: d for i, d in hostile.read_entries(sample_apk("plain-notes"))}
    size = (512 << 20) + (1 << 20)  # past the per-entry cap
    packed, crc = hostile.deflate_zeros(size, real["classes.dex"])
    manifest = real["AndroidManifest.xml"]
    inner = hostile.raw_zip(
        [
            (
                "AndroidManifest.xml",
                manifest,
                zipfile.ZIP_STORED,
                zlib.crc32(manifest),
                len(manifest),
                len(manifest),
            ),
            ("classes.dex", packed, zipfile.ZIP_DEFLATED, crc, len(packed), size),
        ]
    )
    nested = tmp_path / "nested-bomb.apks"
    nested.write_bytes(_zip({"splits/base-master.apk": inner, "toc.pb": b""}))
    assert_one_line_exit_2(nested, capsys, "splits/base-master.apk", "inflates past")


def test_the_outer_cap_bounds_the_inner_apks_together() -> None:
    path = APKS / "shopping-demo.apks"
    with zipfile.ZipFile(path) as zf:
        outer = sum(i.file_size for i in zf.infolist())
        inner = 0
        for info in zf.infolist():
            if info.filename.endswith(".apk"):
                with zipfile.ZipFile(io.BytesIO(zf.read(info))) as apk:
                    inner += sum(i.file_size for i in apk.infolist())
    # Each inner APK alone fits the cap, and so does the outer archive: only their sum does not.
    tight = Limits(max_total_bytes=outer + inner // 2)
    with pytest.raises(LimitExceeded, match="inflates past"):
        extract_app(path, tight)
    assert extract_app(path, Limits(max_total_bytes=outer + 2 * inner)).inventory.class_names


def test_a_folder_scan_picks_up_every_set_suffix(tmp_path: Path) -> None:
    from scanner.extract import app_suffixes
    from scanner.pipeline import expand_targets

    assert {".apks", ".xapk", ".apkm", ".apk"} <= app_suffixes()
    apps = tmp_path / "apps"
    apps.mkdir()
    for stem, suffix in (("a", ".apks"), ("b", ".xapk"), ("c", ".apkm")):
        (apps / f"{stem}{suffix}").write_bytes((APKS / "shopping-demo.apks").read_bytes())
    (apps / "notes.txt").write_text("not an app")
    found = expand_targets([apps])
    assert [p.name for p in found] == ["a.apks", "b.xapk", "c.apkm"]
    out = tmp_path / "out"
    out.mkdir()
    assert main(["scan", str(apps), "--json", str(out / "r.json"), "-q"]) == 0
    for stem in "abc":
        doc = json.loads((out / f"r.{stem}.json").read_text(encoding="utf-8"))
        assert doc["app"]["kind"] == AppKind.APKS.value


def _split_manifest(split: str) -> bytes:
    return build_splits.build_axml(
        build_splits.Element("manifest", [("package", "com.rakufun.shop"), ("split", split)], [])
    )


def test_a_feature_splits_dex_is_read_and_named(tmp_path: Path) -> None:
    """classes2.dex moved into a feature split: the same call sites, now named by the split."""
    with zipfile.ZipFile(sample_apk("shopping-demo")) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    feature = {
        "AndroidManifest.xml": _split_manifest("extra"),
        "classes.dex": entries.pop("classes2.dex"),
    }
    path = tmp_path / "feature.apks"
    path.write_bytes(
        _zip({"splits/base-master.apk": _zip(entries), "splits/extra-master.apk": _zip(feature)})
    )
    split_set = scan_document(path, tmp_path / "set.json")
    apk = scan_document(sample_apk("shopping-demo"), tmp_path / "apk.json")
    renamed = {"classes2.dex": "splits/extra-master.apk!classes.dex"}
    want = {
        (c["api"], c["caller_class"], renamed.get(c["code_unit"], c["code_unit"]))
        for c in apk["call_sites"]
    }
    got = {(c["api"], c["caller_class"], c["code_unit"]) for c in split_set["call_sites"]}
    assert "splits/extra-master.apk!classes.dex" in {u for _a, _c, u in got}
    assert got == want
    assert split_set["class_count"] == apk["class_count"]
    assert _facts(split_set)["sdks"] == _facts(apk)["sdks"]


def test_standalone_variants_read_one_and_say_so(tmp_path: Path) -> None:
    apk = sample_apk("shopping-demo").read_bytes()
    path = tmp_path / "standalone.apks"
    path.write_bytes(
        _zip({"standalone/standalone-arm64_v8a.apk": apk, "standalone/standalone-x86.apk": apk})
    )
    inv = extract_app(path).inventory
    assert inv.identity.package == "com.rakufun.shop"
    assert [lib.path for lib in inv.native_libraries] == ["lib/arm64-v8a/libjcore319.so"]
    (warning,) = [w for w in inv.warnings if "standalone variant" in w]
    assert warning.startswith("standalone/standalone-x86.apk:")
    one = tmp_path / "one.apks"
    one.write_bytes(_zip({"standalone/standalone-arm64_v8a.apk": apk}))
    assert not any("standalone variant" in w for w in extract_app(one).inventory.warnings)


def test_the_class_cap_holds_over_the_whole_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.extract.formats import splits

    path = APKS / "shopping-demo.apks"
    full = extract_app(path).inventory
    assert not any("class limit" in w for w in full.warnings)
    monkeypatch.setattr(splits, "MAX_CLASSES", 5)
    capped = extract_app(path).inventory
    assert capped.class_names == full.class_names[:5]
    assert any("class limit 5 reached over the set's APKs" in w for w in capped.warnings)
