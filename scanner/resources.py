"""Where the bundled data (signatures/, reports/) lives.

In a wheel, hatchling copies the top-level `signatures/` and `reports/` folders into
`scanner/_data/`. In a source checkout (editable install, or tests run from the repo) they are
beside the package. Both are tried, wheel first.
"""

from __future__ import annotations

from pathlib import Path


def data_dir(name: str) -> Path:
    """Return the folder of bundled data called `name` ("signatures" or "reports")."""
    # The package's own folder, which is what importlib.resources.files("scanner") names for
    # a package on disk: that module costs 3 ms of start-up (it imports tempfile).
    package = Path(__file__).resolve().parent
    bundled = package / "_data" / name
    if bundled.is_dir():
        return bundled
    in_checkout = package.parent / name
    if in_checkout.is_dir():
        return in_checkout
    raise FileNotFoundError(f"privacy-scan data folder {name!r} is missing from the installation")
