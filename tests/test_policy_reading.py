# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""Reading real policies as a reviewer does (issue 13): the shapes of text that real app and web
policies use, each with a case that must disclose and one that must not."""

from __future__ import annotations

import pytest
from conftest import cue_examples

from scanner.policy import PolicyAnalysis, analyse_policy, policy_from_text
from scanner.policy.vocabulary import TermMatcher


def analyse(text: str, fmt: str = "txt") -> PolicyAnalysis:
    return analyse_policy(policy_from_text(text, fmt=fmt), sdks=())


def disclosed(text: str, fmt: str = "txt") -> set[str]:
    return {c.category for c in analyse(text, fmt).categories if c.status == "disclosed"}


def test_a_navigation_menu_is_no_sentence_about_location() -> None:
    menu = "Home Patients Physicians Location Appointments Billing Customer Service Careers"
    assert "location_precise" not in disclosed(menu)
    picker = "Free shipping Location United States Canada United Kingdom Australia Germany France"
    assert "location_coarse" not in disclosed(picker)
    assert "location_precise" in disclosed(
        "Location We collect your location to show nearby stores."
    )


def test_places_called_locations_are_no_location_data() -> None:
    assert "location_coarse" not in disclosed("Patient testing locations nationwide, and more.")
    assert "location_coarse" not in disclosed("If you are located in one of these locations, skip.")
    assert "location_coarse" in disclosed("We collect your location when you open the map.")


def test_the_country_you_browse_from_is_approximate_location() -> None:
    found = disclosed("We log the country and state from which you access our site.")
    assert "location_coarse" in found and "location_precise" not in found
    assert "location_coarse" not in disclosed("We ship to every country and state in the union.")


def test_a_list_item_that_runs_on_is_not_a_heading() -> None:
    text = (
        "Device information includes:\nThe type of device you use;\n"
        "Certain device identifiers; and\nYour provider."
    )
    assert analyse(text).disclosure("device_id").status == "disclosed"
    assert (
        analyse("Device Identifiers\n\nWe describe them below.").disclosure("device_id").status
        == "heading_only"
    )


def test_short_lines_under_a_line_that_opens_a_list_are_its_items() -> None:
    # A web policy's bullet list flattened to lines: each item looks like a heading on its own.
    items = (
        "When you use our services, we automatically record information, including: Your location"
        "\nThe unique identifier for your mobile device\nYour IP address\n"
    )
    assert analyse(items).disclosure("device_id").status == "disclosed"
    opened = "我们会收集以下信息：\n设备型号\n设备唯一标识符\n"
    assert analyse(opened).disclosure("device_id").status == "disclosed"
    # Short lines with no line opening them, or after a blank line, stay headings.
    contents = "Contents\nYour location\nThe unique identifier for your mobile device\n"
    assert analyse(contents).disclosure("device_id").status == "heading_only"
    ended = "We record the following:\n\nThe unique identifier for your mobile device\n"
    assert analyse(ended).disclosure("device_id").status == "heading_only"
    closed = "We record what is listed below.\nThe unique identifier for your mobile device\n"
    assert analyse(closed).disclosure("device_id").status == "heading_only"


def test_a_whole_sentence_in_bold_in_a_list_is_a_sentence() -> None:
    text = (
        "# 设备信息\n\n* **我们可能收集您的设备信息，例如设备型号、唯一设备标识符、"
        "网络设备硬件地址MAC、设备应用安装列表等。**\n"
    )
    found = disclosed(text, fmt="md")
    assert {"device_id", "network_identifiers", "installed_apps"} <= found
    assert analyse("* **设备信息**\n", fmt="md").disclosure("device_id").status != "disclosed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("设备标识信息（imei/android id/imsi/mac）", ["/MAC"]),
        ("mac/imei", ["MAC/"]),
        ("machine learning", []),
        ("your mac addresses", ["MAC address"]),
    ],
)
def test_terms_ending_or_starting_on_punctuation_need_no_word_boundary_there(
    text: str, expected: list[str]
) -> None:
    matcher = TermMatcher({t: [t] for t in ("/MAC", "MAC/", "MAC address")})
    assert [p for _s, _e, payloads in matcher.finditer(text) for p in payloads] == expected


def test_photos_are_album_unless_they_are_a_profile_photo_or_taken_with_the_camera() -> None:
    assert "album" in disclosed("You can add photos and videos to your posts.")
    assert "album" in disclosed("我们会收集您上传的照片、视频，用于发布动态。")
    assert "album" not in disclosed("Your account shows your name and profile photo.")
    assert "album" not in disclosed("To deposit a cheque, take a photo of it with the camera.")
    assert "album" not in disclosed("您的个人详情（例如姓名、个人档案照片）。")
    assert "album" not in disclosed("浏览器信息（时区、字体、canvas图片渲染哈希值）。")


def test_a_permission_column_names_permissions_without_saying_so() -> None:
    table = (
        "| 权限名称 | 使用目的 |\n| --- | --- |\n| 存储 | 缓存文章 |\n| 电话 | 识别设备 |\n"
        "| 位置 | 推荐附近门店 |\n"
    )
    assert {"storage", "phone_state", "location_precise"} <= disclosed(table, fmt="md")
    english = "| Permission | Purpose |\n| --- | --- |\n| Storage | save exported files |\n"
    assert "storage" in disclosed(english, fmt="md")
    denied = analyse("| 权限名称 | 是否使用 |\n| --- | --- |\n| 存储 | 否 |\n", fmt="md")
    assert denied.disclosure("storage").status == "denied"
    # The same word in a column of product names is no permission.
    products = "| 名称 | 用途 |\n| --- | --- |\n| 存储 | 云端备份服务 |\n"
    assert "storage" not in disclosed(products, fmt="md")


def test_a_permission_the_vocabulary_does_not_list_maps_through_its_capability() -> None:
    rows = (
        "| 权限名称 | 用途 |\n| --- | --- |\n"
        "| android.permission.BODY_SENSORS_BACKGROUND | 后台读取心率 |\n"
        "| android.permission.ACCEPT_HANDOVER | 通话切换 |\n"
    )
    assert {"body_sensors", "phone_calls"} <= disclosed(rows, fmt="md")
    # A permission constant needs its underscore to be read bare: "access" is a plain word.
    assert "device_id" not in disclosed("We may access your order history.")


@pytest.mark.parametrize(
    "sentence",
    [
        "我们会接收但不记录您的WiFi网络信息。",
        "We collect but do not sell your location.",
        "位置情報を取得しますが、保存しません。",
    ],
)
def test_handled_but_not_kept_is_no_denial(sentence: str) -> None:
    # The data is received or collected; only something further (keeping it, selling it) is denied.
    found = {c.category: c.status for c in analyse(sentence).categories}
    assert "disclosed" in found.values() and "denied" not in found.values(), sentence


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("我们不会接收您的短信。", "sms"),
        ("We do not collect or sell your location.", "location_precise"),
        ("位置情報、連絡先リストおよび通話履歴を取得することはありません。", "call_log"),
    ],
)
def test_a_plain_denial_still_denies(sentence: str, category: str) -> None:
    assert analyse(sentence).disclosure(category).status == "denied", sentence


@pytest.mark.parametrize(("lang", "polarity", "sentence"), cue_examples("ip_derived_location"))
def test_location_told_from_the_ip_address_is_approximate_location(
    lang: str, polarity: str, sentence: str
) -> None:
    found = disclosed(sentence)
    if polarity == "positive":
        assert "location_coarse" in found and "location_precise" not in found, (lang, sentence)
    else:
        assert "location_coarse" not in found, (lang, sentence)


def test_a_denied_ip_location_stays_denied() -> None:
    denied = analyse("We do not use your IP address to infer your city.")
    assert denied.disclosure("location_coarse").status == "denied"


@pytest.mark.parametrize(("lang", "polarity", "sentence"), cue_examples("wifi_locating"))
def test_wifi_named_as_a_way_of_locating_discloses_network_identifiers(
    lang: str, polarity: str, sentence: str
) -> None:
    found = disclosed(sentence)
    if polarity == "positive":
        assert "network_identifiers" in found, (lang, sentence)
    else:
        assert "network_identifiers" not in found, (lang, sentence)


def test_wifi_locating_keeps_the_other_location_terms_and_denials() -> None:
    both = analyse("We locate you from GPS, Wi-Fi and cell towers.")
    assert both.disclosure("network_identifiers").status == "disclosed"
    assert both.disclosure("location_precise").status == "disclosed"
    for sentence in (
        "我们不会使用GPS或WiFi定位。",
        "We do not use GPS, Wi-Fi or cell towers to locate you.",
    ):
        denied = analyse(sentence)
        assert denied.disclosure("network_identifiers").status == "denied", sentence
