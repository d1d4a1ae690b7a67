# ruff: noqa: RUF001  (Chinese policy text is the point of these tests)
"""The carriers' registered company names (signatures/sdks/china-*-auth.json) name their
one-click login SDKs, unless the carrier is the policy's own operator. Every sentence here is
written for these tests."""

from __future__ import annotations

import pytest

from scanner.policy import analyse_policy
from scanner.policy.loader import policy_from_text


def _named(text: str) -> set[str]:
    analysis = analyse_policy(policy_from_text(text, fmt="txt"))
    return {t.sdk_id for t in analysis.third_parties if t.sdk_id and t.kind != "generic"}


@pytest.mark.parametrize(
    ("company", "sdk_id"),
    [
        ("中国移动通信集团有限公司", "china-mobile-auth"),
        ("中国电信股份有限公司", "china-telecom-auth"),
        ("中国联合网络通信有限公司", "china-unicom-auth"),
    ],
)
def test_a_carrier_providing_one_click_login_names_its_sdk(company: str, sdk_id: str) -> None:
    text = f"本应用的一键登录功能由{company}提供，我们接入其SDK以核验您的本机号码。"
    assert sdk_id in _named(text)


def test_the_carriers_bare_brand_names_no_sdk() -> None:
    # "中国移动" is as often the user's network or the operator as the login SDK's maker.
    text = "若您的手机号码属于中国移动，客服会通过短信通知您。"
    assert "china-mobile-auth" not in _named(text)


def test_the_operators_own_registered_name_is_no_sdk() -> None:
    text = (
        "本政策适用于中国移动通信集团有限公司提供的本客户端。\n"
        "中国移动通信集团有限公司会收集您的手机号码用于一键登录。"
    )
    assert "china-mobile-auth" not in _named(text)
