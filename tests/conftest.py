"""Shared fixtures: paths of the committed sample apps and policies, and the `seeds` marker.

The report and compare tests run on the two policies written for the fixture apps
(samples/policies/). The two real policies they were modelled on live outside the repository, in
../shared/seeds/, and never enter it: tests that read them carry `@pytest.mark.seeds` and skip
when that folder is not beside the checkout (a fresh clone, CI).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


def scan_document(path: Path, out: Path) -> dict[str, Any]:
    """`scan PATH` against the shop policy (exit 0 forced): its JSON result document."""
    from scanner.cli import main

    args = ["scan", str(path), "--policy", str(SHOP_POLICY), "--json", str(out), "-q"]
    assert main([*args, "--exit-zero"]) == 0
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def json_key(value: object) -> str:
    """A hashable, order-independent key for a JSON value (to compare lists as sets)."""
    return json.dumps(value, sort_keys=True)


def assert_one_line_exit_2(path: Path, capsys: pytest.CaptureFixture[str], *needles: str) -> None:
    """`scan PATH` refuses the input: exit 2, one line on stderr naming the file, no traceback."""
    from scanner.cli import main

    assert main(["scan", str(path), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert str(path) in err
    for needle in needles:
        assert needle in err, err


def pytest_runtest_setup(item: pytest.Item) -> None:
    # One place decides, so a seed test can never fail (or pass vacuously) on a bare clone.
    if item.get_closest_marker("seeds") and not (SHOP_SEED.is_file() and VIDEO_SEED.is_file()):
        pytest.skip(SEEDS_ABSENT)


def cue_examples(*path: str) -> list[tuple[str, str, str]]:
    """(language, positive | negative, sentence) of the `examples` of a cues.json entry, for
    parametrised tests: cue_examples("ip_derived_location")."""
    from scanner.policy.vocabulary import load_vocabulary

    node: Any = load_vocabulary().cues
    for key in path:
        node = node[key]
    return [
        (lang, polarity, sentence)
        for lang, examples in node["examples"].items()
        for polarity in ("positive", "negative")
        for sentence in examples[polarity]
    ]
