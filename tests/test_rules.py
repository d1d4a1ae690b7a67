"""Every registered finding rule, on hand-made scans and policies: one case where it fires and
one near miss where it does not. A rule added to the registry without cases here fails."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.compare import audit
from scanner.compare.model import Rule, Severity
from scanner.compare.rules import ALL_RULES, REGISTRY, build_context
from scanner.compare.rules.interface import call_counts, exercise_of
from scanner.detect import capability_uses
from scanner.model import (
    AccessedApi,
    ApiAccess,
    AppIdentity,
    AppInventory,
    AppKind,
    CallSiteUse,
    CodeEvidenceKind,
    CollectedDataType,
    ComponentKind,
    DexPrefix,
    Evidence,
    EvidenceKind,
    IosFacts,
    MachOImports,
    OwnerKind,
    PermissionFinding,
    PrivacyManifest,
    ProtectionLevel,
    ScanResult,
    SdkDetection,
    SdkStatus,
    StartupBehaviour,
    StartupKind,
    Strength,
    UnidentifiedCode,
    UnidentifiedKind,
    UsageDescription,
)
from scanner.pipeline import load_signatures, scan_app
from scanner.policy.model import (
    CategoryDisclosure,
    PolicyAnalysis,
    PolicyEvidence,
    Status,
    ThirdPartyDisclosure,
    ThirdPartyKind,
)
from scanner.signatures.catalog import builtin_sdks, capabilities, sdk_taxonomy
from scanner.signatures.libraries import builtin_libraries

AP = "android.permission."

# --------------------------------------------------------------------------- hand-made inputs


def _scan(
    permissions: tuple[PermissionFinding, ...] = (),
    startup: tuple[StartupBehaviour, ...] = (),
    sdks: tuple[SdkDetection, ...] = (),
    calls: tuple[CallSiteUse, ...] = (),
    unidentified: tuple[UnidentifiedCode, ...] = (),
) -> ScanResult:
    inventory = AppInventory(
        identity=AppIdentity(kind=AppKind.APK, path="hand-made.apk", sha256="0" * 64, size=1),
        permissions=(),
        components=(),
        meta_data=(),
        queries=(),
        native_libraries=(),
        code_units=(),
        class_names=(),
        assets=(),
    )
    return ScanResult(
        inventory=inventory,
        permissions=permissions,
        startup=startup,
        sdks=sdks,
        capabilities=capability_uses(capabilities(), permissions, startup, calls),
        call_sites=calls,
        code_analysed=True,
        unidentified=unidentified,
    )


def _permission(
    name: str, category: str, level: ProtectionLevel = ProtectionLevel.DANGEROUS
) -> PermissionFinding:
    return PermissionFinding(
        name=AP + name,
        protection_level=level,
        categories=(category,),
        elements=("uses-permission",),
        max_sdk=None,
        evidence=Evidence("permission", AP + name, "", "AndroidManifest.xml"),
    )


def _clipboard_read(owner: str | None, access: str = "read") -> CallSiteUse:
    return CallSiteUse(
        category="clipboard",
        api_class="android.content.ClipboardManager",
        api_method="getPrimaryClip" if access == "read" else "setPrimaryClip",
        access=access,
        caller_class="com.umeng.commonsdk.Clip",
        caller_method="read",
        caller_descriptor="()V",
        code_unit="classes.dex",
        evidence_kind="invoke",
        owner=owner,
    )


def _sdk(sdk_id: str, status: SdkStatus = SdkStatus.PRESENT) -> SdkDetection:
    sig = next(s for s in builtin_sdks() if s.id == sdk_id)
    return SdkDetection(
        sdk_id=sig.id,
        name=sig.name,
        vendor=sig.vendor,
        category=sig.category,
        tracking=sig.tracking,
        status=status,
        class_count=12,
        collects=sig.collects,
        evidence=(Evidence("class_package", sig.packages[0], "12 classes", "classes.dex"),),
    )


def _evidence(text: str, term: str, status: Status) -> PolicyEvidence:
    return PolicyEvidence(
        text=text,
        heading=None if status != "heading_only" else text,
        start=0,
        end=len(text),
        term=term,
        term_start=text.index(term),
        strength="heading" if status == "heading_only" else "sentence",
        polarity="denial" if status == "denied" else "positive",
    )


def _policy(
    statuses: Mapping[str, Status] | None = None,
    third_parties: tuple[ThirdPartyDisclosure, ...] = (),
) -> PolicyAnalysis:
    statuses = statuses or {}
    categories = []
    for cap in capabilities():
        status = statuses.get(cap.id, "not_mentioned")
        sentence = {
            "denied": f"We do not collect your {cap.title_en.lower()}.",
            "heading_only": cap.title_en,
        }.get(status, f"We collect your {cap.title_en.lower()}.")
        term = cap.title_en if status == "heading_only" else cap.title_en.lower()
        evidence = () if status == "not_mentioned" else (_evidence(sentence, term, status),)
        categories.append(CategoryDisclosure(cap.id, status, evidence, (cap.title_en.lower(),)))
    return PolicyAnalysis(
        source="hand-made.txt",
        format="txt",
        encoding="utf-8",
        language="en",
        categories=tuple(categories),
        third_parties=third_parties,
    )


def _party(
    sdk_id: str | None, name: str, kind: ThirdPartyKind, category: str | None
) -> ThirdPartyDisclosure:
    sentence = f"We share data with {name}."
    return ThirdPartyDisclosure(
        sdk_id, name, kind, category, (_evidence(sentence, name, "disclosed"),)
    )


def _ios_scan(
    collected: tuple[str, ...] = (),
    usage: tuple[str, ...] = (),
    domains: tuple[str, ...] = (),
    symbols: tuple[str, ...] = (),
    accessed: tuple[str, ...] = (),
) -> ScanResult:
    """An iOS scan: privacy-manifest entries, usage keys and one binary's imported symbols."""
    manifest = PrivacyManifest(
        path="Payload/A.app/PrivacyInfo.xcprivacy",
        tracking=bool(domains),
        tracking_domains=domains,
        collected=tuple(CollectedDataType(t, None, None) for t in collected),
        accessed_apis=tuple(AccessedApi(c, ("00.0",)) for c in accessed),
    )
    ios = IosFacts(
        bundle_path="Payload/A.app",
        executable="Payload/A.app/A",
        usage_descriptions=tuple(
            UsageDescription(k, "why", "Payload/A.app/Info.plist") for k in usage
        ),
        privacy_manifests=(manifest,),
        binaries=(MachOImports("Payload/A.app/A", symbols=symbols),),
    )
    scan = _scan()
    return replace(scan, inventory=replace(scan.inventory, ios=ios))


def _with_text(policy: PolicyAnalysis, text: str) -> PolicyAnalysis:
    return replace(policy, text=text)


_SILENT = "We collect your email address to run your account."


def _janus(scan: ScanResult) -> ScanResult:
    """The scan of an APK with a dex file in front of its zip archive."""
    prefix = DexPrefix(size=1320, version="035")
    return replace(scan, inventory=replace(scan.inventory, dex_prefix=prefix))


# --------------------------------------------------------------------------- cases per rule

Case = Callable[[], tuple[ScanResult, PolicyAnalysis]]

CASES: dict[str, tuple[Case, Case]] = {
    "PS101": (
        lambda: (_scan(sdks=(_sdk("flurry"),)), _policy()),
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party("flurry", "Flurry", "named", "analytics"),)),
        ),
    ),
    "PS102": (
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party(None, "analytics partners", "generic", "analytics"),)),
        ),
        # Payment partners do not cover an analytics SDK.
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party(None, "payment partners", "generic", "payment"),)),
        ),
    ),
    "PS103": (
        # The policy names Google for AdMob; Google Analytics is embedded too.
        lambda: (
            _scan(sdks=(_sdk("google-analytics"),)),
            _policy(third_parties=(_party("admob", "Google", "named", "advertising"),)),
        ),
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party("admob", "Google", "named", "advertising"),)),
        ),
    ),
    "PS201": (
        lambda: (_scan(permissions=(_permission("CAMERA", "camera"),)), _policy()),
        lambda: (
            _scan(permissions=(_permission("CAMERA", "camera"),)),
            _policy({"camera": "disclosed"}),
        ),
    ),
    "PS202": (
        lambda: (_scan(calls=(_clipboard_read("umeng-analytics"),)), _policy()),
        # Writing the clipboard does not read it.
        lambda: (_scan(calls=(_clipboard_read("umeng-analytics", access="write"),)), _policy()),
    ),
    "PS301": (
        lambda: (_scan(calls=(_clipboard_read(None),)), _policy({"clipboard": "denied"})),
        lambda: (_scan(), _policy({"clipboard": "denied"})),
    ),
    "PS401": (
        lambda: (_scan(), _policy({"camera": "disclosed"})),
        lambda: (
            _scan(permissions=(_permission("CAMERA", "camera"),)),
            _policy({"camera": "disclosed"}),
        ),
    ),
    "PS701": (
        lambda: (
            _ios_scan(collected=("NSPrivacyCollectedDataTypePurchaseHistory",)),
            _with_text(_policy(), _SILENT),
        ),
        # The policy names the data in its own words.
        lambda: (
            _ios_scan(collected=("NSPrivacyCollectedDataTypePurchaseHistory",)),
            _with_text(_policy(), _SILENT + " We keep your order history."),
        ),
    ),
    "PS702": (
        lambda: (
            _ios_scan(domains=("metrics.tracker-demo.example",)),
            _with_text(_policy(), _SILENT),
        ),
        lambda: (
            _ios_scan(domains=("metrics.tracker-demo.example",)),
            _with_text(_policy(), _SILENT + " Tracker-Demo measures our ads."),
        ),
    ),
    "PS703": (
        lambda: (_ios_scan(symbols=("_mach_absolute_time",)), _policy()),
        lambda: (
            _ios_scan(
                symbols=("_mach_absolute_time",),
                accessed=("NSPrivacyAccessedAPICategorySystemBootTime",),
            ),
            _policy(),
        ),
    ),
    "PS402": (
        lambda: (_scan(), _policy(third_parties=(_party("flurry", "Flurry", "named", None),))),
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party("flurry", "Flurry", "named", None),)),
        ),
    ),
    "PS501": (
        lambda: (_janus(_scan()), _policy()),
        lambda: (_scan(), _policy()),
    ),
    "PS403": (
        lambda: (
            _scan(
                unidentified=(
                    UnidentifiedCode(
                        UnidentifiedKind.PACKAGE,
                        "org.java_websocket",
                        60,
                        0,
                        (Evidence(EvidenceKind.CLASS_PACKAGE, "org.java_websocket", "60 classes"),),
                    ),
                )
            ),
            _policy(),
        ),
        # The same package, identified by a signature: an SDK, no unidentified code.
        lambda: (_scan(sdks=(_sdk("flurry"),)), _policy({"device_id": "disclosed"})),
    ),
}


def _fired(scan: ScanResult, policy: PolicyAnalysis) -> set[str]:
    return {f.rule.id for f in audit(scan, policy).findings}


def test_rule_ids_are_unique_and_every_unit_emits_its_own_rules() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    for unit in REGISTRY:
        for case_rule in unit.rules:
            scan, policy = CASES[case_rule.id][0]()
            # The unit alone, not the whole registry, makes the finding.
            ctx = build_context(scan, policy, builtin_sdks(), capabilities(), sdk_taxonomy())
            assert case_rule.id in {f.rule.id for f in unit.check(ctx)}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_fires_on_its_positive_case_only(rule: Rule) -> None:
    rule_id = rule.id
    assert rule_id in CASES, f"{rule_id} is registered but has no positive/negative case here"
    positive, negative = CASES[rule_id]
    assert rule_id in _fired(*positive())
    assert rule_id not in _fired(*negative())


def test_precise_location_covers_coarse() -> None:
    scan = _scan(permissions=(_permission("ACCESS_COARSE_LOCATION", "location_coarse"),))
    assert "PS201" in _fired(scan, _policy())
    assert "PS201" not in _fired(scan, _policy({"location_precise": "disclosed"}))


def test_a_heading_alone_lowers_the_severity_and_is_quoted() -> None:
    camera = _scan(permissions=(_permission("CAMERA", "camera"),))
    silent = [f for f in audit(camera, _policy()).findings if f.rule.id == "PS201"]
    heading = [
        f
        for f in audit(camera, _policy({"camera": "heading_only"})).findings
        if f.rule.id == "PS201"
    ]
    assert [(f.severity.value, len(f.policy_evidence)) for f in silent] == [("high", 0)]
    assert [(f.severity.value, len(f.policy_evidence)) for f in heading] == [("medium", 1)]
    clip = _scan(calls=(_clipboard_read("umeng-analytics"),))
    heading = [
        f
        for f in audit(clip, _policy({"clipboard": "heading_only"})).findings
        if f.rule.id == "PS202"
    ]
    assert [f.severity.value for f in heading] == ["medium"]


def test_imported_tracker_lists_what_was_searched_for(tmp_path: Path) -> None:
    # A tracker only the imported file knows, in a jar holding one of its classes.
    trackers = tmp_path / "trackers.json"
    trackers.write_text(
        json.dumps(
            {
                "trackers": {
                    "9001": {
                        "id": 9001,
                        "name": "Quoll Geo",
                        "code_signature": "com.quollgeo.",
                        "categories": ["Analytics"],
                        "website": "https://quollgeo.example",
                    }
                }
            }
        )
    )
    jar = tmp_path / "app.jar"
    with zipfile.ZipFile(jar, "w") as zf:
        zf.writestr("com/quollgeo/Locator.class", b"\xca\xfe\xba\xbe")
        zf.writestr("com/example/App.class", b"\xca\xfe\xba\xbe")
    sigset = load_signatures((trackers,))
    result = scan_app(jar, sigset)
    assert [d.sdk_id for d in result.sdks] == ["exodus-9001"]
    findings = audit(result, _policy(), sigset.signatures).findings
    ps101 = [f for f in findings if f.rule.id == "PS101"]
    assert [f.subject for f in ps101] == ["exodus-9001"]
    assert "Quoll Geo" in ps101[0].searched_terms


# --------------------------------------------------------------------------- strength and owner
# Real code shapes, by hand: who owns the call site, whether Android lets it run (dormant), how
# much it proves (strength). The detect stage fills these fields; compare only reads them.


def _call(
    category: str,
    api: str,
    caller: str,
    *,
    owner: str | None = None,
    owner_kind: OwnerKind = OwnerKind.APP,
    library: str | None = None,
    strength: Strength = Strength.STRONG,
    dormant: bool = False,
    argument: str | None = None,
    evidence_kind: CodeEvidenceKind = CodeEvidenceKind.INVOKE,
) -> CallSiteUse:
    api_class, api_method = api.rsplit(".", 1)
    caller_class, caller_method = caller.rsplit(".", 1)
    return CallSiteUse(
        category=category,
        api_class=api_class,
        api_method=api_method,
        access=ApiAccess.READ,
        caller_class=caller_class,
        caller_method=caller_method,
        caller_descriptor="()V",
        code_unit="classes.dex",
        evidence_kind=evidence_kind,
        owner=owner,
        owner_kind=owner_kind,
        library=library,
        argument=argument,
        strength=strength,
        dormant=dormant,
    )


# AppCompat's night mode asks for the last known location; without a location permission
# Android refuses it (dormant), and it is library code either way.
TWILIGHT = _call(
    "location_precise",
    "android.location.LocationManager.getLastKnownLocation",
    "androidx.appcompat.app.TwilightManager.getLastKnownLocationForProvider",
    owner_kind=OwnerKind.LIBRARY,
    library="androidx-appcompat",
    dormant=True,
)
ANDROID_ID = _call(
    "device_id",
    "android.provider.Settings$Secure.getString",
    "com.example.DeviceInfoHelper.getAndroidId",
    argument="android_id",
)
SETTINGS_KEY_UNKNOWN = replace(ANDROID_ID, argument=None, strength=Strength.WEAK)
OBFUSCATED_ANDROID_ID = replace(
    ANDROID_ID, caller_class="k", caller_method="s", owner_kind=OwnerKind.UNKNOWN
)
OTHER_APP_START = _call(
    "associated_startup",
    "android.content.Context.startActivity",
    "com.example.WebView3.openUrl",
    argument="com.android.chrome",
)
UNKNOWN_TARGET_START = replace(OTHER_APP_START, argument=None, strength=Strength.WEAK)
INSTALLED_LIST = _call(
    "installed_apps",
    "android.content.pm.PackageManager.getInstalledPackages",
    "com.example.ProxyOnActivity.getInstalledApps",
)
ONE_INTENT = replace(
    INSTALLED_LIST,
    api_method="queryIntentActivities",
    caller_class="com.example.MiuiUtils",
    caller_method="isIntentAvailable",
    strength=Strength.WEAK,
)
CAMERA_OPEN = _call("camera", "android.hardware.Camera.open", "com.example.CameraPreview.onResume")
SSID_READ = _call(
    "network_identifiers", "android.net.wifi.WifiInfo.getSSID", "com.example.WifiMonitor.onReceive"
)
LINE1 = _call(
    "phone_state",
    "android.telephony.TelephonyManager.getLine1Number",
    "com.example.Identity.phoneNumber",
)


def _boot_receiver() -> StartupBehaviour:
    name = "com.example.BootReceiver"
    return StartupBehaviour(
        kind=StartupKind.SELF_STARTUP,
        component=name,
        component_kind=ComponentKind.RECEIVER,
        trigger="android.intent.action.BOOT_COMPLETED",
        reason="started by the system at boot",
        owner=None,
        evidence=Evidence("intent_filter", name, "BOOT_COMPLETED", "AndroidManifest.xml"),
    )


def _findings(scan: ScanResult, policy: PolicyAnalysis, rule: str) -> list[tuple[str, str]]:
    return [
        (f.subject, f.severity.value) for f in audit(scan, policy).findings if f.rule.id == rule
    ]


def test_dormant_library_code_raises_no_finding_even_against_a_denial() -> None:
    scan = _scan(calls=(TWILIGHT,))
    assert _fired(scan, _policy()) == set()
    assert _fired(scan, _policy({"location_precise": "denied"})) == set()
    # The same call, requested and in the app's own code, is a finding.
    own = replace(TWILIGHT, owner_kind=OwnerKind.APP, library=None, dormant=False)
    assert _findings(_scan(calls=(own,)), _policy(), "PS202") == [("location_precise", "high")]


def test_a_library_call_site_counts_only_where_the_library_collects_the_data() -> None:
    live = replace(TWILIGHT, dormant=False)
    assert not call_counts(live, {lib.id: lib.collects for lib in builtin_libraries()})
    assert call_counts(live, {"androidx-appcompat": ("location_precise",)})
    assert not call_counts(live, {"androidx-appcompat": ("clipboard",)})
    assert _fired(_scan(calls=(live,)), _policy()) == set()
    # Read from the inventory, not detect's roll-up (which keeps only active call sites).
    collecting = exercise_of(
        "location_precise", None, (live,), {"androidx-appcompat": ("location_precise",)}
    )
    assert collecting.exercised and collecting.calls == (live,)
    assert collecting.ceiling() is Severity.HIGH
    assert not exercise_of("location_precise", None, (live,), {}).exercised


@pytest.mark.parametrize(
    ("strong", "weak"),
    [
        pytest.param(ANDROID_ID, SETTINGS_KEY_UNKNOWN, id="android_id-vs-unknown-key"),
        pytest.param(OTHER_APP_START, UNKNOWN_TARGET_START, id="other-app-vs-unknown-target"),
        pytest.param(INSTALLED_LIST, ONE_INTENT, id="installed-list-vs-one-intent"),
    ],
)
def test_strong_evidence_is_high_and_weak_evidence_low(
    strong: CallSiteUse, weak: CallSiteUse
) -> None:
    assert _findings(_scan(calls=(strong,)), _policy(), "PS202") == [(strong.category, "high")]
    found = [f for f in audit(_scan(calls=(weak,)), _policy()).findings if f.rule.id == "PS202"]
    assert [(f.subject, f.severity.value) for f in found] == [(weak.category, "low")]
    assert "evidence is weak" in found[0].message
    assert "weak evidence" in found[0].app_evidence[0].detail


def test_a_string_naming_the_api_is_weak_even_when_detect_says_strong() -> None:
    named = replace(ANDROID_ID, evidence_kind=CodeEvidenceKind.CONST_STRING)
    assert _findings(_scan(calls=(named,)), _policy(), "PS202") == [("device_id", "low")]


def test_an_associated_start_without_a_named_target_is_weak() -> None:
    unnamed = replace(OTHER_APP_START, argument=None)
    assert _findings(_scan(calls=(unnamed,)), _policy(), "PS202") == [("associated_startup", "low")]


def test_obfuscated_code_of_unknown_owner_is_low_and_says_so() -> None:
    found = [
        f
        for f in audit(_scan(calls=(OBFUSCATED_ANDROID_ID,)), _policy()).findings
        if f.rule.id == "PS202"
    ]
    assert [(f.severity.value, f.sdk_id) for f in found] == [("low", None)]
    assert "owner is unknown because the code is obfuscated" in found[0].message
    assert "owner unknown" in found[0].app_evidence[0].detail
    # Next to a strong call of the app's own code, the finding is the app's, high, and notes it.
    both = [
        f
        for f in audit(_scan(calls=(OBFUSCATED_ANDROID_ID, ANDROID_ID)), _policy()).findings
        if f.rule.id == "PS202"
    ]
    assert [f.severity.value for f in both] == ["high"]
    assert both[0].message.startswith("The app's own code")
    assert "Some call sites are in obfuscated code" in both[0].message


def test_a_permission_and_the_calls_that_use_it_are_one_finding() -> None:
    scan = _scan(permissions=(_permission("CAMERA", "camera"),), calls=(CAMERA_OPEN,))
    findings = [f for f in audit(scan, _policy()).findings if f.category == "camera"]
    assert [(f.rule.id, f.severity.value) for f in findings] == [("PS201", "high")]
    assert [e.kind for e in findings[0].app_evidence] == ["permission", "call_site"]
    assert "used by the app's own code" in findings[0].message


def test_a_normal_permission_alone_is_no_finding() -> None:
    wifi = _permission("ACCESS_WIFI_STATE", "network_identifiers", ProtectionLevel.NORMAL)
    assert _fired(_scan(permissions=(wifi,)), _policy()) == set()
    with_code = _scan(permissions=(wifi,), calls=(SSID_READ,))
    assert _findings(with_code, _policy(), "PS201") == [("network_identifiers", "high")]
    assert "PS202" not in _fired(with_code, _policy())
    # Without reading the code (--no-code) nothing shows the permission unused: it counts.
    unread = replace(_scan(permissions=(wifi,)), code_analysed=False)
    assert _findings(unread, _policy(), "PS201") == [("network_identifiers", "high")]
    boot = _permission("RECEIVE_BOOT_COMPLETED", "self_startup", ProtectionLevel.NORMAL)
    assert _fired(_scan(permissions=(boot,)), _policy()) == set()
    started = _scan(permissions=(boot,), startup=(_boot_receiver(),))
    assert _findings(started, _policy(), "PS201") == [("self_startup", "high")]


def test_a_denial_is_high_only_on_strong_evidence() -> None:
    denied = _policy({"device_id": "denied"})
    assert _findings(_scan(calls=(ANDROID_ID,)), denied, "PS301") == [("device_id", "high")]
    assert _findings(_scan(calls=(SETTINGS_KEY_UNKNOWN,)), denied, "PS301") == [
        ("device_id", "low")
    ]
    assert _findings(_scan(calls=(OBFUSCATED_ANDROID_ID,)), denied, "PS301") == [
        ("device_id", "low")
    ]
    assert _findings(_scan(calls=(replace(ANDROID_ID, dormant=True),)), denied, "PS301") == []


def test_an_sdk_that_processes_personal_data_needs_naming_tracker_or_not() -> None:
    # WeChat OpenSDK is no tracker, but its signature says it reads the installed-app list.
    assert _findings(_scan(sdks=(_sdk("wechat-opensdk"),)), _policy(), "PS101") == [
        ("wechat-opensdk", "medium")
    ]
    # OkHttp processes no personal data of its own ...
    assert _fired(_scan(sdks=(_sdk("okhttp"),)), _policy()) == set()
    # ... unless its code is seen exercising a capability.
    calling = replace(ANDROID_ID, owner="okhttp", owner_kind=OwnerKind.SDK)
    assert _findings(_scan(sdks=(_sdk("okhttp"),), calls=(calling,)), _policy(), "PS101") == [
        ("okhttp", "high")
    ]


def test_an_sdk_declared_in_the_manifest_only_is_info() -> None:
    found = [
        f
        for f in audit(_scan(sdks=(_sdk("amap", SdkStatus.DECLARED),)), _policy()).findings
        if f.rule.id == "PS101"
    ]
    assert [(f.subject, f.severity.value) for f in found] == [("amap", "info")]
    assert "no code of it was found" in found[0].message
    assert _fired(_scan(sdks=(_sdk("amap", SdkStatus.STUB),)), _policy()) == set()
    # Named in the policy, only its key in the manifest: PS402 says what is there.
    named = _policy(third_parties=(_party("amap", "AMap", "named", "maps"),))
    found = audit(_scan(sdks=(_sdk("amap", SdkStatus.DECLARED),)), named).findings
    assert [(f.rule.id, f.severity.value) for f in found] == [("PS402", "info")]
    assert "the manifest declares it" in found[0].message


def test_a_device_id_disclosure_covers_read_phone_state() -> None:
    phone = _permission("READ_PHONE_STATE", "phone_state")
    ids = _policy({"device_id": "disclosed"})
    assert _findings(_scan(permissions=(phone,)), ids, "PS201") == []
    assert _findings(_scan(permissions=(phone,)), _policy(), "PS201") == [("phone_state", "high")]
    # Reading the phone number is phone state proper: the device-ID disclosure does not cover it.
    number = _scan(permissions=(phone,), calls=(LINE1,))
    assert _findings(number, ids, "PS201") == [("phone_state", "high")]
    message = next(f.message for f in audit(number, ids).findings if f.rule.id == "PS201")
    assert "disclosure of device identifiers does not cover" in message
    assert "getLine1Number" in message
    numbers = _permission("READ_PHONE_NUMBERS", "phone_state")
    assert _findings(_scan(permissions=(phone, numbers)), ids, "PS201") == [("phone_state", "high")]
    # A device-ID call site is another category and does not block the coverage.
    assert _findings(_scan(permissions=(phone,), calls=(ANDROID_ID,)), ids, "PS201") == []
    # Nor does a phone-number read Android refuses (dormant).
    dormant = replace(LINE1, dormant=True)
    assert _findings(_scan(permissions=(phone,), calls=(dormant,)), ids, "PS201") == []


def test_the_coverage_of_read_phone_state_is_data() -> None:
    phone_state = next(c for c in capabilities() if c.id == "phone_state")
    assert [(c.capability, c.permissions) for c in phone_state.permission_covered_by] == [
        ("device_id", (AP + "READ_PHONE_STATE",))
    ]
    assert all(not c.permission_covered_by for c in capabilities() if c.id != "phone_state")


# --------------------------------------------------------------------------- taxonomy data

_COVERED = sorted((c, g) for c, gs in sdk_taxonomy().coverage.items() for g in gs)


def _sdk_of_category(category: str) -> SdkDetection:
    return SdkDetection(
        sdk_id="hand-made-sdk",
        name="Hand-made SDK",
        vendor="Nobody Ltd.",
        category=category,
        tracking=True,
        status="present",
        class_count=5,
        collects=(),
        evidence=(Evidence("class_package", "com.handmade.sdk", "5 classes", "classes.dex"),),
    )


@pytest.mark.parametrize(
    ("sdk_category", "generic"), _COVERED, ids=[f"{c}-{g}" for c, g in _COVERED]
)
def test_a_generic_disclosure_covers_exactly_its_sdk_categories(
    sdk_category: str, generic: str
) -> None:
    taxonomy = sdk_taxonomy()
    scan = _scan(sdks=(_sdk_of_category(sdk_category),))
    covering = _policy(third_parties=(_party(None, f"{generic} partners", "generic", generic),))
    assert _fired(scan, covering) == {"PS102"}
    other = next(g for g in taxonomy.generic_categories if g not in taxonomy.covering(sdk_category))
    elsewhere = _policy(third_parties=(_party(None, f"{other} partners", "generic", other),))
    assert _fired(scan, elsewhere) == {"PS101"}


def test_every_sdk_category_of_the_schema_has_a_taxonomy_entry() -> None:
    from scanner.signatures.catalog import validate_all

    assert validate_all() == []
    categories = {s.category for s in builtin_sdks()}
    assert categories <= set(sdk_taxonomy().coverage)


@pytest.mark.parametrize(
    ("sdk_category", "covered_by", "not_covered_by"),
    [
        ("ads", {"advertising"}, "analytics"),
        ("attribution", {"analytics", "advertising"}, "security"),
        ("device_id", {"advertising", "security"}, "analytics"),
        ("social", {"share", "login"}, "advertising"),
        ("location", {"maps"}, "security"),
        ("web", set(), "analytics"),
    ],
)
def test_taxonomy_facts(sdk_category: str, covered_by: set[str], not_covered_by: str) -> None:
    """The answers chosen where three hand-written tables used to disagree."""
    taxonomy = sdk_taxonomy()
    assert set(taxonomy.covering(sdk_category)) == covered_by
    assert sdk_category not in taxonomy.covered(not_covered_by)
    for generic in covered_by:
        assert sdk_category in taxonomy.covered(generic)


def test_ps102_names_the_kinds_of_partner_it_quotes_the_sdks_own_kind_first() -> None:
    def message(sdk_category: str, *generics: str) -> str:
        scan = _scan(sdks=(_sdk_of_category(sdk_category),))
        parties = tuple(_party(None, f"{g} partners", "generic", g) for g in generics)
        (finding,) = [f for f in audit(scan, _policy(third_parties=parties)).findings]
        assert finding.rule.id == "PS102"
        return finding.message

    # Attribution is covered by analytics and advertising partners: both are quoted, both named.
    assert "disclosure of analytics and advertising partners" in message(
        "attribution", "analytics", "advertising"
    )
    # An ads SDK is covered by advertising partners only: the analytics sentence is not quoted.
    assert "disclosure of advertising partners;" in message("ads", "analytics", "advertising")
    # One kind of partner: no list.
    assert "disclosure of analytics partners;" in message("analytics", "analytics")


def test_an_sdk_of_the_policys_own_operator_is_reported_for_information_only() -> None:
    from dataclasses import replace as with_fields

    scan = _scan(sdks=(_sdk("vivo-push"), _sdk("bugly")))
    policy = with_fields(_policy(), operators=("vivo浏览器",))
    found = {f.subject: f for f in audit(scan, policy).findings if f.rule.id == "PS101"}
    # vivo's browser need not list vivo's own push SDK as a third party: information only.
    assert found["vivo-push"].severity is Severity.INFO
    assert "made by the policy's own operator (vivo)" in found["vivo-push"].message
    # Tencent's Bugly is a third party's SDK there: the finding keeps its severity.
    assert found["bugly"].severity is not Severity.INFO
    assert "own operator" not in found["bugly"].message
    # The operator's legal name counts too; a policy that names no operator changes nothing.
    legal = with_fields(_policy(), operators=("维沃移动通信有限公司",))
    assert {f.subject: f.severity for f in audit(scan, legal).findings}["vivo-push"] is (
        Severity.INFO
    )
    plain = {f.subject: f.severity for f in audit(scan, _policy()).findings}
    assert plain["vivo-push"] is not Severity.INFO
