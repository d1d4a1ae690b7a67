"""Domain errors. The CLI (scanner.cli) is the one place that turns them into exit codes."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from types import FrameType


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


class TimeBudgetExceeded(BaseException):
    """Raised by `time_budget` when a scan runs too long.

    A BaseException so that the broad `except Exception` guards around third-party parsers
    (androguard, lief) cannot swallow it; the CLI turns it into LimitExceeded (exit code 2).
    """


@contextmanager
def budget_held() -> Iterator[None]:
    """Hold the time budget's alarm while Python's own thread and fork machinery runs.

    An exception raised from a signal handler inside `Thread.start()` or an at-fork handler
    (logging registers one) is swallowed there or leaves a thread half started: the scan then
    ran past its budget and exited 0, or failed with "cannot join thread before it is started".
    A held SIGALRM is delivered the moment the block ends, in our own code."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Interrupt the enclosed work after `seconds` of wall-clock time (main thread, POSIX).

    Elsewhere (a worker thread, Windows) the budget is not enforced.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeBudgetExceeded(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
