"""`privacy-scan signatures validate | list | coverage`: the bundled signature data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from scanner.errors import ExitCode, SignatureError


@click.group("signatures")
def signatures_group() -> None:
    """Inspect the bundled signature data."""


@signatures_group.command("validate")
def signatures_validate() -> None:
    """Validate every signature and taxonomy file; exit 2 listing every problem."""
    from scanner.signatures.catalog import validate_all

    problems = validate_all()
    for p in problems:
        click.echo(p)
    if problems:
        raise click.exceptions.Exit(int(ExitCode.INPUT_ERROR))
    click.echo("all signature files are valid")


@signatures_group.command("list")
def signatures_list() -> None:
    """List the bundled SDK signatures."""
    from scanner.signatures.catalog import builtin_sdks

    for sig in builtin_sdks():
        click.echo(f"{sig.id:28} {sig.category:16} {sig.name} ({sig.vendor})")


@signatures_group.command("coverage")
@click.argument("exodus_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--all", "show_all", is_flag=True, help="Also list the trackers not covered.")
def signatures_coverage(exodus_file: Path, show_all: bool) -> None:
    """Which trackers of an εxodus tracker file the built-in signatures cover (by code
    signature overlap)."""
    from scanner.signatures.catalog import builtin_sdks
    from scanner.signatures.coverage import Coverage, exodus_coverage

    try:
        found = exodus_coverage(exodus_file, builtin_sdks())
    except SignatureError as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(int(ExitCode.INPUT_ERROR)) from None
    for t in found:
        if t.coverage in (Coverage.COVERED, Coverage.PARTIAL) or show_all:
            sdks = ", ".join(t.sdk_ids) or "-"
            click.echo(f"{t.coverage:17} {t.tracker_id:>5} {t.name[:40]:40} {sdks}")
    counts = Counter(t.coverage for t in found)
    coded = len(found) - counts[Coverage.NO_CODE_SIGNATURE]
    click.echo(
        f"{counts[Coverage.COVERED]} of {coded} trackers with a code signature covered, "
        f"{counts[Coverage.PARTIAL]} partly, {counts[Coverage.NOT_COVERED]} not; "
        f"{counts[Coverage.NO_CODE_SIGNATURE]} have no code signature"
    )
