"""Progress of a batch: a rich bar on a terminal, one plain line per app otherwise, or nothing."""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol

from scanner.batch.job import JobOutcome, Status


class Progress(Protocol):
    def start(self, total: int, skipped: int) -> None: ...

    def advance(self, outcome: JobOutcome) -> None: ...

    def finish(self) -> None: ...


class Silent:
    """-q: nothing at all."""

    def start(self, total: int, skipped: int) -> None:
        return None

    def advance(self, outcome: JobOutcome) -> None:
        return None

    def finish(self) -> None:
        return None


def _describe(outcome: JobOutcome) -> str:
    if outcome.status is Status.FAILED:
        return f"failed {outcome.error_kind}: {outcome.error_message}"
    return f"ok {outcome.findings} finding(s), worst {outcome.worst or 'none'}"


class _Rate:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.total = 0
        self.done = 0
        self.failed = 0

    def count(self, outcome: JobOutcome) -> None:
        self.done += 1
        self.failed += outcome.status is Status.FAILED

    def per_minute(self) -> float:
        elapsed = time.monotonic() - self.started
        return 60.0 * self.done / elapsed if elapsed > 0 else 0.0

    def eta(self) -> str:
        rate = self.per_minute()
        if not rate:
            return "?"
        seconds = int(60 * (self.total - self.done) / rate)
        return f"{seconds // 60}m{seconds % 60:02d}s"


class Lines:
    """Not a terminal (CI, a log file): one line per app on stderr, then a summary line."""

    def __init__(self) -> None:
        self.rate = _Rate()

    def start(self, total: int, skipped: int) -> None:
        self.rate.total = total
        print(f"privacy-scan: {total} app(s) to scan, {skipped} already done", file=sys.stderr)

    def advance(self, outcome: JobOutcome) -> None:
        r = self.rate
        r.count(outcome)
        print(
            f"privacy-scan: [{r.done}/{r.total}] {outcome.job.app}: {_describe(outcome)} "
            f"({r.per_minute():.1f} apps/min, ETA {r.eta()})",
            file=sys.stderr,
            flush=True,
        )

    def finish(self) -> None:
        r = self.rate
        print(
            f"privacy-scan: {r.done} scanned, {r.failed} failed, {r.per_minute():.1f} apps/min",
            file=sys.stderr,
        )


class Bar:
    """A terminal: a rich progress bar (done / total, failed, apps per minute, ETA) on stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self.rate = _Rate()
        self.bar = RichProgress(
            TextColumn("scanning"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]:.1f} apps/min"),
            TimeRemainingColumn(),
            console=Console(stderr=True, highlight=False),
            transient=False,
        )
        self.task: Any = None

    def start(self, total: int, skipped: int) -> None:
        self.rate.total = total
        self.bar.console.print(f"{total} app(s) to scan, {skipped} already done")
        self.bar.start()
        self.task = self.bar.add_task("scan", total=total, failed=0, rate=0.0)

    def advance(self, outcome: JobOutcome) -> None:
        self.rate.count(outcome)
        if outcome.status is Status.FAILED:
            from rich.markup import escape

            # An app's path is not ours: escaped so that "[...]" in a name is not markup.
            self.bar.console.print(
                f"[red]failed[/red] {escape(outcome.job.app)}: "
                f"{escape(outcome.error_kind or '')}: {escape(outcome.error_message or '')}"
            )
        self.bar.update(self.task, advance=1, failed=self.rate.failed, rate=self.rate.per_minute())

    def finish(self) -> None:
        self.bar.stop()


def choose(quiet: bool) -> Progress:
    if quiet:
        return Silent()
    return Bar() if sys.stderr.isatty() else Lines()
