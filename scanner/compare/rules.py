"""The comparison rules. Ids are stable: baselines, SARIF and CI configuration refer to them."""

from __future__ import annotations

from scanner.compare.model import Rule, Severity

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
DENIED_BEHAVIOUR = Rule(
    id="PS301",
    name="denied-behaviour",
    severity=Severity.HIGH,
    summary="The policy says the app does not do something that the app does.",
    help="A denial contradicted by the app is a misleading statement; fix the app or the policy.",
)
DISCLOSED_NOT_FOUND = Rule(
    id="PS401",
    name="disclosed-capability-not-found",
    severity=Severity.INFO,
    summary="The policy discloses a capability the app shows no sign of using.",
    help=(
        "Over-disclosure is not a violation, but a policy that lists what the app does not do "
        "is harder to trust; it may also mean the capability is reached in a way the scanner "
        "cannot see (server side, web view, dynamic code)."
    ),
)
SDK_DISCLOSED_NOT_FOUND = Rule(
    id="PS402",
    name="disclosed-sdk-not-found",
    severity=Severity.INFO,
    summary="The policy names an SDK that the app does not embed.",
    help="Keep the SDK list in step with the build, or the policy may mislead users.",
)

ALL_RULES: tuple[Rule, ...] = (
    UNDISCLOSED_SDK,
    SDK_GENERIC_ONLY,
    SDK_VENDOR_ONLY,
    UNDISCLOSED_PERMISSION,
    UNDISCLOSED_BEHAVIOUR,
    DENIED_BEHAVIOUR,
    DISCLOSED_NOT_FOUND,
    SDK_DISCLOSED_NOT_FOUND,
)
