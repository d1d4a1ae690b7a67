"""`privacy-scan signatures validate | list`: the bundled signature data."""

from __future__ import annotations

import click

from scanner.errors import ExitCode


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
