"""Vendors listed before one shared product word: "华为/小米/魅族 Push SDK", "华为、小米和OPPO推送",
and the Chinese game-policy form "如您使用小米、魅族、华为等品牌手机……接入的上述手机厂商Push SDK".

Each vendor there names its own push SDK, but only the last one stands next to the product word,
so the alias search alone finds that one (or none). This module reads such lists and gives, for
each vendor whose name joined to the product word is an SDK alias, that SDK and where the vendor
stands. Only a join that is itself an alias counts: a brand that makes no push SDK in the
catalogue (联想, 三星) names nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_PRODUCT = r"(?:Push|PUSH|push|推送)"
_SEP = r"[\s*]*(?:/|\uff0f|、|和|及|与|或|,)[\s*]*"
_NAME = r"(?:[A-Za-z][A-Za-z0-9]{0,19}|[\u4e00-\u9fff]{1,12})"
"""A name in a list; bounded, so a long run of Han text costs linear time."""
_PRODUCT_WORD = re.compile(_PRODUCT)
_LIST = re.compile(rf"{_NAME}(?:{_SEP}{_NAME})+[\s*]*\Z")
"""Two or more names joined by list separators, ending where the product word starts."""
_LIST_REACH = 64
"""How far back (characters) from the product word a list is read: a five-vendor list fits, and
a bounded window keeps a long run of names without the word from costing quadratic time."""
_BRANDS = re.compile(
    rf"(?P<names>{_NAME}(?:{_SEP}{_NAME})+)[\s*、]*等(?:品牌|厂商)?的?(?:手机|设备)"
)
"""A list of phone brands: "小米、魅族、华为等品牌手机"."""
_ANAPHOR = re.compile(
    rf"上述(?:手机)?厂商的?(?:[\u4e00-\u9fff]{{1,4}}[、/和及与])*[\s*]*{_PRODUCT}"
)
""""The (login, payment and) push SDK of the said vendors", pointing back to a brand list before
it ("上述手机厂商登录、支付、Push SDK")."""
_ELEMENT = re.compile(r"[^/\uff0f、和及与或,\s*]+")
"""One element of a matched list: what stands between its separators."""
_MAX_GAP = 200
"""How far back (characters) a brand list may stand from "上述厂商Push"."""

Resolver = Callable[[str], str | None]
"""A candidate SDK name ("华为Push") -> the id of the one SDK it is a whole alias of, or None."""


def _join_forms(name: str) -> tuple[str, ...]:
    return (f"{name}Push", f"{name} Push", f"{name}推送", f"{name} PUSH")


def _resolve_element(text: str, start: int, end: int, resolve: Resolver) -> tuple[int, str] | None:
    """The SDK named by the list element text[start:end] joined to the product word, and where
    the vendor's name starts. A Chinese element may carry the words before the list
    ("使用华为"): its shortest tail of two or more characters that resolves is the vendor."""
    element = text[start:end]
    tails = [0]
    if re.fullmatch(r"[\u4e00-\u9fff]+", element):
        tails = list(range(len(element) - 2, -1, -1))
    for offset in tails:
        for form in _join_forms(element[offset:]):
            sdk_id = resolve(form)
            if sdk_id is not None:
                return start + offset, sdk_id
    return None


def _elements(text: str, start: int, end: int, resolve: Resolver) -> Iterator[tuple[int, int, str]]:
    for m in _ELEMENT.finditer(text, start, end):
        found = _resolve_element(text, m.start(), m.end(), resolve)
        if found is not None:
            yield found[0], m.end(), found[1]


def vendor_list_names(text: str, resolve: Resolver) -> Iterator[tuple[int, int, str]]:
    """(start, end, SDK id) of each vendor in `text` that a shared product word makes name
    its own SDK."""
    for word in _PRODUCT_WORD.finditer(text):
        window_start = max(0, word.start() - _LIST_REACH)
        names = _LIST.search(text, window_start, word.start())
        if names is not None:
            yield from _elements(text, names.start(), names.end(), resolve)
    for m in _ANAPHOR.finditer(text):
        window_start = max(0, m.start() - _MAX_GAP)
        if "等" not in text[window_start : m.start()]:
            continue  # no brand list can end there; skips the regex on most text
        brands = list(_BRANDS.finditer(text, window_start, m.start()))
        if brands:
            # "上述" points back across sentences too ("如您使用华为、小米等品牌手机下载本游戏。
            # ……接入的上述厂商Push SDK"): the nearest list before it, within the reach.
            last = brands[-1]
            yield from _elements(text, last.start("names"), last.end("names"), resolve)
