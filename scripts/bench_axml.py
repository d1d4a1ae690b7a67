#!/usr/bin/env python3
"""Time the manifest reader (scanner.extract.axml) against androguard's AXMLPrinter.

For each APK (default: Yosemite.apk and framework-res.apk from the real-world cache, when
there), the AndroidManifest.xml is decoded `--repeat` times by each reader and the best time is
printed side by side, with the ManifestFacts compared. The import cost of each reader is measured
in fresh child processes with `python -X importtime`.

    python scripts/bench_axml.py
    python scripts/bench_axml.py path/to/app.apk --repeat 50
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / ".cache" / "real-world" / "apps"
DEFAULT = [APPS / "Yosemite.apk", APPS / "framework-res.apk"]
MODULES = ("scanner.extract.axml", "androguard.core.axml")


def import_ms(module: str, pycache: str) -> float:
    """The module's cumulative import time (dependencies not loaded yet included) by
    `python -X importtime`, best of three fresh interpreters with lxml preloaded (both readers
    use it) and bytecode cached under `pycache`, as an installed package has it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    argv = [sys.executable, "-X", "importtime", "-c", f"import lxml.etree, {module}"]
    best = float("inf")
    for _ in range(4):  # the first run writes the bytecode cache
        out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        for line in out.stderr.splitlines():
            fields = [f.strip() for f in line.split("|")]
            if fields[-1] == module:
                best = min(best, int(fields[1]) / 1000)
    return best


def best_ms(parse: Callable[[bytes], Any], data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse(data)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apks", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    with tempfile.TemporaryDirectory() as pycache:
        for module in MODULES:
            print(f"import {module:<22} {import_ms(module, pycache):8.1f} ms")

    from androguard.core.axml import AXMLPrinter
    from loguru import logger

    from scanner.extract.axml import read_axml
    from scanner.extract.manifest import facts_from_tree

    logger.disable("androguard")

    def androguard_tree(data: bytes) -> Any:
        return AXMLPrinter(data).get_xml_obj()

    print(f"{'manifest':<28} {'bytes':>9} {'ours ms':>9} {'androguard ms':>14} {'ratio':>6}  facts")
    for apk in args.apks:
        if not apk.is_file():
            print(f"{apk.name:<28} (not present)")
            continue
        with zipfile.ZipFile(apk) as zf:
            data = zf.read("AndroidManifest.xml")
        ours = best_ms(read_axml, data, args.repeat)
        theirs = best_ms(androguard_tree, data, args.repeat)
        same = facts_from_tree(read_axml(data)) == facts_from_tree(androguard_tree(data))
        print(
            f"{apk.name:<28} {len(data):>9} {ours:>9.2f} {theirs:>14.2f} {theirs / ours:>5.0f}x"
            f"  {'equal' if same else 'DIFFERENT'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
