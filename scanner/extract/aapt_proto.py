"""Message classes for the protobuf files inside an Android App Bundle and a bundletool set.

Only the fields privacy-scan reads are declared; protobuf keeps every other field as an unknown
field, so a newer aapt2 or bundletool that adds fields still parses. The classes are built at
import time from descriptors written here (no protoc, no generated code): the field numbers are
facts of the formats, from aapt2's Resources.proto (`package aapt.pb`: the proto XML of
`<module>/manifest/AndroidManifest.xml` and the `<module>/resources.pb` table) and bundletool's
commands.proto (`package android.bundle`: the `toc.pb` of an `.apks` set).

`Configuration` is read as raw bytes (the same wire type as a message): the reader only needs to
know whether a value is the default configuration, which is the empty message.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_F = descriptor_pb2.FieldDescriptorProto

_TYPES: dict[str, int] = {
    "string": _F.TYPE_STRING,
    "bytes": _F.TYPE_BYTES,
    "uint32": _F.TYPE_UINT32,
    "int32": _F.TYPE_INT32,
    "bool": _F.TYPE_BOOL,
    "float": _F.TYPE_FLOAT,
}

# message -> [(field name, number, type or message name, repeated, oneof name)]
_Field = tuple[str, int, str, bool, str | None]

_AAPT: dict[str, list[_Field]] = {
    "XmlNode": [
        ("element", 1, "XmlElement", False, "node"),
        ("text", 2, "string", False, "node"),
    ],
    "XmlElement": [
        ("namespace_declaration", 1, "XmlNamespace", True, None),
        ("namespace_uri", 2, "string", False, None),
        ("name", 3, "string", False, None),
        ("attribute", 4, "XmlAttribute", True, None),
        ("child", 5, "XmlNode", True, None),
    ],
    "XmlNamespace": [("prefix", 1, "string", False, None), ("uri", 2, "string", False, None)],
    "XmlAttribute": [
        ("namespace_uri", 1, "string", False, None),
        ("name", 2, "string", False, None),
        ("value", 3, "string", False, None),
        ("resource_id", 5, "uint32", False, None),
        ("compiled_item", 6, "Item", False, None),
    ],
    "Item": [
        ("ref", 1, "Reference", False, "value"),
        ("str", 2, "String", False, "value"),
        ("raw_str", 3, "RawString", False, "value"),
        ("styled_str", 4, "StyledString", False, "value"),
        ("prim", 7, "Primitive", False, "value"),
    ],
    "Reference": [
        ("type", 1, "uint32", False, None),
        ("id", 2, "uint32", False, None),
        ("name", 3, "string", False, None),
    ],
    "String": [("value", 1, "string", False, None)],
    "RawString": [("value", 1, "string", False, None)],
    "StyledString": [("value", 1, "string", False, None)],
    "Empty": [],
    "Primitive": [
        ("null_value", 1, "Empty", False, "oneof_value"),
        ("empty_value", 2, "Empty", False, "oneof_value"),
        ("float_value", 3, "float", False, "oneof_value"),
        ("dimension_value", 13, "uint32", False, "oneof_value"),
        ("fraction_value", 14, "uint32", False, "oneof_value"),
        ("int_decimal_value", 6, "int32", False, "oneof_value"),
        ("int_hexadecimal_value", 7, "uint32", False, "oneof_value"),
        ("boolean_value", 8, "bool", False, "oneof_value"),
        ("color_argb8_value", 9, "uint32", False, "oneof_value"),
        ("color_rgb8_value", 10, "uint32", False, "oneof_value"),
        ("color_argb4_value", 11, "uint32", False, "oneof_value"),
        ("color_rgb4_value", 12, "uint32", False, "oneof_value"),
    ],
    "ResourceTable": [("package", 2, "Package", True, None)],
    "Id": [("id", 1, "uint32", False, None)],
    "Package": [
        ("package_id", 1, "Id", False, None),
        ("package_name", 2, "string", False, None),
        ("type", 3, "Type", True, None),
    ],
    "Type": [
        ("type_id", 1, "Id", False, None),
        ("name", 2, "string", False, None),
        ("entry", 3, "Entry", True, None),
    ],
    "Entry": [
        ("entry_id", 1, "Id", False, None),
        ("name", 2, "string", False, None),
        ("config_value", 6, "ConfigValue", True, None),
    ],
    "ConfigValue": [("config", 1, "bytes", False, None), ("value", 2, "Value", False, None)],
    "Value": [("item", 4, "Item", False, None)],
}
"""aapt2's Resources.proto, the fields read. `PackageId`, `TypeId` and `EntryId` are one message
each there, all `uint32 id = 1`; one `Id` stands for the three here (the wire bytes are alike)."""

_BUNDLETOOL: dict[str, list[_Field]] = {
    "BuildApksResult": [
        ("variant", 1, "Variant", True, None),
        ("package_name", 4, "string", False, None),
    ],
    "Variant": [("apk_set", 2, "ApkSet", True, None)],
    "ApkSet": [
        ("module_metadata", 1, "ModuleMetadata", False, None),
        ("apk_description", 2, "ApkDescription", True, None),
    ],
    "ModuleMetadata": [("name", 1, "string", False, None)],
    "ApkDescription": [
        ("path", 2, "string", False, None),
        ("split_apk_metadata", 3, "SplitApkMetadata", False, None),
        ("standalone_apk_metadata", 4, "Empty", False, None),
    ],
    "SplitApkMetadata": [
        ("split_id", 1, "string", False, None),
        ("is_master_split", 2, "bool", False, None),
    ],
    "Empty": [],
}
"""bundletool's commands.proto, the fields of `toc.pb` read."""


def _file(name: str, package: str, messages: dict[str, list[_Field]]) -> Any:
    proto = descriptor_pb2.FileDescriptorProto(name=name, package=package, syntax="proto3")
    for msg_name, fields in messages.items():
        msg = proto.message_type.add(name=msg_name)
        oneofs: list[str] = []
        for field_name, number, kind, repeated, oneof in fields:
            field = msg.field.add(name=field_name, number=number)
            field.label = _F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL
            if kind in _TYPES:
                field.type = _TYPES[kind]  # type: ignore[assignment]
            else:
                field.type = _F.TYPE_MESSAGE
                field.type_name = f".{package}.{kind}"
            if oneof is not None:
                if oneof not in oneofs:
                    oneofs.append(oneof)
                    msg.oneof_decl.add(name=oneof)
                field.oneof_index = oneofs.index(oneof)
    return proto


_POOL = descriptor_pool.DescriptorPool()
_POOL.Add(_file("privacy_scan/aapt.proto", "privacy_scan.aapt", _AAPT))
_POOL.Add(_file("privacy_scan/bundletool.proto", "privacy_scan.bundletool", _BUNDLETOOL))


def _message(full_name: str) -> Any:
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


XmlNode: Any = _message("privacy_scan.aapt.XmlNode")
XmlElement: Any = _message("privacy_scan.aapt.XmlElement")
XmlAttribute: Any = _message("privacy_scan.aapt.XmlAttribute")
Item: Any = _message("privacy_scan.aapt.Item")
ResourceTable: Any = _message("privacy_scan.aapt.ResourceTable")
BuildApksResult: Any = _message("privacy_scan.bundletool.BuildApksResult")

__all__ = ["BuildApksResult", "Item", "ResourceTable", "XmlAttribute", "XmlElement", "XmlNode"]
