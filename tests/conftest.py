"""Shared fixtures: paths of the committed sample apps and policies, and the `seeds` marker.

The report and compare tests run on the two policies written for the fixture apps
(samples/policies/). The two real policies they were modelled on live outside the repository, in
../shared/seeds/, and never enter it: tests that read them carry `@pytest.mark.seeds` and skip
when that folder is not beside the checkout (a fresh clone, CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APKS = REPO / "samples" / "apks"
POLICIES = REPO / "samples" / "policies"
SHOP_POLICY = POLICIES / "rakufun-shop-policy.md"
"""English, written for shopping-demo; discloses what seed 003 discloses."""
VIDEO_POLICY = POLICIES / "viki-video-policy.md"
"""Traditional Chinese Markdown, written for video-demo; discloses what seed 000 discloses."""

SEEDS = REPO.parent / "shared" / "seeds"
SHOP_SEED = SEEDS / "003_e2bc045c29904221.txt"
VIDEO_SEED = SEEDS / "000_0895c72513478daf.txt"
SEEDS_ABSENT = "../shared/seeds is not beside the repo"


def sample_apk(name: str) -> Path:
    path = APKS / f"{name}.apk"
    if not path.exists():
        pytest.fail(f"{path} is missing: run samples/build_apps.py")
    return path


def pytest_runtest_setup(item: pytest.Item) -> None:
    # One place decides, so a seed test can never fail (or pass vacuously) on a bare clone.
    if item.get_closest_marker("seeds") and not (SHOP_SEED.is_file() and VIDEO_SEED.is_file()):
        pytest.skip(SEEDS_ABSENT)
