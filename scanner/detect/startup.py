"""Self-startup and associated-startup behaviour declared in the manifest.

- self-startup: a receiver or service that the system wakes on its own broadcasts (boot, unlock,
  network change, package change...), listed in capabilities/self_startup.json;
- associated startup: a service, receiver or provider that *other apps* can start because it is
  exported, unguarded by a permission, and listens for non-system actions (push SDKs of other
  apps wake each other this way) or is a provider exported explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence

from scanner.catalog import Capability
from scanner.detect.sdks import SdkIndex
from scanner.model import (
    AppInventory,
    Component,
    ComponentKind,
    Evidence,
    EvidenceKind,
    StartupBehaviour,
    StartupKind,
)

_SYSTEM_ACTION_PREFIXES = ("android.", "com.android.")


def _capability(caps: Sequence[Capability], cid: str) -> Capability | None:
    return next((c for c in caps if c.id == cid), None)


def _owner(comp: Component, index: SdkIndex) -> str | None:
    owners = index.component_owners(comp.name)
    return owners[0] if owners else None


def detect_startup(
    inv: AppInventory, caps: Sequence[Capability], index: SdkIndex
) -> tuple[StartupBehaviour, ...]:
    self_cap = _capability(caps, "self_startup")
    assoc_cap = _capability(caps, "associated_startup")
    self_actions = set(self_cap.manifest_actions) if self_cap else set()
    assoc_actions = set(assoc_cap.manifest_actions) if assoc_cap else set()
    out: list[StartupBehaviour] = []
    for comp in inv.components:
        if comp.kind not in (ComponentKind.RECEIVER, ComponentKind.SERVICE, ComponentKind.PROVIDER):
            continue
        owner = _owner(comp, index)
        where = "AndroidManifest.xml"
        for action in dict.fromkeys(comp.actions):
            if action in self_actions:
                out.append(
                    StartupBehaviour(
                        kind=StartupKind.SELF_STARTUP,
                        component=comp.name,
                        component_kind=comp.kind,
                        trigger=action,
                        reason=f"{comp.kind.value} is started by the system broadcast {action}",
                        owner=owner,
                        evidence=Evidence(EvidenceKind.INTENT_FILTER, comp.name, action, where),
                    )
                )
        if not comp.exported or comp.permission:
            continue
        foreign = [
            a
            for a in dict.fromkeys(comp.actions)
            if a in assoc_actions
            or (a not in self_actions and not a.startswith(_SYSTEM_ACTION_PREFIXES))
        ]
        for action in foreign:
            out.append(
                StartupBehaviour(
                    kind=StartupKind.ASSOCIATED_STARTUP,
                    component=comp.name,
                    component_kind=comp.kind,
                    trigger=action,
                    reason=(
                        f"exported {comp.kind.value} without a permission; "
                        f"other apps can start it with {action}"
                    ),
                    owner=owner,
                    evidence=Evidence(EvidenceKind.INTENT_FILTER, comp.name, action, where),
                )
            )
        if (
            not foreign
            and comp.explicit_exported
            and comp.kind is not ComponentKind.RECEIVER
            and not comp.actions
        ):
            trigger = "provider" if comp.kind is ComponentKind.PROVIDER else "exported"
            out.append(
                StartupBehaviour(
                    kind=StartupKind.ASSOCIATED_STARTUP,
                    component=comp.name,
                    component_kind=comp.kind,
                    trigger=trigger,
                    reason=(
                        f"{comp.kind.value} is exported without a permission; any app can start it"
                    ),
                    owner=owner,
                    evidence=Evidence(
                        EvidenceKind.COMPONENT,
                        comp.name,
                        f"exported={comp.explicit_exported}",
                        where,
                    ),
                )
            )
    return tuple(out)
