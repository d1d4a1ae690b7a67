"""Pieces every reader shares: hashing the file, native libraries inside an archive, the
inventory record."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from scanner.errors import AppInputError, LimitExceeded
from scanner.extract.archive import ZipReader
from scanner.extract.manifest import ManifestFacts
from scanner.extract.native import abi_of, read_native
from scanner.limits import MAX_ASSETS_LISTED
from scanner.model import AppIdentity, AppInventory, AppKind, CodeUnit, NativeLibrary

ROOT_DEX = re.compile(r"^classes\d*\.dex$")
_PREFERRED_ABIS = ("arm64-v8a", "armeabi-v7a", "armeabi", "x86_64", "x86")


def sha256_and_size(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def regular_files(root: Path) -> Iterator[Path]:
    """Every regular file under a folder app, folders and names sorted; symlinks are skipped
    (a link could point anywhere on the machine) and never followed."""
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        here = Path(folder)
        for name in sorted(names):
            full = here / name
            if not full.is_symlink() and full.is_file():
                yield full


def folder_sha256_and_size(root: Path, max_files: int) -> tuple[str, int]:
    """One digest for a folder app (an unpacked .app, an .xcarchive): SHA-256 over each regular
    file's relative path, size and SHA-256, in sorted order, so the same tree gives the same
    identity wherever it is copied (a batch keys results by it). The files are those the reader
    reads (`regular_files`); past `max_files` the reader refuses the folder anyway."""
    digest = hashlib.sha256(b"privacy-scan folder v1\n")
    total = 0
    for file in sorted(islice(regular_files(root), max_files)):
        sha, size = sha256_and_size(file)
        total += size
        digest.update(f"{file.relative_to(root).as_posix()}\0{size}\0{sha}\n".encode())
    return digest.hexdigest(), total


def natives_in(
    zf: ZipReader, pattern: re.Pattern[str], warnings: list[str]
) -> tuple[NativeLibrary, ...]:
    """Read every native library; each distinct file name is parsed once (one ABI is enough)."""
    paths = [n for n in zf.names() if pattern.match(n)]
    by_name: dict[str, list[str]] = {}
    for p in paths:
        by_name.setdefault(p.rsplit("/", 1)[-1], []).append(p)
    out: list[NativeLibrary] = []
    for name, group in by_name.items():
        group.sort(
            key=lambda p: next((i for i, abi in enumerate(_PREFERRED_ABIS) if f"/{abi}/" in p), 99)
        )
        try:
            parsed = read_native(group[0], zf.read(group[0]))
        except LimitExceeded:
            raise
        except AppInputError as exc:
            warnings.append(str(exc.message))
            continue
        if parsed.error:
            warnings.append(f"{parsed.path}: {parsed.error}")
        out.append(parsed)
        for other in group[1:]:
            out.append(
                NativeLibrary(
                    path=other,
                    name=name,
                    abi=abi_of(other),
                    size=zf.size_of(other),
                    format=parsed.format,
                    jni_classes=parsed.jni_classes,
                    needed=parsed.needed,
                    objc_classes=parsed.objc_classes,
                    error=parsed.error,
                )
            )
    return tuple(sorted(out, key=lambda lib: lib.path))


def assets_in(zf: ZipReader, prefix: str) -> tuple[str, ...]:
    return tuple(n for n in zf.names() if n.startswith(prefix) and not n.endswith("/"))[
        :MAX_ASSETS_LISTED
    ]


def check_code_size(zf: ZipReader, kept: int) -> None:
    """Refuse an app whose code kept for the call-site scan exceeds Limits.max_code_bytes."""
    if kept > zf.limits.max_code_bytes:
        raise LimitExceeded(
            zf.path, f"code files inflate past {zf.limits.max_code_bytes} bytes in all"
        )


def inventory(
    path: Path,
    kind: AppKind,
    facts: ManifestFacts | None,
    natives: tuple[NativeLibrary, ...],
    units: list[CodeUnit],
    classes: set[str],
    assets: tuple[str, ...],
    warnings: list[str],
) -> AppInventory:
    identity = AppIdentity(
        kind=kind,
        path=str(path),
        sha256="",  # extract_app fills in the digest it computes beside the reading
        size=0,
        package=facts.package if facts else None,
        version_name=facts.version_name if facts else None,
        version_code=facts.version_code if facts else None,
        min_sdk=facts.min_sdk if facts else None,
        target_sdk=facts.target_sdk if facts else None,
        label=facts.label if facts else None,
        application_class=facts.application_class if facts else None,
    )
    return AppInventory(
        identity=identity,
        permissions=facts.permissions if facts else (),
        components=facts.components if facts else (),
        meta_data=facts.meta_data if facts else (),
        queries=facts.queries if facts else (),
        native_libraries=natives,
        code_units=tuple(units),
        class_names=tuple(sorted(classes)),
        assets=assets,
        warnings=tuple(warnings),
    )
