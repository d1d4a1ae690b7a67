# ruff: noqa: RUF001, RUF003  (Chinese text and punctuation are the point of this module)
"""Lay blocks out as the document text and cut it into segments (sentences, list items, table
rows, headings), each knowing its offsets and the heading it sits under."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from scanner.policy.blocks import Block
from scanner.policy.model import Segment, SegmentKind
from scanner.text import CJK_CHAR, CJK_IDEOGRAPHS


@cache
def _abbreviations() -> frozenset[str]:
    """Abbreviations whose full stop ends no sentence, of every language (languages.json)."""
    from scanner.policy.vocabulary import load_vocabulary

    return frozenset(
        a.lower()
        for lang in load_vocabulary().languages
        for a in lang.spec.get("abbreviations", ())
    )


# A sentence ends at Chinese 。！？；, or at . ! ? followed by a space and what can start a
# sentence; closing quotes and brackets stay with the sentence they close.
_BOUNDARY = re.compile(
    r"[。！？；!?;]+[”’」』）)\"']*"
    r"|\.+[”’」』）)\"']*(?=\s+[A-Z0-9“\"'(（\[" + CJK_IDEOGRAPHS + "])"
    r"|\.+[”’」』）)\"']*(?=[" + CJK_IDEOGRAPHS + "])"
    r"|\.+[”’」』）)\"']*$"
)


def _sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group().startswith(".") and _is_abbreviation(text, match.start()):
            continue
        if text[match.start()] == ";" and _cjk_around(text, match.start()) is False:
            continue  # an English semicolon joins clauses of one sentence
        yield start, end
        start = end
    if start < len(text):
        yield start, len(text)


def _cjk_around(text: str, index: int) -> bool:
    before = text[max(0, index - 1) : index]
    return CJK_CHAR.match(before) is not None


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 8) : dot])
    if not word:
        return False
    token = word.group(1).lower()
    return token in _abbreviations() or (len(token) == 1 and token.isalpha() and token.isupper())


def build(blocks: Sequence[Block]) -> tuple[str, tuple[Segment, ...]]:
    """Document text (one block a line) and its segments."""
    parts: list[str] = []
    segments: list[Segment] = []
    offset = 0
    heading: str | None = None
    for block in blocks:
        text = block.text
        if not text:
            continue
        start = offset
        parts.append(text)
        offset += len(text) + 1
        if block.kind == "heading":
            segments.append(Segment(SegmentKind.HEADING, start, start + len(text), heading))
            heading = text
        elif block.kind == "table_row":
            kind = SegmentKind.HEADING if block.is_header_row else SegmentKind.TABLE_ROW
            segments.append(
                Segment(kind, start, start + len(text), heading, block.cells, block.header)
            )
        else:
            kind = SegmentKind.LIST_ITEM if block.kind == "list_item" else SegmentKind.SENTENCE
            spans = [
                (s, e)
                for s, e in (_trimmed(text, s, e) for s, e in _sentence_spans(text))
                if e > s and re.search(r"\w", text[s:e])
            ]
            for number, (s, e) in enumerate(spans):
                this: SegmentKind = kind
                if number == 0 and len(spans) > 1 and _is_label(text[s:e]):
                    this = SegmentKind.HEADING  # "Microphone. Voice coaching does not use it."
                segments.append(Segment(this, start + s, start + e, heading))
    return "\n".join(parts), tuple(segments)


def _is_label(sentence: str) -> bool:
    """A run-in heading: a few words ending in a full stop or colon before the real sentence."""
    return (
        len(sentence) <= 40 and len(sentence.split()) <= 4 and sentence.endswith((".", ":", "："))
    )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
