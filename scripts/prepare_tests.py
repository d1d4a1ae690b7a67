#!/usr/bin/env python3
"""Get a machine ready for the full test run: the real-world corpus and a headless browser.

1. scripts/fetch_real_world.py downloads the real apps and SDK binaries of REAL_WORLD.md into the
   git-ignored `.cache/real-world/` (the tests behind the `realworld` marker use them);
2. Debian's `chromium` is installed when missing and apt-get is usable (root), for the HTML report
   tests in a headless browser.

Without them the affected tests skip with a reason; under CI (CI=true) a failure here is fatal so
a green run always means those tests ran.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STRICT = os.environ.get("CI", "").lower() == "true"


def _run(cmd: list[str]) -> int:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=False).returncode


def fetch_corpus() -> bool:
    script = [sys.executable, str(REPO / "scripts" / "fetch_real_world.py")]
    return _run(script) == 0 or _run(script) == 0  # one retry for a passing registry hiccup


def install_chromium() -> bool:
    if shutil.which("chromium"):
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("chromium is missing and apt-get is not usable: HTML browser tests will skip")
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # The CJK font only makes Chinese policy sentences legible in screenshots.
    packages = ["chromium", "fonts-wqy-microhei"]
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        print("+", " ".join(cmd), flush=True)
        if subprocess.run(cmd, check=False, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            return False
    return shutil.which("chromium") is not None


def main() -> int:
    ok = fetch_corpus()
    ok = install_chromium() and ok
    if not ok and STRICT:
        print("prepare_tests: could not prepare the full test run (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
