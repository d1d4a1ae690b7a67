# ruff: noqa: RUF001  (Chinese policy text is the point of these tests)
"""A brand written with a capital inside a word ("MobTech", "PayPal") is also found capitalised
only at its start ("Mobtech", "Paypal"), as policies often write it (scanner/policy/analyse.py).
Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from scanner.policy import PolicyAnalysis, analyse_policy
from scanner.policy.analyse import _spellings
from scanner.policy.loader import policy_from_text


def _named(text: str) -> set[str]:
    analysis: PolicyAnalysis = analyse_policy(policy_from_text(text, fmt="txt"))
    return {t.sdk_id for t in analysis.third_parties if t.sdk_id and t.kind != "generic"}


@pytest.mark.parametrize(
    ("text", "sdk_id"),
    [
        ("为了便于您分享内容，我们接入了Mobtech Sharesdk，它会读取设备标识。", "sharesdk-mobtech"),
        (
            "Donations to us are handled by Paypal, which receives your card details.",
            "paypal-braintree",
        ),
    ],
)
def test_a_brand_capitalised_only_at_its_start_is_named(text: str, sdk_id: str) -> None:
    assert sdk_id in _named(text)


def test_a_brand_in_lower_case_prose_stays_unnamed() -> None:
    # Only the initial-capital form is added: a lower-case word is as often a path or a key.
    assert "sharesdk-mobtech" not in _named("日志里的sharesdk字段只记录版本号。")


@pytest.mark.parametrize(
    ("alias", "forms"),
    [
        ("ShareSDK", ("ShareSDK", "Sharesdk")),
        ("MobTech SecVerify", ("MobTech SecVerify", "Mobtech Secverify")),
        # Ordinary capitalisation: no other spelling ("Mob" must not become "MOB" or "mob").
        ("Mob", ("Mob",)),
        ("Google Analytics", ("Google Analytics",)),
        ("秒验SDK", ("秒验SDK",)),
    ],
)
def test_spellings(alias: str, forms: tuple[str, ...]) -> None:
    assert _spellings(alias) == forms
