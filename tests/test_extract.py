"""Extraction on the committed fixture apps (real binary XML, real dex, a real ELF)."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from conftest import APKS, sample_apk

from scanner.errors import AppInputError, LimitExceeded
from scanner.extract import app_suffixes, extract_app, reader_for
from scanner.extract.archive import Limits
from scanner.extract.formats import READERS
from scanner.extract.native import jni_class_of, read_native
from scanner.model import AppKind, ComponentKind


def test_shopping_demo_identity_and_permissions() -> None:
    inv = extract_app(sample_apk("shopping-demo")).inventory
    ident = inv.identity
    assert (ident.kind, ident.package, ident.label) == (
        AppKind.APK,
        "com.rakufun.shop",
        "Rakufun Shop",
    )
    assert (ident.version_name, ident.version_code, ident.min_sdk, ident.target_sdk) == (
        "2.3.1",
        "231",
        21,
        33,
    )
    by_name = {p.name: p for p in inv.permissions}
    assert by_name["android.permission.RECORD_AUDIO"].element == "uses-permission-sdk-23"
    assert by_name["android.permission.WRITE_EXTERNAL_STORAGE"].max_sdk == 28
    assert by_name["android.permission.CAMERA"].max_sdk is None
    assert "android.permission.ACCESS_WIFI_STATE" not in by_name


def test_shopping_demo_components_meta_data_and_code() -> None:
    inv = extract_app(sample_apk("shopping-demo")).inventory
    comps = {c.name: c for c in inv.components}
    service = comps["cn.jpush.android.service.PushService"]
    assert (
        service.kind is ComponentKind.SERVICE
        and service.exported
        and service.process == ":pushcore"
    )
    assert "cn.jpush.android.intent.DaemonService" in service.actions
    assert comps["com.rakufun.shop.BootReceiver"].actions == (
        "android.intent.action.BOOT_COMPLETED",
    )
    meta = {m.name: m.value for m in inv.meta_data}
    # An @string reference is resolved through resources.arsc, not left as a resource id.
    assert meta["UMENG_APPKEY"] is not None and not meta["UMENG_APPKEY"].startswith("@")
    assert [u.path for u in inv.code_units] == ["classes.dex", "classes2.dex"]
    assert "cn.jpush.android.api.JPushInterface" in inv.class_names
    assert "com.umeng.commonsdk.UMConfigure" in inv.class_names
    (lib,) = inv.native_libraries
    assert (lib.path, lib.abi, lib.format) == ("lib/arm64-v8a/libjcore319.so", "arm64-v8a", "ELF")
    assert lib.jni_classes == ("cn.jiguang.internal.JCoreNative",)


def test_plain_app_has_no_native_code_and_one_permission() -> None:
    inv = extract_app(sample_apk("plain-notes")).inventory
    assert [p.name for p in inv.permissions] == ["android.permission.INTERNET"]
    assert inv.native_libraries == ()
    assert all(c.startswith("org.example.notes") for c in inv.class_names)


def test_hostile_strings_are_kept_verbatim() -> None:
    inv = extract_app(sample_apk("label-xss")).inventory
    assert inv.identity.label == "<script>alert(1)</script>&\"'"


@pytest.mark.parametrize(
    ("symbol", "cls"),
    [
        ("Java_cn_jiguang_internal_JCoreNative_getSign", "cn.jiguang.internal.JCoreNative"),
        ("Java_com_example_my_1pkg_Foo_bar__ILjava_lang_String_2", "com.example.my_pkg.Foo"),
        ("Java_Foo_bar", "Foo"),
    ],
)
def test_jni_symbol_names_its_class(symbol: str, cls: str) -> None:
    assert jni_class_of(symbol) == cls


@pytest.mark.parametrize(
    "symbol", ["JNI_OnLoad", "Java_", "Java_onlymethod", "java_com_x_Y_z", "Java_a__b"]
)
def test_non_jni_symbols_name_no_class(symbol: str) -> None:
    assert jni_class_of(symbol) is None


def test_native_reader_never_raises_on_junk() -> None:
    lib = read_native("lib/arm64-v8a/libjunk.so", b"\x7fELF" + b"\xff" * 200)
    assert lib.format == "ELF" and lib.error
    lib = read_native("x.so", b"hello world")
    assert lib.format == "unknown" and lib.error


# ---------------------------------------------------------------- bad input


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _rezip(src: Path, dst: Path, drop: str = "", replace: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info.filename))
            zout.writestr(info, data)
    return dst


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"just some text", "unknown file type"),
        ("empty.apk", b"", "empty file"),
        ("fake.apk", b"PK\x03\x04" + b"\x00" * 40, "zip"),
    ],
)
def test_bad_files_raise_one_clear_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(AppInputError) as err:
        extract_app(path)
    assert message in err.value.message
    assert err.value.source == str(path)


def test_truncated_apk(tmp_path: Path) -> None:
    data = sample_apk("shopping-demo").read_bytes()
    path = _write(tmp_path, "cut.apk", data[: len(data) // 2])
    with pytest.raises(AppInputError, match="zip"):
        extract_app(path)


def test_apk_without_manifest(tmp_path: Path) -> None:
    path = _rezip(
        sample_apk("plain-notes"), tmp_path / "nomanifest.apk", drop="AndroidManifest.xml"
    )
    with pytest.raises(AppInputError, match=r"no AndroidManifest\.xml"):
        extract_app(path)


@pytest.mark.parametrize(
    "manifest", [b"<manifest/>", b"\x03\x00\x08\x00" + b"\xff" * 64, b"\x03\x00"]
)
def test_malformed_manifest(tmp_path: Path, manifest: bytes) -> None:
    path = _rezip(
        sample_apk("plain-notes"), tmp_path / "bad.apk", replace={"AndroidManifest.xml": manifest}
    )
    with pytest.raises(AppInputError, match=r"AndroidManifest\.xml"):
        extract_app(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AppInputError, match="no such file"):
        extract_app(tmp_path / "absent.apk")
    with pytest.raises(AppInputError, match="directory"):
        extract_app(tmp_path)


def test_inflate_cap_stops_a_zip_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.apk"
    with (
        zipfile.ZipFile(sample_apk("plain-notes")) as zin,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("classes2.dex", b"\x00" * (8 << 20))
    with pytest.raises(LimitExceeded, match="inflates past"):
        extract_app(bomb, Limits(max_entry_bytes=1 << 20))


def test_malformed_dex_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    path = _rezip(
        sample_apk("plain-notes"),
        tmp_path / "baddex.apk",
        replace={"classes.dex": b"dex\n035\x00" + b"\xff" * 200},
    )
    inv = extract_app(path).inventory
    assert inv.class_names == ()
    assert any("classes.dex" in w for w in inv.warnings)


def _three_dex(tmp_path: Path, middle: bytes, first: bytes | None = None) -> Path:
    """shopping-demo with its two dex files as classes.dex and classes3.dex and `middle` as
    classes2.dex (stored, so a bomb inflates to its full size)."""
    with zipfile.ZipFile(sample_apk("shopping-demo")) as zin:
        entries = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    dex1, dex2 = entries.pop("classes.dex"), entries.pop("classes2.dex")
    entries.update(
        {
            "classes.dex": dex1 if first is None else first,
            "classes2.dex": middle,
            "classes3.dex": dex2,
        }
    )
    path = tmp_path / "three.apk"
    _zip_bytes(path, entries)
    return path


def test_dex_files_inflated_ahead_are_still_taken_in_order(tmp_path: Path) -> None:
    # The next dex inflates in a second thread: its warning (and its classes) come in file order.
    inv = extract_app(_three_dex(tmp_path, b"dex\n035\x00" + b"\xff" * 200)).inventory
    assert [u.path for u in inv.code_units] == ["classes.dex", "classes3.dex"]
    assert [w.split(":")[0] for w in inv.warnings if "dex" in w] == ["classes2.dex"]
    whole = extract_app(sample_apk("shopping-demo")).inventory
    assert inv.class_names == whole.class_names


def test_an_inflate_limit_on_a_dex_read_ahead_stops_the_app_at_that_dex(tmp_path: Path) -> None:
    bomb = b"\x00" * (2 << 20)
    limits = Limits(max_entry_bytes=1 << 20)
    with pytest.raises(LimitExceeded, match=r"'classes2\.dex' inflates past"):
        extract_app(_three_dex(tmp_path, bomb, first=b"dex\n035\x00" + b"\xff" * 200), limits)
    with pytest.raises(LimitExceeded, match=r"'classes\.dex' inflates past"):
        extract_app(_three_dex(tmp_path, b"dex\n035\x00", first=bomb), limits)


def test_a_digest_started_early_is_the_one_reported(tmp_path: Path) -> None:
    from scanner.extract import start_digest
    from scanner.pipeline import run
    from scanner.settings import resolve

    path = sample_apk("plain-notes")
    expected = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size)
    ident = extract_app(path, digest=start_digest(path)).inventory.identity
    assert (ident.sha256, ident.size) == expected
    # Listed twice with one early digest: each is used once, the second app hashes itself.
    outcomes = list(run([path, path], resolve({}, tmp_path), digests={path: start_digest(path)}))
    assert [(o.audit.scan.inventory.identity.sha256 if o.audit else None) for o in outcomes] == [
        expected[0],
        expected[0],
    ]
    with pytest.raises(AppInputError, match="no such file"):
        extract_app(tmp_path / "gone.apk", digest=start_digest(tmp_path / "gone.apk"))


# ---------------------------------------------------------------- format readers


def _formats(tmp_path: Path) -> dict[str, Path]:
    """One real file per format, each saved under a misleading name (.bin)."""
    with zipfile.ZipFile(sample_apk("shopping-demo")) as apk:
        so = apk.read("lib/arm64-v8a/libjcore319.so")
    jar_bytes = _zip_bytes(tmp_path / "j.zip", {"com/example/A.class": b"\xca\xfe\xba\xbe"})
    manifest = b'<manifest package="com.example.lib"/>'
    files = {
        "apk": sample_apk("plain-notes").read_bytes(),
        "jar": jar_bytes,
        "aar": _zip_bytes(
            tmp_path / "a.zip", {"AndroidManifest.xml": manifest, "classes.jar": jar_bytes}
        ),
        "native": so,
        "apks": (APKS / "shopping-demo.apks").read_bytes(),
        "ipa": (APKS.parent / "ipa" / "shopping-demo.ipa").read_bytes(),
        "aab": (APKS / "shopping-demo.aab").read_bytes(),
    }
    return {kind: _write(tmp_path, f"{kind}.bin", data) for kind, data in files.items()}


def _zip_bytes(path: Path, entries: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path.read_bytes()


def test_each_format_is_recognised_by_content_not_by_name(tmp_path: Path) -> None:
    for kind, path in _formats(tmp_path).items():
        assert reader_for(path).name == kind
        assert extract_app(path).inventory.identity.kind is AppKind(kind)


def test_no_earlier_reader_claims_another_format(tmp_path: Path) -> None:
    """READERS is tried in order: a file's own reader recognises it, none before it does."""
    for kind, path in _formats(tmp_path).items():
        head = path.read_bytes()[:8]
        names = frozenset(zipfile.ZipFile(path).namelist()) if kind != "native" else None
        claims = [reader.name for reader in READERS if reader.recognises(path, head, names)]
        assert claims[0] == kind, (kind, claims)
    assert [reader.name for reader in READERS] == [
        "aar",
        "apk",
        "aab",
        "apks",
        "ipa",
        "jar",
        "native",
    ]


def test_an_apk_named_jar_is_read_as_an_apk(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.jar", sample_apk("plain-notes").read_bytes())
    assert extract_app(path).inventory.identity.kind is AppKind.APK


def test_a_zip_of_nothing_known_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.apk", _zip_bytes(tmp_path / "x.zip", {"a.txt": b"x"}))
    with pytest.raises(AppInputError, match=r"zip archive without AndroidManifest\.xml"):
        extract_app(path)


def test_app_suffixes_are_the_readers_suffixes() -> None:
    assert app_suffixes() == {
        ".apk",
        ".apks",
        ".xapk",
        ".apkm",
        ".aab",
        ".aar",
        ".jar",
        ".so",
        ".a",
        ".ipa",
    }
    assert all(reader.suffixes for reader in READERS)
