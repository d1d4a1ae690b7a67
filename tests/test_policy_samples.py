# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""What the policy stage reads from the two in-repo policies (samples/policies/), sentence by
sentence. They were written to disclose what the seed policies disclose (tests/test_policy_seeds.py
pins the seeds themselves), so these expectations run on a bare clone too."""

from __future__ import annotations

import pytest
from conftest import SHOP_POLICY, VIDEO_POLICY

from scanner.policy import PolicyAnalysis, analyse_policy, load_policy


@pytest.fixture(scope="module")
def shop() -> PolicyAnalysis:
    return analyse_policy(load_policy(str(SHOP_POLICY)))


@pytest.fixture(scope="module")
def video() -> PolicyAnalysis:
    return analyse_policy(load_policy(str(VIDEO_POLICY)))


def test_evidence_offsets_point_into_the_text(shop: PolicyAnalysis, video: PolicyAnalysis) -> None:
    for path, analysis in ((SHOP_POLICY, shop), (VIDEO_POLICY, video)):
        text = load_policy(str(path)).text
        quoted = [e for c in analysis.categories for e in c.evidence]
        assert quoted
        for e in quoted:
            assert text[e.start : e.end] == e.text
            assert text[e.term_start : e.term_start + len(e.term)] == e.term


# --------------------------------------------------------------------------- the shop policy


@pytest.mark.parametrize(
    ("category", "sentence"),
    [
        ("camera", "we ask for access to your camera"),
        ("album", "When you upload pictures from your photo album"),
        ("storage", "device storage where they are kept"),
        ("device_id", "the device ID (IMEI / Android ID)"),
        # A hard-wrapped paragraph is one sentence: the term "phone status" spans a line end.
        ("phone_state", "the advertising identifier and the phone status"),
        ("clipboard", "we read your clipboard to detect the"),
        ("self_startup", "the app may start automatically"),
        ("associated_startup", "woken by other apps' push services (associated startup)"),
    ],
)
def test_shop_policy_discloses_with_the_right_sentence(
    shop: PolicyAnalysis, category: str, sentence: str
) -> None:
    disclosure = shop.disclosure(category)
    assert disclosure.status == "disclosed"
    best = disclosure.evidence[0]
    assert sentence in best.text  # markdown emphasis (**camera**) is gone from the text
    assert best.strength != "heading"
    assert best.term.lower() in best.text.lower()


@pytest.mark.parametrize(
    "category",
    ["location_precise", "location_coarse", "microphone", "contacts", "sms", "calendar",
     "call_log", "installed_apps", "body_sensors", "accounts", "network_identifiers"],
)  # fmt: skip
def test_shop_policy_is_silent_on_the_rest(shop: PolicyAnalysis, category: str) -> None:
    assert shop.disclosure(category).status == "not_mentioned"


def test_shop_policy_names_alipay_and_only_generic_partners(shop: PolicyAnalysis) -> None:
    assert shop.language == "en" and shop.format == "md"
    assert shop.names_sdk("alipay")
    alipay = next(t for t in shop.third_parties if t.sdk_id == "alipay")
    assert alipay.kind == "named" and alipay.category == "payment"
    assert "When you pay with Alipay" in alipay.evidence[0].text
    assert {"advertising", "analytics"} <= shop.generic_categories()
    for sdk_id in ("umeng-analytics", "jpush", "jcore", "bugly"):
        assert not shop.names_sdk(sdk_id), sdk_id


# --------------------------------------------------------------------------- the video policy


def test_video_policy_is_traditional_markdown(video: PolicyAnalysis) -> None:
    assert video.language == "zh-Hant"
    assert video.format == "md"
    text = load_policy(str(VIDEO_POLICY)).text
    assert "## " not in text, "headings are read as headings, not as text with markup"


def test_video_policy_device_identifiers_and_advertising_id(video: PolicyAnalysis) -> None:
    device = video.disclosure("device_id")
    assert device.status == "disclosed"
    assert "應用程式／裝置識別資料" in device.evidence[0].text
    assert any("廣告 ID" in e.text for e in device.evidence)


def test_video_policy_location_is_approximate_not_precise(video: PolicyAnalysis) -> None:
    coarse = video.disclosure("location_coarse")
    assert coarse.status == "disclosed"
    assert coarse.evidence[0].term == "IP 地址推斷"
    assert coarse.evidence[0].text.startswith("由 IP 地址推斷的大致位置")
    assert video.disclosure("location_precise").status == "not_mentioned"


@pytest.mark.parametrize(
    "category",
    ["camera", "album", "clipboard", "self_startup", "microphone", "contacts", "location_precise"],
)
def test_video_policy_does_not_disclose(video: PolicyAnalysis, category: str) -> None:
    assert video.disclosure(category).status != "disclosed"


def test_video_policy_names_stripe(video: PolicyAnalysis) -> None:
    assert video.names_sdk("stripe")
    party = next(t for t in video.third_parties if t.sdk_id == "stripe")
    assert party.kind == "named"
    assert "交由 Stripe 處理" in party.evidence[0].text


@pytest.mark.parametrize("sdk_id", ["facebook-login", "google-sign-in"])
def test_video_policy_names_facebook_and_google_only_as_login_targets(
    video: PolicyAnalysis, sdk_id: str
) -> None:
    # "以 Facebook 或 Google 帳戶登入" says where to log in, not that an SDK is embedded.
    assert not video.names_sdk(sdk_id)
    party = next(t for t in video.third_parties if t.sdk_id == sdk_id)
    assert party.kind == "target"
    assert "以 Facebook 或 Google 帳戶登入" in party.evidence[0].text


def test_video_policy_advertisers_are_generic(video: PolicyAnalysis) -> None:
    assert {"advertising", "payment"} <= video.generic_categories()
    for sdk_id in ("appsflyer", "google-advertising-id", "admob", "facebook-analytics"):
        assert not video.names_sdk(sdk_id), sdk_id
    advertisers = next(t for t in video.third_parties if t.category == "advertising")
    assert advertisers.kind == "generic" and "廣告商" in advertisers.evidence[0].text
