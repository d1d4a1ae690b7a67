"""Call sites of privacy-relevant framework APIs in dex code and JVM class files.

A call site is one method of the app that invokes an API a capability lists (for instance
`com.umeng.commonsdk.utils.ClipboardHelper.readShareCode` calls
`android.content.ClipboardManager.getPrimaryClip`). Four kinds of evidence, strongest first:

- ``invoke``: an invoke instruction names the API method;
- ``field_read``: a static-field read (dex sget-*, JVM getstatic) names a field the capability
  lists, such as the content Uri ``MediaStore.Images.Media.EXTERNAL_CONTENT_URI`` handed to
  ``ContentResolver.query``;
- ``reflection_string``: one method loads both the API's class name and its method name as string
  constants (``Class.forName("android.telephony.TelephonyManager").getMethod("getDeviceId")``);
- ``const_string``: a method loads a string constant the capability lists (``content://sms``,
  ``android_id``).

Matching is exact on the class the instruction names, as the dex / class file records it: a call
through a subclass (`Activity.getSystemService`) or an app-defined subclass of an API class is
not attributed to the framework class unless the capability data lists that class too. No class
hierarchy is resolved.

Argument-aware matching: an API whose capability entry has an `argument` fact (the key given to
``Settings.Secure.getString``, the package given to ``Intent.setPackage``, the target of the
Intent given to ``startService``, the sensor type given to ``getDefaultSensor``) is decided on
the constant that reaches that argument inside the calling method (scanner.detect.arguments):
a constant the fact does not accept gives no call site, an accepted one a ``strong`` call site
that records it as ``argument``, and no known constant a ``weak`` one (none for ``strict``
entries). Only the methods that invoke such an API are decoded a second time, with register
values (dex) or the pushes before the invoke (class files). String and reflection evidence is
always ``weak``, and so is an API the data marks ``"strength": "weak"`` (intent resolution).

Speed: a dex is not decoded wholesale. The API methods, fields and strings are looked up in the
sorted id tables by binary search; a regular expression then finds the byte patterns of
instructions that could reference them, and only the methods holding such a candidate are decoded
instruction by instruction (the decode confirms the candidate is a real, aligned instruction).
"""

from __future__ import annotations

import bisect
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scanner.detect.arguments import ArgValue, Decision, DexArguments, FieldConstant, decide
from scanner.errors import budget_held
from scanner.extract.classfile import ClassFile, ClassFormatError, StackValue, StaticFieldRef
from scanner.extract.dex import (
    CODE_ITEM_HEADER,
    CONST_STRING,
    CONST_STRING_JUMBO,
    INVOKE_CUSTOM_OPCODES,
    INVOKE_OPCODES,
    SGET_OPCODES,
    TYPE_CALL_SITE_ID_ITEM,
    DexCode,
    DexFormatError,
    InvokeArgs,
    MethodCode,
    descriptor_to_class_name,
    invoke_arguments,
)
from scanner.model import ApiAccess, CallSiteUse, CodeEvidenceKind, Strength
from scanner.signatures.catalog import ApiSignature, Capability, FieldSignature
from scanner.signatures.requirements import ArgumentKind

EVIDENCE_INVOKE = CodeEvidenceKind.INVOKE
EVIDENCE_FIELD = CodeEvidenceKind.FIELD_READ
EVIDENCE_REFLECTION = CodeEvidenceKind.REFLECTION_STRING
EVIDENCE_CONST_STRING = CodeEvidenceKind.CONST_STRING

PARALLEL_MIN_BYTES = 8 << 20
"""Below this much dex in total, worker processes cost more than they save (docs/performance.md)."""

_Caller = tuple[str, str, str]
"""(dotted class, method name, JVM descriptor) of the method holding a call site."""

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess


def _site(
    caller: _Caller,
    api_class: str,
    api_method: str,
    category: str,
    access: str,
    unit: str,
    kind: CodeEvidenceKind,
    decision: Decision | None = None,
) -> CallSiteUse:
    if decision is None:
        weak = kind in (CodeEvidenceKind.CONST_STRING, CodeEvidenceKind.REFLECTION_STRING)
        decision = Decision(Strength.WEAK if weak else Strength.STRONG)
    return CallSiteUse(
        category=category,
        api_class=api_class,
        api_method=api_method,
        access=ApiAccess(access),
        caller_class=caller[0],
        caller_method=caller[1],
        caller_descriptor=caller[2],
        code_unit=unit,
        evidence_kind=kind,
        argument=decision.argument,
        strength=decision.strength,
    )


def _strongest(sites: set[CallSiteUse]) -> set[CallSiteUse]:
    """Drops a weak call site without a known argument where the same method also makes the
    same call with a constant that counts: one method, one API, its best evidence."""
    strong = {
        (s.caller, s.api_class, s.api_method, s.category, s.evidence_kind)
        for s in sites
        if s.strength is Strength.STRONG
    }
    return {
        s
        for s in sites
        if not (
            s.strength is Strength.WEAK
            and s.argument is None
            and (s.caller, s.api_class, s.api_method, s.category, s.evidence_kind) in strong
        )
    }


def _order(site: CallSiteUse) -> tuple[str, ...]:
    """Sort key: by caller, then API. A const string sorts as an empty API followed by the
    string, the order call sites have always been listed in (goldens and baselines rely on it)."""
    const = site.evidence_kind is CodeEvidenceKind.CONST_STRING
    return (
        site.caller_class,
        site.caller_method,
        site.caller_descriptor,
        "" if const else site.api_class,
        site.api_method,
        site.category,
        site.access,
        site.code_unit,
        site.evidence_kind,
        site.api_class if const else "",
        # Two calls differing only in their argument came out in set order, which changes
        # with PYTHONHASHSEED: the same app gave different JSON from one run to the next.
        site.argument or "",
    )


@dataclass(frozen=True)
class _Plan:
    """What to look for; picklable so worker processes get it."""

    apis: tuple[ApiSignature, ...]
    strings: tuple[tuple[str, str], ...]
    """(capability id, string) pairs."""
    fields: tuple[FieldSignature, ...] = ()
    gated: tuple[ApiSignature, ...] = ()
    """`Capability.argument_gated_apis`: matched on invokes only, and only with an argument
    constant their fact accepts."""

    def uri_fields(self, category: str) -> tuple[str, ...]:
        """The category's Uri fields as Class.FIELD (what a `uri` argument fact accepts)."""
        return tuple(f"{f.class_name}.{f.field}" for f in self.fields if f.category == category)


def _plan(caps: Sequence[Capability]) -> _Plan:
    return _Plan(
        apis=tuple(api for cap in caps for api in cap.apis),
        strings=tuple((cap.id, s) for cap in caps for s in cap.strings if s),
        fields=tuple(f for cap in caps for f in cap.fields),
        gated=tuple(api for cap in caps for api in cap.argument_gated_apis),
    )


def string_matches(pattern: str, value: str) -> bool:
    """A capability string matches itself, and a URI pattern also matches its sub-paths."""
    if value == pattern:
        return True
    if "://" in pattern:
        return value.startswith(pattern if pattern.endswith("/") else pattern + "/")
    return False


def _dex_descriptor(class_name: str) -> str:
    return "L" + class_name.replace(".", "/") + ";"


# --------------------------------------------------------------------------- dex


class _DexScan:
    """The ids one dex uses for the plan's APIs, fields and strings, and the scan over its code."""

    def __init__(self, dex: DexCode, plan: _Plan) -> None:
        self.dex = dex
        self.plan = plan
        self.arguments = DexArguments(dex)
        self.strict = frozenset(plan.gated)
        self.gated_methods: set[int] = set()
        """Method ids with an entry that has an argument fact: their invokes are decoded with
        the register values."""
        self.api_methods: dict[int, list[ApiSignature]] = {}
        self.api_fields: dict[int, list[FieldSignature]] = {}
        self.cap_strings: dict[int, list[tuple[str, str]]] = {}
        self.reflect_classes: dict[int, list[ApiSignature]] = {}
        self.reflect_names: dict[str, int] = {}
        self.call_sites: set[int] = set()
        self._resolve_methods((*plan.apis, *plan.gated))
        self._resolve_fields(plan.fields)
        self._resolve_strings(plan)

    def _resolve_methods(self, apis: Sequence[ApiSignature]) -> None:
        dex = self.dex
        by_class: dict[str, list[ApiSignature]] = {}
        for api in apis:
            by_class.setdefault(api.class_name, []).append(api)
        for class_name, wanted in by_class.items():
            type_idx = dex.type_index(_dex_descriptor(class_name))
            if type_idx is None:
                continue
            names = {api.method for api in wanted}
            for method_idx in dex.methods_of_class(type_idx):
                name = dex.method_name(method_idx)
                if name in names:
                    self.api_methods[method_idx] = [a for a in wanted if a.method == name]
                    if any(a.argument is not None for a in self.api_methods[method_idx]):
                        self.gated_methods.add(method_idx)
        if self.api_methods and TYPE_CALL_SITE_ID_ITEM in dex.map_sections:
            count = dex.map_sections[TYPE_CALL_SITE_ID_ITEM][0]
            self.call_sites = {
                i
                for i in range(count)
                if any(m in self.api_methods for m in dex.call_site_methods(i))
            }

    def _resolve_fields(self, fields: Sequence[FieldSignature]) -> None:
        dex = self.dex
        by_class: dict[str, list[FieldSignature]] = {}
        for sig in fields:
            by_class.setdefault(sig.class_name, []).append(sig)
        for class_name, wanted in by_class.items():
            type_idx = dex.type_index(_dex_descriptor(class_name))
            if type_idx is None:
                continue
            names = {sig.field for sig in wanted}
            for field_idx in dex.fields_of_class(type_idx):
                name = dex.field_name(field_idx)
                if name in names:
                    self.api_fields[field_idx] = [s for s in wanted if s.field == name]

    def _resolve_strings(self, plan: _Plan) -> None:
        dex = self.dex
        for category, pattern in plan.strings:
            ids = (
                dex.strings_with_prefix(pattern)
                if "://" in pattern
                else [i for i in [dex.string_index(pattern)] if i is not None]
            )
            for idx in ids:
                if string_matches(pattern, dex.string(idx)):
                    self.cap_strings.setdefault(idx, []).append((category, pattern))
        class_string: dict[str, int | None] = {}
        for api in plan.apis:
            if api.class_name not in class_string:
                class_string[api.class_name] = dex.string_index(api.class_name)
            class_idx = class_string[api.class_name]
            if class_idx is None:
                continue
            name_idx = dex.string_index(api.method)
            if name_idx is None:
                continue
            self.reflect_classes.setdefault(class_idx, []).append(api)
            self.reflect_names[api.method] = name_idx

    def _needles(self) -> dict[int, set[int]]:
        """Opcode -> the ids (the 16- or 32-bit word after the opcode unit) worth decoding for."""
        needles: dict[int, set[int]] = {}
        for op in INVOKE_OPCODES:
            needles[op] = {i for i in self.api_methods if i <= 0xFFFF}
        for op in SGET_OPCODES:
            needles[op] = {i for i in self.api_fields if i <= 0xFFFF}
        triggers = set(self.cap_strings) | set(self.reflect_classes)
        needles[CONST_STRING] = {i for i in triggers if i <= 0xFFFF}
        needles[CONST_STRING_JUMBO] = triggers
        for op in INVOKE_CUSTOM_OPCODES:
            needles[op] = set(self.call_sites)
        return {op: ids for op, ids in needles.items() if ids}

    def candidate_positions(self) -> list[int]:
        """File offsets of byte patterns that look like an instruction referencing a wanted id.

        One regular expression of byte classes only (opcode, then the low and high byte of the
        id): the regex engine checks a class in constant time, whatever the number of ids, and
        the few false positives it lets through are dropped by an exact check here. Whether a
        candidate is a real, aligned instruction is settled by decoding its method."""
        needles = self._needles()
        if not needles:
            return []
        words = set().union(*needles.values())

        def byte_class(values: Iterable[int]) -> bytes:
            return b"[" + b"".join(re.escape(bytes([v])) for v in sorted(set(values))) + b"]"

        pattern = re.compile(
            byte_class(needles)
            + b"(?=."
            + byte_class(w & 0xFF for w in words)
            + byte_class(w >> 8 & 0xFF for w in words)
            + b")",
            re.DOTALL,
        )
        data = self.dex.data
        start, end = self.dex.code_section()
        out: list[int] = []
        for match in pattern.finditer(data, start, end):
            pos = match.start()
            op = data[pos]
            if op == CONST_STRING_JUMBO:
                word = int.from_bytes(data[pos + 2 : pos + 6], "little")
            else:
                word = data[pos + 2] | data[pos + 3] << 8
            if word in needles[op]:
                out.append(pos)
        return out

    def candidate_methods(self) -> list[MethodCode]:
        """The methods whose body holds a candidate position (each once, in file order)."""
        positions = self.candidate_positions()
        if not positions:
            return []
        offsets = sorted(self.dex.method_code_offsets())
        starts = [off + CODE_ITEM_HEADER for off, _ in offsets]
        hits: dict[int, MethodCode] = {}
        budget = len(self.dex.data) // 2  # code items never overlap: their units fit the file
        for pos in positions:
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0 or offsets[i][0] in hits:
                continue
            code = self.dex.method_code(*offsets[i])
            if pos < code.insns_off + 2 * code.insns_units and (pos - code.insns_off) % 2 == 0:
                hits[offsets[i][0]] = code
                budget -= code.insns_units
                if budget < 0:
                    raise DexFormatError("code items overlap (more code than the file holds)")
        return [hits[k] for k in sorted(hits)]

    def call_sites_of(self, code: MethodCode, unit: str) -> set[CallSiteUse]:
        dex = self.dex
        wanted_strings = set(self.cap_strings) | set(self.reflect_classes)
        wanted_strings.update(self.reflect_names.values())
        refs = dex.code_refs(
            code, self.api_methods, wanted_strings, self.call_sites, self.api_fields
        )
        triggers = set(self.cap_strings) | set(self.reflect_classes)
        if not refs.methods and not refs.fields and triggers.isdisjoint(refs.strings):
            return set()
        class_idx, proto_idx, name_idx = dex.method_id(code.method_idx)
        caller: _Caller = (
            descriptor_to_class_name(dex.type_descriptor(class_idx)),
            dex.string(name_idx),
            dex.proto_descriptor(proto_idx),
        )
        out: set[CallSiteUse] = set()
        plain = set(refs.methods) - self.gated_methods
        for method_idx in plain:
            api_class = dex.method_class(method_idx)
            for api in self.api_methods[method_idx]:
                out.add(
                    _site(
                        caller,
                        api_class,
                        api.method,
                        api.category,
                        api.access,
                        unit,
                        EVIDENCE_INVOKE,
                        Decision(api.strength),
                    )
                )
        if not self.gated_methods.isdisjoint(refs.methods):
            out |= self._gated_sites(code, caller, unit, set(refs.methods) & self.gated_methods)
        for field_idx in set(refs.fields):
            field_class = dex.field_class(field_idx)
            for sig in self.api_fields[field_idx]:
                out.add(
                    _site(
                        caller,
                        field_class,
                        sig.field,
                        sig.category,
                        sig.access,
                        unit,
                        EVIDENCE_FIELD,
                    )
                )
        loaded = set(refs.strings)
        for string_idx in loaded:
            for category, _pattern in self.cap_strings.get(string_idx, ()):
                text = dex.string(string_idx)
                out.add(
                    _site(caller, text, "", category, ApiAccess.USE, unit, EVIDENCE_CONST_STRING)
                )
            for api in self.reflect_classes.get(string_idx, ()):
                if self.reflect_names.get(api.method) in loaded:
                    out.add(
                        _site(
                            caller,
                            api.class_name,
                            api.method,
                            api.category,
                            api.access,
                            unit,
                            EVIDENCE_REFLECTION,
                        )
                    )
        return _strongest(out)

    def _gated_sites(
        self, code: MethodCode, caller: _Caller, unit: str, gated: set[int]
    ) -> set[CallSiteUse]:
        """The call sites of APIs with an argument fact, decided on the value that reaches the
        argument at each invoke (an invoke-custom reference carries none: unknown)."""
        calls: list[tuple[int, InvokeArgs | None]] = [
            (c.method_idx, c) for c in invoke_arguments(self.dex, code, gated)
        ]
        seen = {idx for idx, _call in calls}
        calls += [(idx, None) for idx in gated - seen]
        out: set[CallSiteUse] = set()
        for method_idx, call in calls:
            api_class, _name, descriptor = self.arguments.method(method_idx)
            for api in self.api_methods[method_idx]:
                value = None
                if call is not None and api.argument is not None:
                    value = self.arguments.argument(call, api.argument)
                decision = decide(
                    api,
                    descriptor,
                    value,
                    strict=api in self.strict,
                    uri_fields=self.plan.uri_fields(api.category),
                )
                if decision is not None:
                    out.add(
                        _site(
                            caller,
                            api_class,
                            api.method,
                            api.category,
                            api.access,
                            unit,
                            EVIDENCE_INVOKE,
                            decision,
                        )
                    )
        return out


def dex_call_sites(name: str, data: bytes, caps: Sequence[Capability]) -> tuple[CallSiteUse, ...]:
    """Call sites in one dex file. Raises DexFormatError (naming `name`) on a malformed dex."""
    return tuple(sorted(_scan_dex(name, data, _plan(caps)), key=_order))


def _scan_dex(name: str, data: bytes, plan: _Plan) -> set[CallSiteUse]:
    try:
        scan = _DexScan(DexCode(data, name), plan)
        out: set[CallSiteUse] = set()
        for code in scan.candidate_methods():
            out |= scan.call_sites_of(code, name)
        return out
    except DexFormatError as exc:
        raise DexFormatError(f"{name}: {exc}") from exc
    except (IndexError, ValueError, OverflowError, struct.error) as exc:
        # Every read is meant to be bounds-checked; this keeps a missed check a format error.
        raise DexFormatError(f"{name}: malformed dex ({exc})") from exc


def _scan_dex_job(args: tuple[str, bytes, _Plan]) -> set[CallSiteUse] | DexFormatError:
    """One unit's call sites, or its format error as a value (so one bad dex in a worker does
    not cancel the others)."""
    try:
        return _scan_dex(*args)
    except DexFormatError as exc:
        return exc


_FORKED: tuple[list[tuple[str, bytes]], _Plan] | None = None
"""The units and plan a forked worker reads: set before the workers fork, so the dex bytes are
shared copy-on-write instead of being pickled to each worker."""

_Result = set[CallSiteUse] | DexFormatError
_Finish = Callable[[], list[_Result]]


def _shares(todo: Sequence[tuple[str, bytes]], processes: int) -> list[list[int]]:
    """Indexes into `todo` (biggest first) for each of `processes`, each unit going to the one
    with the fewest bytes so far; the lightest share comes first: it is the calling process's,
    which also has the rest of the detect stage to do while the workers scan."""
    loads = [0] * processes
    shares: list[list[int]] = [[] for _ in range(processes)]
    for index, (_name, data) in enumerate(todo):
        least = loads.index(min(loads))
        shares[least].append(index)
        loads[least] += len(data)
    return sorted(shares, key=lambda share: sum(len(todo[i][1]) for i in share))


@contextmanager
def _workers(todo: list[tuple[str, bytes]], plan: _Plan, jobs: int) -> Iterator[_Finish]:
    """The dex files split over `jobs` processes: `jobs - 1` workers start scanning theirs at
    once, and the function yielded scans this process's share (it would only wait for them
    otherwise, and each worker costs a fork and a result to pickle back), then gathers theirs.
    Where fork exists the workers inherit the bytes; elsewhere they are pickled to them.
    Results come back in `todo` order; leaving the block stops the workers."""
    import multiprocessing

    own, *others = _shares(todo, min(jobs, len(todo)))
    started = (
        _forked_workers(todo, plan, others)
        if "fork" in multiprocessing.get_all_start_methods()
        else _pooled_workers(todo, plan, others)
    )
    with started as theirs:

        def finish() -> list[_Result]:
            results = {index: _scan_dex_job((*todo[index], plan)) for index in own}
            results.update(theirs())
            return [results[index] for index in range(len(todo))]

        yield finish


def _forked_share(indexes: list[int], conn: Connection) -> None:
    """A forked worker: scan its share of the inherited units and send the results back."""
    assert _FORKED is not None
    units, plan = _FORKED
    try:
        reply: tuple[str, object] = ("ok", [(i, _scan_dex_job((*units[i], plan))) for i in indexes])
    except BaseException as exc:  # re-raised in the scanning process, as a pool would
        reply = ("error", exc)
    try:
        conn.send(reply)
    except Exception as exc:  # the exception itself would not pickle
        conn.send(("error", RuntimeError(f"call-site worker failed: {exc!r}")))
    conn.close()


@contextmanager
def _forked_workers(
    todo: list[tuple[str, bytes]], plan: _Plan, shares: list[list[int]]
) -> Iterator[Callable[[], dict[int, _Result]]]:
    """One forked process per share, each sending its results down a pipe. A process and a pipe
    rather than a ProcessPoolExecutor: concurrent.futures alone took 9-11 ms to import, before
    the fork, on the critical path of every large scan."""
    import gc
    import multiprocessing

    global _FORKED
    context = multiprocessing.get_context("fork")
    children: list[tuple[BaseProcess, Connection]] = []
    gathered = False
    _FORKED = (todo, plan)
    try:
        # The time budget must not fire inside a fork. The objects alive at the fork are frozen
        # out of the collector meanwhile: a worker's first full collection would otherwise walk
        # (and so copy, page by page) everything it inherited.
        with budget_held():
            gc.freeze()
            try:
                for share in shares:
                    receive, send = context.Pipe(duplex=False)
                    worker = context.Process(target=_forked_share, args=(share, send), daemon=True)
                    children.append((worker, receive))
                    worker.start()
                    send.close()
            finally:
                gc.unfreeze()

        def theirs() -> dict[int, _Result]:
            nonlocal gathered
            results: dict[int, _Result] = {}
            for child, receive in children:
                try:
                    status, value = receive.recv()
                except EOFError:
                    child.join()
                    raise RuntimeError(
                        f"a call-site worker ended without a result (exit code {child.exitcode})"
                    ) from None
                if status != "ok":
                    raise value
                results.update(value)
            gathered = True
            return results

        yield theirs
    finally:
        with budget_held():
            for child, receive in children:
                receive.close()
                if child.pid is None:
                    # Never started: the budget's exception can still arrive inside a start. A
                    # SIGALRM that came just before the mask was set has its Python handler
                    # pending, and that runs at the next bytecode, which the mask cannot stop.
                    continue
                if not gathered and child.is_alive():
                    child.terminate()  # abandoned (an error, the budget): do not wait for it
                child.join()
        _FORKED = None


@contextmanager
def _pooled_workers(
    todo: list[tuple[str, bytes]], plan: _Plan, shares: list[list[int]]
) -> Iterator[Callable[[], dict[int, _Result]]]:
    """Where fork does not exist: a pool of one process per share, the units pickled to it."""
    from concurrent.futures import ProcessPoolExecutor

    indexes = [i for share in shares for i in share]
    pool = ProcessPoolExecutor(max_workers=len(shares))
    try:
        with budget_held():  # it must not fire while the pool starts its processes
            futures = [(i, pool.submit(_scan_dex_job, (*todo[i], plan))) for i in indexes]
        yield lambda: {i: future.result() for i, future in futures}
    finally:
        with budget_held():
            pool.shutdown(wait=True, cancel_futures=True)


AUTO_MAX_JOBS = 2
"""Processes the default uses at most: two dex files of a large app split well over two cores,
while more workers cost more to start than they save on apps measured (docs/performance.md)."""


def auto_jobs(units: Sequence[tuple[str, bytes]]) -> int:
    """Workers for the default: one per large dex file, up to AUTO_MAX_JOBS and the cores."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(AUTO_MAX_JOBS, cores or 1, len(units)))


def find_call_sites(
    units: Iterable[tuple[str, bytes]],
    caps: Sequence[Capability],
    jobs: int | None = None,
    errors: list[str] | None = None,
) -> tuple[CallSiteUse, ...]:
    """Call sites of the capabilities' APIs, fields and strings in dex files given as
    (name, bytes).

    `jobs` > 1 spreads the dex files over that many processes when there are several and enough
    bytes to pay for it; None lets `auto_jobs` decide. A malformed dex raises DexFormatError,
    or when `errors` is a list, is reported there ("classes2.dex: ...") and skipped. Sorted,
    one entry per (caller, API, kind).
    """
    with scanning(units, caps, jobs, errors) as finish:
        return finish()


@contextmanager
def scanning(
    units: Iterable[tuple[str, bytes]],
    caps: Sequence[Capability],
    jobs: int | None = None,
    errors: list[str] | None = None,
) -> Iterator[Callable[[], tuple[CallSiteUse, ...]]]:
    """`find_call_sites` begun: worker processes (if any) start on entering the block, and the
    function yielded finishes the scan and returns what `find_call_sites` would. Work done in
    the block before calling it runs while the workers scan; leaving the block stops them."""
    plan = _plan(caps)
    todo = sorted(units, key=lambda u: -len(u[1]))  # biggest first keeps the workers busy
    if jobs is None:
        jobs = auto_jobs(todo)
    parallel = jobs > 1 and len(todo) > 1 and sum(len(d) for _, d in todo) >= PARALLEL_MIN_BYTES
    if not parallel:
        yield lambda: _gathered([_scan_dex_job((n, d, plan)) for n, d in todo], errors)
        return
    with _workers(todo, plan, jobs) as results:
        yield lambda: _gathered(results(), errors)


def _gathered(
    results: Iterable[set[CallSiteUse] | DexFormatError], errors: list[str] | None
) -> tuple[CallSiteUse, ...]:
    found: set[CallSiteUse] = set()
    for result in results:
        if isinstance(result, DexFormatError):
            if errors is None:
                raise result
            errors.append(str(result))
        else:
            found |= result
    return tuple(sorted(found, key=_order))


# --------------------------------------------------------------------------- JVM class files


def _class_file_call_sites(name: str, data: bytes, plan: _Plan) -> set[CallSiteUse]:
    cf = ClassFile(data, name)
    apis: dict[tuple[str, str], list[ApiSignature]] = {}
    for api in (*plan.apis, *plan.gated):
        apis.setdefault((api.class_name, api.method), []).append(api)
    gated = {key for key, sigs in apis.items() if any(a.argument is not None for a in sigs)}
    fields: dict[tuple[str, str], list[FieldSignature]] = {}
    for sig in plan.fields:
        fields.setdefault((sig.class_name, sig.field), []).append(sig)
    reflect_classes = {api.class_name for api in plan.apis}
    pool_strings = set(cf.string_constants())
    wanted_strings = any(
        string_matches(pattern, text) for _cat, pattern in plan.strings for text in pool_strings
    ) or not reflect_classes.isdisjoint(pool_strings)
    wanted_fields = not fields.keys().isdisjoint(cf.referenced_fields())
    if (
        not wanted_strings
        and not wanted_fields
        and not cf.bootstrap_methods
        and (apis.keys().isdisjoint(cf.referenced_methods()))
    ):
        return set()  # nothing in the constant pool can match: skip decoding the code
    caller_class = cf.class_name
    out: set[CallSiteUse] = set()
    decoded: set[tuple[str, str, str, str]] = set()
    for method, descriptor, owner, api_name, api_desc, values in cf.iter_invoke_arguments(gated):
        decoded.add((method, descriptor, owner, api_name))
        caller = (caller_class, method, descriptor)
        out |= _class_file_gated(caller, name, apis[(owner, api_name)], api_desc, values, plan)
    for method, descriptor, owner, api_name, api_desc in cf.iter_calls():
        caller = (caller_class, method, descriptor)
        if (owner, api_name) in gated:
            if (method, descriptor, owner, api_name) not in decoded:  # invokedynamic: no values
                out |= _class_file_gated(caller, name, apis[(owner, api_name)], api_desc, (), plan)
            continue
        for api in apis.get((owner, api_name), ()):
            site = _site(caller, owner, api_name, api.category, api.access, name, EVIDENCE_INVOKE)
            out.add(replace(site, strength=api.strength))
    if wanted_fields:
        for method, descriptor, owner, field_name, _desc in cf.iter_static_reads():
            for sig in fields.get((owner, field_name), ()):
                caller = (caller_class, method, descriptor)
                out.add(
                    _site(caller, owner, field_name, sig.category, sig.access, name, EVIDENCE_FIELD)
                )
    if not wanted_strings:
        return _strongest(out)
    loaded: dict[tuple[str, str], set[str]] = {}
    for method, descriptor, text in cf.iter_strings():
        loaded.setdefault((method, descriptor), set()).add(text)
    for (method, descriptor), texts in loaded.items():
        for text in texts:
            for category, pattern in plan.strings:
                if string_matches(pattern, text):
                    out.add(
                        _site(
                            (caller_class, method, descriptor),
                            text,
                            "",
                            category,
                            ApiAccess.USE,
                            name,
                            EVIDENCE_CONST_STRING,
                        )
                    )
        for api in plan.apis:
            if api.class_name in texts and api.method in texts:
                out.add(
                    _site(
                        (caller_class, method, descriptor),
                        api.class_name,
                        api.method,
                        api.category,
                        api.access,
                        name,
                        EVIDENCE_REFLECTION,
                    )
                )
    return _strongest(out)


def _class_file_gated(
    caller: _Caller,
    unit: str,
    apis: Sequence[ApiSignature],
    api_descriptor: str,
    values: Sequence[StackValue],
    plan: _Plan,
) -> set[CallSiteUse]:
    """Call sites of one class-file invoke of an API with an argument fact. Only plain constants
    are followed on the JVM stack: an Intent's action or target and a Sensor's type are unknown
    there."""
    out: set[CallSiteUse] = set()
    strict = frozenset(plan.gated)
    for api in apis:
        value: ArgValue = None
        fact = api.argument
        if fact is not None and fact.index < len(values) and fact.kind in _CONSTANT_KINDS:
            raw = values[fact.index]
            if isinstance(raw, StaticFieldRef):
                value = FieldConstant(f"{raw.owner}.{raw.name}")
            else:
                value = raw
        decision = decide(
            api,
            api_descriptor,
            value,
            strict=api in strict,
            uri_fields=plan.uri_fields(api.category),
        )
        if decision is not None:
            out.add(
                _site(
                    caller,
                    api.class_name,
                    api.method,
                    api.category,
                    api.access,
                    unit,
                    EVIDENCE_INVOKE,
                    decision,
                )
            )
    return out


_CONSTANT_KINDS = frozenset(
    [ArgumentKind.STRING, ArgumentKind.INT, ArgumentKind.URI, ArgumentKind.PACKAGE]
)
"""Argument kinds whose value is the constant itself (the others are read off an object)."""


def find_class_file_call_sites(
    classes: Iterable[tuple[str, bytes]],
    caps: Sequence[Capability],
    errors: list[str] | None = None,
) -> tuple[CallSiteUse, ...]:
    """Call sites in JVM class files given as (name, bytes), e.g. ('x.jar!/a/B.class', ...).

    Same matching and evidence kinds as `find_call_sites`. A malformed class file raises
    ClassFormatError, or when `errors` is a list, is reported there and skipped.
    """
    plan = _plan(caps)
    found: set[CallSiteUse] = set()
    for name, data in classes:
        try:
            found |= _class_file_call_sites(name, data, plan)
        except (ClassFormatError, IndexError, ValueError, OverflowError, struct.error) as exc:
            error = ClassFormatError(f"{name}: {exc}")
            if errors is None:
                raise error from exc
            errors.append(str(error))
    return tuple(sorted(found, key=_order))
