"""Import extra SDK signatures from an εxodus-format tracker JSON (`--signatures FILE`).

εxodus `code_signature` is a '|'-separated list of class-name patterns, mostly package prefixes
with a trailing dot ('com.appsflyer.'); a few are bare class names ('.LigatusManager'). Prefixes
become package signatures; the rest become anchored regexes. Trackers whose packages the built-in
signatures already cover are dropped, so one SDK is never reported twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.errors import SignatureError
from scanner.signatures.catalog import SdkSignature

_IDENT = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
_CATEGORY = {
    "advertisement": "ads",
    "analytics": "analytics",
    "crash reporting": "crash",
    "identification": "device_id",
    "location": "location",
    "profiling": "analytics",
}


@dataclass(frozen=True)
class ImportResult:
    signatures: tuple[SdkSignature, ...]
    skipped_empty: int
    """Trackers with no code signature (network-only)."""
    merged_into_builtin: int
    """Trackers whose every package a built-in signature already covers."""


def _covered(prefix: str, builtin_prefixes: Sequence[str]) -> bool:
    return any(prefix == b or prefix.startswith(b + ".") for b in builtin_prefixes)


def _convert(tracker: dict[str, Any], builtin_prefixes: Sequence[str]) -> SdkSignature | None:
    pieces = [p.strip() for p in str(tracker.get("code_signature") or "").split("|") if p.strip()]
    packages: list[str] = []
    regexes: list[str] = []
    for piece in pieces:
        stripped = piece.rstrip(".")
        if _IDENT.match(stripped):
            if not _covered(stripped, builtin_prefixes):
                packages.append(stripped)
        else:
            body = re.escape(piece.lstrip("."))
            regexes.append(rf".*\.{body}" if piece.startswith(".") else body)
    if not packages and not regexes:
        return None
    categories = [str(c).lower() for c in tracker.get("categories") or []]
    category = next((_CATEGORY[c] for c in categories if c in _CATEGORY), "other")
    if category == "location":
        category = "analytics"
    name = str(tracker.get("name") or f"tracker {tracker.get('id')}")
    return SdkSignature(
        id=f"exodus-{tracker.get('id')}",
        name=name,
        vendor=name,
        category=category,
        tracking=True,
        collects=(),
        packages=tuple(packages),
        exclude_packages=(),
        min_classes=1,
        native_libs=(),
        components=(),
        meta_data=(),
        assets=(),
        objc_classes=(),
        aliases=(("en", (name,)),),
        sources=(str(tracker.get("website") or "εxodus tracker database"),),
        class_regexes=tuple(regexes),
        origin="exodus",
    )


def load_exodus(path: Path, builtin: Sequence[SdkSignature]) -> ImportResult:
    """Read an εxodus tracker file; raises SignatureError naming the file when unreadable."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        trackers = doc["trackers"]
        items = list(trackers.values()) if isinstance(trackers, dict) else list(trackers)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureError(path, f"cannot read tracker file ({exc})") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise SignatureError(path, "not an εxodus tracker file (no 'trackers' object)") from exc
    builtin_prefixes = [p for s in builtin for p in s.packages]
    out: list[SdkSignature] = []
    empty = merged = 0
    for tracker in items:
        if not isinstance(tracker, dict):
            raise SignatureError(path, "not an εxodus tracker file (a tracker is not an object)")
        if not str(tracker.get("code_signature") or "").strip():
            empty += 1
            continue
        sig = _convert(tracker, builtin_prefixes)
        if sig is None:
            merged += 1
        else:
            out.append(sig)
    return ImportResult(tuple(out), empty, merged)
