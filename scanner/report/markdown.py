"""Audit result → a short Markdown summary for a pull-request comment (GitHub-flavoured).

App and policy strings are escaped twice over: HTML's `& < >` become entities (so a label
`<script>` stays text in a comment) and Markdown punctuation is backslash-escaped (so `|` cannot
break a table, `[x](y)` cannot become a link, `@team` cannot mention anyone).
"""

from __future__ import annotations

import re

from scanner.compare.model import AuditResult, Finding, Severity
from scanner.report.common import (
    SDK_DISCLOSURE_LABEL,
    failing,
    sdk_disclosure,
    sdk_names,
    severity_counts,
    unidentified_evidence,
    unidentified_size,
)
from scanner.severity import DEFAULT_FAIL_ON

MAX_ROWS = 50
"""Findings listed in the table; a comment should stay short."""

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+!|~@:])")
_SPACE = re.compile(r"\s+")


def md_escape(text: str) -> str:
    """`text` as inert Markdown: one line, no HTML, no emphasis, links, mentions or cell breaks."""
    text = _SPACE.sub(" ", text).strip()
    text = "".join(_HTML.get(c, c) for c in text)
    return _MD_PUNCT.sub(r"\\\1", text)


def _finding_row(f: Finding, names: dict[str, str]) -> str:
    subject = names.get(f.sdk_id, f.sdk_id) if f.sdk_id else f.subject
    cells = (
        f"**{f.severity.value}**",
        f"{md_escape(f.rule.id)} {md_escape(f.rule.name)}",
        md_escape(subject or ""),
        md_escape(f.message),
    )
    return "| " + " | ".join(cells) + " |"


def render_markdown(
    audit: AuditResult, *, fail_on: Severity = DEFAULT_FAIL_ON, max_rows: int = MAX_ROWS
) -> str:
    """A pull-request comment: verdict, counts, high/medium findings, SDKs not named."""
    identity = audit.scan.inventory.identity
    names = sdk_names(audit)
    title = identity.label or identity.package or identity.path
    lines = [f"### privacy-scan: {md_escape(title)}", ""]
    about = [md_escape(identity.package or identity.path)]
    if identity.version_name:
        about.append(f"version {md_escape(identity.version_name)}")
    about.append(f"sha256 {identity.sha256[:12]}…")
    policy = md_escape(audit.policy.source) if audit.policy else "no policy given"
    lines += [" · ".join(about) + f" · policy: {policy}", ""]

    bad = failing(audit, fail_on)
    if bad:
        lines.append(
            f"**Fail**: {len(bad)} finding{'s' if len(bad) != 1 else ''} at or above "
            f"{fail_on.value}."
        )
    else:
        lines.append(f"**Pass**: no finding at or above {fail_on.value}.")
    counts = severity_counts(audit.findings)
    lines += [
        "",
        "| " + " | ".join(s.value for s in counts) + " |",
        "|" + "---:|" * len(counts),
        "| " + " | ".join(str(n) for n in counts.values()) + " |",
        "",
    ]

    serious = [f for f in audit.findings if f.severity.rank >= Severity.MEDIUM.rank]
    if serious:
        lines += ["#### High and medium findings", ""]
        lines += ["| severity | rule | subject | finding |", "|---|---|---|---|"]
        lines += [_finding_row(f, names) for f in serious[:max_rows]]
        if len(serious) > max_rows:
            lines += ["", f"…and {len(serious) - max_rows} more (see the HTML or SARIF report)."]
        lines.append("")

    from scanner.report.ios_view import ios_markdown

    lines += ios_markdown(audit, md_escape)

    undisclosed = [
        (d, status)
        for d in audit.scan.sdks
        if (status := sdk_disclosure(audit, d)) not in ("named", "not_required")
    ]
    if audit.policy is not None and undisclosed:
        lines += ["#### SDKs the policy does not name", ""]
        for d, status in undisclosed:
            lines.append(
                f"- **{md_escape(d.name)}** ({md_escape(d.vendor)}, {md_escape(d.category)}): "
                f"{SDK_DISCLOSURE_LABEL[status]}"
            )
        lines.append("")

    if audit.scan.unidentified:
        lines += ["#### Unidentified third-party code", ""]
        lines += [
            f"- {md_escape(u.kind)} **{md_escape(u.name)}** ({unidentified_size(u)}): "
            f"{md_escape(unidentified_evidence(u))}"
            for u in audit.scan.unidentified
        ]
        lines.append("")

    low = counts[Severity.LOW]
    info = counts[Severity.INFO]
    if low or info:
        lines.append(
            f"_{low} low and {info} info finding{'s' if low + info != 1 else ''} not listed "
            "here; see the HTML or SARIF report._"
        )
    if audit.suppressed:
        lines.append(f"_{len(audit.suppressed)} finding(s) accepted by the baseline._")
    return "\n".join(lines).rstrip() + "\n"
