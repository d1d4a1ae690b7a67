"""Scan result → a readable terminal summary (rich tables; plain text when not a TTY)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scanner.model import DIRECT_CODE_EVIDENCE, ApiAccess, ScanResult
from scanner.report.common import (
    call_notes,
    library_names,
    owner_label,
    unidentified_evidence,
    unidentified_size,
)

_LEVEL_STYLE = {"dangerous": "bold red", "signature": "yellow", "special": "magenta"}


def print_scan(result: ScanResult, console: Console) -> None:
    inv = result.inventory
    ident = inv.identity
    console.print(
        f"[bold]{escape(ident.label or ident.package or ident.path)}[/bold]  "
        f"{escape(ident.package or '')} {escape(ident.version_name or '')}"
        f" ({ident.kind.value}, {len(inv.class_names)} classes, sha256 {ident.sha256[:12]}…)"
    )
    if result.permissions:
        table = Table(title="Permissions", show_lines=False)
        for col in ("permission", "level", "categories"):
            table.add_column(col)
        for p in result.permissions:
            style = _LEVEL_STYLE.get(p.protection_level, "")
            table.add_row(
                escape(p.name),
                f"[{style}]{p.protection_level}[/]" if style else p.protection_level,
                ", ".join(p.categories),
            )
        console.print(table)
    if result.startup:
        table = Table(title="Startup behaviour")
        for col in ("kind", "component", "trigger", "owner"):
            table.add_column(col)
        for s in result.startup:
            table.add_row(s.kind, escape(s.component), escape(s.trigger), s.owner or "app")
        console.print(table)
    if inv.native_libraries:
        table = Table(title="Native libraries")
        for col in ("path", "format", "JNI classes"):
            table.add_column(col)
        for lib in inv.native_libraries:
            table.add_row(
                escape(lib.path),
                lib.format if not lib.error else f"{lib.format} ({escape(lib.error)})",
                str(len(lib.jni_classes)),
            )
        console.print(table)
    reads = [c for c in result.call_sites if c.access != ApiAccess.WRITE]
    if reads:
        names = {d.sdk_id: d.name for d in result.sdks}
        libraries = library_names()
        table = Table(title=f"Sensitive call sites ({len(reads)}; writes not shown)")
        for col in ("capability", "API", "caller", "owner", "notes"):
            table.add_column(col)
        for c in sorted(reads, key=lambda c: (c.category, c.owner or "", c.caller_class)):
            direct = c.evidence_kind in DIRECT_CODE_EVIDENCE
            api = escape(c.api) if direct else f"{escape(c.api)} [dim]({c.evidence_kind})[/dim]"
            table.add_row(
                c.category,
                api,
                escape(f"{c.caller_class}.{c.caller_method}"),
                escape(owner_label(c, names, libraries)),
                escape("; ".join(call_notes(c))),
            )
        console.print(table)
    table = Table(title=f"SDKs ({sum(1 for d in result.sdks if d.status == 'present')} present)")
    for col in ("sdk", "category", "status", "classes", "evidence"):
        table.add_column(col)
    for d in result.sdks:
        kinds = sorted({e.kind for e in d.evidence})
        table.add_row(
            f"{escape(d.name)} [dim]({d.sdk_id})[/dim]",
            d.category,
            d.status,
            str(d.class_count),
            ", ".join(kinds),
        )
    console.print(table)
    if result.unidentified:
        table = Table(title=f"Unidentified third-party code ({len(result.unidentified)})")
        for col in ("kind", "name", "size", "evidence"):
            table.add_column(col)
        for u in result.unidentified:
            table.add_row(
                u.kind, escape(u.name), unidentified_size(u), escape(unidentified_evidence(u))
            )
        console.print(table)
    for w in inv.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(w)}")
