"""Shared fixtures: paths of the committed sample apps and policies."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APKS = REPO / "samples" / "apks"
SEEDS = REPO.parent / "shared" / "seeds"


def sample_apk(name: str) -> Path:
    path = APKS / f"{name}.apk"
    if not path.exists():
        pytest.fail(f"{path} is missing: run samples/build_apps.py")
    return path
