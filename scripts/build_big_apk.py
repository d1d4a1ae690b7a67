#!/usr/bin/env python3
"""Build a large multi-dex benchmark APK from the real-world cache (never committed).

The dex files of every cached real app are copied, round after round, into one APK
(classes.dex, classes2.dex, ...) until it defines at least --min-classes classes (class_defs
summed over the dex files; later rounds repeat classes, as a worst case for the scanner). The
binary AndroidManifest.xml and resources.arsc come from Yosemite.apk, so the result is an APK the
whole pipeline accepts.

Usage: python scripts/build_big_apk.py [--min-classes 150000] [--out .cache/bench/big.apk]
Needs: python scripts/fetch_real_world.py
"""

from __future__ import annotations

import argparse
import re
import struct
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / ".cache" / "real-world" / "apps"
SOURCES = (
    "Yosemite.apk",
    "pocoservice-debug.apk",
    "appium-uiautomator2-server-v10.6.6.apk",
    "settings_apk-debug.apk",
    "ApiDemos-debug.apk",
    "app-uiautomator.apk",
)
MANIFEST_FROM = "Yosemite.apk"
_DEX = re.compile(r"^classes\d*\.dex$")


def class_def_count(dex: bytes) -> int:
    """class_defs_size from the dex header."""
    return int(struct.unpack_from("<I", dex, 0x60)[0])


def load_dex_files() -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for name in SOURCES:
        path = APPS / name
        if not path.is_file():
            raise SystemExit(f"{path} missing: run scripts/fetch_real_world.py first")
        with zipfile.ZipFile(path) as apk:
            out += [(f"{name}!{n}", apk.read(n)) for n in sorted(apk.namelist()) if _DEX.match(n)]
    return out


def build(out: Path, min_classes: int) -> tuple[int, int]:
    """Write the APK; return (dex files, class definitions)."""
    sources = load_dex_files()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part")
    classes = 0
    count = 0
    with (
        zipfile.ZipFile(APPS / MANIFEST_FROM) as donor,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as apk,
    ):
        apk.writestr("AndroidManifest.xml", donor.read("AndroidManifest.xml"))
        apk.writestr("resources.arsc", donor.read("resources.arsc"))
        while classes < min_classes:
            for _origin, dex in sources:
                count += 1
                apk.writestr("classes.dex" if count == 1 else f"classes{count}.dex", dex)
                classes += class_def_count(dex)
                if classes >= min_classes:
                    break
    tmp.replace(out)
    return count, classes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-classes", type=int, default=150_000)
    parser.add_argument("--out", type=Path, default=ROOT / ".cache" / "bench" / "big.apk")
    args = parser.parse_args(argv)
    dex_files, classes = build(args.out, args.min_classes)
    size = args.out.stat().st_size
    print(f"{args.out}: {dex_files} dex files, {classes} class definitions, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
