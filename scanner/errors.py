"""Domain errors. The CLI (scanner.cli) is the one place that turns them into exit codes."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Documented process exit codes (README, "Exit codes")."""

    OK = 0
    """Scan finished; no finding at or above --fail-on."""
    FINDINGS = 1
    """Scan finished; at least one finding at or above --fail-on."""
    INPUT_ERROR = 2
    """Usage error, or an input (app, policy, signature file) that cannot be read."""
    INTERNAL_ERROR = 3
    """A bug in privacy-scan: please report it with the --debug traceback."""


class ScanError(Exception):
    """An input that cannot be processed. Always names the input it is about."""

    def __init__(self, source: str | Path, message: str) -> None:
        self.source = str(source)
        self.message = message
        super().__init__(f"{self.source}: {message}")


class AppInputError(ScanError):
    """The app file is not a readable APK / jar / aar / native binary."""


class PolicyInputError(ScanError):
    """The privacy policy cannot be read or holds no text."""


class SignatureError(ScanError):
    """A signature or taxonomy data file is invalid."""


class LimitExceeded(AppInputError):
    """An input exceeded a safety limit (inflate cap, entry count, time budget)."""
