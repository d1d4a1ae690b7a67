"""The Markdown pull-request summary and the terminal findings table."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

from conftest import SHOP_POLICY, sample_apk
from rich.console import Console

from scanner.compare import audit
from scanner.compare.model import AuditResult, Finding, Rule, Severity
from scanner.pipeline import scan_app
from scanner.policy import analyse_policy, load_policy
from scanner.report.findings_terminal import print_findings
from scanner.report.markdown import md_escape, render_markdown

HOSTILE = "<script>alert(1)</script> | [x](https://evil.example) @everyone *bold* [red]r[/red]"


@cache
def real_audit(app: str, policy: Path | None) -> AuditResult:
    analysis = analyse_policy(load_policy(str(policy))) if policy else None
    return audit(scan_app(sample_apk(app)), analysis)


def hostile_audit() -> AuditResult:
    """label-xss audited, plus a high finding whose subject and message carry hostile text."""
    result = real_audit("label-xss", SHOP_POLICY)
    label = result.scan.inventory.identity.label or ""
    probe = Finding(
        rule=Rule("PS999", "probe", Severity.HIGH, "Probe.", "Probe."),
        severity=Severity.HIGH,
        message=f"{label} {HOSTILE}",
        subject=HOSTILE,
        category=None,
        sdk_id=None,
        app_evidence=(),
        policy_evidence=(),
    )
    return replace(result, findings=(probe, *result.findings))


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_md_escape_is_inert() -> None:
    out = md_escape("a|b <i>x</i> [l](u) *e* @m\nnext")
    assert out == r"a\|b &lt;i&gt;x&lt;/i&gt; \[l\]\(u\) \*e\* \@m next"


def test_markdown_never_lets_app_text_become_html_or_break_the_table() -> None:
    out = render_markdown(hostile_audit())
    assert "<" not in out and ">" not in out.replace("&gt;", "")
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in out
    assert "](" not in out
    assert not re.search(r"(?<!\\)@", out)  # no live mention
    [row] = [line for line in out.splitlines() if "PS999" in line]
    assert _unescaped_pipes(row) == 5  # four cells
    header = next(line for line in out.splitlines() if line.startswith("| severity"))
    assert _unescaped_pipes(header) == 5
    assert out.startswith("### privacy-scan: &lt;script&gt;")


def test_markdown_summary_of_a_real_audit() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    out = render_markdown(result)
    counts = {s: sum(f.severity is s for f in result.findings) for s in Severity}
    assert "| high | medium | low | info |" in out
    order = (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
    assert "| " + " | ".join(str(counts[s]) for s in order) + " |" in out
    serious = [f for f in result.findings if f.severity in (Severity.HIGH, Severity.MEDIUM)]
    rows = [line for line in out.splitlines() if line.startswith("| **")]
    assert len(rows) == len(serious)
    assert "**Fail**" in out
    assert "- **JCore \\(Jiguang core\\)**" in out and "not disclosed" in out
    assert "- **Tencent Bugly** (Tencent, crash): generic only" in out
    assert "Alipay" not in out.split("#### SDKs the policy does not name", 1)[1]
    assert f"_{counts[Severity.LOW]} low and {counts[Severity.INFO]} info" in out


def test_markdown_pass_wording() -> None:
    out = render_markdown(real_audit("label-xss", SHOP_POLICY), fail_on=Severity.MEDIUM)
    assert "**Pass**: no finding at or above medium." in out
    assert "#### High and medium findings" not in out


def test_terminal_table_escapes_rich_markup() -> None:
    console = Console(record=True, width=400, color_system=None)
    print_findings(hostile_audit(), console)
    text = console.export_text()
    assert "[red]r[/red]" in text
    assert "<script>alert(1)</script>&\"'" in text
    assert "PS999 probe" in text
    assert "1 high" in text


def test_terminal_table_lists_every_finding() -> None:
    result = real_audit("shopping-demo", SHOP_POLICY)
    console = Console(record=True, width=400, color_system=None)
    print_findings(result, console)
    text = console.export_text()
    for f in result.findings:
        assert f.message in text


def test_terminal_without_policy() -> None:
    console = Console(record=True, width=200, color_system=None)
    print_findings(real_audit("video-demo", None), console)
    assert "No policy given" in console.export_text()
