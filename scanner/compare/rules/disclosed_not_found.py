"""PS401: the policy discloses a capability the app shows no sign of using."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import AuditContext, RuleUnit, category_finding

DISCLOSED_NOT_FOUND = Rule(
    id="PS401",
    name="disclosed-capability-not-found",
    severity=Severity.INFO,
    summary="The policy discloses a capability the app shows no sign of using.",
    help=(
        "Over-disclosure is not a violation, but a policy that lists what the app does not do "
        "is harder to trust; it may also mean the capability is reached in a way the scanner "
        "cannot see (server side, web view, dynamic code)."
    ),
)


def check(ctx: AuditContext) -> Iterator[Finding]:
    for cap in ctx.capabilities:
        stance = ctx.stances[cap.id]
        if cap.id in ctx.exercises or stance.status != "disclosed" or stance.disclosure is None:
            continue
        # Dormant, library-only code and a lone normal permission show no use either.
        message = (
            f"The policy discloses {cap.title_en.lower()}, but the app shows no sign of it: "
            "no permission that grants it, no code that can run for it, no manifest entry."
        )
        yield category_finding(
            DISCLOSED_NOT_FOUND, cap, message, policy_evidence=stance.disclosure.evidence[:3]
        )


UNIT = RuleUnit((DISCLOSED_NOT_FOUND,), check)
