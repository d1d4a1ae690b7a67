"""The library catalogue (signatures/libraries/): valid, every example owned as it says, no clash
with the SDK catalogue, and on real apps the library call sites that today count as the app's own
code are recognised."""

from __future__ import annotations

import json
import re
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from realworld import real_world_file

from scanner.detect.sdks import SdkIndex
from scanner.extract.dex import DexCode, descriptor_to_class_name
from scanner.pipeline import scan_app
from scanner.signatures.catalog import builtin_sdks
from scanner.signatures.libraries import (
    LibraryIndex,
    LibraryKind,
    LibrarySignature,
    MethodFacts,
    builtin_libraries,
    library_folder,
    library_schema,
    validate_libraries,
)

LIBRARIES = builtin_libraries()
INDEX = LibraryIndex(LIBRARIES)
SDKS = builtin_sdks()

# The libraries issue 10 names, by the id each has here.
REQUIRED = [
    "androidx-core",
    "androidx-appcompat",
    "androidx-fragment",
    "androidx-recyclerview",
    "androidx-lifecycle",
    "androidx-work",
    "androidx-room",
    "androidx-media",
    "androidx-webkit",
    "androidx-camera",
    "androidx-multidex",
    "androidx",
    "android-support",
    "material-components",
    "kotlin-stdlib",
    "kotlinx-coroutines",
    "kotlinx-serialization",
    "play-services-base",
    "play-services-tasks",
    "guava",
    "okio",
    "retrofit",
    "glide",
    "fresco",
    "picasso",
    "coil",
    "gson",
    "jackson",
    "moshi",
    "rxjava",
    "rxandroid",
    "zxing",
    "exoplayer",
    "androidx-media3",
    "lottie",
    "eventbus",
    "dagger",
    "timber",
    "apache-commons",
    "javax-inject",
    "jetbrains-annotations",
    "protobuf",
    "bouncycastle",
    "conscrypt",
    "jsoup",
    "sqlcipher",
    "react-native",
    "flutter",
    "xamarin",
    "cordova",
    "unity-player",
]


def _examples(kind: str) -> list[tuple[str, str]]:
    return [
        (lib.id, example)
        for lib in LIBRARIES
        for example in (lib.positive_examples if kind == "positive" else lib.negative_examples)
    ]


def _inside(package: str, prefix: str) -> bool:
    return package == prefix or package.startswith(prefix + ".")


# ----------------------------------------------------------------------------- the data itself
def test_every_library_file_is_valid() -> None:
    assert validate_libraries() == []


def test_catalogue_has_the_required_libraries() -> None:
    ids = {lib.id for lib in LIBRARIES}
    assert sorted(set(REQUIRED) - ids) == []
    assert len(LIBRARIES) >= 40


def test_kind_enum_matches_the_schema() -> None:
    assert set(library_schema()["properties"]["kind"]["enum"]) == {k.value for k in LibraryKind}


def test_every_library_says_what_it_collects_with_a_source() -> None:
    # `collects: []` is a claim; it must come with at least one source a reviewer can open.
    for lib in LIBRARIES:
        assert any(s.startswith("https://") for s in lib.sources), lib.id


@pytest.mark.parametrize(("lib_id", "class_name"), _examples("positive"))
def test_positive_example_is_owned_by_its_library(lib_id: str, class_name: str) -> None:
    assert INDEX.owner_of(class_name) == lib_id


@pytest.mark.parametrize(("lib_id", "class_name"), _examples("negative"))
def test_negative_example_is_not_owned_by_its_library(lib_id: str, class_name: str) -> None:
    assert INDEX.owner_of(class_name) != lib_id


def test_classes_named_by_design_capabilities_belong_to_their_library() -> None:
    wrong = [
        (lib.id, cls, INDEX.owner_of(cls))
        for lib in LIBRARIES
        for design in lib.capabilities_by_design
        for cls in design.classes
        if INDEX.owner_of(cls) != lib.id
    ]
    assert wrong == []


def test_shapes_name_apis_of_their_capability() -> None:
    # A shape explains a call site; at least one of its calls must be an API the capability
    # lists, or the shape could never meet the call site it is meant to explain.
    from scanner.signatures.catalog import capabilities

    apis = {c.id: {f"{a.class_name}.{a.method}" for a in c.apis} for c in capabilities()}
    for lib in LIBRARIES:
        for shape in lib.shapes:
            assert set(shape.calls) & apis[shape.capability], (lib.id, shape.id)


# ----------------------------------------------------------------------------- SDKs vs libraries
def _sdk_prefixes() -> list[tuple[str, str, tuple[str, ...]]]:
    return [(s.id, p, s.exclude_packages) for s in SDKS for p in s.packages]


def test_no_library_claims_a_package_an_sdk_owns() -> None:
    """Decision: the SDK catalogue wins. A library prefix may neither equal an SDK prefix nor sit
    inside one (unless that SDK excludes it), and where an SDK prefix sits inside a library
    prefix (gms.internal.ads under a hypothetical gms.internal) the library must exclude it, so
    that `LibraryIndex` on its own never claims SDK code."""
    clashes = []
    for lib in LIBRARIES:
        for prefix in lib.packages:
            for sdk_id, sdk_prefix, sdk_excludes in _sdk_prefixes():
                if _inside(prefix, sdk_prefix):
                    if not any(_inside(prefix, e) for e in sdk_excludes):
                        clashes.append((lib.id, prefix, sdk_id, sdk_prefix))
                elif _inside(sdk_prefix, prefix) and not any(
                    _inside(sdk_prefix, e) for e in lib.exclude_packages
                ):
                    clashes.append((lib.id, prefix, sdk_id, sdk_prefix))
    assert clashes == []


def test_no_sdk_example_class_is_library_code() -> None:
    claimed = [
        (s.id, example, INDEX.owner_of(example))
        for s in SDKS
        for example in s.positive_examples
        if not example.endswith(".so") and INDEX.owner_of(example) is not None
    ]
    assert claimed == []


def test_the_libraries_the_sdk_catalogue_already_holds_are_not_duplicated() -> None:
    # OkHttp and Hermes are libraries by nature but have SDK files (tracking: false); until the
    # lead moves them, the library catalogue must not claim their packages a second time.
    for class_name in ("okhttp3.OkHttpClient", "com.facebook.hermes.intl.Intl"):
        assert INDEX.owner_of(class_name) is None


# ----------------------------------------------------------------------------- the index
def _lib(lib_id: str, packages: Sequence[str], exclude: Sequence[str] = ()) -> LibrarySignature:
    return LibrarySignature(
        id=lib_id,
        name=lib_id,
        maintainer="test",
        kind=LibraryKind.UTILITY,
        packages=tuple(packages),
        exclude_packages=tuple(exclude),
        collects=(),
        capabilities_by_design=(),
        shapes=(),
        sources=("https://example.org",),
        positive_examples=(),
        negative_examples=(),
    )


def test_most_specific_prefix_wins_and_exclusions_belong_to_nobody() -> None:
    index = LibraryIndex(
        [
            _lib("rx", ["io.reactivex"], exclude=["io.reactivex.vendor"]),
            _lib("rxa", ["io.reactivex.android"]),
        ],
        reserved=["io.reactivex.sdk"],
    )
    assert index.owner_of("io.reactivex.Observable") == "rx"
    assert index.owner_of("io.reactivex.internal.a.B$C") == "rx"
    assert index.owner_of("io.reactivex.android.schedulers.AndroidSchedulers") == "rxa"
    assert index.owner_of("io.reactivex.vendor.Foo") is None
    assert index.owner_of("io.reactivex.sdk.Tracker") is None
    assert index.owner_of("io.reactivexx.Foo") is None
    assert index.owner_of("io.Foo") is None
    # R8 output in the default package, and a class whose simple name equals a prefix.
    assert index.owner_of("a") is None
    assert index.owner_of("io.reactivex") is None


def test_real_r8_names_have_no_owner() -> None:
    for name in ("e.n", "k.s", "a.a.a.b", "defpackage.C0123a"):
        assert INDEX.owner_of(name) is None


def test_index_is_fast_enough_for_a_150k_class_app() -> None:
    # Class names shaped like a large app: library classes, app classes, R8 short names.
    roots = ["androidx.core.app", "kotlin.collections", "com.example.shop.ui", "okio", "a.b"]
    names = [f"{roots[i % 5]}.p{i % 700}.C{i}" for i in range(150_000)]
    index = LibraryIndex(LIBRARIES)
    start = time.perf_counter()
    owned = sum(1 for n in names if index.owner_of(n) is not None)
    elapsed = time.perf_counter() - start
    assert owned == 90_000  # androidx.core, kotlin, okio: three roots of five
    assert elapsed < 1.0, f"{elapsed:.3f} s for 150k classes"


# ----------------------------------------------------------------------------- validation
def _write(folder: Path, doc: dict[str, object]) -> None:
    (folder / f"{doc['id']}.json").write_text(json.dumps(doc), encoding="utf-8")


def _valid_doc(lib_id: str, packages: list[str]) -> dict[str, object]:
    return {
        "id": lib_id,
        "name": lib_id,
        "maintainer": "test",
        "kind": "utility",
        "packages": packages,
        "collects": [],
        "sources": ["https://example.org"],
        "examples": {"positive": [packages[0] + ".A"], "negative": ["x.Y"]},
    }


def test_validation_accepts_a_minimal_file(tmp_path: Path) -> None:
    _write(tmp_path, _valid_doc("one", ["org.one"]))
    assert validate_libraries(tmp_path) == []


def test_validation_reports_every_problem(tmp_path: Path) -> None:
    bad = _valid_doc("bad", ["org.bad"])
    bad["tracking"] = False  # an SDK field: not allowed here
    _write(tmp_path, bad)
    unknown = _valid_doc("unknown-cap", ["org.cap"])
    unknown["collects"] = ["telepathy"]
    unknown["exclude_packages"] = ["org.elsewhere"]
    _write(tmp_path, unknown)
    _write(tmp_path, _valid_doc("twice", ["org.cap"]))
    (tmp_path / "renamed.json").write_text(json.dumps(_valid_doc("other", ["org.o"])), "utf-8")
    problems = validate_libraries(tmp_path)
    assert any("bad.json" in p and "tracking" in p for p in problems)
    assert any("unknown capability 'telepathy'" in p for p in problems)
    assert any("'org.elsewhere' is inside no package" in p for p in problems)
    assert any("package 'org.cap' also claimed" in p for p in problems)
    assert any("renamed.json: id 'other' does not match" in p for p in problems)
    assert len(problems) == 5


def test_bundled_folder_is_the_one_validated() -> None:
    assert {p.stem for p in library_folder().glob("*.json")} == {lib.id for lib in LIBRARIES}


# ----------------------------------------------------------------------------- shapes
def test_shape_needs_calls_in_one_method_and_constants_in_the_class() -> None:
    shape = next(
        s for s in INDEX.by_id()["androidx-appcompat"].shapes if s.id == "twilight-manager"
    )
    provider = MethodFacts(
        frozenset(
            {
                "android.location.LocationManager.isProviderEnabled",
                "android.location.LocationManager.getLastKnownLocation",
            }
        ),
        frozenset({"TwilightManager"}),
    )
    permission = MethodFacts(
        frozenset(),
        frozenset(
            {
                "network",
                "gps",
                "android.permission.ACCESS_COARSE_LOCATION",
                "android.permission.ACCESS_FINE_LOCATION",
            }
        ),
    )
    assert shape.matches([provider, permission])
    assert not shape.matches([permission])  # no location call
    split = [
        MethodFacts(frozenset({"android.location.LocationManager.isProviderEnabled"}), frozenset()),
        MethodFacts(
            frozenset({"android.location.LocationManager.getLastKnownLocation"}), frozenset()
        ),
        permission,
    ]
    assert not shape.matches(split)  # the calls sit in two methods
    gps_only = MethodFacts(frozenset(), frozenset({"gps"}))
    assert not shape.matches([provider, gps_only])  # a location app, not TwilightManager


# ----------------------------------------------------------------------------- real apps
REAL_APPS = [
    "ApiDemos-debug.apk",
    "settings_apk-debug.apk",
    "Yosemite.apk",
    "app-uiautomator.apk",
    "pocoservice-debug.apk",
    "ClipDump.apk",
    "XposedInstaller_3.1.5.apk",
    "mobi.acpm.proxyon_v1_419b04.apk",
    "appium-uiautomator2-server-v10.6.6.apk",
    "AndroidBluePill.apk",
    "Droidmon.apk",
]

LIBRARY_ROOTS = (
    "androidx.",
    "android.support.",
    "kotlin.",
    "kotlinx.",
    "com.bumptech.glide.",
    "com.squareup.picasso.",
    "com.google.android.gms.common.",
    "com.google.zxing.",
    "io.netty.",
    "com.afollestad.materialdialogs.",
)
"""Namespaces that are library code beyond doubt (checked by hand on these apps)."""


@pytest.mark.realworld
@pytest.mark.parametrize("apk", REAL_APPS)
def test_library_call_sites_on_real_apps_are_recognised(apk: str) -> None:
    result = scan_app(real_world_file(apk))
    app_owned = [s for s in result.call_sites if s.owner is None]
    owners = Counter(INDEX.owner_of(s.caller_class) for s in app_owned)
    missed = sorted(
        {s.caller_class for s in app_owned if INDEX.owner_of(s.caller_class) is None}
        & {s.caller_class for s in app_owned if s.caller_class.startswith(LIBRARY_ROOTS)}
    )
    assert missed == []
    library_owned = sum(n for owner, n in owners.items() if owner is not None)
    # Every app of the set embeds AndroidX or the support library and gets call sites from it.
    assert library_owned > 0
    # The app's own package keeps its call sites.
    own = result.inventory.identity.package
    assert all(
        INDEX.owner_of(s.caller_class) is None
        for s in app_owned
        if s.caller_class.startswith(own + ".")
    )
    print(
        f"{apk}: {library_owned} of {len(app_owned)} app-owned call sites are library code:",
        dict(owners),
    )


def _dex_units(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as apk:
        return [(n, apk.read(n)) for n in apk.namelist() if re.fullmatch(r"classes\d*\.dex", n)]


def _class_facts(
    dex: DexCode, apis: Iterable[str], constants: Iterable[str]
) -> dict[str, list[MethodFacts]]:
    """Per class of `dex`, the facts of each method body, restricted to the given APIs and
    constants (the ones the shapes speak of)."""
    from scanner.detect.ownership import shape_terms

    method_names, string_values = shape_terms(dex, apis, constants)
    facts: dict[str, list[MethodFacts]] = defaultdict(list)
    for code in dex.iter_method_code():
        refs = dex.code_refs(code, method_names, string_values)
        if refs.methods or refs.strings:
            owner = descriptor_to_class_name(dex.type_descriptor(dex.method_id(code.method_idx)[0]))
            facts[owner].append(
                MethodFacts(
                    frozenset(method_names[m] for m in refs.methods),
                    frozenset(string_values[s] for s in refs.strings),
                )
            )
    return facts


# Per real app, the classes (by their unobfuscated names) each shape must match, keyed
# "library/shape"; a shape not listed for an app must match no class of it.
_APPCOMPAT = {
    "androidx-appcompat/twilight-manager": {"androidx.appcompat.app.TwilightManager"},
    "android-support/twilight-manager": {"androidx.appcompat.app.TwilightManager"},
    "androidx-appcompat/activity-chooser-history": {
        "androidx.appcompat.widget.ActivityChooserModel"
    },
    "androidx-appcompat/menu-intent-options": {"androidx.appcompat.view.menu.MenuBuilder"},
    "androidx-appcompat/receive-content-paste": {
        "androidx.appcompat.widget.AppCompatReceiveContentHelper"
    },
}
_CORE = {
    "androidx-core/notification-listener-packages": {"androidx.core.app.NotificationManagerCompat"},
    "androidx-core/file-provider-paths": {"androidx.core.content.FileProvider"},
    "androidx-core/environment-compat-state": {"androidx.core.os.EnvironmentCompat"},
    "androidx-core/job-intent-enqueuer": {"androidx.core.app.JobIntentService$CompatWorkEnqueuer"},
}
SHAPE_APPS: dict[str, dict[str, set[str]]] = {
    "ApiDemos-debug.apk": {**_APPCOMPAT, **_CORE},
    "Yosemite.apk": {
        **_APPCOMPAT,
        **_CORE,
        "glide/contact-photo-fetcher": {"com.bumptech.glide.load.data.StreamLocalUriFetcher"},
    },
    # An app's own NotificationsReceiver reads enabled_notification_listeners the same way;
    # the shape's side-channel constant keeps it out.
    "settings_apk-debug.apk": {
        k: v for k, v in _CORE.items() if k != "androidx-core/environment-compat-state"
    },
    "ClipDump.apk": {
        "androidx-appcompat/twilight-manager": {"android.support.v7.app.TwilightManager"},
        "android-support/twilight-manager": {"android.support.v7.app.TwilightManager"},
        "androidx-appcompat/activity-chooser-history": {
            "android.support.v7.widget.ActivityChooserModel"
        },
        "androidx-appcompat/menu-intent-options": {"android.support.v7.view.menu.MenuBuilder"},
        "androidx-core/notification-listener-packages": {
            "android.support.v4.app.NotificationManagerCompat"
        },
        "androidx-core/file-provider-paths": {"android.support.v4.content.FileProvider"},
        "androidx-core/environment-compat-state": {"android.support.v4.os.EnvironmentCompat"},
    },
    # An older support library, with its classes still under android.support.v7.internal.
    "mobi.acpm.proxyon_v1_419b04.apk": {
        "androidx-appcompat/activity-chooser-history": {
            "android.support.v7.internal.widget.ActivityChooserModel"
        },
        "androidx-appcompat/menu-intent-options": {
            "android.support.v7.internal.view.menu.MenuBuilder"
        },
        "androidx-core/notification-listener-packages": {
            "android.support.v4.app.NotificationManagerCompat"
        },
        "androidx-core/file-provider-paths": {"android.support.v4.content.FileProvider"},
        "androidx-core/environment-compat-state": {"android.support.v4.os.EnvironmentCompat"},
    },
}


@pytest.mark.realworld
@pytest.mark.parametrize("apk", sorted(SHAPE_APPS))
def test_shapes_match_exactly_their_class_on_real_bytes(apk: str) -> None:
    """The shape ignores class names (R8 renames them), so it must single out the library
    class among every class of a real app by API calls and constants alone. Shapes are meant
    for classes no package claims: a class an SDK owns by name (Tencent X5 ships a copy of
    FileProvider as com.tencent.smtt.utils.FileProvider) keeps that owner."""
    shapes = {f"{lib.id}/{s.id}": s for lib in LIBRARIES for s in lib.shapes}
    apis = {a for s in shapes.values() for a in (*s.calls, *s.class_calls)}
    constants = {c for s in shapes.values() for c in s.constants}
    facts: dict[str, list[MethodFacts]] = defaultdict(list)
    for _name, data in _dex_units(real_world_file(apk)):
        for cls, methods in _class_facts(DexCode(data), apis, constants).items():
            facts[cls] += methods
    sdk_index = SdkIndex(SDKS)
    got = {
        key: {
            cls
            for cls, methods in facts.items()
            if shape.matches(methods) and sdk_index.owner_of_class(cls) is None
        }
        for key, shape in shapes.items()
    }
    expected = {key: SHAPE_APPS[apk].get(key, set()) for key in shapes}
    assert got == expected
