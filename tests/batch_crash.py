"""Test-only Dask worker plugin: kill the worker process while it runs a chosen app's task.

Registered by tests/test_batch.py on a cluster it starts itself; production code has no such
hook and no input can trigger one. The worker dies with os._exit the moment the task enters the
executing state, as a segfault or the OOM killer would end it: with no delay, so that a fast
scan cannot finish first and the kill always lands on the chosen task.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin


class KillWorkerOn(WorkerPlugin):
    """Kill the worker running `always` every time, and the one running `once` the first time
    (a marker file shared by all workers records that it happened)."""

    name = "privacy-scan-test-kill"

    def __init__(self, always: str, once: str, marker: Path) -> None:
        self.always = always
        self.once = once
        self.marker = str(marker)

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing":
            return
        if key == self.once:
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.close(fd)
        elif key != self.always:
            return
        os._exit(1)
