#!/usr/bin/env python3
"""Score the policy analyser on a labelled corpus and print per-category precision and recall.

    python scripts/eval_policy.py [CORPUS_DIR] [--mistakes]

Prints the table for the whole corpus (samples/policies/corpus/ by default), then for the held-out
part only. Each policy file there has a sibling `<name>.labels.json` with the expected statuses,
SDK ids and generic third parties. tests/test_policy_corpus.py imports this module for its
thresholds; the harness lives here, not in the package, because only developers run it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.policy.analyse import analyse_policy
from scanner.policy.loader import load_policy
from scanner.policy.model import PolicyAnalysis
from scanner.policy.vocabulary import category_ids

POLICY_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")


@dataclass
class Score:
    """Counts for one label: true positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1


@dataclass
class Evaluation:
    """Scores over the whole corpus, and every disagreement for inspection."""

    items: int = 0
    disclosed: dict[str, Score] = field(
        default_factory=lambda: {c: Score() for c in category_ids()}
    )
    denied: Score = field(default_factory=Score)
    heading_only: Score = field(default_factory=Score)
    sdks: Score = field(default_factory=Score)
    generic: Score = field(default_factory=Score)
    language_correct: int = 0
    mistakes: list[str] = field(default_factory=list)

    def overall(self) -> Score:
        """Disclosure scores summed over every category (micro average)."""
        total = Score()
        for s in self.disclosed.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total


def corpus_items(folder: Path) -> list[tuple[Path, Path]]:
    """(policy file, labels file) pairs, sorted by name."""
    pairs = []
    for labels in sorted(folder.glob("*.labels.json")):
        stem = labels.name[: -len(".labels.json")]
        policy = next(
            (folder / (stem + s) for s in POLICY_SUFFIXES if (folder / (stem + s)).exists()), None
        )
        if policy is not None:
            pairs.append((policy, labels))
    return pairs


def _compare(
    name: str,
    kind: str,
    expected: Iterable[str],
    predicted: Iterable[str],
    score: Score,
    ev: Evaluation,
) -> None:
    exp, pred = set(expected), set(predicted)
    for item in sorted(exp | pred):
        score.add(item in exp, item in pred)
        if (item in exp) != (item in pred):
            ev.mistakes.append(f"{name}: {kind} {item}: expected {item in exp}, got {item in pred}")


def score_item(
    name: str, analysis: PolicyAnalysis, labels: dict[str, object], ev: Evaluation
) -> None:
    """Add one analysed policy to `ev`."""
    ev.items += 1

    def listed(key: str) -> list[str]:
        value = labels.get(key, [])
        return [str(v) for v in value] if isinstance(value, list) else []

    by_status = {c.category: c.status for c in analysis.categories}
    for category in category_ids():
        expected = category in listed("disclosed")
        predicted = by_status[category] == "disclosed"
        ev.disclosed[category].add(expected, predicted)
        if expected != predicted:
            wanted = "disclosed" if expected else "not disclosed"
            ev.mistakes.append(f"{name}: {category}: expected {wanted}, got {by_status[category]}")
    _compare(
        name,
        "denied",
        listed("denied"),
        [c for c, s in by_status.items() if s == "denied"],
        ev.denied,
        ev,
    )
    _compare(
        name,
        "heading_only",
        listed("heading_only"),
        [c for c, s in by_status.items() if s == "heading_only"],
        ev.heading_only,
        ev,
    )
    _compare(
        name,
        "sdk",
        listed("sdks"),
        {t.sdk_id for t in analysis.third_parties if t.sdk_id},
        ev.sdks,
        ev,
    )
    _compare(name, "generic", listed("generic"), analysis.generic_categories(), ev.generic, ev)
    if labels.get("language") == analysis.language:
        ev.language_correct += 1
    else:
        ev.mistakes.append(
            f"{name}: language expected {labels.get('language')}, got {analysis.language}"
        )


def evaluate(folder: Path, split: str | None = None) -> Evaluation:
    """Analyse every labelled policy in `folder` (only those of `split`, when given) and score it.

    Splits: "tuning" (the analyser was adjusted while looking at these) and "holdout" (written
    afterwards and not tuned on: the honest figure)."""
    ev = Evaluation()
    for policy, labels_path in corpus_items(folder):
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        if split is not None and labels.get("split") != split:
            continue
        score_item(policy.name, analyse_policy(load_policy(str(policy))), labels, ev)
    return ev


def format_report(ev: Evaluation) -> str:
    """The per-category precision / recall table."""
    lines = [f"{'category':22} {'prec':>6} {'recall':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for category, s in ev.disclosed.items():
        lines.append(f"{category:22} {s.precision:6.2f} {s.recall:6.2f} {s.tp:4} {s.fp:4} {s.fn:4}")
    total = ev.overall()
    lines.append(
        f"{'ALL disclosed (micro)':22} {total.precision:6.2f} {total.recall:6.2f} "
        f"{total.tp:4} {total.fp:4} {total.fn:4}"
    )
    for label, s in (
        ("denied", ev.denied),
        ("heading_only", ev.heading_only),
        ("named SDKs", ev.sdks),
        ("generic parties", ev.generic),
    ):
        lines.append(f"{label:22} {s.precision:6.2f} {s.recall:6.2f} {s.tp:4} {s.fp:4} {s.fn:4}")
    lines.append(f"language: {ev.language_correct}/{ev.items} correct; {ev.items} policies")
    return "\n".join(lines)


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
