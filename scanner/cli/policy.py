"""`privacy-scan policy POLICY [--json FILE]`: print what a privacy policy discloses.

Errors (ScanError) are left to `scanner.cli.main`, which maps them to exit codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from scanner.outputs import STDOUT, write_atomic


@click.command("policy")
@click.argument("policy")
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the analysis as JSON (schema privacy-scan/policy-analysis/1).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing to the terminal.")
def policy_command(policy: str, json_out: Path | None, quiet: bool) -> None:
    """Show what POLICY (a .txt, .md, .html or .pdf file, or an http(s) URL) discloses."""
    from scanner.policy.analyse import analyse_policy
    from scanner.policy.loader import load_policy
    from scanner.policy.render import analysis_to_dict, render_text

    analysis = analyse_policy(load_policy(policy))
    if json_out is not None:
        text = json.dumps(analysis_to_dict(analysis), ensure_ascii=False, indent=2) + "\n"
        write_atomic(json_out, text)
    if not quiet:  # beside a document on stdout (--json -), the reading goes to stderr
        click.echo(render_text(analysis), nl=False, err=json_out == STDOUT)
