#!/usr/bin/env python3
"""Time the policy analyser on a ~200 KB policy built from the labelled corpus and the seeds
(../shared/seeds; the in-repo demo policies stand in for them when that folder is absent).

    python scripts/bench_policy.py [--size KB] [--repeat N]

Prints the size, the segment count and the best / median time of load + analysis.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.policy import analyse_policy, load_policy  # noqa: E402
from scanner.signatures.catalog import builtin_sdks  # noqa: E402


def build_policy(target_bytes: int) -> str:
    """Corpus texts (txt and md) and the seeds (or the demo policies), repeated until
    `target_bytes` of UTF-8."""
    parts = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "samples/policies/corpus").glob("*.txt"))
    ]
    parts += [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "samples/policies/corpus").glob("*.md"))
    ]
    seeds = ROOT.parent / "shared" / "seeds"
    # Whole policies (headings, lists, English and Chinese) either way, so a fresh clone still
    # benchmarks the same kind of text; the total is padded to the same size by repetition.
    long_policies = (
        sorted(seeds.glob("*.txt"))
        if seeds.is_dir()
        else sorted((ROOT / "samples/policies").glob("*.md"))
    )
    parts += [p.read_text(encoding="utf-8") for p in long_policies]
    chunks: list[str] = []
    size = 0
    while size < target_bytes:
        for part in parts:
            chunks.append(part)
            size += len(part.encode("utf-8"))
            if size >= target_bytes:
                break
    return "\n\n".join(chunks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200, help="policy size in KB (default 200)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = build_policy(args.size * 1024)
    sdks = builtin_sdks()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_policy.md"
        path.write_text(text, encoding="utf-8")
        analyse_policy(load_policy(str(path)), sdks)  # warm caches (vocabulary, regexes)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            doc = load_policy(str(path))
            analysis = analyse_policy(doc, sdks)
            times.append(time.perf_counter() - start)
    disclosed = sum(1 for c in analysis.categories if c.status == "disclosed")
    print(
        f"{len(text.encode('utf-8')) / 1024:.0f} KB, "
        f"{len(doc.segments)} segments, {disclosed} categories disclosed, "
        f"{len(analysis.third_parties)} third parties"
    )
    print(f"load + analyse: best {min(times):.3f} s, median {statistics.median(times):.3f} s")
    return 0 if min(times) < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
