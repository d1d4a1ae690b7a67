# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""Golden expectations on the two seed policies in ../shared/seeds (real policies nobody on the team
wrote). Each disclosure must point at the right sentence, not just say "disclosed".

The seeds never enter the repo: every test here is marked `seeds` and skips on a bare clone;
tests/test_policy_samples.py runs the same kind of checks on the in-repo policies modelled on
them."""

from __future__ import annotations

import pytest
from conftest import SHOP_SEED as EN_SEED
from conftest import VIDEO_SEED as ZH_SEED

from scanner.policy import PolicyAnalysis, analyse_policy, load_policy

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def en() -> PolicyAnalysis:
    return analyse_policy(load_policy(str(EN_SEED)))


@pytest.fixture(scope="module")
def zh() -> PolicyAnalysis:
    return analyse_policy(load_policy(str(ZH_SEED)))


@pytest.mark.parametrize(
    ("category", "sentence"),
    [
        ("camera", "Camera-Based Services: Enable camera access for scanning QR codes"),
        ("album", "we may access your photo album to facilitate sharing"),
        ("storage", "Storage-Based Services: Enable storage access"),
        ("phone_state", "Phone Status-Based Services: Read phone status"),
        ("device_id", "we may read your device ID or advertising identifier"),
        ("clipboard", "we access your clipboard to detect related passwords"),
        ("self_startup", "the application needs to use self-startup capabilities"),
        ("associated_startup", "initiate related startup actions via system broadcasts"),
    ],
)
def test_english_seed_discloses_with_the_right_sentence(
    en: PolicyAnalysis, category: str, sentence: str
) -> None:
    disclosure = en.disclosure(category)
    assert disclosure.status == "disclosed"
    best = disclosure.evidence[0]
    assert sentence in best.text
    assert best.strength != "heading"
    assert best.term.lower() in best.text.lower()


def test_english_seed_evidence_offsets_point_into_the_text(en: PolicyAnalysis) -> None:
    doc = load_policy(str(EN_SEED))
    for disclosure in en.categories:
        for e in disclosure.evidence:
            assert doc.text[e.start : e.end] == e.text
            assert doc.text[e.term_start : e.term_start + len(e.term)] == e.term


@pytest.mark.parametrize(
    "category",
    ["location_precise", "location_coarse", "microphone", "contacts", "sms", "calendar",
     "call_log", "installed_apps", "body_sensors", "accounts", "network_identifiers"],
)  # fmt: skip
def test_english_seed_is_silent_on_the_rest(en: PolicyAnalysis, category: str) -> None:
    assert en.disclosure(category).status == "not_mentioned"


def test_english_seed_cookie_and_etag_sentences_are_not_capabilities(en: PolicyAnalysis) -> None:
    texts = [e.text for c in en.categories for e in c.evidence]
    assert not any("ETag" in t or "Cookies, or other local storage" in t for t in texts)


def test_english_seed_self_startup_heading_is_weaker_than_its_sentence(en: PolicyAnalysis) -> None:
    evidence = en.disclosure("self_startup").evidence
    assert evidence[0].strength == "sentence"
    assert evidence[-1].strength == "heading"
    assert evidence[-1].text == "(12) Self-Startup and Associated Startup"


def test_english_seed_names_alipay(en: PolicyAnalysis) -> None:
    assert en.names_sdk("alipay")
    alipay = next(t for t in en.third_parties if t.sdk_id == "alipay")
    assert alipay.kind == "named" and alipay.category == "payment"
    assert "To complete your order payment through Alipay" in alipay.evidence[0].text


@pytest.mark.parametrize(
    ("category", "sentence"),
    [
        ("security", "we embed security SDKs developed by our affiliates"),
        ("advertising", "Advertising and Analytics Partners: We may engage these partners"),
        ("analytics", "Advertising and Analytics Partners: We may engage these partners"),
    ],
)
def test_english_seed_unnamed_third_parties(
    en: PolicyAnalysis, category: str, sentence: str
) -> None:
    generic = [t for t in en.third_parties if t.kind == "generic" and t.category == category]
    assert len(generic) == 1
    assert generic[0].sdk_id is None
    assert any(sentence in e.text for e in generic[0].evidence)


def test_chinese_seed_is_traditional_markdown(zh: PolicyAnalysis) -> None:
    assert zh.language == "zh-Hant"
    assert zh.format == "md"
    doc = load_policy(str(ZH_SEED))
    assert "base64" not in doc.text and "data:image" not in doc.text
    assert "Log in" not in doc.text  # navigation links dropped
    assert "https://www.viki.com/sign-in" not in doc.text


def test_chinese_seed_device_identifiers_and_advertising_id(zh: PolicyAnalysis) -> None:
    device = zh.disclosure("device_id")
    assert device.status == "disclosed"
    assert "應用程式／裝置識別資料" in device.evidence[0].text
    assert any("廣告 ID" in e.text for e in device.evidence)


def test_chinese_seed_location_is_approximate_not_precise(zh: PolicyAnalysis) -> None:
    coarse = zh.disclosure("location_coarse")
    assert coarse.status == "disclosed"
    assert coarse.evidence[0].text.startswith("從 IP 地址推斷的位置")
    assert zh.disclosure("location_precise").status == "not_mentioned"


@pytest.mark.parametrize(
    "category",
    ["camera", "album", "clipboard", "self_startup", "microphone", "contacts", "location_precise"],
)
def test_chinese_seed_does_not_disclose(zh: PolicyAnalysis, category: str) -> None:
    assert zh.disclosure(category).status != "disclosed"


def test_chinese_seed_names_stripe(zh: PolicyAnalysis) -> None:
    assert zh.names_sdk("stripe")
    party = next(t for t in zh.third_parties if t.sdk_id == "stripe")
    assert "透過 Stripe" in party.evidence[0].text


@pytest.mark.parametrize("sdk_id", ["facebook-login", "google-sign-in"])
def test_chinese_seed_names_facebook_and_google_only_as_login_targets(
    zh: PolicyAnalysis, sdk_id: str
) -> None:
    # Logging in with an account "例如由 Facebook, Inc.、Google LLC 提供的服務" names where to
    # log in, not an embedded SDK (issue 12).
    assert not zh.names_sdk(sdk_id)
    party = next(t for t in zh.third_parties if t.sdk_id == sdk_id)
    assert party.kind == "target"
    assert "例如由 Facebook, Inc.、Google LLC" in party.evidence[0].text


def test_chinese_seed_third_party_advertisers_are_generic(zh: PolicyAnalysis) -> None:
    assert "advertising" in zh.generic_categories()
    assert not zh.names_sdk("admob")


def test_json_output_matches_its_schema(en: PolicyAnalysis, zh: PolicyAnalysis) -> None:
    import json

    import jsonschema

    from scanner.policy import analysis_to_dict
    from scanner.policy.vocabulary import policy_data_dir

    schema = json.loads(
        (policy_data_dir() / "schema" / "policy-analysis.schema.json").read_text(encoding="utf-8")
    )
    for analysis in (en, zh):
        data = analysis_to_dict(analysis)
        jsonschema.validate(data, schema)
        assert json.loads(json.dumps(data, ensure_ascii=False)) == data
        assert [c["category"] for c in data["categories"]][:2] == ["camera", "album"]
