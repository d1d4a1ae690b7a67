"""Whether an argument-gated API call is evidence, from the constant that reaches its argument.

The readers (scanner.extract.dex `invoke_arguments`, scanner.extract.classfile `invoke_arguments`)
report what each argument register or stack slot holds at an invoke; this module turns that into
the value the capability's `argument` fact speaks of (the key string, the sensor type, the
Intent's action or target package) and decides, per `scanner.signatures.requirements.ArgumentFact`:

- a known value the fact does not accept: no call site (`Settings.Secure.getString(cr,
  "enabled_notification_listeners")` is no device identifier; an Intent aimed at the app's own
  class through a Context is no associated startup);
- a known value it accepts: a `strong` call site that records the value as `argument`;
- no known value: a `weak` call site, or none at all for a `strict` fact (ComponentName.<init> is
  in every explicit intent).

`package` and `intent_target` facts depend on the app's own package, which the call-site scan
does not know: a known package string is recorded as `argument` (strong) and the detect stage
compares it; only a target the code itself ties to its own package (a Context and a Class,
`setClassName(Context, String)`) is dropped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanner.extract.dex import (
    DexCode,
    InvokeArgs,
    ObjectValue,
    RegisterValue,
    StaticFieldValue,
    descriptor_to_class_name,
)
from scanner.model import Strength
from scanner.signatures.catalog import ApiSignature
from scanner.signatures.requirements import ArgumentFact, ArgumentKind


class OwnPackage:
    """The target is the app's own package (given as a Context, or a Class of the app)."""

    def __repr__(self) -> str:
        return "OWN_PACKAGE"


OWN_PACKAGE = OwnPackage()


@dataclass(frozen=True)
class FieldConstant:
    """A static field whose value the scanner does not know (recorded as Class.FIELD)."""

    name: str


ArgValue = str | int | FieldConstant | OwnPackage | None
"""The value an argument fact is checked against; None = not known statically."""


@dataclass(frozen=True)
class Decision:
    """A call site to emit: its strength and the constant recorded as `CallSiteUse.argument`."""

    strength: Strength
    argument: str | None = None


INTENT = "android.content.Intent"
COMPONENT = "android.content.ComponentName"
SENSOR_MANAGER = "android.hardware.SensorManager"
STRING = "Ljava/lang/String;"
CONTEXT = "Landroid/content/Context;"
SENSOR = "Landroid/hardware/Sensor;"


def parameter_types(descriptor: str) -> list[str]:
    """'(ILjava/lang/String;[J)V' -> ['I', 'Ljava/lang/String;', '[J']."""
    out: list[str] = []
    i = 1
    while i < len(descriptor) and descriptor[i] != ")":
        j = i
        while descriptor[j] == "[":
            j += 1
        if descriptor[j] == "L":
            j = descriptor.index(";", j)
        out.append(descriptor[i : j + 1])
        i = j + 1
    return out


def fact_applies(fact: ArgumentFact, invoked_descriptor: str) -> bool:
    """Whether the fact speaks of this overload: its own descriptor, or one whose parameter at
    the fact's index has the same type (every registerListener overload takes the Sensor at
    index 1)."""
    if fact.descriptor is None or fact.descriptor == invoked_descriptor:
        return True
    wanted, invoked = parameter_types(fact.descriptor), parameter_types(invoked_descriptor)
    return (
        fact.index < len(wanted)
        and fact.index < len(invoked)
        and wanted[fact.index] == invoked[fact.index]
    )


def decide(
    api: ApiSignature,
    invoked_descriptor: str,
    value: ArgValue,
    *,
    strict: bool,
    uri_fields: Sequence[str] = (),
) -> Decision | None:
    """The call site an invoke of `api` gives, or None for no call site. `strict`: the entry is
    one of `Capability.argument_gated_apis`. `uri_fields` are the capability's Uri fields as
    Class.FIELD (a `uri` fact accepts them)."""
    cap = api.strength
    fact = api.argument
    if fact is None:
        return Decision(cap)
    if not fact_applies(fact, invoked_descriptor):
        # setClassName(Context, String), ComponentName(Context, ...): the app's own package.
        if strict or fact.kind in (ArgumentKind.PACKAGE, ArgumentKind.INTENT_TARGET):
            return None
        return Decision(cap)
    if value is None or (isinstance(value, FieldConstant) and value.name not in uri_fields):
        if strict:
            return None
        return Decision(Strength.WEAK, value.name if isinstance(value, FieldConstant) else None)
    if isinstance(value, OwnPackage):
        return None
    if isinstance(value, FieldConstant):
        return Decision(cap, value.name)
    if fact.kind in (ArgumentKind.PACKAGE, ArgumentKind.INTENT_TARGET):
        # Compared with the app's own package by the detect stage.
        return Decision(cap, str(value)) if isinstance(value, str) else None
    if not fact.accepts(value, own_package=""):
        return None
    return Decision(cap, str(value))


# --------------------------------------------------------------------------- dex


class DexArguments:
    """Reads the value an argument fact is about from a dex invoke's register values."""

    def __init__(self, dex: DexCode) -> None:
        self.dex = dex
        self._methods: dict[int, tuple[str, str, str]] = {}

    def method(self, idx: int) -> tuple[str, str, str]:
        """(dotted class, name, descriptor) of method id `idx`."""
        cached = self._methods.get(idx)
        if cached is None:
            class_idx, proto_idx, name_idx = self.dex.method_id(idx)
            cached = (
                descriptor_to_class_name(self.dex.type_descriptor(class_idx)),
                self.dex.string(name_idx),
                self.dex.proto_descriptor(proto_idx),
            )
            self._methods[idx] = cached
        return cached

    def argument(self, call: InvokeArgs, fact: ArgumentFact) -> ArgValue:
        """The value of `call`'s argument `fact.index`, read as `fact.kind` says."""
        raw = self.register(call, fact.index)
        kind = fact.kind
        if kind is ArgumentKind.INTENT_ACTION:
            return self._intent_action(raw)
        if kind is ArgumentKind.INTENT_TARGET:
            return self._target(raw)
        if kind is ArgumentKind.SENSOR_TYPE:
            return self._sensor_type(raw)
        return self._constant(raw)

    def register(self, call: InvokeArgs, index: int) -> RegisterValue:
        """The register value of Java parameter `index` (receiver excluded; long and double
        parameters take two registers)."""
        params = parameter_types(self.method(call.method_idx)[2])
        if index >= len(params):
            return None
        word = (0 if call.static else 1) + sum(2 if p in ("J", "D") else 1 for p in params[:index])
        return call.values[word] if word < len(call.values) else None

    def _constant(self, raw: RegisterValue) -> ArgValue:
        if isinstance(raw, str | int):
            return raw
        if isinstance(raw, StaticFieldValue):
            dex = self.dex
            return FieldConstant(
                f"{dex.field_class(raw.field_idx)}.{dex.field_name(raw.field_idx)}"
            )
        return None

    def _history(self, obj: ObjectValue) -> list[InvokeArgs]:
        """The calls made on one Intent / ComponentName, following builder chains
        (`new Intent().setPackage(p)` returns the same Intent), in code order."""
        calls: list[InvokeArgs] = []
        seen = 0
        while obj.made_by is not None and seen < 64:
            made = obj.made_by
            cls, _name, desc = self.method(made.method_idx)
            receiver = made.values[0] if made.values and not made.static else None
            if cls != INTENT or not desc.endswith(")Landroid/content/Intent;"):
                break
            if not isinstance(receiver, ObjectValue):
                break
            calls += [made, *obj.calls]
            obj = receiver
            seen += 1
        calls += obj.calls
        return sorted(calls, key=lambda c: c.offset)

    def _intent_action(self, raw: RegisterValue) -> ArgValue:
        if not isinstance(raw, ObjectValue):
            return None
        action: ArgValue = None
        for call in self._history(raw):
            cls, name, desc = self.method(call.method_idx)
            if cls != INTENT:
                continue
            if (name == "<init>" and desc.startswith("(" + STRING)) or name == "setAction":
                action = self._constant(self.register(call, 0))
        return action

    def _target(self, raw: RegisterValue) -> ArgValue:
        """The package an Intent or ComponentName is aimed at."""
        if not isinstance(raw, ObjectValue):
            return None
        target: ArgValue = None
        for call in self._history(raw):
            cls, name, desc = self.method(call.method_idx)
            params = parameter_types(desc)
            if (cls == COMPONENT and name == "<init>") or (
                cls == INTENT and name == "setClassName"
            ):
                if params[:1] == [CONTEXT]:
                    target = OWN_PACKAGE
                elif params[:1] == [STRING]:
                    target = self._constant(self.register(call, 0))
            elif cls == INTENT and name == "<init>":
                if CONTEXT in params and "Ljava/lang/Class;" in params:
                    target = OWN_PACKAGE
            elif cls == INTENT and name == "setPackage":
                target = self._constant(self.register(call, 0))
            elif cls == INTENT and name == "setComponent":
                target = self._target(self.register(call, 0))
            elif cls == INTENT and name == "setClass":
                target = OWN_PACKAGE
        return target

    def _sensor_type(self, raw: RegisterValue) -> ArgValue:
        """The type given to the getDefaultSensor call that produced a Sensor."""
        if not isinstance(raw, ObjectValue) or raw.made_by is None:
            return None
        cls, name, _desc = self.method(raw.made_by.method_idx)
        if cls != SENSOR_MANAGER or name != "getDefaultSensor":
            return None
        value = self._constant(self.register(raw.made_by, 0))
        return value if isinstance(value, int) else None
