"""Audit result → the terminal table of findings, printed after the scan summary."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scanner.compare.model import AuditResult, Severity
from scanner.report.common import sdk_names, severity_counts

SEVERITY_STYLE: dict[Severity, str] = {
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def print_findings(audit: AuditResult, console: Console) -> None:
    """Print the findings (severity, rule, subject, message) and a count line.

    Rule data is ours; subjects and messages quote the app and the policy, so they are escaped
    before rich reads them as markup.
    """
    if audit.policy is None:
        console.print("[dim]No policy given (--policy): nothing to compare the app with.[/dim]")
        return
    names = sdk_names(audit)
    counts = severity_counts(audit.findings)
    summary = ", ".join(f"[{SEVERITY_STYLE[s]}]{n} {s.value}[/]" for s, n in counts.items() if n)
    if not audit.findings:
        console.print("[green]No discrepancy between the app and its policy.[/green]")
    else:
        table = Table(title=f"Findings ({summary})", show_lines=False)
        table.add_column("severity", no_wrap=True)
        table.add_column("rule", no_wrap=True)
        table.add_column("subject")
        table.add_column("message")
        for f in audit.findings:
            subject = names.get(f.sdk_id, f.sdk_id) if f.sdk_id else f.subject
            table.add_row(
                f"[{SEVERITY_STYLE[f.severity]}]{f.severity.value}[/]",
                f"{escape(f.rule.id)} [dim]{escape(f.rule.name)}[/dim]",
                escape(subject or ""),
                escape(f.message),
            )
        console.print(table)
    if audit.suppressed:
        console.print(f"[dim]{len(audit.suppressed)} finding(s) accepted by the baseline.[/dim]")
