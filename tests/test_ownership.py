"""Detect-stage judgement of call sites: who owns them, whether the app's permissions let them
yield data, whether an associated-startup target is another app; startup broadcasts Android
delivers; SDKs only declared in the manifest."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from realworld import real_world_file

from scanner.detect import associated_targets, capability_uses
from scanner.detect.ownership import OwnerIndex, dex_class_facts, is_minified
from scanner.detect.permissions import held_at, mark_dormant
from scanner.detect.sdks import SdkIndex, detect_sdks
from scanner.detect.startup import detect_startup
from scanner.model import (
    ApiAccess,
    AppIdentity,
    AppInventory,
    AppKind,
    CallSiteUse,
    CodeEvidenceKind,
    Component,
    ComponentKind,
    IntentFilter,
    MetaData,
    OwnerKind,
    PermissionElement,
    PermissionRequest,
    SdkStatus,
    StartupKind,
    Strength,
)
from scanner.pipeline import scan_app
from scanner.signatures.catalog import builtin_sdks, capabilities
from scanner.signatures.libraries import builtin_libraries

SDKS = SdkIndex(builtin_sdks())
PHONE_STATE = "android.permission.READ_PHONE_STATE"
BOOT = "android.permission.RECEIVE_BOOT_COMPLETED"


def _inventory(
    package: str = "com.example.app",
    min_sdk: int | None = 21,
    target_sdk: int | None = 28,
    permissions: tuple[PermissionRequest, ...] = (),
    components: tuple[Component, ...] = (),
    meta_data: tuple[MetaData, ...] = (),
    class_names: tuple[str, ...] = (),
) -> AppInventory:
    identity = AppIdentity(
        AppKind.APK, "x.apk", "0" * 64, 1, package, min_sdk=min_sdk, target_sdk=target_sdk
    )
    return AppInventory(identity, permissions, components, meta_data, (), (), (), class_names, ())


def _perm(name: str, max_sdk: int | None = None, sdk23: bool = False) -> PermissionRequest:
    element = (
        PermissionElement.USES_PERMISSION_SDK_23 if sdk23 else PermissionElement.USES_PERMISSION
    )
    return PermissionRequest(name, element, max_sdk)


def _site(
    category: str, api_class: str, api_method: str, caller: str = "com.example.app.Main"
) -> CallSiteUse:
    return CallSiteUse(
        category=category,
        api_class=api_class,
        api_method=api_method,
        access=ApiAccess.READ,
        caller_class=caller,
        caller_method="run",
        caller_descriptor="()V",
        code_unit="classes.dex",
        evidence_kind=CodeEvidenceKind.INVOKE,
    )


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["e.n", "e.n$a", "a.b.c", "a.b.Foo", "ab.c.de", "a", "aab"])
def test_minified_names(name: str) -> None:
    assert is_minified(name)


@pytest.mark.parametrize(
    "name",
    ["com.example.Foo", "io.ab.Client", "me.App", "MainActivity", "okhttp3.a", "j$.util.Map"],
)
def test_readable_names_are_not_minified(name: str) -> None:
    assert not is_minified(name)


def test_owner_precedence_sdk_library_app_unknown() -> None:
    owners = OwnerIndex(SDKS, builtin_libraries(), "com.example.app")
    assert owners.owner_of("cn.jpush.android.api.JPushInterface").kind is OwnerKind.SDK
    twilight = owners.owner_of("androidx.appcompat.app.TwilightManager")
    assert (twilight.kind, twilight.library) == (OwnerKind.LIBRARY, "androidx-appcompat")
    assert owners.owner_of("com.example.app.a.b").kind is OwnerKind.APP  # own obfuscated code
    assert owners.owner_of("com.vendor.tools.Helper").kind is OwnerKind.APP  # readable
    assert owners.owner_of("e.n").kind is OwnerKind.UNKNOWN
    # An SDK's own obfuscated sub-package (JCore's cn.jiguang.bi) stays the SDK's.
    assert owners.owner_of("cn.jiguang.bi.a").sdk == "jcore"


REAL_APPS = sorted(
    [
        "AndroidBluePill.apk",
        "ApiDemos-debug.apk",
        "ClipDump.apk",
        "Droidmon.apk",
        "JustTrustMe.apk",
        "Xposed.apk",
        "XposedInstaller_3.1.5.apk",
        "Yosemite.apk",
        "app-uiautomator.apk",
        "appium-uiautomator2-server-v10.6.6.apk",
        "com.devadvance.rootcloak2_v18_c43b61.apk",
        "mobi.acpm.proxyon_v1_419b04.apk",
        "mobi.acpm.sslunpinning_v2_37f44f.apk",
        "pocoservice-debug.apk",
        "settings_apk-debug.apk",
    ]
)


@pytest.mark.realworld
@pytest.mark.parametrize("apk", REAL_APPS)
def test_no_readable_class_of_a_real_app_is_unknown(apk: str) -> None:
    """These apps are not minified: outside their own, SDK and library packages every class is
    readable (Xerces, jcommander, OkHttp, android.* stubs), so the rule must name none of
    them unknown, and every call site has a name-based owner."""
    result = scan_app(real_world_file(apk))
    owners = OwnerIndex(SDKS, builtin_libraries(), result.inventory.identity.package)
    unknown = [
        c for c in result.inventory.class_names if owners.owner_of(c).kind is OwnerKind.UNKNOWN
    ]
    assert unknown == []
    assert all(s.owner_kind is not OwnerKind.UNKNOWN for s in result.call_sites)
    own = result.inventory.identity.package
    assert all(
        s.owner_kind is OwnerKind.APP
        for s in result.call_sites
        if s.caller_class.startswith(own + ".")
    )


@pytest.mark.realworld
@pytest.mark.parametrize(
    ("apk", "cls", "library"),
    [
        ("ApiDemos-debug.apk", "androidx.appcompat.app.TwilightManager", "androidx-appcompat"),
        ("ClipDump.apk", "android.support.v7.app.TwilightManager", "android-support"),
    ],
)
def test_twilight_manager_call_sites_are_library_code(apk: str, cls: str, library: str) -> None:
    result = scan_app(real_world_file(apk))
    sites = [s for s in result.call_sites if s.caller_class == cls]
    assert sites
    assert {(s.owner_kind, s.library) for s in sites} == {(OwnerKind.LIBRARY, library)}
    assert not any(s.active for s in sites)
    rolled_up = {s.caller_class for c in result.capabilities for s in c.call_site_uses}
    assert cls not in rolled_up


@pytest.mark.realworld
def test_class_facts_read_from_a_real_dex_have_the_twilight_shape() -> None:
    with zipfile.ZipFile(real_world_file("ClipDump.apk")) as apk:
        dex = apk.read("classes.dex")
    shape = next(
        s
        for s in next(lib for lib in builtin_libraries() if lib.id == "android-support").shapes
        if s.id == "twilight-manager"
    )
    apis = {*shape.calls, *shape.class_calls}
    facts = dex_class_facts(
        dex,
        "classes.dex",
        {"android.support.v7.app.TwilightManager", "android.support.v7.app.AppCompatDelegateImpl"},
        apis,
        shape.constants,
    )
    assert shape.matches(facts["android.support.v7.app.TwilightManager"])
    other = facts.get("android.support.v7.app.AppCompatDelegateImpl", [])
    assert not shape.matches(other)


# ----------------------------------------------------------------------------- shapes, compiled

_LOCATION_MANAGER = """
package android.location;
public class LocationManager {
    public boolean isProviderEnabled(String p) { return false; }
    public Location getLastKnownLocation(String p) { return null; }
}
"""
_LOCATION = "package android.location; public class Location {}"
_TWILIGHT_SHAPE = """
package %(package)s;
import android.location.Location;
import android.location.LocationManager;
public class %(name)s {
    private final LocationManager lm;
    public %(name)s(LocationManager lm) { this.lm = lm; }
    boolean granted(String p) { return p != null; }
    Location lastKnown() {
        Location coarse = null, fine = null;
        if (granted("android.permission.ACCESS_COARSE_LOCATION")) coarse = forProvider("network");
        if (granted("android.permission.ACCESS_FINE_LOCATION")) fine = forProvider(%(gps)s);
        return fine != null ? fine : coarse;
    }
    Location forProvider(String provider) {
        if (lm.isProviderEnabled(provider)) return lm.getLastKnownLocation(provider);
        return null;
    }
}
"""


def _compiled_jar(tmp_path: Path, package: str, name: str, gps: str = '"gps"') -> Path:
    """A jar holding one class compiled from source with the TwilightManager code shape."""
    if shutil.which("javac") is None:
        pytest.skip("javac is not installed")
    src = tmp_path / "src"
    (src / "android" / "location").mkdir(parents=True)
    (src / "android" / "location" / "LocationManager.java").write_text(_LOCATION_MANAGER)
    (src / "android" / "location" / "Location.java").write_text(_LOCATION)
    pkg_dir = src.joinpath(*package.split("."))
    pkg_dir.mkdir(parents=True, exist_ok=True)
    source = _TWILIGHT_SHAPE % {"package": package, "name": name, "gps": gps}
    (pkg_dir / f"{name}.java").write_text(source)
    out = tmp_path / "classes"
    files = [str(p) for p in src.rglob("*.java")]
    subprocess.run(["javac", "-d", str(out), *files], check=True, capture_output=True)
    jar = tmp_path / "lib.jar"
    entry = "/".join(package.split(".")) + f"/{name}.class"
    with zipfile.ZipFile(jar, "w") as zf:
        zf.write(out / entry, entry)
    return jar


def _location_sites(jar: Path) -> list[CallSiteUse]:
    sites = [s for s in scan_app(jar).call_sites if s.category == "location_precise"]
    assert sites, "the compiled class calls getLastKnownLocation"
    return sites


def test_r8_named_class_with_the_twilight_shape_is_library_code(tmp_path: Path) -> None:
    sites = _location_sites(_compiled_jar(tmp_path, "e", "n"))
    assert {s.owner_kind for s in sites} == {OwnerKind.LIBRARY}
    assert {s.library for s in sites} <= {"android-support", "androidx-appcompat"}


def test_r8_named_class_without_the_shape_is_unknown(tmp_path: Path) -> None:
    # Without the "gps" constant it is a location reader like any app's, not TwilightManager.
    sites = _location_sites(_compiled_jar(tmp_path, "e", "n", gps='"fused"'))
    assert {s.owner_kind for s in sites} == {OwnerKind.UNKNOWN}
    # A jar has no manifest of its own: the host app's permissions decide, so not dormant.
    assert all(s.active for s in sites)


def test_readable_class_with_the_shape_stays_the_apps(tmp_path: Path) -> None:
    # A name-based owner beats a shape: a readable class is the app's even if it looks alike.
    sites = _location_sites(_compiled_jar(tmp_path, "com.example.weather", "Twilight"))
    assert {s.owner_kind for s in sites} == {OwnerKind.APP}


# ----------------------------------------------------------------------------- dormant


def _device_id() -> CallSiteUse:
    return _site("device_id", "android.telephony.TelephonyManager", "getDeviceId")


def test_get_device_id_without_read_phone_state_is_dormant() -> None:
    (site,) = mark_dormant([_device_id()], _inventory(), capabilities())
    assert site.dormant and PHONE_STATE in site.needs
    assert not site.active
    assert capability_uses(capabilities(), (), (), (site,)) == ()


def test_get_device_id_with_read_phone_state_is_live_before_android_10() -> None:
    inv = _inventory(permissions=(_perm(PHONE_STATE),))
    (site,) = mark_dormant([_device_id()], inv, capabilities())
    assert not site.dormant and site.active
    (use,) = capability_uses(capabilities(), (), (), (site,))
    assert use.call_sites == 1


def test_get_device_id_is_dormant_when_the_app_runs_only_on_android_10_and_later() -> None:
    # From API 29 only privileged apps get the IMEI: READ_PHONE_STATE does not help.
    inv = _inventory(min_sdk=29, target_sdk=33, permissions=(_perm(PHONE_STATE),))
    (site,) = mark_dormant([_device_id()], inv, capabilities())
    assert site.dormant


def test_max_sdk_version_and_sdk_23_requests_are_respected() -> None:
    perms = (_perm(PHONE_STATE, max_sdk=22), _perm("android.permission.CAMERA", sdk23=True))
    assert held_at(perms, 22) == {PHONE_STATE}
    assert held_at(perms, 23) == {"android.permission.CAMERA"}
    # The request ends before the app's first API level: nothing is held.
    inv = _inventory(min_sdk=23, permissions=(_perm(PHONE_STATE, max_sdk=22),))
    (site,) = mark_dormant([_device_id()], inv, capabilities())
    assert site.dormant


def test_audio_record_needs_record_audio() -> None:
    site = _site("microphone", "android.media.AudioRecord", "<init>")
    (without,) = mark_dormant([site], _inventory(), capabilities())
    assert without.dormant and without.needs == ("android.permission.RECORD_AUDIO",)
    inv = _inventory(permissions=(_perm("android.permission.RECORD_AUDIO", sdk23=True),))
    (with_it,) = mark_dormant([site], inv, capabilities())
    assert not with_it.dormant


def test_an_api_that_needs_no_permission_is_never_dormant() -> None:
    site = _site("clipboard", "android.content.ClipboardManager", "getPrimaryClip")
    (judged,) = mark_dormant([site], _inventory(), capabilities())
    assert not judged.dormant


@pytest.mark.realworld
def test_telephony_manager_compat_is_dormant_library_code_in_apidemos() -> None:
    result = scan_app(real_world_file("ApiDemos-debug.apk"))
    sites = [s for s in result.call_sites if s.api_method == "getDeviceId"]
    assert sites and all(s.dormant and PHONE_STATE in s.needs for s in sites)


# ----------------------------------------------------------------------------- startup


def _receiver(name: str, *actions: str) -> Component:
    return Component(
        ComponentKind.RECEIVER,
        name,
        exported=True,
        explicit_exported=True,
        enabled=True,
        permission=None,
        process=None,
        intent_filters=(IntentFilter(actions=actions),),
    )


BOOT_RECEIVER = _receiver("com.example.app.Boot", "android.intent.action.BOOT_COMPLETED")
POWER_RECEIVER = _receiver("com.example.app.Power", "android.intent.action.ACTION_POWER_CONNECTED")


def _self_startup(inv: AppInventory) -> set[str]:
    return {
        s.component
        for s in detect_startup(inv, capabilities(), SDKS)
        if s.kind is StartupKind.SELF_STARTUP
    }


def test_boot_receiver_needs_receive_boot_completed() -> None:
    assert _self_startup(_inventory(components=(BOOT_RECEIVER,))) == set()
    inv = _inventory(components=(BOOT_RECEIVER,), permissions=(_perm(BOOT),))
    assert _self_startup(inv) == {"com.example.app.Boot"}


def test_implicit_broadcasts_stop_starting_apps_targeting_26() -> None:
    assert _self_startup(_inventory(components=(POWER_RECEIVER,), target_sdk=25)) == {
        "com.example.app.Power"
    }
    assert _self_startup(_inventory(components=(POWER_RECEIVER,), target_sdk=26)) == set()
    # Exempted broadcasts keep working.
    clock = _receiver("com.example.app.Clock", "android.intent.action.TIMEZONE_CHANGED")
    assert _self_startup(_inventory(components=(clock,), target_sdk=34)) == {
        "com.example.app.Clock"
    }


def test_own_exported_receiver_with_its_own_action_is_no_associated_startup() -> None:
    own = _receiver("com.example.app.Refresh", "com.example.app.REFRESH")
    push = _receiver("com.example.app.Wake", "cn.jpush.android.intent.DaemonService")
    kinds = {
        (s.component, s.kind)
        for s in detect_startup(_inventory(components=(own, push)), capabilities(), SDKS)
    }
    assert kinds == {("com.example.app.Wake", StartupKind.ASSOCIATED_STARTUP)}


@pytest.mark.realworld
def test_pocoservice_starts_on_no_broadcast() -> None:
    # DeviceReceiver listens for BOOT_COMPLETED without RECEIVE_BOOT_COMPLETED; the power
    # receiver's broadcasts are not delivered at targetSdk 33.
    result = scan_app(real_world_file("pocoservice-debug.apk"))
    assert [s for s in result.startup if s.kind is StartupKind.SELF_STARTUP] == []


# ----------------------------------------------------------------------------- targets


def _start(argument: str | None) -> CallSiteUse:
    site = _site("associated_startup", "android.content.Context", "startService")
    return replace(site, argument=argument, access=ApiAccess.USE)


def test_associated_startup_targets() -> None:
    sites = [
        _start("com.example.app"),
        _start("com.example.app.push"),
        _start("com.android.chrome"),
        _start(None),
    ]
    kept = associated_targets(sites, "com.example.app")
    assert [(s.argument, s.strength) for s in kept] == [
        ("com.android.chrome", Strength.STRONG),
        (None, Strength.WEAK),
    ]
    # A package that only shares a prefix with the app's is another app.
    assert len(associated_targets([_start("com.example.apps")], "com.example.app")) == 1


# ----------------------------------------------------------------------------- SDKs


def test_key_only_sdk_is_declared() -> None:
    key = MetaData("com.amap.api.v2.apikey", "0123456789abcdef")
    (amap,) = detect_sdks(_inventory(meta_data=(key,)), SDKS)
    assert (amap.sdk_id, amap.status, amap.class_count) == ("amap", SdkStatus.DECLARED, 0)
    with_code = _inventory(
        meta_data=(key,), class_names=("com.amap.api.location.AMapLocationClient",)
    )
    (amap,) = detect_sdks(with_code, SDKS)
    assert amap.status is SdkStatus.PRESENT


def test_personal_data_from_collects_or_exercised_code() -> None:
    inv = _inventory(class_names=tuple(f"cn.jpush.android.api.C{i}" for i in range(5)))
    (jpush,) = detect_sdks(inv, SDKS)
    assert jpush.personal_data  # its signature lists what it collects
    counts = Counter(
        d.personal_data
        for d in detect_sdks(
            _inventory(
                class_names=tuple(f"com.google.android.gms.auth.api.signin.C{i}" for i in range(5))
            ),
            SDKS,
        )
    )
    assert counts == Counter({False: 1})  # Google Sign-In lists nothing and runs no capability code


def test_component_patterns_claim_their_classes_inside_another_sdks_prefix() -> None:
    classes = (
        "cn.jpush.android.service.PushService",
        "cn.jpush.android.service.DaemonService",
        "cn.jpush.android.service.DataShare",
        "cn.jpush.android.service.JPushMessageReceiver",
    )
    found = {d.sdk_id: d.class_count for d in detect_sdks(_inventory(class_names=classes), SDKS)}
    assert found == {"jcore": 3, "jpush": 1}
