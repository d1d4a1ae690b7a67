"""Property lists (Info.plist, PrivacyInfo.xcprivacy), binary or XML, read within bounds.

plistlib parses both forms. What it does not bound is the shape of the result: a binary plist
may reference one array from many places (a few KiB of file, an exponential tree), or itself (a
cycle), and nest deeper than Python recurses. So the size is checked before parsing, recursion
is caught, and the parsed value is walked once, iteratively, under a depth and a node budget
before anything reads it.
"""

from __future__ import annotations

import struct
from datetime import datetime
from typing import Any
from xml.parsers.expat import ExpatError

from scanner.limits import MAX_PLIST_BYTES, MAX_PLIST_DEPTH, MAX_PLIST_NODES


class PlistError(ValueError):
    """A plist that cannot be read, or is past a bound; the message says which."""

    def __init__(self, message: str, limit: bool = False) -> None:
        super().__init__(message)
        self.limit = limit
        """True when a bound refused it (the CLI says so the same way for every bound)."""


def load_plist(data: bytes) -> dict[str, Any]:
    """The top-level dictionary of a plist. Raises PlistError."""
    if len(data) > MAX_PLIST_BYTES:
        raise PlistError(f"{len(data)} bytes (limit {MAX_PLIST_BYTES})", limit=True)
    import plistlib  # here, not at start-up: only an iOS app has plists (1.4 ms)

    try:
        value = plistlib.loads(data)
    except RecursionError as exc:
        raise PlistError(f"nested deeper than {MAX_PLIST_DEPTH} levels", limit=True) from exc
    except (
        plistlib.InvalidFileException,
        ExpatError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        OverflowError,
        struct.error,
        UnicodeDecodeError,
    ) as exc:
        raise PlistError(f"malformed plist ({type(exc).__name__}: {exc})") from exc
    if not isinstance(value, dict):
        raise PlistError(f"top level is {type(value).__name__}, not a dictionary")
    check_shape(value)
    return value


def check_shape(root: object) -> None:
    """Refuse a value nested past MAX_PLIST_DEPTH or holding more than MAX_PLIST_NODES values,
    counting shared (and cyclic) references each time they are reached."""
    stack: list[tuple[object, int]] = [(root, 0)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_PLIST_NODES:
            raise PlistError(f"more than {MAX_PLIST_NODES} values", limit=True)
        if isinstance(value, dict):
            children: list[object] = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = list(value)
        else:
            continue
        if depth >= MAX_PLIST_DEPTH:
            raise PlistError(f"nested deeper than {MAX_PLIST_DEPTH} levels", limit=True)
        stack.extend((child, depth + 1) for child in children)


def text_of(value: object) -> str | None:
    """A plist value as text when it is a scalar (string, number, boolean, date); None for
    containers and data."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return None


def strings_of(value: object) -> tuple[str, ...]:
    """The strings of a plist array (anything else in it skipped); () for a non-array."""
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def dicts_of(value: object) -> tuple[dict[str, Any], ...]:
    """The dictionaries of a plist array; () for a non-array."""
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, dict))
