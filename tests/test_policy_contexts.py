# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""Policy-side misses that turned into false findings (issue 10): a permission named with another
in brackets, sentence kinds that name a term without disclosing it, a shared permission-group
term that the sentence's purpose narrows, and whole sentences marked up as headings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import cue_examples

from scanner.policy import PolicyAnalysis, analyse_policy, policy_from_text
from scanner.policy.vocabulary import policy_data_dir, validate_vocabulary


def analyse(text: str, fmt: str = "txt") -> PolicyAnalysis:
    return analyse_policy(policy_from_text(text, fmt=fmt), sdks=())


def disclosed(text: str, fmt: str = "txt") -> set[str]:
    return {c.category for c in analyse(text, fmt).categories if c.status == "disclosed"}


# --------------------------------------------------------------------------- brackets


@pytest.mark.parametrize(
    ("sentence", "categories"),
    [
        ("发布动态时，我们会申请相册（存储）权限。", {"album", "storage"}),
        ("保存图片时，需要您开启存储（相册）权限。", {"album", "storage"}),
        ("存储（相册）：用于保存您编辑的图片。", {"album", "storage"}),
        ("儲存圖片時，我們會申請儲存（相冊）權限。", {"album", "storage"}),
        ("附近门店需要您的位置（GPS）信息。", {"location_precise", "location_coarse"}),
        ("我们会申请电话（设备信息）权限，用于识别您的设备。", {"phone_state"}),
        (
            "We ask for the photos (storage) permission so you can attach a picture.",
            {"album", "storage"},
        ),
        ("We ask for the Storage (photos) permission to save exports.", {"album", "storage"}),
    ],
)
def test_a_permission_named_with_another_in_brackets_discloses_both(
    sentence: str, categories: set[str]
) -> None:
    assert categories <= disclosed(sentence)


def test_bracket_pairs_keep_their_negation_and_read_nothing_extra() -> None:
    denied = analyse("我们不会申请相册（存储）权限。")
    assert denied.disclosure("storage").status == "denied"
    assert denied.disclosure("album").status == "denied"
    # An explanation in brackets is no second permission name: 设备信息 + 权限 is not storage.
    assert disclosed("我们会收集设备信息（包括设备型号和操作系统版本）。") == set()
    assert "storage" not in disclosed("我们会收集您的昵称（用于展示）。")
    # Without 权限 after the brackets, the bare side is read only when the other names a term.
    assert "storage" not in disclosed("我们会存储（保存）您的订单信息。")


# --------------------------------------------------------------------------- sentence kinds


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("您上传的照片、视频、录像的著作权归您所有。", "camera"),
        ("您上传的录音、录像等内容的知识产权归原作者所有。", "microphone"),
        ("您上传的照片、视频的版权归您所有。", "album"),
        (
            "All audio recordings and photo galleries on this site are protected by copyright.",
            "microphone",
        ),
        ("We will notify you by e-mail, SMS or push notification.", "sms"),
        ("我们将以短信、邮件、推送等方式通知您。", "sms"),
        ("我们将通过系统通知、公告、短信、电子邮件等形式告知您。", "sms"),
        ("您可以根据促销短信内容提示，取消我们给您发送的短信。", "sms"),
        ("我们会保存您与客服的通信/通话记录，以便处理您的问题。", "call_log"),
        ("為解決爭議，我們會保存您與客服的通話記錄。", "call_log"),
        (
            "We keep the call records of your calls with customer service for quality assurance.",
            "call_log",
        ),
        ("我们会向您的手机号码发送短信验证码，以验证您的身份。", "sms"),
        ("You sign in with a one-time code that we send you by SMS.", "sms"),
    ],
)
def test_sentence_kinds_that_name_a_term_without_disclosing_it(
    sentence: str, category: str
) -> None:
    assert category not in disclosed(sentence), sentence


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        # The app reads the SMS itself: auto-filling the code needs the message.
        ("经您授权，我们会读取短信中的验证码并自动填写。", "sms"),
        ("With your permission the app reads the SMS to auto-fill the verification code.", "sms"),
        ("我们会申请短信权限，用于自动填写验证码。", "sms"),
        # A reading verb right before the term, outside the kind's words.
        ("我们会读取您的通话记录，以便您在联系客服时选择号码。", "call_log"),
        ("为了通知您来电，我们会读取您的短信。", "sms"),
        # A cue elsewhere does not hide a permission the sentence names.
        ("发布作品前，我们会申请相机权限；作品的著作权归您所有。", "camera"),
        # A voice message to customer service is recorded by the app's microphone.
        ("您可以向客服发送语音消息，我们会在您按住按钮时使用麦克风。", "microphone"),
    ],
)
def test_the_same_kinds_still_disclose_what_the_app_reads(sentence: str, category: str) -> None:
    assert category in disclosed(sentence), sentence


def test_a_copyright_heading_covers_the_sentences_under_it() -> None:
    text = "## 知识产权\n\n用户在平台发布的照片、视频、录音等内容受法律保护。\n"
    found = disclosed(text, fmt="md")
    assert not found & {"album", "microphone"}
    text = "## 权限\n\n用户在平台发布的照片、视频、录音等内容由我们保存。\n"
    assert {"album", "microphone"} <= disclosed(text, fmt="md")


# --------------------------------------------------------------------------- shared terms


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        ("我们会申请电话权限，用于获取设备状态和设备识别码。", {"phone_state"}, {"phone_calls"}),
        ("我们会申请电话权限，用于您一键拨打商家电话。", {"phone_calls"}, {"phone_state"}),
        ("我们会申请电话权限。", {"phone_state", "phone_calls"}, set()),
    ],
)
def test_the_phone_permission_group_is_narrowed_by_its_purpose(
    sentence: str, present: set[str], absent: set[str]
) -> None:
    found = disclosed(sentence)
    assert present <= found and not absent & found


# --------------------------------------------------------------------------- headings, tables


def test_a_whole_sentence_marked_up_as_a_heading_is_a_sentence() -> None:
    text = (
        "#### 当您注册时，我们会收集您的设备MAC地址、唯一设备识别码，用以标识您为我们的用户。\n\n"
        "#### 位置信息\n"
    )
    analysis = analyse(text, fmt="md")
    assert analysis.disclosure("network_identifiers").status == "disclosed"
    assert analysis.disclosure("location_coarse").status == "heading_only"


def test_a_permission_table_that_names_only_the_android_permission() -> None:
    text = (
        "| 权限名称 | 使用目的 |\n| --- | --- |\n"
        "| android.permission.CAMERA | 扫码 |\n"
        "| android.permission.READ_PHONE_STATE | 安全风控 |\n"
    )
    found = disclosed(text, fmt="md")
    assert {"camera", "phone_state"} <= found
    assert "microphone" not in found


# --------------------------------------------------------------------------- data validation


def test_contexts_and_shared_terms_must_name_taxonomy_categories(tmp_path: Path) -> None:
    folder = tmp_path / "policy"
    shutil.copytree(policy_data_dir(), folder)
    cues_path = folder / "cues.json"
    cues = json.loads(cues_path.read_text(encoding="utf-8"))
    cues["not_disclosure_contexts"]["kinds"]["copyright"]["categories"].append("telepathy")
    cues["shared_term_purposes"][0]["categories"].append("phone_statee")
    cues_path.write_text(json.dumps(cues, ensure_ascii=False), encoding="utf-8")
    problems = validate_vocabulary(folder)
    assert any("telepathy" in p for p in problems)
    assert any("phone_statee" in p for p in problems)
    del cues["bracketed_permissions"]
    cues_path.write_text(json.dumps(cues, ensure_ascii=False), encoding="utf-8")
    assert any("bracketed_permissions" in p for p in validate_vocabulary(folder))


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        (
            "为了防止您的个人信息被不法分子获取，我们会收集您的设备型号、唯一设备标识符。",
            "device_id",
        ),
        ("经您授权，我们会查看运营商资料，包括但不限于通话记录相关信息。", "call_log"),
        ("We collect data no later than the moment you open the camera screen.", "camera"),
    ],
)
def test_a_word_that_holds_a_negation_cue_negates_nothing(sentence: str, category: str) -> None:
    assert analyse(sentence).disclosure(category).status == "disclosed", sentence


def test_real_negations_still_deny() -> None:
    assert analyse("我们不会收集您的通讯录。").disclosure("contacts").status == "denied"
    assert analyse("我们不会读取通话记录。").disclosure("call_log").status == "denied"
    assert analyse("We do not access the camera.").disclosure("camera").status == "denied"


def test_server_location_wording_is_no_location() -> None:
    text = "We post the revised policy at this location; our servers sit in a co-location facility."
    assert not {"location_precise", "location_coarse"} & disclosed(text)
    assert {"location_precise", "location_coarse"} <= disclosed(
        "We use your location to show nearby stores."
    )


# --------------------------------------------------------------------------- kinds as data


def _kind_examples() -> list[tuple[str, str, str, str]]:
    cues = json.loads((policy_data_dir() / "cues.json").read_text(encoding="utf-8"))
    return [
        (name, lang, polarity, sentence)
        for name, kind in cues["not_disclosure_contexts"]["kinds"].items()
        for lang, examples in kind["examples"].items()
        for polarity in ("positive", "negative")
        for sentence in examples[polarity]
    ]


@pytest.mark.parametrize(("kind", "lang", "polarity", "sentence"), _kind_examples())
def test_every_context_kind_has_examples_that_hold(
    kind: str, lang: str, polarity: str, sentence: str
) -> None:
    cues = json.loads((policy_data_dir() / "cues.json").read_text(encoding="utf-8"))
    categories = set(cues["not_disclosure_contexts"]["kinds"][kind]["categories"])
    found = disclosed(sentence) & categories
    if polarity == "positive":
        assert found, (kind, lang, sentence)
    else:
        assert not found, (kind, lang, sentence, found)


def test_every_context_kind_gives_both_kinds_of_example() -> None:
    cues = json.loads((policy_data_dir() / "cues.json").read_text(encoding="utf-8"))
    for name, kind in cues["not_disclosure_contexts"]["kinds"].items():
        assert {"en", "zh-Hans"} <= set(kind["examples"]), name


@pytest.mark.parametrize(("lang", "polarity", "text"), cue_examples("permission_heading_bodies"))
def test_a_permission_heading_is_disclosed_by_the_paragraph_that_says_its_use(
    lang: str, polarity: str, text: str
) -> None:
    storage = analyse(text, fmt="md").disclosure("storage")
    if polarity == "positive":
        assert storage.status == "disclosed", (lang, text)
        best = storage.evidence[0]
        assert best.strength != "heading" and best.term in text
    else:
        assert storage.status == "heading_only", (lang, text)


@pytest.mark.parametrize(
    ("lang", "polarity", "sentence"), cue_examples("not_disclosure_contexts", "listed_data")
)
def test_an_item_of_a_list_of_collected_data_is_read_data(
    lang: str, polarity: str, sentence: str
) -> None:
    sms = analyse_policy(policy_from_text(sentence, fmt="txt"), sdks=()).disclosure("sms")
    if polarity == "positive":
        assert sms.status == "disclosed", (lang, sentence)
    else:
        assert sms.status != "disclosed", (lang, sentence)
