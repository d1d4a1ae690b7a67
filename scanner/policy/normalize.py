# ruff: noqa: RUF001  (Chinese text and punctuation are the point of this module)
"""Length-preserving text normalisation for matching: Traditional -> Simplified Chinese (OpenCC
t2s, one character at a time so offsets stay valid), lower case, straight quotes, half-width ASCII.

Every function here returns a string of exactly the input's length, so an offset found in the
normalised text is the same offset in the original text.
"""

from __future__ import annotations

from functools import cache

from scanner.text import CJK_CHAR

_CJK = CJK_CHAR
_PUNCT_PAIRS = {"’": "'", "‘": "'", "“": '"', "”": '"', "\u3000": " ", "\u00a0": " "}


@cache
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


_FULLWIDTH = {
    code: chr(code - 0xFEE0)
    for code in range(0xFF01, 0xFF5F)
    if chr(code) not in "（），：；！？｜"
}
_TABLE: dict[int, str] = {**_FULLWIDTH, **{ord(k): v for k, v in _PUNCT_PAIRS.items()}}
"""One translation table: t2s (filled lazily, 1:1 results only), full-width ASCII, quotes."""
_T2S: dict[int, str] = {}
_SEEN: set[str] = set()


def _learn(text: str) -> None:
    missing = {ch for ch in set(_CJK.findall(text)) if ch not in _SEEN}
    if not missing:
        return
    converter = _converter()
    ordered = sorted(missing)
    # One character a line, so no phrase rule can join two of them.
    converted = converter.convert("\n".join(ordered)).split("\n")  # type: ignore[attr-defined]
    if len(converted) != len(ordered):
        converted = [converter.convert(ch) for ch in ordered]  # type: ignore[attr-defined]
    for src, dst in zip(ordered, converted, strict=True):
        _SEEN.add(src)
        if len(dst) == 1 and dst != src:
            _TABLE[ord(src)] = _T2S[ord(src)] = dst


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, character by character (length preserved)."""
    _learn(text)
    return text.translate(_T2S)


def lower(text: str) -> str:
    """Lower case, keeping the length (a character whose lower case is longer stays as is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def cased(text: str) -> str:
    """Simplified, half-width, straight quotes; case kept: for matching names (Stripe, JPush)."""
    _learn(text)
    return text.translate(_TABLE)


def normalise(text: str) -> str:
    """The text vocabulary terms are matched against (same length as `text`)."""
    return lower(cased(text))


def traditional_share(text: str) -> tuple[int, int]:
    """(Chinese characters, characters that t2s changes): a Traditional text changes many."""
    chars = _CJK.findall(text[:200000])
    if not chars:
        return 0, 0
    _learn(text[:200000])
    changed = sum(1 for ch in chars if ord(ch) in _T2S)
    return len(chars), changed
