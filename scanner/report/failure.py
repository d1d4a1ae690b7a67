"""What each output format says about an app that could not be scanned (a batch goes on).

A catalogue of reports then has one file per app it was asked about, and a reader of any of them
learns why there are no findings: the input was bad, not clean.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from scanner import __version__

if TYPE_CHECKING:
    from scanner.pipeline import Failure

FAILURE_SCHEMA_VERSION = "1.0"


def failure_to_dict(target: Path, failure: Failure) -> dict[str, Any]:
    return {
        "schema_version": FAILURE_SCHEMA_VERSION,
        "tool": {"name": "privacy-scan", "version": __version__},
        "app": {"path": str(target)},
        "error": {"kind": failure.kind, "source": failure.source, "message": failure.message},
    }


def failure_json(target: Path, failure: Failure) -> str:
    return json.dumps(failure_to_dict(target, failure), indent=2, ensure_ascii=False) + "\n"


def failure_sarif(target: Path, failure: Failure) -> str:
    """A SARIF run with no results whose invocation failed, with the reason as a notification."""
    from scanner.report.sarif import SARIF_SCHEMA, SARIF_VERSION, artifact_uri

    run = {
        "tool": {"driver": {"name": "privacy-scan", "version": __version__, "rules": []}},
        "artifacts": [
            {"location": {"uri": artifact_uri(str(target))}, "roles": ["analysisTarget"]}
        ],
        "invocations": [
            {
                "executionSuccessful": False,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": f"{failure.source}: {failure.message}"},
                        "descriptor": {"id": failure.kind},
                    }
                ],
            }
        ],
        "results": [],
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def failure_markdown(target: Path, failure: Failure) -> str:
    from scanner.report.markdown import md_escape

    return (
        f"## privacy-scan: {md_escape(target.name)} could not be scanned\n\n"
        f"{md_escape(failure.kind)}: {md_escape(failure.source)}: {md_escape(failure.message)}\n"
    )


def failure_html(target: Path, failure: Failure, generated_at: str) -> str:
    """A minimal self-contained page (no script, no style sheet, nothing fetched)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        f"<title>privacy-scan: {escape(target.name)} could not be scanned</title></head>"
        f"<body><h1>{escape(target.name)} could not be scanned</h1>"
        f"<p><strong>{escape(failure.kind)}</strong>: {escape(failure.source)}: "
        f"{escape(failure.message)}</p>"
        f"<p>privacy-scan {escape(__version__)}, {escape(generated_at)}</p></body></html>\n"
    )
