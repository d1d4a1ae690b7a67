#!/usr/bin/env python3
"""Benchmark privacy-scan on an APK against the floor (inflating the dex files) and androguard.

Each measurement runs in its own child process; its wall time is measured inside the child
(imports excluded); its CPU time (user + system, imports included) and peak memory (ru_maxrss)
are the child's as returned by os.wait4, which includes the child's own worker processes.
Printed side by side, with wall-time ratios to the floor. On a loaded machine trust CPU s.

    python scripts/bench_scan.py .cache/real-world/apps/Yosemite.apk
    python scripts/bench_scan.py .cache/bench/big.apk --jobs 2
    python scripts/bench_scan.py .cache/real-world/apps/ApiDemos-debug.apk --androguard

Whole-process measurements (--process; median of --repeat runs, wall time, imports included):
  python        `python -c pass`: the interpreter's own start
  inflate-proc  a process that only reads every classes*.dex entry into memory (the floor)
  privacy-scan  `python -m scanner scan APK -q`: what a user or a CI step waits for

Measurements:
  inflate      read every classes*.dex entry into memory (the floor for any dex scanner)
  dex-scan     class names of every dex + call sites (scanner.detect.callsites.find_call_sites)
  scan_app     the whole pipeline, scanner.pipeline.scan_app (when importable)
  androguard   androguard.misc.AnalyzeAPK, which builds the cross-references (--androguard; slow)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_DEX = re.compile(r"^classes\d*\.dex$")


# --------------------------------------------------------------------------- child side


def _read_dex(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as apk:
        return [(n, apk.read(n)) for n in apk.namelist() if _DEX.match(n)]


def run_child(mode: str, path: Path, jobs: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    if mode == "inflate":
        start = time.perf_counter()
        units = _read_dex(path)
        detail = f"{len(units)} dex, {sum(len(d) for _, d in units) / 1e6:.1f} MB"
    elif mode == "dex-scan":
        from scanner.detect.callsites import find_call_sites
        from scanner.extract.dex import read_class_names
        from scanner.signatures.catalog import capabilities

        caps = capabilities()
        start = time.perf_counter()
        units = _read_dex(path)
        classes = sum(len(read_class_names(d, n)) for n, d in units)
        sites = find_call_sites(units, caps, jobs=jobs)
        detail = f"{classes} classes, {len(sites)} call sites"
    elif mode == "scan_app":
        from scanner.pipeline import load_signatures, scan_app

        sigs = load_signatures()
        start = time.perf_counter()
        result = scan_app(path, sigs, jobs=jobs)
        detail = (
            f"{len(result.inventory.class_names)} classes, "
            f"{len(getattr(result, 'call_sites', ()))} call sites, "
            f"{len(result.sdks)} SDKs"
        )
    elif mode == "androguard":
        from loguru import logger

        logger.remove()
        from androguard.misc import AnalyzeAPK

        start = time.perf_counter()
        _apk, _dex, analysis = AnalyzeAPK(str(path))
        detail = f"{sum(1 for _ in analysis.get_classes())} classes analysed"
    else:
        raise SystemExit(f"unknown mode {mode}")
    return {"seconds": time.perf_counter() - start, "detail": detail}


# --------------------------------------------------------------------------- parent side


def measure(mode: str, path: Path, jobs: int) -> dict[str, object]:
    argv = [sys.executable, __file__, "--child", mode, "--jobs", str(jobs), str(path)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return {"mode": mode, "error": err.decode(errors="replace").strip().splitlines()[-1:]}
    result: dict[str, object] = json.loads(out.decode().strip().splitlines()[-1])
    result["mode"] = mode
    result["peak_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    result["cpu"] = usage.ru_utime + usage.ru_stime  # whole process, imports included
    return result


_INFLATE_ONLY = (
    "import re, sys, zipfile\n"
    "with zipfile.ZipFile(sys.argv[1]) as z:\n"
    "    [z.read(n) for n in z.namelist() if re.match(r'^classes\\d*\\.dex$', n)]\n"
)


def measure_process(apk: Path, repeat: int) -> None:
    """Whole processes side by side: the interpreter, the dex-inflating floor, privacy-scan."""
    commands = {
        "python": [sys.executable, "-c", "pass"],
        "inflate-proc": [sys.executable, "-c", _INFLATE_ONLY, str(apk)],
        "privacy-scan": [sys.executable, "-m", "scanner", "scan", str(apk), "-q"],
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times: dict[str, float] = {}
    for name, argv in commands.items():
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(argv, check=False, env=env, stdout=subprocess.DEVNULL)
            runs.append(time.perf_counter() - start)
        times[name] = sorted(runs)[len(runs) // 2]
    floor = times["inflate-proc"]
    print(f"{'process':<13} {'median s':>8} {'x floor':>8}   ({repeat} runs each)")
    for name, seconds in times.items():
        print(f"{name:<13} {seconds:8.3f} {seconds / floor:8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apk", type=Path)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for the scan")
    parser.add_argument("--androguard", action="store_true", help="also time AnalyzeAPK (slow)")
    parser.add_argument("--no-pipeline", action="store_true", help="skip scan_app")
    parser.add_argument("--process", action="store_true", help="time whole processes only")
    parser.add_argument("--repeat", type=int, default=5, help="runs per process (--process)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.apk, args.jobs)))
        return 0
    if args.process:
        print(
            f"{args.apk} ({args.apk.stat().st_size / 1e6:.1f} MB), {os.cpu_count()} CPUs, "
            f"Python {sys.version.split()[0]}"
        )
        measure_process(args.apk, args.repeat)
        return 0

    modes = ["inflate", "dex-scan"]
    if not args.no_pipeline:
        try:
            sys.path.insert(0, str(ROOT))
            import scanner.pipeline  # noqa: F401
        except ImportError:
            pass
        else:
            modes.append("scan_app")
    if args.androguard:
        modes.append("androguard")
    print(
        f"{args.apk} ({args.apk.stat().st_size / 1e6:.1f} MB), jobs={args.jobs}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    floor: float | None = None
    print(f"{'measurement':<12} {'seconds':>8} {'x floor':>8} {'CPU s':>7} {'peak MB':>8}  detail")
    for mode in modes:
        r = measure(mode, args.apk, args.jobs)
        if "error" in r:
            print(f"{mode:<12} failed: {r['error']}")
            continue
        seconds = float(str(r["seconds"]))
        floor = floor or seconds
        print(
            f"{mode:<12} {seconds:8.3f} {seconds / floor:8.1f} {float(str(r['cpu'])):7.2f}"
            f" {float(str(r['peak_mb'])):8.0f}  {r['detail']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
