"""Detection on the fixture apps: SDKs with evidence, stubs, permissions, startup behaviour."""

from __future__ import annotations

from conftest import sample_apk

from scanner.model import ScanResult
from scanner.pipeline import scan_app


def _scan(name: str) -> ScanResult:
    return scan_app(sample_apk(name))


def _present(result: ScanResult) -> set[str]:
    return {d.sdk_id for d in result.sdks if d.status == "present"}


def test_shopping_demo_sdks_with_every_kind_of_evidence() -> None:
    result = _scan("shopping-demo")
    assert _present(result) == {"alipay", "umeng-analytics", "jpush", "jcore", "bugly"}
    by_id = {d.sdk_id: d for d in result.sdks}
    kinds = {sid: {e.kind for e in d.evidence} for sid, d in by_id.items()}
    assert {"class_package", "component"} <= kinds["alipay"]
    assert {"class_package", "meta_data"} <= kinds["umeng-analytics"]
    assert {"native_library", "jni_class", "component"} <= kinds["jcore"]
    native = next(e for e in by_id["jcore"].evidence if e.kind == "native_library")
    assert native.location == "lib/arm64-v8a/libjcore319.so"
    assert by_id["umeng-analytics"].class_count == 6


def test_a_one_class_stub_is_not_an_embedded_sdk() -> None:
    stub = next(d for d in _scan("shopping-demo").sdks if d.sdk_id == "wechat-opensdk")
    assert stub.status == "stub" and stub.class_count == 1


def test_video_demo_sdks_and_no_admob_from_the_advertising_id_client() -> None:
    present = _present(_scan("video-demo"))
    assert {
        "stripe",
        "facebook-login",
        "google-sign-in",
        "google-advertising-id",
        "appsflyer",
    } <= present
    assert "admob" not in present


def test_app_without_sdks_reports_none() -> None:
    assert _scan("plain-notes").sdks == ()


def test_v2_adds_pangle() -> None:
    assert _present(_scan("shopping-demo-v2")) - _present(_scan("shopping-demo")) == {"pangle-csj"}


def test_permissions_are_classified() -> None:
    perms = {p.name: p for p in _scan("shopping-demo").permissions}
    camera = perms["android.permission.CAMERA"]
    assert (camera.protection_level, camera.categories) == ("dangerous", ("camera",))
    assert perms["android.permission.READ_EXTERNAL_STORAGE"].categories == ("album", "storage")
    assert perms["android.permission.RECORD_AUDIO"].elements == ("uses-permission-sdk-23",)
    assert perms["android.permission.INTERNET"].categories == ()
    assert perms["android.permission.INTERNET"].protection_level == "normal"


def test_self_and_associated_startup_with_owner() -> None:
    startup = {(s.kind, s.component, s.trigger): s.owner for s in _scan("shopping-demo").startup}
    assert (
        startup[
            (
                "self_startup",
                "com.rakufun.shop.BootReceiver",
                "android.intent.action.BOOT_COMPLETED",
            )
        ]
        is None
    )
    # The app targets API 33: USER_PRESENT, CONNECTIVITY_CHANGE and PACKAGE_ADDED no longer
    # reach manifest receivers, so JPush's PushReceiver cannot start it on them.
    assert not any(c == "cn.jpush.android.service.PushReceiver" for _k, c, _t in startup)
    assert (
        startup[
            (
                "associated_startup",
                "cn.jpush.android.service.PushService",
                "cn.jpush.android.intent.DaemonService",
            )
        ]
        == "jcore"
    )
    assert ("associated_startup", "cn.jpush.android.service.DataProvider", "provider") in startup
    # A system broadcast is self-startup only: other apps cannot send BOOT_COMPLETED.
    assert not any(
        k == "associated_startup" and c == "com.rakufun.shop.BootReceiver" for k, c, _ in startup
    )


def test_plain_app_has_no_startup_behaviour() -> None:
    assert _scan("plain-notes").startup == ()
    assert _scan("video-demo").startup == ()
