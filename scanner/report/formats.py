"""Every file output format, mapped exhaustively to its renderer."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, assert_never

from scanner.severity import DEFAULT_FAIL_ON, Severity

if TYPE_CHECKING:
    from pathlib import Path

    from scanner.compare.model import AuditResult
    from scanner.pipeline import Failure


class OutputFormat(StrEnum):
    """A file format; each brings its own `--<value>` option and configuration key."""

    JSON = "json"
    SARIF = "sarif"
    HTML = "html"
    MARKDOWN = "markdown"


FORMAT_HELP: dict[OutputFormat, str] = {
    OutputFormat.JSON: "Write the full result as JSON (schema: docs/json-schema.md).",
    OutputFormat.SARIF: "Write findings as SARIF 2.1.0 for code-scanning UIs.",
    OutputFormat.HTML: "Write a self-contained HTML discrepancy report.",
    OutputFormat.MARKDOWN: "Write a Markdown summary (for a pull-request comment).",
}
"""The help of each format's command-line option (the settings table reads it)."""


def render(
    fmt: OutputFormat, audit: AuditResult, generated_at: str, fail_on: Severity = DEFAULT_FAIL_ON
) -> str:
    """Turn an audit into the text of one output format; `fail_on` sets the pass/fail wording."""
    match fmt:
        case OutputFormat.JSON:
            from scanner.report.json_report import render_audit_json

            return render_audit_json(audit)
        case OutputFormat.SARIF:
            from scanner.report.sarif import render_sarif

            return render_sarif(audit)
        case OutputFormat.HTML:
            from scanner.report.html import render_html

            return render_html(audit, generated_at=generated_at, fail_on=fail_on)
        case OutputFormat.MARKDOWN:
            from scanner.report.markdown import render_markdown

            return render_markdown(audit, fail_on=fail_on)
        case _:
            assert_never(fmt)


def render_failure(fmt: OutputFormat, target: Path, failure: Failure, generated_at: str) -> str:
    """What one output format says about an app that could not be scanned."""
    from scanner.report import failure as out

    match fmt:
        case OutputFormat.JSON:
            return out.failure_json(target, failure)
        case OutputFormat.SARIF:
            return out.failure_sarif(target, failure)
        case OutputFormat.HTML:
            return out.failure_html(target, failure, generated_at)
        case OutputFormat.MARKDOWN:
            return out.failure_markdown(target, failure)
        case _:
            assert_never(fmt)
