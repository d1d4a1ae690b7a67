#!/usr/bin/env python3
"""Score the scanner's findings against the hand-labelled real apps of tests/realworld_apps/.

Each `<slug>.labels.json` names a real APK of the cache that scripts/fetch_real_world.py fills,
the policy written for it (`<slug>.policy.md`), the findings the scanner must produce (`must`)
and the ones it must not (`must_not`), each with the reason a reviewer checked by hand.

A finding counts when its severity is at least `low`. It is matched to a label by
(rule, subject, sdk_id). Every produced finding that is not in `must` is a false positive,
so the labels list every true finding of an app; `must_not` only documents the traps (and the
test asserts them). An app with nothing to disclose has an empty `must`.

    python scripts/eval_findings.py [--json] [--details] [--app SLUG ...]
                                    [--min-precision P] [--min-recall R]

Exit codes: 0 scored (and above the minimums given), 1 below a minimum, 2 an APK or a label file
is missing or malformed (run scripts/fetch_real_world.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.compare import audit  # noqa: E402
from scanner.compare.model import Finding, Severity  # noqa: E402
from scanner.pipeline import SignatureSet, load_signatures, scan_app  # noqa: E402
from scanner.policy import analyse_policy, load_policy  # noqa: E402

LABELS_DIR = ROOT / "tests" / "realworld_apps"
CACHE = Path(os.environ.get("PRIVACY_SCAN_REAL_WORLD", ROOT / ".cache" / "real-world"))
"""Same override as tests/realworld.py."""

RULES = ("PS101", "PS102", "PS103", "PS201", "PS202", "PS301", "PS401", "PS402", "PS403")

Key = tuple[str, str, str | None]
"""(rule id, subject, sdk_id): how a produced finding is matched to a label."""


class LabelError(Exception):
    """A label file is malformed or names a file that is not there."""


@dataclass(frozen=True)
class Label:
    rule: str
    subject: str
    sdk_id: str | None
    reason: str

    @property
    def key(self) -> Key:
        return (self.rule, self.subject, self.sdk_id)


@dataclass(frozen=True)
class AppLabels:
    slug: str
    app: str
    """APK file name in the cache's apps/ folder."""
    package: str
    source: str
    policy: Path
    about: str
    must: tuple[Label, ...]
    must_not: tuple[Label, ...]
    info: tuple[Label, ...] = ()
    """The PS403 info findings (unidentified third-party code), each identified by hand:
    not scored (info), asserted by tests/test_realworld_findings.py."""

    @property
    def apk(self) -> Path:
        return CACHE / "apps" / self.app


@dataclass(frozen=True)
class AppScore:
    slug: str
    produced: tuple[Key, ...]
    """Findings of severity >= low, one per key."""
    true_positives: tuple[Key, ...]
    false_positives: tuple[Key, ...]
    false_negatives: tuple[Key, ...]
    forbidden: tuple[Key, ...]
    """Produced findings that a `must_not` label names (a subset of the false positives)."""
    worst: str | None
    """Highest severity among all findings (info included); None when there is none."""

    @property
    def precision(self) -> float | None:
        return _ratio(len(self.true_positives), len(self.produced))

    @property
    def recall(self) -> float | None:
        return _ratio(
            len(self.true_positives), len(self.true_positives) + len(self.false_negatives)
        )


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


# --------------------------------------------------------------------------- labels


def _label(raw: Any, where: str) -> Label:
    if not isinstance(raw, dict):
        raise LabelError(f"{where}: a label must be an object")
    rule, subject, sdk_id, reason = (raw.get(k) for k in ("rule", "subject", "sdk_id", "reason"))
    if rule not in RULES:
        raise LabelError(f"{where}: unknown rule {rule!r}")
    if not isinstance(subject, str) or not subject:
        raise LabelError(f"{where}: subject must be a non-empty string")
    if sdk_id is not None and not isinstance(sdk_id, str):
        raise LabelError(f"{where}: sdk_id must be a string or null")
    if not isinstance(reason, str) or len(reason) < 10:
        raise LabelError(f"{where}: every label needs its reason (the evidence checked by hand)")
    return Label(rule, subject, sdk_id, reason)


def load_labels(path: Path) -> AppLabels:
    """One `<slug>.labels.json`, checked: a key may not be both in must and must_not."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabelError(f"{path.name}: {exc}") from exc
    slug = path.name.removesuffix(".labels.json")
    fields = {k: doc.get(k) for k in ("app", "package", "source", "policy", "about")}
    for name, value in fields.items():
        if not isinstance(value, str) or not value:
            raise LabelError(f"{path.name}: {name} must be a non-empty string")
    lists = {k: doc.get(k) for k in ("must", "must_not")}
    for name, value in lists.items():
        if not isinstance(value, list):
            raise LabelError(f"{path.name}: {name} must be a list")
    must = tuple(_label(x, f"{path.name} must[{i}]") for i, x in enumerate(lists["must"]))
    must_not = tuple(
        _label(x, f"{path.name} must_not[{i}]") for i, x in enumerate(lists["must_not"])
    )
    for group in (must, must_not):
        keys = [lab.key for lab in group]
        if len(set(keys)) != len(keys):
            raise LabelError(f"{path.name}: a (rule, subject, sdk_id) is listed twice")
    both = {lab.key for lab in must} & {lab.key for lab in must_not}
    if both:
        raise LabelError(f"{path.name}: in both must and must_not: {sorted(both, key=str)}")
    raw_info = doc.get("info", [])
    if not isinstance(raw_info, list):
        raise LabelError(f"{path.name}: info must be a list")
    info = tuple(_label(x, f"{path.name} info[{i}]") for i, x in enumerate(raw_info))
    policy = path.parent / str(fields["policy"])
    if not policy.is_file():
        raise LabelError(f"{path.name}: policy {policy.name} is missing")
    return AppLabels(
        slug=slug,
        app=str(fields["app"]),
        package=str(fields["package"]),
        source=str(fields["source"]),
        policy=policy,
        about=str(fields["about"]),
        must=must,
        must_not=must_not,
        info=info,
    )


def all_labels(folder: Path = LABELS_DIR) -> list[AppLabels]:
    return [load_labels(p) for p in sorted(folder.glob("*.labels.json"))]


# --------------------------------------------------------------------------- scoring


def key_of(finding: Finding) -> Key:
    return (finding.rule.id, finding.subject, finding.sdk_id)


def findings_for(labels: AppLabels, sigset: SignatureSet) -> tuple[Finding, ...]:
    """Scan the app against its policy exactly as `privacy-scan scan APP --policy P` does."""
    analysis = analyse_policy(load_policy(str(labels.policy)), sigset.signatures)
    return audit(scan_app(labels.apk, sigset), analysis).findings


def score(labels: AppLabels, findings: Sequence[Finding]) -> AppScore:
    counted = [f for f in findings if f.severity.rank >= Severity.LOW.rank]
    produced = tuple(dict.fromkeys(key_of(f) for f in counted))
    must = {lab.key for lab in labels.must}
    must_not = {lab.key for lab in labels.must_not}
    worst = max(findings, key=lambda f: f.severity.rank).severity.value if findings else None
    return AppScore(
        slug=labels.slug,
        produced=produced,
        true_positives=tuple(k for k in produced if k in must),
        false_positives=tuple(k for k in produced if k not in must),
        false_negatives=tuple(lab.key for lab in labels.must if lab.key not in produced),
        forbidden=tuple(k for k in produced if k in must_not),
        worst=worst,
    )


@dataclass(frozen=True)
class Totals:
    produced: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.true_positives, self.produced)

    @property
    def recall(self) -> float | None:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)


def totals(scores: Sequence[AppScore]) -> Totals:
    """Micro-averaged over every finding of every app."""
    return Totals(
        produced=sum(len(s.produced) for s in scores),
        true_positives=sum(len(s.true_positives) for s in scores),
        false_positives=sum(len(s.false_positives) for s in scores),
        false_negatives=sum(len(s.false_negatives) for s in scores),
    )


# --------------------------------------------------------------------------- output


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _key_text(key: Key) -> str:
    rule, subject, sdk = key
    return f"{rule} {subject}" + (f" [{sdk}]" if sdk else "")


def render_table(
    scores: Sequence[AppScore], labels: Sequence[AppLabels] = (), details: bool = False
) -> str:
    """The per-app table; with `details`, each FP and FN under its app, with the label's reason."""
    reasons = {
        (lab.slug, item.key): item.reason for lab in labels for item in (*lab.must, *lab.must_not)
    }
    head = f"{'app':<28} {'found':>5} {'TP':>3} {'FP':>3} {'FN':>3} {'prec':>5} {'rec':>5}  worst"
    lines = [head, "-" * len(head)]
    for s in scores:
        lines.append(
            f"{s.slug:<28} {len(s.produced):>5} {len(s.true_positives):>3} "
            f"{len(s.false_positives):>3} {len(s.false_negatives):>3} "
            f"{_fmt(s.precision):>5} {_fmt(s.recall):>5}  {s.worst or '-'}"
        )
        if details:
            for kind, keys in (("FP", s.false_positives), ("FN", s.false_negatives)):
                for key in keys:
                    why = reasons.get((s.slug, key), "not labelled: judge it and add a label")
                    lines.append(f"    {kind} {_key_text(key)}: {why}")
    t = totals(scores)
    lines.append("-" * len(head))
    lines.append(
        f"{'total':<28} {t.produced:>5} {t.true_positives:>3} {t.false_positives:>3} "
        f"{t.false_negatives:>3} {_fmt(t.precision):>5} {_fmt(t.recall):>5}"
    )
    return "\n".join(lines)


def to_dict(scores: Sequence[AppScore]) -> dict[str, Any]:
    def keys(items: Sequence[Key]) -> list[dict[str, str | None]]:
        return [{"rule": r, "subject": s, "sdk_id": d} for r, s, d in items]

    t = totals(scores)
    return {
        "min_severity": Severity.LOW.value,
        "apps": [
            {
                "app": s.slug,
                "produced": len(s.produced),
                "true_positives": keys(s.true_positives),
                "false_positives": keys(s.false_positives),
                "false_negatives": keys(s.false_negatives),
                "must_not_produced": keys(s.forbidden),
                "precision": s.precision,
                "recall": s.recall,
                "worst_severity": s.worst,
            }
            for s in scores
        ],
        "total": {
            "produced": t.produced,
            "true_positives": t.true_positives,
            "false_positives": t.false_positives,
            "false_negatives": t.false_negatives,
            "precision": t.precision,
            "recall": t.recall,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--details", action="store_true", help="list each FP and FN")
    parser.add_argument("--app", nargs="*", help="only these slugs (label file names)")
    parser.add_argument("--min-precision", type=float, help="exit 1 below this total precision")
    parser.add_argument("--min-recall", type=float, help="exit 1 below this total recall")
    args = parser.parse_args(argv)
    try:
        labelled = all_labels()
    except LabelError as exc:
        print(f"eval_findings: error: {exc}", file=sys.stderr)
        return 2
    if args.app:
        labelled = [lab for lab in labelled if lab.slug in set(args.app)]
    missing = [lab.app for lab in labelled if not lab.apk.is_file()]
    if missing:
        print(
            f"eval_findings: error: not in {CACHE / 'apps'}: {', '.join(missing)} "
            "(run scripts/fetch_real_world.py)",
            file=sys.stderr,
        )
        return 2
    sigset = load_signatures()
    scores = [score(lab, findings_for(lab, sigset)) for lab in labelled]
    print(
        json.dumps(to_dict(scores), indent=2)
        if args.json
        else render_table(scores, labelled, args.details)
    )
    t = totals(scores)
    below = (args.min_precision is not None and (t.precision or 0.0) < args.min_precision) or (
        args.min_recall is not None and (t.recall or 0.0) < args.min_recall
    )
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
