#!/usr/bin/env python3
"""Print per-category precision and recall of the policy analyser on the labelled corpus.

    python scripts/eval_policy.py [CORPUS_DIR] [--mistakes]

Prints the table for the whole corpus, then for the held-out part only.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.policy.evaluate import evaluate, format_report

DEFAULT = Path(__file__).resolve().parent.parent / "samples" / "policies" / "corpus"


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else DEFAULT
    for split in (None, "holdout"):
        ev = evaluate(folder, split)
        print(f"== {'all policies' if split is None else 'holdout only (not tuned on)'}")
        print(format_report(ev))
        if "--mistakes" in argv:
            print("Disagreements:")
            for line in ev.mistakes:
                print("  " + line)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
