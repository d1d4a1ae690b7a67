"""PS202: code or manifest exercises, without any permission, a capability the policy does not
disclose. One finding per owner, so "Umeng reads the clipboard" stands alone.

Only call sites that can collect the data count (`interface.call_counts`); the severity is the
strongest evidence of that owner: a manifest startup entry or a strong call in app or SDK code
is high, weak evidence and obfuscated code of unknown owner are low."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import (
    AuditContext,
    Exercise,
    RuleUnit,
    capped,
    category_finding,
    quoted_policy,
    silent_wording,
    undisclosed,
    weak_note,
)
from scanner.model import OwnerKind

UNDISCLOSED_BEHAVIOUR = Rule(
    id="PS202",
    name="undisclosed-behaviour",
    severity=Severity.HIGH,
    summary="Code or manifest exercises a capability the policy does not disclose.",
    help=(
        "Behaviour that needs no permission (clipboard reads, self-startup, associated "
        "startup, installed-app lists) must still be disclosed. Disclose it, or remove the "
        "code or the SDK that does it."
    ),
)


def _by_owner(ex: Exercise) -> dict[str | None, Exercise]:
    """The category's evidence split by SDK (None: the app, obfuscated code, libraries)."""
    owners = {c.owner for c in ex.calls} | {s.owner for s in ex.startup}
    return {
        owner: Exercise(
            ex.category,
            (),
            tuple(s for s in ex.startup if s.owner == owner),
            tuple(c for c in ex.calls if c.owner == owner),
            ex.code_analysed,
        )
        for owner in owners
    }


def _actor(ctx: AuditContext, owner: str | None, part: Exercise) -> str:
    if owner is not None:
        return ctx.owner_name(owner)
    if part.unknown_only:
        return "Obfuscated code whose owner is unknown"
    known = tuple(c for c in part.calls if c.owner_kind != OwnerKind.UNKNOWN)
    return ctx.describe_actors(replace(part, calls=known))


def check(ctx: AuditContext) -> Iterator[Finding]:
    for cap, ex, stance in undisclosed(ctx):
        if ex.permissions:
            continue  # PS201 reports the permission with the calls as evidence
        heading_only = stance.status == "heading_only"
        disc = stance.disclosure
        verb = "does" if cap.id.endswith("startup") else "exercises"
        parts = _by_owner(ex)
        for owner, part in sorted(parts.items(), key=lambda kv: kv[0] or ""):
            actor = _actor(ctx, owner, part)
            mixed = not part.unknown_only and any(
                c.owner_kind == OwnerKind.UNKNOWN for c in part.calls
            )
            also = (
                " Some call sites are in obfuscated code whose owner is unknown." if mixed else ""
            )
            severity = capped(Severity.MEDIUM if heading_only else Severity.HIGH, part.ceiling())
            yield category_finding(
                UNDISCLOSED_BEHAVIOUR,
                cap,
                f"{actor[:1].upper()}{actor[1:]} {verb} {cap.title_en.lower()}, "
                f"which {silent_wording(stance)}.{weak_note(part)}{also}",
                severity=severity,
                sdk_id=owner,
                app_evidence=part.evidence(),
                policy_evidence=quoted_policy(stance),
                searched_terms=disc.searched_terms if disc else (),
            )


UNIT = RuleUnit((UNDISCLOSED_BEHAVIOUR,), check)
