"""The inputs of a batch: app files, folders, and CSV / JSONL manifests of (app, policy) pairs.

A manifest row names an app (a path, relative to the manifest's folder, or an http(s) URL) and,
optionally, its policy (the same). A CSV manifest has the columns `app,policy` (a header row
naming them is optional); a JSONL manifest has one object `{"app": ..., "policy": ...}` per line.
`--policy` applies to every app whose row names no policy of its own.

Every local app the client can read is hashed here, so the same bytes listed twice (two names,
two manifests) become one job; an app only the workers can reach (a URL, a path on their disks)
gets a key derived from its reference and is hashed by the worker.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.batch.job import Job, result_key
from scanner.errors import ScanError
from scanner.limits import MAX_CATALOGUE, MAX_MANIFEST_BYTES

MANIFEST_SUFFIXES = frozenset({".csv", ".jsonl"})


class ManifestError(ScanError):
    """A manifest cannot be read or has a malformed row."""


@dataclass(frozen=True)
class Entry:
    """One app as the inputs name it, before hashing."""

    app: str
    policy: str | None


def is_url(ref: str) -> bool:
    return ref.startswith(("http://", "https://"))


def _local(ref: str, base: Path) -> str:
    """A URL as it is; a path made absolute (against `base`), so workers in another folder read
    the same file and the result names it the same way whatever the worker's folder."""
    if is_url(ref):
        return ref
    return os.path.abspath(base / os.path.expanduser(ref))


def _manifest_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise ManifestError(path, f"manifest larger than {MAX_MANIFEST_BYTES >> 20} MiB")
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(path, f"cannot read manifest ({exc})") from exc


def _csv_entries(path: Path) -> Iterator[Entry]:
    rows = csv.reader(io.StringIO(_manifest_text(path), newline=""))
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() == "app":
            continue  # the optional header row
        if len(cells) > 2:
            raise ManifestError(
                path, f"row {number}: expected app[,policy], got {len(cells)} cells"
            )
        policy = cells[1] if len(cells) == 2 and cells[1] else None
        yield Entry(_local(cells[0], path.parent), _local(policy, path.parent) if policy else None)


def _jsonl_entries(path: Path) -> Iterator[Entry]:
    for number, line in enumerate(_manifest_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ManifestError(path, f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("app"), str) or not doc["app"]:
            raise ManifestError(path, f'line {number}: expected {{"app": ..., "policy": ...}}')
        policy = doc.get("policy")
        if policy is not None and (not isinstance(policy, str) or not policy):
            raise ManifestError(path, f"line {number}: policy must be a path or URL")
        yield Entry(
            _local(doc["app"], path.parent), _local(policy, path.parent) if policy else None
        )


def _folder_entries(folder: Path) -> Iterator[Entry]:
    from scanner.extract import app_suffixes

    suffixes = app_suffixes()
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if not found:
        raise ScanError(folder, f"folder holds no app file ({', '.join(sorted(suffixes))})")
    for p in found:
        yield Entry(os.path.abspath(p), None)


def read_entries(inputs: Sequence[str]) -> list[Entry]:
    """Every app the inputs name, in order (a folder's apps sorted), duplicates kept."""
    out: list[Entry] = []
    for ref in inputs:
        path = Path(ref)
        if is_url(ref):
            out.append(Entry(ref, None))
        elif path.is_dir():
            out += _folder_entries(path)
        elif path.suffix.lower() == ".csv":
            out += _csv_entries(path)
        elif path.suffix.lower() == ".jsonl":
            out += _jsonl_entries(path)
        else:
            out.append(Entry(os.path.abspath(path), None))
        if len(out) > MAX_CATALOGUE:
            raise ScanError(ref, f"more than {MAX_CATALOGUE} apps in one batch")
    return out


def file_sha256(path: str) -> str | None:
    """SHA-256 of a file the client can read, else None (the worker will find out why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _reference_key(entry: Entry) -> str:
    ref = f"{entry.app}\0{entry.policy or ''}".encode()
    return "ref-" + hashlib.sha256(ref).hexdigest()[:32]


@dataclass(frozen=True)
class Plan:
    """The jobs of a batch, one per distinct (app bytes, policy), and every input they stand for."""

    jobs: tuple[Job, ...]
    sources: tuple[tuple[str, str | None, str], ...]
    """(app reference, policy, key) for every entry, duplicates included."""


def plan_jobs(inputs: Sequence[str], policy: str | None) -> Plan:
    """Read the inputs, apply `--policy` to rows without one, hash, and drop duplicate bytes."""
    default_policy = _local(policy, Path.cwd()) if policy else None
    jobs: dict[str, Job] = {}
    sources: list[tuple[str, str | None, str]] = []
    hashes: dict[str, str | None] = {}
    for entry in read_entries(inputs):
        entry = Entry(entry.app, entry.policy or default_policy)
        if is_url(entry.app):
            sha = None
        else:
            if entry.app not in hashes:
                hashes[entry.app] = file_sha256(entry.app)
            sha = hashes[entry.app]
        key = result_key(sha, entry.policy) if sha else _reference_key(entry)
        jobs.setdefault(key, Job(entry.app, entry.policy, key, sha))
        sources.append((entry.app, entry.policy, key))
    return Plan(tuple(jobs.values()), tuple(sources))
