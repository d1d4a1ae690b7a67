"""The catalogue report, read from the index alone: SDK prevalence, findings by rule, the apps
failing the gate, the apps that could not be scanned; as one HTML page or as CSV.

Every string shown comes from an app or a policy (labels, package names, paths, error messages
quoting them): the HTML template is rendered with autoescape and StrictUndefined, like the app
report, and the CSV neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from scanner import __version__
from scanner.batch.job import Status
from scanner.batch.store import SEVERITY_COLUMNS, open_index
from scanner.report.common import SDK_DISCLOSURE_LABEL
from scanner.report.html import template_environment
from scanner.severity import Severity

MAX_LISTED_APPS = 5000
"""Apps listed per table of the HTML page (failing the gate, failed); the CSV lists every app."""

DISCLOSURES: tuple[str, ...] = tuple(SDK_DISCLOSURE_LABEL)
"""SDK disclosure statuses, in the order the prevalence table shows them."""
DISCLOSED = ("named", "vendor", "generic")
"""Statuses under which the policy says something about the SDK."""

SEVERITIES_HIGH_FIRST = tuple(sorted(Severity, key=lambda s: s.rank, reverse=True))


@dataclass(frozen=True)
class AppRow:
    key: str
    app: str
    package: str | None
    label: str | None
    version_name: str | None
    status: str
    gate: str | None
    worst: str | None
    findings: int
    by_severity: tuple[tuple[str, int], ...]
    """(severity, count), high first."""
    sdk_ids: tuple[str, ...]
    error_kind: str | None
    error_message: str | None
    report_path: str
    """Relative to the catalogue folder."""

    @property
    def name(self) -> str:
        return self.label or self.package or os.path.basename(self.app)


@dataclass(frozen=True)
class SdkPrevalence:
    sdk_id: str
    name: str
    apps: int
    """Scanned apps embedding the SDK."""
    disclosed: int
    """Of those, apps whose policy names the SDK, its vendor or its kind of partner."""
    by_disclosure: tuple[tuple[str, int], ...]
    """(status, apps), in DISCLOSURES order."""


@dataclass(frozen=True)
class RuleTotal:
    rule_id: str
    rule_name: str
    apps: int
    findings: int
    by_severity: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Catalogue:
    folder: Path
    total: int
    scanned: int
    passed: int
    gate_failed: int
    failed: int
    fail_on: tuple[str, ...]
    """The --fail-on thresholds the gate column was read at (one, unless runs differed)."""
    sdks: tuple[SdkPrevalence, ...]
    rules: tuple[RuleTotal, ...]
    failing: tuple[AppRow, ...]
    """Apps failing the gate, most high findings first (at most MAX_LISTED_APPS)."""
    failures: tuple[AppRow, ...]
    """Apps that could not be scanned (at most MAX_LISTED_APPS)."""
    apps: tuple[AppRow, ...]
    """Every app (for the CSV)."""


_APP_COLUMNS = (
    "key, app, package, label, version_name, status, gate, worst, findings, "
    + ", ".join(SEVERITY_COLUMNS)
    + ", sdk_ids, error_kind, error_message, report_path"
)


def _app_row(row: tuple[object, ...]) -> AppRow:
    values = dict(zip([c.strip() for c in _APP_COLUMNS.split(",")], row, strict=True))
    return AppRow(
        key=str(values["key"]),
        app=str(values["app"]),
        package=_opt(values["package"]),
        label=_opt(values["label"]),
        version_name=_opt(values["version_name"]),
        status=str(values["status"]),
        gate=_opt(values["gate"]),
        worst=_opt(values["worst"]),
        findings=int(str(values["findings"])),
        by_severity=tuple((s.value, int(str(values[s.value]))) for s in SEVERITIES_HIGH_FIRST),
        sdk_ids=tuple(str(values["sdk_ids"]).split()),
        error_kind=_opt(values["error_kind"]),
        error_message=_opt(values["error_message"]),
        report_path=str(values["report_path"]),
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _prevalence(db: sqlite3.Connection) -> tuple[SdkPrevalence, ...]:
    sums = ", ".join(f"SUM(s.disclosure = '{d}')" for d in DISCLOSURES)
    rows = db.execute(
        f"SELECT s.sdk_id, MAX(s.name), COUNT(*), {sums} FROM app_sdks s "
        "JOIN apps a ON a.key = s.key WHERE a.status = 'ok' "
        "GROUP BY s.sdk_id ORDER BY COUNT(*) DESC, s.sdk_id"
    ).fetchall()
    out = []
    for sdk_id, name, apps, *counts in rows:
        by = tuple(zip(DISCLOSURES, (int(c) for c in counts), strict=True))
        disclosed = sum(n for d, n in by if d in DISCLOSED)
        out.append(SdkPrevalence(sdk_id, name, apps, disclosed, by))
    return tuple(out)


def _rules(db: sqlite3.Connection) -> tuple[RuleTotal, ...]:
    sums = ", ".join(
        f"SUM(CASE WHEN severity = '{s.value}' THEN count ELSE 0 END)"
        for s in SEVERITIES_HIGH_FIRST
    )
    rows = db.execute(
        f"SELECT r.rule_id, MAX(r.rule_name), COUNT(DISTINCT r.key), SUM(count), {sums} "
        "FROM app_rules r JOIN apps a ON a.key = r.key WHERE a.status = 'ok' "
        "GROUP BY r.rule_id ORDER BY r.rule_id"
    ).fetchall()
    return tuple(
        RuleTotal(
            rule_id,
            name,
            apps,
            findings,
            tuple((s.value, int(n)) for s, n in zip(SEVERITIES_HIGH_FIRST, counts, strict=True)),
        )
        for rule_id, name, apps, findings, *counts in rows
    )


def load_catalogue(folder: Path) -> Catalogue:
    """Everything the catalogue report shows, from `folder`'s index."""
    db = open_index(folder)
    try:
        order = ", ".join(f"{s.value} DESC" for s in SEVERITIES_HIGH_FIRST)
        apps = tuple(
            _app_row(r)
            for r in db.execute(f"SELECT {_APP_COLUMNS} FROM apps ORDER BY {order}, app, key")
        )
        fail_on = tuple(
            str(r[0]) for r in db.execute("SELECT DISTINCT fail_on FROM apps ORDER BY fail_on")
        )
        sdks = _prevalence(db)
        rules = _rules(db)
    finally:
        db.close()
    scanned = [a for a in apps if a.status == Status.OK.value]
    failing = [a for a in scanned if a.gate == "fail"]
    failures = sorted(
        (a for a in apps if a.status == Status.FAILED.value),
        key=lambda a: (a.error_kind or "", a.app),
    )
    return Catalogue(
        folder=folder,
        total=len(apps),
        scanned=len(scanned),
        passed=sum(a.gate == "pass" for a in scanned),
        gate_failed=len(failing),
        failed=len(failures),
        fail_on=fail_on,
        sdks=sdks,
        rules=rules,
        failing=tuple(failing[:MAX_LISTED_APPS]),
        failures=tuple(failures[:MAX_LISTED_APPS]),
        apps=apps,
    )


# --------------------------------------------------------------------------- HTML


def report_link(catalogue: Catalogue, row: AppRow, page: Path) -> str:
    """The app's own report, relative to where the catalogue page is written, as a URL path."""
    target = (catalogue.folder / row.report_path).absolute()
    relative = os.path.relpath(target, page.absolute().parent)
    return urllib.parse.quote(Path(relative).as_posix())


def render_catalogue_html(catalogue: Catalogue, page: Path, generated_at: str) -> str:
    """The catalogue as one self-contained page; `page` is where it will be written (links to
    the per-app reports are relative to it)."""
    csp = "; ".join(
        ("default-src 'none'", "style-src 'unsafe-inline'", "base-uri 'none'", "form-action 'none'")
    )
    template = template_environment().get_template("catalogue.html.j2")
    return template.render(
        c=catalogue,
        link=lambda row: report_link(catalogue, row, page),
        disclosures=DISCLOSURES,
        disclosure_label=SDK_DISCLOSURE_LABEL,
        severities=[s.value for s in SEVERITIES_HIGH_FIRST],
        max_listed=MAX_LISTED_APPS,
        tool_version=__version__,
        generated_at=generated_at,
        csp=csp,
    )


# --------------------------------------------------------------------------- CSV

CSV_COLUMNS = (
    "key",
    "app",
    "package",
    "label",
    "version_name",
    "status",
    "gate",
    "worst",
    "findings",
    *(s.value for s in SEVERITIES_HIGH_FIRST),
    "sdk_ids",
    "error_kind",
    "error_message",
    "report_path",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote before it,
    because app labels and paths are written by whoever built the app."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(catalogue: Catalogue) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in catalogue.apps:
        severities = dict(a.by_severity)
        cells = [
            a.key,
            a.app,
            a.package or "",
            a.label or "",
            a.version_name or "",
            a.status,
            a.gate or "",
            a.worst or "",
            str(a.findings),
            *(str(severities[s.value]) for s in SEVERITIES_HIGH_FIRST),
            " ".join(a.sdk_ids),
            a.error_kind or "",
            a.error_message or "",
            a.report_path,
        ]
        writer.writerow([spreadsheet_safe(c) for c in cells])
    return out.getvalue()
