"""The app's own namespace, SDK attribution at its edges, and unidentified third-party code.

Inputs are real bytes: the JPush and JCore jars of the real-world cache, classes compiled from
source with javac (a ShareSDK demo app's own package, JPush's renamed sub-packages, an unknown
vendor's library), and the real apps of the cache. A jar is read as the code of an APK whose
manifest the test states: only an installable app has a namespace of its own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from realworld import real_world_file

from scanner.compare.baseline import apply_baseline, load_baseline
from scanner.compare.model import AuditResult, Finding
from scanner.compare.rules import build_context
from scanner.compare.rules.unidentified_code import UNIDENTIFIED_CODE, check
from scanner.detect import detect
from scanner.detect.namespace import own_namespaces
from scanner.detect.sdks import SdkIndex
from scanner.extract import extract_app
from scanner.extract.archive import DEFAULT_LIMITS
from scanner.model import (
    AppInventory,
    AppKind,
    Component,
    ComponentKind,
    Evidence,
    EvidenceKind,
    IntentFilter,
    ScanResult,
    UnidentifiedCode,
    UnidentifiedKind,
)
from scanner.pipeline import scan_app
from scanner.policy.model import CategoryDisclosure, PolicyAnalysis
from scanner.signatures.catalog import builtin_sdks, capabilities, sdk_taxonomy
from scanner.signatures.libraries import LibraryIndex, builtin_libraries

JPUSH = "jpush-android-4.8.1.jar"
JCORE = "jcore-android-3.2.2.jar"


def _compile(tmp_path: Path, classes: list[str]) -> dict[str, bytes]:
    """Class-file bytes of empty public classes, compiled by javac: entry name -> bytes."""
    if shutil.which("javac") is None:
        pytest.skip("javac is not installed")
    src, out = tmp_path / "src", tmp_path / "out"
    files = []
    for dotted in classes:
        package, _, name = dotted.rpartition(".")
        folder = src.joinpath(*package.split("."))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.java"
        path.write_text(
            f"package {package};\npublic class {name} {{ public int v() {{ return 1; }} }}\n"
        )
        files.append(str(path))
    subprocess.run(["javac", "-d", str(out), *files], check=True, capture_output=True)
    return {
        str(p.relative_to(out)).replace("\\", "/"): p.read_bytes() for p in out.rglob("*.class")
    }


def _jar(tmp_path: Path, real: tuple[str, ...], compiled: list[str]) -> Path:
    """One jar: every class of the named real-world jars plus the compiled classes."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    jar = tmp_path / "app.jar"
    with zipfile.ZipFile(jar, "w") as out:
        for name in real:
            with zipfile.ZipFile(real_world_file(name)) as zf:
                for entry in zf.namelist():
                    if entry.endswith(".class"):
                        out.writestr(entry, zf.read(entry))
        for entry, data in _compile(tmp_path, compiled).items() if compiled else ():
            out.writestr(entry, data)
    return jar


def _as_apk(jar: Path, package: str, components: tuple[Component, ...] = ()) -> AppInventory:
    inv = extract_app(jar, DEFAULT_LIMITS, keep_code=False).inventory
    identity = replace(inv.identity, kind=AppKind.APK, package=package)
    return replace(inv, identity=identity, components=components)


def _component(name: str, kind: ComponentKind = ComponentKind.SERVICE) -> Component:
    return Component(kind, name, False, None, True, None, None)


def _launcher(name: str) -> Component:
    main = IntentFilter(("android.intent.action.MAIN",), ("android.intent.category.LAUNCHER",))
    return Component(ComponentKind.ACTIVITY, name, True, None, True, None, None, (main,))


def _sdk_counts(result: ScanResult) -> dict[str, int]:
    return {d.sdk_id: d.class_count for d in result.sdks}


# --------------------------------------------------------------------------- attribution


def test_a_demo_apps_own_package_is_not_the_sdk(tmp_path: Path) -> None:
    demo = [f"cn.sharesdk.demo.Screen{i}" for i in range(12)]
    framework = [f"cn.sharesdk.framework.Platform{i}" for i in range(4)]
    inv = _as_apk(_jar(tmp_path, (), demo + framework), "cn.sharesdk.demo")
    result = detect(inv, builtin_sdks())
    # Only ShareSDK's own package counts; the demo's twelve classes are the app's.
    assert _sdk_counts(result)["sharesdk-mobtech"] == 4
    assert result.own_namespaces[0].prefix == "cn.sharesdk.demo"


def test_without_the_sdks_code_the_demo_app_embeds_no_sdk(tmp_path: Path) -> None:
    demo = [f"cn.sharesdk.demo.Screen{i}" for i in range(12)]
    inv = _as_apk(_jar(tmp_path, (), demo), "cn.sharesdk.demo")
    assert "sharesdk-mobtech" not in _sdk_counts(detect(inv, builtin_sdks()))
    # The same classes read as a jar (no app namespace) are ShareSDK's: the rule is the app's.
    assert _sdk_counts(scan_app(_jar(tmp_path / "jar", (), demo), code=False)) == {
        "sharesdk-mobtech": 12
    }


def test_jpush_and_jcore_each_count_their_own_classes_and_components(tmp_path: Path) -> None:
    components = (
        _component("cn.jpush.android.service.PushService"),
        _component("cn.jpush.android.service.DaemonService"),
        _component("cn.jpush.android.ui.PopWinActivity", ComponentKind.ACTIVITY),
        _component("cn.jpush.android.service.JNotifyActivity", ComponentKind.ACTIVITY),
    )
    inv = _as_apk(_jar(tmp_path, (JPUSH, JCORE), []), "com.example.push", components)
    result = detect(inv, builtin_sdks())
    counts = _sdk_counts(result)
    assert counts["jcore"] >= 500 and counts["jpush"] >= 480
    evidence = {
        d.sdk_id: {e.value for e in d.evidence if e.kind is EvidenceKind.COMPONENT}
        for d in result.sdks
    }
    assert evidence["jcore"] == {
        "cn.jpush.android.service.PushService",
        "cn.jpush.android.service.DaemonService",
    }
    assert evidence["jpush"] == {
        "cn.jpush.android.ui.PopWinActivity",
        "cn.jpush.android.service.JNotifyActivity",
    }


def test_a_component_two_sdks_name_counts_for_the_one_holding_its_code(tmp_path: Path) -> None:
    sdks = {s.id: s for s in builtin_sdks()}
    # JPush claiming JCore's PushService too (as signatures written from manifests often do).
    greedy = replace(sdks["jpush"], components=(*sdks["jpush"].components, "*.PushService"))
    signatures = (greedy, sdks["jcore"])
    service = "cn.jpush.android.service.PushService"
    inv = _as_apk(_jar(tmp_path, (JPUSH, JCORE), []), "com.example.push", (_component(service),))
    result = detect(inv, signatures)
    owners = {d.sdk_id for d in result.sdks for e in d.evidence if e.value == service}
    assert owners == {"jcore"}
    assert SdkIndex(signatures).owners_of_class(service) == ("jcore",)
    # A name only JPush's pattern matches stays JPush's.
    assert SdkIndex(signatures).owners_of_class("cn.jpush.android.x.PushService") == ("jpush",)


def test_renamed_sub_packages_of_jpush_count_for_jpush(tmp_path: Path) -> None:
    renamed = ["cn.jpush.a.a", "cn.jpush.a.b", "cn.jpush.b.a", "cn.jpush.b.c.d"]
    inv = _as_apk(_jar(tmp_path, (JPUSH,), [*renamed, "cn.jpush.demo.Main"]), "com.example.push")
    plain = _sdk_counts(scan_app(real_world_file(JPUSH), code=False))["jpush"]
    assert _sdk_counts(detect(inv, builtin_sdks()))["jpush"] == plain + len(renamed)


def test_a_root_claimed_by_one_signature_is_its_and_by_two_is_nobodys() -> None:
    """`renamed_under` decides a vendor root where readable prefixes of two SDKs sit (JPush's
    cn.jpush.android, JMessage's cn.jpush.im): one claim wins, two claims decide nothing."""
    sdks = builtin_sdks()
    assert SdkIndex(sdks).owners_of_class("cn.jpush.a.b") == ("jpush",)
    assert SdkIndex(sdks).owners_of_class("cn.jpush.im.a.b") == ("jiguang-jmessage",)
    twice = tuple(
        replace(s, renamed_under=("cn.jpush",)) if s.id == "jiguang-jmessage" else s for s in sdks
    )
    assert SdkIndex(twice).owners_of_class("cn.jpush.a.b") == ()
    unclaimed = tuple(replace(s, renamed_under=()) if s.id == "jpush" else s for s in sdks)
    assert SdkIndex(unclaimed).owners_of_class("cn.jpush.a.b") == ()


@pytest.mark.parametrize(
    "name", ["cn.jpush.demo.Main", "com.google.a.b", "com.google.android.a.b", "cn.jpushx.a.b"]
)
def test_renamed_code_under_a_shared_or_readable_root_is_nobodys(name: str) -> None:
    libraries = tuple(p for lib in builtin_libraries() for p in lib.packages)
    assert SdkIndex(builtin_sdks(), library_prefixes=libraries).owners_of_class(name) == ()


# --------------------------------------------------------------------------- own namespace


def test_the_own_namespace_comes_from_the_manifest_its_parent_and_the_launcher() -> None:
    apk = real_world_file("Yosemite.apk")
    inv = extract_app(apk, DEFAULT_LIMITS, keep_code=False).inventory
    libraries = LibraryIndex(builtin_libraries())
    found = own_namespaces(inv, SdkIndex(builtin_sdks()), libraries)
    assert [n.prefix for n in found] == ["com.netease.nie.yosemite", "com.netease.nie"]
    moved = replace(inv, components=(_launcher("com.netease.game.ui.Main"),))
    found = own_namespaces(moved, SdkIndex(builtin_sdks()), libraries)
    assert "com.netease.game" in [n.prefix for n in found]
    application = replace(inv.identity, application_class="com.netease.core.app.GameApp")
    found = own_namespaces(replace(inv, identity=application), SdkIndex(builtin_sdks()), libraries)
    assert "com.netease.core" in [n.prefix for n in found]


@pytest.mark.parametrize(
    ("application", "launcher"),
    [
        ("com.stub.StubApp", "org.brand.core.ui.Main"),  # a packer; another vendor's code
        ("androidx.multidex.MultiDexApplication", "com.tencent.tauth.AuthActivity"),
    ],
)
def test_entry_points_of_another_vendor_are_not_the_apps(application: str, launcher: str) -> None:
    inv = extract_app(real_world_file("Yosemite.apk"), DEFAULT_LIMITS, keep_code=False).inventory
    inv = replace(
        inv,
        identity=replace(inv.identity, application_class=application),
        components=(_launcher(launcher),),
    )
    found = own_namespaces(inv, SdkIndex(builtin_sdks()), LibraryIndex(builtin_libraries()))
    assert [n.prefix for n in found] == ["com.netease.nie.yosemite", "com.netease.nie"]


def test_an_sdk_sample_app_keeps_its_sdk(tmp_path: Path) -> None:
    # The manifest package's parent (cn.jpush.android.demo) lies inside JPush's prefix: only
    # the manifest package itself is the app's, so JPush's classes still count.
    inv = _as_apk(
        _jar(tmp_path, (JPUSH,), ["cn.jpush.android.demo.app.Main"]), "cn.jpush.android.demo.app"
    )
    prefixes = [n.prefix for n in detect(inv, builtin_sdks()).own_namespaces]
    assert prefixes == ["cn.jpush.android.demo.app"]
    assert _sdk_counts(detect(inv, builtin_sdks()))["jpush"] >= 480


# --------------------------------------------------------------------------- unidentified


def test_an_unknown_vendors_library_is_listed_with_its_size(tmp_path: Path) -> None:
    vendor = [f"com.acmesdk.track.Tracker{i}" for i in range(8)]
    vendor += [f"com.acmesdk.net.Client{i}" for i in range(4)]
    few = [f"org.tiny.util.Helper{i}" for i in range(3)]
    own = [f"com.example.shop.Screen{i}" for i in range(20)]
    inv = _as_apk(_jar(tmp_path, (JPUSH,), vendor + few + own), "com.example.shop")
    found = detect(inv, builtin_sdks()).unidentified
    assert [(u.kind, u.name, u.class_count) for u in found] == [
        (UnidentifiedKind.PACKAGE, "com.acmesdk", 12)
    ]
    assert [e.value for e in found[0].evidence] == ["com.acmesdk.track", "com.acmesdk.net"]


def test_a_jar_has_no_namespace_and_known_sdk_code_is_never_unidentified() -> None:
    result = scan_app(real_world_file(JPUSH), code=False)
    assert result.own_namespaces == () and result.unidentified == ()


def test_real_apps_list_only_true_third_party_code() -> None:
    yosemite = scan_app(real_world_file("Yosemite.apk"), code=False).unidentified
    names = {u.name for u in yosemite}
    assert {"org.java_websocket", "org.slf4j", "com.beust", "librime.so"} <= names
    assert not any(n.startswith(("com.netease.nie", "android", "java", "kotlin")) for n in names)
    for apk in ("ApiDemos-debug.apk", "app-uiautomator.apk"):
        assert scan_app(real_world_file(apk), code=False).unidentified == ()
    settings = scan_app(real_world_file("settings_apk-debug.apk"), code=False).unidentified
    assert not any(u.name.startswith("android") for u in settings)
    rootcloak = scan_app(real_world_file("com.devadvance.rootcloak2_v18_c43b61.apk"), code=False)
    assert rootcloak.unidentified == ()  # librootcloak.so is named after the app


def _unidentified_scan() -> ScanResult:
    result = scan_app(real_world_file("app-uiautomator.apk"), code=False)
    item = UnidentifiedCode(
        UnidentifiedKind.PACKAGE,
        "org.java_websocket",
        60,
        0,
        (Evidence(EvidenceKind.CLASS_PACKAGE, "org.java_websocket", "60 classes"),),
    )
    return replace(result, unidentified=(item,))


def test_a_baseline_entry_names_identified_code_by_rule_and_subject(tmp_path: Path) -> None:
    scan = _unidentified_scan()
    findings = tuple(check_findings(scan))
    assert [(f.rule.id, f.subject) for f in findings] == [("PS403", "org.java_websocket")]
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        '{"version": 1, "accepted": [{"rule": "PS403", "subject": "org.java_websocket", '
        '"justification": "Java-WebSocket (MIT): a WebSocket client, collects nothing"}]}'
    )
    audit = apply_baseline(AuditResult(scan, None, findings), load_baseline(baseline))
    assert audit.findings == () and len(audit.suppressed) == 1
    other = tmp_path / "other.json"
    other.write_text(
        '{"version": 1, "accepted": [{"rule": "PS403", "subject": "org.slf4j", '
        '"justification": "SLF4J logging facade"}]}'
    )
    assert apply_baseline(AuditResult(scan, None, findings), load_baseline(other)).findings


def check_findings(scan: ScanResult) -> list[Finding]:
    """PS403's findings on a scan, against a policy that says nothing."""
    policy = PolicyAnalysis(
        source="silent.txt",
        format="txt",
        encoding="utf-8",
        language="en",
        categories=tuple(CategoryDisclosure(c.id, "not_mentioned", (), ()) for c in capabilities()),
        third_parties=(),
    )
    ctx = build_context(scan, policy, builtin_sdks(), capabilities(), sdk_taxonomy())
    found = list(check(ctx))
    assert all(f.rule is UNIDENTIFIED_CODE for f in found)
    return found


# --------------------------------------------------------------------------- reports


def _hostile_scan() -> ScanResult:
    item = UnidentifiedCode(
        UnidentifiedKind.NATIVE_LIBRARY,
        "lib<script>x</script>.so",
        0,
        204800,
        (Evidence(EvidenceKind.NATIVE_LIBRARY, "lib<script>x</script>.so", "arm64-v8a", "lib/"),),
    )
    return replace(_unidentified_scan(), unidentified=(item,))


def test_every_report_lists_unidentified_code_escaped() -> None:
    import io

    from rich.console import Console

    from scanner.report.html import render_html
    from scanner.report.json_report import render_json
    from scanner.report.markdown import md_escape, render_markdown
    from scanner.report.sarif import render_sarif
    from scanner.report.terminal import print_scan

    scan = _hostile_scan()
    audit = AuditResult(scan, None, tuple(check_findings(scan)))
    html = render_html(audit, generated_at="2026-12-01T00:00:00Z")
    assert "Unidentified third-party code" in html and "200 KiB" in html
    assert "lib<script>" not in html and "lib&lt;script&gt;x&lt;/script&gt;.so" in html
    markdown = render_markdown(audit)
    assert "#### Unidentified third-party code" in markdown
    assert "<script>" not in markdown and md_escape("lib<script>x</script>.so") in markdown
    doc = json.loads(render_json(scan))
    assert doc["unidentified"][0]["name"] == "lib<script>x</script>.so"
    assert doc["unidentified"][0]["kind"] == "native_library"
    sarif = json.loads(render_sarif(audit))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PS403"]
    out = io.StringIO()
    print_scan(scan, Console(file=out, width=200, color_system=None))
    assert "Unidentified third-party code (1)" in out.getvalue()


@pytest.mark.parametrize(
    ("apk", "application"),
    [
        ("Yosemite.apk", "com.netease.nie.yosemite.MyApp"),
        ("pocoservice-debug.apk", "androidx.multidex.MultiDexApplication"),
        ("app-uiautomator.apk", None),
    ],
)
def test_the_application_class_is_read_from_the_manifest(apk: str, application: str | None) -> None:
    identity = extract_app(real_world_file(apk), DEFAULT_LIMITS, keep_code=False).inventory.identity
    assert identity.application_class == application


REAL_SDK_BINARIES = (
    "AlipaySDK.framework-AlipaySDK",
    "TencentOpenAPI.framework-TencentOpenAPI",
    "jpush-ios-4.8.1.a",
    "libWeChatSDK.a",
    "libjcore322.so",
    "liblocSDK8a.so",
    "BaiduLBS_Android.jar",
    "hermes-release.aar",
)


@pytest.mark.parametrize("name", REAL_SDK_BINARIES)
def test_a_known_sdk_binary_leaves_nothing_unidentified(name: str) -> None:
    assert scan_app(real_world_file(name), code=False).unidentified == ()


@pytest.mark.parametrize(
    ("name", "sdk", "kind"),
    [
        ("TencentOpenAPI.framework-TencentOpenAPI", "qq-opensdk", UnidentifiedKind.FRAMEWORK),
        ("libjcore322.so", "jcore", UnidentifiedKind.NATIVE_LIBRARY),
    ],
)
def test_a_binary_no_signature_names_is_unidentified(
    name: str, sdk: str, kind: UnidentifiedKind
) -> None:
    inv = extract_app(real_world_file(name), DEFAULT_LIMITS, keep_code=False).inventory
    without = tuple(s for s in builtin_sdks() if s.id != sdk)
    found = detect(inv, without).unidentified
    assert [(u.kind, u.name) for u in found] == [(kind, inv.native_libraries[0].name)]
    assert found[0].size == inv.native_libraries[0].size > 0
