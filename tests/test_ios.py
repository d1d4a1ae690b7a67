"""iOS apps: the .ipa / .app / .xcarchive reader, Info.plist and privacy manifests, Mach-O
imports, and what detection makes of them. Every input is built here or by samples/build_ipa.py
(the committed samples/ipa/shopping-demo.ipa), from real bytes: binary and XML plists, Mach-O
images lief parses."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest
from hostile_ios import load_build_ipa
from macho_writer import CPU_TYPE_ARM64, CPU_TYPE_X86_64, MachOSpec, build_fat, build_macho

from scanner.cli import main
from scanner.errors import AppInputError, LimitExceeded
from scanner.extract import extract_app, reader_for
from scanner.extract.macho import read_macho
from scanner.extract.plist import PlistError, load_plist
from scanner.limits import MAX_PLIST_DEPTH, MAX_PLIST_NODES
from scanner.model import AppKind, CodeEvidenceKind, EvidenceKind, OwnerKind, ProtectionLevel
from scanner.pipeline import scan_app

REPO = Path(__file__).resolve().parent.parent
IPA = REPO / "samples" / "ipa" / "shopping-demo.ipa"
IOS_POLICY = REPO / "samples" / "policies" / "rakufun-shop-ios-policy.md"


B = load_build_ipa()


def _ipa(tmp_path: Path, parts: dict[str, bytes], name: str = "app.ipa") -> Path:
    path = tmp_path / name
    path.write_bytes(B.zip_bytes(parts))
    return path


def _unpack(tmp_path: Path, parts: dict[str, bytes], root: str) -> Path:
    for name, data in parts.items():
        target = tmp_path / root / name.removeprefix("Payload/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return tmp_path / root


# --------------------------------------------------------------------------- the fixture


def test_committed_ipa_is_what_the_script_builds() -> None:
    assert IPA.read_bytes() == B.build()


def test_info_plist_facts() -> None:
    inv = extract_app(IPA).inventory
    assert inv.identity.kind is AppKind.IPA
    assert (inv.identity.package, inv.identity.version_name, inv.identity.version_code) == (
        "com.rakufun.shop",
        "2.4.0",
        "240",
    )
    assert inv.identity.label == "Rakufun Shop"
    ios = inv.ios
    assert ios is not None
    keys = {u.key: u.text for u in ios.usage_descriptions}
    assert keys["NSCameraUsageDescription"].startswith("Scan a product code")
    assert "NSContactsUsageDescription" in keys and "CFBundleName" not in keys
    assert ios.background_modes == ("remote-notification", "fetch")
    assert ios.url_schemes == ("rakufun",)
    assert ios.queried_schemes == ("alipay", "weixin")
    assert ios.executable == "Payload/RakufunShop.app/RakufunShop"
    assert [p.name for p in inv.permissions] == sorted(keys)


def test_privacy_manifests_of_app_and_framework() -> None:
    ios = extract_app(IPA).inventory.ios
    assert ios is not None
    by_path = {m.path: m for m in ios.privacy_manifests}
    app = by_path["Payload/RakufunShop.app/PrivacyInfo.xcprivacy"]
    sdk = by_path["Payload/RakufunShop.app/Frameworks/AppsFlyerLib.framework/PrivacyInfo.xcprivacy"]
    assert app.tracking is False and app.tracking_domains == ()
    assert [c.type.removeprefix("NSPrivacyCollectedDataType") for c in app.collected] == [
        "PreciseLocation",
        "EmailAddress",
        "PurchaseHistory",
    ]
    assert app.collected[1].linked is True and app.collected[0].linked is False
    assert {a.category: a.reasons for a in app.accessed_apis} == {
        "NSPrivacyAccessedAPICategoryUserDefaults": ("CA92.1",),
        "NSPrivacyAccessedAPICategoryFileTimestamp": ("C617.1",),
    }
    assert sdk.tracking is True and sdk.tracking_domains == (B.TRACKING_DOMAIN,)
    assert sdk.collected[0].tracking is True


def test_macho_imports_of_executable_and_framework() -> None:
    ios = extract_app(IPA).inventory.ios
    assert ios is not None
    main_binary, sdk = (
        next(b for b in ios.binaries if b.path.endswith(n))
        for n in ("/RakufunShop", "/AppsFlyerLib")
    )
    assert "/System/Library/Frameworks/CoreLocation.framework/CoreLocation" in main_binary.linked
    assert {"_stat", "_mach_absolute_time", "_OBJC_CLASS_$_CLLocationManager"} <= set(
        main_binary.symbols
    )
    assert "startUpdatingLocation" in main_binary.selectors
    assert "CLLocationManager" in main_binary.imported_classes
    # Defined classes are not imports.
    assert "RKSAppDelegate" not in main_binary.imported_classes
    assert "_OBJC_CLASS_$_RKSAppDelegate" not in main_binary.symbols
    assert not main_binary.encrypted and main_binary.error is None
    assert "advertisingIdentifier" in sdk.selectors
    bundles = {b.name: b for b in ios.bundles}
    assert bundles["AppsFlyerLib"].bundle_id == "com.appsflyer.AppsFlyerLib"


def test_recognised_by_content_not_name(tmp_path: Path) -> None:
    renamed = tmp_path / "shop.bin"
    renamed.write_bytes(IPA.read_bytes())
    assert reader_for(renamed).name == "ipa"
    assert extract_app(renamed).inventory.identity.package == "com.rakufun.shop"
    # A zip with an app folder anywhere but under Payload/ is no .ipa.
    other = _ipa(tmp_path, {"Stuff/RakufunShop.app/Info.plist": b"x"}, "other.ipa")
    with pytest.raises(AppInputError, match="unknown file type"):
        extract_app(other)


def test_unpacked_app_folder_and_xcarchive(tmp_path: Path) -> None:
    parts = B.demo_parts()
    app = _unpack(tmp_path / "a", parts, "")
    app_dir = app / "RakufunShop.app"
    inv = extract_app(app_dir).inventory
    assert inv.identity.kind is AppKind.IOS_APP and inv.identity.package == "com.rakufun.shop"
    assert inv.ios is not None and inv.ios.executable == "RakufunShop"
    assert len(inv.ios.binaries) == 2
    archive = tmp_path / "Shop.xcarchive"
    (archive / "Products" / "Applications").mkdir(parents=True)
    app_dir.rename(archive / "Products" / "Applications" / "RakufunShop.app")
    (archive / "Info.plist").write_bytes(plistlib.dumps({"ArchiveVersion": 2}))
    inv = extract_app(archive).inventory
    assert inv.identity.package == "com.rakufun.shop"
    assert inv.ios is not None
    assert inv.ios.executable == "Products/Applications/RakufunShop.app/RakufunShop"
    # A plain folder is still not an app.
    with pytest.raises(AppInputError, match="is a directory"):
        extract_app(tmp_path / "a")


def test_xml_info_plist_reads_as_the_binary_one(tmp_path: Path) -> None:
    parts = B.demo_parts()
    parts[B.APP + "Info.plist"] = B.xml_plist(B.app_info())
    inv = extract_app(_ipa(tmp_path, parts)).inventory
    assert inv.identity.package == "com.rakufun.shop"
    assert inv.ios is not None and len(inv.ios.usage_descriptions) == 6


def test_fat_binary_reads_its_arm64_slice(tmp_path: Path) -> None:
    x86 = build_macho(
        MachOSpec(
            imports=[("_statfs", 1)],
            dylibs=["/usr/lib/libSystem.B.dylib"],
            cpu_type=CPU_TYPE_X86_64,
        )
    )
    fat = build_fat([(CPU_TYPE_X86_64, x86), (CPU_TYPE_ARM64, B.app_binary())])
    lib, imports = read_macho("Payload/A.app/A", fat)
    assert imports.error is None and lib.error is None
    assert "_mach_absolute_time" in imports.symbols and "_statfs" not in imports.symbols
    assert "RKSAppDelegate" in lib.objc_classes


def test_fat_binary_with_bogus_offsets_is_an_error_not_a_crash() -> None:
    fat = bytearray(build_fat([(CPU_TYPE_ARM64, B.app_binary())]))
    fat[16:20] = (1 << 31).to_bytes(4, "big")  # offset of slice 0 far past the end
    _lib, imports = read_macho("X", bytes(fat))
    assert imports.error is not None and "outside the file" in imports.error
    many = b"\xca\xfe\xba\xbe" + (10_000).to_bytes(4, "big") + bytes(64)
    assert "slices" in (read_macho("Y", many)[1].error or "")


def test_encrypted_binary_warns_and_keeps_what_is_readable(tmp_path: Path) -> None:
    path = _ipa(tmp_path, B.demo_parts(cryptid=1))
    result = scan_app(path)
    inv = result.inventory
    assert any("encrypted" in w and "could not be" in w for w in inv.warnings)
    assert inv.ios is not None
    main_binary = next(b for b in inv.ios.binaries if b.path.endswith("/RakufunShop"))
    assert main_binary.encrypted and main_binary.selectors == ()
    assert "_mach_absolute_time" in main_binary.symbols
    # Usage keys, manifests and frameworks still count; class + selector APIs cannot match.
    assert {p.name for p in result.permissions} >= {"NSCameraUsageDescription"}
    assert "appsflyer" in {d.sdk_id for d in result.sdks}
    apis = {c.api for c in result.call_sites if c.code_unit.endswith("/RakufunShop")}
    assert "CLLocationManager.startUpdatingLocation" not in apis
    assert apis == set()  # every main-binary API of the fixture needs a selector


def test_missing_or_corrupt_info_plist_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parts = B.demo_parts()
    del parts[B.APP + "Info.plist"]
    missing = _ipa(tmp_path, parts, "missing.ipa")
    assert main(["scan", str(missing), "-q"]) == 2
    err = capsys.readouterr().err
    assert "missing.ipa" in err and "Info.plist" in err and "Traceback" not in err
    parts = B.demo_parts()
    parts[B.APP + "Info.plist"] = b"bplist00" + bytes(40)
    corrupt = _ipa(tmp_path, parts, "corrupt.ipa")
    with pytest.raises(AppInputError, match="malformed plist"):
        extract_app(corrupt)


def test_corrupt_framework_manifest_is_a_warning(tmp_path: Path) -> None:
    parts = B.demo_parts()
    parts[B.SDK + "PrivacyInfo.xcprivacy"] = b"<?xml version='1.0'?><plist><dict><key>"
    inv = extract_app(_ipa(tmp_path, parts)).inventory
    assert any("AppsFlyerLib.framework/PrivacyInfo.xcprivacy: malformed" in w for w in inv.warnings)
    assert inv.ios is not None and len(inv.ios.privacy_manifests) == 1


def test_zip_slip_names_inside_payload_are_ignored(tmp_path: Path) -> None:
    parts = B.demo_parts()
    parts[B.APP + "../../../../tmp/escape/PrivacyInfo.xcprivacy"] = B.xml_plist(B.sdk_manifest())
    parts["Payload/../Evil.app/Info.plist"] = B.binary_plist(B.app_info())
    inv = extract_app(_ipa(tmp_path, parts)).inventory
    assert any("unsafe names" in w for w in inv.warnings)
    assert inv.ios is not None and len(inv.ios.privacy_manifests) == 2
    assert not (tmp_path / "tmp").exists()


# --------------------------------------------------------------------------- plist bounds


def test_plist_bounds() -> None:
    deep: object = "x"
    for _ in range(MAX_PLIST_DEPTH + 2):
        deep = [deep]
    with pytest.raises(PlistError, match="nested deeper"):
        load_plist(plistlib.dumps({"a": deep}, fmt=plistlib.FMT_XML))
    with pytest.raises(PlistError, match="more than"):
        load_plist(plistlib.dumps({"a": list(range(MAX_PLIST_NODES + 1))}, fmt=plistlib.FMT_BINARY))
    with pytest.raises(PlistError, match="bytes"):
        load_plist(b"<plist>" + b" " * (9 << 20))
    with pytest.raises(PlistError, match="not a dictionary"):
        load_plist(plistlib.dumps(["a"]))
    assert load_plist(plistlib.dumps({"a": [1, {"b": "c"}]})) == {"a": [1, {"b": "c"}]}


def test_plist_of_shared_references_is_bounded() -> None:
    """A binary plist whose arrays each hold the previous one twice: 2**40 leaves from ~1 KiB."""
    nested: object = "leaf"
    for _ in range(40):
        nested = [nested, nested]
    data = plistlib.dumps({"bomb": nested}, fmt=plistlib.FMT_BINARY)
    assert len(data) < 4096
    with pytest.raises(PlistError, match="more than"):
        load_plist(data)


def test_plist_bomb_in_info_plist_is_exit_2(tmp_path: Path) -> None:
    parts = B.demo_parts()
    doc = B.app_info()
    doc["Bomb"] = list(range(MAX_PLIST_NODES + 5))
    parts[B.APP + "Info.plist"] = B.binary_plist(doc)
    with pytest.raises(LimitExceeded, match=r"Info\.plist: more than"):
        extract_app(_ipa(tmp_path, parts))


# --------------------------------------------------------------------------- detection


def test_usage_keys_are_granted_permissions_of_their_categories() -> None:
    result = scan_app(IPA)
    perms = {p.name: p for p in result.permissions}
    camera = perms["NSCameraUsageDescription"]
    assert camera.categories == ("camera",)
    assert camera.protection_level is ProtectionLevel.DANGEROUS
    assert camera.evidence.kind is EvidenceKind.USAGE_DESCRIPTION
    assert camera.evidence.detail.startswith("Scan a product code")
    assert camera.evidence.location == "Payload/RakufunShop.app/Info.plist"
    assert perms["NSLocationWhenInUseUsageDescription"].categories == ("location_precise",)
    # Bluetooth has no capability category: listed, classified under none.
    assert perms["NSBluetoothAlwaysUsageDescription"].categories == ()


def test_imported_apis_are_call_sites_owned_by_their_binary() -> None:
    result = scan_app(IPA)
    sites = {(c.category, c.api): c for c in result.call_sites}
    loc = sites[("location_precise", "CLLocationManager.startUpdatingLocation")]
    assert loc.evidence_kind is CodeEvidenceKind.MACHO_IMPORT
    assert loc.owner_kind is OwnerKind.APP and not loc.dormant
    idfa = sites[("device_id", "ASIdentifierManager.advertisingIdentifier")]
    assert idfa.owner == "appsflyer" and idfa.owner_kind is OwnerKind.SDK
    assert sites[("clipboard", "UIPasteboard.string")].strength == "weak"
    # Imported class without the selector: no call site (PHPhotoLibrary has requestAuthorization:,
    # but not fetchAssetsWithOptions:); no import at all: none either.
    assert ("album", "PHAsset.fetchAssetsWithOptions:") not in sites
    assert not any(c.category == "microphone" for c in result.call_sites)
    camera = next(c for c in result.capabilities if c.category == "camera")
    assert camera.permissions == ("NSCameraUsageDescription",) and camera.call_sites == 1


def test_an_api_without_its_usage_key_is_dormant(tmp_path: Path) -> None:
    parts = B.demo_parts()
    info = B.app_info()
    del info["NSLocationWhenInUseUsageDescription"]
    parts[B.APP + "Info.plist"] = B.binary_plist(info)
    result = scan_app(_ipa(tmp_path, parts))
    loc = next(c for c in result.call_sites if c.category == "location_precise")
    assert loc.dormant and "NSLocationWhenInUseUsageDescription" in loc.needs
    assert not any(c.category == "location_precise" for c in result.capabilities)
    # identifierForVendor needs no prompt: never dormant.
    idfv = next(c for c in result.call_sites if c.api == "UIDevice.identifierForVendor")
    assert not idfv.dormant


def test_sdk_by_framework_name_and_bundle_id(tmp_path: Path) -> None:
    sdk = next(d for d in scan_app(IPA).sdks if d.sdk_id == "appsflyer")
    kinds = {e.kind for e in sdk.evidence}
    assert {EvidenceKind.NATIVE_LIBRARY, EvidenceKind.OBJC_CLASS} <= kinds
    # A look-alike framework with none of the SDK's classes or bundle id is not the SDK.
    parts = {
        n.replace("AppsFlyerLib.framework", "AppsFlyerLibX.framework"): d
        for n, d in B.demo_parts().items()
    }
    info = B.sdk_info() | {"CFBundleIdentifier": "org.example.lookalike"}
    parts[B.APP + "Frameworks/AppsFlyerLibX.framework/Info.plist"] = B.binary_plist(info)
    parts[B.APP + "Frameworks/AppsFlyerLibX.framework/AppsFlyerLib"] = build_macho(
        MachOSpec(defined_classes=["XYZHelper"], install_name="@rpath/X")
    )
    assert "appsflyer" not in {d.sdk_id for d in scan_app(_ipa(tmp_path, parts)).sdks}


def test_scan_of_the_demo_against_its_policy(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main(["scan", str(IPA), "--policy", str(IOS_POLICY), "-q", "--json", str(out)]) == 1
    import json

    doc = json.loads(out.read_text())
    assert doc["schema_version"] == "1.2" and doc["app"]["kind"] == "ipa"
    assert doc["ios"]["usage_descriptions"][0]["key"] == "NSBluetoothAlwaysUsageDescription"
    rules = {(f["rule"]["id"], f["subject"]) for f in doc["findings"]}
    assert ("PS201", "contacts") in rules and ("PS201", "camera") not in rules
    assert ("PS703", "NSPrivacyAccessedAPICategorySystemBootTime") in rules
    assert ("PS703", "NSPrivacyAccessedAPICategoryFileTimestamp") not in rules


def test_a_folder_app_skips_symlinks_and_is_one_target(tmp_path: Path) -> None:
    app = _unpack(tmp_path, B.demo_parts(), "") / "RakufunShop.app"
    outside = tmp_path / "outside.xcprivacy"
    outside.write_bytes(B.xml_plist(B.sdk_manifest()))
    (app / "Linked.framework").mkdir()
    (app / "Linked.framework" / "PrivacyInfo.xcprivacy").symlink_to(outside)
    inv = extract_app(app).inventory
    assert inv.ios is not None and len(inv.ios.privacy_manifests) == 2
    report = tmp_path / "r.json"
    assert main(["scan", str(app), "-q", "--json", str(report)]) == 0
    assert report.is_file()  # one app: the file keeps its name (no batch suffix)


def test_a_folder_of_apps_takes_app_folders_whole(tmp_path: Path) -> None:
    """Scanning a catalogue folder picks up an unpacked .app and an .xcarchive as one app each
    and does not list the files inside them (a stray static library in the bundle) on their own."""
    from scanner.pipeline import expand_targets

    catalogue = tmp_path / "catalogue"
    app = _unpack(catalogue / "unpacked", B.demo_parts(), "") / "RakufunShop.app"
    (app / "libStray.a").write_bytes(b"!<arch>\n")
    archive = catalogue / "Shop.xcarchive" / "Products" / "Applications"
    _unpack(archive, B.demo_parts(), "")
    (catalogue / "Shop.xcarchive" / "Info.plist").write_bytes(plistlib.dumps({"A": 1}))
    (catalogue / "lone.ipa").write_bytes(IPA.read_bytes())
    (catalogue / "Plain.app").mkdir()  # named like an app but holds none: not a target
    assert expand_targets([catalogue]) == [
        catalogue / "Shop.xcarchive",
        catalogue / "lone.ipa",
        app,
    ]


def test_a_folder_app_has_a_digest_that_follows_its_files_not_its_place(tmp_path: Path) -> None:
    """An unpacked .app gets a SHA-256 over its files (a catalogue batch keys results by it):
    the same tree copied elsewhere keeps it, one more file changes it."""
    one = _unpack(tmp_path / "one", B.demo_parts(), "") / "RakufunShop.app"
    two = _unpack(tmp_path / "two", B.demo_parts(), "") / "RakufunShop.app"
    first = extract_app(one).inventory.identity
    assert len(first.sha256) == 64 and first.size > 0
    assert extract_app(two).inventory.identity.sha256 == first.sha256
    (two / "Base.lproj").mkdir(exist_ok=True)
    (two / "Base.lproj" / "extra.strings").write_bytes(b"x")
    assert extract_app(two).inventory.identity.sha256 != first.sha256


def test_an_extension_and_a_watch_app_ask_with_their_own_usage_keys(tmp_path: Path) -> None:
    parts = B.demo_parts()
    share = B.APP + "PlugIns/Share.appex/"
    watch = B.APP + "Watch/RakufunWatch.app/"
    parts[share + "Info.plist"] = B.binary_plist(
        {
            "CFBundleExecutable": "Share",
            "CFBundleIdentifier": "com.rakufun.shop.share",
            "NSMicrophoneUsageDescription": "Record a voice note for the item you share.",
            # The app asks for the camera too: the app's own prompt stays the evidence.
            "NSCameraUsageDescription": "Take a photo to share.",
        }
    )
    parts[watch + "Info.plist"] = B.binary_plist(
        {
            "CFBundleIdentifier": "com.rakufun.shop.watchkitapp",
            "NSMotionUsageDescription": "Count your steps while you walk between stores.",
        }
    )
    # A framework's Info.plist asks the user nothing: iOS shows the app's or extension's prompt.
    parts[B.SDK + "Info.plist"] = B.binary_plist(
        B.sdk_info() | {"NSCalendarsUsageDescription": "never shown"}
    )
    result = scan_app(_ipa(tmp_path, parts))
    perms = {p.name: p for p in result.permissions}
    mic = perms["NSMicrophoneUsageDescription"]
    assert mic.categories == ("microphone",)
    assert mic.evidence.location == "Payload/RakufunShop.app/PlugIns/Share.appex/Info.plist"
    assert perms["NSMotionUsageDescription"].evidence.location.endswith(
        "Watch/RakufunWatch.app/Info.plist"
    )
    assert (
        perms["NSCameraUsageDescription"].evidence.location == "Payload/RakufunShop.app/Info.plist"
    )
    assert perms["NSCameraUsageDescription"].evidence.detail.startswith("Scan a product code")
    assert "NSCalendarsUsageDescription" not in perms
    assert [p.name for p in result.permissions].count("NSCameraUsageDescription") == 1
    bundles = {b.bundle_id for b in result.inventory.ios.bundles}  # type: ignore[union-attr]
    assert {"com.rakufun.shop.share", "com.rakufun.shop.watchkitapp"} <= bundles
