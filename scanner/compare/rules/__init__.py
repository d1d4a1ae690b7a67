"""The finding rules: one module per rule (PS101-103 share one, being one decision), and the
registry `audit()` runs. Ids are stable: baselines, SARIF and CI configuration refer to them.

Adding a rule: a module with its `Rule` and a `check(ctx)`, an entry in `REGISTRY`, and a
positive and a negative case in tests/test_rules.py (the test fails without them).
"""

from __future__ import annotations

from scanner.compare.model import Rule
from scanner.compare.rules import (
    denied_behaviour,
    dex_prefix,
    disclosed_not_found,
    ios_declarations,
    required_reason,
    sdk_disclosure,
    sdk_not_found,
    undisclosed_behaviour,
    undisclosed_permission,
    unidentified_code,
)
from scanner.compare.rules.denied_behaviour import DENIED_BEHAVIOUR
from scanner.compare.rules.dex_prefix import DEX_PREFIX
from scanner.compare.rules.disclosed_not_found import DISCLOSED_NOT_FOUND
from scanner.compare.rules.interface import AuditContext, RuleUnit, build_context
from scanner.compare.rules.sdk_disclosure import SDK_GENERIC_ONLY, SDK_VENDOR_ONLY, UNDISCLOSED_SDK
from scanner.compare.rules.sdk_not_found import SDK_DISCLOSED_NOT_FOUND
from scanner.compare.rules.undisclosed_behaviour import UNDISCLOSED_BEHAVIOUR
from scanner.compare.rules.undisclosed_permission import UNDISCLOSED_PERMISSION
from scanner.compare.rules.unidentified_code import UNIDENTIFIED_CODE

REGISTRY: tuple[RuleUnit, ...] = (
    sdk_disclosure.UNIT,
    undisclosed_permission.UNIT,
    undisclosed_behaviour.UNIT,
    denied_behaviour.UNIT,
    disclosed_not_found.UNIT,
    sdk_not_found.UNIT,
    ios_declarations.UNIT,
    ios_declarations.TRACKING_UNIT,
    required_reason.UNIT,
    dex_prefix.UNIT,
    unidentified_code.UNIT,
)
"""Every check `audit()` runs. The order does not matter: findings are sorted afterwards."""

ALL_RULES: tuple[Rule, ...] = tuple(rule for unit in REGISTRY for rule in unit.rules)
"""Every rule a finding can carry, by id."""

__all__ = [
    "ALL_RULES",
    "DENIED_BEHAVIOUR",
    "DEX_PREFIX",
    "DISCLOSED_NOT_FOUND",
    "REGISTRY",
    "SDK_DISCLOSED_NOT_FOUND",
    "SDK_GENERIC_ONLY",
    "SDK_VENDOR_ONLY",
    "UNDISCLOSED_BEHAVIOUR",
    "UNDISCLOSED_PERMISSION",
    "UNDISCLOSED_SDK",
    "UNIDENTIFIED_CODE",
    "AuditContext",
    "RuleUnit",
    "build_context",
]
