"""The scan pipeline in one place: extract → detect (→ policy → compare → report in the CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.catalog import SdkSignature, builtin_sdks
from scanner.detect import detect
from scanner.exodus import load_exodus
from scanner.extract import extract_app
from scanner.extract.archive import DEFAULT_LIMITS, Limits
from scanner.model import ScanResult


@dataclass(frozen=True)
class SignatureSet:
    signatures: tuple[SdkSignature, ...]
    names: tuple[str, ...]
    """'builtin' plus one entry per imported file."""
    notes: tuple[str, ...] = ()


def load_signatures(extra: Sequence[Path] = ()) -> SignatureSet:
    """Built-in SDK signatures plus any εxodus-format files given with --signatures."""
    sigs = list(builtin_sdks())
    names = ["builtin"]
    notes = []
    for path in extra:
        imported = load_exodus(path, sigs)
        sigs.extend(imported.signatures)
        names.append(f"exodus:{path.name}")
        notes.append(
            f"{path.name}: {len(imported.signatures)} trackers imported, "
            f"{imported.merged_into_builtin} already covered by built-in signatures, "
            f"{imported.skipped_empty} without a code signature"
        )
    return SignatureSet(tuple(sigs), tuple(names), tuple(notes))


def scan_app(
    path: Path,
    signatures: SignatureSet | None = None,
    limits: Limits = DEFAULT_LIMITS,
    code: bool = True,
    jobs: int = 1,
) -> ScanResult:
    """Scan one app binary: manifest, SDKs and (unless code=False) sensitive call sites."""
    sigset = signatures or load_signatures()
    extracted = extract_app(path, limits, keep_code=code)
    return detect(
        extracted.inventory,
        sigset.signatures,
        signature_sets=sigset.names,
        code=extracted.code if code else None,
        jobs=jobs,
    )
