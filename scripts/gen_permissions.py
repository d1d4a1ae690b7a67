"""Generate `signatures/permissions.json`: Android permission name -> protection level.

The platform permissions come from a real framework build: the binary `AndroidManifest.xml` of
`framework-res.apk` declares every platform permission with its `android:protectionLevel`. Debian's
package `android-framework-res` ships one:

    apt-get install -y android-framework-res
    python scripts/gen_permissions.py /usr/share/android-framework-res/framework-res.apk

Permissions added to the platform after that build (and a few non-platform ones apps request,
such as Google Play services' AD_ID) come from the hand-kept
`signatures/permissions-supplement.json`, which names a source for every entry.

Sources for the encoding of `protectionLevel` (a base in the low four bits plus flag bits):
- AOSP frameworks/base core/java/android/content/pm/PermissionInfo.java (PROTECTION_* constants)
- https://developer.android.com/reference/android/R.attr#protectionLevel
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from androguard.core.axml import AXMLPrinter
from androguard.util import set_log

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SUPPLEMENT = REPO / "signatures" / "permissions-supplement.json"
DEFAULT_OUT = REPO / "signatures" / "permissions.json"
DEBIAN_PACKAGE = "android-framework-res"

ANDROID_NS = "{http://schemas.android.com/apk/res/android}"

# PermissionInfo.PROTECTION_MASK_BASE and the base values below it.
BASE_MASK = 0xF
BASE_NAMES = {0: "normal", 1: "dangerous", 2: "signature", 4: "internal"}
# Deprecated base: PermissionInfo.fixProtectionLevel turns it into signature|privileged.
SIGNATURE_OR_SYSTEM = 3

# PermissionInfo.PROTECTION_FLAG_* bits, named as in the android:protectionLevel attribute.
FLAG_NAMES = {
    0x10: "privileged",
    0x20: "development",
    0x40: "appop",
    0x80: "pre23",
    0x100: "installer",
    0x200: "verifier",
    0x400: "preinstalled",
    0x800: "setup",
    0x1000: "instant",
    0x2000: "runtime",
    0x4000: "oem",
    0x8000: "vendorPrivileged",
    0x10000: "textClassifier",
    0x20000: "wellbeing",
    0x40000: "documenter",
    0x80000: "configurator",
    0x100000: "incidentReportApprover",
    0x200000: "appPredictor",
    0x400000: "module",
    0x800000: "companion",
    0x1000000: "retailDemo",
    0x2000000: "recents",
    0x4000000: "role",
    0x8000000: "knownSigner",
}

LEVELS = frozenset(BASE_NAMES.values()) | {"unknown"}


class GenerationError(Exception):
    """An input that cannot be turned into permissions.json."""


def decode_protection_level(value: int) -> tuple[str, list[str]]:
    """Split a protectionLevel integer into its base name and its flag names (bit order)."""
    base = value & BASE_MASK
    flags = value & ~BASE_MASK
    if base == SIGNATURE_OR_SYSTEM:
        base, flags = 2, flags | 0x10
    if base not in BASE_NAMES:
        raise GenerationError(f"unknown protection level base {base} in {value:#x}")
    names = []
    bit = 0x10
    while flags >= bit:
        if flags & bit:
            names.append(FLAG_NAMES.get(bit, f"{bit:#x}"))
        bit <<= 1
    return BASE_NAMES[base], names


def is_special(level: str, flags: Sequence[str]) -> bool:
    """A signature permission an ordinary app can still get from the user through an app-op.

    These are the "special app access" permissions (MANAGE_EXTERNAL_STORAGE, SYSTEM_ALERT_WINDOW,
    REQUEST_INSTALL_PACKAGES, WRITE_SETTINGS, PACKAGE_USAGE_STATS, SCHEDULE_EXACT_ALARM, ...):
    granted in Settings, not by a runtime dialog.
    """
    return level == "signature" and "appop" in flags


def read_framework_permissions(apk: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Each framework <permission> (name -> raw protectionLevel), and the platform version."""
    try:
        with zipfile.ZipFile(apk) as archive:
            raw = archive.read("AndroidManifest.xml")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise GenerationError(f"{apk}: cannot read AndroidManifest.xml: {exc}") from exc
    root = AXMLPrinter(raw).get_xml_obj()
    if root is None or root.get("package") != "android":
        raise GenerationError(f"{apk}: not the platform's framework-res (package 'android')")
    levels: dict[str, int] = {}
    for element in root.iter("permission"):
        name = element.get(f"{ANDROID_NS}name")
        if not name:
            continue
        # A missing attribute means normal; AXMLPrinter renders flag ints as hex strings.
        levels[name] = int(element.get(f"{ANDROID_NS}protectionLevel") or "0", 0)
    if not levels:
        raise GenerationError(f"{apk}: the manifest declares no permission")
    facts = {
        "versionName": root.get(f"{ANDROID_NS}versionName") or "?",
        "versionCode": root.get(f"{ANDROID_NS}versionCode") or "?",
    }
    return levels, facts


def debian_package_version(package: str) -> str | None:
    """The installed version of a Debian package, or None where dpkg does not know it."""
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", package],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def load_supplement(path: Path) -> dict[str, Any]:
    """The hand-kept supplement, checked: every entry has a known level, flags and a source."""
    try:
        loaded: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GenerationError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(loaded, dict) or not isinstance(loaded.get("permissions"), dict):
        raise GenerationError(f"{path}: no 'permissions' object")
    doc: dict[str, Any] = loaded
    entries: dict[str, Any] = doc["permissions"]
    problems = []
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            problems.append(f"{name}: not an object")
            continue
        if entry.get("protection_level") not in LEVELS:
            problems.append(f"{name}: protection_level {entry.get('protection_level')!r}")
        if not isinstance(entry.get("flags", []), list):
            problems.append(f"{name}: flags is not a list")
        if not entry.get("source"):
            problems.append(f"{name}: no source")
    if problems:
        raise GenerationError(f"{path}: " + "; ".join(problems))
    return doc


def build(apk: Path, supplement_path: Path, framework_version: str | None) -> dict[str, Any]:
    """The permissions.json document."""
    raw_levels, facts = read_framework_permissions(apk)
    version = framework_version or debian_package_version(DEBIAN_PACKAGE)
    framework_source = (
        f"Debian package {DEBIAN_PACKAGE} {version or '(version unknown)'}: "
        f"{apk.name} AndroidManifest.xml, platform {facts['versionName']} "
        f"(API {facts['versionCode']})"
    )
    permissions: dict[str, dict[str, Any]] = {}
    for name, value in raw_levels.items():
        level, flags = decode_protection_level(value)
        permissions[name] = {
            "protection_level": level,
            "flags": flags,
            "special": is_special(level, flags),
            "source": "framework-res",
        }
    supplement = load_supplement(supplement_path)
    for name, entry in supplement["permissions"].items():
        if name in permissions and not entry.get("override", False):
            continue  # the framework build is authoritative unless the supplement says otherwise
        flags = list(entry.get("flags", []))
        level = entry["protection_level"]
        merged: dict[str, Any] = {
            "protection_level": level,
            "flags": flags,
            "special": is_special(level, flags),
            "source": entry["source"],
        }
        if "added_in" in entry:
            merged["added_in"] = entry["added_in"]
        if "note" in entry:
            merged["note"] = entry["note"]
        permissions[name] = merged
    return {
        "source": [framework_source, *supplement.get("source", [])],
        "generated_by": "scripts/gen_permissions.py",
        "notes": (
            "protection_level is the base level (normal, dangerous, signature, internal; "
            "'unknown' for vendor permissions whose declaration is not public); flags are the "
            "protectionLevel flag names; special marks signature|appop permissions an app can be "
            "granted as special app access. source 'framework-res' means the first 'source' line."
        ),
        "permissions": dict(sorted(permissions.items())),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: 0 on success, 1 when an input is unusable."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framework_res", type=Path, help="path to framework-res.apk")
    parser.add_argument("--supplement", type=Path, default=DEFAULT_SUPPLEMENT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--framework-version",
        help=f"version of the {DEBIAN_PACKAGE} package (default: asked from dpkg)",
    )
    args = parser.parse_args(argv)
    set_log("ERROR")  # androguard logs every parsed attribute at DEBUG
    try:
        doc = build(args.framework_res, args.supplement, args.framework_version)
    except GenerationError as exc:
        print(f"gen_permissions: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(doc['permissions'])} permissions to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
