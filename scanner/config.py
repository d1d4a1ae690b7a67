"""Configuration from `[tool.privacy-scan]` in pyproject.toml or a `.privacy-scan.toml` file.

Looked up in the current folder; command-line options win over the file. Keys are the long
option names with '_' or '-': policy, fail_on, baseline, signatures, json, sarif, html,
markdown, jobs, exit_zero, no_code, timeout.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from scanner.errors import ScanError

KNOWN_KEYS = {
    "policy",
    "fail_on",
    "baseline",
    "signatures",
    "json",
    "sarif",
    "html",
    "markdown",
    "jobs",
    "exit_zero",
    "no_code",
}


class ConfigError(ScanError):
    """The configuration file is unreadable or has an unknown key."""


def load_config(folder: Path) -> tuple[dict[str, Any], Path | None]:
    """The settings and the file they came from (.privacy-scan.toml first, then pyproject)."""
    for name, table in ((".privacy-scan.toml", None), ("pyproject.toml", ("tool", "privacy-scan"))):
        path = folder / name
        if not path.is_file():
            continue
        try:
            doc: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(path, f"cannot read configuration ({exc})") from exc
        if table is not None:
            for key in table:
                doc = doc.get(key, {})
            if not doc:
                continue
        settings = {k.replace("-", "_"): v for k, v in doc.items()}
        unknown = sorted(set(settings) - KNOWN_KEYS)
        if unknown:
            raise ConfigError(path, f"unknown setting(s): {', '.join(unknown)}")
        return settings, path
    return {}, None
