"""PS201: the app requests a permission for a capability the policy does not disclose."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import (
    AuditContext,
    RuleUnit,
    category_finding,
    silent_wording,
    undisclosed,
    use_evidence,
)

UNDISCLOSED_PERMISSION = Rule(
    id="PS201",
    name="undisclosed-permission",
    severity=Severity.HIGH,
    summary="The app requests a permission for a capability the policy does not disclose.",
    help=(
        "Disclose the capability (what is collected, why, when the permission is asked for) or "
        "remove the permission from the manifest, including permissions merged in by SDKs."
    ),
)


def check(ctx: AuditContext) -> Iterator[Finding]:
    for cap, use, stance in undisclosed(ctx):
        if not use.permission_findings:
            continue  # PS202 reports it, owner by owner
        heading_only = stance.status == "heading_only"
        who = ctx.describe_owners(
            [c.owner for c in use.call_site_uses] + [s.owner for s in use.startup_behaviours]
        )
        perms = ", ".join(p.name.rsplit(".", 1)[-1] for p in use.permission_findings)
        used = f"; used by {who}" if who else ""
        disc = stance.disclosure
        yield category_finding(
            UNDISCLOSED_PERMISSION,
            cap,
            f"{cap.title_en} ({perms}{used}) {silent_wording(stance)}.",
            severity=Severity.MEDIUM if heading_only else Severity.HIGH,
            app_evidence=use_evidence(use),
            policy_evidence=disc.evidence if (disc and heading_only) else (),
            searched_terms=disc.searched_terms if disc else (),
        )


UNIT = RuleUnit((UNDISCLOSED_PERMISSION,), check)
