"""Command line: `privacy-scan` / `python -m scanner`.

`main(argv) -> int` is the one place where errors become exit codes (see scanner.errors.ExitCode):
0 clean, 1 findings at or above --fail-on, 2 bad input or usage, 3 internal error.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console

from scanner import __version__
from scanner.errors import ExitCode, ScanError
from scanner.outputs import write_atomic


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="privacy-scan")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
def cli(debug: bool) -> None:
    """Audit a mobile app against its own privacy policy, statically."""


@cli.command()
@click.argument("app", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the full result as JSON (schema: docs/json-schema.md).",
)
@click.option(
    "--signatures",
    "extra_signatures",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Add SDK signatures from an εxodus-format tracker JSON (repeatable).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing to the terminal.")
def scan(app: Path, json_out: Path | None, extra_signatures: tuple[Path, ...], quiet: bool) -> None:
    """Scan APP (an APK, jar, aar or native library) for permissions, startup behaviour and SDKs."""
    from scanner.pipeline import load_signatures, scan_app
    from scanner.report.json_report import render_json
    from scanner.report.terminal import print_scan

    sigset = load_signatures(extra_signatures)
    result = scan_app(app, sigset)
    if json_out is not None:
        write_atomic(json_out, render_json(result))
    if not quiet:
        console = Console(highlight=False)
        for note in sigset.notes:
            console.print(f"[dim]{note}[/dim]")
        print_scan(result, console)


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


def _register_optional_commands() -> None:
    try:
        from scanner.policy.command import policy_command
    except ImportError:
        return
    cli.add_command(policy_command)


_register_optional_commands()


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
