"""Turn a `PolicyAnalysis` into JSON-ready data or a terminal summary. Nothing is written here."""

from __future__ import annotations

from typing import Any

from scanner.policy.model import PolicyAnalysis, PolicyEvidence

SCHEMA_ID = "privacy-scan/policy-analysis/1"
"""Documented by signatures/policy/schema/policy-analysis.schema.json."""

_STATUS_MARK = {
    "disclosed": "disclosed",
    "denied": "DENIED",
    "heading_only": "heading only",
    "other_sense": "other sense",
    "not_mentioned": "-",
}


def _evidence(e: PolicyEvidence) -> dict[str, Any]:
    return {
        "text": e.text,
        "heading": e.heading,
        "start": e.start,
        "end": e.end,
        "term": e.term,
        "term_start": e.term_start,
        "strength": e.strength,
        "polarity": e.polarity,
        **({"reason": e.reason} if e.reason is not None else {}),
    }


def analysis_to_dict(a: PolicyAnalysis) -> dict[str, Any]:
    """JSON-ready, with stable keys (schema `SCHEMA_ID`)."""
    return {
        "schema": SCHEMA_ID,
        "source": a.source,
        "format": a.format,
        "encoding": a.encoding,
        "language": a.language,
        "operators": list(a.operators),
        "categories": [
            {
                "category": c.category,
                "status": c.status,
                "evidence": [_evidence(e) for e in c.evidence],
                "searched_terms": list(c.searched_terms),
            }
            for c in a.categories
        ],
        "third_parties": [
            {
                "sdk_id": t.sdk_id,
                "name": t.name,
                "kind": t.kind,
                "category": t.category,
                "evidence": [_evidence(e) for e in t.evidence],
                "company": t.company,
            }
            for t in a.third_parties
        ],
    }


def _quote(text: str, width: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def render_text(a: PolicyAnalysis) -> str:
    """A readable summary: each category's status with its best sentence, then third parties."""
    lines = [
        f"Policy: {a.source}",
        f"  format {a.format}, encoding {a.encoding or 'n/a'}, language {a.language}",
        "",
        "Capabilities:",
    ]
    for c in a.categories:
        lines.append(f"  {c.category:20} {_STATUS_MARK[c.status]}")
        if c.evidence:
            best = c.evidence[0]
            where = f" [{best.heading}]" if best.heading else ""
            lines.append(f"      “{_quote(best.text)}”{where}")
            if len(c.evidence) > 1:
                lines.append(f"      (+{len(c.evidence) - 1} more)")
    lines += ["", "Third parties:"]
    if not a.third_parties:
        lines.append("  none named")
    for t in a.third_parties:
        ident = t.sdk_id or ("(unnamed)" if t.kind == "generic" else "(no SDK signature)")
        category = f", {t.category}" if t.category else ""
        lines.append(f"  {ident:24} {t.name} ({t.kind}{category})")
        if t.evidence:
            lines.append(f"      “{_quote(t.evidence[0].text)}”")
    return "\n".join(lines) + "\n"
