"""The iOS facts in signatures/: every usage key, data type, API, SDK framework pattern and
required-reason category has a case it must match and a near miss it must not."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from scanner.compare.rules.ios_declarations import domain_names, privacy_terms
from scanner.compare.rules.required_reason import required_reason_categories
from scanner.detect.ios import _matches
from scanner.model import MachOImports
from scanner.signatures import catalog
from scanner.signatures.catalog import IosApiSignature, capabilities, categories_of_permission

IOS_APIS = [api for cap in capabilities() for api in cap.ios_apis]


def test_the_ios_data_files_validate() -> None:
    assert catalog.validate_all() == []


def test_every_usage_key_is_evidence_of_exactly_its_category() -> None:
    keys = [(k, c.id) for c in capabilities() for k in c.ios_usage_keys]
    # The keys the issue names are each a category's or the term table's.
    named = {
        f"NS{k}UsageDescription"
        for k in (
            "Camera",
            "PhotoLibrary",
            "PhotoLibraryAdd",
            "Microphone",
            "LocationWhenInUse",
            "LocationAlwaysAndWhenInUse",
            "Contacts",
            "Calendars",
            "Reminders",
            "BluetoothAlways",
            "Motion",
            "SpeechRecognition",
            "FaceID",
            "LocalNetwork",
            "UserTracking",
        )
    }
    assert named <= {k for k, _ in keys} | set(privacy_terms().usage_keys)
    for key, cap_id in keys:
        assert categories_of_permission(key) == (cap_id,), key
        assert categories_of_permission(key.replace("Usage", "Usages")) == ()
    # Android permissions still map as before.
    assert categories_of_permission("android.permission.CAMERA") == ("camera",)


def test_no_data_type_belongs_to_two_categories_nor_to_the_term_table() -> None:
    owned = [t for c in capabilities() for t in c.ios_data_types]
    assert len(owned) == len(set(owned))
    assert not set(owned) & set(privacy_terms().data_types)
    usage = {k for c in capabilities() for k in c.ios_usage_keys}
    assert not usage & set(privacy_terms().usage_keys)


def _binary(
    api: IosApiSignature, selector: str | None = None, cls: str | None = None
) -> MachOImports:
    symbols = [api.symbol] if api.symbol else [f"_OBJC_CLASS_$_{cls or api.objc_class}"]
    selectors = [selector] if selector is not None else ([api.selector] if api.selector else [])
    return MachOImports("A", symbols=tuple(symbols), selectors=tuple(selectors))


@pytest.mark.parametrize(
    "api", IOS_APIS, ids=lambda a: f"{a.category}:{a.objc_class or a.symbol}.{a.selector or ''}"
)
def test_every_ios_api_matches_its_import_and_not_a_near_miss(api: IosApiSignature) -> None:
    binary = _binary(api)
    assert _matches(api, binary, frozenset(binary.selectors))
    if api.symbol:
        miss = MachOImports("A", symbols=(api.symbol + "X",))
        assert not _matches(api, miss, frozenset())
        return
    # The class alone is not enough when a selector is named; another class never is.
    if api.selector:
        only_class = _binary(api, selector="unrelatedSelector")
        assert not _matches(api, only_class, frozenset(only_class.selectors))
    other = _binary(api, cls=f"{api.objc_class}Helper")
    assert not _matches(api, other, frozenset(other.selectors))


SDK_FRAMEWORKS = [
    (s.id, p) for s in catalog.builtin_sdks() for p in (*s.ios_frameworks, *s.ios_bundle_ids)
]


@pytest.mark.parametrize(("sdk_id", "pattern"), SDK_FRAMEWORKS)
def test_sdk_framework_patterns(sdk_id: str, pattern: str) -> None:
    example = pattern.replace("*", "Core")
    assert fnmatchcase(example, pattern)
    assert not fnmatchcase("X" + example, pattern)
    owners = [
        s.id
        for s in catalog.builtin_sdks()
        if any(fnmatchcase(example, p) for p in (*s.ios_frameworks, *s.ios_bundle_ids))
    ]
    assert owners == [sdk_id]


@pytest.mark.parametrize("category", required_reason_categories(), ids=lambda c: c.id)
def test_required_reason_categories_match_their_apis_only(category: object) -> None:
    from scanner.compare.rules.required_reason import RequiredReasonCategory

    assert isinstance(category, RequiredReasonCategory)
    for symbol in category.symbols:
        assert category.used_by(MachOImports("A", symbols=(symbol,))) == (symbol,)
    for cls in category.classes:
        assert category.used_by(MachOImports("A", symbols=(f"_OBJC_CLASS_$_{cls}",))) == (cls,)
    for sel in category.selectors:
        assert category.used_by(MachOImports("A", selectors=(sel,))) == (sel,)
    assert category.symbols or category.classes or category.selectors
    near = MachOImports(
        "A", symbols=("_stat64x", "_OBJC_CLASS_$_NSUserDefaultsX"), selectors=("uptime",)
    )
    assert category.used_by(near) == ()


def test_domain_names() -> None:
    assert domain_names("attribution.appsflyer.com") == ("attribution.appsflyer.com", "appsflyer")
    assert domain_names("t.co.uk") == ("t.co.uk",)  # 't' is too short to look for alone
    assert domain_names("ads.tracker.com.cn") == ("ads.tracker.com.cn", "tracker")
