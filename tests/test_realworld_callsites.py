"""Call sites on real apps equal androguard's cross-reference analysis.

For every API the capability taxonomy lists, androguard's callers (`MethodAnalysis.get_xref_from`
of the API method, after `AnalyzeAPK` built the xrefs) must be exactly our `invoke` call sites.

For the listed static fields, androguard's `FieldAnalysis.get_xref_read()` cannot serve: androguard
only analyses fields that a class of the app defines (`find_fields` finds nothing on
`android.provider.ContactsContract$Contacts`, an external class). The reference is therefore
androguard's own instruction decoder: every sget-* (0x60-0x66) of every method, resolved with
`DEX.get_cm_field`, must be exactly our `field_read` call sites, and, over all fields of the app,
exactly what `DexCode.code_refs` reads.

Slow (AnalyzeAPK takes ~15 s on ApiDemos, ~30 s on Yosemite); runs behind the realworld marker.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path

import pytest
from realworld import real_world_file

from scanner.detect.callsites import EVIDENCE_FIELD, EVIDENCE_INVOKE, find_call_sites
from scanner.extract.dex import DexCode, descriptor_to_class_name
from scanner.signatures.catalog import capabilities

Pair = tuple[str, str, str, str, str]
"""(caller class descriptor, caller method, caller descriptor, API class, API method)"""

pytestmark = pytest.mark.realworld


def _androguard_pairs(path: Path) -> set[Pair]:
    from androguard.misc import AnalyzeAPK

    try:
        from loguru import logger

        logger.remove()  # androguard logs every class at DEBUG level
    except ImportError:  # pragma: no cover - loguru is an androguard dependency
        pass
    _apk, _dex, analysis = AnalyzeAPK(str(path))
    pairs: set[Pair] = set()
    for cap in capabilities():
        for api in (*cap.apis, *cap.argument_gated_apis):
            descriptor = "L" + api.class_name.replace(".", "/") + ";"
            for method in analysis.find_methods(
                classname="^" + re.escape(descriptor) + "$",
                methodname="^" + re.escape(api.method) + "$",
            ):
                for _cls, caller, _offset in method.get_xref_from():
                    pairs.add(
                        (
                            caller.class_name,
                            caller.name,
                            caller.descriptor.replace(" ", ""),
                            api.class_name,
                            api.method,
                        )
                    )
    return pairs


def _dex_units(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as apk:
        return [(n, apk.read(n)) for n in apk.namelist() if re.fullmatch(r"classes\d*\.dex", n)]


def _our_pairs(path: Path, kind: str = EVIDENCE_INVOKE) -> set[Pair]:
    return {
        (
            "L" + s.caller_class.replace(".", "/") + ";",
            s.caller_method,
            s.caller_descriptor,
            s.api_class,
            s.api_method,
        )
        for s in find_call_sites(_dex_units(path), capabilities())
        if s.evidence_kind == kind
    }


@cache
def _androguard_static_reads(apk: str) -> frozenset[Pair]:
    """(caller class descriptor, method, descriptor, field class, field name) of every sget-*
    in the app, decoded by androguard's DEX parser."""
    from androguard.core.dex import DEX

    out: set[Pair] = set()
    for _name, data in _dex_units(real_world_file(apk)):
        dex = DEX(data)
        for cls in dex.get_classes():
            for method in cls.get_methods():
                code = method.get_code()
                if code is None:
                    continue
                for ins in code.get_bc().get_instructions():
                    if 0x60 <= ins.get_op_value() <= 0x66:
                        owner, _type, name = dex.get_cm_field(ins.get_ref_kind())
                        out.add(
                            (
                                method.get_class_name(),
                                method.get_name(),
                                method.get_descriptor().replace(" ", ""),
                                descriptor_to_class_name(owner),
                                name,
                            )
                        )
    return frozenset(out)


def _our_static_reads(path: Path) -> set[Pair]:
    """The same, from DexCode.code_refs asked for every field id."""
    out: set[Pair] = set()
    for _name, data in _dex_units(path):
        dex = DexCode(data)
        everything = range(dex.header.field_ids_size)
        for code in dex.iter_method_code():
            fields = dex.code_refs(code, (), (), fields=everything).fields
            if not fields:
                continue
            class_idx, proto_idx, name_idx = dex.method_id(code.method_idx)
            caller = (
                dex.type_descriptor(class_idx),
                dex.string(name_idx),
                dex.proto_descriptor(proto_idx),
            )
            out |= {(*caller, dex.field_class(f), dex.field_name(f)) for f in fields}
    return out


@pytest.mark.parametrize(("apk", "at_least"), [("ApiDemos-debug.apk", 10), ("Yosemite.apk", 3)])
def test_field_read_call_sites_equal_androguard_decoding(apk: str, at_least: int) -> None:
    wanted = {(f.class_name, f.field) for cap in capabilities() for f in cap.fields}
    theirs = {p for p in _androguard_static_reads(apk) if p[3:] in wanted}
    ours = _our_pairs(real_world_file(apk), EVIDENCE_FIELD)
    assert len(theirs) >= at_least, "too few field reads to make the comparison meaningful"
    assert sorted(ours - theirs) == [], "field reads androguard does not decode"
    assert sorted(theirs - ours) == [], "field reads we missed"


@pytest.mark.parametrize("apk", ["ApiDemos-debug.apk", "Yosemite.apk"])
def test_every_static_read_equals_androguard_decoding(apk: str) -> None:
    theirs = _androguard_static_reads(apk)
    ours = _our_static_reads(real_world_file(apk))
    assert len(theirs) > 1000
    assert sorted(ours - theirs)[:5] == []
    assert sorted(theirs - ours)[:5] == []


@pytest.mark.parametrize("apk", ["ApiDemos-debug.apk", "Yosemite.apk"])
def test_invoke_call_sites_equal_androguard_xrefs(apk: str) -> None:
    path = real_world_file(apk)
    if not capabilities():
        pytest.skip("no capability data in signatures/capabilities/")
    ours = _our_pairs(path)
    theirs = _androguard_pairs(path)
    assert len(theirs) > 20, "too few callers to make the comparison meaningful"
    assert sorted(ours - theirs) == [], "call sites androguard does not report"
    # Only an API with an argument fact may be missing: its constant ruled the call out
    # (another Settings key, an Intent of the app's own, a sensor of another kind).
    gated = {
        (api.class_name, api.method)
        for cap in capabilities()
        for api in (*cap.apis, *cap.argument_gated_apis)
        if api.argument is not None
    }
    assert sorted(p for p in theirs - ours if p[3:] not in gated) == [], "call sites we missed"


def test_known_call_sites_in_yosemite() -> None:
    ours = _our_pairs(real_world_file("Yosemite.apk"))
    apis = {(cls, name) for *_caller, cls, name in ours}
    assert ("android.content.ClipboardManager", "getPrimaryClip") in apis
    assert ("android.hardware.Camera", "open") in apis
