"""find_call_sites on dex files built byte by byte (see test_dex.build_dex) and on fixture apps."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from test_dex import (
    CLIP,
    EXTERNAL,
    GET_CLIP,
    INTERNAL,
    OWN_FIELD,
    RETURN_VOID,
    SGET_OBJECT,
    SPUT_OBJECT,
    ClassSpec,
    Ids,
    MethodSpec,
    build_dex,
    const_string,
    const_string_jumbo,
    field_op,
    invoke,
    invoke_range,
    payloads_hiding,
)

from scanner.detect import callsites
from scanner.detect.callsites import find_call_sites, string_matches
from scanner.extract.dex import DexFormatError
from scanner.model import ApiAccess, CallSiteUse, CodeEvidenceKind, Strength
from scanner.signatures.catalog import ApiSignature, Capability, FieldSignature

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "apks"
CONTEXT = "Landroid/content/Context;"
ACTIVITY = "Landroid/app/Activity;"
OBJECT = "Ljava/lang/Object;"
STRING = "Ljava/lang/String;"
GET_SERVICE = (CONTEXT, "getSystemService", OBJECT, (STRING,))
ACTIVITY_GET_SERVICE = (ACTIVITY, "getSystemService", OBJECT, (STRING,))


def _cap(
    cap_id: str,
    apis: list[tuple[str, str, str]],
    strings: tuple[str, ...] = (),
    fields: list[tuple[str, str, str]] | None = None,
) -> Capability:
    return Capability(
        id=cap_id,
        title_en=cap_id,
        title_zh=cap_id,
        description="",
        permissions=(),
        manifest_actions=(),
        apis=tuple(ApiSignature(cls, method, access, cap_id) for cls, method, access in apis),
        strings=strings,
        sources=("test",),
        fields=tuple(
            FieldSignature(cls, name, access, cap_id) for cls, name, access in fields or ()
        ),
    )


MEDIA = "android.provider.MediaStore$Images$Media"
CAPS = (
    _cap("clipboard", [("android.content.ClipboardManager", "getPrimaryClip", "read")]),
    _cap("services", [("android.content.Context", "getSystemService", "use")]),
    _cap("sms", [], ("content://sms",)),
    _cap("device_id", [], ("android_id",)),
    _cap("album", [], fields=[(MEDIA, "EXTERNAL_CONTENT_URI", "read")]),
)


def _one_class(*methods: MethodSpec, strings: tuple[str, ...] = ()) -> bytes:
    return build_dex(
        [ClassSpec("Lcom/umeng/ClipboardHelper;", list(methods))],
        refs=[GET_CLIP, GET_SERVICE, ACTIVITY_GET_SERVICE],
        strings=strings,
    )


def _read_clip(ids: Ids) -> list[int]:
    m = ids.method(*GET_CLIP)
    return [*invoke(0x6E, m, 1), *invoke(0x6E, m, 1), *RETURN_VOID]


def test_invoke_is_found_with_its_caller() -> None:
    dex = _one_class(MethodSpec("readShareCode", ret=STRING, params=("I",), code=_read_clip))
    assert find_call_sites([("classes2.dex", dex)], CAPS) == (
        CallSiteUse(
            category="clipboard",
            api_class="android.content.ClipboardManager",
            api_method="getPrimaryClip",
            access=ApiAccess.READ,
            caller_class="com.umeng.ClipboardHelper",
            caller_method="readShareCode",
            caller_descriptor="(I)Ljava/lang/String;",
            code_unit="classes2.dex",
            evidence_kind=CodeEvidenceKind.INVOKE,
        ),
    )


def _gallery(*methods: MethodSpec) -> bytes:
    return build_dex(
        [ClassSpec("Lcom/example/Gallery;", list(methods))], fields=[EXTERNAL, INTERNAL, OWN_FIELD]
    )


def test_static_field_read_is_a_call_site() -> None:
    def load(ids: Ids) -> list[int]:
        return [*field_op(SGET_OBJECT, 1, ids.field(*EXTERNAL)), *RETURN_VOID]

    dex = _gallery(MethodSpec("load", ret="Landroid/database/Cursor;", code=load))
    assert find_call_sites([("classes.dex", dex)], CAPS) == (
        CallSiteUse(
            category="album",
            api_class=MEDIA,
            api_method="EXTERNAL_CONTENT_URI",
            access=ApiAccess.READ,
            caller_class="com.example.Gallery",
            caller_method="load",
            caller_descriptor="()Landroid/database/Cursor;",
            code_unit="classes.dex",
            evidence_kind=CodeEvidenceKind.FIELD_READ,
        ),
    )


def test_other_fields_writes_and_same_named_app_fields_are_not_call_sites() -> None:
    def internal(ids: Ids) -> list[int]:
        return [*field_op(SGET_OBJECT, 0, ids.field(*INTERNAL)), *RETURN_VOID]

    def own(ids: Ids) -> list[int]:  # com.example.Gallery.EXTERNAL_CONTENT_URI
        return [*field_op(SGET_OBJECT, 0, ids.field(*OWN_FIELD)), *RETURN_VOID]

    def write(ids: Ids) -> list[int]:
        return [*field_op(SPUT_OBJECT, 0, ids.field(*EXTERNAL)), *RETURN_VOID]

    def hidden(ids: Ids) -> list[int]:
        return [*payloads_hiding(ids.field(*EXTERNAL)), *RETURN_VOID]

    dex = _gallery(
        MethodSpec("internal", code=internal),
        MethodSpec("own", code=own),
        MethodSpec("write", code=write),
        MethodSpec("hidden", code=hidden),
    )
    assert find_call_sites([("classes.dex", dex)], CAPS) == ()

    def load(ids: Ids) -> list[int]:  # a nop first: the read is at an odd unit offset
        return [0x0000, *field_op(SGET_OBJECT, 2, ids.field(*EXTERNAL)), *RETURN_VOID]

    dex = _gallery(
        MethodSpec("internal", code=internal),
        MethodSpec("own", code=own),
        MethodSpec("write", code=write),
        MethodSpec("hidden", code=hidden),
        MethodSpec("load", code=load),
    )
    assert [s.caller_method for s in find_call_sites([("classes.dex", dex)], CAPS)] == ["load"]


def test_subclass_target_is_not_attributed_to_the_framework_class() -> None:
    def via_activity(ids: Ids) -> list[int]:
        return [*invoke(0x6E, ids.method(*ACTIVITY_GET_SERVICE), 0, 1), *RETURN_VOID]

    def via_context(ids: Ids) -> list[int]:
        return [*invoke(0x6E, ids.method(*GET_SERVICE), 0, 1), *RETURN_VOID]

    dex = _one_class(MethodSpec("a", code=via_activity), MethodSpec("b", code=via_context))
    sites = find_call_sites([("classes.dex", dex)], CAPS)
    assert [(s.caller_method, s.api_class) for s in sites] == [("b", "android.content.Context")]


def test_strings_in_payloads_and_unrelated_methods_are_not_call_sites() -> None:
    def hidden(ids: Ids) -> list[int]:
        return [*payloads_hiding(ids.method(*GET_CLIP)), *RETURN_VOID]

    dex = _one_class(MethodSpec("hidden", code=hidden), MethodSpec("abstract", code=None))
    assert find_call_sites([("classes.dex", dex)], CAPS) == ()


def test_const_strings_match_capability_strings() -> None:
    def uses_strings(ids: Ids) -> list[int]:
        return [
            *const_string(0, ids.string("content://sms/inbox")),
            *const_string_jumbo(1, ids.string("android_id")),
            *const_string(2, ids.string("content://smsx")),
            *RETURN_VOID,
        ]

    dex = _one_class(
        MethodSpec("query", code=uses_strings),
        strings=("content://sms/inbox", "android_id", "content://smsx"),
    )
    sites = find_call_sites([("classes.dex", dex)], CAPS)
    assert {(s.category, s.evidence_kind, s.api_class, s.api_method, s.access) for s in sites} == {
        ("sms", "const_string", "content://sms/inbox", "", "use"),
        ("device_id", "const_string", "android_id", "", "use"),
    }
    # The string is stored as found; reports quote it.
    assert {s.api for s in sites} == {"'content://sms/inbox'", "'android_id'"}


@pytest.mark.parametrize(
    "pattern,value,expected",
    [
        ("content://sms", "content://sms", True),
        ("content://sms", "content://sms/inbox", True),
        ("content://sms", "content://smsx", False),
        ("android_id", "android_id", True),
        ("android_id", "android_id2", False),
    ],
)
def test_string_matches(pattern: str, value: str, expected: bool) -> None:
    assert string_matches(pattern, value) is expected


def test_reflection_needs_class_and_method_name_in_one_method() -> None:
    cls, name = "android.content.ClipboardManager", "getPrimaryClip"

    def both(ids: Ids) -> list[int]:
        return [*const_string(0, ids.string(cls)), *const_string(1, ids.string(name)), *RETURN_VOID]

    def class_only(ids: Ids) -> list[int]:
        return [*const_string(0, ids.string(cls)), *RETURN_VOID]

    dex = _one_class(
        MethodSpec("both", code=both), MethodSpec("classOnly", code=class_only), strings=(cls, name)
    )
    sites = find_call_sites([("classes.dex", dex)], CAPS)
    assert [(s.caller_method, s.api_method, s.evidence_kind) for s in sites] == [
        ("both", "getPrimaryClip", "reflection_string")
    ]


def test_invoke_custom_resolves_the_method_handle_of_its_call_site() -> None:
    def lambda_call(ids: Ids) -> list[int]:
        return [0x10FC, 0, 0x0001, *RETURN_VOID]  # invoke-custom {v1}, call_site@0

    dex = build_dex(
        [
            ClassSpec(
                "La/Lambdas;",
                [
                    MethodSpec("clip", code=lambda_call),
                    MethodSpec("none", code=lambda i: [*RETURN_VOID]),
                ],
            )
        ],
        call_sites=[GET_CLIP],
    )
    sites = find_call_sites([("classes.dex", dex)], CAPS)
    assert [(s.caller_method, s.api_method, s.evidence_kind) for s in sites] == [
        ("clip", "getPrimaryClip", "invoke")
    ]


def test_several_units_and_parallel_jobs_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    units = [
        (
            f"classes{i or ''}.dex",
            build_dex(
                [ClassSpec(f"Lapp/C{i};", [MethodSpec("m", code=_read_clip)])], refs=[GET_CLIP]
            ),
        )
        for i in range(3)
    ]
    serial = find_call_sites(units, CAPS, jobs=1)
    assert [s.code_unit for s in serial] == ["classes.dex", "classes1.dex", "classes2.dex"]
    monkeypatch.setattr(callsites, "PARALLEL_MIN_BYTES", 0)
    assert find_call_sites(units, CAPS, jobs=2) == serial


def test_a_scan_begun_in_workers_finishes_as_find_call_sites_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = [
        (f"classes{i or ''}.dex", _one_class(MethodSpec(f"m{i}", code=_read_clip)))
        for i in range(3)
    ]
    bad = ("classes9.dex", good[0][1][:0x90])
    units = [*good, bad]
    serial_errors: list[str] = []
    serial = find_call_sites(units, CAPS, jobs=1, errors=serial_errors)
    assert len(serial) == 3 and len(serial_errors) == 1
    monkeypatch.setattr(callsites, "PARALLEL_MIN_BYTES", 0)
    errors: list[str] = []
    with callsites.scanning(units, CAPS, jobs=2, errors=errors) as finish:
        assert errors == []  # nothing is gathered before finish() is called
        assert finish() == serial
    assert errors == serial_errors
    with callsites.scanning(units, CAPS, jobs=2) as _finish:
        pass  # left without finishing: the workers are shut down, nothing is raised


def _failing_in_workers(monkeypatch: pytest.MonkeyPatch, fail: Callable[[], None]) -> None:
    """`fail` runs instead of the scan of any unit, but only in a worker process."""
    parent = os.getpid()
    real = callsites._scan_dex

    def scan(name: str, data: bytes, plan: object) -> object:
        if os.getpid() != parent:
            fail()
        return real(name, data, plan)  # type: ignore[arg-type]

    monkeypatch.setattr(callsites, "_scan_dex", scan)
    monkeypatch.setattr(callsites, "PARALLEL_MIN_BYTES", 0)


def _two_units() -> list[tuple[str, bytes]]:
    return [
        (f"classes{i or ''}.dex", _one_class(MethodSpec(f"m{i}", code=_read_clip)))
        for i in range(2)
    ]


def test_an_error_in_a_worker_is_raised_in_the_scanning_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail() -> None:
        raise LookupError("broken in the worker")

    _failing_in_workers(monkeypatch, fail)
    with pytest.raises(LookupError, match="broken in the worker"):
        find_call_sites(_two_units(), CAPS, jobs=2)


def test_a_worker_that_dies_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_in_workers(monkeypatch, lambda: os._exit(7))
    with pytest.raises(RuntimeError, match="exit code 7"):
        find_call_sites(_two_units(), CAPS, jobs=2)


def test_malformed_unit_is_reported_and_others_still_scanned() -> None:
    good = ("classes.dex", _one_class(MethodSpec("m", code=_read_clip)))
    bad_bytes = bytearray(good[1])
    offsets = bad_bytes.index(bytes(RETURN_VOID[0].to_bytes(2, "little")), 0x70)
    bad = ("classes2.dex", bytes(bad_bytes[: offsets - 2]))
    errors: list[str] = []
    sites = find_call_sites([good, bad], CAPS, errors=errors)
    assert len(sites) == 1
    assert len(errors) == 1 and errors[0].startswith("classes2.dex: ")
    with pytest.raises(DexFormatError, match=r"classes2\.dex"):
        find_call_sites([good, bad], CAPS)


def test_no_api_referenced_means_no_work() -> None:
    dex = build_dex([ClassSpec("La/B;", [MethodSpec("m", code=lambda ids: list(RETURN_VOID))])])
    assert find_call_sites([("classes.dex", dex)], CAPS) == ()
    assert CLIP not in dex.decode("latin-1")


def test_fixture_app_shopping_demo() -> None:
    path = SAMPLES / "shopping-demo.apk"
    if not path.is_file():
        pytest.skip("samples/apks/shopping-demo.apk not built (samples/build_apps.py)")
    from scanner.signatures.catalog import capabilities

    with zipfile.ZipFile(path) as apk:
        units = [(n, apk.read(n)) for n in apk.namelist() if n.endswith(".dex")]
    sites = find_call_sites(units, capabilities())
    pairs = {(s.caller_class, s.caller_method, s.api_class, s.api_method) for s in sites}
    assert {
        ("com.rakufun.shop.MainActivity", "openScanner", "android.hardware.Camera", "open"),
        (
            "com.rakufun.shop.MainActivity",
            "readDeviceId",
            "android.telephony.TelephonyManager",
            "getDeviceId",
        ),
        (
            "com.rakufun.shop.MainActivity",
            "readShareCode",
            "android.content.ClipboardManager",
            "getPrimaryClip",
        ),
        ("com.rakufun.shop.AudioNote", "start", "android.media.AudioRecord", "startRecording"),
        (
            "com.umeng.commonsdk.utils.ClipboardHelper",
            "readShareCode",
            "android.content.ClipboardManager",
            "getPrimaryClip",
        ),
        (
            "com.umeng.commonsdk.internal.AppListCollector",
            "collect",
            "android.content.pm.PackageManager",
            "getInstalledPackages",
        ),
    } <= pairs
    album = [s for s in sites if s.category == "album"]
    assert [
        (s.caller_class, s.caller_method, s.api_class, s.api_method, s.evidence_kind, s.access)
        for s in album
    ] == [
        (
            "com.rakufun.shop.MainActivity",
            "loadAlbum",
            "android.provider.MediaStore$Images$Media",
            "EXTERNAL_CONTENT_URI",
            "field_read",
            "read",
        ),
    ]


def test_fixture_album_read_is_attributed_to_the_app() -> None:
    path = SAMPLES / "shopping-demo.apk"
    if not path.is_file():
        pytest.skip("samples/apks/shopping-demo.apk not built (samples/build_apps.py)")
    from scanner.detect import find_code_uses
    from scanner.detect.sdks import SdkIndex
    from scanner.extract import CodeBytes, CodeBytesFormat
    from scanner.signatures.catalog import builtin_sdks, capabilities

    with zipfile.ZipFile(path) as apk:
        code = [
            CodeBytes(n, CodeBytesFormat.DEX, apk.read(n))
            for n in apk.namelist()
            if n.endswith(".dex")
        ]
    uses = find_code_uses(code, capabilities(), SdkIndex(builtin_sdks()))
    album = [u for u in uses if u.category == "album"]
    assert [(u.caller_method, u.api_method, u.evidence_kind, u.owner) for u in album] == [
        ("loadAlbum", "EXTERNAL_CONTENT_URI", "field_read", None)
    ]


def test_fixture_app_plain_notes_only_writes_the_clipboard() -> None:
    path = SAMPLES / "plain-notes.apk"
    if not path.is_file():
        pytest.skip("samples/apks/plain-notes.apk not built (samples/build_apps.py)")
    from scanner.signatures.catalog import capabilities

    with zipfile.ZipFile(path) as apk:
        units = [(n, apk.read(n)) for n in apk.namelist() if n.endswith(".dex")]
    sites = find_call_sites(units, capabilities())
    assert [(s.caller_method, s.api_method, s.access) for s in sites] == [
        ("copyToClipboard", "setPrimaryClip", "write")
    ]


# --------------------------------------------------------------------------- argument-aware


def _traps_sites() -> tuple[CallSiteUse, ...]:
    path = SAMPLES / "traps-demo.apk"
    if not path.is_file():
        pytest.skip("samples/apks/traps-demo.apk not built (samples/build_apps.py)")
    from scanner.signatures.catalog import capabilities

    with zipfile.ZipFile(path) as apk:
        units = [(n, apk.read(n)) for n in apk.namelist() if n.endswith(".dex")]
    return find_call_sites(units, capabilities())


def _invokes(api: str) -> dict[str, list[tuple[Strength, str | None]]]:
    """caller method -> (strength, argument) of the invoke call sites of `api`."""
    out: dict[str, list[tuple[Strength, str | None]]] = {}
    for s in _traps_sites():
        if s.api == api and s.evidence_kind is CodeEvidenceKind.INVOKE:
            out.setdefault(f"{s.caller_class}.{s.caller_method}", []).append(
                (s.strength, s.argument)
            )
    return out


TRAPS = "org.example.traps"


def test_traps_settings_key_decides_device_id() -> None:
    sites = _invokes("android.provider.Settings$Secure.getString")
    assert sites == {
        f"{TRAPS}.DeviceInfo.androidId": [(Strength.STRONG, "android_id")],
        # the key is a parameter: not known statically
        f"{TRAPS}.DeviceInfo.setting": [(Strength.WEAK, None)],
    }
    # NotificationAccess.isListenerEnabled reads "enabled_notification_listeners": no site
    assert not any(s.caller_class == f"{TRAPS}.NotificationAccess" for s in _traps_sites())


def test_traps_const_strings_are_weak() -> None:
    consts = [s for s in _traps_sites() if s.evidence_kind is CodeEvidenceKind.CONST_STRING]
    assert [(s.caller_method, s.api_class, s.strength) for s in consts] == [
        ("androidId", "android_id", Strength.WEAK)
    ]


def test_traps_intent_targets_are_recorded_or_dropped() -> None:
    assert _invokes("android.content.Context.startService") == {
        # the package is recorded; the detect stage compares it with the app's own
        f"{TRAPS}.Launcher.startOwnService": [(Strength.STRONG, TRAPS)],
        f"{TRAPS}.Launcher.wakeOtherApp": [(Strength.STRONG, "com.other.app")],
        # an Intent received as a parameter: target unknown
        f"{TRAPS}.Launcher.forward": [(Strength.WEAK, None)],
        # startOwnServiceByClass: new Intent(Context, Class) is the app's own: no site
    }
    assert _invokes("android.content.Intent.setPackage") == {
        f"{TRAPS}.Launcher.wakeOtherApp": [(Strength.STRONG, "com.other.app")]
    }
    assert _invokes("android.content.Intent.setClassName") == {
        f"{TRAPS}.Launcher.startOwnService": [(Strength.STRONG, TRAPS)]
    }


def test_traps_installed_apps_vs_intent_resolution() -> None:
    assert _invokes("android.content.pm.PackageManager.getInstalledPackages") == {
        f"{TRAPS}.AppLister.installed": [(Strength.STRONG, None)]
    }
    # Resolving ACTION_VIEW gives no app list: no site. ACTION_MAIN can list every launchable
    # app, but intent resolution stays weak (setPackage(own) narrows it to the app itself, as
    # androidx ShortcutXmlParser does).
    assert _invokes("android.content.pm.PackageManager.queryIntentActivities") == {
        f"{TRAPS}.AppLister.launchable": [(Strength.WEAK, "android.intent.action.MAIN")]
    }


def test_traps_twilight_shapes_are_plain_location_calls() -> None:
    # The reader reports both (library and R8-renamed copy); who owns them is the detect stage's.
    assert _invokes("android.location.LocationManager.getLastKnownLocation") == {
        "androidx.appcompat.app.TwilightManager.getLastKnownLocationForProvider": [
            (Strength.STRONG, None)
        ],
        "e.n.c": [(Strength.STRONG, None)],
    }
    assert _invokes("android.media.AudioRecord.startRecording") == {
        f"{TRAPS}.VoiceMemo.start": [(Strength.STRONG, None)]
    }


def test_weak_flag_of_the_capability_data() -> None:
    from scanner.signatures.catalog import capabilities

    weak = {
        (a.class_name, a.method)
        for c in capabilities()
        for a in c.apis
        if a.strength is Strength.WEAK
    }
    assert ("android.content.pm.PackageManager", "queryIntentServices") in weak
    assert ("android.content.pm.PackageManager", "queryIntentActivities") in weak
    assert ("android.content.pm.PackageManager", "getInstalledPackages") not in weak
    assert ("android.content.pm.PackageManager", "getInstalledApplications") not in weak


SENSOR_MANAGER = "Landroid/hardware/SensorManager;"
SENSOR = "Landroid/hardware/Sensor;"
LISTENER = "Landroid/hardware/SensorEventListener;"
GET_SENSOR = (SENSOR_MANAGER, "getDefaultSensor", SENSOR, ("I",))
REGISTER = (SENSOR_MANAGER, "registerListener", "Z", (LISTENER, SENSOR, "I"))
SECURE = "Landroid/provider/Settings$Secure;"
RESOLVER = "Landroid/content/ContentResolver;"
GET_STRING = (SECURE, "getString", STRING, (RESOLVER, STRING))
QUERY_SERVICES = (
    "Landroid/content/pm/PackageManager;",
    "queryIntentServices",
    "Ljava/util/List;",
    ("Landroid/content/Intent;", "I"),
)


def _const4(reg: int, value: int) -> list[int]:
    return [((value & 0xF) << 12) | (reg << 8) | 0x12]


def _const16(reg: int, value: int) -> list[int]:
    return [(reg << 8) | 0x13, value & 0xFFFF]


def _listen(sensor_type: int) -> Callable[[Ids], list[int]]:
    """sm.registerListener(p1, sm.getDefaultSensor(type), 3), sm in p0 (v4), listener v5."""

    def code(ids: Ids) -> list[int]:
        return [
            *_const16(0, sensor_type),
            *invoke(0x6E, ids.method(*GET_SENSOR), 4, 0),
            0x0C | (1 << 8),  # move-result-object v1
            *_const4(2, 3),
            *invoke(0x6E, ids.method(*REGISTER), 4, 5, 1, 2),
            *RETURN_VOID,
        ]

    return code


def _sensor_sites(sensor_type: int) -> set[tuple[str, str, str | None]]:
    from scanner.signatures.catalog import capabilities

    dex = build_dex(
        [
            ClassSpec(
                "Lcom/example/Motion;",
                [
                    MethodSpec(
                        "listen",
                        params=(SENSOR_MANAGER, LISTENER),
                        code=_listen(sensor_type),
                        registers=6,
                    )
                ],
            )
        ],
        refs=[GET_SENSOR, REGISTER],
    )
    return {
        (s.category, s.api_method, s.argument)
        for s in find_call_sites([("classes.dex", dex)], capabilities())
    }


def test_sensor_type_follows_the_get_default_sensor_result() -> None:
    assert _sensor_sites(1) == {  # TYPE_ACCELEROMETER
        ("motion_sensors", "getDefaultSensor", "1"),
        ("motion_sensors", "registerListener", "1"),
    }
    assert _sensor_sites(21) == {  # TYPE_HEART_RATE
        ("body_sensors", "getDefaultSensor", "21"),
        ("body_sensors", "registerListener", "21"),
    }
    assert _sensor_sites(5) == set()  # TYPE_LIGHT: strict entries give nothing


def _settings_dex(code: Callable[[Ids], list[int]]) -> bytes:
    return build_dex(
        [ClassSpec("Lcom/example/Keys;", [MethodSpec("read", params=(RESOLVER,), code=code)])],
        refs=[GET_STRING, QUERY_SERVICES],
        strings=("android_id", "enabled_notification_listeners"),
    )


def _getstring_sites(dex: bytes) -> list[tuple[Strength, str | None]]:
    from scanner.signatures.catalog import capabilities

    return [
        (s.strength, s.argument)
        for s in find_call_sites([("classes.dex", dex)], capabilities())
        if s.api_method == "getString"
    ]


def test_a_constant_set_on_one_branch_only_is_unknown() -> None:
    def branchy(ids: Ids) -> list[int]:
        return [
            *const_string(0, ids.string("android_id")),
            0x38 | (3 << 8),
            4,  # if-eqz v3, +4 (to the invoke)
            *const_string(0, ids.string("enabled_notification_listeners")),
            *invoke(0x71, ids.method(*GET_STRING), 3, 0),
            *RETURN_VOID,
        ]

    def straight(ids: Ids) -> list[int]:
        return [
            *const_string(0, ids.string("enabled_notification_listeners")),
            *const_string(0, ids.string("android_id")),
            *invoke(0x71, ids.method(*GET_STRING), 3, 0),
            *RETURN_VOID,
        ]

    def overwritten(ids: Ids) -> list[int]:
        return [
            *const_string(0, ids.string("android_id")),
            0x21 | (0 << 8) | (3 << 12),  # array-length v0, v3: v0 is no longer the key
            *invoke(0x71, ids.method(*GET_STRING), 3, 0),
            *RETURN_VOID,
        ]

    def through_range(ids: Ids) -> list[int]:
        return [
            *const_string(1, ids.string("android_id")),
            0x07 | (0 << 8) | (3 << 12),  # move-object v0, v3
            *invoke_range(0x77, ids.method(*GET_STRING), 0, 2),
            *RETURN_VOID,
        ]

    assert _getstring_sites(_settings_dex(branchy)) == [(Strength.WEAK, None)]
    assert _getstring_sites(_settings_dex(straight)) == [(Strength.STRONG, "android_id")]
    assert _getstring_sites(_settings_dex(overwritten)) == [(Strength.WEAK, None)]
    assert _getstring_sites(_settings_dex(through_range)) == [(Strength.STRONG, "android_id")]


def test_intent_resolution_is_weak() -> None:
    from scanner.signatures.catalog import capabilities

    def query(ids: Ids) -> list[int]:
        return [*_const4(1, 0), *invoke(0x6E, ids.method(*QUERY_SERVICES), 2, 3, 1), *RETURN_VOID]

    sites = find_call_sites([("classes.dex", _settings_dex(query))], capabilities())
    assert [(s.api_method, s.strength) for s in sites] == [("queryIntentServices", Strength.WEAK)]
