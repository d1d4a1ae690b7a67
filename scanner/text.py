"""What counts as a Chinese character, written once for every stage that reads text."""

from __future__ import annotations

import re

CJK_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Character-class body: CJK Unified Ideographs, Extension A and the compatibility ideographs
(the BMP blocks that hold Han characters; Traditional and Simplified both live here)."""

CJK_CHAR = re.compile(f"[{CJK_IDEOGRAPHS}]")
"""One Chinese character."""


def has_cjk(text: str) -> bool:
    """True when `text` holds a Chinese character."""
    return CJK_CHAR.search(text) is not None
