"""PS101 / PS102 / PS103: how the policy discloses an embedded SDK that processes personal data.

One decision with three outcomes, so one module: the policy names the SDK's vendor for another
of its SDKs (PS103, low), else only a generic kind of partner covers it (PS102), else nothing
does (PS101). An SDK the policy names raises none of them. The order of that ladder is the rule;
split in three modules each would have to repeat the others' conditions.

Which SDKs: every third-party SDK that processes personal data, tracker or not (the Chinese
rules and GDPR ask that, not whether it "tracks"): its signature says it collects something or
tracks, or its own code exercises a capability. Libraries that process none (OkHttp, Hermes)
stay out. An SDK only declared in the manifest (an API key, no code) is reported at info.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import (
    MAX_EVIDENCE,
    AuditContext,
    RuleUnit,
    call_is_weak,
    vendor_key,
)
from scanner.model import SdkDetection, SdkStatus

UNDISCLOSED_SDK = Rule(
    id="PS101",
    name="undisclosed-sdk",
    severity=Severity.HIGH,
    summary="A third-party SDK that processes personal data is embedded but the policy does not "
    "name it.",
    help=(
        "Name the SDK (and its vendor) in the policy's third-party / SDK list with what it "
        "collects and why, or remove it. An SDK that makes no sensitive call in the code "
        "scanned is reported at medium severity, one only declared in the manifest at info."
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


def _exercising(ctx: AuditContext, sdk: SdkDetection) -> tuple[bool, bool]:
    """(the SDK's own code exercises a capability, with strong evidence). Only call sites
    that count (`AuditContext.exercises`) and the SDK's startup entries are looked at."""
    calls = [c for ex in ctx.exercises.values() for c in ex.calls if c.owner == sdk.sdk_id]
    starts = [s for s in ctx.scan.startup if s.owner == sdk.sdk_id]
    strong = bool(starts) or any(not call_is_weak(c) for c in calls)
    return bool(calls or starts), strong


def processes_personal_data(ctx: AuditContext, sdk: SdkDetection) -> bool:
    """Its signature says it collects something or tracks (a tracker processes personal data
    by definition; imported Exodus trackers say nothing else), or its own code exercises a
    capability. When code was not read, only the signature can say."""
    return sdk.tracking or bool(sdk.collects) or _exercising(ctx, sdk)[0]


def _finding(ctx: AuditContext, sdk: SdkDetection) -> Finding:
    declared = sdk.status == SdkStatus.DECLARED
    if declared:
        active = strong = False
        note = " It is declared in the manifest, but no code of it was found."
    elif not ctx.scan.code_analysed:
        active = strong = True
        note = ""
    else:
        active, strong = _exercising(ctx, sdk)
        note = "" if active else " It makes no sensitive call in the code scanned."
    covering = [
        tp for cat in ctx.taxonomy.covering(sdk.category) for tp in ctx.generic.get(cat, ())
    ]
    vendor_tp = ctx.named_vendors.get(vendor_key(sdk.vendor))
    # "Log in with Facebook" tells the user the vendor is involved, not that its SDK is inside
    # the app collecting data: the same gap as a vendor named for another SDK, so the same card.
    target = next(
        (t for t in ctx.policy.third_parties if t.sdk_id == sdk.sdk_id and t.kind == "target"),
        None,
    )
    where = "declared in the manifest" if declared else "embedded"
    entries = len(sdk.evidence)
    counted = (
        f"{entries} manifest {'entry' if entries == 1 else 'entries'}"
        if declared
        else f"{sdk.class_count} {'class' if sdk.class_count == 1 else 'classes'}"
    )
    if target is not None:
        rule, severity = SDK_VENDOR_ONLY, Severity.LOW
        policy_evidence = target.evidence[:3]
        message = (
            f"{sdk.name} ({sdk.category}) is {where}; the policy names {target.name} only as a "
            "way to log in, share or pay, not as an SDK in the app."
        )
    elif vendor_tp is not None:
        rule, severity = SDK_VENDOR_ONLY, Severity.LOW
        policy_evidence = vendor_tp.evidence[:3]
        if vendor_tp.sdk_id:
            named_as = f"{vendor_tp.name}, for {vendor_tp.sdk_id}"
        else:  # a company only: a row "SDK" by the company, a company in prose
            named_as = vendor_tp.company or vendor_tp.name
        message = (
            f"{sdk.name} ({sdk.category}) is {where}; the policy names its vendor "
            f"({named_as}) but not this SDK."
        )
    elif covering:
        rule = SDK_GENERIC_ONLY
        severity = Severity.MEDIUM if strong else Severity.LOW
        # One sentence often names several kinds of partner: quote it once.
        policy_evidence = tuple(dict.fromkeys(e for tp in covering for e in tp.evidence))[:3]
        # Name the kinds of partner the quoted sentences disclose, the SDK's own kind first: a
        # card that says "analytics partners" above a quote about attribution partners reads wrong.
        kinds = sorted(
            dict.fromkeys(str(tp.category) for tp in covering), key=lambda k: k != sdk.category
        )
        message = (
            f"{sdk.name} ({sdk.vendor}, {sdk.category}) is covered only by a generic "
            f"disclosure of {_joined(kinds)} partners; the policy does not name it."
        )
    else:
        rule = UNDISCLOSED_SDK
        severity = Severity.HIGH if strong else Severity.MEDIUM
        policy_evidence = ()
        message = (
            f"{sdk.name} ({sdk.vendor}, {sdk.category}) is {where} "
            f"({counted}) but the policy does not disclose it."
        )
    return Finding(
        rule=rule,
        severity=Severity.INFO if declared else severity,
        message=message + note,
        subject=sdk.sdk_id,
        category=None,
        sdk_id=sdk.sdk_id,
        app_evidence=sdk.evidence[:MAX_EVIDENCE],
        policy_evidence=policy_evidence,
        searched_terms=ctx.searched_for.get(sdk.sdk_id, ()),
    )


def operator_of(ctx: AuditContext, sdk: SdkDetection) -> str | None:
    """The policy's own operator, when it makes this SDK (vivo Push in the vivo browser, a
    Tencent SDK in a Tencent app): its vendor, or a company name the signature gives it, is one
    of the names the policy gives itself. None for a third party's SDK."""
    if not ctx.policy.operators:
        return None
    from scanner.policy.operator import is_operator
    from scanner.policy.sdk_lists import looks_like_company

    # The signature's names are those the policy was searched for (`searched_for`).
    names = [sdk.vendor.split(" (")[0], vendor_key(sdk.vendor)]
    names += [a for a in ctx.searched_for.get(sdk.sdk_id, ()) if looks_like_company(a)]
    for name in names:
        if len(name) >= 3 and is_operator(name, ctx.policy.operators):
            return name
    return None


def check(ctx: AuditContext) -> Iterator[Finding]:
    for sdk in ctx.scan.sdks:
        if sdk.status not in (SdkStatus.PRESENT, SdkStatus.DECLARED):
            continue  # a stub holds no code that could process anything
        if ctx.policy.names_sdk(sdk.sdk_id) or not processes_personal_data(ctx, sdk):
            continue
        finding = _finding(ctx, sdk)
        own = operator_of(ctx, sdk)
        if own is not None:
            # The operator's own SDK is no third party: the policy need not list it as one
            # (its data practices still need disclosing, which the category rules check).
            finding = replace(
                finding,
                severity=Severity.INFO,
                message=finding.message
                + f" It is made by the policy's own operator ({own}): first-party code, not a"
                " third party, so it is reported for information only.",
            )
        yield finding


UNIT = RuleUnit((UNDISCLOSED_SDK, SDK_GENERIC_ONLY, SDK_VENDOR_ONLY), check)


def _joined(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
