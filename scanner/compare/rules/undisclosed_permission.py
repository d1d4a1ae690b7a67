"""PS201: the app requests a permission for a capability the policy does not disclose.

One finding per category, with the call sites that use the permission as its evidence (PS202
stays silent on a category that has a requested permission). A dangerous permission is strong
evidence on its own; a normal one only through the code or manifest entries that use it."""

from __future__ import annotations

from collections.abc import Iterator

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
from scanner.signatures.catalog import Capability

UNDISCLOSED_PERMISSION = Rule(
    id="PS201",
    name="undisclosed-permission",
    severity=Severity.HIGH,
    summary="The app requests a permission for a capability the policy does not disclose.",
    help=(
        "Disclose the capability (what is collected, why, when the permission is asked for) or "
        "remove the permission: on Android from the manifest, including permissions merged in by "
        "SDKs; on iOS the usage description from Info.plist, and the code that asks for it."
    ),
)


def _uncovered_note(ctx: AuditContext, cap: Capability, ex: Exercise) -> str:
    """Why a disclosure that covers this permission elsewhere does not cover it here."""
    for cov in cap.permission_covered_by:
        if ctx.stances[cov.capability].status != "disclosed":
            continue
        other = next((c.title_en.lower() for c in ctx.capabilities if c.id == cov.capability), "")
        extra = sorted({p.name for p in ex.permissions} - set(cov.permissions))
        if extra:
            what = ", ".join(p.rsplit(".", 1)[-1] for p in extra)
            return f" The policy's disclosure of {other} does not cover {what}."
        apis = sorted({c.api for c in ex.calls})
        return f" The policy's disclosure of {other} does not cover {', '.join(apis[:3])}."
    return ""


def check(ctx: AuditContext) -> Iterator[Finding]:
    for cap, ex, stance in undisclosed(ctx):
        if not ex.permissions:
            continue  # PS202 reports it, owner by owner
        heading_only = stance.status == "heading_only"
        who = ctx.describe_actors(ex)
        perms = ", ".join(p.name.rsplit(".", 1)[-1] for p in ex.permissions)
        used = f"; used by {who}" if who else ""
        disc = stance.disclosure
        severity = capped(Severity.MEDIUM if heading_only else Severity.HIGH, ex.ceiling())
        yield category_finding(
            UNDISCLOSED_PERMISSION,
            cap,
            f"{cap.title_en} ({perms}{used}) {silent_wording(stance)}.{weak_note(ex)}"
            + _uncovered_note(ctx, cap, ex),
            severity=severity,
            app_evidence=ex.evidence(),
            policy_evidence=quoted_policy(stance),
            searched_terms=disc.searched_terms if disc else (),
        )


UNIT = RuleUnit((UNDISCLOSED_PERMISSION,), check)
