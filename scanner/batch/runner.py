"""Run a batch: plan, skip what is done, scan the rest on a Dask cluster, record every outcome.

`--workers N` starts a LocalCluster of N single-threaded worker processes on this machine;
`--scheduler ADDRESS` submits to a running Dask scheduler instead. Tasks are submitted in a
bounded window (a few per worker), so a catalogue of a hundred thousand apps never sits in the
scheduler's memory at once, and each finished app is written and indexed as it arrives: a batch
stopped at any point resumes where it was.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.batch.host import failure_outcome
from scanner.batch.inputs import Plan, plan_jobs
from scanner.batch.job import BatchSettings, CrashKind, Job, JobOutcome, Status
from scanner.batch.progress import Progress
from scanner.batch.store import RETRIES, ResultStore, Stored
from scanner.batch.worker import scan_job, task_key
from scanner.errors import ExitCode
from scanner.severity import Severity

if TYPE_CHECKING:
    from distributed import Client

ALLOWED_FAILURES = 1
"""Workers that may die running one app before it is recorded as lost: the task is retried
once on another worker (a LocalCluster's scheduler; a running scheduler keeps its own setting)."""

TASKS_PER_WORKER = 4
"""Tasks in flight per worker: enough to keep every worker busy between two results."""


@dataclass(frozen=True)
class BatchOptions:
    inputs: tuple[str, ...]
    out: Path
    policy: str | None = None
    workers: int | None = None
    """LocalCluster size; None: one per core (ignored with `scheduler`)."""
    scheduler: str | None = None
    force: bool = False
    fail_on: Severity = Severity.HIGH
    exit_zero: bool = False
    no_code: bool = False
    timeout: float = 600.0
    signatures: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchSummary:
    """What a run did and where the catalogue stands for its inputs."""

    apps: int
    """Distinct apps (bytes x policy) named by the inputs."""
    scanned: int
    skipped: int
    passed: int
    gate_failed: int
    failed: int
    internal_errors: int
    exit_code: ExitCode


def _needs_scan(job: Job, stored: Stored | None, fingerprint: str, force: bool) -> bool:
    if force or stored is None or stored.settings != fingerprint:
        return True
    return stored.status is Status.FAILED and stored.failed_runs <= RETRIES


@contextmanager
def _client(options: BatchOptions) -> Iterator[Client]:
    import dask
    from distributed import Client, LocalCluster

    if options.scheduler is not None:
        with Client(options.scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}),
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=options.workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def _task_failure(job: Job, exc: BaseException, shared: BatchSettings) -> JobOutcome:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        message = "every worker that ran it died (killed, out of memory, or a crash)"
        return failure_outcome(job, CrashKind.WORKER_LOST.value, message, shared)
    text = (f"{type(exc).__name__}: {exc}".splitlines() or [""])[0]
    return failure_outcome(job, CrashKind.TASK_ERROR.value, text, shared)


def _scan(
    client: Client, jobs: list[Job], shared: BatchSettings, store: ResultStore, progress: Progress
) -> None:
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = max(16, TASKS_PER_WORKER * workers)
    settings = shared.to_dict()
    by_key = {task_key(j.key): j for j in jobs}
    pending = iter(jobs)

    def submit(job: Job) -> Any:
        return client.submit(scan_job, job.to_dict(), settings, key=task_key(job.key))

    first = [submit(j) for _, j in zip(range(window), pending, strict=False)]
    running = as_completed(first)  # type: ignore[no-untyped-call]
    for future in running:
        job = by_key[future.key]
        try:
            outcome = JobOutcome.from_dict(future.result())
        except Exception as exc:
            outcome = _task_failure(job, exc, shared)
        future.release()
        store.record(outcome, shared)
        progress.advance(outcome)
        following = next(pending, None)
        if following is not None:
            running.add(submit(following))  # type: ignore[no-untyped-call]


def run_batch(options: BatchOptions, progress: Progress) -> BatchSummary:
    """Scan what the inputs name into `options.out`; return the summary and the exit code."""
    plan: Plan = plan_jobs(options.inputs, options.policy)
    shared = BatchSettings(
        fail_on=options.fail_on.value,
        no_code=options.no_code,
        timeout=options.timeout,
        signatures=tuple(os.path.abspath(p) for p in options.signatures),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    store = ResultStore(options.out)
    try:
        store.add_sources(plan.sources)
        keys = [j.key for j in plan.jobs]
        stored = store.stored(keys)
        fingerprint = shared.fingerprint()
        todo = [
            j for j in plan.jobs if _needs_scan(j, stored.get(j.key), fingerprint, options.force)
        ]
        progress.start(len(todo), len(plan.jobs) - len(todo))
        try:
            if todo:
                with _client(options) as client:
                    _scan(client, todo, shared, store, progress)
        finally:
            progress.finish()
        store.regate(keys, options.fail_on)
        counts = store.outcome_counts(keys)
    finally:
        store.close()
    return _summary(len(plan.jobs), len(todo), counts, options.exit_zero)


def _summary(
    apps: int, scanned: int, counts: dict[tuple[str, str | None], int], exit_zero: bool
) -> BatchSummary:
    passed = counts.get((Status.OK.value, "pass"), 0)
    gate_failed = counts.get((Status.OK.value, "fail"), 0)
    failed = sum(n for (status, _), n in counts.items() if status == Status.FAILED.value)
    internal = counts.get((Status.FAILED.value, CrashKind.INTERNAL_ERROR.value), 0)
    if internal:
        code = ExitCode.INTERNAL_ERROR
    elif failed:
        code = ExitCode.INPUT_ERROR
    elif gate_failed and not exit_zero:
        code = ExitCode.FINDINGS
    else:
        code = ExitCode.OK
    return BatchSummary(apps, scanned, apps - scanned, passed, gate_failed, failed, internal, code)
