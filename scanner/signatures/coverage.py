"""Which εxodus trackers the built-in signatures cover, by code-signature overlap.

A tracker's `code_signature` lists class-name patterns, mostly package prefixes. A prefix is
covered when a built-in SDK prefix equals it or holds it (`com.appsflyer` covers
`com.appsflyer.share`), touched when a built-in prefix lies inside it (only part of what the
tracker names is known). Pieces that are not package prefixes (bare class names) count as not
covered: no built-in signature matches by class name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from scanner.errors import SignatureError
from scanner.signatures.catalog import SdkSignature

_IDENT = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")


class Coverage(StrEnum):
    COVERED = "covered"
    """Every package of the tracker's code signature is held by a built-in signature."""
    PARTIAL = "partial"
    """Some are, or a built-in signature covers part of one."""
    NOT_COVERED = "not_covered"
    NO_CODE_SIGNATURE = "no_code_signature"
    """A network-only tracker: nothing in the code to match."""


@dataclass(frozen=True)
class TrackerCoverage:
    tracker_id: str
    name: str
    coverage: Coverage
    sdk_ids: tuple[str, ...]
    """Built-in SDKs whose prefixes overlap the tracker's."""
    uncovered: tuple[str, ...]
    """Pieces of the code signature no built-in signature holds."""


def _holders(piece: str, sdks: Sequence[SdkSignature]) -> tuple[list[str], bool]:
    """(overlapping SDK ids, fully held) for one package prefix of a code signature."""
    full = [s.id for s in sdks if any(piece == p or piece.startswith(p + ".") for p in s.packages)]
    if full:
        return full, True
    inside = [s.id for s in sdks if any(p.startswith(piece + ".") for p in s.packages)]
    return inside, False


def tracker_coverage(tracker: dict[str, Any], sdks: Sequence[SdkSignature]) -> TrackerCoverage:
    """How the built-in signatures cover one εxodus tracker."""
    pieces = [p.strip() for p in str(tracker.get("code_signature") or "").split("|") if p.strip()]
    tracker_id, name = str(tracker.get("id", "")), str(tracker.get("name", ""))
    if not pieces:
        return TrackerCoverage(tracker_id, name, Coverage.NO_CODE_SIGNATURE, (), ())
    ids: list[str] = []
    uncovered: list[str] = []
    partial = False
    for piece in pieces:
        prefix = piece.rstrip(".")
        if not _IDENT.match(prefix):
            uncovered.append(piece)
            continue
        holders, full = _holders(prefix, sdks)
        ids += holders
        if not full:
            uncovered.append(piece)
            partial = partial or bool(holders)
    if not uncovered:
        status = Coverage.COVERED
    elif ids or partial:
        status = Coverage.PARTIAL
    else:
        status = Coverage.NOT_COVERED
    return TrackerCoverage(tracker_id, name, status, tuple(dict.fromkeys(ids)), tuple(uncovered))


def exodus_coverage(path: Path, sdks: Sequence[SdkSignature]) -> tuple[TrackerCoverage, ...]:
    """Every tracker of an εxodus file, covered or not; SignatureError names the file."""
    try:
        trackers = json.loads(path.read_text(encoding="utf-8"))["trackers"]
        items = list(trackers.values()) if isinstance(trackers, dict) else list(trackers)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureError(path, f"cannot read tracker file ({exc})") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise SignatureError(path, "not an εxodus tracker file (no 'trackers' object)") from exc
    if not all(isinstance(t, dict) for t in items):
        raise SignatureError(path, "not an εxodus tracker file (a tracker is not an object)")
    return tuple(tracker_coverage(t, sdks) for t in items)
