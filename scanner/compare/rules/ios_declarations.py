"""PS701, PS702: what an iOS app declares about itself and its policy leaves out.

An iOS app states in its own files what it collects: PrivacyInfo.xcprivacy lists collected data
types and tracking domains, Info.plist the usage-description keys whose prompts the user sees.
A usage key of a capability category is a permission to the compare stage (PS201 reports it,
with the code that uses it), so these rules take what PS201 cannot:
- PS701: a collected data type, or a usage key no capability category covers (Bluetooth, Face
  ID, local network), that the policy does not disclose. A data type of a category follows that
  category's stance; the others are looked up by the terms of signatures/ios/privacy-terms.json
  in the policy text;
- PS702: a tracking domain (the app or an SDK in it declares it contacts the domain to track
  the user) whose host, or the name under its public suffix, the policy never mentions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import AuditContext, RuleUnit
from scanner.model import Evidence, EvidenceKind, IosFacts
from scanner.policy.model import Status
from scanner.resources import data_dir
from scanner.signatures.catalog import Capability, built_in

UNDISCLOSED_DECLARATION = Rule(
    id="PS701",
    name="ios-declared-data-undisclosed",
    severity=Severity.MEDIUM,
    summary=(
        "The app's privacy manifest or Info.plist declares data the policy does not disclose."
    ),
    help=(
        "Disclose the data in the policy (what, why, shared with whom), or remove the data type "
        "from PrivacyInfo.xcprivacy / the usage key from Info.plist if the app no longer "
        "collects it. App Store privacy labels are built from the same declarations."
    ),
)
UNDISCLOSED_TRACKING_DOMAIN = Rule(
    id="PS702",
    name="ios-tracking-domain-undisclosed",
    severity=Severity.HIGH,
    summary="A privacy manifest declares a tracking domain that the policy never mentions.",
    help=(
        "Name the party behind the domain and the tracking it does in the policy; iOS blocks "
        "the domain until the user allows tracking (App Tracking Transparency)."
    ),
)

_OPEN = (Status.HEADING_ONLY, Status.OTHER_SENSE, Status.NOT_MENTIONED, Status.DENIED)


@dataclass(frozen=True)
class Terms:
    title: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class PrivacyTerms:
    data_types: dict[str, Terms]
    usage_keys: dict[str, Terms]


@cache
def privacy_terms() -> PrivacyTerms:
    """signatures/ios/privacy-terms.json."""

    def convert(doc: dict[str, dict[str, dict[str, object]]]) -> PrivacyTerms:
        def table(part: str) -> dict[str, Terms]:
            return {
                k: Terms(str(v["title"]), tuple(str(t) for t in v["terms"]))  # type: ignore[attr-defined]
                for k, v in doc[part].items()
            }

        return PrivacyTerms(table("data_types"), table("usage_keys"))

    return built_in(data_dir("signatures") / "ios" / "privacy-terms.json", "ios-terms", convert)


def _mentioned(text: str, terms: tuple[str, ...]) -> str | None:
    return next((t for t in terms if t in text), None)


def _category_of(caps: tuple[Capability, ...], data_type: str) -> Capability | None:
    return next((c for c in caps if data_type in c.ios_data_types), None)


def _short(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


def _declarations(ios: IosFacts) -> dict[str, list[Evidence]]:
    """Collected data type -> the manifest entries that declare it."""
    found: dict[str, list[Evidence]] = {}
    for manifest in ios.privacy_manifests:
        for item in manifest.collected:
            detail = ", ".join(
                _short(p, "NSPrivacyCollectedDataTypePurpose") for p in item.purposes
            )
            flags = [w for w, on in (("linked", item.linked), ("tracking", item.tracking)) if on]
            detail = "; ".join(x for x in (detail, ", ".join(flags)) if x)
            found.setdefault(item.type, []).append(
                Evidence(EvidenceKind.PRIVACY_MANIFEST, item.type, detail, manifest.path)
            )
    return found


def check(ctx: AuditContext) -> Iterator[Finding]:
    ios = ctx.scan.inventory.ios
    if ios is None:
        return
    text = ctx.policy.text.lower()
    terms = privacy_terms()
    for data_type, evidence in sorted(_declarations(ios).items()):
        cap = _category_of(ctx.capabilities, data_type)
        name = _short(data_type, "NSPrivacyCollectedDataType")
        if cap is not None:
            stance = ctx.stances[cap.id]
            if stance.status not in _OPEN:
                continue
            how = (
                "which the policy denies collecting"
                if stance.status == Status.DENIED
                else "which the policy does not disclose"
            )
            searched = stance.disclosure.searched_terms if stance.disclosure else ()
            title = cap.title_en.lower()
            policy_evidence = stance.disclosure.evidence if stance.disclosure else ()
        else:
            entry = terms.data_types.get(data_type)
            if entry is None or not text or _mentioned(text, entry.terms):
                continue
            how, searched, title, policy_evidence = (
                "which the policy does not mention",
                entry.terms,
                entry.title,
                (),
            )
        yield Finding(
            rule=UNDISCLOSED_DECLARATION,
            severity=Severity.HIGH if cap and stance.status == Status.DENIED else Severity.MEDIUM,
            message=(
                f"The privacy manifest declares that the app collects {title} ({name}), {how}."
            ),
            subject=data_type,
            category=cap.id if cap else None,
            sdk_id=None,
            app_evidence=tuple(evidence),
            policy_evidence=tuple(policy_evidence),
            searched_terms=tuple(searched),
        )
    # An extension that asks for a key the app asks for too makes no second finding.
    for usage in ios.usage_by_key().values():
        if any(usage.key in c.ios_usage_keys for c in ctx.capabilities):
            continue  # a permission of its category: PS201's
        entry = terms.usage_keys.get(usage.key)
        if entry is None or not text or _mentioned(text, entry.terms):
            continue
        yield Finding(
            rule=UNDISCLOSED_DECLARATION,
            severity=Severity.MEDIUM,
            message=(
                f"Info.plist asks the user for {entry.title} ({usage.key}: {usage.text!r}), "
                "which the policy does not mention."
            ),
            subject=usage.key,
            category=None,
            sdk_id=None,
            app_evidence=(
                Evidence(EvidenceKind.USAGE_DESCRIPTION, usage.key, usage.text, usage.location),
            ),
            policy_evidence=(),
            searched_terms=entry.terms,
        )


def domain_names(domain: str) -> tuple[str, ...]:
    """What a policy may call a domain: the host itself, and the label left of its public
    suffix ('attribution.appsflyer.com' -> 'appsflyer'), when that label is long enough not to
    match every text by accident."""
    host = domain.strip().lower().rstrip(".")
    labels = host.split(".")
    names = [host]
    # Second-level public suffixes (co.uk, com.cn) keep one more label.
    cut = 3 if len(labels) >= 3 and labels[-2] in ("co", "com", "net", "org", "gov", "ac") else 2
    if len(labels) >= cut and len(labels[-cut]) >= 4:
        names.append(labels[-cut])
    return tuple(dict.fromkeys(names))


def check_tracking(ctx: AuditContext) -> Iterator[Finding]:
    ios = ctx.scan.inventory.ios
    if ios is None:
        return
    text = ctx.policy.text.lower()
    if not text:
        return
    seen: set[str] = set()
    for manifest in ios.privacy_manifests:
        for domain in manifest.tracking_domains:
            key = domain.strip().lower()
            if not key or key in seen:
                continue
            seen.add(key)
            names = domain_names(key)
            if _mentioned(text, names):
                continue
            yield Finding(
                rule=UNDISCLOSED_TRACKING_DOMAIN,
                severity=UNDISCLOSED_TRACKING_DOMAIN.severity,
                message=(
                    f"{manifest.path} declares the tracking domain {domain!r}, which the policy "
                    "never mentions: the app or an SDK in it tracks the user through it."
                ),
                subject=key,
                category=None,
                sdk_id=None,
                app_evidence=(
                    Evidence(
                        EvidenceKind.PRIVACY_MANIFEST,
                        domain,
                        "NSPrivacyTrackingDomains"
                        + ("; NSPrivacyTracking true" if manifest.tracking else ""),
                        manifest.path,
                    ),
                ),
                policy_evidence=(),
                searched_terms=names,
            )


UNIT = RuleUnit((UNDISCLOSED_DECLARATION,), check)
TRACKING_UNIT = RuleUnit((UNDISCLOSED_TRACKING_DOMAIN,), check_tracking)
