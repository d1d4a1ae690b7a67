"""Generate the hostile inputs and run the CLI on each, bounded; print the figure and problems.

    python scripts/hostile_suite.py [--scale 5] [--workers 2] [--keep DIR] [--only FAMILY ...]

Exits 1 when any input produced a traceback (exit code 3), a hang, a dead worker, an exit code
outside its expected set, a write outside the output folder, or an unescaped script in an HTML
report. tests/test_hostile.py runs the same thing under pytest.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="Generate into DIR and keep it.")
    parser.add_argument("--only", nargs="*", help="Run only these families (e.g. axml dex bomb).")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        started = time.monotonic()
        cases = hostile.generate(root, scale=args.scale)
        if args.only:
            cases = [c for c in cases if c.family in args.only]
        generated = time.monotonic() - started
        before = hostile.snapshot(root, skip=(root / "out",))
        report = hostile.run(cases, root, workers=args.workers)
        after = hostile.snapshot(root, skip=(root / "out",))
        elapsed = time.monotonic() - started
        problems = [
            *(f"TRACEBACK {o.case.id}: {o.detail.strip()}" for o in report.tracebacks),
            *(f"HANG {o.case.id} ({o.seconds:.0f} s)" for o in report.with_status("hang")),
            *(f"DIED {o.case.id}: {o.detail}" for o in report.with_status("died")),
            *(
                f"EXIT {o.code} {o.case.id} (expected {sorted(o.case.expect)})"
                for o in report.unexpected
            ),
            *(f"WRITTEN {p}" for p in sorted(set(after) - set(before))),
            *(f"CHANGED {p}" for p in sorted(p for p in before if after.get(p) != before[p])),
            *(f"UNESCAPED {m}" for m in hostile.unescaped_markers(root / "out")),
        ]
        for line in problems:
            print(line)
        print("slowest:", ", ".join(f"{o.case.id} {o.seconds:.1f}s" for o in report.slowest()))
        print(
            f"peak worker RSS {report.max_rss_kb // 1024} MiB; generated in {generated:.0f} s, "
            f"total {elapsed:.0f} s"
        )
        print(report.figure())
        return 1 if problems else 0
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
