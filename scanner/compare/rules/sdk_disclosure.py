"""PS101 / PS102 / PS103: how the policy discloses an embedded tracking SDK.

One decision with three outcomes, so one module: the policy names the SDK's vendor for another
of its SDKs (PS103, low), else only a generic kind of partner covers it (PS102), else nothing
does (PS101). An SDK the policy names raises none of them. The order of that ladder is the rule;
split in three modules each would have to repeat the others' conditions.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import MAX_EVIDENCE, AuditContext, RuleUnit, vendor_key
from scanner.model import SdkDetection

UNDISCLOSED_SDK = Rule(
    id="PS101",
    name="undisclosed-sdk",
    severity=Severity.HIGH,
    summary="A third-party SDK is embedded but the privacy policy does not name it.",
    help=(
        "Name the SDK (and its vendor) in the policy's third-party / SDK list with what it "
        "collects and why, or remove it. An SDK that makes no sensitive call is reported at "
        "medium severity."
    ),
)
SDK_GENERIC_ONLY = Rule(
    id="PS102",
    name="sdk-generic-disclosure-only",
    severity=Severity.MEDIUM,
    summary="An SDK is covered only by a generic disclosure such as 'analytics partners'.",
    help=(
        "Regulators (MIIT, app stores) expect each SDK to be listed by name with its vendor, "
        "purpose and the data it collects; a category of partners is not enough."
    ),
)
SDK_VENDOR_ONLY = Rule(
    id="PS103",
    name="sdk-vendor-named-only",
    severity=Severity.LOW,
    summary="The policy names the SDK's vendor for another of its SDKs, but not this SDK.",
    help=(
        'Naming a company ("Google", "Tencent") for one purpose does not tell users that '
        "another of its SDKs is embedded; list each SDK with its purpose and data."
    ),
)


def _is_active(sdk: SdkDetection, ctx: AuditContext) -> bool:
    """The SDK makes a sensitive call or starts itself (always true when code was not read)."""
    scan = ctx.scan
    if not scan.code_analysed:
        return True
    return any(c.owner == sdk.sdk_id and c.access != "write" for c in scan.call_sites) or any(
        s.owner == sdk.sdk_id for s in scan.startup
    )


def _finding(ctx: AuditContext, sdk: SdkDetection) -> Finding:
    active = _is_active(sdk, ctx)
    idle_note = "" if active else " It makes no sensitive call in the code scanned."
    covering = [
        tp for cat in ctx.taxonomy.covering(sdk.category) for tp in ctx.generic.get(cat, ())
    ]
    vendor_tp = ctx.named_vendors.get(vendor_key(sdk.vendor))
    if vendor_tp is not None:
        rule, severity = SDK_VENDOR_ONLY, Severity.LOW
        policy_evidence = vendor_tp.evidence[:3]
        message = (
            f"{sdk.name} ({sdk.category}) is embedded; the policy names its vendor "
            f"({vendor_tp.name}, for {vendor_tp.sdk_id}) but not this SDK."
        )
    elif covering:
        rule = SDK_GENERIC_ONLY
        severity = Severity.MEDIUM if active else Severity.LOW
        policy_evidence = tuple(e for tp in covering for e in tp.evidence)[:3]
        message = (
            f"{sdk.name} ({sdk.vendor}, {sdk.category}) is covered only by a generic "
            f"disclosure of {covering[0].category} partners; the policy does not name it."
        )
    else:
        rule = UNDISCLOSED_SDK
        severity = Severity.HIGH if active else Severity.MEDIUM
        policy_evidence = ()
        message = (
            f"{sdk.name} ({sdk.vendor}, {sdk.category}) is embedded "
            f"({sdk.class_count} classes) but the policy does not disclose it."
        )
    return Finding(
        rule=rule,
        severity=severity,
        message=message + idle_note,
        subject=sdk.sdk_id,
        category=None,
        sdk_id=sdk.sdk_id,
        app_evidence=sdk.evidence[:MAX_EVIDENCE],
        policy_evidence=policy_evidence,
        searched_terms=ctx.searched_for.get(sdk.sdk_id, ()),
    )


def check(ctx: AuditContext) -> Iterator[Finding]:
    for sdk in ctx.scan.sdks:
        if sdk.status == "present" and sdk.tracking and not ctx.policy.names_sdk(sdk.sdk_id):
            yield _finding(ctx, sdk)


UNIT = RuleUnit((UNDISCLOSED_SDK, SDK_GENERIC_ONLY, SDK_VENDOR_ONLY), check)
