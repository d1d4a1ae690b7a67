# ruff: noqa: RUF001  (Chinese policy text is the point of these tests)
"""Vendors listed before one shared product word (scanner/policy/vendor_lists.py): each names its
own push SDK. Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from scanner.policy import PolicyAnalysis, analyse_policy
from scanner.policy.loader import policy_from_text


def _analyse(text: str) -> PolicyAnalysis:
    return analyse_policy(policy_from_text(text, fmt="txt"))


def _push_ids(analysis: PolicyAnalysis) -> set[str]:
    return {
        t.sdk_id
        for t in analysis.third_parties
        if t.sdk_id and t.sdk_id.endswith("-push") and analysis.names_sdk(t.sdk_id)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "在小米/华为/魅族手机上，小米/华为/魅族 Push SDK会读取设备标识以便投递通知。",
            {"xiaomi-push", "huawei-push", "meizu-push"},
        ),
        (
            "为向您发送消息，本应用集成了OPPO、vivo和华为推送，它们会收集设备型号。",
            {"oppo-push", "vivo-push", "huawei-push"},
        ),
        (
            "若您的手机是华为、魅族或其他等品牌手机，本游戏接入的上述厂商Push SDK将获取设备标识。",
            {"huawei-push", "meizu-push"},
        ),
        (
            "如您用小米、华为等品牌手机下载本游戏。"
            "我们接入的上述手机厂商登录、支付、Push SDK会读取设备标识。",
            {"xiaomi-push", "huawei-push"},
        ),
    ],
)
def test_each_vendor_before_a_shared_product_word_names_its_push_sdk(
    text: str, expected: set[str]
) -> None:
    assert expected <= _push_ids(_analyse(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A vendor's other product joined in the list is no push SDK of it.
        ("您可以用华为账号和小米推送接收我们的通知。", {"xiaomi-push"}),
        # A brand with no push SDK in the catalogue names nothing.
        ("联想、三星推送服务不会被本应用使用。", set()),
        # A brand list after "上述厂商" is not what it points back to.
        ("本应用接入的上述厂商推送由各厂商提供，支持华为、魅族等品牌手机。", set()),
    ],
)
def test_a_vendor_without_its_product_word_names_no_push_sdk(text: str, expected: set[str]) -> None:
    assert _push_ids(_analyse(text)) == expected
