"""Self-startup and associated-startup behaviour declared in the manifest.

- self-startup: a receiver or service that the system wakes on its own broadcasts (boot, unlock,
  network change, package change...), listed in capabilities/self_startup.json, when Android
  delivers that broadcast to this app: taxonomy/startup-broadcasts.json says which broadcasts
  need a permission (BOOT_COMPLETED: RECEIVE_BOOT_COMPLETED) and which stopped reaching manifest
  receivers of apps targeting a recent API level (implicit broadcasts from 26 on);
- associated startup: a service, receiver or provider of an SDK that *other apps* can start
  because it is exported, unguarded by a permission, and listens for non-system actions (push
  SDKs of other apps wake each other this way) or is a provider exported explicitly; for the
  app's own components, only the push-SDK wake-up actions the capability lists count (other
  apps do not know the app's own actions: its developer's tools do).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from scanner.detect.permissions import sdk_range
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
from scanner.resources import data_dir
from scanner.signatures.catalog import Capability, built_in, schema_problems

_SYSTEM_ACTION_PREFIXES = ("android.", "com.android.")


@dataclass(frozen=True)
class BroadcastDelivery:
    """When Android delivers a system broadcast to a manifest receiver."""

    action: str
    receiver_permission: str | None = None
    manifest_max_target_sdk: int | None = None

    def delivered(self, requested: frozenset[str], target_sdk: int) -> bool:
        """Whether an app requesting `requested` and targeting `target_sdk` gets it."""
        if self.receiver_permission is not None and self.receiver_permission not in requested:
            return False
        return self.manifest_max_target_sdk is None or target_sdk <= self.manifest_max_target_sdk


def _broadcasts_path() -> Path:
    return data_dir("signatures") / "taxonomy" / "startup-broadcasts.json"


def broadcast_problems(doc: Any) -> list[str]:
    """Schema problems of a startup-broadcasts document, plus actions listed twice."""
    problems = [
        p.split(": ", 1)[1]
        for p in schema_problems(doc, "startup-broadcasts", Path("startup-broadcasts.json"))
    ]
    if not problems:
        actions = [b["action"] for b in doc["broadcasts"]]
        problems += [f"{a}: listed twice" for a in sorted(set(actions)) if actions.count(a) > 1]
    return problems


@cache
def broadcast_delivery() -> dict[str, BroadcastDelivery]:
    """Action -> its delivery facts (validated with the other bundled data by the tests)."""

    def convert(doc: dict[str, Any]) -> dict[str, BroadcastDelivery]:
        facts = {
            b["action"]: BroadcastDelivery(
                b["action"], b.get("receiver_permission"), b.get("manifest_max_target_sdk")
            )
            for b in doc["broadcasts"]
        }
        if len(facts) != len(doc["broadcasts"]):
            raise ValueError("an action is listed twice")
        return facts

    return built_in(_broadcasts_path(), "startup-broadcasts", convert)


def _requested(inv: AppInventory) -> frozenset[str]:
    """Permissions requested for some API level the app runs on."""
    min_sdk, _target = sdk_range(inv)
    return frozenset(r.name for r in inv.permissions if r.max_sdk is None or r.max_sdk >= min_sdk)


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
    # Only an APK's manifest is final: a library's manifest merges into a host app whose
    # permissions and target decide delivery.
    delivery = broadcast_delivery() if inv.identity.kind.final_manifest else {}
    requested = _requested(inv)
    _min_sdk, target_sdk = sdk_range(inv)
    out: list[StartupBehaviour] = []
    for comp in inv.components:
        if comp.kind not in (ComponentKind.RECEIVER, ComponentKind.SERVICE, ComponentKind.PROVIDER):
            continue
        owner = _owner(comp, index)
        where = comp.manifest
        for action in dict.fromkeys(comp.actions):
            fact = delivery.get(action)
            if action in self_actions and (fact is None or fact.delivered(requested, target_sdk)):
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
        # Another app wakes the app's own exported component only if it knows it: adb or the
        # developer's tools do. Associated startup is the push-SDK kind: a wake-up action the
        # capability lists, or any component an SDK exports for its sibling apps.
        if owner is None:
            wakes = [a for a in dict.fromkeys(comp.actions) if a in assoc_actions]
            out += [_associated(comp, a, owner, where) for a in wakes]
            continue
        foreign = [
            a
            for a in dict.fromkeys(comp.actions)
            if a in assoc_actions
            or (a not in self_actions and not a.startswith(_SYSTEM_ACTION_PREFIXES))
        ]
        out += [_associated(comp, action, owner, where) for action in foreign]
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


def _associated(comp: Component, action: str, owner: str | None, where: str) -> StartupBehaviour:
    return StartupBehaviour(
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
