"""Bounded reading of zip containers (APK, jar, aar).

Nothing is ever extracted to disk: entries are inflated into memory, one at a time, and each
read is capped, because the declared size in a zip header is whatever the app's author wrote.
"""

from __future__ import annotations

import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from scanner.errors import AppInputError, LimitExceeded
from scanner.limits import DEFAULT_LIMITS, MAX_VIRTUAL_ENTRIES, Limits
from scanner.model import DexPrefix

__all__ = ["DEFAULT_LIMITS", "DexPrefix", "Limits", "ZipReader", "is_dex_magic", "opened"]

_CHUNK = 1 << 20
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
"""A local file header: signature, version, flags, method, time, date, crc, compressed size,
size, name length, extra length."""
_DEX_MAGIC = re.compile(rb"^dex\n0[0-9]{2}\x00")
"""A dex file's magic: `dex\n`, a three-digit version starting with 0, NUL (035 to 041 today)."""


def is_dex_magic(head: bytes) -> bool:
    return _DEX_MAGIC.match(head) is not None


class ZipReader:
    """A zip container opened for bounded reads. Use as a context manager."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None):
        self.path = path
        self.limits = limits
        self._total = 0
        self._count_lock = threading.Lock()
        """Entries may be read from two threads (native libraries beside the dex files): the
        running total of inflated bytes must not lose an update. zipfile itself serialises the
        reads of the underlying file."""
        try:
            if data is not None:
                self._zip = zipfile.ZipFile(io.BytesIO(data))
            else:
                self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise AppInputError(path, f"not a zip archive ({exc})") from exc
        except (OSError, ValueError, EOFError, NotImplementedError, OverflowError) as exc:
            # NotImplementedError: zipfile refuses a "version needed" it does not know.
            raise AppInputError(path, f"cannot open as a zip archive ({exc})") from exc
        infos = self._zip.infolist()
        if len(infos) > limits.max_entries:
            self._zip.close()
            raise LimitExceeded(path, f"{len(infos)} zip entries (limit {limits.max_entries})")
        # Duplicate names: keep the first, as Android's package manager does.
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._infos.setdefault(info.filename, info)
        self.dex_prefix: DexPrefix | None = None
        """Set when a dex file precedes the archive (a Janus-layout APK)."""
        self.head = b""
        """The first bytes of the archive proper (after any prefix), for recognising it."""
        try:
            self._check_prefix(data, infos)
        except BaseException:
            self._zip.close()
            raise

    def _check_prefix(self, data: bytes | None, infos: list[zipfile.ZipInfo]) -> None:
        """Find where the archive really starts and judge what lies in front of it.

        zipfile reads an archive with data in front of it (it locates everything from the end
        record), so the first entry the central directory lists may sit anywhere. In front of
        it there may be:
        - local headers the central directory does not list, chained exactly up to it: the
          "virtual entries" Android Gradle Plugin's zipflinger writes as padding (Yosemite.apk
          starts with one). Android reads past them, so does this reader;
        - a dex file: the Janus layout. The zip after it is read, `dex_prefix` says so;
        - anything else, for instance the outer archive's first bytes when a split set is cut
          after a stored inner APK (zipfile's backward search then finds that APK's end record
          and would read the inner APK as the file). Refused: a damaged file, not an app.
        """
        start = min((i.header_offset for i in infos), default=self._zip.start_dir)
        start = min(start, self._zip.start_dir)
        if start < 0:
            # The end record puts the archive before the file's first byte.
            raise AppInputError(self.path, "zip offsets point before the start of the file")
        try:
            if data is not None:
                self.head = data[start : start + 8]
                front = data[: min(start, 64)]
                if start and _DEX_MAGIC.match(front) is None:
                    self._check_virtual_entries(lambda at: data[at : at + _LOCAL.size], start)
            else:
                with self.path.open("rb") as fh:
                    front = fh.read(min(start, 64))
                    fh.seek(start)
                    self.head = fh.read(8)

                    def read_at(at: int) -> bytes:
                        fh.seek(at)
                        return fh.read(_LOCAL.size)

                    if start and _DEX_MAGIC.match(front) is None:
                        self._check_virtual_entries(read_at, start)
        except OSError as exc:
            raise AppInputError(self.path, f"cannot be read ({exc.strerror or exc})") from exc
        if start and _DEX_MAGIC.match(front):
            self.dex_prefix = DexPrefix(size=start, version=front[4:7].decode("ascii"))

    def _check_virtual_entries(self, read_at: Callable[[int], bytes], start: int) -> None:
        """Refuse the prefix unless it is local headers (and their data) ending at `start`."""
        at = 0
        for _ in range(MAX_VIRTUAL_ENTRIES):
            header = read_at(at)
            if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
                break
            fields = _LOCAL.unpack(header)
            at += _LOCAL.size + fields[9] + fields[10] + fields[7]  # name, extra, data
            if at >= start:
                break
        if at != start:
            raise AppInputError(
                self.path,
                f"{start} bytes before the zip archive are neither a dex file nor unlisted "
                "zip entries: a truncated or damaged archive, or not an app",
            )

    def __enter__(self) -> ZipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    @property
    def inflated(self) -> int:
        """Bytes inflated so far (a set of split APKs charges its inner archives to its own cap)."""
        with self._count_lock:
            return self._total

    def names(self) -> list[str]:
        """Entry names, in archive order, without duplicates."""
        return list(self._infos)

    def size_of(self, name: str) -> int:
        return self._infos[name].file_size

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str, cap: int | None = None) -> bytes:
        """Inflate one entry, refusing to go past `cap` (default: the per-entry limit)."""
        info = self._infos.get(name)
        if info is None:
            raise AppInputError(self.path, f"no entry {name!r} in the archive")
        limit = min(cap or self.limits.max_entry_bytes, self.limits.max_entry_bytes)
        if info.flag_bits & 0x1:
            raise AppInputError(self.path, f"entry {name!r} is encrypted")
        # BytesIO rather than a list of chunks joined at the end: getvalue() hands over its buffer
        # without a copy, so a 500 MiB entry peaks at about 500 MiB, not twice that.
        buffer = io.BytesIO()
        got = 0
        try:
            with self._zip.open(info) as stream:
                while True:
                    chunk = stream.read(min(_CHUNK, limit + 1 - got))
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > limit:
                        raise LimitExceeded(
                            self.path, f"entry {name!r} inflates past {limit} bytes"
                        )
                    with self._count_lock:
                        self._total += len(chunk)
                        total = self._total
                    if total > self.limits.max_total_bytes:
                        raise LimitExceeded(
                            self.path,
                            f"archive inflates past {self.limits.max_total_bytes} bytes in all",
                        )
                    buffer.write(chunk)
        except LimitExceeded:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
            OSError,
            EOFError,
            RuntimeError,
            ValueError,
        ) as exc:
            raise AppInputError(self.path, f"entry {name!r} cannot be read ({exc})") from exc
        return buffer.getvalue()


def opened(
    path: Path, limits: Limits, container: ZipReader | None
) -> AbstractContextManager[ZipReader]:
    """`container` as is (its owner closes it), else `path` opened now and closed after."""
    return nullcontext(container) if container is not None else ZipReader(path, limits)
