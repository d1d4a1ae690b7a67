"""`privacy-scan batch INPUT... --out DIR` and `privacy-scan report DIR`: catalogue audits.

`batch` scans many apps on a Dask cluster into a resumable catalogue folder (scanner.batch);
`report` turns that folder's index into a catalogue report. Exit codes of `batch` follow `scan`
over the apps its inputs name, whether this run scanned them or an earlier one did:
0 every app scanned and none fails the gate, 1 some app fails the gate (--fail-on; 0 with
--exit-zero), 2 some app could not be scanned (or a usage / input error stopped the run),
3 an app hit an internal error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.errors import ExitCode
from scanner.severity import Severity


@click.command("batch")
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Catalogue folder: one result per app, index.sqlite (created; a re-run resumes).",
)
@click.option(
    "--policy",
    metavar="POLICY",
    help="Privacy policy (file or http(s) URL) for every app whose manifest row names none.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 512),
    help="Start a local Dask cluster of this many worker processes (default: one per core).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Submit to a running Dask scheduler (tcp://host:8786) instead of a local cluster.",
)
@click.option("--force", is_flag=True, help="Scan every app again, done or not.")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice([s.value for s in Severity]),
    help="Exit 1 when an app has a finding at or above this severity (default: high).",
)
@click.option("--exit-zero", "exit_zero", is_flag=True, help="Exit 0 when every app was scanned.")
@click.option("--no-code", "no_code", is_flag=True, help="Skip the call-site analysis.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Time budget per app in seconds.")
@click.option(
    "--signatures",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Add SDK signatures from an εxodus-format tracker JSON (repeatable).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
def batch_command(
    inputs: tuple[str, ...],
    out: Path,
    workers: int | None,
    scheduler: str | None,
    force: bool,
    quiet: bool,
    **given: Any,
) -> int:
    """Audit a catalogue: INPUT is app files, folders, or CSV / JSONL manifests of app,policy.

    Each app's result is stored under DIR by its SHA-256 (the same app twice is scanned once);
    a re-run skips what is done and retries what failed once; a failed app is a recorded result.
    """
    from scanner.batch.progress import choose
    from scanner.batch.runner import BatchOptions, run_batch
    from scanner.settings import resolve

    if workers is not None and scheduler is not None:
        raise click.UsageError("--workers starts a local cluster; --scheduler uses a running one")
    # The configuration file's policy, gate and limits apply here as they do to `scan`.
    settings = resolve(given, Path.cwd())
    options = BatchOptions(
        inputs=inputs,
        out=out,
        policy=settings.policy,
        workers=workers,
        scheduler=scheduler,
        force=force,
        fail_on=settings.fail_on,
        exit_zero=settings.exit_zero,
        no_code=settings.no_code,
        timeout=settings.timeout,
        signatures=tuple(str(p) for p in settings.signatures),
    )
    summary = run_batch(options, choose(quiet))
    if not quiet:
        click.echo(
            f"{summary.apps} app(s): {summary.scanned} scanned now, {summary.skipped} kept; "
            f"{summary.passed} pass, {summary.gate_failed} fail the gate at {options.fail_on}, "
            f"{summary.failed} could not be scanned. Catalogue: {out}"
        )
    return int(summary.exit_code)


@click.command("report")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--html",
    "html_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the catalogue report as one self-contained HTML page.",
)
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write one row per app as CSV (for spreadsheets).",
)
def report_command(folder: Path, html_out: Path | None, csv_out: Path | None) -> int:
    """Report on a catalogue folder written by `batch`: SDK prevalence, findings, failures."""
    from datetime import UTC, datetime

    from scanner.batch.catalogue import load_catalogue, render_catalogue_html, render_csv
    from scanner.outputs import write_atomic

    if html_out is None and csv_out is None:
        raise click.UsageError("give --html FILE and/or --csv FILE")
    catalogue = load_catalogue(folder)
    generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if html_out is not None:
        write_atomic(html_out, render_catalogue_html(catalogue, html_out, generated_at))
    if csv_out is not None:
        write_atomic(csv_out, render_csv(catalogue))
    return int(ExitCode.OK)
