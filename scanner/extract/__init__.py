"""Extract stage: an app binary (APK, jar, aar, native library) → `AppInventory`.

No app code runs and nothing is written to disk: entries are inflated into memory under the
limits of `archive.Limits`. Each input format is a reader in `scanner.extract.formats`;
`extract_app` hands the file to the first one that recognises it.
"""

from __future__ import annotations

from pathlib import Path

from scanner.errors import AppInputError
from scanner.extract.archive import DEFAULT_LIMITS, Limits, ZipReader
from scanner.extract.formats import (
    READERS,
    AppReader,
    CodeBytes,
    CodeBytesFormat,
    ExtractedApp,
    app_suffixes,
)
from scanner.extract.formats.zipped import ZIP_MAGIC

_HEAD_BYTES = 8
"""Enough for every magic number a reader checks (ar's is the longest)."""


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(_HEAD_BYTES)
    except IsADirectoryError as exc:
        raise AppInputError(path, "is a directory, not an app file") from exc
    except OSError as exc:
        raise AppInputError(path, f"cannot be read ({exc.strerror or exc})") from exc


def reader_for(path: Path, limits: Limits = DEFAULT_LIMITS) -> AppReader:
    """The reader of `path`'s format. Raises AppInputError for a missing, empty, unreadable or
    unrecognised file (and for a zip that cannot be opened)."""
    if not path.exists():
        raise AppInputError(path, "no such file")
    head = _read_head(path)
    if not head:
        raise AppInputError(path, "empty file")
    zip_names: frozenset[str] | None = None
    if head[:4] in ZIP_MAGIC:
        with ZipReader(path, limits) as zf:
            zip_names = frozenset(zf.names())
    for reader in READERS:
        if reader.recognises(path, head, zip_names):
            return reader
    if zip_names is not None:
        raise AppInputError(
            path, "unknown file type: a zip archive without AndroidManifest.xml, dex or class files"
        )
    raise AppInputError(
        path, "unknown file type: not an APK, jar, aar, or native library (ELF / Mach-O / .a)"
    )


def extract_app(
    path: Path, limits: Limits = DEFAULT_LIMITS, keep_code: bool = False
) -> ExtractedApp:
    """Read an app binary into an inventory. Raises AppInputError (exit code 2) on bad input."""
    return reader_for(path, limits).read(path, limits, keep_code)


__all__ = [
    "AppReader",
    "CodeBytes",
    "CodeBytesFormat",
    "ExtractedApp",
    "app_suffixes",
    "extract_app",
    "reader_for",
]
