"""Work done on a second core while the main thread inflates dex files.

zlib and hashlib release the GIL on large buffers, so hashing the app or inflating its native
libraries beside the dex files costs no wall time on a machine with two cores. Only work whose
inputs are independent of the main thread's goes here, and its result (or its exception) is
taken back in the main thread, so errors and their exit codes stay where they were.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from scanner.errors import budget_held

T = TypeVar("T")


class Background(threading.Thread, Generic[T]):
    """Run `work` in a daemon thread at once; `result()` waits and returns or re-raises."""

    def __init__(self, name: str, work: Callable[[], T]) -> None:
        super().__init__(name=f"privacy-scan-{name}", daemon=True)
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        with budget_held():  # a budget alarm inside start() would leave it half started
            self.start()

    def run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # re-raised in the caller's thread by result()
            self._error = exc

    def result(self) -> T:
        self.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
