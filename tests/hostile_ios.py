"""Hostile iOS apps for tests/hostile.py, built from the iOS demo's parts (samples/build_ipa.py).

Plist bombs (huge, deeply nested, many entries, shared references), corrupt binary plists, fat
Mach-O headers with bogus offsets and counts, mutated Mach-O images, zip-slip names inside
Payload/, a missing Info.plist, and script strings planted in the plist for the HTML report.
An unreadable Info.plist is the input's error (exit 2); a bad binary or framework manifest is a
warning, and the scan goes on (exit 0 or 1).
"""

from __future__ import annotations

import importlib.util
import plistlib
import random
import struct
from types import ModuleType
from typing import TYPE_CHECKING, Any

from hostile import REPO, XSS_MARKERS, flip_bytes

if TYPE_CHECKING:
    from hostile import _Writer

EXIT_2 = frozenset({2})
SCANNED = frozenset({0, 1})


def load_build_ipa() -> ModuleType:
    """samples/build_ipa.py as a module (tests build IPA variants from its parts)."""
    spec = importlib.util.spec_from_file_location("build_ipa", REPO / "samples" / "build_ipa.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _deep_binary_plist(depth: int) -> bytes:
    """A binary plist of `depth` nested one-element arrays, written by hand (plistlib's writer
    recurses and would stop first)."""
    # Object n is an array holding object n+1; the last is an empty dictionary.
    count = depth + 1
    ref = 4 if count > 0xFFFF else 2
    objects = []
    for n in range(depth):
        objects.append(b"\xa1" + (n + 1).to_bytes(ref, "big"))
    objects.append(b"\xd0")
    body = bytearray(b"bplist00")
    offsets = []
    for obj in objects:
        offsets.append(len(body))
        body += obj
    table_at = len(body)
    for off in offsets:
        body += off.to_bytes(4, "big")
    body += struct.pack(">6xBBQQQ", 4, ref, count, 0, table_at)
    return bytes(body)


def _info(b: ModuleType, **extra: Any) -> bytes:
    return b.binary_plist(b.app_info() | extra)


def ios_family(w: _Writer, rng: random.Random, scale: int) -> None:
    b = load_build_ipa()
    base = b.demo_parts()

    def ipa(
        label: str, parts: dict[str, bytes], expect: frozenset[int], html: bool = False
    ) -> None:
        w.app("ios", label, b.zip_bytes(parts), suffix=".ipa", expect=expect, html=html)

    def with_info(data: bytes) -> dict[str, bytes]:
        return base | {b.APP + "Info.plist": data}

    # Plist bombs in Info.plist: every one is refused.
    ipa(
        "plist-huge",
        with_info(b"<?xml version='1.0'?><plist><array>" + b"<true/>" * (2 << 20)),
        EXIT_2,
    )
    ipa("plist-many", with_info(_info(b, Bomb=list(range(300_000)))), EXIT_2)
    deep_xml = b"<plist>" + b"<array>" * 50_000 + b"</array>" * 50_000 + b"</plist>"
    ipa("plist-deep-xml", with_info(deep_xml), EXIT_2)
    ipa("plist-deep-binary", with_info(_deep_binary_plist(100_000)), EXIT_2)
    shared: object = "leaf"
    for _ in range(48):
        shared = [shared, shared]
    ipa("plist-shared-refs", with_info(_info(b, Bomb=shared)), EXIT_2)
    ipa(
        "plist-entity",
        with_info(
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><plist><dict>'
            b"<key>k</key><string>&a;</string></dict></plist>"
        ),
        EXIT_2,
    )
    # Corrupt binary plists: cut, header only, bytes flipped (some still parse).
    info = base[b.APP + "Info.plist"]
    for cut in range(8, len(info), max(1, len(info) // (2 * scale))):
        ipa(f"plist-cut{cut}", with_info(info[:cut]), EXIT_2)
    ipa("plist-header-only", with_info(b"bplist00"), EXIT_2)
    trailer = bytearray(info)
    trailer[-8:] = (1 << 62).to_bytes(8, "big")  # offset table far outside
    ipa("plist-bad-trailer", with_info(bytes(trailer)), EXIT_2)
    for label, mutant in flip_bytes(info, rng, 6 * scale):
        ipa(f"plist-{label}", with_info(mutant), frozenset({0, 1, 2}))
    # A framework's privacy manifest is not needed: its bombs are warnings.
    ipa("manifest-bomb", base | {b.SDK + "PrivacyInfo.xcprivacy": deep_xml}, SCANNED)
    ipa(
        "missing-info", {k: v for k, v in base.items() if not k.endswith(".app/Info.plist")}, EXIT_2
    )

    # Mach-O: bogus fat headers and mutated images are warnings; the scan goes on.
    exe = base[b.APP + "RakufunShop"]
    fat = bytearray(b"\xca\xfe\xba\xbe" + struct.pack(">I", 1))
    fat += struct.pack(">iiIII", 0x0100000C, 0, 4096, len(exe), 12) + bytes(4096 - 28) + exe
    for label, offset, size in (
        ("fat-offset-past-end", 1 << 31, len(exe)),
        ("fat-size-past-end", 4096, 1 << 31),
        ("fat-offset-in-header", 8, len(exe)),
        ("fat-zero-size", 4096, 0),
    ):
        bad = bytearray(fat)
        struct.pack_into(">II", bad, 16, offset, size)
        ipa(f"macho-{label}", base | {b.APP + "RakufunShop": bytes(bad)}, SCANNED)
        w.app("ios", f"lone-{label}", bytes(bad), suffix=".dylib", expect=frozenset({0, 1, 2}))
    count = bytearray(fat)
    struct.pack_into(">I", count, 4, 0xFFFFFFFF)
    ipa("macho-fat-count", base | {b.APP + "RakufunShop": bytes(count)}, SCANNED)
    cmds = bytearray(exe)
    struct.pack_into("<II", cmds, 16, 0xFFFFFFFF, 0xFFFFFFF0)
    ipa("macho-ncmds", base | {b.APP + "RakufunShop": bytes(cmds)}, SCANNED)
    for label, mutant in flip_bytes(exe[:4096], rng, 6 * scale):
        ipa(f"macho-{label}", base | {b.APP + "RakufunShop": mutant + exe[4096:]}, SCANNED)
    for cut in range(0, len(exe), max(1, len(exe) // scale)):
        ipa(f"macho-cut{cut}", base | {b.APP + "RakufunShop": exe[:cut]}, SCANNED)

    # Zip-slip names inside Payload/: ignored, never written.
    for name in (
        "../../../../tmp/privacy-scan-zipslip",
        "Frameworks/../../../escape.framework/escape",
        "/tmp/privacy-scan-zipslip-abs",
        "PlugIns/../../../../x.appex/PrivacyInfo.xcprivacy",
    ):
        ipa(
            f"slip-{name[:30]}",
            base | {b.APP + name: b"root:x:0:0::/root:/bin/sh\n"},
            SCANNED,
            html=True,
        )
    ipa("slip-payload-dotdot", base | {"Payload/../Evil.app/Info.plist": info}, SCANNED)

    # Script strings where the report shows plist text.
    planted = _info(
        b,
        CFBundleDisplayName=XSS_MARKERS[0],
        NSBluetoothAlwaysUsageDescription=XSS_MARKERS[1],
        UIBackgroundModes=[XSS_MARKERS[2]],
    )
    ipa("xss-plist", with_info(planted), SCANNED, html=True)
    planted_manifest = plistlib.dumps(
        {"NSPrivacyTracking": True, "NSPrivacyTrackingDomains": [XSS_MARKERS[0]]}
    )
    ipa(
        "xss-manifest",
        base | {b.SDK + "PrivacyInfo.xcprivacy": planted_manifest},
        SCANNED,
        html=True,
    )
