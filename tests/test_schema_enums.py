"""The JSON schema's enum lists and the Python enums are one set of values, so neither can drift.

Every `enum` in reports/schema/scan-result.schema.json must be listed in SCHEMA_ENUMS with the
Python enum it documents, and every StrEnum of the result model must appear in the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from types import ModuleType
from typing import Any

import pytest

from scanner import model
from scanner.compare.model import Severity
from scanner.policy import model as policy_model
from scanner.resources import data_dir
from scanner.signatures.catalog import permission_levels

SCHEMA_ENUMS: dict[str, type[StrEnum]] = {
    "/$defs/evidence/properties/kind": model.EvidenceKind,
    "/properties/app/properties/kind": model.AppKind,
    "/properties/permissions/items/properties/protection_level": model.ProtectionLevel,
    "/properties/permissions/items/properties/elements/items": model.PermissionElement,
    "/properties/startup/items/properties/kind": model.StartupKind,
    "/properties/startup/items/properties/component_kind": model.ComponentKind,
    "/properties/sdks/items/properties/status": model.SdkStatus,
    "/properties/native_libraries/items/properties/format": model.NativeFormat,
    "/properties/components/items/properties/kind": model.ComponentKind,
    "/properties/queries/items/properties/kind": model.QueryKind,
    "/properties/code_units/items/properties/format": model.CodeUnitFormat,
    "/properties/findings/items/properties/severity": Severity,
    "/properties/call_sites/items/properties/access": model.ApiAccess,
    "/properties/call_sites/items/properties/evidence_kind": model.CodeEvidenceKind,
    "/properties/call_sites/items/properties/owner_kind": model.OwnerKind,
    "/properties/call_sites/items/properties/strength": model.Strength,
    "/properties/unidentified/items/properties/kind": model.UnidentifiedKind,
    "/$defs/policy_evidence/properties/strength": policy_model.SegmentKind,
    "/$defs/policy_evidence/properties/polarity": policy_model.Polarity,
    "/properties/policy/properties/format": policy_model.PolicyFormat,
    "/properties/policy/properties/categories/items/properties/status": policy_model.Status,
    "/properties/policy/properties/third_parties/items/properties/kind": (
        policy_model.ThirdPartyKind
    ),
}
"""JSON pointer of each enum in the schema -> the Python enum whose values it lists."""


def _schema() -> dict[str, Any]:
    path = data_dir("reports") / "schema" / "scan-result.schema.json"
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def _enums(node: Any, pointer: str = "") -> Iterator[tuple[str, list[Any]]]:
    """(JSON pointer, values) of every `enum` keyword in the schema."""
    if isinstance(node, dict):
        if "enum" in node:
            yield pointer, node["enum"]
        for key, child in node.items():
            yield from _enums(child, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _enums(child, f"{pointer}/{i}")


def _at(doc: dict[str, Any], pointer: str) -> Any:
    node: Any = doc
    for part in pointer.strip("/").split("/"):
        node = node[part]
    return node


def test_every_schema_enum_has_a_python_enum() -> None:
    found = {pointer for pointer, _ in _enums(_schema())}
    assert found == set(SCHEMA_ENUMS)


@pytest.mark.parametrize("pointer", sorted(SCHEMA_ENUMS))
def test_schema_enum_equals_python_enum(pointer: str) -> None:
    values = _at(_schema(), pointer)["enum"]
    assert values == [member.value for member in SCHEMA_ENUMS[pointer]]


@pytest.mark.parametrize("module", [model, policy_model], ids=lambda m: m.__name__)
def test_every_model_enum_is_in_the_schema(module: ModuleType) -> None:
    defined = {
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj.__module__ == module.__name__
    }
    assert defined
    assert defined <= set(SCHEMA_ENUMS.values())


def test_the_walk_finds_an_enum_added_anywhere() -> None:
    """Negative case: an enum the mapping does not know (here, on meta_data) is reported."""
    schema = _schema()
    schema["properties"]["meta_data"]["items"]["properties"] = {"owner": {"enum": ["app"]}}
    found = {pointer for pointer, _ in _enums(schema)}
    assert found - set(SCHEMA_ENUMS) == {"/properties/meta_data/items/properties/owner"}


def test_permission_data_levels_are_protection_levels() -> None:
    levels = set(permission_levels().values())
    assert levels <= {level.value for level in model.ProtectionLevel}
    assert "dangerous" in levels


def test_direct_code_evidence_is_invoke_field_read_and_macho_import() -> None:
    kinds = model.CodeEvidenceKind
    direct = {kinds.INVOKE, kinds.FIELD_READ, kinds.MACHO_IMPORT}
    assert {k for k in kinds if k.is_direct} == direct
    assert direct == model.DIRECT_CODE_EVIDENCE
    assert not kinds.CONST_STRING.is_direct and not kinds.REFLECTION_STRING.is_direct


def test_enum_members_serialise_as_their_values() -> None:
    evidence = model.Evidence(model.EvidenceKind.CALL_SITE, "a.B.c", "read x", "classes.dex")
    assert json.dumps({"kind": evidence.kind}) == '{"kind": "call_site"}'
    assert f"{model.NativeFormat.MACHO}" == "MachO"
