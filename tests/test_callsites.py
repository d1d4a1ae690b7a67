"""find_call_sites on dex files built byte by byte (see test_dex.build_dex) and on fixture apps."""

from __future__ import annotations

import zipfile
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
    payloads_hiding,
)

from scanner.catalog import ApiSignature, Capability, FieldSignature
from scanner.detect import callsites
from scanner.detect.callsites import find_call_sites, string_matches
from scanner.extract.dex import DexFormatError
from scanner.model import ApiAccess, CallSiteUse, CodeEvidenceKind

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
    serial = find_call_sites(units, CAPS)
    assert [s.code_unit for s in serial] == ["classes.dex", "classes1.dex", "classes2.dex"]
    monkeypatch.setattr(callsites, "PARALLEL_MIN_BYTES", 0)
    assert find_call_sites(units, CAPS, jobs=2) == serial


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
    from scanner.catalog import capabilities

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
    from scanner.catalog import builtin_sdks, capabilities
    from scanner.detect import find_code_uses
    from scanner.detect.sdks import SdkIndex
    from scanner.extract import CodeBytes, CodeBytesFormat

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
    from scanner.catalog import capabilities

    with zipfile.ZipFile(path) as apk:
        units = [(n, apk.read(n)) for n in apk.namelist() if n.endswith(".dex")]
    sites = find_call_sites(units, capabilities())
    assert [(s.caller_method, s.api_method, s.access) for s in sites] == [
        ("copyToClipboard", "setPrimaryClip", "write")
    ]
