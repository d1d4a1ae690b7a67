"""The pipeline in one place: extract → detect → (policy) → compare, for one app or a batch.

`run(targets, settings)` yields one `AppOutcome` per app: its audit, or the error that stopped it.
A failed app is a result like any other, so a batch never stops on one bad file and every app
appears in the output. The CLI only decides what to print and write, and the exit code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.errors import LimitExceeded, ScanError, TimeBudgetExceeded, time_budget
from scanner.limits import MAX_BATCH

if TYPE_CHECKING:
    from scanner.compare.baseline import AcceptedFinding
    from scanner.compare.model import AuditResult
    from scanner.extract import Digest
    from scanner.extract.archive import Limits
    from scanner.model import ScanResult
    from scanner.policy.model import PolicyAnalysis
    from scanner.settings import Settings
    from scanner.signatures.catalog import SdkSignature

Step = Callable[[str], AbstractContextManager[object]]
"""Wraps each long step with a message ("Scanning app.apk…"): the CLI shows a spinner."""


@dataclass(frozen=True)
class SignatureSet:
    signatures: tuple[SdkSignature, ...]
    names: tuple[str, ...]
    """'builtin' plus one entry per imported file."""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    """Why one app could not be scanned: the error's kind and its one-line message."""

    kind: str
    """The ScanError subclass: AppInputError, LimitExceeded, OutputError..."""
    source: str
    message: str


@dataclass(frozen=True)
class AppOutcome:
    """What one app of a run came to: exactly one of `audit` and `error` is set."""

    target: Path
    audit: AuditResult | None = None
    error: ScanError | None = None
    """Why the app could not be scanned (a single-app run re-raises it)."""

    @property
    def failure(self) -> Failure | None:
        """The error as reports write it: its kind and its one-line message."""
        if self.error is None:
            return None
        return Failure(type(self.error).__name__, self.error.source, self.error.message)


def load_signatures(extra: Sequence[Path] = ()) -> SignatureSet:
    """Built-in SDK signatures plus any εxodus-format files given with --signatures."""
    from scanner.signatures.catalog import builtin_sdks

    sigs = list(builtin_sdks())
    names = ["builtin"]
    notes = []
    for path in extra:
        from scanner.signatures.exodus import load_exodus

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
    limits: Limits | None = None,
    code: bool = True,
    jobs: int | None = None,
    digest: Digest | None = None,
) -> ScanResult:
    """Scan one app binary: manifest, SDKs and (unless code=False) sensitive call sites.
    `digest` is the app's hashing, when the caller started it (`scanner.extract.start_digest`)."""
    from scanner.detect import detect
    from scanner.extract import extract_app
    from scanner.extract.archive import DEFAULT_LIMITS

    sigset = signatures or load_signatures()
    extracted = extract_app(path, limits or DEFAULT_LIMITS, keep_code=code, digest=digest)
    return detect(
        extracted.inventory,
        sigset.signatures,
        signature_sets=sigset.names,
        code=extracted.code if code else None,
        jobs=jobs,
    )


def _folder_app(path: Path) -> bool:
    """A folder that is one app (an unpacked iOS .app, an .xcarchive), not a folder of apps."""
    from scanner.extract.formats.ios import IosReader

    return IosReader().recognises(path, b"", None)


def _apps_in(folder: Path, suffixes: frozenset[str]) -> list[Path]:
    """The app files under a folder, and the folders that are one app (an unpacked .app, an
    .xcarchive), whose own files (frameworks, dylibs) are part of that app and not listed again."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        apps = [d for d in dirs if Path(d).suffix.lower() in _APP_FOLDERS and _folder_app(here / d)]
        found += (here / d for d in apps)
        dirs[:] = [d for d in dirs if d not in apps]
        found += (here / f for f in files if Path(f).suffix.lower() in suffixes)
    return sorted(found)


_APP_FOLDERS = frozenset({".app", ".xcarchive"})
"""Folder names that may be one iOS app; only these are asked whether they are one."""


def expand_targets(paths: Sequence[Path]) -> list[Path]:
    """Files as given; folders expand to the app-like files inside them (recursively, sorted)."""
    from scanner.extract import app_suffixes

    suffixes = app_suffixes()
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and _folder_app(path):
            out.append(path)
        elif path.is_dir():
            found = _apps_in(path, suffixes)
            if not found:
                raise ScanError(path, f"folder holds no app file ({', '.join(sorted(suffixes))})")
            out += found
        else:
            out.append(path)
        if len(out) > MAX_BATCH:
            raise ScanError(path, f"more than {MAX_BATCH} apps in one batch")
    return out


@dataclass(frozen=True)
class Prepared:
    """What every app of a run shares: signatures, the policy's analysis, the baseline."""

    signatures: SignatureSet
    policy: PolicyAnalysis | None
    accepted: dict[str, AcceptedFinding] | None


def prepare(settings: Settings, step: Step = lambda _msg: nullcontext()) -> Prepared:
    """Load what the run shares. Any error here is the whole run's (exit 2), not one app's."""
    sigset = load_signatures(settings.signatures)
    accepted = None
    if settings.baseline is not None:
        from scanner.compare.baseline import load_baseline

        accepted = load_baseline(settings.baseline)
    analysis = None
    if settings.policy:
        from scanner.policy.analyse import analyse_policy
        from scanner.policy.loader import load_policy

        try:
            with step(f"Reading policy {settings.policy}…"), time_budget(settings.timeout):
                analysis = analyse_policy(load_policy(settings.policy), sigset.signatures)
        except TimeBudgetExceeded as exc:
            raise LimitExceeded(
                settings.policy, f"time budget of {settings.timeout:g} s exceeded ({exc})"
            ) from None
    return Prepared(sigset, analysis, accepted)


def run(
    targets: Sequence[Path],
    settings: Settings,
    prepared: Prepared | None = None,
    step: Step = lambda _msg: nullcontext(),
    digests: dict[Path, Digest] | None = None,
) -> Iterator[AppOutcome]:
    """Scan and audit every target in turn; a failed app becomes a failed outcome. `digests`
    holds hashings the caller started early (`scanner.extract.start_digest`), each used once."""
    from scanner.compare import audit

    shared = prepared or prepare(settings, step)
    early = dict(digests or {})
    for target in targets:
        try:
            with step(f"Scanning {target.name}…"), time_budget(settings.timeout):
                result = scan_app(
                    target,
                    shared.signatures,
                    code=not settings.no_code,
                    jobs=settings.jobs,
                    digest=early.pop(target, None),
                )
                outcome = audit(result, shared.policy, shared.signatures.signatures)
        except TimeBudgetExceeded as exc:
            err: ScanError = LimitExceeded(
                target, f"time budget of {settings.timeout:g} s exceeded ({exc})"
            )
            yield AppOutcome(target, error=err)
            continue
        except ScanError as exc:
            yield AppOutcome(target, error=exc)
            continue
        if shared.accepted is not None:
            from scanner.compare.baseline import apply_baseline

            outcome = apply_baseline(outcome, shared.accepted)
        yield AppOutcome(target, audit=outcome)
