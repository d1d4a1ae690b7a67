"""The catalogue folder: one result per app, written atomically, and the SQLite index.

    DIR/index.sqlite                     one row per app (see INDEX_SCHEMA, docs/catalogue.md)
    DIR/apps/<kk>/<key>/result.json      the `scan --json` document, or the failure document
    DIR/apps/<kk>/<key>/report.html      the `scan --html` page, or the failure page

`<key>` is the app's SHA-256 (with the policy's digest appended when a policy is set, see
scanner.batch.job.result_key) and `<kk>` its first two characters, so no folder holds more
than a few thousand entries. The files are written before the index row, each atomically: a
batch killed at any moment leaves either a complete result with its row, or no row and a re-run
scans the app again. Only the client writes (the workers return their results), so SQLite needs
no locking across machines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scanner.batch.job import BatchSettings, JobOutcome, Status
from scanner.errors import ScanError
from scanner.outputs import write_atomic
from scanner.severity import Severity

INDEX_NAME = "index.sqlite"
INDEX_VERSION = "1"
RESULT_NAME = "result.json"
REPORT_NAME = "report.html"

RETRIES = 1
"""A failed app is scanned again by this many later runs (then left alone until --force)."""

SEVERITY_COLUMNS: tuple[str, ...] = tuple(s.value for s in Severity)
"""One count column per severity, named after it (info, low, medium, high)."""

INDEX_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS apps (
    key TEXT PRIMARY KEY,
    sha256 TEXT,
    app TEXT NOT NULL,
    policy TEXT,
    package TEXT,
    label TEXT,
    version_name TEXT,
    version_code TEXT,
    kind TEXT,
    size INTEGER,
    status TEXT NOT NULL,
    gate TEXT,
    fail_on TEXT NOT NULL,
    findings INTEGER NOT NULL,
    worst TEXT,
    {", ".join(f"{c} INTEGER NOT NULL" for c in SEVERITY_COLUMNS)},
    sdk_ids TEXT NOT NULL,
    error_kind TEXT,
    error_message TEXT,
    seconds REAL,
    peak_rss_kib INTEGER,
    worker TEXT,
    attempts INTEGER NOT NULL,
    failed_runs INTEGER NOT NULL,
    settings TEXT NOT NULL,
    scanned_at TEXT NOT NULL,
    result_path TEXT NOT NULL,
    report_path TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_rules (
    key TEXT NOT NULL REFERENCES apps(key) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    rule_name TEXT NOT NULL,
    severity TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, rule_id, severity)
);
CREATE TABLE IF NOT EXISTS app_sdks (
    key TEXT NOT NULL REFERENCES apps(key) ON DELETE CASCADE,
    sdk_id TEXT NOT NULL,
    name TEXT NOT NULL,
    disclosure TEXT NOT NULL,
    PRIMARY KEY (key, sdk_id)
);
CREATE TABLE IF NOT EXISTS sources (
    app TEXT NOT NULL,
    policy TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (app, policy)
);
CREATE INDEX IF NOT EXISTS app_sdks_by_sdk ON app_sdks (sdk_id);
CREATE INDEX IF NOT EXISTS app_rules_by_rule ON app_rules (rule_id);
"""


class IndexError_(ScanError):
    """The catalogue index cannot be opened or is not a privacy-scan index."""


@dataclass(frozen=True)
class Stored:
    """What the index says about a key already there."""

    status: Status
    failed_runs: int
    settings: str


def gate_sql(fail_on: Severity) -> str:
    """SQL expression: 'fail' / 'pass' for a scanned app at `fail_on`, NULL for a failed one."""
    at_or_above = [s.value for s in Severity if s.rank >= fail_on.rank]
    total = " + ".join(at_or_above)
    return f"CASE WHEN status = 'ok' THEN CASE WHEN {total} > 0 THEN 'fail' ELSE 'pass' END END"


def connect(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(INDEX_SCHEMA)
        row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        if row is None:
            db.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
            db.commit()
        elif row[0] != INDEX_VERSION:
            raise IndexError_(
                path, f"index version {row[0]}, this privacy-scan reads {INDEX_VERSION}"
            )
    except sqlite3.Error as exc:
        raise IndexError_(path, f"not a catalogue index ({exc})") from exc
    return db


def open_index(folder: Path) -> sqlite3.Connection:
    """The index of an existing catalogue folder (for `report`)."""
    path = folder / INDEX_NAME
    if not path.is_file():
        raise IndexError_(folder, f"no {INDEX_NAME}: not a folder written by privacy-scan batch")
    return connect(path)


class ResultStore:
    """The catalogue folder of one batch: result files and the index, written by the client."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            (folder / "apps").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexError_(folder, f"cannot create the catalogue folder ({exc})") from exc
        self.db = connect(folder / INDEX_NAME)
        # One fsync per commit would cap a batch at a few hundred apps a second on slow disks;
        # WAL with NORMAL stays consistent on a crash (a lost last row is rescanned).
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        self.db.close()

    def app_folder(self, key: str) -> Path:
        return self.folder / "apps" / key[:2] / key

    def stored(self, keys: Iterable[str]) -> dict[str, Stored]:
        wanted = set(keys)
        out = {}
        for key, status, failed_runs, settings in self.db.execute(
            "SELECT key, status, failed_runs, settings FROM apps"
        ):
            if key in wanted:
                out[key] = Stored(Status(status), failed_runs, settings)
        return out

    def add_sources(self, sources: Sequence[tuple[str, str | None, str]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
            [(app, policy or "", key) for app, policy, key in sources],
        )
        self.db.commit()

    def record(self, outcome: JobOutcome, shared: BatchSettings) -> None:
        """Write the app's files, then its row (replacing an earlier run's)."""
        key = outcome.job.key
        folder = self.app_folder(key)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexError_(folder, f"cannot create ({exc})") from exc
        write_atomic(folder / RESULT_NAME, outcome.result_json)
        write_atomic(folder / REPORT_NAME, outcome.report_html)
        previous = self.db.execute(
            "SELECT attempts, failed_runs FROM apps WHERE key = ?", (key,)
        ).fetchone()
        attempts, failed_runs = previous if previous else (0, 0)
        failed = outcome.status is Status.FAILED
        ident = outcome.identity
        counts = [outcome.by_severity.get(c, 0) for c in SEVERITY_COLUMNS]
        row = (
            key,
            outcome.job.sha256 or ident.get("sha256"),
            outcome.job.app,
            outcome.job.policy,
            ident.get("package"),
            ident.get("label"),
            ident.get("version_name"),
            ident.get("version_code"),
            ident.get("kind"),
            ident.get("size"),
            outcome.status.value,
            None,
            shared.fail_on,
            outcome.findings,
            outcome.worst,
            *counts,
            " ".join(sorted(s.sdk_id for s in outcome.sdks)),
            outcome.error_kind,
            outcome.error_message,
            round(outcome.seconds, 3),
            outcome.peak_rss_kib,
            outcome.worker,
            attempts + outcome.attempts,
            failed_runs + 1 if failed else 0,
            shared.fingerprint(),
            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            str((folder / RESULT_NAME).relative_to(self.folder)),
            str((folder / REPORT_NAME).relative_to(self.folder)),
        )
        with self.db:
            self.db.execute("DELETE FROM apps WHERE key = ?", (key,))
            self.db.execute(f"INSERT INTO apps VALUES ({', '.join('?' * len(row))})", row)
            self.db.executemany(
                "INSERT INTO app_rules VALUES (?, ?, ?, ?, ?)",
                [(key, r.rule_id, r.rule_name, r.severity, r.count) for r in outcome.rules],
            )
            self.db.executemany(
                "INSERT INTO app_sdks VALUES (?, ?, ?, ?)",
                [(key, s.sdk_id, s.name, s.disclosure) for s in outcome.sdks],
            )
            self.db.execute(
                f"UPDATE apps SET gate = {gate_sql(Severity(shared.fail_on))} WHERE key = ?",
                (key,),
            )

    def regate(self, keys: Iterable[str], fail_on: Severity) -> None:
        """Re-read the gate of apps kept from earlier runs at this run's --fail-on."""
        with self.db:
            self.db.executemany(
                f"UPDATE apps SET gate = {gate_sql(fail_on)}, fail_on = ? WHERE key = ?",
                [(fail_on.value, k) for k in keys],
            )

    def outcome_counts(self, keys: Iterable[str]) -> dict[tuple[str, str | None], int]:
        """(status, gate or error kind) -> number of apps, over `keys`."""
        wanted = set(keys)
        out: dict[tuple[str, str | None], int] = {}
        for key, status, gate, kind in self.db.execute(
            "SELECT key, status, gate, error_kind FROM apps"
        ):
            if key in wanted:
                label = (status, gate if status == Status.OK.value else kind)
                out[label] = out.get(label, 0) + 1
        return out
