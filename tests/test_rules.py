"""Every registered finding rule, on hand-made scans and policies: one case where it fires and
one near miss where it does not. A rule added to the registry without cases here fails."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from scanner.catalog import builtin_sdks, capabilities, sdk_taxonomy
from scanner.compare import audit
from scanner.compare.model import Rule
from scanner.compare.rules import ALL_RULES, REGISTRY, build_context
from scanner.detect import capability_uses
from scanner.model import (
    AppIdentity,
    AppInventory,
    AppKind,
    CallSiteUse,
    Evidence,
    PermissionFinding,
    ScanResult,
    SdkDetection,
    StartupBehaviour,
)
from scanner.pipeline import load_signatures, scan_app
from scanner.policy.model import (
    CategoryDisclosure,
    PolicyAnalysis,
    PolicyEvidence,
    Status,
    ThirdPartyDisclosure,
    ThirdPartyKind,
)

AP = "android.permission."

# --------------------------------------------------------------------------- hand-made inputs


def _scan(
    permissions: tuple[PermissionFinding, ...] = (),
    startup: tuple[StartupBehaviour, ...] = (),
    sdks: tuple[SdkDetection, ...] = (),
    calls: tuple[CallSiteUse, ...] = (),
) -> ScanResult:
    inventory = AppInventory(
        identity=AppIdentity(kind=AppKind.APK, path="hand-made.apk", sha256="0" * 64, size=1),
        permissions=(),
        components=(),
        meta_data=(),
        queries=(),
        native_libraries=(),
        code_units=(),
        class_names=(),
        assets=(),
    )
    return ScanResult(
        inventory=inventory,
        permissions=permissions,
        startup=startup,
        sdks=sdks,
        capabilities=capability_uses(capabilities(), permissions, startup, calls),
        call_sites=calls,
        code_analysed=True,
    )


def _permission(name: str, category: str) -> PermissionFinding:
    return PermissionFinding(
        name=AP + name,
        protection_level="dangerous",
        categories=(category,),
        elements=("uses-permission",),
        max_sdk=None,
        evidence=Evidence("permission", AP + name, "", "AndroidManifest.xml"),
    )


def _clipboard_read(owner: str | None, access: str = "read") -> CallSiteUse:
    return CallSiteUse(
        category="clipboard",
        api_class="android.content.ClipboardManager",
        api_method="getPrimaryClip" if access == "read" else "setPrimaryClip",
        access=access,
        caller_class="com.umeng.commonsdk.Clip",
        caller_method="read",
        caller_descriptor="()V",
        code_unit="classes.dex",
        evidence_kind="invoke",
        owner=owner,
    )


def _sdk(sdk_id: str) -> SdkDetection:
    sig = next(s for s in builtin_sdks() if s.id == sdk_id)
    return SdkDetection(
        sdk_id=sig.id,
        name=sig.name,
        vendor=sig.vendor,
        category=sig.category,
        tracking=sig.tracking,
        status="present",
        class_count=12,
        collects=sig.collects,
        evidence=(Evidence("class_package", sig.packages[0], "12 classes", "classes.dex"),),
    )


def _evidence(text: str, term: str, status: Status) -> PolicyEvidence:
    return PolicyEvidence(
        text=text,
        heading=None if status != "heading_only" else text,
        start=0,
        end=len(text),
        term=term,
        term_start=text.index(term),
        strength="heading" if status == "heading_only" else "sentence",
        polarity="denial" if status == "denied" else "positive",
    )


def _policy(
    statuses: Mapping[str, Status] | None = None,
    third_parties: tuple[ThirdPartyDisclosure, ...] = (),
) -> PolicyAnalysis:
    statuses = statuses or {}
    categories = []
    for cap in capabilities():
        status = statuses.get(cap.id, "not_mentioned")
        sentence = {
            "denied": f"We do not collect your {cap.title_en.lower()}.",
            "heading_only": cap.title_en,
        }.get(status, f"We collect your {cap.title_en.lower()}.")
        term = cap.title_en if status == "heading_only" else cap.title_en.lower()
        evidence = () if status == "not_mentioned" else (_evidence(sentence, term, status),)
        categories.append(CategoryDisclosure(cap.id, status, evidence, (cap.title_en.lower(),)))
    return PolicyAnalysis(
        source="hand-made.txt",
        format="txt",
        encoding="utf-8",
        language="en",
        categories=tuple(categories),
        third_parties=third_parties,
    )


def _party(
    sdk_id: str | None, name: str, kind: ThirdPartyKind, category: str | None
) -> ThirdPartyDisclosure:
    sentence = f"We share data with {name}."
    return ThirdPartyDisclosure(
        sdk_id, name, kind, category, (_evidence(sentence, name, "disclosed"),)
    )


# --------------------------------------------------------------------------- cases per rule

Case = Callable[[], tuple[ScanResult, PolicyAnalysis]]

CASES: dict[str, tuple[Case, Case]] = {
    "PS101": (
        lambda: (_scan(sdks=(_sdk("flurry"),)), _policy()),
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party("flurry", "Flurry", "named", "analytics"),)),
        ),
    ),
    "PS102": (
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party(None, "analytics partners", "generic", "analytics"),)),
        ),
        # Payment partners do not cover an analytics SDK.
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party(None, "payment partners", "generic", "payment"),)),
        ),
    ),
    "PS103": (
        # The policy names Google for AdMob; Google Analytics is embedded too.
        lambda: (
            _scan(sdks=(_sdk("google-analytics"),)),
            _policy(third_parties=(_party("admob", "Google", "named", "advertising"),)),
        ),
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party("admob", "Google", "named", "advertising"),)),
        ),
    ),
    "PS201": (
        lambda: (_scan(permissions=(_permission("CAMERA", "camera"),)), _policy()),
        lambda: (
            _scan(permissions=(_permission("CAMERA", "camera"),)),
            _policy({"camera": "disclosed"}),
        ),
    ),
    "PS202": (
        lambda: (_scan(calls=(_clipboard_read("umeng-analytics"),)), _policy()),
        # Writing the clipboard does not read it.
        lambda: (_scan(calls=(_clipboard_read("umeng-analytics", access="write"),)), _policy()),
    ),
    "PS301": (
        lambda: (_scan(calls=(_clipboard_read(None),)), _policy({"clipboard": "denied"})),
        lambda: (_scan(), _policy({"clipboard": "denied"})),
    ),
    "PS401": (
        lambda: (_scan(), _policy({"camera": "disclosed"})),
        lambda: (
            _scan(permissions=(_permission("CAMERA", "camera"),)),
            _policy({"camera": "disclosed"}),
        ),
    ),
    "PS402": (
        lambda: (_scan(), _policy(third_parties=(_party("flurry", "Flurry", "named", None),))),
        lambda: (
            _scan(sdks=(_sdk("flurry"),)),
            _policy(third_parties=(_party("flurry", "Flurry", "named", None),)),
        ),
    ),
}


def _fired(scan: ScanResult, policy: PolicyAnalysis) -> set[str]:
    return {f.rule.id for f in audit(scan, policy).findings}


def test_rule_ids_are_unique_and_every_unit_emits_its_own_rules() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids)) == 8
    for unit in REGISTRY:
        for case_rule in unit.rules:
            scan, policy = CASES[case_rule.id][0]()
            # The unit alone, not the whole registry, makes the finding.
            ctx = build_context(scan, policy, builtin_sdks(), capabilities(), sdk_taxonomy())
            assert case_rule.id in {f.rule.id for f in unit.check(ctx)}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_fires_on_its_positive_case_only(rule: Rule) -> None:
    rule_id = rule.id
    assert rule_id in CASES, f"{rule_id} is registered but has no positive/negative case here"
    positive, negative = CASES[rule_id]
    assert rule_id in _fired(*positive())
    assert rule_id not in _fired(*negative())


def test_precise_location_covers_coarse() -> None:
    scan = _scan(permissions=(_permission("ACCESS_COARSE_LOCATION", "location_coarse"),))
    assert "PS201" in _fired(scan, _policy())
    assert "PS201" not in _fired(scan, _policy({"location_precise": "disclosed"}))


def test_a_heading_alone_lowers_the_severity_and_is_quoted() -> None:
    camera = _scan(permissions=(_permission("CAMERA", "camera"),))
    silent = [f for f in audit(camera, _policy()).findings if f.rule.id == "PS201"]
    heading = [
        f
        for f in audit(camera, _policy({"camera": "heading_only"})).findings
        if f.rule.id == "PS201"
    ]
    assert [(f.severity.value, len(f.policy_evidence)) for f in silent] == [("high", 0)]
    assert [(f.severity.value, len(f.policy_evidence)) for f in heading] == [("medium", 1)]
    clip = _scan(calls=(_clipboard_read("umeng-analytics"),))
    heading = [
        f
        for f in audit(clip, _policy({"clipboard": "heading_only"})).findings
        if f.rule.id == "PS202"
    ]
    assert [f.severity.value for f in heading] == ["medium"]


def test_imported_tracker_lists_what_was_searched_for(tmp_path: Path) -> None:
    # A tracker only the imported file knows, in a jar holding one of its classes.
    trackers = tmp_path / "trackers.json"
    trackers.write_text(
        json.dumps(
            {
                "trackers": {
                    "9001": {
                        "id": 9001,
                        "name": "Quoll Geo",
                        "code_signature": "com.quollgeo.",
                        "categories": ["Analytics"],
                        "website": "https://quollgeo.example",
                    }
                }
            }
        )
    )
    jar = tmp_path / "app.jar"
    with zipfile.ZipFile(jar, "w") as zf:
        zf.writestr("com/quollgeo/Locator.class", b"\xca\xfe\xba\xbe")
        zf.writestr("com/example/App.class", b"\xca\xfe\xba\xbe")
    sigset = load_signatures((trackers,))
    result = scan_app(jar, sigset)
    assert [d.sdk_id for d in result.sdks] == ["exodus-9001"]
    findings = audit(result, _policy(), sigset.signatures).findings
    ps101 = [f for f in findings if f.rule.id == "PS101"]
    assert [f.subject for f in ps101] == ["exodus-9001"]
    assert "Quoll Geo" in ps101[0].searched_terms


# --------------------------------------------------------------------------- taxonomy data

_COVERED = sorted((c, g) for c, gs in sdk_taxonomy().coverage.items() for g in gs)


def _sdk_of_category(category: str) -> SdkDetection:
    return SdkDetection(
        sdk_id="hand-made-sdk",
        name="Hand-made SDK",
        vendor="Nobody Ltd.",
        category=category,
        tracking=True,
        status="present",
        class_count=5,
        collects=(),
        evidence=(Evidence("class_package", "com.handmade.sdk", "5 classes", "classes.dex"),),
    )


@pytest.mark.parametrize(
    ("sdk_category", "generic"), _COVERED, ids=[f"{c}-{g}" for c, g in _COVERED]
)
def test_a_generic_disclosure_covers_exactly_its_sdk_categories(
    sdk_category: str, generic: str
) -> None:
    taxonomy = sdk_taxonomy()
    scan = _scan(sdks=(_sdk_of_category(sdk_category),))
    covering = _policy(third_parties=(_party(None, f"{generic} partners", "generic", generic),))
    assert _fired(scan, covering) == {"PS102"}
    other = next(g for g in taxonomy.generic_categories if g not in taxonomy.covering(sdk_category))
    elsewhere = _policy(third_parties=(_party(None, f"{other} partners", "generic", other),))
    assert _fired(scan, elsewhere) == {"PS101"}


def test_every_sdk_category_of_the_schema_has_a_taxonomy_entry() -> None:
    from scanner.catalog import validate_all

    assert validate_all() == []
    categories = {s.category for s in builtin_sdks()}
    assert categories <= set(sdk_taxonomy().coverage)


@pytest.mark.parametrize(
    ("sdk_category", "covered_by", "not_covered_by"),
    [
        ("ads", {"advertising"}, "analytics"),
        ("attribution", {"analytics", "advertising"}, "security"),
        ("device_id", {"advertising", "security"}, "analytics"),
        ("social", {"share", "login"}, "advertising"),
        ("location", {"maps"}, "security"),
        ("web", set(), "analytics"),
    ],
)
def test_taxonomy_facts(sdk_category: str, covered_by: set[str], not_covered_by: str) -> None:
    """The answers chosen where three hand-written tables used to disagree."""
    taxonomy = sdk_taxonomy()
    assert set(taxonomy.covering(sdk_category)) == covered_by
    assert sdk_category not in taxonomy.covered(not_covered_by)
    for generic in covered_by:
        assert sdk_category in taxonomy.covered(generic)
