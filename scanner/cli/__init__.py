"""Command line: `privacy-scan` / `python -m scanner`.

`main(argv) -> int` is the one place where errors become exit codes (see scanner.errors.ExitCode):
0 clean, 1 findings at or above --fail-on, 2 bad input or usage, 3 internal error. Each command
lives in its own module beside this one and imports the pipeline stages it needs when it runs, so
start-up stays cheap.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

import click

from scanner import __version__, collect_less
from scanner.cli.batch import batch_command, report_command
from scanner.cli.diff import diff_command
from scanner.cli.policy import policy_command
from scanner.cli.scan import scan_command
from scanner.cli.signatures import signatures_group
from scanner.errors import ExitCode, ScanError

DEBUG_FLAG = "--debug"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="privacy-scan")
@click.option(DEBUG_FLAG, is_flag=True, help="Show a traceback when something fails.")
def cli(debug: bool) -> None:
    """Audit a mobile app against its own privacy policy, statically."""


for _command in (scan_command, policy_command, diff_command, signatures_group):
    cli.add_command(_command)
cli.add_command(batch_command)
cli.add_command(report_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting.

    --debug is accepted anywhere on the line (`privacy-scan scan app.apk --debug` as well as
    `privacy-scan --debug scan app.apk`).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    debug = DEBUG_FLAG in args
    if debug:
        args = [DEBUG_FLAG, *(a for a in args if a != DEBUG_FLAG)]
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
            import traceback  # 5 ms of start-up (tokenize, linecache) a clean run never needs

            traceback.print_exc()
        click.echo(f"privacy-scan: error: {exc.source}: {exc.message}", err=True)
        return int(ExitCode.INPUT_ERROR)
    except Exception as exc:
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(
            f"privacy-scan: internal error: {type(exc).__name__}: {exc} (rerun with --debug and "
            "report it)",
            err=True,
        )
        return int(ExitCode.INTERNAL_ERROR)
    return int(rv) if isinstance(rv, int) else int(ExitCode.OK)


def entry_point() -> None:
    collect_less()  # the console script imports this module first; `python -m scanner` did it
    code = main()
    # The process ends here and everything still alive goes with it. Frozen, those objects are
    # left out of the full collection the interpreter runs on the way out (~20 ms after a
    # Yosemite scan); atexit handlers and the flushing of stdout and stderr still happen.
    # Not after lief was loaded (an iOS app, a Mach-O library): its bindings count the objects
    # still alive at exit and print a page of "leaked instance" warnings on stderr.
    if "lief" not in sys.modules:
        gc.freeze()
    sys.exit(code)
