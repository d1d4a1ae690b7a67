"""Writing output files: all or nothing (temp file in the same folder, then rename)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from scanner.errors import ScanError


class OutputError(ScanError):
    """An output file cannot be written."""


STDOUT = Path("-")
"""An output named `-` goes to standard output (`--json -`), as a shell user expects."""


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers never see a half-written file; `-` is stdout,
    written in one piece once the whole document is rendered."""
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import tempfile  # 3 ms of start-up that a scan writing no file does not pay

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(path, f"cannot write ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(path, f"cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_cache_file(path: Path, text: str) -> None:
    """Write a cache file of privacy-scan's own (the parsed signature catalogue, never anything
    from an app), creating its folder; raises OSError or OutputError, which callers ignore."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
