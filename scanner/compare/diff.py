"""What a release adds: compare two scan results (JSON documents written by --json)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReleaseDiff:
    old_version: str | None
    new_version: str | None
    added_sdks: tuple[str, ...]
    removed_sdks: tuple[str, ...]
    added_permissions: tuple[str, ...]
    removed_permissions: tuple[str, ...]
    added_behaviours: tuple[str, ...]
    """Capability categories the new build exercises (permission, code, startup) and the old not."""
    added_findings: tuple[str, ...]
    """Messages of findings whose fingerprint is new."""

    @property
    def adds_anything(self) -> bool:
        return bool(
            self.added_sdks
            or self.added_permissions
            or self.added_behaviours
            or self.added_findings
        )


def _present_sdks(doc: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["name"] for s in doc.get("sdks", []) if s.get("status") == "present"}


def _behaviours(doc: dict[str, Any]) -> set[str]:
    return {c["category"] for c in doc.get("capabilities", [])}


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> ReleaseDiff:
    old_sdks, new_sdks = _present_sdks(old), _present_sdks(new)
    old_perms = {p["name"] for p in old.get("permissions", [])}
    new_perms = {p["name"] for p in new.get("permissions", [])}
    old_fp = {f["fingerprint"] for f in old.get("findings", [])}
    return ReleaseDiff(
        old_version=old.get("app", {}).get("version_name"),
        new_version=new.get("app", {}).get("version_name"),
        added_sdks=tuple(sorted(f"{new_sdks[i]} ({i})" for i in new_sdks.keys() - old_sdks.keys())),
        removed_sdks=tuple(
            sorted(f"{old_sdks[i]} ({i})" for i in old_sdks.keys() - new_sdks.keys())
        ),
        added_permissions=tuple(sorted(new_perms - old_perms)),
        removed_permissions=tuple(sorted(old_perms - new_perms)),
        added_behaviours=tuple(sorted(_behaviours(new) - _behaviours(old))),
        added_findings=tuple(
            f"[{f['severity']}] {f['rule']['id']} {f['message']}"
            for f in new.get("findings", [])
            if f["fingerprint"] not in old_fp
        ),
    )


def render_diff(d: ReleaseDiff) -> str:
    lines = [f"Changes from {d.old_version or '?'} to {d.new_version or '?'}:"]
    for title, items in (
        ("New SDKs", d.added_sdks),
        ("Removed SDKs", d.removed_sdks),
        ("New permissions", d.added_permissions),
        ("Removed permissions", d.removed_permissions),
        ("New behaviours (capability categories)", d.added_behaviours),
        ("New findings", d.added_findings),
    ):
        if items:
            lines.append(f"{title}:")
            lines += [f"  + {i}" if not title.startswith("Removed") else f"  - {i}" for i in items]
    if len(lines) == 1:
        lines.append("  nothing added or removed")
    return "\n".join(lines) + "\n"
