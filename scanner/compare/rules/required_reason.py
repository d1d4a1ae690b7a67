"""PS703: a binary of the app uses a required-reason API that no privacy manifest declares.

Apple requires every use of certain APIs (file timestamps, system boot time, disk space, active
keyboards, user defaults) to be declared in a PrivacyInfo.xcprivacy with an approved reason, and
App Store Connect rejects an upload that uses one undeclared. The declarations of the app and
of the SDKs inside it are merged into one report, so a category is declared when any manifest of
the app lists it with at least one reason (an entry without a reason is no declaration). Which
symbols, classes and selectors use each category is data: signatures/ios/required-reason-apis.json.
Not a policy question: the finding is about the manifest, and is raised with any policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import MAX_EVIDENCE, AuditContext, RuleUnit
from scanner.model import Evidence, EvidenceKind, IosFacts, MachOImports
from scanner.resources import data_dir
from scanner.signatures.catalog import built_in

UNDECLARED_REQUIRED_REASON_API = Rule(
    id="PS703",
    name="ios-required-reason-api-undeclared",
    severity=Severity.HIGH,
    summary="Code uses a required-reason API that no privacy manifest declares with a reason.",
    help=(
        "Add the category to the app's PrivacyInfo.xcprivacy (NSPrivacyAccessedAPITypes) with "
        "the approved reason that fits, or update the SDK whose binary uses it to a version "
        "that ships its own privacy manifest. App Store Connect rejects the upload otherwise."
    ),
)


@dataclass(frozen=True)
class RequiredReasonCategory:
    id: str
    """NSPrivacyAccessedAPICategorySystemBootTime, ..."""
    title: str
    symbols: frozenset[str]
    classes: frozenset[str]
    selectors: frozenset[str]

    def used_by(self, binary: MachOImports) -> tuple[str, ...]:
        """What of this category the binary uses, sorted (empty when nothing)."""
        used = set(self.symbols.intersection(binary.symbols))
        used |= self.classes & binary.imported_classes
        used |= self.selectors.intersection(binary.selectors)
        return tuple(sorted(used))


@cache
def required_reason_categories() -> tuple[RequiredReasonCategory, ...]:
    """signatures/ios/required-reason-apis.json."""

    def convert(doc: dict[str, Any]) -> tuple[RequiredReasonCategory, ...]:
        return tuple(
            RequiredReasonCategory(
                id=cid,
                title=str(entry["title"]),
                symbols=frozenset(entry["symbols"]),
                classes=frozenset(entry["classes"]),
                selectors=frozenset(entry["selectors"]),
            )
            for cid, entry in doc["categories"].items()
        )

    path = data_dir("signatures") / "ios" / "required-reason-apis.json"
    return built_in(path, "ios-required-reason", convert)


def declared_categories(ios: IosFacts) -> frozenset[str]:
    """Categories some privacy manifest of the app declares with at least one reason."""
    return frozenset(
        api.category for m in ios.privacy_manifests for api in m.accessed_apis if api.reasons
    )


def check(ctx: AuditContext) -> Iterator[Finding]:
    ios = ctx.scan.inventory.ios
    if ios is None:
        return
    declared = declared_categories(ios)
    for category in required_reason_categories():
        if category.id in declared:
            continue
        evidence = [
            Evidence(EvidenceKind.IMPORTED_SYMBOL, name, category.id, binary.path)
            for binary in ios.binaries
            for name in category.used_by(binary)
        ]
        if not evidence:
            continue
        binaries = sorted({e.location.rsplit("/", 1)[-1] for e in evidence})
        apis = sorted({e.value for e in evidence})
        yield Finding(
            rule=UNDECLARED_REQUIRED_REASON_API,
            severity=UNDECLARED_REQUIRED_REASON_API.severity,
            message=(
                f"{', '.join(binaries)} use{'s' if len(binaries) == 1 else ''} {category.title} "
                f"APIs ({', '.join(apis[:4])}), but no privacy manifest declares {category.id} "
                "with a reason: App Store Connect rejects the upload."
            ),
            subject=category.id,
            category=None,
            sdk_id=None,
            app_evidence=tuple(evidence[:MAX_EVIDENCE]),
            policy_evidence=(),
        )


UNIT = RuleUnit((UNDECLARED_REQUIRED_REASON_API,), check)
