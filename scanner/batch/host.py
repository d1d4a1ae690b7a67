"""The scan process: one per worker thread, running `scanner.pipeline.run` for one job at a time.

Why a process of its own rather than the Dask worker's thread: the time budget (`--timeout`) is a
SIGALRM timer that only works in a main thread, and a Dask task runs in a pool thread; here the
scan runs in this process's main thread, exactly as `scan` runs it, so a timeout or a limit gives
the same result. The worker also keeps a hard deadline (the budget plus a grace period) for work
that SIGALRM cannot interrupt, and a crash of a parser kills this process, not the worker: the
job is tried once more in a fresh process and otherwise recorded as a failure.

The protocol is one JSON line per job on stdin and one JSON line per outcome on stdout; the
process exits when stdin closes (its worker went away). Run as `python -m scanner.batch.host`.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import OrderedDict
from dataclasses import asdict, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from scanner.batch.job import (
    BatchSettings,
    CrashKind,
    Job,
    JobOutcome,
    RuleCount,
    SdkSummary,
    Status,
)
from scanner.errors import AppInputError, LimitExceeded, ScanError, TimeBudgetExceeded, time_budget
from scanner.limits import MAX_DOWNLOAD_BYTES

if TYPE_CHECKING:
    from scanner.compare.model import AuditResult
    from scanner.pipeline import Failure, Prepared
    from scanner.settings import Settings

HARD_DEADLINE_GRACE = 30.0
"""Seconds past the time budget before the worker kills a scan process that did not stop: long
C calls (an inflate, a regex) only see SIGALRM when they return."""

PREPARED_CACHE = 16
"""Policies kept analysed per scan process: manifests usually repeat a few policies."""

# --------------------------------------------------------------------------- the scan process


def _settings(job: Job, shared: BatchSettings) -> Settings:
    from scanner.settings import Settings
    from scanner.severity import Severity

    # jobs=1: the cluster's workers are the parallelism; a pool inside each scan would only
    # compete with them for the same cores.
    return Settings(
        policy=job.policy,
        fail_on=Severity(shared.fail_on),
        no_code=shared.no_code,
        jobs=1,
        timeout=shared.timeout,
        signatures=tuple(Path(p) for p in shared.signatures),
    )


class _Prepared:
    """pipeline.prepare per (policy, signatures), least recently used dropped first."""

    def __init__(self) -> None:
        self.cache: OrderedDict[tuple[str | None, tuple[Path, ...]], Prepared] = OrderedDict()

    def get(self, settings: Settings) -> Prepared:
        from scanner.pipeline import prepare

        key = (settings.policy, settings.signatures)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        prepared = prepare(settings)
        self.cache[key] = prepared
        while len(self.cache) > PREPARED_CACHE:
            self.cache.popitem(last=False)
        return prepared


def _download(url: str, folder: Path) -> Path:
    """Fetch an app the worker can reach by URL, bounded in size (the time budget is running)."""
    name = Path(urllib.parse.urlsplit(url).path).name or "app.apk"
    target = folder / name
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
            total = 0
            while chunk := response.read(1 << 20):
                total += len(chunk)
                if total > MAX_DOWNLOAD_BYTES:
                    raise LimitExceeded(url, f"download larger than {MAX_DOWNLOAD_BYTES >> 20} MiB")
                out.write(chunk)
    except OSError as exc:
        raise AppInputError(url, f"cannot fetch the app ({exc})") from exc
    return target


def _sha256(path: Path) -> str | None:
    """None for a file this worker cannot read either: the pipeline then says why, as `scan`."""
    from scanner.batch.inputs import file_sha256

    return file_sha256(str(path))


def _failed(job: Job, target: Path, failure: Failure, shared: BatchSettings) -> JobOutcome:
    from scanner.report import failure as out

    return JobOutcome(
        job=job,
        status=Status.FAILED,
        result_json=out.failure_json(target, failure),
        report_html=out.failure_html(target, failure, shared.generated_at),
        error_kind=failure.kind,
        error_message=f"{failure.source}: {failure.message}",
    )


def _audited(job: Job, audit: AuditResult, shared: BatchSettings) -> JobOutcome:
    from collections import Counter

    from scanner.report.common import sdk_disclosure, severity_counts
    from scanner.report.formats import OutputFormat, render
    from scanner.severity import Severity

    fail_on = Severity(shared.fail_on)
    per_rule = Counter((f.rule.id, f.rule.name, f.severity.value) for f in audit.findings)
    worst = audit.worst()
    return JobOutcome(
        job=job,
        status=Status.OK,
        result_json=render(OutputFormat.JSON, audit, shared.generated_at, fail_on),
        report_html=render(OutputFormat.HTML, audit, shared.generated_at, fail_on),
        identity=asdict(audit.scan.inventory.identity),
        worst=worst.value if worst else None,
        by_severity={s.value: n for s, n in severity_counts(audit.findings).items()},
        findings=len(audit.findings),
        rules=tuple(RuleCount(r, name, sev, n) for (r, name, sev), n in sorted(per_rule.items())),
        sdks=tuple(SdkSummary(d.sdk_id, d.name, sdk_disclosure(audit, d)) for d in audit.scan.sdks),
    )


def run_job(job: Job, shared: BatchSettings, prepared: _Prepared) -> JobOutcome:
    """One app through the pipeline, as `scan` would run it; every error becomes the outcome."""
    from scanner.pipeline import AppOutcome, run

    settings = _settings(job, shared)
    target = Path(job.app)
    scratch: Path | None = None
    try:
        try:
            if job.app.startswith(("http://", "https://")):
                scratch = Path(tempfile.mkdtemp(prefix="privacy-scan-app-"))
                with time_budget(shared.timeout):
                    target = _download(job.app, scratch)
            sha = job.sha256 or _sha256(target)
            shared_work = prepared.get(settings)
        except TimeBudgetExceeded as exc:
            err = LimitExceeded(job.app, f"time budget of {shared.timeout:g} s exceeded ({exc})")
            failure = AppOutcome(target, error=err).failure
            assert failure is not None
            return _failed(job, target, failure, shared)
        except ScanError as exc:
            failure = AppOutcome(target, error=exc).failure
            assert failure is not None
            return _failed(job, target, failure, shared)
        job = replace(job, sha256=sha)
        outcome = next(iter(run([target], settings, shared_work)))
        if outcome.audit is None:
            assert outcome.failure is not None
            return _failed(job, target, outcome.failure, shared)
        return _audited(job, outcome.audit, shared)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _reset_peak_memory() -> None:
    """Linux: reset this process's peak RSS (VmHWM) so the next reading is this app's peak."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _peak_memory_kib() -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def serve(inp: IO[str], out: IO[str]) -> None:
    """Answer one outcome line per job line until stdin closes."""
    prepared = _Prepared()
    for line in inp:
        request = json.loads(line)
        job = Job.from_dict(request["job"])
        shared = BatchSettings.from_dict(request["settings"])
        _reset_peak_memory()
        started = time.monotonic()
        try:
            outcome = run_job(job, shared, prepared)
        except Exception as exc:  # a bug: `scan` would exit 3; a batch records it and goes on
            from scanner.pipeline import Failure

            message = (f"{type(exc).__name__}: {exc}".splitlines() or [""])[0]
            failure = Failure(CrashKind.INTERNAL_ERROR.value, job.app, message)
            outcome = _failed(job, Path(job.app), failure, shared)
        outcome = replace(
            outcome, seconds=time.monotonic() - started, peak_rss_kib=_peak_memory_kib()
        )
        out.write(json.dumps(outcome.to_dict(), ensure_ascii=True) + "\n")
        out.flush()


def main() -> None:
    # The worker stops this process by closing stdin or killing it; Ctrl-C in a terminal goes to
    # the worker, which decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol keeps the real stdout to itself: anything a library prints goes to stderr,
    # so a stray print cannot corrupt an outcome line.
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    serve(sys.stdin, protocol)


# --------------------------------------------------------------------------- the worker's side


class ScanHost:
    """A scan process owned by one worker thread: started on first use, replaced when it dies."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.buffer = b""

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "scanner.batch.host"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            self.buffer = b""
        return self.proc

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def _exchange(self, request: bytes, deadline: float) -> bytes | None:
        """Send a job, wait for its line; None when the process died or missed the deadline."""
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(request)
            proc.stdin.flush()
        except OSError:
            self.stop()
            return None
        fd = proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(timeout=left):
                    self.stop()
                    return None
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    self.stop()
                    return None
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def run(self, job: Job, shared: BatchSettings) -> JobOutcome:
        """The job's outcome; a dead scan process is replaced and the job tried once more."""
        request = (json.dumps({"job": job.to_dict(), "settings": shared.to_dict()}) + "\n").encode()
        exits: list[str] = []
        for attempt in (1, 2):
            deadline = time.monotonic() + shared.timeout + HARD_DEADLINE_GRACE
            proc = self._start()
            line = self._exchange(request, deadline)
            if line is not None:
                try:
                    return replace(JobOutcome.from_dict(json.loads(line)), attempts=attempt)
                except (ValueError, KeyError, TypeError):
                    self.stop()  # not an outcome line: this process cannot be trusted
                    exits.append("an unreadable answer")
                    continue
            if time.monotonic() >= deadline:
                return _hard_timeout(job, shared)
            exits.append(_exit_text(proc.returncode))
        return _crashed(job, shared, exits)


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def failure_outcome(job: Job, kind: str, message: str, shared: BatchSettings) -> JobOutcome:
    """An outcome for a failure no ScanError describes (a crash, a lost worker)."""
    from scanner.pipeline import Failure

    return _failed(job, Path(job.app), Failure(kind, job.app, message), shared)


def _crashed(job: Job, shared: BatchSettings, exits: list[str]) -> JobOutcome:
    message = f"the scan process died on {len(exits)} attempts ({', '.join(exits)})"
    outcome = failure_outcome(job, CrashKind.SCAN_PROCESS_CRASHED.value, message, shared)
    return replace(outcome, attempts=len(exits))


def _hard_timeout(job: Job, shared: BatchSettings) -> JobOutcome:
    message = (
        f"time budget of {shared.timeout:g} s exceeded (the scan process was stopped after "
        f"{shared.timeout + HARD_DEADLINE_GRACE:g} s)"
    )
    return failure_outcome(job, LimitExceeded.__name__, message, shared)


if __name__ == "__main__":
    main()
