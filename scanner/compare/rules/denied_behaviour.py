"""PS301: the policy says the app does not do something that the app does."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import (
    AuditContext,
    RuleUnit,
    category_finding,
    use_evidence,
)

DENIED_BEHAVIOUR = Rule(
    id="PS301",
    name="denied-behaviour",
    severity=Severity.HIGH,
    summary="The policy says the app does not do something that the app does.",
    help="A denial contradicted by the app is a misleading statement; fix the app or the policy.",
)


def check(ctx: AuditContext) -> Iterator[Finding]:
    for cap in ctx.capabilities:
        use = ctx.uses.get(cap.id)
        stance = ctx.stances[cap.id]
        if use is None or stance.status != "denied" or stance.disclosure is None:
            continue
        who = ctx.describe_owners(
            [c.owner for c in use.call_site_uses] + [s.owner for s in use.startup_behaviours]
        )
        by = f" ({who})" if who else ""
        yield category_finding(
            DENIED_BEHAVIOUR,
            cap,
            f"The policy denies {cap.title_en.lower()}, but the app does it{by}.",
            app_evidence=use_evidence(use),
            policy_evidence=stance.disclosure.evidence,
        )


UNIT = RuleUnit((DENIED_BEHAVIOUR,), check)
