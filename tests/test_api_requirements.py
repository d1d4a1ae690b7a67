"""The permission each capability API needs (`requires`) and the argument that makes it a match
(`argument`), in signatures/capabilities/*.json; evaluated by scanner/signatures/requirements.py."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest

from scanner.resources import data_dir
from scanner.signatures import catalog
from scanner.signatures.requirements import (
    ArgumentFact,
    ArgumentKind,
    Requirement,
    RequirementLevel,
    argument_from_doc,
    requirement_from_doc,
)

AP = "android.permission."
CAPS = data_dir("signatures") / "capabilities"
LATEST = 40
"""Probe device levels and targets up to here: beyond every level bound in the data."""


def _caps() -> dict[str, catalog.Capability]:
    return {c.id: c for c in catalog.capabilities()}


def _every_api() -> list[catalog.ApiSignature]:
    return [a for c in catalog.capabilities() for a in (*c.apis, *c.argument_gated_apis)]


def _api(class_name: str, method: str, category: str | None = None) -> catalog.ApiSignature:
    found = [
        a
        for a in _every_api()
        if (a.class_name, a.method) == (class_name, method)
        and (category is None or a.category == category)
    ]
    assert len(found) == 1, (class_name, method, category)
    return found[0]


def _requirement(class_name: str, method: str, category: str | None = None) -> Requirement:
    req = _api(class_name, method, category).requires
    assert req is not None
    return req


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (data_dir("signatures") / "schema" / "capability.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def _doc(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((CAPS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


# --------------------------------------------------------------------------- the data


def test_every_api_and_field_has_a_requirement() -> None:
    for cap in catalog.capabilities():
        for api in (*cap.apis, *cap.argument_gated_apis):
            assert api.requires is not None and api.requires.levels, (cap.id, api)
        for f in cap.fields:
            assert f.requires is not None and f.requires.levels, (cap.id, f)


def test_every_string_has_a_requirement() -> None:
    for cap in catalog.capabilities():
        stated = dict(cap.string_requirements)
        assert set(stated) == set(cap.strings), cap.id
        assert all(req.levels for req in stated.values()), cap.id


def test_every_named_permission_is_a_real_permission() -> None:
    levels = catalog.permission_levels()
    requirements = [
        entry.requires
        for cap in catalog.capabilities()
        for entry in (*cap.apis, *cap.argument_gated_apis, *cap.fields)
        if entry.requires is not None
    ] + [req for cap in catalog.capabilities() for _text, req in cap.string_requirements]
    named = {p for req in requirements for p in req.permissions}
    assert len(named) >= 30
    assert named - set(levels) == set()


@pytest.mark.parametrize(
    ("category", "text", "held", "expected"),
    [
        ("phone_calls", "android.intent.action.CALL", [], False),
        ("phone_calls", "android.intent.action.CALL", [AP + "CALL_PHONE"], True),
        ("sms", "content://sms", [], False),
        ("sms", "content://sms", [AP + "READ_SMS"], True),
        ("contacts", "content://com.android.contacts", [AP + "READ_CALENDAR"], False),
        ("device_id", "android_id", [], True),
        ("camera", "android.media.action.IMAGE_CAPTURE", [], True),
    ],
)
def test_string_requirement(category: str, text: str, held: list[str], expected: bool) -> None:
    req = dict(_caps()[category].string_requirements)[text]
    assert req.can_yield(held, 21, 34) is expected


def test_levels_cover_every_device_level_and_target_exactly_once() -> None:
    """From the entry's first API level up, one level (no more) governs each device x target."""
    entries = [
        e for c in catalog.capabilities() for e in (*c.apis, *c.argument_gated_apis, *c.fields)
    ]
    for entry in entries:
        req = entry.requires
        assert req is not None
        first = min(lvl.from_sdk for lvl in req.levels)
        assert first <= (entry.min_sdk or 1), entry
        for sdk in range(first, LATEST):
            for target in range(1, LATEST):
                governing = [lvl for lvl in req.levels if lvl.applies(sdk, target)]
                assert len(governing) == 1, (entry, sdk, target, governing)


def test_every_requirement_names_its_source_or_reason() -> None:
    for entry in _every_api():
        req = entry.requires
        assert req is not None
        assert req.source.startswith("https://") or req.reason, entry
        unknown = [lvl for lvl in req.levels if lvl.unknown]
        assert all(lvl.note for lvl in unknown), entry


def test_requirement_counts() -> None:
    apis = _every_api()
    fully_unknown = [
        a for a in apis if a.requires and all(lvl.unknown for lvl in a.requires.levels)
    ]
    assert len(apis) >= 150
    assert len(fully_unknown) <= 15


# --------------------------------------------------------------------------- facts


@pytest.mark.parametrize(
    ("class_name", "method", "held", "min_sdk", "target", "expected"),
    [
        # RECORD_AUDIO guards the microphone at every level
        ("android.media.AudioRecord", "<init>", [], 21, 34, False),
        ("android.media.AudioRecord", "<init>", [AP + "RECORD_AUDIO"], 21, 34, True),
        ("android.media.MediaRecorder", "setAudioSource", [AP + "CAMERA"], 21, 34, False),
        # location: either permission
        ("android.location.LocationManager", "getLastKnownLocation", [], 21, 34, False),
        ("android.location.LocationManager", "getLastKnownLocation",
         [AP + "ACCESS_COARSE_LOCATION"], 21, 34, True),
        # IMEI: READ_PHONE_STATE works only below Android 10
        ("android.telephony.TelephonyManager", "getDeviceId", [AP + "READ_PHONE_STATE"], 21, 34,
         True),
        ("android.telephony.TelephonyManager", "getDeviceId", [AP + "READ_PHONE_STATE"], 29, 34,
         False),
        ("android.telephony.TelephonyManager", "getDeviceId", [], 21, 34, False),
        ("android.os.Build", "getSerial", [AP + "READ_PHONE_STATE"], 29, 29, False),
        # the line-1 number: READ_PHONE_STATE is enough only for targets up to 29
        ("android.telephony.TelephonyManager", "getLine1Number", [AP + "READ_PHONE_STATE"], 30, 29,
         True),
        ("android.telephony.TelephonyManager", "getLine1Number", [AP + "READ_PHONE_STATE"], 30, 30,
         False),
        ("android.telephony.TelephonyManager", "getLine1Number", [AP + "READ_PHONE_NUMBERS"], 30,
         30, True),
        # the installed-app list: filtered from API 30 for targets 30+
        ("android.content.pm.PackageManager", "getInstalledPackages", [], 30, 30, False),
        ("android.content.pm.PackageManager", "getInstalledPackages", [], 24, 30, True),
        ("android.content.pm.PackageManager", "getInstalledPackages", [], 30, 29, True),
        ("android.content.pm.PackageManager", "getInstalledPackages",
         [AP + "QUERY_ALL_PACKAGES"], 30, 30, True),
        # accounts: GET_ACCOUNTS matters before API 26 or for old targets
        ("android.accounts.AccountManager", "getAccounts", [], 21, 34, True),
        ("android.accounts.AccountManager", "getAccounts", [], 26, 25, False),
        ("android.accounts.AccountManager", "getAccounts", [AP + "GET_ACCOUNTS"], 26, 25, True),
        # MAC addresses: privileged from Android 6.0
        ("android.net.wifi.WifiInfo", "getMacAddress", [AP + "ACCESS_WIFI_STATE"], 21, 34, True),
        ("android.net.wifi.WifiInfo", "getMacAddress", [AP + "ACCESS_WIFI_STATE"], 23, 34, False),
        ("android.bluetooth.BluetoothAdapter", "getAddress", [AP + "BLUETOOTH"], 23, 34, False),
        # scan results: ACCESS_WIFI_STATE and a location permission, both
        ("android.net.wifi.WifiManager", "getScanResults", [AP + "ACCESS_WIFI_STATE"], 23, 34,
         False),
        ("android.net.wifi.WifiManager", "getScanResults",
         [AP + "ACCESS_WIFI_STATE", AP + "ACCESS_FINE_LOCATION"], 23, 34, True),
        # needs nothing
        ("android.content.ClipboardManager", "getPrimaryClip", [], 21, 34, True),
        ("android.provider.Settings$Secure", "getString", [], 21, 34, True),
    ],
)  # fmt: skip
def test_can_yield(
    class_name: str, method: str, held: list[str], min_sdk: int, target: int, expected: bool
) -> None:
    assert _requirement(class_name, method).can_yield(held, min_sdk, target) is expected


def test_unknown_stays_unknown() -> None:
    req = _requirement("android.provider.MediaStore$Downloads", "getContentUri")
    assert req.can_yield([], 29, 34) is None
    # an unknown level does not hide a level that is known to work
    wifi = _requirement("android.net.wifi.WifiManager", "getConnectionInfo")
    assert wifi.can_yield([AP + "ACCESS_WIFI_STATE"], 21, 34) is True
    assert wifi.can_yield([AP + "ACCESS_WIFI_STATE"], 26, 34) is None
    assert wifi.can_yield([], 29, 34) is False


def test_phone_state_and_device_id_permissions_are_read_phone_state() -> None:
    assert (
        AP + "READ_PHONE_STATE"
        in _requirement("android.telephony.TelephonyManager", "getImei").permissions
    )
    assert (
        AP + "READ_PRIVILEGED_PHONE_STATE"
        in _requirement("android.os.Build", "getSerial").permissions
    )


# --------------------------------------------------------------------------- arguments


def test_settings_secure_is_a_device_id_only_with_android_id() -> None:
    arg = _api("android.provider.Settings$Secure", "getString").argument
    assert arg is not None and arg.index == 1 and arg.kind is ArgumentKind.STRING
    assert arg.accepts("android_id", "com.example")
    assert not arg.accepts("enabled_notification_listeners", "com.example")


def test_explicit_intent_counts_only_for_another_package() -> None:
    for method in ("setPackage", "setClassName"):
        arg = _api("android.content.Intent", method).argument
        assert arg is not None and arg.kind is ArgumentKind.PACKAGE
        assert arg.accepts("com.other.app", "com.example")
        assert not arg.accepts("com.example", "com.example")
    target = _api("android.content.Context", "startService").argument
    assert target is not None and target.kind is ArgumentKind.INTENT_TARGET
    assert not target.accepts("com.example", "com.example")


def test_set_class_name_names_the_string_overload() -> None:
    arg = _api("android.content.Intent", "setClassName").argument
    assert arg is not None
    assert arg.descriptor == "(Ljava/lang/String;Ljava/lang/String;)Landroid/content/Intent;"


def test_sensor_type_tells_motion_from_heart_rate() -> None:
    motion = _api("android.hardware.SensorManager", "getDefaultSensor", "motion_sensors").argument
    heart = _api("android.hardware.SensorManager", "getDefaultSensor", "body_sensors").argument
    assert motion is not None and heart is not None
    assert motion.accepts(1, "com.example") and motion.accepts(4, "com.example")  # acc, gyro
    assert not motion.accepts(21, "com.example") and not motion.accepts(5, "com.example")
    assert heart.accepts(21, "com.example") and not heart.accepts(1, "com.example")
    body = _requirement("android.hardware.SensorManager", "registerListener", "body_sensors")
    assert body.can_yield([], 21, 34) is False
    assert body.can_yield([AP + "BODY_SENSORS"], 21, 34) is True
    moving = _requirement("android.hardware.SensorManager", "registerListener", "motion_sensors")
    assert moving.can_yield([], 21, 34) is True


def test_strict_entries_are_kept_out_of_the_detector_plan() -> None:
    """A detector that ignores arguments sees `apis` only: ComponentName.<init> and the sensor
    calls would match every explicit intent and every sensor."""
    caps = _caps()
    plain = {(a.class_name, a.method) for c in caps.values() for a in c.apis}
    gated = {(a.class_name, a.method) for c in caps.values() for a in c.argument_gated_apis}
    assert ("android.content.ComponentName", "<init>") in gated
    assert ("android.hardware.SensorManager", "getDefaultSensor") in gated
    assert gated.isdisjoint(plain)
    assert ("android.provider.Settings$Secure", "getString") in plain


def test_uri_argument_matches_sub_paths() -> None:
    arg = ArgumentFact(0, ArgumentKind.URI, ("content://sms",))
    assert arg.accepts("content://sms/inbox", "com.example")
    assert arg.accepts("content://sms", "com.example")
    assert not arg.accepts("content://smsx", "com.example")


# --------------------------------------------------------------------------- hand-built


def test_hand_built_levels() -> None:
    req = requirement_from_doc(
        {
            "levels": [
                {"from_sdk": 1, "until_sdk": 23, "none": True},
                {"from_sdk": 23, "all_of": [[AP + "A"], [AP + "B", AP + "C"]]},
            ],
            "source": "https://example.org/x",
        },
        {},
    )
    assert req.level_at(22, 30) == RequirementLevel(1, 23, none=True)
    assert req.can_yield([], 21, 30) is True
    assert req.can_yield([], 23, 30) is False
    assert req.can_yield([AP + "A"], 23, 30) is False
    assert req.can_yield([AP + "A", AP + "C"], 23, 30) is True
    assert req.permissions == (AP + "A", AP + "B", AP + "C")


def test_named_requirement_is_resolved() -> None:
    shared = {"x": {"none": True, "reason": "needs nothing", "source": "https://example.org"}}
    assert requirement_from_doc("x", shared).can_yield([], 1, 1) is True
    with pytest.raises(KeyError):
        requirement_from_doc("y", shared)


def test_privileged_level_is_never_met() -> None:
    level = RequirementLevel(29, groups=((AP + "READ_PRIVILEGED_PHONE_STATE",),), privileged=True)
    assert level.met_by(frozenset({AP + "READ_PRIVILEGED_PHONE_STATE"})) is False


def test_argument_from_doc() -> None:
    arg = argument_from_doc({"index": 2, "kind": "int", "values": [1, 4]})
    assert arg == ArgumentFact(2, ArgumentKind.INT, (1, 4))
    assert arg.accepts(4, "p") and not arg.accepts(5, "p")


# --------------------------------------------------------------------------- schema


def _with_api(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    bad = copy.deepcopy(doc)
    bad["apis"][0].update(changes)
    for key, value in changes.items():
        if value is None:
            del bad["apis"][0][key]
    return bad


def test_schema_accepts_the_shipped_files() -> None:
    schema = _schema()
    for path in sorted(CAPS.glob("*.json")):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize(
    "changes",
    [
        {"requires": None},  # every entry states one
        {"requires": {"levels": [{"from_sdk": 1, "any_of": []}], "source": "https://x.org/y"}},
        {"requires": {"levels": [{"from_sdk": 1, "any_of": ["CAMERA"]}], "source": "https://x"}},
        {"requires": {"levels": [{"from_sdk": 1}], "source": "https://x.org/y"}},
        {"requires": {"levels": [{"from_sdk": 1, "none": True, "any_of": [AP + "CAMERA"]}],
                      "source": "https://x.org/y"}},
        {"requires": {"levels": [{"from_sdk": 1, "any_of": [AP + "CAMERA"]}]}},  # no source
        {"requires": {"levels": [{"from_sdk": 1, "unknown": True}], "source": "https://x.org/y"}},
        {"requires": {"levels": [{"from_sdk": 1, "privileged": True, "none": True}],
                      "source": "https://x.org/y"}},
        {"requires": {"none": True, "source": "https://x.org/y"}},  # no reason
        {"requires": {"unknown": True}},
        {"requires": "Not A Name"},
        {"argument": {"index": -1, "kind": "string", "values": ["a"]}},
        {"argument": {"index": 0, "kind": "string"}},  # a string match needs its values
        {"argument": {"index": 0, "kind": "regex", "values": ["a"]}},
        {"argument": {"index": 0, "kind": "package", "strict": False}},
    ],
)  # fmt: skip
def test_schema_rejects(changes: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_with_api(_doc("camera"), **changes), _schema())


def test_schema_accepts_a_package_argument_without_values() -> None:
    ok = _with_api(_doc("camera"), argument={"index": 0, "kind": "package", "strict": True})
    jsonschema.validate(ok, _schema())


def test_validate_all_reports_an_unknown_requirement_name(tmp_path: Any, monkeypatch: Any) -> None:
    doc = _with_api(_doc("camera"), requires="no_such_requirement")
    jsonschema.validate(doc, _schema())  # the schema cannot see the names
    folder = tmp_path / "signatures"
    for sub in ("capabilities", "sdks", "schema"):
        (folder / sub).mkdir(parents=True)
    (folder / "capabilities" / "camera.json").write_text(json.dumps(doc), encoding="utf-8")
    src = data_dir("signatures") / "schema"
    for schema in src.glob("*.json"):
        (folder / "schema" / schema.name).write_text(schema.read_text(encoding="utf-8"))
    monkeypatch.setattr(catalog, "data_dir", lambda name: folder)
    catalog.schema.cache_clear()
    try:
        problems = catalog.validate_all()
    finally:
        catalog.schema.cache_clear()
    # The rest of the tree is absent here (taxonomy, other capabilities): only this line matters.
    assert "camera.json: requires names no requirement 'no_such_requirement'" in problems
    assert not any("requires names" in p and "camera.json" not in p for p in problems)


def test_validate_all_reports_a_string_requirement_for_an_unlisted_string(
    tmp_path: Any, monkeypatch: Any
) -> None:
    doc = _doc("camera")
    doc["string_requires"]["content://not-listed"] = "camera_app_intent"
    folder = tmp_path / "signatures"
    for sub in ("capabilities", "sdks", "schema"):
        (folder / sub).mkdir(parents=True)
    (folder / "capabilities" / "camera.json").write_text(json.dumps(doc), encoding="utf-8")
    for schema in (data_dir("signatures") / "schema").glob("*.json"):
        (folder / "schema" / schema.name).write_text(schema.read_text(encoding="utf-8"))
    monkeypatch.setattr(catalog, "data_dir", lambda name: folder)
    catalog.schema.cache_clear()
    try:
        problems = catalog.validate_all()
    finally:
        catalog.schema.cache_clear()
    # The rest of the tree is absent here (taxonomy, other capabilities): only this line matters.
    assert "camera.json: string_requires names no listed string 'content://not-listed'" in problems
    assert sum("string_requires" in p for p in problems) == 1
