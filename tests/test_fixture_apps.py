"""The fixture APKs in samples/apks/ contain what samples/README.md says they contain.

These tests read the committed APK bytes with androguard and lief, without the scanner, so that a
scanner test failing on a fixture can be told apart from a broken fixture. Only the last test needs
apktool: it rebuilds every APK from samples/apps/ and compares the class lists.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import lief
import pytest
from androguard.core.apk import APK
from androguard.core.dex import DEX
from loguru import logger

logger.disable("androguard")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
APKS = SAMPLES / "apks"
APPS = SAMPLES / "apps"
ANDROID_NS = "{http://schemas.android.com/apk/res/android}"

ALL_APPS = ("shopping-demo", "shopping-demo-v2", "video-demo", "plain-notes", "label-xss")

# -- expectations ---------------------------------------------------------------------------------

IDENTITY = {
    # name: (package, label, versionName, versionCode, minSdk, targetSdk)
    "shopping-demo": ("com.rakufun.shop", "Rakufun Shop", "2.3.1", "231", "21", "33"),
    "shopping-demo-v2": ("com.rakufun.shop", "Rakufun Shop", "2.4.0", "240", "21", "33"),
    "video-demo": ("com.vikidemo.video", "Viki Demo", "1.0.0", "100", "23", "34"),
    "plain-notes": ("org.example.notes", "Plain Notes", "1.2.0", "3", "21", "33"),
    "label-xss": (
        "org.example.labelxss",
        "<script>alert(1)</script>&\"'",
        "1.0<i>",
        "1",
        "21",
        "33",
    ),
}

SHOPPING_PERMISSIONS = {
    "android.permission.INTERNET",
    "android.permission.ACCESS_NETWORK_STATE",
    "android.permission.CAMERA",
    "android.permission.READ_EXTERNAL_STORAGE",
    "android.permission.WRITE_EXTERNAL_STORAGE",
    "android.permission.READ_PHONE_STATE",
    "android.permission.RECEIVE_BOOT_COMPLETED",
    "android.permission.WAKE_LOCK",
    "android.permission.ACCESS_FINE_LOCATION",
    "android.permission.VIBRATE",
}
# (<uses-permission> names, <uses-permission-sdk-23> names)
PERMISSIONS: dict[str, tuple[set[str], set[str]]] = {
    "shopping-demo": (SHOPPING_PERMISSIONS, {"android.permission.RECORD_AUDIO"}),
    "shopping-demo-v2": (
        SHOPPING_PERMISSIONS | {"android.permission.ACCESS_COARSE_LOCATION"},
        {"android.permission.RECORD_AUDIO"},
    ),
    "video-demo": (
        {
            "android.permission.INTERNET",
            "android.permission.ACCESS_NETWORK_STATE",
            "com.google.android.gms.permission.AD_ID",
            "android.permission.POST_NOTIFICATIONS",
            "android.permission.WAKE_LOCK",
        },
        set(),
    ),
    "plain-notes": ({"android.permission.INTERNET"}, set()),
    "label-xss": ({"android.permission.INTERNET"}, set()),
}

SHOPPING_COMPONENTS = {
    "activity": {"com.rakufun.shop.MainActivity", "com.alipay.sdk.app.H5PayActivity"},
    "service": {"cn.jpush.android.service.PushService"},
    "receiver": {"com.rakufun.shop.BootReceiver", "cn.jpush.android.service.PushReceiver"},
    "provider": {"cn.jpush.android.service.DataProvider"},
}
COMPONENTS: dict[str, dict[str, set[str]]] = {
    "shopping-demo": SHOPPING_COMPONENTS,
    "shopping-demo-v2": {
        **SHOPPING_COMPONENTS,
        "activity": SHOPPING_COMPONENTS["activity"]
        | {"com.bytedance.sdk.openadsdk.activity.TTRewardVideoActivity"},
    },
    "video-demo": {
        "activity": {
            "com.vikidemo.video.MainActivity",
            "com.vikidemo.video.PlayerActivity",
            "com.stripe.android.view.PaymentAuthWebViewActivity",
            "com.facebook.FacebookActivity",
            "com.google.android.gms.auth.api.signin.internal.SignInHubActivity",
        },
        "service": set(),
        "receiver": {"com.appsflyer.SingleInstallBroadcastReceiver"},
        "provider": set(),
    },
    "plain-notes": {
        "activity": {"org.example.notes.MainActivity"},
        "service": set(),
        "receiver": set(),
        "provider": set(),
    },
    "label-xss": {
        "activity": {"org.example.labelxss.Main$_Activity$1"},
        "service": set(),
        "receiver": set(),
        "provider": set(),
    },
}

META_DATA = {
    "shopping-demo": {"UMENG_APPKEY", "UMENG_CHANNEL", "JPUSH_APPKEY", "JPUSH_CHANNEL"},
    "shopping-demo-v2": {"UMENG_APPKEY", "UMENG_CHANNEL", "JPUSH_APPKEY", "JPUSH_CHANNEL"},
    "video-demo": {"com.facebook.sdk.ApplicationId"},
    "plain-notes": set(),
    "label-xss": {"probe.html"},
}

# name -> {package prefix: (dex file, exact class count)}; a prefix counts classes below it.
SHOPPING_PACKAGES = {
    "com.rakufun.shop": ("classes.dex", 4),
    "com.alipay.sdk": ("classes.dex", 7),
    "com.alipay.sdk.util": ("classes.dex", 4),
    "com.umeng": ("classes.dex", 6),
    "com.tencent.bugly": ("classes.dex", 4),
    "com.tencent.mm.opensdk": ("classes.dex", 1),
    "cn.jpush.android": ("classes2.dex", 4),
    "cn.jiguang": ("classes2.dex", 4),
}
SDK_PACKAGES: dict[str, dict[str, tuple[str, int]]] = {
    "shopping-demo": SHOPPING_PACKAGES,
    "shopping-demo-v2": {
        **SHOPPING_PACKAGES,
        "com.rakufun.shop": ("classes.dex", 5),
        "com.bytedance.sdk.openadsdk": ("classes.dex", 4),
    },
    "video-demo": {
        "com.vikidemo.video": ("classes.dex", 2),
        "com.stripe.android": ("classes.dex", 7),
        "com.stripe.android.model": ("classes.dex", 4),
        "com.facebook": ("classes.dex", 4),
        "com.google.android.gms.auth.api.signin": ("classes.dex", 5),
        "com.google.android.gms.ads.identifier": ("classes.dex", 3),
        "com.appsflyer": ("classes.dex", 6),
        "com.appsflyer.internal": ("classes.dex", 3),
    },
    "plain-notes": {"org.example.notes": ("classes.dex", 2)},
    "label-xss": {"org.example.labelxss": ("classes.dex", 1)},
}

# name -> {(caller class, caller method, callee "Lclass;->name")}: every sensitive call site.
SHOPPING_CALLS = {
    ("com.rakufun.shop.MainActivity", "openScanner", "Landroid/hardware/Camera;->open"),
    (
        "com.rakufun.shop.MainActivity",
        "readDeviceId",
        "Landroid/telephony/TelephonyManager;->getDeviceId",
    ),
    (
        "com.rakufun.shop.MainActivity",
        "readShareCode",
        "Landroid/content/ClipboardManager;->getPrimaryClip",
    ),
    ("com.rakufun.shop.MainActivity", "loadAlbum", "Landroid/content/ContentResolver;->query"),
    (
        "com.rakufun.shop.LocationHelper",
        "lastKnownLocation",
        "Landroid/location/LocationManager;->getLastKnownLocation",
    ),
    ("com.rakufun.shop.AudioNote", "start", "Landroid/media/AudioRecord;-><init>"),
    ("com.rakufun.shop.AudioNote", "start", "Landroid/media/AudioRecord;->startRecording"),
    (
        "com.umeng.commonsdk.utils.ClipboardHelper",
        "readShareCode",
        "Landroid/content/ClipboardManager;->getPrimaryClip",
    ),
    (
        "com.umeng.commonsdk.statistics.common.DeviceConfig",
        "getAndroidId",
        "Landroid/provider/Settings$Secure;->getString",
    ),
    (
        "com.umeng.commonsdk.internal.AppListCollector",
        "collect",
        "Landroid/content/pm/PackageManager;->getInstalledPackages",
    ),
    (
        "cn.jiguang.internal.DeviceInfo",
        "getImsi",
        "Landroid/telephony/TelephonyManager;->getSubscriberId",
    ),
    (
        "cn.jiguang.internal.AssociatedLauncher",
        "wakePartnerApps",
        "Landroid/content/Intent;->setPackage",
    ),
    (
        "cn.jiguang.internal.AssociatedLauncher",
        "wakePartnerApps",
        "Landroid/content/Intent;->setClassName",
    ),
    (
        "cn.jiguang.internal.AssociatedLauncher",
        "wakePartnerApps",
        "Landroid/content/Context;->startService",
    ),
}
CALL_SITES: dict[str, set[tuple[str, str, str]]] = {
    "shopping-demo": SHOPPING_CALLS,
    "shopping-demo-v2": SHOPPING_CALLS
    | {
        (
            "com.bytedance.sdk.openadsdk.TTAdManager",
            "requestAdLocation",
            "Landroid/location/LocationManager;->getLastKnownLocation",
        )
    },
    "video-demo": {
        (
            "com.vikidemo.video.MainActivity",
            "fetchAdvertisingId",
            "Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;->getAdvertisingIdInfo",
        ),
        (
            "com.appsflyer.internal.AFDeviceId",
            "androidId",
            "Landroid/provider/Settings$Secure;->getString",
        ),
    },
    "plain-notes": {
        (
            "org.example.notes.NoteStore",
            "copyToClipboard",
            "Landroid/content/ClipboardManager;->setPrimaryClip",
        ),
    },
    "label-xss": set(),
}
# What counts as "sensitive" when checking that nothing else is called.
SENSITIVE_CALLEE = re.compile(
    r"^L(android/hardware/Camera|android/telephony/TelephonyManager|android/content/ClipboardManager"
    r"|android/content/ContentResolver;->query|android/location/|android/media/AudioRecord"
    r"|android/provider/Settings|android/content/pm/PackageManager;->getInstalled"
    r"|android/content/Context;->startService|android/content/Intent;->set(Package|ClassName)"
    r"|com/google/android/gms/ads/identifier/AdvertisingIdClient;->getAdvertisingIdInfo)"
)

PANGLE_CLASSES = {
    "Lcom/bytedance/sdk/openadsdk/TTAdSdk;",
    "Lcom/bytedance/sdk/openadsdk/TTAdConfig;",
    "Lcom/bytedance/sdk/openadsdk/TTAdManager;",
    "Lcom/bytedance/sdk/openadsdk/activity/TTRewardVideoActivity;",
    "Lcom/rakufun/shop/AdLoader;",
}

# -- helpers --------------------------------------------------------------------------------------


@functools.cache
def load_apk(name: str) -> APK:
    path = APKS / f"{name}.apk"
    assert path.is_file(), f"{path} missing: run `python samples/build_apps.py`"
    return APK(str(path))


@functools.cache
def dex_classes(name: str) -> dict[str, tuple[str, ...]]:
    """dex file name -> sorted class descriptors."""
    apk = load_apk(name)
    return {
        dex_name: tuple(sorted(c.get_name() for c in DEX(raw).get_classes()))
        for dex_name, raw in zip(apk.get_dex_names(), apk.get_all_dex(), strict=True)
    }


def dotted(descriptor: str) -> str:
    return descriptor[1:-1].replace("/", ".")


def iter_invokes(name: str) -> Iterator[tuple[str, str, str]]:
    """(caller class dotted, caller method, callee 'Lclass;->name') for every invoke."""
    apk = load_apk(name)
    for raw in apk.get_all_dex():
        for cls in DEX(raw).get_classes():
            for method in cls.get_methods():
                code = method.get_code()
                if code is None:
                    continue
                for ins in code.get_bc().get_instructions():
                    if ins.get_name().startswith("invoke"):
                        target = ins.get_output().split(", ")[-1]
                        callee = target.split("(", 1)[0]
                        yield dotted(cls.get_name()), method.get_name(), callee


def manifest_elements(name: str, tag: str) -> list:  # type: ignore[type-arg]
    return list(load_apk(name).get_android_manifest_xml().iter(tag))


def attr(element: object, key: str) -> str | None:
    return element.get(ANDROID_NS + key)  # type: ignore[attr-defined, no-any-return]


def component(name: str, tag: str, component_name: str) -> object:
    matches = [e for e in manifest_elements(name, tag) if attr(e, "name") == component_name]
    assert len(matches) == 1, f"{component_name} declared {len(matches)} times"
    return matches[0]


def intent_actions(element: object) -> set[str]:
    return {attr(a, "name") for a in element.iter("action")}  # type: ignore[attr-defined, misc]


# -- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_APPS)
def test_apk_is_small(name: str) -> None:
    assert (APKS / f"{name}.apk").stat().st_size < 64 * 1024


@pytest.mark.parametrize("name", ALL_APPS)
def test_identity(name: str) -> None:
    apk = load_apk(name)
    package, label, version_name, version_code, min_sdk, target_sdk = IDENTITY[name]
    assert apk.get_package() == package
    assert apk.get_app_name() == label
    assert apk.get_androidversion_name() == version_name
    assert apk.get_androidversion_code() == version_code
    assert apk.get_min_sdk_version() == min_sdk
    assert apk.get_target_sdk_version() == target_sdk


@pytest.mark.parametrize("name", ALL_APPS)
def test_permissions(name: str) -> None:
    plain, sdk23 = PERMISSIONS[name]
    assert {attr(e, "name") for e in manifest_elements(name, "uses-permission")} == plain
    assert {attr(e, "name") for e in manifest_elements(name, "uses-permission-sdk-23")} == sdk23


@pytest.mark.parametrize("name", ["shopping-demo", "shopping-demo-v2"])
def test_write_storage_is_capped_at_sdk_28(name: str) -> None:
    caps = {
        attr(e, "name"): attr(e, "maxSdkVersion")
        for e in manifest_elements(name, "uses-permission")
    }
    assert caps["android.permission.WRITE_EXTERNAL_STORAGE"] == "28"
    assert caps["android.permission.CAMERA"] is None


@pytest.mark.parametrize("name", ALL_APPS)
def test_components(name: str) -> None:
    for tag, expected in COMPONENTS[name].items():
        assert {attr(e, "name") for e in manifest_elements(name, tag)} == expected, tag


@pytest.mark.parametrize("name", ALL_APPS)
def test_meta_data_names(name: str) -> None:
    assert {attr(e, "name") for e in manifest_elements(name, "meta-data")} == META_DATA[name]


def test_jpush_components_as_the_vendor_declares_them() -> None:
    service = component("shopping-demo", "service", "cn.jpush.android.service.PushService")
    assert attr(service, "exported") == "true"
    assert attr(service, "process") == ":pushcore"
    assert intent_actions(service) == {
        "cn.jpush.android.intent.REGISTER",
        "cn.jpush.android.intent.DaemonService",
    }
    receiver = component("shopping-demo", "receiver", "cn.jpush.android.service.PushReceiver")
    assert attr(receiver, "exported") == "true"
    assert intent_actions(receiver) == {
        "android.intent.action.USER_PRESENT",
        "android.net.conn.CONNECTIVITY_CHANGE",
        "android.intent.action.PACKAGE_ADDED",
    }
    assert [attr(d, "scheme") for d in receiver.iter("data")] == ["package"]  # type: ignore[attr-defined]
    provider = component("shopping-demo", "provider", "cn.jpush.android.service.DataProvider")
    assert attr(provider, "exported") == "true"
    assert attr(provider, "authorities") == "com.rakufun.shop.DataProvider"
    boot = component("shopping-demo", "receiver", "com.rakufun.shop.BootReceiver")
    assert intent_actions(boot) == {"android.intent.action.BOOT_COMPLETED"}


def test_appsflyer_install_referrer_receiver() -> None:
    receiver = component("video-demo", "receiver", "com.appsflyer.SingleInstallBroadcastReceiver")
    assert intent_actions(receiver) == {"com.android.vending.INSTALL_REFERRER"}


def test_meta_data_values() -> None:
    values = {
        attr(e, "name"): attr(e, "value") for e in manifest_elements("shopping-demo", "meta-data")
    }
    assert values["JPUSH_APPKEY"] == "0a1b2c3d4e5f60718293a4b5"
    # UMENG_APPKEY and the Facebook app id are @string references, resolved through resources.arsc.
    assert values["UMENG_APPKEY"] is not None and values["UMENG_APPKEY"].startswith("@")
    fb = manifest_elements("video-demo", "meta-data")[0]
    assert attr(fb, "value") is not None and attr(fb, "value").startswith("@")  # type: ignore[union-attr]


def test_label_xss_strings_survive_unescaped() -> None:
    values = {
        attr(e, "name"): attr(e, "value") for e in manifest_elements("label-xss", "meta-data")
    }
    assert values["probe.html"] == '"><img src=x onerror=alert(2)>&amp;'
    activity = component("label-xss", "activity", "org.example.labelxss.Main$_Activity$1")
    assert attr(activity, "label") == "<b>bold</b>"


@pytest.mark.parametrize("name", ALL_APPS)
def test_classes_live_in_expected_packages_and_dex(name: str) -> None:
    classes = dex_classes(name)
    for prefix, (dex_name, count) in SDK_PACKAGES[name].items():
        owner = "L" + prefix.replace(".", "/") + "/"
        found = {d: [c for c in cs if c.startswith(owner)] for d, cs in classes.items()}
        assert len(found.get(dex_name, [])) == count, (prefix, found)
        others = [c for d, cs in found.items() if d != dex_name for c in cs]
        assert others == [], (prefix, others)


def test_shopping_demo_is_multidex() -> None:
    assert set(dex_classes("shopping-demo")) == {"classes.dex", "classes2.dex"}
    assert set(dex_classes("video-demo")) == {"classes.dex"}


def test_wechat_stub_is_a_single_interface() -> None:
    apk = load_apk("shopping-demo")
    (stub,) = (
        c
        for raw in apk.get_all_dex()
        for c in DEX(raw).get_classes()
        if c.get_name().startswith("Lcom/tencent/mm/")
    )
    assert stub.get_name() == "Lcom/tencent/mm/opensdk/openapi/IWXAPI;"
    assert "interface" in stub.get_access_flags_string()
    manifest_names = {
        attr(e, "name")
        for tag in ("activity", "meta-data")
        for e in manifest_elements("shopping-demo", tag)
    }
    assert not any(n and "tencent.mm" in n for n in manifest_names)


@pytest.mark.parametrize("name", ALL_APPS)
def test_sensitive_call_sites(name: str) -> None:
    found = {call for call in iter_invokes(name) if SENSITIVE_CALLEE.match(call[2])}
    assert found == CALL_SITES[name]


@pytest.mark.parametrize(
    ("name", "cls", "method"),
    [
        ("shopping-demo", "Lcom/umeng/commonsdk/statistics/common/DeviceConfig;", "getAndroidId"),
        ("video-demo", "Lcom/appsflyer/internal/AFDeviceId;", "androidId"),
    ],
)
def test_android_id_is_a_const_string_argument(name: str, cls: str, method: str) -> None:
    apk = load_apk(name)
    (m,) = (
        m
        for c in DEX(apk.get_dex()).get_classes()
        if c.get_name() == cls
        for m in c.get_methods()
        if m.get_name() == method
    )
    outputs = [
        i.get_name() + " " + i.get_output() for i in m.get_code().get_bc().get_instructions()
    ]
    assert any(o.startswith("const-string") and "android_id" in o for o in outputs), outputs


def test_bugly_is_idle() -> None:
    bugly = [
        call for call in iter_invokes("shopping-demo") if call[0].startswith("com.tencent.bugly.")
    ]
    assert bugly, "Bugly classes have no code"
    assert {callee for _, _, callee in bugly} <= {
        "Landroid/util/Log;->i",
        "Lcom/tencent/bugly/proguard/a;->a",
        "Ljava/lang/Object;-><init>",
    }


def test_native_library_is_an_arm64_elf_exporting_jni() -> None:
    with zipfile.ZipFile(APKS / "shopping-demo.apk") as z:
        libs = [n for n in z.namelist() if n.startswith("lib/")]
        assert libs == ["lib/arm64-v8a/libjcore319.so"]
        raw = z.read(libs[0])
    assert raw[:4] == b"\x7fELF"
    binary = lief.parse(raw)
    assert isinstance(binary, lief.ELF.Binary)
    assert binary.header.machine_type == lief.ELF.ARCH.AARCH64
    assert binary.header.file_type == lief.ELF.Header.FILE_TYPE.DYN
    exported = {f.name for f in binary.exported_functions}
    source = (APPS / "shopping-demo" / "native" / "libjcore319.c").read_text(encoding="utf-8")
    declared = set(re.findall(r"\b(Java_\w+|JNI_OnLoad)\s*\(", source))
    assert "Java_cn_jiguang_internal_JCoreNative_getSign" in exported
    assert exported == declared
    # The class named by the export really declares the native method.
    natives = {
        (dotted(c.get_name()), m.get_name())
        for c in DEX(list(load_apk("shopping-demo").get_all_dex())[1]).get_classes()
        for m in c.get_methods()
        if "native" in m.get_access_flags_string()
    }
    assert ("cn.jiguang.internal.JCoreNative", "getSign") in natives


@pytest.mark.parametrize("name", ["video-demo", "plain-notes", "label-xss"])
def test_no_native_libraries(name: str) -> None:
    with zipfile.ZipFile(APKS / f"{name}.apk") as z:
        assert not [n for n in z.namelist() if n.startswith("lib/")]


def test_v2_is_v1_plus_pangle() -> None:
    v1 = {c for cs in dex_classes("shopping-demo").values() for c in cs}
    v2 = {c for cs in dex_classes("shopping-demo-v2").values() for c in cs}
    assert v2 - v1 == PANGLE_CLASSES
    assert v1 <= v2
    assert PERMISSIONS["shopping-demo-v2"][0] - PERMISSIONS["shopping-demo"][0] == {
        "android.permission.ACCESS_COARSE_LOCATION"
    }


def load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_apps", SAMPLES / "build_apps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("apktool") is None, reason="apktool not installed")
def test_rebuild_from_sources_matches_committed_apks(tmp_path: Path) -> None:
    build = load_build_script()
    assert build.main(["--out", str(tmp_path)]) == 0
    for name in ALL_APPS:
        fresh = APK(str(tmp_path / f"{name}.apk"))
        committed = load_apk(name)
        fresh_classes = {
            dex_name: sorted(c.get_name() for c in DEX(raw).get_classes())
            for dex_name, raw in zip(fresh.get_dex_names(), fresh.get_all_dex(), strict=True)
        }
        assert fresh_classes == {d: list(cs) for d, cs in dex_classes(name).items()}, name
        assert set(fresh.get_permissions()) == set(committed.get_permissions()), name
        with (
            zipfile.ZipFile(tmp_path / f"{name}.apk") as a,
            zipfile.ZipFile(APKS / f"{name}.apk") as b,
        ):
            assert a.namelist() == b.namelist(), name
            # Dex files come from smali alone, so they must match byte for byte.
            for entry in a.namelist():
                if entry.endswith(".dex"):
                    assert a.read(entry) == b.read(entry), (name, entry)
