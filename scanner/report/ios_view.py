"""What the reports show of an iOS app's own declarations: usage keys with their prompt text,
privacy manifests, embedded frameworks, and the binaries read (or not: encrypted, unparsable).

One view for the HTML and Markdown reports, so both say the same thing; JSON has the full
`ios` section and SARIF carries the same facts as evidence of the findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scanner.compare.model import AuditResult
from scanner.model import IosFacts, MachOImports, PrivacyManifest, UsageDescription
from scanner.signatures.catalog import capabilities

_DATA_TYPE = "NSPrivacyCollectedDataType"
_PURPOSE = "NSPrivacyCollectedDataTypePurpose"
_API_CATEGORY = "NSPrivacyAccessedAPICategory"


@dataclass(frozen=True)
class UsageRow:
    usage: UsageDescription
    category: str | None
    """The capability the key is evidence of, None when no category covers it."""


@dataclass(frozen=True)
class ManifestRow:
    manifest: PrivacyManifest
    collected: tuple[str, ...]
    """'PreciseLocation (AppFunctionality; linked)' per collected data type."""
    accessed: tuple[str, ...]
    """'FileTimestamp: C617.1' per required-reason category."""


@dataclass(frozen=True)
class IosView:
    ios: IosFacts
    usage: tuple[UsageRow, ...]
    manifests: tuple[ManifestRow, ...]
    binaries: tuple[MachOImports, ...]


def _short(text: str, prefix: str) -> str:
    return text[len(prefix) :] if text.startswith(prefix) else text


def _manifest_row(m: PrivacyManifest) -> ManifestRow:
    collected = []
    for c in m.collected:
        notes = [_short(p, _PURPOSE) for p in c.purposes]
        notes += [w for w, on in (("linked", c.linked), ("tracking", c.tracking)) if on]
        suffix = f" ({', '.join(notes)})" if notes else ""
        collected.append(_short(c.type, _DATA_TYPE) + suffix)
    accessed = tuple(
        f"{_short(a.category, _API_CATEGORY)}: {', '.join(a.reasons) or 'no reason given'}"
        for a in m.accessed_apis
    )
    return ManifestRow(m, tuple(collected), accessed)


def ios_view(audit: AuditResult) -> IosView | None:
    """The iOS part of a report, None for any other app."""
    ios = audit.scan.inventory.ios
    if ios is None:
        return None
    by_key = {k: c.id for c in capabilities() for k in c.ios_usage_keys}
    return IosView(
        ios=ios,
        usage=tuple(UsageRow(u, by_key.get(u.key)) for u in ios.usage_descriptions),
        manifests=tuple(_manifest_row(m) for m in ios.privacy_manifests),
        binaries=ios.binaries,
    )


def ios_markdown(audit: AuditResult, md: Callable[[str], str]) -> list[str]:
    """Markdown lines of the iOS declarations (empty for another app); `md` is the Markdown
    report's escaping function."""
    view = ios_view(audit)
    if view is None:
        return []
    lines = ["#### iOS declarations", ""]
    for row in view.usage:
        cat = f" ({md(row.category)})" if row.category else ""
        lines.append(f"- `{md(row.usage.key)}`{cat}: “{md(row.usage.text)}”")
    for m in view.manifests:
        tracking = {True: "tracking", False: "no tracking", None: "tracking not stated"}
        parts = [tracking[m.manifest.tracking]]
        if m.manifest.tracking_domains:
            parts.append("domains " + ", ".join(md(d) for d in m.manifest.tracking_domains))
        if m.collected:
            parts.append("collects " + ", ".join(md(c) for c in m.collected))
        if m.accessed:
            parts.append("required-reason APIs " + "; ".join(md(a) for a in m.accessed))
        lines.append(f"- {md(m.manifest.path)}: " + " · ".join(parts))
    encrypted = [b.path for b in view.binaries if b.encrypted]
    if encrypted:
        lines.append("- encrypted, code not read: " + ", ".join(md(p) for p in encrypted))
    lines.append("")
    return lines
