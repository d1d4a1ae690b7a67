"""Real-world acceptance of the scanner core: real apps and SDK binaries (fetch_real_world.py)."""

from __future__ import annotations

import pytest
from realworld import real_world_file

from scanner.model import ScanResult
from scanner.pipeline import scan_app

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
}


@pytest.mark.parametrize("name", sorted(SDK_BINARIES))
def test_sdk_binary_is_recognised(name: str) -> None:
    assert _present(_scan(name)) == SDK_BINARIES[name]


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
