#!/usr/bin/env python3
"""Benchmark `privacy-scan batch`: apps per minute with 1 and 2 workers, and per-app peak memory.

The catalogue is the real-world registry apps (.cache/real-world/apps/) and the sample apps
(samples/apks/), each copied --copies times into a temporary folder. The same bytes are the same
SHA-256 and would be scanned once, so every copy gets its own zip comment (the end-of-central-
directory record's comment; no reader looks at it), which makes it a distinct app to the batch
and the same app to the scanner.

For each worker count the whole `privacy-scan batch` command runs in its own process into a
fresh catalogue folder, so the figure includes what a user waits for: hashing the inputs,
starting the LocalCluster and its scan processes, writing every result and the index. The CPU
seconds of that process tree are printed too: on a machine that other work shares, apps per
minute fall with the load, the CPU cost per app much less. Per-app
peak memory is the scan process's peak resident set while it scanned that app (read from the
index, `peak_rss_kib`: Linux VmHWM, reset before each app).

    python scripts/bench_batch.py                    # 9 copies of every app (216 in December)
    python scripts/bench_batch.py --copies 20 --workers 1 2 4
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EOCD = b"PK\x05\x06"


def with_comment(data: bytes, comment: bytes) -> bytes:
    """The zip `data` with its end-of-central-directory comment replaced by `comment`."""
    at = data.rfind(EOCD)
    if at < 0 or len(data) - at < 22:
        raise ValueError("no end-of-central-directory record")
    return data[: at + 20] + struct.pack("<H", len(comment)) + comment


def sources() -> list[Path]:
    found = sorted((ROOT / ".cache" / "real-world" / "apps").glob("*.apk"))
    found += sorted(p for p in (ROOT / "samples" / "apks").iterdir() if p.is_file())
    return found


def build_catalogue(folder: Path, copies: int) -> int:
    count = 0
    for src in sources():
        data = src.read_bytes()
        for n in range(copies):
            target = folder / f"{src.stem}-copy{n:03d}{src.suffix}"
            target.write_bytes(with_comment(data, f"privacy-scan bench copy {n}".encode()))
            count += 1
    return count


def run(catalogue: Path, out: Path, workers: int, policy: Path | None) -> tuple[float, float]:
    """Wall seconds of the batch command, and the CPU seconds of its whole process tree (the
    client, the cluster's processes and the scan processes, as far as they were waited for)."""
    args = [sys.executable, "-m", "scanner", "batch", str(catalogue), "--out", str(out)]
    args += ["--workers", str(workers), "-q"]
    if policy is not None:
        args += ["--policy", str(policy)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    rc = subprocess.run(args, env=env, check=False).returncode
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc not in (0, 1):
        raise SystemExit(f"batch exited {rc}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def index_figures(out: Path) -> tuple[int, int, list[int], float]:
    db = sqlite3.connect(out / "index.sqlite")
    try:
        total, failed = db.execute("SELECT COUNT(*), SUM(status = 'failed') FROM apps").fetchone()
        peaks = [r[0] for r in db.execute("SELECT peak_rss_kib FROM apps") if r[0] is not None]
        (busy,) = db.execute("SELECT SUM(seconds) FROM apps").fetchone()
    finally:
        db.close()
    return int(total), int(failed or 0), peaks, float(busy or 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=9, help="copies of each app (default 9)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--policy",
        type=Path,
        default=ROOT / "samples" / "policies" / "rakufun-shop-policy.md",
        help="policy for every app (default: the shop sample's)",
    )
    parser.add_argument("--no-policy", action="store_true", help="inventory only")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per worker count, interleaved; the best is kept (other load only slows)",
    )
    args = parser.parse_args()
    policy = None if args.no_policy else args.policy.resolve()

    tmp = Path(tempfile.mkdtemp(prefix="privacy-scan-bench-batch-"))
    try:
        catalogue = tmp / "apps"
        catalogue.mkdir()
        count = build_catalogue(catalogue, args.copies)
        load = os.getloadavg()[0]
        print(
            f"{count} apps ({len(sources())} distinct x {args.copies} copies), "
            f"{os.cpu_count()} cores, load average {load:.2f}, policy {policy}"
        )
        rates: dict[int, float] = {}
        for round_ in range(args.repeat):
            for workers in args.workers:
                out = tmp / f"out-{workers}-{round_}"
                elapsed, cpu = run(catalogue, out, workers, policy)
                total, failed, peaks, busy = index_figures(out)
                shutil.rmtree(out, ignore_errors=True)
                assert total == count, (total, count)
                rate = 60.0 * total / elapsed
                rates[workers] = max(rates.get(workers, 0.0), rate)
                peaks.sort()
                p95 = peaks[int(0.95 * (len(peaks) - 1))]
                print(
                    f"workers={workers}: {total} apps ({failed} failed) in {elapsed:.1f} s = "
                    f"{rate:.0f} apps/min; CPU {cpu:.1f} s ({cpu / total:.3f} s/app); "
                    f"scan time {busy:.1f} s "
                    f"({busy / total:.3f} s/app); peak RSS per app: median "
                    f"{statistics.median(peaks) / 1024:.0f} MiB, p95 {p95 / 1024:.0f} MiB, "
                    f"max {peaks[-1] / 1024:.0f} MiB; load average {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
        for workers, rate in rates.items():
            print(f"best with {workers} worker(s): {rate:.0f} apps/min")
        if 1 in rates:
            for workers, rate in rates.items():
                if workers != 1:
                    print(f"ratio {workers} workers / 1 worker: {rate / rates[1]:.2f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
