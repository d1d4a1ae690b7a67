"""PS402: the policy names an SDK that the app does not embed."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import AuditContext, RuleUnit
from scanner.model import SdkStatus

SDK_DISCLOSED_NOT_FOUND = Rule(
    id="PS402",
    name="disclosed-sdk-not-found",
    severity=Severity.INFO,
    summary="The policy names an SDK that the app does not embed.",
    help="Keep the SDK list in step with the build, or the policy may mislead users.",
)


def check(ctx: AuditContext) -> Iterator[Finding]:
    present = {d.sdk_id for d in ctx.scan.sdks if d.status == SdkStatus.PRESENT}
    declared = {d.sdk_id for d in ctx.scan.sdks if d.status == SdkStatus.DECLARED}
    seen: set[str] = set()
    # A list row that stands for several SDKs (友盟+: analytics, push, share) is kept when the
    # app embeds one of them: the row names the vendor's SDK the app has, not all three.
    kept_rows = {
        e.start
        for tp in ctx.policy.third_parties
        if tp.sdk_id in present and tp.kind == "table_row"
        for e in tp.evidence
    }
    for tp in ctx.policy.third_parties:
        if not tp.sdk_id or tp.sdk_id in present or tp.sdk_id in seen or tp.kind == "target":
            continue  # a login / share / payment target need not be embedded
        if tp.evidence and all(e.start in kept_rows for e in tp.evidence):
            continue
        seen.add(tp.sdk_id)
        yield Finding(
            rule=SDK_DISCLOSED_NOT_FOUND,
            severity=SDK_DISCLOSED_NOT_FOUND.severity,
            message=f"The policy names {tp.name} ({tp.sdk_id}), which the app does not embed"
            + (
                ": the manifest declares it (an API key or component), but no code of it is there."
                if tp.sdk_id in declared
                else "."
            ),
            subject=tp.sdk_id,
            category=None,
            sdk_id=tp.sdk_id,
            app_evidence=(),
            policy_evidence=tp.evidence[:3],
        )


UNIT = RuleUnit((SDK_DISCLOSED_NOT_FOUND,), check)
