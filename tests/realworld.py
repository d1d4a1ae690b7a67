"""Locate the real-world corpus fetched by `scripts/fetch_real_world.py` (never committed).

Tests that need a file call `real_world_file(name)`: it returns the path, or skips the test with
the command that fetches the corpus. `PRIVACY_SCAN_REAL_WORLD` overrides the cache folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REAL_WORLD_DIR = Path(
    os.environ.get(
        "PRIVACY_SCAN_REAL_WORLD",
        Path(__file__).resolve().parent.parent / ".cache" / "real-world",
    )
)
"""Cache root: apps/<name>.apk, sdks/<file>, manifest.json."""

FETCH_HINT = "run scripts/fetch_real_world.py"


def real_world_file(name: str) -> Path:
    """Path of a cached real-world file (looked up in apps/ then sdks/); skips when absent."""
    for folder in ("apps", "sdks"):
        path = REAL_WORLD_DIR / folder / name
        if path.is_file():
            return path
    pytest.skip(f"real-world file {name!r} is not in {REAL_WORLD_DIR}: {FETCH_HINT}")
