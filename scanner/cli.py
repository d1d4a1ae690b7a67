"""Command line: `privacy-scan` / `python -m scanner`.

`main(argv) -> int` is the one place where errors become exit codes (see scanner.errors.ExitCode):
0 clean, 1 findings at or above --fail-on, 2 bad input or usage, 3 internal error.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from scanner import __version__
from scanner.compare.model import Severity
from scanner.errors import ExitCode, LimitExceeded, ScanError, TimeBudgetExceeded, time_budget
from scanner.outputs import write_atomic
from scanner.policy.command import policy_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="privacy-scan")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
def cli(debug: bool) -> None:
    """Audit a mobile app against its own privacy policy, statically."""


_SEVERITIES = [s.value for s in sorted(Severity, key=lambda s: s.rank)]
DEFAULT_TIMEOUT = 600.0


def _setting(value: Any, settings: dict[str, Any], key: str, base: Path | None) -> Any:
    """A command-line value, else the config file's (paths relative to the config file)."""
    if value not in (None, (), False):
        return value
    found = settings.get(key)
    if found is None:
        return value
    if key in ("policy", "baseline", "json", "sarif", "html", "markdown") and base is not None:
        text = str(found)
        return text if "://" in text else str(base.parent / text)
    if key == "signatures" and base is not None:
        items = found if isinstance(found, list) else [found]
        return tuple(base.parent / str(p) for p in items)
    return found


@cli.command()
@click.argument("apps", metavar="APP...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--policy",
    "policy_source",
    metavar="POLICY",
    help="The app's privacy policy (file or http(s) URL) to cross-check against.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the full result as JSON (schema: docs/json-schema.md).",
)
@click.option(
    "--sarif",
    "sarif_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write findings as SARIF 2.1.0 for code-scanning UIs.",
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a self-contained HTML discrepancy report.",
)
@click.option(
    "--markdown",
    "markdown_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a Markdown summary (for a pull-request comment).",
)
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES),
    default=None,
    help="Exit 1 when a finding at or above this severity remains (default: high).",
)
@click.option("--exit-zero", is_flag=True, help="Always exit 0 when the scan itself worked.")
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Accepted findings (with justifications) to leave out of the gate.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every current finding to a baseline file, to be justified and committed.",
)
@click.option(
    "--compare-to",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A previous release's --json result: list what this release adds.",
)
@click.option(
    "--signatures",
    "extra_signatures",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Add SDK signatures from an εxodus-format tracker JSON (repeatable).",
)
@click.option("--no-code", is_flag=True, help="Skip the call-site analysis of dex / class files.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes for the code analysis (default 1).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    help=f"Time budget per app in seconds (default {DEFAULT_TIMEOUT:g}).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing to the terminal.")
def scan(
    apps: tuple[Path, ...],
    policy_source: str | None,
    json_out: Path | None,
    sarif_out: Path | None,
    html_out: Path | None,
    markdown_out: Path | None,
    fail_on: str | None,
    exit_zero: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    compare_to: Path | None,
    extra_signatures: tuple[Path, ...],
    no_code: bool,
    jobs: int | None,
    timeout: float | None,
    quiet: bool,
) -> int:
    """Scan APP (an APK, jar, aar or native library); with --policy, report discrepancies.

    Several APPs, or folders of them, are scanned one by one: a failure is reported for that app
    and the scan goes on; output files get the app's name inserted (report.app.html) and the
    exit code is the worst of all.
    """
    from scanner.compare import audit as run_audit
    from scanner.compare.baseline import apply_baseline, baseline_document, load_baseline
    from scanner.compare.model import Severity
    from scanner.config import load_config
    from scanner.pipeline import load_signatures, scan_app
    from scanner.report.formats import OutputFormat, render
    from scanner.report.json_report import audit_to_dict
    from scanner.report.terminal import print_scan

    settings, cfg = load_config(Path.cwd())
    policy_source = _setting(policy_source, settings, "policy", cfg)
    fail_on = _setting(fail_on, settings, "fail_on", cfg) or "high"
    if fail_on not in _SEVERITIES:
        raise click.BadParameter(f"fail_on must be one of {', '.join(_SEVERITIES)}")
    baseline = _setting(baseline, settings, "baseline", cfg)
    extra_signatures = _setting(extra_signatures, settings, "signatures", cfg)
    outputs = {
        OutputFormat.JSON: _setting(json_out, settings, "json", cfg),
        OutputFormat.SARIF: _setting(sarif_out, settings, "sarif", cfg),
        OutputFormat.HTML: _setting(html_out, settings, "html", cfg),
        OutputFormat.MARKDOWN: _setting(markdown_out, settings, "markdown", cfg),
    }
    exit_zero = bool(_setting(exit_zero, settings, "exit_zero", cfg))
    no_code = bool(_setting(no_code, settings, "no_code", cfg))
    jobs = int(_setting(jobs, settings, "jobs", cfg) or 1)

    timeout = float(_setting(timeout, settings, "timeout", cfg) or DEFAULT_TIMEOUT)

    console = Console(highlight=False, quiet=quiet, width=None if sys.stdout.isatty() else 140)
    status = Console(stderr=True, quiet=quiet)
    sigset = load_signatures(tuple(Path(p) for p in extra_signatures))
    accepted = load_baseline(Path(baseline)) if baseline else None
    targets = expand_targets(apps)
    batch = len(targets) > 1 or any(p.is_dir() for p in apps)
    analysis = None
    if policy_source:
        from scanner.policy import analyse_policy, load_policy

        try:
            with (
                status.status(f"Reading policy {policy_source}…", spinner="dots"),
                time_budget(timeout),
            ):
                analysis = analyse_policy(load_policy(str(policy_source)), sigset.signatures)
        except TimeBudgetExceeded as exc:
            raise LimitExceeded(
                str(policy_source), f"time budget of {timeout:g} s exceeded ({exc})"
            ) from None
    for note in sigset.notes:
        console.print(f"[dim]{note}[/dim]")

    worst = ExitCode.OK
    generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    for app in targets:
        try:
            with status.status(f"Scanning {app.name}…", spinner="dots"), time_budget(timeout):
                result = scan_app(app, sigset, code=not no_code, jobs=jobs)
                outcome = run_audit(result, analysis, sigset.signatures)
        except TimeBudgetExceeded as exc:
            err: ScanError = LimitExceeded(app, f"time budget of {timeout:g} s exceeded ({exc})")
            if not batch:
                raise err from None
            worst = max(worst, _report_failure(err))
            continue
        except ScanError as exc:
            if not batch:
                raise
            worst = max(worst, _report_failure(exc))
            continue
        if accepted is not None:
            outcome = apply_baseline(outcome, accepted)
        for fmt, path in outputs.items():
            if path:
                target = _per_app(Path(path), app) if batch else Path(path)
                write_atomic(target, render(fmt, outcome, generated_at, Severity(fail_on)))
        if write_baseline is not None:
            write_atomic(
                _per_app(write_baseline, app) if batch else write_baseline,
                json.dumps(baseline_document(outcome), indent=2, ensure_ascii=False) + "\n",
            )
        print_scan(result, console)
        if analysis is not None:
            _print_findings(outcome, console)
        if compare_to is not None:
            from scanner.compare.diff import diff_results, render_diff

            previous = _read_result(compare_to)
            console.print(render_diff(diff_results(previous, audit_to_dict(outcome))), markup=False)
        threshold = _SEVERITIES.index(fail_on)
        failing = [f for f in outcome.findings if f.severity.rank >= threshold]
        if failing and not exit_zero:
            console.print(f"[bold red]{len(failing)} finding(s) at or above {fail_on}[/bold red]")
            worst = max(worst, ExitCode.FINDINGS)
    return int(worst)


def _report_failure(exc: ScanError) -> ExitCode:
    """In a batch, one app's failure is a line on stderr; the others are still scanned."""
    click.echo(f"privacy-scan: error: {exc.source}: {exc.message}", err=True)
    return ExitCode.INPUT_ERROR


_APP_SUFFIXES = {".apk", ".apks", ".aar", ".jar", ".so", ".a", ".ipa"}
MAX_BATCH = 10_000


def expand_targets(paths: Sequence[Path]) -> list[Path]:
    """Files as given; folders expand to the app-like files inside them (recursively, sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _APP_SUFFIXES
            )
            if not found:
                raise ScanError(path, "folder holds no .apk, .aar, .jar, .so or .a file")
            out += found
        else:
            out.append(path)
        if len(out) > MAX_BATCH:
            raise ScanError(path, f"more than {MAX_BATCH} apps in one batch")
    return out


def _per_app(path: Path, app: Path) -> Path:
    """report.html + app.apk -> report.app.html, so a batch writes one file per app."""
    return path.with_name(f"{path.stem}.{app.stem}{path.suffix}")


def _print_findings(outcome: Any, console: Console) -> None:
    try:
        from scanner.report.findings_terminal import print_findings
    except ImportError:
        from rich.markup import escape

        for f in outcome.findings:
            console.print(f"{f.severity.value:6} {f.rule.id} {escape(f.message)}")
        return
    print_findings(outcome, console)


def _read_result(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScanError(path, f"cannot read a privacy-scan JSON result ({exc})") from exc
    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise ScanError(path, "not a privacy-scan JSON result (no schema_version)")
    return doc


@cli.command("diff")
@click.argument("old", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, dir_okay=False))
def diff_command(old: Path, new: Path) -> int:
    """List what NEW adds over OLD: SDKs, permissions, behaviours, findings.

    OLD and NEW are results written by `scan --json`, or app files (scanned first).
    Exits 1 when NEW adds an SDK, a permission or a behaviour.
    """
    from scanner.compare.diff import diff_results, render_diff

    docs = [_result_or_scan(p) for p in (old, new)]
    d = diff_results(docs[0], docs[1])
    click.echo(render_diff(d), nl=False)
    return int(ExitCode.FINDINGS) if d.adds_anything else int(ExitCode.OK)


def _result_or_scan(path: Path) -> dict[str, Any]:
    if path.suffix.lower() == ".json":
        return _read_result(path)
    from scanner.compare import audit as run_audit
    from scanner.pipeline import scan_app
    from scanner.report.json_report import audit_to_dict

    return audit_to_dict(run_audit(scan_app(path), None))


@cli.group()
def signatures() -> None:
    """Inspect the bundled signature data."""


@signatures.command("validate")
def signatures_validate() -> None:
    """Validate every signature and taxonomy file; exit 2 listing every problem."""
    from scanner.catalog import validate_all

    problems = validate_all()
    for p in problems:
        click.echo(p)
    if problems:
        raise click.exceptions.Exit(int(ExitCode.INPUT_ERROR))
    click.echo("all signature files are valid")


@signatures.command("list")
def signatures_list() -> None:
    """List the bundled SDK signatures."""
    from scanner.catalog import builtin_sdks

    for sig in builtin_sdks():
        click.echo(f"{sig.id:28} {sig.category:16} {sig.name} ({sig.vendor})")


cli.add_command(policy_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        rv = cli.main(args=args, prog_name="privacy-scan", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.INPUT_ERROR)
    except click.exceptions.Abort:
        click.echo("privacy-scan: aborted", err=True)
        return int(ExitCode.INPUT_ERROR)
    except ScanError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"privacy-scan: error: {exc.source}: {exc.message}", err=True)
        return int(ExitCode.INPUT_ERROR)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(
            f"privacy-scan: internal error: {type(exc).__name__}: {exc} (rerun with --debug and "
            "report it)",
            err=True,
        )
        return int(ExitCode.INTERNAL_ERROR)
    return int(rv) if isinstance(rv, int) else int(ExitCode.OK)


def entry_point() -> None:
    sys.exit(main())
