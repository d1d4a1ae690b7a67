"""Build the Android App Bundle fixture from the committed shopping demo.

    python samples/build_aab.py          # writes samples/apks/shopping-demo.aab

bundletool cannot be installed here, so the bundle is laid out by hand as the format documents
it. The demo APK's binary manifest is decoded (scanner.extract.axml) and written again as aapt2's
protobuf XML; its typed values are typed again from their text (`@7F020000` a reference, `true`
a boolean, `0x000004E0` a hex integer, digits a decimal integer), which is what the reader must
turn back into the same text. The app is cut into two modules so that merging is exercised:

- `base/`: the manifest without the JPush entries, `dex/classes.dex`, and a `resources.pb`
  holding the two strings the manifest names (the label and the Umeng key);
- `push/`: an install-time feature module whose manifest declares the JPush service, receiver,
  provider and meta-data and the WAKE_LOCK and VIBRATE permissions, with `dex/classes2.dex` and
  `lib/arm64-v8a/libjcore319.so`.

Together they hold exactly what the APK holds. Bytes are reproducible (fixed timestamps, sorted
entries), so a rebuild leaves git clean.
"""

from __future__ import annotations

import copy
import sys
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from build_splits import zip_bytes  # noqa: E402
from lxml import etree  # noqa: E402

from scanner.extract import aapt_proto  # noqa: E402
from scanner.extract.arsc import load_table, resolve_string  # noqa: E402
from scanner.extract.axml import ANDROID_ATTRIBUTES, read_axml  # noqa: E402
from scanner.extract.manifest import ANDROID_NS  # noqa: E402

APKS = REPO / "samples" / "apks"
SOURCE = APKS / "shopping-demo.apk"
OUT = APKS / "shopping-demo.aab"
DIST_NS = "http://schemas.android.com/apk/distribution"
FEATURE = "push"
FEATURE_PERMISSIONS = ("android.permission.WAKE_LOCK", "android.permission.VIBRATE")
FEATURE_COMPONENT_PREFIX = "cn.jpush."
FEATURE_META_DATA_PREFIX = "JPUSH_"
_ATTRIBUTE_IDS = {name: res_id for res_id, name in ANDROID_ATTRIBUTES.items()}

__all__ = ["build", "bundle_entries", "proto_manifest", "resources_pb"]


def _split(clark: str) -> tuple[str, str]:
    if clark.startswith("{"):
        uri, local = clark[1:].split("}", 1)
        return uri, local
    return "", clark


def _typed_item(text: str, item: Any) -> bool:
    """Fill a compiled item from an attribute's text as axml formats it; False for a string."""
    body = text[1:]
    if text[:1] in "@?" and len(body.split(":")[-1]) == 8:
        try:
            res_id = int(body.split(":")[-1], 16)
        except ValueError:
            return False
        item.ref.id = res_id
        item.ref.type = 1 if text[0] == "?" else 0
        return True
    if text in ("true", "false"):
        item.prim.boolean_value = text == "true"
        return True
    if text.startswith("0x") and len(text) == 10:
        item.prim.int_hexadecimal_value = int(text, 16)
        return True
    if text.lstrip("-").isdigit():
        item.prim.int_decimal_value = int(text)
        return True
    return False


def _element(el: Any, out: Any, parent_nsmap: dict[str | None, str]) -> None:
    for prefix, uri in el.nsmap.items():
        if prefix and parent_nsmap.get(prefix) != uri:
            out.namespace_declaration.add(prefix=prefix, uri=uri)
    uri, local = _split(el.tag)
    out.namespace_uri, out.name = uri, local
    for key, value in el.attrib.items():
        a_uri, a_local = _split(key)
        attr = out.attribute.add(namespace_uri=a_uri, name=a_local, value=value)
        if a_uri == ANDROID_NS:
            attr.resource_id = _ATTRIBUTE_IDS.get(a_local, 0)
        if not _typed_item(value, attr.compiled_item):
            attr.ClearField("compiled_item")
    for child in el:
        _element(child, out.child.add().element, dict(el.nsmap))


def proto_manifest(root: Any) -> bytes:
    """An lxml manifest tree as aapt2's protobuf XML."""
    node = aapt_proto.XmlNode()
    _element(root, node.element, {})
    data: bytes = node.SerializeToString(deterministic=True)
    return data


def resources_pb(package: str, strings: dict[int, str]) -> bytes:
    """A resource table holding `strings` (resource id -> text) in the default configuration."""
    table = aapt_proto.ResourceTable()
    pkg = table.package.add(package_name=package)
    pkg.package_id.id = 0x7F
    types: dict[int, Any] = {}
    for res_id, text in sorted(strings.items()):
        type_id = (res_id >> 16) & 0xFF
        if type_id not in types:
            types[type_id] = pkg.type.add(name="string")
            types[type_id].type_id.id = type_id
        entry = types[type_id].entry.add(name=f"s{res_id & 0xFFFF:04x}")
        entry.entry_id.id = res_id & 0xFFFF
        entry.config_value.add().value.item.str.value = text
    data: bytes = table.SerializeToString(deterministic=True)
    return data


def _referenced_strings(root: Any, arsc: bytes) -> dict[int, str]:
    table = load_table(arsc)
    found: dict[int, str] = {}
    for el in root.iter():
        for value in el.attrib.values():
            if value.startswith("@7F"):
                text = resolve_string(table, value)
                if text is not None:
                    found[int(value[1:], 16)] = text
    return found


def _is_feature_entry(el: Any) -> bool:
    name = el.get(f"{{{ANDROID_NS}}}name") or ""
    local = _split(el.tag)[1]
    if local == "uses-permission":
        return name in FEATURE_PERMISSIONS
    if local == "meta-data":
        return name.startswith(FEATURE_META_DATA_PREFIX)
    return local in ("service", "receiver", "provider") and name.startswith(
        FEATURE_COMPONENT_PREFIX
    )


def _cut_manifests(root: Any) -> tuple[Any, Any]:
    """(base manifest, feature manifest): the feature takes the JPush entries out of the base."""
    base = copy.deepcopy(root)
    moved: list[Any] = []
    for el in list(base.iter()):
        if _is_feature_entry(el):
            el.getparent().remove(el)
            moved.append(el)
    feature = etree.Element(
        "manifest",
        {"package": root.get("package"), "split": FEATURE, "featureSplit": FEATURE},
        nsmap={"android": ANDROID_NS, "dist": DIST_NS},
    )
    feature.set(f"{{{ANDROID_NS}}}versionCode", root.get(f"{{{ANDROID_NS}}}versionCode"))
    module = etree.SubElement(feature, f"{{{DIST_NS}}}module", {f"{{{DIST_NS}}}instant": "false"})
    delivery = etree.SubElement(module, f"{{{DIST_NS}}}delivery")
    etree.SubElement(delivery, f"{{{DIST_NS}}}install-time")
    application = etree.Element("application", {f"{{{ANDROID_NS}}}hasCode": "true"})
    for el in moved:
        if _split(el.tag)[1] == "uses-permission":
            feature.append(el)
    feature.append(application)
    for el in moved:
        if _split(el.tag)[1] != "uses-permission":
            application.append(el)
    return base, feature


def bundle_entries(source: Path = SOURCE) -> dict[str, bytes]:
    """Every entry of the bundle cut from `source`."""
    with zipfile.ZipFile(source) as zf:
        apk = {n: zf.read(n) for n in zf.namelist()}
    root = read_axml(apk["AndroidManifest.xml"])
    base, feature = _cut_manifests(root)
    package = str(root.get("package"))
    return {
        "BundleConfig.pb": b"",  # an empty BundleConfig message: every field at its default
        "base/manifest/AndroidManifest.xml": proto_manifest(base),
        "base/dex/classes.dex": apk["classes.dex"],
        "base/resources.pb": resources_pb(
            package, _referenced_strings(root, apk["resources.arsc"])
        ),
        f"{FEATURE}/manifest/AndroidManifest.xml": proto_manifest(feature),
        f"{FEATURE}/dex/classes2.dex": apk["classes2.dex"],
        **{f"{FEATURE}/{n}": b for n, b in apk.items() if n.startswith("lib/")},
    }


def build(out: Path = OUT) -> Path:
    out.write_bytes(zip_bytes(bundle_entries()))
    return out


if __name__ == "__main__":
    path = build()
    print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size} bytes)")
