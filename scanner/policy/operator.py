# ruff: noqa: RUF001, RUF002, RUF003  (Chinese punctuation is what the cues match)
"""Who runs the app a policy is about, as the policy's own text says it.

A policy introduces its operator once, near the top: 本政策适用于X提供的…, （以下简称"X"或"我们"）,
我们（X）, "we, X Inc.", "X ("we", "us")". When that operator is itself a maker of SDKs (the
vivo browser's policy, a Huawei app's), the many sentences that name it ("vivo帐号", "vivo将采取
…措施") speak of the app's own operator, not of that maker's SDKs embedded in the app; the name
search (`scanner.policy.analyse`) leaves such mentions out.

Read from the text, not from the scanned app: the policy reader runs without an app (`policy`
command, the evaluations), and the text names its operator more reliably than an app label does.
"""

from __future__ import annotations

import re

from scanner.policy.model import PolicyDocument
from scanner.policy.normalize import cased

OPERATOR_REACH = 6000
"""Characters from the top looked at: the operator is introduced in the opening paragraphs, and a
hostile policy of a million characters costs nothing more."""

_NAME_ZH = r"[^，。；、“”\"「」（）()\s]{2,40}?"
_NAME_EN = r"(?<![\w&.'\-])[A-Z][\w&.'\-]{0,30}(?:\s+[A-Z0-9][\w&.'\-]{0,30}){0,5}"
"""Up to six capitalised words, each starting a word: bounded, so a line of a hundred thousand
letters is read in linear time."""
_CUES = (
    # 本隐私政策适用于X及其关联公司 / 本政策适用于X提供的
    re.compile(
        rf"本(?:隐私|个人信息保护|隐私权)?(?:政策|指引|声明)(?:仅)?适用于(?P<name>{_NAME_ZH})"
        r"(?:及其|以及|和|与|提供|运营|开发|（|\(|，|。)"
    ),
    # （以下简称"X"或"我们"）: the short name that "we" also stands for, not （以下简称"本政策"）
    re.compile(
        rf"以下(?:简称|称|统称)(?:为)?\s*[“\"「](?P<name>{_NAME_ZH})[”\"」]\s*(?:或|、|/)\s*"
        r"[“\"「]?(?:我们|我方|本公司)"
    ),
    # 我们（X） / 我们(X)
    re.compile(rf"我们\s*[（(]\s*(?P<name>{_NAME_ZH})\s*[）)]"),
    # we, X Inc. / We, X,
    re.compile(rf"\b[Ww]e,\s+(?P<name>{_NAME_EN}),"),
    # X ("we", "us") / X (“we”)
    re.compile(rf"(?P<name>{_NAME_EN})\s*\(\s*[“\"']?(?:we|us|our)\b[”\"']?"),
)
_NOT_NAMES = frozenset({"我们", "本公司", "本应用", "本软件", "本产品", "本服务", "this", "the"})


def operator_names(doc: PolicyDocument) -> tuple[str, ...]:
    """The names the policy gives its own operator (company and product names, as written),
    in order of appearance; empty when it introduces none."""
    head = cased(doc.text[:OPERATOR_REACH])
    found: list[tuple[int, str]] = []
    for cue in _CUES:
        for m in cue.finditer(head):
            name = m.group("name").strip(" ,.")
            if name.lower() not in _NOT_NAMES and len(name) >= 2:
                found.append((m.start("name"), name))
    return tuple(dict.fromkeys(name for _at, name in sorted(found)))


def is_operator(name: str, operators: tuple[str, ...]) -> bool:
    """`name` (a vendor as the policy writes it) is, or is part of, one of the operator's names:
    "vivo" of "vivo浏览器", "Huawei" of "Huawei Technologies Co., Ltd."."""
    key = cased(name).strip().lower()
    if len(key) < 2:
        return False
    for operator in operators:
        text = cased(operator).lower()
        at = text.find(key)
        while at >= 0:
            before = text[at - 1] if at else ""
            after = text[at + len(key)] if at + len(key) < len(text) else ""
            # Whole words for a Latin name ("Meta" is not in "Metadata Ltd").
            if not (before.isascii() and before.isalnum()) and not (
                after.isascii() and after.isalnum()
            ):
                return True
            at = text.find(key, at + 1)
    return False
