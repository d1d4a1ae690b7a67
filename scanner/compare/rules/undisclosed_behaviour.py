"""PS202: code or manifest exercises, without any permission, a capability the policy does not
disclose. One finding per owner, so "Umeng reads the clipboard" stands alone."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import (
    AuditContext,
    RuleUnit,
    call_evidence,
    category_finding,
    silent_wording,
    undisclosed,
)
from scanner.model import DIRECT_CODE_EVIDENCE, Evidence

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


def check(ctx: AuditContext) -> Iterator[Finding]:
    for cap, use, stance in undisclosed(ctx):
        if use.permission_findings:
            continue  # PS201 reports the permission with the calls as evidence
        heading_only = stance.status == "heading_only"
        disc = stance.disclosure
        by_owner: dict[str | None, list[Evidence]] = {}
        strong: dict[str | None, bool] = {}
        for call in use.call_site_uses:
            by_owner.setdefault(call.owner, []).append(call_evidence(call))
            # An Intent aimed at a package, or startService, is associated startup only when the
            # target is another app, which the code alone cannot show: weaker than a real read.
            certain = (
                call.evidence_kind in DIRECT_CODE_EVIDENCE and call.category != "associated_startup"
            )
            strong[call.owner] = strong.get(call.owner, False) or certain
        for start in use.startup_behaviours:
            by_owner.setdefault(start.owner, []).append(start.evidence)
            strong[start.owner] = True
        verb = "does" if cap.id.endswith("startup") else "exercises"
        for owner, items in sorted(by_owner.items(), key=lambda kv: kv[0] or ""):
            actor = ctx.owner_name(owner)
            yield category_finding(
                UNDISCLOSED_BEHAVIOUR,
                cap,
                f"{actor[:1].upper()}{actor[1:]} {verb} {cap.title_en.lower()}, "
                f"which {silent_wording(stance)}.",
                severity=Severity.HIGH if strong[owner] and not heading_only else Severity.MEDIUM,
                sdk_id=owner,
                app_evidence=items,
                policy_evidence=disc.evidence if (disc and heading_only) else (),
                searched_terms=disc.searched_terms if disc else (),
            )


UNIT = RuleUnit((UNDISCLOSED_BEHAVIOUR,), check)
