"""The signature data itself: valid, complete, and every SDK example attributed as it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.detect.sdks import SdkIndex
from scanner.resources import data_dir
from scanner.signatures.catalog import builtin_sdks, schema_problems, validate_all

SDKS = builtin_sdks()
INDEX = SdkIndex(SDKS)

# The SDKs issue 2 asks for by name, by group.
REQUIRED = {
    "payment": ["alipay", "wechat-opensdk", "unionpay", "stripe", "paypal-braintree", "google-pay"],
    "push": [
        "jpush",
        "jcore",
        "getui",
        "huawei-push",
        "xiaomi-push",
        "oppo-push",
        "vivo-push",
        "meizu-push",
        "tencent-tpns",
        "firebase-messaging",
        "onesignal",
    ],
    "analytics": [
        "umeng-analytics",
        "firebase-analytics",
        "google-analytics",
        "tencent-mta",
        "baidu-mobstat",
        "talkingdata",
        "sensors-data",
        "growingio",
        "appsflyer",
        "adjust",
        "branch",
        "amplitude",
        "mixpanel",
        "flurry",
        "facebook-analytics",
    ],
    "ads": [
        "admob",
        "pangle-csj",
        "tencent-gdt",
        "baidu-mobads",
        "kuaishou-ads",
        "unity-ads",
        "applovin",
        "ironsource",
        "vungle",
        "meta-audience-network",
    ],
    "social": [
        "qq-opensdk",
        "weibo-sdk",
        "facebook-login",
        "google-sign-in",
        "sharesdk-mobtech",
        "umeng-share",
    ],
    "crash": ["bugly", "crashlytics", "sentry"],
    "maps": ["amap", "baidu-map", "baidu-location", "tencent-map", "google-maps"],
    "risk": ["alibaba-utdid", "alibaba-securityguard", "msa-oaid", "shumei", "tongdun"],
    "web": ["tencent-x5"],
}


def test_every_data_file_is_valid() -> None:
    assert validate_all() == []


def test_catalogue_has_the_required_sdks() -> None:
    ids = {s.id for s in SDKS}
    missing = sorted(i for group in REQUIRED.values() for i in group if i not in ids)
    assert missing == []
    assert len(SDKS) >= 80


def test_every_sdk_names_a_source() -> None:
    assert [s.id for s in SDKS if not s.sources] == []


POSITIVES = [(s.id, ex) for s in SDKS for ex in s.positive_examples]
NEGATIVES = [(s.id, ex) for s in SDKS for ex in s.negative_examples]


@pytest.mark.parametrize(("sdk_id", "example"), POSITIVES, ids=[f"{a}:{b}" for a, b in POSITIVES])
def test_positive_example_is_attributed(sdk_id: str, example: str) -> None:
    assert sdk_id in INDEX.example_owners(example)


@pytest.mark.parametrize(("sdk_id", "example"), NEGATIVES, ids=[f"{a}:{b}" for a, b in NEGATIVES])
def test_negative_example_is_not_attributed(sdk_id: str, example: str) -> None:
    assert sdk_id not in INDEX.example_owners(example)


def test_most_specific_package_wins() -> None:
    # The advertising-ID client ships with Firebase; it must not make an app look like it has AdMob.
    assert INDEX.owners_of_class("com.google.android.gms.ads.identifier.AdvertisingIdClient") == (
        "google-advertising-id",
    )
    assert INDEX.owners_of_class("com.google.android.gms.ads.AdView") == ("admob",)
    assert INDEX.owners_of_class("com.google.android.gms.common.api.GoogleApiClient") == ()


def test_shared_facebook_libraries_are_not_facebook_tracking() -> None:
    for cls in (
        "com.facebook.react.ReactActivity",
        "com.facebook.soloader.SoLoader",
        "com.facebook.drawee.view.SimpleDraweeView",
    ):
        owners = INDEX.owners_of_class(cls)
        assert not any(INDEX.by_id[o].tracking for o in owners), (cls, owners)


def test_schema_reports_every_problem_of_a_broken_file(tmp_path: object) -> None:
    broken = {
        "id": "Bad Id",
        "name": "x",
        "vendor": "v",
        "category": "spyware",
        "tracking": "yes",
        "collects": [],
        "detection": {},
        "sources": [],
        "examples": {"positive": []},
    }
    from pathlib import Path

    problems = schema_problems(broken, "sdk", Path("bad.json"))
    text = "\n".join(problems)
    for fragment in ("id", "category", "tracking", "detection", "sources", "negative"):
        assert fragment in text
    assert len(problems) >= 6


def test_a_bundled_file_that_does_not_convert_is_validated_then(tmp_path: Path) -> None:
    # Scans convert bundled files without the schema (validate_all checks them in CI); a file
    # that does not convert still gets the schema's full list of problems, naming the file.
    from scanner.errors import SignatureError
    from scanner.signatures.catalog import built_in, sdk_from_doc

    good = tmp_path / "good.json"
    good.write_text((data_dir("signatures") / "sdks" / "alipay.json").read_text())
    assert built_in(good, "sdk", sdk_from_doc).id
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "x"}))
    with pytest.raises(SignatureError) as exc:
        built_in(bad, "sdk", sdk_from_doc)
    assert "bad.json" in str(exc.value) and "required property" in str(exc.value)


# ----------------------------------------------------------------------------- startup broadcasts


def test_startup_broadcast_facts_are_valid_and_about_self_startup_actions() -> None:
    from scanner.detect.startup import broadcast_delivery
    from scanner.signatures.catalog import capabilities, permission_levels

    facts = broadcast_delivery()
    self_startup = next(c for c in capabilities() if c.id == "self_startup")
    assert set(facts) <= set(self_startup.manifest_actions)
    levels = permission_levels()
    for fact in facts.values():
        assert fact.receiver_permission is None or fact.receiver_permission in levels
    boot = facts["android.intent.action.BOOT_COMPLETED"]
    assert boot.delivered(frozenset({"android.permission.RECEIVE_BOOT_COMPLETED"}), 34)
    assert not boot.delivered(frozenset(), 34)
    connectivity = facts["android.net.conn.CONNECTIVITY_CHANGE"]
    assert connectivity.delivered(frozenset(), 23) and not connectivity.delivered(frozenset(), 24)
    # Exempted or explicit broadcasts carry no restriction.
    assert "android.intent.action.TIMEZONE_CHANGED" not in facts
    assert "android.intent.action.MY_PACKAGE_REPLACED" not in facts


def test_startup_broadcast_schema_reports_every_problem() -> None:
    from scanner.detect.startup import broadcast_problems

    broken = {
        "why": "x",
        "broadcasts": [
            {"action": "a.B", "sources": ["s"]},
            {"action": "a.C", "manifest_max_target_sdk": 25},
        ],
    }
    problems = broadcast_problems(broken)
    assert len(problems) == 2
    twice = {
        "why": "x",
        "broadcasts": [{"action": "a.B", "receiver_permission": "p", "sources": ["s"]}] * 2,
    }
    assert broadcast_problems(twice) == ["a.B: listed twice"]


def test_the_bundled_startup_broadcast_file_is_valid() -> None:
    # Scans convert it without the schema; this is where it is validated.
    from scanner.detect.startup import broadcast_problems

    doc = json.loads((data_dir("signatures") / "taxonomy" / "startup-broadcasts.json").read_text())
    assert broadcast_problems(doc) == []
