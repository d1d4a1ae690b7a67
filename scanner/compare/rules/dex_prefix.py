"""PS501: a dex file sits in front of the APK's zip archive (Janus, CVE-2017-13156).

Not a privacy discrepancy but an integrity one, reported whatever the policy says: the runtime
of an Android version without the fix (before the December 2017 patch level) loads the file as
that dex, while the installer checks the v1 (JAR) signature of the zip that follows, so the app
may run code its signature does not cover. A release build never has this layout; an attacker
who repackages an app does. The scan reads the zip after the prefix, not the prefixed dex."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.compare.model import Finding, Rule, Severity
from scanner.compare.rules.interface import AuditContext, RuleUnit
from scanner.model import Evidence, EvidenceKind

DEX_PREFIX = Rule(
    id="PS501",
    name="janus-dex-prefix",
    severity=Severity.HIGH,
    summary="A dex file precedes the APK's zip archive (Janus layout, CVE-2017-13156).",
    help=(
        "Do not ship this file: rebuild the APK from source and sign it with APK Signature "
        "Scheme v2 or later, which covers the whole file. A prefixed dex is what a repackaging "
        "attack leaves; find out where this file came from."
    ),
)


def check(ctx: AuditContext) -> Iterator[Finding]:
    inv = ctx.scan.inventory
    prefix = inv.dex_prefix
    if prefix is None:
        return
    yield Finding(
        rule=DEX_PREFIX,
        severity=DEX_PREFIX.severity,
        message=(
            f"A {prefix.size}-byte dex file (version {prefix.version}) sits in front of the zip "
            "archive: Android versions without the Janus fix run it in place of the app's code "
            "while the zip's v1 signature still verifies."
        ),
        subject="dex_prefix",
        category=None,
        sdk_id=None,
        app_evidence=(
            Evidence(
                EvidenceKind.DEX_PREFIX,
                f"dex {prefix.version}",
                f"{prefix.size} bytes before the first zip entry",
                f"{inv.identity.path}!{prefix.entry}" if prefix.entry else inv.identity.path,
            ),
        ),
        policy_evidence=(),
    )


UNIT = RuleUnit((DEX_PREFIX,), check)
