"""Extract stage: an app binary (APK, jar, aar, native library) → `AppInventory`.

No app code runs and nothing is written to disk: entries are inflated into memory under the
limits of `archive.Limits`. Each input format is a reader in `scanner.extract.formats`;
`extract_app` hands the file to the first one that recognises it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scanner.errors import AppInputError, LimitExceeded
from scanner.extract.archive import DEFAULT_LIMITS, Limits, ZipReader, is_dex_magic
from scanner.extract.background import Background
from scanner.extract.formats import (
    READERS,
    AppReader,
    CodeBytes,
    CodeBytesFormat,
    ExtractedApp,
    app_suffixes,
)
from scanner.extract.formats.common import folder_sha256_and_size, sha256_and_size
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
    reader, container = _recognise(path, limits)
    if container is not None:
        container.close()
    return reader


def _recognise(path: Path, limits: Limits) -> tuple[AppReader, ZipReader | None]:
    """The reader, and the file opened as a zip when it is one (the caller closes it)."""
    if not path.exists():
        raise AppInputError(path, "no such file")
    if path.is_dir():
        # Only a folder-shaped app (an iOS .app or .xcarchive) is read as one input.
        reader = next((r for r in READERS if r.recognises(path, b"", None)), None)
        if reader is None:
            raise AppInputError(path, "is a directory, not an app file")
        return reader, None
    head = _read_head(path)
    if not head:
        raise AppInputError(path, "empty file")
    container = _open_zip(path, head, limits)
    zip_names = frozenset(container.names()) if container is not None else None
    # A zip behind a dex prefix (Janus) is recognised by the archive's own first bytes.
    zip_head = container.head if container is not None else head
    for reader in READERS:
        if reader.recognises(path, zip_head, zip_names):
            return reader, container
    if container is not None:
        container.close()
        raise AppInputError(
            path, "unknown file type: a zip archive without AndroidManifest.xml, dex or class files"
        )
    raise AppInputError(
        path, "unknown file type: not an APK, jar, aar, or native library (ELF / Mach-O / .a)"
    )


def _open_zip(path: Path, head: bytes, limits: Limits) -> ZipReader | None:
    """The file as a zip: one that starts as a zip, or a dex file with a zip behind it (Janus
    layout); a plain dex file is no zip (and no app this scanner reads)."""
    if head[:4] in ZIP_MAGIC:
        return ZipReader(path, limits)
    if not is_dex_magic(head):
        return None
    try:
        return ZipReader(path, limits)
    except LimitExceeded:
        raise
    except AppInputError:
        return None


Digest = Background[tuple[str, int]]
"""An app's sha256 and size, being computed in a second thread."""


def start_digest(path: Path, limits: Limits = DEFAULT_LIMITS) -> Digest:
    """Start hashing an app now (hashlib releases the GIL). `extract_app` does so itself; a
    caller with single-threaded work to do first (loading signatures) can start it earlier and
    hand it over, so the hashing stays off the cores that later inflate the app. A folder (an
    unpacked iOS app) is digested file by file, in a stable order."""
    return Background(
        "sha256",
        lambda: (
            folder_sha256_and_size(path, limits.max_entries)
            if path.is_dir()
            else sha256_and_size(path)
        ),
    )


def extract_app(
    path: Path,
    limits: Limits = DEFAULT_LIMITS,
    keep_code: bool = False,
    digest: Digest | None = None,
) -> ExtractedApp:
    """Read an app binary into an inventory. Raises AppInputError (exit code 2) on bad input.
    `digest` is `start_digest(path, limits)` when the caller started it."""
    reader, container = _recognise(path, limits)
    # Hashed beside the reading: 0.015 s of a 25 MB app otherwise.
    if digest is None:
        digest = start_digest(path, limits)
    try:
        extracted = reader.read(path, limits, keep_code, container)
    finally:
        if container is not None:
            container.close()
        digest.join()
    try:
        sha, size = digest.result()
    except OSError as exc:
        raise AppInputError(path, f"cannot be read ({exc.strerror or exc})") from exc
    inv = extracted.inventory
    inv = replace(inv, identity=replace(inv.identity, sha256=sha, size=size))
    prefix = container.dex_prefix if container is not None else None
    if prefix is not None:
        warning = (
            f"a {prefix.size}-byte dex file (version {prefix.version}) precedes the zip archive "
            "(Janus layout, CVE-2017-13156): the archive after it was scanned, the dex was not"
        )
        inv = replace(inv, dex_prefix=prefix, warnings=(*inv.warnings, warning))
    return replace(extracted, inventory=inv)


__all__ = [
    "AppReader",
    "CodeBytes",
    "CodeBytesFormat",
    "ExtractedApp",
    "app_suffixes",
    "extract_app",
    "reader_for",
]
