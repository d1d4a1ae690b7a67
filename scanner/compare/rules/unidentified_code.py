"""PS403: the app embeds third-party code that no signature identifies.

Not a discrepancy with the policy by itself: nobody can say whether the policy discloses code
nobody has named. The finding asks the reviewer to identify it; once identified (an SDK that
needs disclosure, or an open-source library that processes nothing), a baseline entry with the
rule and the package or library name accepts it, and a signature file makes it known for good.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import MAX_EVIDENCE, AuditContext, RuleUnit
from scanner.model import UnidentifiedCode, UnidentifiedKind

UNIDENTIFIED_CODE = Rule(
    id="PS403",
    name="unidentified-third-party-code",
    severity=Severity.INFO,
    summary="The app embeds third-party code that no SDK or library signature identifies.",
    help=(
        "Say what it is: an SDK that collects data must be named in the policy (add a signature "
        "for it); a library that processes nothing can be accepted in a baseline."
    ),
)


def size_text(item: UnidentifiedCode) -> str:
    """How big it is, as the message and every report say it."""
    if item.kind is UnidentifiedKind.PACKAGE:
        return f"{item.class_count} classes"
    size = f"{item.size / 1024:.0f} KiB"
    return f"{size}, {item.class_count} classes" if item.class_count else size


def check(ctx: AuditContext) -> Iterator[Finding]:
    for item in ctx.scan.unidentified:
        what = (
            "package" if item.kind is UnidentifiedKind.PACKAGE else str(item.kind).replace("_", " ")
        )
        yield Finding(
            rule=UNIDENTIFIED_CODE,
            severity=UNIDENTIFIED_CODE.severity,
            message=(
                f"Unidentified third-party code: {what} {item.name} ({size_text(item)}) is neither "
                "the app's own nor a known SDK or library. Identify it and check whether the "
                "policy must name it."
            ),
            subject=item.name,
            category=None,
            sdk_id=None,
            app_evidence=item.evidence[:MAX_EVIDENCE],
            policy_evidence=(),
        )


UNIT = RuleUnit((UNIDENTIFIED_CODE,), check)
