"""Real-world acceptance of the scanner core: real apps and SDK binaries (fetch_real_world.py)."""

from __future__ import annotations

import pytest
from realworld import real_world_file

from scanner.model import EvidenceKind, ScanResult
from scanner.pipeline import scan_app
from scanner.signatures.catalog import builtin_sdks

pytestmark = pytest.mark.realworld


def _scan(name: str) -> ScanResult:
    return scan_app(real_world_file(name), code=False)


def _present(result: ScanResult) -> set[str]:
    return {d.sdk_id for d in result.sdks if d.status == "present"}


# Every SDK binary in REAL_WORLD.md and the SDK(s) it must be recognised as. Where a vendor
# bundles a second SDK inside its binary (UTDID in Alipay, MTA inside the legacy WeChat SDK),
# both are listed.
SDK_BINARIES = {
    "jpush-android-4.8.1.jar": {"jpush"},
    "jpush-ios-4.8.1.a": {"jpush"},
    "jcore-android-3.2.2.jar": {"jcore"},
    "libjcore322.so": {"jcore"},
    "alipaySdk-15.6.5-20190718211148.aar": {"alipay", "alibaba-utdid"},
    "AlipaySDK.framework-AlipaySDK": {"alipay", "alibaba-utdid"},
    "open_sdk_r5793.jar": {"qq-opensdk"},
    "mta-sdk-1.6.2.jar": {"tencent-mta"},
    "TencentOpenAPI.framework-TencentOpenAPI": {"qq-opensdk"},
    "libWeChatSDK.a": {"wechat-opensdk", "tencent-mta"},
    "libammsdk.jar": {"wechat-opensdk", "tencent-mta"},
    "gtsdk-3.3.12.0.jar": {"getui"},
    "gtc-3.2.18.0.jar": {"getui"},
    "BaiduLBS_Android.jar": {"baidu-map", "baidu-location"},
    "libBaiduMapSDK_base_v6_0_0.so": {"baidu-map"},
    "libBaiduMapSDK_map_v6_0_0.so": {"baidu-map"},
    "libindoor.so": {"baidu-location"},
    "liblocSDK7b.so": {"baidu-location"},
    "liblocSDK8a.so": {"baidu-location"},
    "hermes-release.aar": {"hermes"},
    # Google Analytics for iOS 3.x ships Google Tag Manager (TAG* classes) in the same library.
    "libGoogleAnalyticsServices.a": {"google-analytics", "google-tag-manager"},
    "FBSDKCoreKit.framework-FBSDKCoreKit": {"facebook-analytics"},
    "FBSDKLoginKit.framework-FBSDKLoginKit": {"facebook-login"},
    "FBSDKShareKit.framework-FBSDKShareKit": {"facebook-share"},
    "FBSDKMessengerShareKit.framework-FBSDKMessengerShareKit": {"facebook-messenger-sdk"},
    "KochavaTracker.aar": {"kochava"},
    "KochavaCore.aar": {"kochava"},
    "KochavaTracker.framework-KochavaTracker": {"kochava"},
    "Msc.jar": {"iflytek-msc"},
    "Sunflower.jar": {"iflytek-msc"},
    "libmsc.so": {"iflytek-msc"},
    "iflyMSC.framework-iflyMSC": {"iflytek-msc"},
    # TikTok, not Douyin: the two share ByteDance's code base but are different services.
    "TikTokOpenSDK.framework-TikTokOpenSDK": {"tiktok-opensdk"},
}


@pytest.mark.parametrize("name", sorted(SDK_BINARIES))
def test_sdk_binary_is_recognised(name: str) -> None:
    result = _scan(name)
    assert _present(result) == SDK_BINARIES[name]
    # Nothing else either, not even as a stub: a vendor's binary holds that vendor's SDKs.
    assert {d.sdk_id for d in result.sdks} == SDK_BINARIES[name]


@pytest.mark.parametrize("name", sorted(n for n in SDK_BINARIES if n.endswith((".jar", ".aar"))))
def test_sdk_jar_classes_are_counted_for_its_sdks(name: str) -> None:
    result = _scan(name)
    total = len(result.inventory.class_names)
    counts = [d.class_count for d in result.sdks]
    assert total > 0 and all(count > 0 for count in counts)
    # A vendor's jar is its SDK: nearly all of its classes are attributed, none twice.
    assert 0.9 * total <= sum(counts) <= total


def _objc_classes(result: ScanResult) -> set[str]:
    return {c for lib in result.inventory.native_libraries for c in lib.objc_classes}


@pytest.mark.parametrize(
    "name",
    sorted(n for n in SDK_BINARIES if n.endswith(".a") or ".framework-" in n),
)
def test_ios_sdk_evidence_names_classes_the_binary_defines(name: str) -> None:
    result = _scan(name)
    defined = _objc_classes(result)
    signatures = {s.id: s for s in builtin_sdks()}
    for sdk in result.sdks:
        prefixes = signatures[sdk.sdk_id].objc_classes
        owned = {c for c in defined if c.startswith(prefixes)}
        objc = [e for e in sdk.evidence if e.kind is EvidenceKind.OBJC_CLASS]
        assert owned and objc, sdk.sdk_id
        for evidence in objc:
            named = set(evidence.detail.removeprefix("defines ").split(", "))
            assert named <= owned, (sdk.sdk_id, named - owned)


def test_google_tag_manager_is_told_apart_from_analytics_in_one_library() -> None:
    result = _scan("libGoogleAnalyticsServices.a")
    by_id = {d.sdk_id: d for d in result.sdks}
    gtm = {e.detail for e in by_id["google-tag-manager"].evidence}
    ga = {e.detail for e in by_id["google-analytics"].evidence}
    assert all("TAG" in d and "GAI" not in d for d in gtm)
    assert all("GAI" in d and "TAG" not in d for d in ga)


def test_facebook_bolts_is_no_sdk() -> None:
    # Bolts (BF* tasks and app links) comes with the Facebook SDK but is a plain library.
    result = _scan("Bolts.framework-Bolts")
    assert len(_objc_classes(result)) > 10
    assert result.sdks == ()


def test_iflytek_engine_is_recognised_by_name_and_by_its_jni_class() -> None:
    (msc,) = _scan("libmsc.so").sdks
    kinds = {e.kind: e for e in msc.evidence}
    assert kinds[EvidenceKind.NATIVE_LIBRARY].value == "libmsc.so"
    assert "com.iflytek." in kinds[EvidenceKind.JNI_CLASS].detail


def test_hermes_is_not_a_tracking_sdk() -> None:
    assert not any(d.tracking for d in _scan("hermes-release.aar").sdks)


def test_yosemite_has_tencent_x5_and_36_permissions() -> None:
    result = _scan("Yosemite.apk")
    assert _present(result) == {"tencent-x5"}
    assert len(result.permissions) == 36
    x5 = next(d for d in result.sdks if d.sdk_id == "tencent-x5")
    assert x5.class_count > 300


@pytest.mark.parametrize("name", ["ApiDemos-debug.apk", "app-uiautomator.apk"])
def test_no_tracking_sdk_in_plain_apps(name: str) -> None:
    result = _scan(name)
    assert [d.sdk_id for d in result.sdks if d.tracking and d.status == "present"] == []


def test_okhttp_is_recognised_but_not_tracking() -> None:
    okhttp = [d for d in _scan("app-uiautomator.apk").sdks if d.sdk_id == "okhttp"]
    assert okhttp and not okhttp[0].tracking


@pytest.mark.parametrize(
    "name",
    [
        "pocoservice-debug.apk",
        "appium-uiautomator2-server-v10.6.6.apk",
        "settings_apk-debug.apk",
        "framework-res.apk",
    ],
)
def test_other_real_apps_scan_cleanly(name: str) -> None:
    result = _scan(name)
    assert result.inventory.identity.package
    assert result.inventory.warnings == ()


def test_appium_server_reads_all_sixteen_dex_files() -> None:
    result = _scan("appium-uiautomator2-server-v10.6.6.apk")
    assert len(result.inventory.code_units) == 16


def test_time_budget_stops_a_long_scan(capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.cli import main

    assert main(["scan", str(real_world_file("Yosemite.apk")), "--timeout", "0.1", "-q"]) == 2
    err = capsys.readouterr().err
    assert "time budget of 0.1 s exceeded" in err and err.count("\n") == 1
