"""What a capability API needs before it yields data, and which argument makes it a match.

Read from the `requires` and `argument` fields of `signatures/capabilities/*.json` (schema:
`signatures/schema/capability.schema.json`). Android refuses, redacts or empties a guarded call
when the app lacks the permission, so a call site whose requirement the app cannot meet is
dormant code: it is listed, but it cannot collect the data. This module only holds and evaluates
the facts; deciding what a dormant call site means for a finding is the compare stage's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class RequirementLevel:
    """What the call needs on a range of device API levels, for a range of app targets."""

    from_sdk: int
    until_sdk: int | None = None
    """Exclusive; None = every later level."""
    min_target_sdk: int | None = None
    max_target_sdk: int | None = None
    groups: tuple[tuple[str, ...], ...] = ()
    """Every group must be met by one of its permissions; empty for `none` and `unknown`."""
    none: bool = False
    unknown: bool = False
    privileged: bool = False
    """Only system, carrier-privileged or device-owner apps can hold what `groups` names."""
    note: str = ""

    def applies(self, sdk: int, target_sdk: int) -> bool:
        """True when this level governs API level `sdk` for an app targeting `target_sdk`."""
        return (
            self.from_sdk <= sdk
            and (self.until_sdk is None or sdk < self.until_sdk)
            and (self.min_target_sdk is None or target_sdk >= self.min_target_sdk)
            and (self.max_target_sdk is None or target_sdk <= self.max_target_sdk)
        )

    def met_by(self, held: frozenset[str]) -> bool | None:
        """Whether an ordinary app holding `held` gets the data here; None when not known."""
        if self.unknown:
            return None
        if self.none:
            return True
        if self.privileged:
            return False
        return all(any(p in held for p in group) for group in self.groups)


@dataclass(frozen=True)
class Requirement:
    """The permission levels of one API (a top-level `none` or `unknown` is a single level)."""

    levels: tuple[RequirementLevel, ...]
    source: str = ""
    reason: str = ""

    @property
    def permissions(self) -> tuple[str, ...]:
        """Every permission a level names, in order, once."""
        return tuple(dict.fromkeys(p for lvl in self.levels for g in lvl.groups for p in g))

    def level_at(self, sdk: int, target_sdk: int) -> RequirementLevel | None:
        """The level that governs (`sdk`, `target_sdk`); None outside the API's lifetime."""
        return next((lvl for lvl in self.levels if lvl.applies(sdk, target_sdk)), None)

    def can_yield(self, held: Iterable[str], min_sdk: int, target_sdk: int) -> bool | None:
        """True when, on some device level the app supports (`min_sdk` and later), an app with
        these permissions and this target gets the data; False when on none (the call site is
        dormant); None when that depends on levels the reference leaves open."""
        held_set = frozenset(held)
        # Only the bounds of the levels can change the answer, so probe those and min_sdk.
        probes = {min_sdk} | {
            b
            for lvl in self.levels
            for b in (lvl.from_sdk, lvl.until_sdk)
            if b is not None and b >= min_sdk
        }
        answers = set()
        for sdk in probes:
            level = self.level_at(sdk, target_sdk)
            if level is not None:
                answers.add(level.met_by(held_set))
        if True in answers:
            return True
        return None if None in answers else False


class ArgumentKind(Enum):
    """How the constant reaching an argument is compared (schema: $defs/argument/kind)."""

    STRING = "string"
    INT = "int"
    URI = "uri"
    INTENT_ACTION = "intent_action"
    SENSOR_TYPE = "sensor_type"
    PACKAGE = "package"
    INTENT_TARGET = "intent_target"


@dataclass(frozen=True)
class ArgumentFact:
    """The argument that decides whether a call is evidence, and the values that make it so."""

    index: int
    """Java parameter index from 0, the receiver excluded."""
    kind: ArgumentKind
    values: tuple[str | int, ...] = ()
    descriptor: str | None = None
    """The one overload the fact is about; None = every overload."""

    def accepts(self, value: str | int, own_package: str) -> bool:
        """Whether the constant `value` reaching the argument makes the call evidence. For
        `intent_target`, `value` is the target package the intent or ComponentName names."""
        if self.kind in (ArgumentKind.PACKAGE, ArgumentKind.INTENT_TARGET):
            return (
                isinstance(value, str)
                and value != own_package
                and (not self.values or value in self.values)
            )
        if self.kind is ArgumentKind.URI:
            # Same rule as capability strings: the URI itself or a sub-path of it.
            return isinstance(value, str) and any(
                value == v or value.startswith(str(v).rstrip("/") + "/") for v in self.values
            )
        return value in self.values


def _level(doc: Mapping[str, Any]) -> RequirementLevel:
    groups: tuple[tuple[str, ...], ...] = ()
    if "any_of" in doc:
        groups = (tuple(doc["any_of"]),)
    elif "all_of" in doc:
        groups = tuple(tuple(g) for g in doc["all_of"])
    return RequirementLevel(
        from_sdk=int(doc["from_sdk"]),
        until_sdk=doc.get("until_sdk"),
        min_target_sdk=doc.get("min_target_sdk"),
        max_target_sdk=doc.get("max_target_sdk"),
        groups=groups,
        none=bool(doc.get("none", False)),
        unknown=bool(doc.get("unknown", False)),
        privileged=bool(doc.get("privileged", False)),
        note=str(doc.get("note", "")),
    )


def requirement_from_doc(
    doc: Any, shared: Mapping[str, Any], min_sdk: int | None = None
) -> Requirement:
    """A `requires` value (an object, or the name of one in the file's `requirements`)."""
    if isinstance(doc, str):
        doc = shared[doc]
    start = min_sdk or 1
    if doc.get("none"):
        return Requirement((RequirementLevel(start, none=True),), doc["source"], doc["reason"])
    if doc.get("unknown"):
        level = RequirementLevel(start, unknown=True, note=doc["reason"])
        return Requirement((level,), doc.get("source", ""), doc["reason"])
    return Requirement(tuple(_level(lvl) for lvl in doc["levels"]), doc["source"])


def argument_from_doc(doc: Mapping[str, Any]) -> ArgumentFact:
    """An `argument` object."""
    return ArgumentFact(
        index=int(doc["index"]),
        kind=ArgumentKind(doc["kind"]),
        values=tuple(doc.get("values", ())),
        descriptor=doc.get("descriptor"),
    )
