"""A company written as its bare domain ("Stripe.com") is named; the same name inside an address
is not (scanner/policy/analyse.py `_in_url`). Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from scanner.policy import analyse_policy
from scanner.policy.loader import policy_from_text


def _named(text: str) -> set[str]:
    analysis = analyse_policy(policy_from_text(text, fmt="txt"))
    return {t.sdk_id for t in analysis.third_parties if t.sdk_id and t.kind != "generic"}


@pytest.mark.parametrize(
    "text",
    [
        "Card payments for the shop go through Stripe.com, which receives the card number.",
        "Our payment processor is Stripe.com.",
    ],
)
def test_a_company_written_as_its_bare_domain_is_named(text: str) -> None:
    assert "stripe" in _named(text)


@pytest.mark.parametrize(
    "text",
    [
        "Terms of the processor are at Stripe.com/legal for anyone curious.",
        "Terms of the processor are at https://Stripe.com for anyone curious.",
        "Write to billing@Stripe.com if a charge looks wrong.",
    ],
)
def test_the_name_inside_an_address_is_not_named(text: str) -> None:
    assert "stripe" not in _named(text)
