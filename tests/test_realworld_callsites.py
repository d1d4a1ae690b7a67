"""Call sites on real apps equal androguard's cross-reference analysis.

For every API the capability taxonomy lists, androguard's callers (`MethodAnalysis.get_xref_from`
of the API method, after `AnalyzeAPK` built the xrefs) must be exactly our `invoke` call sites.
Slow (AnalyzeAPK takes ~15 s on ApiDemos, ~30 s on Yosemite); runs behind the realworld marker.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from realworld import real_world_file

from scanner.catalog import capabilities
from scanner.detect.callsites import EVIDENCE_INVOKE, find_call_sites

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
        for api in cap.apis:
            descriptor = "L" + api.class_name.replace(".", "/") + ";"
            for method in analysis.find_methods(
                classname="^" + re.escape(descriptor) + "$",
                methodname="^" + re.escape(api.method) + "$",
            ):
                for _cls, caller, _offset in method.get_xref_from():
                    pairs.add((caller.class_name, caller.name,
                               caller.descriptor.replace(" ", ""), api.class_name, api.method))
    return pairs


def _our_pairs(path: Path) -> set[Pair]:
    with zipfile.ZipFile(path) as apk:
        units = [(n, apk.read(n)) for n in apk.namelist() if re.fullmatch(r"classes\d*\.dex", n)]
    return {
        ("L" + s.caller_class.replace(".", "/") + ";", s.caller_method, s.caller_descriptor,
         s.api_class, s.api_method)
        for s in find_call_sites(units, capabilities())
        if s.evidence_kind == EVIDENCE_INVOKE
    }


@pytest.mark.parametrize("apk", ["ApiDemos-debug.apk", "Yosemite.apk"])
def test_invoke_call_sites_equal_androguard_xrefs(apk: str) -> None:
    path = real_world_file(apk)
    if not capabilities():
        pytest.skip("no capability data in signatures/capabilities/")
    ours = _our_pairs(path)
    theirs = _androguard_pairs(path)
    assert len(theirs) > 20, "too few callers to make the comparison meaningful"
    assert sorted(ours - theirs) == [], "call sites androguard does not report"
    assert sorted(theirs - ours) == [], "call sites we missed"


def test_known_call_sites_in_yosemite() -> None:
    ours = _our_pairs(real_world_file("Yosemite.apk"))
    apis = {(cls, name) for *_caller, cls, name in ours}
    assert ("android.content.ClipboardManager", "getPrimaryClip") in apis
    assert ("android.hardware.Camera", "open") in apis
