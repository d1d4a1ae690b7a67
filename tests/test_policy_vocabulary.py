# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""Every vocabulary category has a positive and a negative example per language (en, zh-Hans,
zh-Hant) in its data file; each is analysed as a one-sentence policy. Plus the traps that trip
naive keyword matching."""

from __future__ import annotations

import pytest

from scanner.policy import PolicyAnalysis, analyse_policy, policy_from_text
from scanner.policy.normalize import normalise, to_simplified
from scanner.policy.vocabulary import category_ids, load_vocabulary, validate_vocabulary


def analyse(text: str, fmt: str = "txt") -> PolicyAnalysis:
    return analyse_policy(policy_from_text(text, fmt=fmt), sdks=())


def _examples(kind: str) -> list[tuple[str, str, str]]:
    vocab = load_vocabulary()
    return [
        (cat.id, lang, sentence)
        for cat in vocab.categories
        for lang in cat.examples
        for sentence in cat.examples[lang][kind]
    ]


def test_vocabulary_files_are_valid() -> None:
    assert validate_vocabulary() == []
    assert [c.id for c in load_vocabulary().categories] == list(category_ids())


def test_every_category_has_examples_in_every_language() -> None:
    vocab = load_vocabulary()
    languages = {*vocab.tags, *(v for lang in vocab.languages for v in lang.variants)}
    assert {"en", "zh-Hans", "zh-Hant", "ja"} <= languages
    for cat in vocab.categories:
        assert set(cat.examples) == languages, cat.id
        for lang in languages:
            assert cat.examples[lang]["positive"] and cat.examples[lang]["negative"], (cat.id, lang)


@pytest.mark.parametrize(("category", "lang", "sentence"), _examples("positive"))
def test_positive_example_is_disclosed(category: str, lang: str, sentence: str) -> None:
    disclosure = analyse(sentence).disclosure(category)
    assert disclosure.status == "disclosed", (lang, sentence)
    assert disclosure.evidence[0].text == sentence


@pytest.mark.parametrize(("category", "lang", "sentence"), _examples("negative"))
def test_negative_example_is_not_disclosed(category: str, lang: str, sentence: str) -> None:
    assert analyse(sentence).disclosure(category).status != "disclosed", (lang, sentence)


def test_traditional_conversion_keeps_length() -> None:
    text = "從 IP 地址推斷的位置。我們不會讀取您的剪貼簿、通話紀錄和行事曆。"
    assert len(normalise(text)) == len(text)
    assert to_simplified("剪貼簿") == "剪贴簿"


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("We do not collect your contacts.", "contacts"),
        ("Your address book is never uploaded to our servers.", "contacts"),
        ("我们不会收集您的通讯录。", "contacts"),
        ("我們不會收集您的通訊錄。", "contacts"),
        ("本应用不会读取您的剪切板。", "clipboard"),
        ("The app does not auto-start.", "self_startup"),
    ],
)
def test_denial_is_recorded_as_denied(sentence: str, category: str) -> None:
    disclosure = analyse(sentence).disclosure(category)
    assert disclosure.status == "denied"
    assert disclosure.evidence[0].polarity == "denial"


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("If you do not grant camera permission, you cannot scan QR codes.", "camera"),
        ("We will not access your camera without your consent.", "camera"),
        ("如果您不授权相机权限，将无法使用扫码功能。", "camera"),
        ("未经您的同意，我们不会读取您的通讯录。", "contacts"),
        ("We do not sell data, but we read your clipboard to detect share links.", "clipboard"),
    ],
)
def test_conditions_and_user_choices_are_not_denials(sentence: str, category: str) -> None:
    assert analyse(sentence).disclosure(category).status == "disclosed"


def test_denial_does_not_hide_a_positive_sentence_elsewhere() -> None:
    a = analyse(
        "We read the clipboard to find share codes. We do not store other clipboard content."
    )
    assert a.disclosure("clipboard").status == "disclosed"
    assert [e.polarity for e in a.disclosure("clipboard").evidence] == ["positive", "denial"]


def test_cookies_web_beacons_and_etags_are_not_app_permissions() -> None:
    a = analyse(
        "Cookies and other local storage methods provided by browsers contain identifiers. "
        "ETags can record your device identifier to help us improve services. "
        "Web beacons are transparent images stored in emails."
    )
    assert all(c.status == "not_mentioned" for c in a.categories)


def test_ip_derived_location_is_approximate_not_gps() -> None:
    a = analyse("We infer your location from your IP address to show regional content.")
    assert a.disclosure("location_coarse").status == "disclosed"
    assert a.disclosure("location_precise").status == "not_mentioned"
    b = analyse("With your permission we collect your GPS location to find nearby stores.")
    assert b.disclosure("location_precise").status == "disclosed"


def test_generic_location_counts_as_both() -> None:
    a = analyse("我们会收集您的位置信息，用于推荐附近的商家。")
    assert a.disclosure("location_precise").status == "disclosed"
    assert a.disclosure("location_coarse").status == "disclosed"


def test_heading_alone_is_weaker_than_a_sentence() -> None:
    a = analyse("# 相机权限\n\n我们会在您使用相关功能时请求授权。\n", fmt="md")
    camera = a.disclosure("camera")
    assert camera.status == "heading_only"
    assert camera.evidence[0].strength == "heading"


def test_searched_terms_are_reported_when_silent() -> None:
    a = analyse("We value your privacy.")
    camera = a.disclosure("camera")
    assert camera.status == "not_mentioned" and camera.evidence == ()
    assert "camera" in camera.searched_terms and "相机" in camera.searched_terms


@pytest.mark.parametrize(
    "sentence",
    [
        "我们会向您发送短信验证码以验证身份。",
        "We will send an SMS verification code to your phone.",
        "We reply within 30 calendar days.",
        "The storage period of your data is two years.",
        "Please contact us with questions.",
    ],
)
def test_look_alike_phrases_are_not_disclosures(sentence: str) -> None:
    a = analyse(sentence)
    read = ("not_mentioned", "other_sense")
    assert [c.category for c in a.categories if c.status not in read] == []
    # What was read in another sense is kept, with the reason, for the report to show.
    for c in a.categories:
        assert all(e.polarity == "other_sense" and e.reason for e in c.evidence), c


def test_a_verification_code_is_sms_in_another_sense_quoted_whole() -> None:
    sms = analyse("We will send an SMS verification code to your phone.").disclosure("sms")
    assert sms.status == "other_sense"
    assert [(e.term, e.reason) for e in sms.evidence] == [("SMS verification code", "exclude")]
    notify = analyse("We will notify you by e-mail, SMS or push.").disclosure("sms")
    assert [(e.term, e.reason) for e in notify.evidence] == [("SMS", "notification_channel")]
    # A sentence that reads the SMS is a disclosure, and the other-sense one is not kept.
    both = analyse(
        "We will send an SMS verification code to your phone. "
        "With your permission the app reads the SMS to auto-fill the code."
    ).disclosure("sms")
    assert both.status == "disclosed"
    assert all(e.polarity == "positive" for e in both.evidence)


def test_other_sense_readings_are_capped_per_category() -> None:
    text = " ".join(f"We will notify you of order {n} by SMS." for n in range(20))
    sms = analyse(text).disclosure("sms")
    assert sms.status == "other_sense" and len(sms.evidence) == 3
