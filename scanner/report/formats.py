"""Every file output format, mapped exhaustively to its renderer."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from scanner.compare.model import AuditResult, Severity


class OutputFormat(StrEnum):
    JSON = "json"
    SARIF = "sarif"
    HTML = "html"
    MARKDOWN = "markdown"


def render(
    fmt: OutputFormat, audit: AuditResult, generated_at: str, fail_on: Severity = Severity.HIGH
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
