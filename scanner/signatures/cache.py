"""A cache of the parsed SDK catalogue, so a scan reads one file instead of 568.

Reading `signatures/sdks/*.json` one file at a time costs about 20 ms of every start-up; most of
it is opening and decoding hundreds of small files. The cache holds the same documents, decoded
once, in one JSON file under the user's cache folder (`$XDG_CACHE_HOME/privacy-scan`, else
`~/.cache/privacy-scan`), one file per installed catalogue folder.

It is an optimisation only, and never the reason a scan fails or differs:
- its key is a digest of the cache format, the package version and each SDK file's name, size
  and modification time, so an added, removed or edited file makes it stale (a content digest
  would cost the reads it saves);
- a missing, stale, unreadable or malformed cache is ignored and the files are read as before;
- a cache folder that cannot be created or written is skipped silently;
- it is plain JSON, read with `json.loads`: nothing in it is ever executed or unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scanner import __version__

CACHE_FORMAT = 1
"""Bumped whenever what the cache holds changes meaning."""


def cache_folder() -> Path | None:
    """Where the cache lives, or None when there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "privacy-scan"
    try:
        return Path.home() / ".cache" / "privacy-scan"
    except RuntimeError:  # no HOME and no passwd entry
        return None


def catalogue_key(files: Sequence[Path]) -> str | None:
    """The digest that a cache must carry to stand for `files` (None if one cannot be stat'ed)."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\n{__version__}\n".encode())
    try:
        for path in files:
            st = os.stat(path)
            digest.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    except OSError:
        return None
    return digest.hexdigest()


def cache_path(folder: Path, catalogue: Path) -> Path:
    """The cache file for one catalogue folder (two installs do not overwrite each other's)."""
    tag = hashlib.sha256(str(catalogue.resolve()).encode()).hexdigest()[:16]
    return folder / f"sdk-catalogue-{tag}.json"


def load_documents(path: Path, key: str) -> list[dict[str, Any]] | None:
    """The cached SDK documents if `path` holds a cache for `key`; None for anything else."""
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):  # missing, unreadable, not JSON, not UTF-8
        return None
    if not isinstance(doc, dict) or doc.get("format") != CACHE_FORMAT or doc.get("key") != key:
        return None
    sdks = doc.get("sdks")
    if not isinstance(sdks, list) or not all(isinstance(d, dict) for d in sdks):
        return None
    return sdks


def store_documents(path: Path, key: str, documents: Sequence[Any]) -> None:
    """Write the cache for `key`; any failure (read-only home, full disk) is ignored."""
    from scanner.outputs import OutputError, write_cache_file

    text = json.dumps(
        {"format": CACHE_FORMAT, "key": key, "sdks": list(documents)},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    try:
        write_cache_file(path, text)
    except (OSError, OutputError):
        return
