"""`privacy-scan scan APP... [--policy P]`: the inventory, and with a policy the discrepancies.

The options come from the settings table (scanner.settings); the work is `scanner.pipeline.run`.
This module only prints, writes the output files and turns outcomes into the exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scanner.errors import ExitCode, ScanError
from scanner.outputs import STDOUT, write_atomic
from scanner.settings import SCAN_OPTIONS, Kind, Option, Settings, resolve
from scanner.severity import Severity

if TYPE_CHECKING:
    from scanner.pipeline import AppOutcome


def _click_option(option: Option) -> Callable[[Any], Any]:
    path = click.Path(path_type=Path, dir_okay=False)
    kinds: dict[Kind, dict[str, Any]] = {
        Kind.FLAG: {"is_flag": True},
        Kind.TEXT: {"metavar": option.key.upper()},
        Kind.PATH: {"type": path},
        Kind.PATHS: {"type": path, "multiple": True},
        Kind.SEVERITY: {"type": click.Choice([s.value for s in Severity])},
        Kind.JOBS: {"type": click.IntRange(1, 64)},
        Kind.SECONDS: {"type": click.FloatRange(min=0.1)},
    }
    return click.option(option.flag, option.key, help=option.help, **kinds[option.kind])


def _with_settings_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(SCAN_OPTIONS):
        command = _click_option(option)(command)
    return command


@click.command("scan")
@click.argument("apps", metavar="APP...", nargs=-1, required=True, type=click.Path(path_type=Path))
@_with_settings_options
@click.option("-q", "--quiet", is_flag=True, help="Print nothing to the terminal.")
def scan_command(apps: tuple[Path, ...], quiet: bool, **given: Any) -> int:
    """Scan APP (an APK, split-APK set, jar, aar, native library, or an iOS .ipa / .app /
    .xcarchive); with --policy, report discrepancies.

    Several APPs, or folders of them, are scanned one by one: a failure is reported for that app
    and the scan goes on; output files get the app's name inserted (report.app.html), a failed
    app's files say why it failed, and the exit code is the worst of all.
    """
    from scanner.pipeline import expand_targets, prepare, run

    settings = resolve(given, Path.cwd())
    to_stdout = sum(path == STDOUT for _, path in settings.outputs) + (
        settings.write_baseline == STDOUT
    )
    if to_stdout > 1:
        raise click.UsageError("only one output can be written to standard output (-)")
    # The document owns stdout; the terminal report moves to stderr so a pipe gets JSON only.
    console, step = _terminal(quiet, stderr=bool(to_stdout))

    targets = expand_targets(apps)
    # A folder of apps is a batch; a folder that is one app (an iOS .app) is not.
    batch = len(targets) > 1 or any(p.is_dir() and p not in targets for p in apps)
    if batch and to_stdout:
        raise click.UsageError("several apps: write their reports to files, not to stdout (-)")
    # The first app is hashed on the second core while the signatures load: later that core
    # inflates the app's dex files and native libraries.
    from scanner.extract import start_digest

    digests = {targets[0]: start_digest(targets[0])} if targets else {}
    prepared = prepare(settings, step)
    for note in prepared.signatures.notes:
        console.print(f"[dim]{note}[/dim]")
    generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    worst = ExitCode.OK
    for outcome in run(targets, settings, prepared, step, digests):
        if outcome.error is not None:
            if not batch:
                raise outcome.error
            worst = max(worst, _report_failure(outcome, settings, generated_at))
            continue
        assert outcome.audit is not None
        worst = max(
            worst,
            _report(
                outcome.audit,
                outcome.target,
                settings,
                batch,
                generated_at,
                console,
                prepared.policy is not None,
            ),
        )
    return int(worst)


def _terminal(quiet: bool, stderr: bool = False) -> tuple[Any, Callable[[str], Any]]:
    """The console for results and the spinner for long steps; a quiet run imports no rich
    (0.03 s of start-up) and gets a console that prints nothing."""
    if quiet:
        return _Silent(), lambda _message: nullcontext()
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    console = Console(highlight=False, width=None if stream.isatty() else 140, stderr=stderr)
    status = Console(stderr=True)
    return console, lambda message: status.status(message, spinner="dots")


class _Silent:
    """What a quiet run prints to: nothing."""

    quiet = True

    def print(self, *_objects: Any, **_options: Any) -> None:
        return None


def _output_path(path: Path, app: Path, batch: bool) -> Path:
    """report.html + app.apk -> report.app.html in a batch, so each app gets its own file."""
    return path.with_name(f"{path.stem}.{app.stem}{path.suffix}") if batch else path


def _report(
    outcome: Any,
    target: Path,
    settings: Settings,
    batch: bool,
    generated_at: str,
    console: Any,
    with_policy: bool,
) -> ExitCode:
    from scanner.report.formats import render

    for fmt, path in settings.outputs:
        text = render(fmt, outcome, generated_at, settings.fail_on)
        write_atomic(_output_path(path, target, batch), text)
    if settings.write_baseline is not None:
        from scanner.compare.baseline import baseline_document

        write_atomic(
            _output_path(settings.write_baseline, target, batch),
            json.dumps(baseline_document(outcome), indent=2, ensure_ascii=False) + "\n",
        )
    # rich lays tables out even for a quiet console; -q must not pay for what nobody sees.
    if not console.quiet:
        from scanner.report.terminal import print_scan

        print_scan(outcome.scan, console)
    if with_policy and not console.quiet:
        from scanner.report.findings_terminal import print_findings

        print_findings(outcome, console)
    if settings.compare_to is not None:
        from scanner.cli.diff import read_result
        from scanner.compare.diff import diff_results, render_diff
        from scanner.report.json_report import audit_to_dict

        previous = read_result(settings.compare_to)
        console.print(render_diff(diff_results(previous, audit_to_dict(outcome))), markup=False)
    failing = [f for f in outcome.findings if f.severity.rank >= settings.fail_on.rank]
    if failing and not settings.exit_zero:
        console.print(
            f"[bold red]{len(failing)} finding(s) at or above {settings.fail_on}[/bold red]"
        )
        return ExitCode.FINDINGS
    return ExitCode.OK


def _report_failure(outcome: AppOutcome, settings: Settings, generated_at: str) -> ExitCode:
    """In a batch, a failed app is one line on stderr and a file per output saying why."""
    from scanner.report.formats import render_failure

    failure = outcome.failure
    assert failure is not None
    click.echo(f"privacy-scan: error: {failure.source}: {failure.message}", err=True)
    for fmt, path in settings.outputs:
        try:
            write_atomic(
                _output_path(path, outcome.target, True),
                render_failure(fmt, outcome.target, failure, generated_at),
            )
        except ScanError as exc:
            click.echo(f"privacy-scan: error: {exc.source}: {exc.message}", err=True)
    return ExitCode.INPUT_ERROR
