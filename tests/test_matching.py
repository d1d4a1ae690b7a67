"""The pattern indexes of scanner.detect.matching: the same answers as trying every pattern on
every name, for every kind of bucket, on the bundled signatures and on hand-made patterns."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

import pytest

from scanner.detect.matching import ClassRegexIndex, DottedGlobIndex, GlobIndex
from scanner.detect.sdks import SdkIndex
from scanner.signatures.catalog import builtin_sdks

PAIRS = [
    ("libjcore*.so", "jcore"),
    ("libWeChatSDK.so", "wechat"),
    ("*supplierconfig.json", "msa"),
    ("*yw_1222*.jpg", "alibaba"),
    ("lib?ntl.so", "any-one-letter"),
    ("*", "everything"),
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("libjcore322.so", ("jcore", "everything")),
        ("libWeChatSDK.so", ("wechat", "everything")),
        ("assets/supplierconfig.json", ("msa", "everything")),
        ("res/yw_1222_ab.jpg", ("alibaba", "everything")),
        ("libantl.so", ("any-one-letter", "everything")),
        ("libjcor.so", ("everything",)),
        ("libWeChatSDK.so.1", ("everything",)),
        ("supplierconfig.jsonx", ("everything",)),
    ],
)
def test_glob_index_answers_as_fnmatch_does(name: str, expected: tuple[str, ...]) -> None:
    index = GlobIndex(PAIRS)
    assert index.matches(name) == expected
    assert set(index.matches(name)) == {sid for p, sid in PAIRS if fnmatchcase(name, p)}


def test_glob_index_keeps_only_wildcard_only_patterns_loose() -> None:
    assert GlobIndex(PAIRS).loose == [("*", "everything")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cn.jpush.android.service.PluginXiaomiPlatformsReceiver", ("jpush",)),
        ("cn.jpush.android.service.PushService", ("jcore",)),
        ("com.adjust.sdk.sig.Signer", ("adjust",)),
        ("com.adjust.sdkx.Other", ()),
        ("cn.jpush.android.service.DataShare", ()),
        ("com.vendor.x.y.Receiver", ("wildcard-package",)),
        ("com.vendor.Receiver", ()),
    ],
)
def test_dotted_index_answers_as_fnmatch_does(name: str, expected: tuple[str, ...]) -> None:
    pairs = [
        ("cn.jpush.android.service.Plugin*", "jpush"),
        ("cn.jpush.android.service.PushService", "jcore"),
        ("com.adjust.sdk.*", "adjust"),
        ("com.vendor.*.y.Receiver", "wildcard-package"),
    ]
    assert DottedGlobIndex(pairs).matches(name) == expected


def test_dotted_index_puts_the_most_specific_package_first() -> None:
    pairs = [("cn.jpush.*", "broad"), ("cn.jpush.android.service.PushService", "narrow")]
    assert DottedGlobIndex(pairs).matches("cn.jpush.android.service.PushService") == (
        "narrow",
        "broad",
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("de.ligatus.android.LigatusManager", ("ligatus",)),
        ("de.ligatus.android.LigatusManagerImpl$1", ("ligatus",)),
        ("com.x.sizmek.Ad", ("sizmek",)),
        ("com.github.backtrace-labs.Client", ("backtrace",)),
        ("LigatusManager", ()),
        ("com.x.Foo$LigatusManager", ()),
        ("com.x.sizmekx.Ad", ()),
        ("org.github.backtrace-labs.Client", ()),
    ],
)
def test_regex_index_answers_as_re_match_does(name: str, expected: tuple[str, ...]) -> None:
    pairs = [
        (r".*\.LigatusManager", "ligatus"),
        (r".*\.sizmek\.", "sizmek"),
        (r"com\.github\.backtrace\-labs\.", "backtrace"),
    ]
    assert ClassRegexIndex(pairs).matches(name) == expected
    assert set(expected) == {sid for rx, sid in pairs if re.match(rx, name)}


def _brute_force(sdks: SdkIndex, name: str) -> dict[str, set[str]]:
    sigs = sdks.signatures
    return {
        "native": {s.id for s in sigs if any(fnmatchcase(name, p) for p in s.native_libs)},
        "meta": {s.id for s in sigs if any(fnmatchcase(name, p) for p in s.meta_data)},
        "asset": {s.id for s in sigs if any(fnmatchcase(name, p) for p in s.assets)},
        "component": {s.id for s in sigs if any(fnmatchcase(name, p) for p in s.components)},
        "objc": {s.id for s in sigs if any(name.startswith(p) for p in s.objc_classes)},
    }


def test_the_sdk_index_agrees_with_brute_force_on_every_bundled_example() -> None:
    sdks = SdkIndex(builtin_sdks())
    names = {n for s in builtin_sdks() for n in (*s.positive_examples, *s.negative_examples)}
    names |= {p.replace("*", "Xy") for s in builtin_sdks() for p in (*s.assets, *s.native_libs)}
    names |= {c + "Extra" for s in builtin_sdks() for c in s.objc_classes}
    assert len(names) > 500
    for name in sorted(names):
        want = _brute_force(sdks, name)
        assert set(sdks.native_lib_owners(name)) == want["native"], name
        assert set(sdks.meta_data_owners(name)) == want["meta"], name
        assert set(sdks.asset_owners(name)) == want["asset"], name
        assert set(sdks.component_claims(name)) == want["component"], name
        assert set(sdks.objc_owners(name)) == want["objc"], name
