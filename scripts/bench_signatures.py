#!/usr/bin/env python3
"""Does SDK matching grow with the number of signatures? Time the signature-dependent work of a
scan with the built-in set, with the built-in set plus the εxodus import, and with the built-in
set plus N synthetic signatures (default 5 times the built-in count).

The APK is extracted once (with its code); then, per signature set, the script times
`scanner.detect.detect` (SDKs, startup, call sites and their owners) and, on its own, the
matching itself: `detect_sdks` plus the name-based owner of every class of the app (worst case:
the call-site scan asks only for the callers), 4 x 5,000 manifest-side lookups (native
library, component, meta-data key and asset names that no signature holds, the common case), and
the whole `scan_app` (extraction included: what the 10 s budget of issue 12 is about). Each set
runs --repeat times; the best is printed.

    env -u PYTHONDONTWRITEBYTECODE python scripts/bench_signatures.py .cache/bench/big.apk
    python scripts/bench_signatures.py .cache/real-world/apps/Yosemite.apk --factor 5 --repeat 3

Synthetic signatures have every kind of evidence a real file has (package prefixes, exact and
wildcard components, native libraries, meta-data keys, assets, Objective-C prefixes) under names
no app holds, so they cost a lookup each and match nothing: exactly what a large catalogue adds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.signatures.catalog import SdkSignature, builtin_sdks  # noqa: E402

EXODUS = ROOT.parent / "shared" / "data" / "exodus_trackers.json"


def synthetic(count: int) -> tuple[SdkSignature, ...]:
    """`count` signatures shaped like real ones, under vendor names that exist nowhere."""
    out = []
    for i in range(count):
        base = f"com.synthvendor{i}"
        out.append(
            SdkSignature(
                id=f"synthetic-{i}",
                name=f"Synthetic SDK {i}",
                vendor=f"Synthetic Vendor {i}",
                category="analytics",
                tracking=True,
                collects=(),
                packages=(f"{base}.sdk", f"{base}.core", f"cn.synth{i}.android"),
                exclude_packages=(f"{base}.sdk.demo",),
                min_classes=3,
                native_libs=(f"libsynth{i}.so", f"libsynth{i}_*.so"),
                components=(f"{base}.sdk.PushService", f"{base}.sdk.ui.*", f"cn.synth{i}.*"),
                meta_data=(f"SYNTH{i}_APPKEY", f"{base}.sdk.*"),
                assets=(f"*synth{i}_config.json", f"assets/synth{i}/*"),
                objc_classes=(f"SYNTH{i}", f"Synth{i}Manager"),
                aliases=(("en", (f"Synthetic {i}",)),),
                sources=("synthetic",),
            )
        )
    return tuple(out)


def _best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apk", type=Path)
    parser.add_argument(
        "--factor", type=int, default=5, help="synthetic set = factor times the built-in set"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exodus", type=Path, default=EXODUS, help="εxodus tracker file")
    args = parser.parse_args(argv)

    from scanner.detect import detect
    from scanner.detect.ownership import OwnerIndex
    from scanner.detect.sdks import SdkIndex, detect_sdks
    from scanner.extract import extract_app
    from scanner.extract.archive import DEFAULT_LIMITS
    from scanner.pipeline import SignatureSet, load_signatures, scan_app
    from scanner.signatures.libraries import builtin_libraries

    start = time.perf_counter()
    extracted = extract_app(args.apk, DEFAULT_LIMITS, keep_code=True)
    inv = extracted.inventory
    print(
        f"{args.apk.name}: {len(inv.class_names)} classes, {len(inv.components)} components, "
        f"{len(inv.native_libraries)} native libs, {len(inv.assets)} assets "
        f"(extracted in {time.perf_counter() - start:.2f} s)"
    )
    builtin = builtin_sdks()
    sets: dict[str, tuple[SdkSignature, ...]] = {"built-in": builtin}
    if args.exodus.is_file():
        sets["built-in + εxodus"] = load_signatures([args.exodus]).signatures
    extra = synthetic(len(builtin) * (args.factor - 1))
    sets[f"built-in + {len(extra)} synthetic"] = builtin + extra

    libraries = builtin_libraries()
    names = [f"x{i}.y{i % 7}.Name{i}" for i in range(5000)]
    libs = [f"libname{i}.so" for i in range(5000)]
    assets = [f"assets/dir{i % 50}/file{i}.json" for i in range(5000)]
    header = f"{'signature set':<28} {'sigs':>5} {'match s':>8} {'lookups s':>9} {'detect s':>9}"
    header += f" {'scan_app s':>10}"
    print(header + "  SDKs found")
    for name, sigs in sets.items():

        def matching(sigs: tuple[SdkSignature, ...] = sigs) -> int:
            index = SdkIndex(sigs)
            owners = OwnerIndex(index, libraries, inv.identity.package)
            for cls in inv.class_names:
                owners.owner_of(cls)
            return len(detect_sdks(inv, index))

        match_s = _best(args.repeat, matching)

        def lookups(sigs: tuple[SdkSignature, ...] = sigs) -> None:
            index = SdkIndex(sigs)
            for name, lib, asset in zip(names, libs, assets, strict=True):
                index.component_owners(name)
                index.meta_data_owners(name)
                index.native_lib_owners(lib)
                index.asset_owners(asset)

        lookup_s = _best(args.repeat, lookups)
        result = None

        def whole(sigs: tuple[SdkSignature, ...] = sigs) -> None:
            nonlocal result
            result = detect(inv, sigs, code=extracted.code)

        detect_s = _best(args.repeat, whole)
        found = len(result.sdks) if result is not None else 0

        def scan(sigs: tuple[SdkSignature, ...] = sigs) -> None:
            scan_app(args.apk, SignatureSet(sigs, ("bench",)))

        scan_s = _best(args.repeat, scan)
        print(
            f"{name:<28} {len(sigs):>5} {match_s:8.3f} {lookup_s:9.3f} {detect_s:9.3f}"
            f" {scan_s:10.3f}  {found}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
