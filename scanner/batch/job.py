"""What travels between the client, the Dask workers and the scan processes: plain data.

A `Job` is one audit to run (an app, the policy to hold it to); a `JobOutcome` is what came of it.
Both cross process boundaries as JSON-ready dicts, so a worker needs nothing but privacy-scan
installed, and a result never depends on another app's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How one app of a catalogue ended."""

    OK = "ok"
    """Scanned and audited: the result file is the `scan --json` document."""
    FAILED = "failed"
    """Not scanned: the result file is the failure document (error kind and message)."""


class CrashKind(StrEnum):
    """Failures that no ScanError describes: the process doing the scan went away."""

    SCAN_PROCESS_CRASHED = "ScanProcessCrashed"
    """The scan process died (a crash in a parser, killed for memory) on both attempts."""
    WORKER_LOST = "WorkerLost"
    """The Dask worker running the app died on every worker the scheduler tried."""
    TASK_ERROR = "TaskError"
    """The task raised outside the scan (a bug, or a worker without privacy-scan installed)."""
    INTERNAL_ERROR = "InternalError"
    """The scan raised an error that is not a ScanError: a bug (`scan` would exit 3)."""


def policy_digest(policy: str | None) -> str:
    """Short digest of the policy reference, part of the result key when a policy is set."""
    if policy is None:
        return ""
    return hashlib.sha256(policy.encode("utf-8")).hexdigest()[:12]


def result_key(app_sha256: str, policy: str | None) -> str:
    """One result per (app bytes, policy): the same app twice is scanned once.

    The app's SHA-256 alone without a policy; with one, the policy reference's digest appended,
    because the same app held to two policies is two audits.
    """
    return f"{app_sha256}-{policy_digest(policy)}" if policy else app_sha256


@dataclass(frozen=True)
class BatchSettings:
    """What every job of a batch shares (the `scan` settings a batch supports)."""

    fail_on: str = "high"
    no_code: bool = False
    timeout: float = 600.0
    signatures: tuple[str, ...] = ()
    generated_at: str = ""
    """The date printed in every per-app report of the run (the renderers never read the clock)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> BatchSettings:
        return cls(
            fail_on=doc["fail_on"],
            no_code=bool(doc["no_code"]),
            timeout=float(doc["timeout"]),
            signatures=tuple(doc["signatures"]),
            generated_at=doc["generated_at"],
        )

    def fingerprint(self) -> str:
        """What must match for a stored result to count as done on a re-run."""
        return json.dumps(
            {"no_code": self.no_code, "signatures": list(self.signatures)}, sort_keys=True
        )


@dataclass(frozen=True)
class Job:
    """One app to audit."""

    app: str
    """A path the workers can read, or an http(s) URL they can fetch."""
    policy: str | None
    """Path or URL of the policy, or None (inventory only)."""
    key: str
    """Result key (see `result_key`); for an app the client could not read, a key derived from
    its reference, so that even an unreadable app has a result."""
    sha256: str | None = None
    """The app's SHA-256 when the client could read it."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Job:
        return cls(doc["app"], doc["policy"], doc["key"], doc.get("sha256"))


@dataclass(frozen=True)
class SdkSummary:
    sdk_id: str
    name: str
    disclosure: str
    """scanner.report.common.SdkDisclosure: named, vendor, generic, not_disclosed, ..."""


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    rule_name: str
    severity: str
    count: int


@dataclass(frozen=True)
class JobOutcome:
    """What one job came to, with everything the index needs and the texts to store."""

    job: Job
    status: Status
    result_json: str
    """The `scan --json` document, or the failure document."""
    report_html: str
    """The `scan --html` page, or the failure page."""
    identity: dict[str, Any] = field(default_factory=dict)
    """scanner.model.AppIdentity as a dict (empty when the app could not be read)."""
    worst: str | None = None
    by_severity: dict[str, int] = field(default_factory=dict)
    """Findings per severity (every severity present); the gate is read from these."""
    findings: int = 0
    rules: tuple[RuleCount, ...] = ()
    sdks: tuple[SdkSummary, ...] = ()
    error_kind: str | None = None
    error_message: str | None = None
    seconds: float = 0.0
    peak_rss_kib: int | None = None
    """Peak resident memory of the scan process while it scanned this app (Linux), KiB."""
    worker: str = ""
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["status"] = self.status.value
        return doc

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> JobOutcome:
        return cls(
            job=Job.from_dict(doc["job"]),
            status=Status(doc["status"]),
            result_json=doc["result_json"],
            report_html=doc["report_html"],
            identity=dict(doc.get("identity") or {}),
            worst=doc.get("worst"),
            by_severity={str(k): int(v) for k, v in (doc.get("by_severity") or {}).items()},
            findings=int(doc.get("findings", 0)),
            rules=tuple(RuleCount(**r) for r in doc.get("rules", ())),
            sdks=tuple(SdkSummary(**s) for s in doc.get("sdks", ())),
            error_kind=doc.get("error_kind"),
            error_message=doc.get("error_message"),
            seconds=float(doc.get("seconds", 0.0)),
            peak_rss_kib=doc.get("peak_rss_kib"),
            worker=str(doc.get("worker", "")),
            attempts=int(doc.get("attempts", 1)),
        )
