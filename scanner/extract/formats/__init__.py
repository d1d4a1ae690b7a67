"""Input formats, one module each, behind `AppReader` (interface.py).

`READERS` is tried in order and the first reader that recognises a file reads it, so a more
specific format comes before a more general one: an aar (classes.jar + manifest) before an APK
(dex, or a manifest alone), an APK (which may also hold class files) before a jar. A split-APK
set (APKs inside, no manifest, dex or class files at its root) overlaps none of them, nor does
an app bundle (module folders, no manifest or dex at its root), nor does an iOS app
(Payload/<name>.app/ in a zip; a folder, which only the iOS reader takes).
"""

from __future__ import annotations

from functools import cache

from scanner.extract.formats.aab import AabReader
from scanner.extract.formats.apk import ApkReader
from scanner.extract.formats.interface import AppReader, CodeBytes, CodeBytesFormat, ExtractedApp
from scanner.extract.formats.ios import IosReader
from scanner.extract.formats.jvm import AarReader, JarReader
from scanner.extract.formats.native import NativeReader
from scanner.extract.formats.splits import SplitSetReader

READERS: tuple[AppReader, ...] = (
    AarReader(),
    ApkReader(),
    AabReader(),
    SplitSetReader(),
    IosReader(),
    JarReader(),
    NativeReader(),
)


@cache
def app_suffixes() -> frozenset[str]:
    """File suffixes of every format a reader reads (what a folder scan picks up)."""
    return frozenset(s for reader in READERS for s in reader.suffixes)


__all__ = [
    "READERS",
    "AppReader",
    "CodeBytes",
    "CodeBytesFormat",
    "ExtractedApp",
    "app_suffixes",
]
