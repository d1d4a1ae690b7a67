"""PS301: the policy says the app does not do something that the app does.

High only on strong evidence (a dangerous permission, a manifest startup entry, a strong call in
app or SDK code); weak evidence or obfuscated code of unknown owner gives low."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import (
    AuditContext,
    RuleUnit,
    capped,
    category_finding,
    weak_note,
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
        ex = ctx.exercises.get(cap.id)
        stance = ctx.stances[cap.id]
        if ex is None or stance.status != "denied" or stance.disclosure is None:
            continue
        who = ctx.describe_actors(ex)
        by = f" ({who})" if who else ""
        yield category_finding(
            DENIED_BEHAVIOUR,
            cap,
            f"The policy denies {cap.title_en.lower()}, but the app does it{by}.{weak_note(ex)}",
            severity=capped(Severity.HIGH, ex.ceiling()),
            app_evidence=ex.evidence(),
            policy_evidence=stance.disclosure.evidence,
        )


UNIT = RuleUnit((DENIED_BEHAVIOUR,), check)
