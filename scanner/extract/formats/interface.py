"""What every input format provides: a reader that recognises its files and reads them.

A reader decides from the file's first bytes and, for a zip, its entry names, never from the file
name: an APK renamed to .jar is still an APK. Adding a format (AAB, IPA) means adding one module
with an `AppReader` subclass and listing it in `scanner.extract.formats.READERS`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from scanner.extract.archive import Limits, ZipReader
from scanner.model import AppInventory


class CodeBytesFormat(StrEnum):
    DEX = "dex"
    CLASS = "class"
    """One JVM class file (from a jar, or a jar inside an aar)."""


@dataclass(frozen=True)
class CodeBytes:
    """The raw bytes of one file of code, kept for the call-site scan.

    Not the same as `scanner.model.CodeUnit`, which only summarises a code container for the
    inventory: a jar is one `CodeUnit` but one `CodeBytes` per class file inside it.
    """

    name: str
    """classes2.dex, or lib.jar!/com/foo/Bar.class"""
    format: CodeBytesFormat
    data: bytes


@dataclass(frozen=True)
class ExtractedApp:
    inventory: AppInventory
    code: tuple[CodeBytes, ...]
    """Dex files (APK) or class files (jar / aar); empty unless keep_code=True."""


class AppReader(ABC):
    """One input format."""

    name: str
    """Short name, as `AppIdentity.kind` spells it (apk, jar, aar, native)."""
    suffixes: tuple[str, ...]
    """File name suffixes a folder scan picks up for this format (lower case, with the dot)."""

    @abstractmethod
    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        """True when this reader reads the file: `head` is its first bytes, `zip_names` its
        entry names when it is a zip archive (None otherwise)."""

    @abstractmethod
    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        """Read the file into an inventory. Raises AppInputError (exit code 2) on bad input and
        LimitExceeded when it inflates past `limits`. `container` is the file already opened as
        a zip (by `extract_app`, which looked at its entry names): a zip reader reads through
        it instead of parsing the central directory again; the caller closes it."""
