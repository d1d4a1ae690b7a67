"""Facts about the capability taxonomy (signatures/capabilities/) and permission levels.

The permission facts are Android's own: protection levels from the platform manifest
(frameworks/base core/res/AndroidManifest.xml), as read from Debian's framework-res.apk by
scripts/gen_permissions.py and, for newer permissions, from signatures/permissions-supplement.json.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from scanner.resources import data_dir
from scanner.signatures import catalog

CATEGORY_IDS = {
    "camera", "album", "storage", "phone_state", "device_id", "clipboard", "self_startup",
    "associated_startup", "location_precise", "location_coarse", "microphone", "contacts", "sms",
    "call_log", "calendar", "installed_apps", "network_identifiers", "body_sensors", "accounts",
    "phone_calls", "motion_sensors",
}  # fmt: skip

AP = "android.permission."
REPO = Path(__file__).resolve().parent.parent


def _caps() -> dict[str, catalog.Capability]:
    return {c.id: c for c in catalog.capabilities()}


def _permissions_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (data_dir("signatures") / "permissions.json").read_text(encoding="utf-8")
    )
    return doc


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_permissions", REPO / "scripts" / "gen_permissions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_category_exists_and_no_other() -> None:
    assert set(_caps()) == CATEGORY_IDS


def test_capability_files_have_no_validation_problem() -> None:
    names = {f"{cid}.json" for cid in CATEGORY_IDS}
    mine = [p for p in catalog.validate_all() if p.split(":", 1)[0] in names]
    assert mine == []


def test_titles_in_both_languages() -> None:
    caps = _caps()
    assert all(c.title_en and c.title_zh and c.sources for c in caps.values())
    assert caps["clipboard"].title_zh == "剪切板"
    assert caps["associated_startup"].title_zh == "关联启动"
    assert caps["location_precise"].title_zh == "精确位置"


def test_every_capability_permission_has_a_level() -> None:
    levels = catalog.permission_levels()
    missing = {p for c in catalog.capabilities() for p in c.permissions if p not in levels}
    assert missing == set()


@pytest.mark.parametrize(
    ("permission", "level"),
    [
        ("CAMERA", "dangerous"),
        ("RECORD_AUDIO", "dangerous"),
        ("READ_PHONE_STATE", "dangerous"),
        ("ACCESS_FINE_LOCATION", "dangerous"),
        ("READ_CONTACTS", "dangerous"),
        ("READ_MEDIA_IMAGES", "dangerous"),
        ("BLUETOOTH_CONNECT", "dangerous"),
        ("POST_NOTIFICATIONS", "dangerous"),
        ("INTERNET", "normal"),
        ("ACCESS_NETWORK_STATE", "normal"),
        ("RECEIVE_BOOT_COMPLETED", "normal"),
        ("ACCESS_WIFI_STATE", "normal"),
        ("QUERY_ALL_PACKAGES", "normal"),
        ("FOREGROUND_SERVICE_CAMERA", "normal"),
        ("READ_PRIVILEGED_PHONE_STATE", "signature"),
        ("LOCAL_MAC_ADDRESS", "signature"),
    ],
)
def test_protection_level(permission: str, level: str) -> None:
    assert catalog.permission_levels()[AP + permission] == level


def test_google_ad_id_is_a_normal_permission() -> None:
    assert catalog.permission_levels()["com.google.android.gms.permission.AD_ID"] == "normal"


@pytest.mark.parametrize(
    "permission",
    ["MANAGE_EXTERNAL_STORAGE", "SYSTEM_ALERT_WINDOW", "REQUEST_INSTALL_PACKAGES", "WRITE_SETTINGS",
     "PACKAGE_USAGE_STATS", "SCHEDULE_EXACT_ALARM"],
)  # fmt: skip
def test_special_app_access_is_signature_plus_appop(permission: str) -> None:
    entry = _permissions_doc()["permissions"][AP + permission]
    assert entry["protection_level"] == "signature"
    assert "appop" in entry["flags"]
    assert entry["special"] is True


def test_runtime_permissions_are_not_special() -> None:
    entries = _permissions_doc()["permissions"]
    assert entries[AP + "CAMERA"]["special"] is False
    assert entries[AP + "READ_PRIVILEGED_PHONE_STATE"]["special"] is False


def test_permissions_json_records_the_framework_build() -> None:
    doc = _permissions_doc()
    assert doc["generated_by"] == "scripts/gen_permissions.py"
    assert "android-framework-res" in doc["source"][0]
    assert len(doc["permissions"]) > 500


@pytest.mark.parametrize(
    ("permission", "categories"),
    [
        (AP + "READ_EXTERNAL_STORAGE", {"album", "storage"}),
        (AP + "READ_MEDIA_IMAGES", {"album"}),
        (AP + "READ_MEDIA_AUDIO", {"storage"}),
        (AP + "ACCESS_FINE_LOCATION", {"location_precise"}),
        (AP + "ACCESS_BACKGROUND_LOCATION", {"location_precise"}),
        (AP + "ACCESS_COARSE_LOCATION", {"location_coarse"}),
        (AP + "GET_ACCOUNTS", {"accounts"}),
        (AP + "READ_CONTACTS", {"contacts"}),
        (AP + "RECEIVE_BOOT_COMPLETED", {"self_startup"}),
        (AP + "QUERY_ALL_PACKAGES", {"installed_apps"}),
        (AP + "BLUETOOTH_SCAN", {"network_identifiers"}),
        (AP + "ACTIVITY_RECOGNITION", {"body_sensors"}),
        ("com.google.android.gms.permission.AD_ID", {"device_id"}),
        (AP + "CALL_PHONE", {"phone_calls"}),
        (AP + "ANSWER_PHONE_CALLS", {"phone_calls"}),
        (AP + "PROCESS_OUTGOING_CALLS", {"phone_calls"}),
        (AP + "MANAGE_OWN_CALLS", {"phone_calls"}),
        (AP + "READ_PHONE_NUMBERS", {"phone_state"}),
        (AP + "READ_CALL_LOG", {"call_log"}),
        (AP + "HIGH_SAMPLING_RATE_SENSORS", {"motion_sensors"}),
        (AP + "BODY_SENSORS", {"body_sensors"}),
        (AP + "INTERNET", set()),
        (AP + "ACCESS_NETWORK_STATE", set()),
        (AP + "GET_TASKS", set()),
        (AP + "VIBRATE", set()),
    ],
)
def test_permission_maps_to_exactly(permission: str, categories: set[str]) -> None:
    assert set(catalog.categories_of_permission(permission)) == categories


def test_capabilities_without_a_permission() -> None:
    caps = _caps()
    assert caps["clipboard"].permissions == ()
    assert caps["associated_startup"].permissions == ()


def test_clipboard_reads_and_writes_are_separated() -> None:
    apis = _caps()["clipboard"].apis
    access = {(a.class_name, a.method): a.access for a in apis}
    cm = "android.content.ClipboardManager"
    for method in ("getPrimaryClip", "getText", "hasPrimaryClip", "hasText",
                   "getPrimaryClipDescription", "addPrimaryClipChangedListener"):  # fmt: skip
        assert access[(cm, method)] == "read", method
    for method in ("setPrimaryClip", "setText", "clearPrimaryClip"):
        assert access[(cm, method)] == "write", method
    assert access[("android.text.ClipboardManager", "getText")] == "read"
    assert access[("android.text.ClipboardManager", "setText")] == "write"


def test_api_names_are_dotted_java_names() -> None:
    class_name = re.compile(
        r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.[A-Z][A-Za-z0-9_]*)(\$[A-Za-z0-9_]+)*$"
    )
    method = re.compile(r"^(<init>|[A-Za-z_][A-Za-z0-9_]*)$")
    for cap in catalog.capabilities():
        for api in cap.apis:
            assert class_name.match(api.class_name), (cap.id, api.class_name)
            assert method.match(api.method), (cap.id, api.method)


def test_a_framework_method_belongs_to_one_category() -> None:
    """Unless its argument tells the categories apart (SensorManager: heart rate vs motion)."""
    owners: dict[tuple[str, str], list[catalog.ApiSignature]] = {}
    for cap in catalog.capabilities():
        for api in (*cap.apis, *cap.argument_gated_apis):
            owners.setdefault((api.class_name, api.method), []).append(api)
    for key, apis in owners.items():
        if len(apis) == 1:
            continue
        assert all(a.argument is not None for a in apis), key
        values = [v for a in apis if a.argument is not None for v in a.argument.values]
        assert len(values) == len(set(values)), key


def test_field_names_are_dotted_java_names() -> None:
    class_name = re.compile(
        r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.[A-Z][A-Za-z0-9_]*)(\$[A-Za-z0-9_]+)*$"
    )
    field = re.compile(r"^[A-Z][A-Z0-9_]*$")  # the framework's static fields are all caps
    fields = [f for cap in catalog.capabilities() for f in cap.fields]
    assert len(fields) >= 20
    for f in fields:
        assert class_name.match(f.class_name), f
        assert field.match(f.field), f
        assert "." not in f.class_name.split(".")[-1], f  # nested classes with '$'


def test_a_framework_field_belongs_to_one_category() -> None:
    owners: dict[tuple[str, str], list[str]] = {}
    for cap in catalog.capabilities():
        for f in cap.fields:
            owners.setdefault((f.class_name, f.field), []).append(cap.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize(
    ("category", "class_name", "field"),
    [
        ("album", "android.provider.MediaStore$Images$Media", "EXTERNAL_CONTENT_URI"),
        ("album", "android.provider.MediaStore$Video$Media", "EXTERNAL_CONTENT_URI"),
        ("storage", "android.provider.MediaStore$Audio$Media", "EXTERNAL_CONTENT_URI"),
        ("contacts", "android.provider.ContactsContract$Contacts", "CONTENT_URI"),
        ("contacts", "android.provider.ContactsContract$CommonDataKinds$Phone", "CONTENT_URI"),
        ("sms", "android.provider.Telephony$Sms", "CONTENT_URI"),
        ("sms", "android.provider.Telephony$Sms$Inbox", "CONTENT_URI"),
        ("call_log", "android.provider.CallLog$Calls", "CONTENT_URI"),
        ("calendar", "android.provider.CalendarContract$Events", "CONTENT_URI"),
        ("calendar", "android.provider.CalendarContract$Calendars", "CONTENT_URI"),
        ("device_id", "android.os.Build", "SERIAL"),
    ],
)
def test_content_uri_fields_belong_to_their_category(
    category: str, class_name: str, field: str
) -> None:
    owners = [
        c.id
        for c in catalog.capabilities()
        if any((f.class_name, f.field) == (class_name, field) for f in c.fields)
    ]
    assert owners == [category]


def test_internal_volume_media_and_inlined_constants_are_not_fields() -> None:
    listed = {(f.class_name, f.field) for c in catalog.capabilities() for f in c.fields}
    # system sounds and images on the internal volume are not the user's album
    assert ("android.provider.MediaStore$Images$Media", "INTERNAL_CONTENT_URI") not in listed
    # Settings.Secure.ANDROID_ID is a String constant that javac / d8 inline: a string instead
    assert not any(name == "ANDROID_ID" for _cls, name in listed)
    assert "android_id" in _caps()["device_id"].strings


def test_identifier_apis_are_device_id_not_phone_state() -> None:
    caps = _caps()
    tm = "android.telephony.TelephonyManager"
    device_id = {(a.class_name, a.method) for a in caps["device_id"].apis}
    phone_state = {(a.class_name, a.method) for a in caps["phone_state"].apis}
    assert {(tm, "getImei"), (tm, "getDeviceId"), ("android.os.Build", "getSerial")} <= device_id
    assert (tm, "getLine1Number") in phone_state
    assert (tm, "getImei") not in phone_state
    assert "android_id" in caps["device_id"].strings


def test_content_uris_are_strings_of_their_category() -> None:
    caps = _caps()
    assert "content://sms" in caps["sms"].strings
    assert "content://com.android.contacts" in caps["contacts"].strings
    assert "content://call_log/calls" in caps["call_log"].strings
    assert "content://com.android.calendar" in caps["calendar"].strings
    assert "content://sms" not in caps["contacts"].strings


def test_placing_calls_is_phone_calls_not_call_log() -> None:
    caps = _caps()
    assert "android.intent.action.CALL" in caps["phone_calls"].strings
    assert "android.intent.action.DIAL" not in caps["phone_calls"].strings  # only opens the dialer
    assert "android.intent.action.NEW_OUTGOING_CALL" in caps["phone_calls"].manifest_actions
    assert caps["call_log"].manifest_actions == ()
    placed = {(a.class_name, a.method) for a in caps["phone_calls"].apis}
    assert ("android.telecom.TelecomManager", "placeCall") in placed
    assert ("android.provider.CallLog$Calls", "getLastOutgoingCall") not in placed


def test_startup_actions() -> None:
    caps = _caps()
    assert "android.intent.action.BOOT_COMPLETED" in caps["self_startup"].manifest_actions
    assert "cn.jpush.android.intent.DaemonService" in caps["associated_startup"].manifest_actions
    assert "cn.jpush.android.intent.DaemonService" not in caps["self_startup"].manifest_actions
    assert "android.intent.action.MAIN" not in caps["self_startup"].manifest_actions


def test_decode_protection_level() -> None:
    gen = _generator()
    assert gen.decode_protection_level(0x1) == ("dangerous", [])
    assert gen.decode_protection_level(0x1001) == ("dangerous", ["instant"])
    # SYSTEM_ALERT_WINDOW in Android 10: signature|development|appop|pre23|preinstalled.
    assert gen.decode_protection_level(0x4E2) == (
        "signature", ["development", "appop", "pre23", "preinstalled"],
    )  # fmt: skip
    # The deprecated signatureOrSystem base is signature|privileged.
    assert gen.decode_protection_level(0x3) == ("signature", ["privileged"])


def test_supplement_entries_are_merged() -> None:
    supplement = json.loads(
        (data_dir("signatures") / "permissions-supplement.json").read_text(encoding="utf-8")
    )
    merged = _permissions_doc()["permissions"]
    for name, entry in supplement["permissions"].items():
        assert entry["source"], name
        assert merged[name]["protection_level"] == entry["protection_level"], name


def test_supplement_agrees_with_aosp_data_shipped_by_androguard() -> None:
    """Cross-check against the AOSP manifests androguard bundles (API 36 is the newest)."""
    resources = pytest.importorskip("androguard.core.api_specific_resources")
    folder = Path(next(iter(resources.__path__))) / "aosp_permissions"
    if not (folder / "permissions_36.json").is_file():
        pytest.skip("androguard ships no API 36 permission data")
    aosp = json.loads((folder / "permissions_36.json").read_text(encoding="utf-8"))["permissions"]
    supplement = json.loads(
        (data_dir("signatures") / "permissions-supplement.json").read_text(encoding="utf-8")
    )["permissions"]
    for name, entry in supplement.items():
        if not name.startswith(AP):
            continue
        level, *flags = aosp[name]["protectionLevel"].split("|")
        assert entry["protection_level"] == level, name
        assert set(entry["flags"]) == set(flags), name


def test_schema_rejects_a_malformed_field_entry() -> None:
    import jsonschema

    schema = json.loads(
        (data_dir("signatures") / "schema" / "capability.schema.json").read_text(encoding="utf-8")
    )
    doc = json.loads(
        (data_dir("signatures") / "capabilities" / "album.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(doc, schema)
    for bad in (
        {"class": "android.provider.MediaStore$Images$Media", "access": "read"},
        {"class": "a.B", "field": "X", "access": "peek"},
        {"class": "a.B", "field": "X.Y", "access": "read"},
        {"class": "a.B", "field": "X", "access": "read", "method": "query"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**doc, "fields": [bad]}, schema)
