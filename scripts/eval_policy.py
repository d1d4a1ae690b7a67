#!/usr/bin/env python3
# ruff: noqa: RUF001, RUF002  (Chinese names and punctuation in the SDK-list scoring)
"""Score the policy analyser on a labelled corpus and print per-category precision and recall.

    python scripts/eval_policy.py [CORPUS_DIR] [--mistakes]
    python scripts/eval_policy.py --dev DIR [--mistakes]
    python scripts/eval_policy.py --sdk-lists [LABELS] [--cache DIR] [--mistakes]
    python scripts/eval_policy.py --populate-sdk-cache MIRRORS [--cache DIR]

Prints the table for the whole corpus (samples/policies/corpus/ by default), then for the held-out
part only. Each policy file there has a sibling `<name>.labels.json` with the expected statuses,
SDK ids and generic third parties. tests/test_policy_corpus.py imports this module for its
thresholds; the harness lives here, not in the package, because only developers run it.

`--dev DIR` scores instead a folder of labelled real policies kept outside the repository (one
sub-folder per set, each with a `labels.jsonl`; see `DEV_CATEGORIES` and `DEV_PRECISION` for how
their coarser categories map onto ours and which of them a set's labels let us score for
precision). Their texts never enter the repository; only the figures are reported. In ca4p, the
third parties the annotators marked are scored too (recall only: most documents are partly
annotated).

`--sdk-lists` scores the named third parties read from real policies that carry an SDK list, against
hand labels (tests/data/sdk_list_policies.json: repository, commit, path and the rows of each list).
The texts live in a git-ignored cache (.policy-cache/sdk_lists/ by default), filled by hand or with
`--populate-sdk-cache MIRRORS`, where MIRRORS holds bare clones named `owner+name/repo`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.policy.analyse import analyse_policy
from scanner.policy.loader import load_policy
from scanner.policy.model import PolicyAnalysis, ThirdPartyDisclosure, ThirdPartyKind
from scanner.policy.normalize import normalise
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
        {t.sdk_id for t in analysis.third_parties if t.sdk_id and analysis.names_sdk(t.sdk_id)},
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


# --------------------------------------------------------------------------- labelled real policies

DEV_CATEGORIES: dict[str, tuple[str, ...]] = {
    "camera": ("camera",),
    "photos_media": ("album",),
    "storage": ("storage",),
    "phone_state_device_ids": ("phone_state", "device_id"),
    "clipboard": ("clipboard",),
    "self_startup": ("self_startup", "associated_startup"),
    "location": ("location_precise", "location_coarse"),
    "microphone": ("microphone",),
    "contacts": ("contacts",),
    "sms": ("sms",),
    "call_log": ("call_log",),
    "calendar": ("calendar",),
    "installed_apps": ("installed_apps",),
    "wifi_mac": ("network_identifiers",),
    "sensors": ("motion_sensors", "body_sensors"),
}
"""A dev-set category -> our categories; it counts as read when any of them is disclosed."""

DEV_PRECISION: dict[str, frozenset[str] | None] = {
    "ca4p": frozenset(),
    "appch": None,
    "mapp_en": None,
    "opp115": frozenset({"location", "phone_state_device_ids"}),
}
"""Per set, the categories whose negatives are reliable enough to score precision on (None: all
that the set can derive); the others, and any set not listed, are scored for recall only."""


@dataclass
class DevEvaluation:
    """Scores over one set of labelled real policies."""

    name: str
    items: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in DEV_CATEGORIES})
    precision_scored: set[str] = field(default_factory=set)
    mistakes: list[str] = field(default_factory=list)
    parties: Score = field(default_factory=Score)
    """Annotated third parties (ca4p `third_parties_annotated`) found as named ones: recall only."""

    def overall(self) -> Score:
        """Micro average: recall over every category, precision over those scored for it."""
        total = Score()
        for category, s in self.scores.items():
            total.tp += s.tp
            total.fn += s.fn
            if category in self.precision_scored:
                total.fp += s.fp
        return total


DEV_PRECISION_FLOOR = 0.95
DEV_RECALL_FLOOR = 0.90
DEV_CATEGORY_RECALL_FLOOR = 0.80
DEV_CATEGORY_MIN_POSITIVES = 10
"""Acceptance on the labelled real policies (issue 13): per set, micro precision where the set can
score it and micro recall; and every category with enough positives to mean something."""


def dev_acceptance_failures(ev: DevEvaluation) -> list[str]:
    """Why `ev` misses the acceptance floors; empty when it meets them all."""
    failures = []
    total = ev.overall()
    if ev.precision_scored and total.precision < DEV_PRECISION_FLOOR:
        failures.append(f"{ev.name}: micro precision {total.precision:.2f} < {DEV_PRECISION_FLOOR}")
    if total.recall < DEV_RECALL_FLOOR:
        failures.append(f"{ev.name}: micro recall {total.recall:.2f} < {DEV_RECALL_FLOOR}")
    for category, s in ev.scores.items():
        if s.tp + s.fn >= DEV_CATEGORY_MIN_POSITIVES and s.recall < DEV_CATEGORY_RECALL_FLOOR:
            failures.append(
                f"{ev.name}: {category} recall {s.recall:.2f} < {DEV_CATEGORY_RECALL_FLOOR}"
                f" ({s.tp + s.fn} positives)"
            )
    return failures


def _first_positive(analysis: PolicyAnalysis, categories: Iterable[str]) -> str:
    for disclosure in analysis.categories:
        if disclosure.category in categories and disclosure.status == "disclosed":
            for e in disclosure.evidence:
                if e.polarity == "positive" and e.strength != "heading":
                    snippet = " ".join(e.text.split())
                    at = max(0, snippet.find(e.term) - 40)
                    return f"[{disclosure.category}] {e.term!r} in ...{snippet[at : at + 110]}..."
    return ""


def evaluate_dev_set(folder: Path) -> DevEvaluation:
    """Analyse and score every document listed in `folder`/labels.jsonl."""
    ev = DevEvaluation(name=folder.name)
    scored = DEV_PRECISION.get(folder.name, frozenset())
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        labels = json.loads(line)
        skipped = set(labels.get("not_derivable", ())) | set(labels.get("categories_uncertain", ()))
        expected = set(labels.get("categories", ()))
        analysis = analyse_policy(load_policy(str(folder / labels["text_path"])))
        disclosed = {c.category for c in analysis.categories if c.status == "disclosed"}
        ev.items += 1
        _score_annotated_parties(labels, analysis, ev)
        for category, ours in DEV_CATEGORIES.items():
            if category in skipped:
                continue
            if scored is None or category in scored:
                ev.precision_scored.add(category)
            predicted = bool(disclosed & set(ours))
            ev.scores[category].add(category in expected, predicted)
            if predicted and category not in expected and category in ev.precision_scored:
                ev.mistakes.append(
                    f"{labels['doc_id']}: {category}: false positive "
                    + _first_positive(analysis, ours)
                )
            elif category in expected and not predicted:
                ev.mistakes.append(f"{labels['doc_id']}: {category}: missed")
    return ev


def dev_sets(folder: Path) -> list[Path]:
    """`folder` itself when it holds a labels.jsonl, else its sub-folders that do."""
    if (folder / "labels.jsonl").exists():
        return [folder]
    return sorted(p for p in folder.iterdir() if (p / "labels.jsonl").exists())


def format_dev_report(ev: DevEvaluation) -> str:
    """Per-category table of one set; precision shows '-' where the set cannot score it."""
    lines = [f"{'category':22} {'prec':>6} {'recall':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for category, s in ev.scores.items():
        if not (s.tp or s.fp or s.fn):
            continue
        prec = f"{s.precision:6.2f}" if category in ev.precision_scored else f"{'-':>6}"
        fp = f"{s.fp:4}" if category in ev.precision_scored else f"{'-':>4}"
        lines.append(f"{category:22} {prec} {s.recall:6.2f} {s.tp:4} {fp} {s.fn:4}")
    total = ev.overall()
    prec = f"{total.precision:6.2f}" if ev.precision_scored else f"{'-':>6}"
    lines.append(
        f"{'ALL (micro)':22} {prec} {total.recall:6.2f} {total.tp:4} {total.fp:4} {total.fn:4}"
    )
    p = ev.parties
    if p.tp or p.fn:
        lines.append(
            f"{'named third parties':22} {'-':>6} {p.recall:6.2f} {p.tp:4} {'-':>4} {p.fn:4}"
        )
    lines.append(f"{ev.items} policies")
    failures = dev_acceptance_failures(ev)
    lines.append("acceptance: " + ("met" if not failures else "; ".join(failures)))
    return "\n".join(lines)


def main_dev(folder: Path, mistakes: bool) -> int:
    """Print the table of every labelled set under `folder`."""
    sets = dev_sets(folder)
    if not sets:
        print(f"no labels.jsonl in {folder} or its sub-folders", file=sys.stderr)
        return 2
    summary = [f"{'set':10} {'docs':>5} {'prec':>6} {'recall':>6}  acceptance"]
    for path in sets:
        ev = evaluate_dev_set(path)
        total = ev.overall()
        prec = f"{total.precision:6.2f}" if ev.precision_scored else f"{'-':>6}"
        verdict = "met" if not dev_acceptance_failures(ev) else "NOT met"
        summary.append(f"{ev.name:10} {ev.items:5} {prec} {total.recall:6.2f}  {verdict}")
        print(f"== {ev.name}")
        print(format_dev_report(ev))
        if mistakes:
            print("Disagreements:")
            for line in ev.mistakes:
                print("  " + line)
        print()
    print("\n".join(summary))
    return 0


def _option(argv: list[str], name: str) -> str | None:
    if name in argv and argv.index(name) + 1 < len(argv):
        value = argv[argv.index(name) + 1]
        return None if value.startswith("--") else value
    return None


def main(argv: list[str]) -> int:
    cache = Path(_option(argv, "--cache") or os.environ.get(CACHE_ENV) or DEFAULT_SDK_CACHE)
    if "--populate-sdk-cache" in argv:
        mirrors = _option(argv, "--populate-sdk-cache")
        if mirrors is None:
            print("--populate-sdk-cache needs the folder of mirrors", file=sys.stderr)
            return 2
        return populate_sdk_cache(Path(mirrors), cache)
    if "--sdk-lists" in argv:
        labels = Path(_option(argv, "--sdk-lists") or SDK_LABELS)
        return main_sdk_lists(labels, cache, "--mistakes" in argv)
    if "--dev" in argv:
        at = argv.index("--dev")
        if at + 1 >= len(argv):
            print("--dev needs a folder", file=sys.stderr)
            return 2
        return main_dev(Path(argv[at + 1]), "--mistakes" in argv)
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


# --------------------------------------------------------------------------- SDK lists

SDK_LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "sdk_list_policies.json"
DEFAULT_SDK_CACHE = Path(__file__).resolve().parent.parent / ".policy-cache" / "sdk_lists"
CACHE_ENV = "PRIVACY_SCAN_SDK_POLICY_CACHE"
"""Overrides the cache folder (a checkout that keeps the texts elsewhere)."""

_NAME_NOISE = re.compile(r"[\s\-_.·•、,，:：()（）\[\]【】\"'“”‘’]+|sdk")


def name_key(name: str) -> str:
    """Spelling-insensitive key of an SDK name: Simplified, lower case, no spaces, punctuation
    or the word SDK ("Bugly SDK", "BuglySDK" and "bugly" are one name)."""
    return _NAME_NOISE.sub("", normalise(name))


def _names_match(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    short, long_ = sorted((ka, kb), key=len)
    return short == long_ or (len(short) >= 2 and short in long_)


def named_parties(analysis: PolicyAnalysis) -> list[ThirdPartyDisclosure]:
    """The third parties the analysis names: every kind but generic disclosures and login /
    share / payment targets."""
    left_out = {ThirdPartyKind.GENERIC.value, "target"}
    return [t for t in analysis.third_parties if t.kind not in left_out]


@dataclass
class SdkListEvaluation:
    """Named third parties of labelled SDK-list policies: precision and recall per document
    summed (micro), per language and split."""

    scores: dict[str, Score] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """Labelled policies whose text is not in the cache (skipped)."""
    mistakes: list[str] = field(default_factory=list)

    def overall(self) -> Score:
        total = Score()
        for s in self.scores.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total


def score_sdk_list(
    doc_id: str,
    predicted: list[ThirdPartyDisclosure],
    labels: list[dict[str, object]],
    score: Score,
    mistakes: list[str],
) -> None:
    """A label is found when a predicted party has one of its catalogue ids or its name (one
    name holding the other counts: 推送通知消息（OPPO推送SDK） names OPPO推送SDK). A prediction
    that matches no label is a false positive."""
    matched: set[int] = set()
    for number, label in enumerate(labels):
        ids = {str(i) for i in label.get("sdk", []) or []}  # type: ignore[union-attr]
        name = str(label["name"])
        hits = [
            i
            for i, t in enumerate(predicted)
            if (t.sdk_id is not None and t.sdk_id in ids)
            or any(_names_match(n, name) for n in (t.name, *(e.term for e in t.evidence)))
        ]
        if hits:
            score.tp += 1
            matched.update(hits)
        else:
            score.fn += 1
            mistakes.append(f"{doc_id}: missed {name}")
        del number
    for i, t in enumerate(predicted):
        if i not in matched:
            score.fp += 1
            mistakes.append(f"{doc_id}: not in the list: {t.name!r} ({t.sdk_id})")


def evaluate_sdk_lists(labels_path: Path, cache: Path) -> SdkListEvaluation:
    """Analyse every labelled policy found in `cache` and score its named third parties."""
    ev = SdkListEvaluation()
    for item in json.loads(labels_path.read_text(encoding="utf-8"))["policies"]:
        text = cache / item["file"]
        if not text.exists():
            ev.missing.append(item["id"])
            continue
        analysis = analyse_policy(load_policy(str(text)))
        lang = f"{item['lang']} {item.get('split', 'tuning')}"
        score = ev.scores.setdefault(lang, Score())
        ev.documents[lang] = ev.documents.get(lang, 0) + 1
        score_sdk_list(
            item["id"], named_parties(analysis), item["third_parties"], score, ev.mistakes
        )
    return ev


def format_sdk_report(ev: SdkListEvaluation) -> str:
    """Per-language precision / recall of named third parties."""
    lines = [f"{'language, split':22} {'prec':>6} {'recall':>6} {'tp':>4} {'fp':>4} {'fn':>4} docs"]
    for lang in sorted(ev.scores):
        s = ev.scores[lang]
        lines.append(
            f"{lang:22} {s.precision:6.2f} {s.recall:6.2f} {s.tp:4} {s.fp:4} {s.fn:4} "
            f"{ev.documents[lang]}"
        )
    t = ev.overall()
    lines.append(
        f"{'ALL (micro)':22} {t.precision:6.2f} {t.recall:6.2f} {t.tp:4} {t.fp:4} {t.fn:4} "
        f"{sum(ev.documents.values())}"
    )
    if ev.missing:
        lines.append(f"not in the cache (skipped): {', '.join(ev.missing)}")
    return "\n".join(lines)


def main_sdk_lists(labels: Path, cache: Path, mistakes: bool) -> int:
    ev = evaluate_sdk_lists(labels, cache)
    if not ev.documents:
        print(f"none of the labelled policies is in {cache}", file=sys.stderr)
        return 2
    print("== named third parties of real SDK-list policies")
    print(format_sdk_report(ev))
    if mistakes:
        print("Disagreements:")
        for line in ev.mistakes:
            print("  " + line)
    return 0


def populate_sdk_cache(mirrors: Path, cache: Path, labels: Path = SDK_LABELS) -> int:
    """Copy each labelled policy, at its labelled commit, out of a bare clone under `mirrors`
    (`owner+name/repo`) into `cache`."""
    cache.mkdir(parents=True, exist_ok=True)
    failed = 0
    for item in json.loads(labels.read_text(encoding="utf-8"))["policies"]:
        git_dir = mirrors / item["repo"].replace("/", "+") / "repo"
        done = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"{item['commit']}:{item['path']}"],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{item['id']}: {done.stderr.decode(errors='replace').strip()}", file=sys.stderr)
            failed += 1
            continue
        (cache / item["file"]).write_bytes(done.stdout)
    return 1 if failed else 0


# --------------------------------------------------------------------------- ca4p third parties

CA4P_PARTIES: dict[str, tuple[str, ...]] = {
    "umeng": ("umeng", "友盟"),
    "huawei": ("huawei", "华为", "hms"),
    "xiaomi": ("xiaomi", "小米", "mipush"),
    "vivo": ("vivo",),
    "oppo": ("oppo", "heytap", "欢太"),
    "wechat": ("wechat", "微信"),
    "baidu": ("baidu", "百度"),
    "tencent_bugly": ("bugly",),
    "jpush": ("jpush", "jcore", "极光", "jiguang"),
    "alipay": ("alipay", "支付宝"),
    "amap": ("amap", "高德"),
    "tencent": ("tencent", "腾讯"),
    "tencent_ads": ("tencent-gdt", "广点通", "优量汇"),
    "weibo": ("weibo", "微博"),
    "getui": ("getui", "个推"),
    "bytedance_pangle": ("pangle", "穿山甲"),
    "meizu": ("meizu", "魅族"),
    "shanyan": ("shanyan", "闪验", "创蓝"),
    "china_mobile": ("中国移动", "china mobile", "cmcc"),
    "alibaba": ("alibaba", "阿里"),
    "mobtech": ("mobtech", "sharesdk", "mob"),
    "qq": ("qq",),
    "firebase": ("firebase",),
    "google": ("google", "谷歌"),
    # opp115's id for Google Analytics: its own words, since the id's underscore is in no name.
    "google_analytics": ("google-analytics", "google analytics"),
    "sensorsdata": ("sensors", "神策"),
    "kuaishou": ("kuaishou", "快手"),
    "crashlytics": ("crashlytics",),
    "aliyun": ("aliyun", "阿里云"),
    "china_telecom": ("中国电信", "天翼"),
    "jd": ("京东",),
    "qihoo360": ("360",),
    "microsoft": ("microsoft", "微软"),
    "unionpay": ("unionpay", "银联"),
    "netease": ("netease", "网易"),
    "ucweb": ("uc浏览", "ucweb"),
    "qiniu": ("qiniu", "七牛"),
}
"""A ca4p canonical third party -> words of an SDK id or a policy's name that stand for it."""


def _annotated_found(party: str, named: list[ThirdPartyDisclosure]) -> bool:
    words = CA4P_PARTIES.get(party, (party,))
    for t in named:
        # The company counts: "Bugly (provided by Tencent)" names Tencent as Bugly's maker.
        key = normalise(f"{t.sdk_id or ''} {t.name} {t.company or ''}")
        if any(w in key for w in words):
            return True
    return False


def _score_annotated_parties(
    labels: dict[str, object], analysis: PolicyAnalysis, ev: DevEvaluation
) -> None:
    annotated = labels.get("third_parties_annotated") or []
    if not isinstance(annotated, list) or not annotated:
        return
    # The annotators marked every receiver of data, so a platform named as where to log in or
    # pay (a `target`, no SDK disclosure) counts here.
    named = [t for t in analysis.third_parties if t.kind != ThirdPartyKind.GENERIC.value]
    for party in annotated:
        if _annotated_found(str(party), named):
            ev.parties.tp += 1
        else:
            ev.parties.fn += 1
            ev.mistakes.append(f"{labels['doc_id']}: third party {party}: missed")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
