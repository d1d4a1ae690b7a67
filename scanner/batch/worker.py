"""The Dask task: hand one job to this worker thread's scan process (scanner.batch.host).

Only plain dicts cross the network, and the function is imported by name on the workers, so a
worker needs `pip install privacy-scan` and nothing else. A worker that dies mid-task is the
scheduler's business: it gives the task to another worker (up to its `allowed-failures`), and
the client records the app as lost when none could finish it.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from scanner.batch.host import ScanHost
from scanner.batch.job import BatchSettings, Job

_hosts = threading.local()
_all_hosts: list[ScanHost] = []
_lock = threading.Lock()


def _host() -> ScanHost:
    host: ScanHost | None = getattr(_hosts, "host", None)
    if host is None:
        host = ScanHost()
        _hosts.host = host
        with _lock:
            _all_hosts.append(host)
    return host


@atexit.register
def _stop_hosts() -> None:
    with _lock:
        for host in _all_hosts:
            host.stop()


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except ValueError:  # not inside a Dask worker (a direct call)
        return ""


def task_key(job_key: str) -> str:
    """The Dask key of a job's task: stable, so a test or an operator can find an app's task."""
    return f"privacy-scan-{job_key}"


def scan_job(job: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """Scan one app on this worker and return its outcome as a dict (JobOutcome.to_dict)."""
    from dataclasses import replace

    outcome = _host().run(Job.from_dict(job), BatchSettings.from_dict(settings))
    return replace(outcome, worker=_worker_address()).to_dict()
