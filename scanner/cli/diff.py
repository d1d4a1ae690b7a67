"""`privacy-scan diff OLD NEW`: what a release adds over the previous one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scanner.errors import ExitCode, ScanError


def read_result(path: Path) -> dict[str, Any]:
    """A JSON result written by `scan --json`."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScanError(path, f"cannot read a privacy-scan JSON result ({exc})") from exc
    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise ScanError(path, "not a privacy-scan JSON result (no schema_version)")
    return doc


@click.command("diff")
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
        return read_result(path)
    from scanner.compare import audit
    from scanner.pipeline import scan_app
    from scanner.report.json_report import audit_to_dict

    return audit_to_dict(audit(scan_app(path), None))
