"""A lone native library: ELF .so, Mach-O (thin or fat), or a static library (ar archive)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from scanner.extract.archive import Limits, ZipReader
from scanner.extract.formats.interface import AppReader, ExtractedApp
from scanner.extract.native import read_native
from scanner.model import AppIdentity, AppInventory, AppKind

NATIVE_MAGIC = (b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
"""ELF; Mach-O fat, 64-bit and 32-bit (little-endian)."""
AR_MAGIC = b"!<arch>\n"


class NativeReader(AppReader):
    name = AppKind.NATIVE.value
    suffixes = (".so", ".a")

    def recognises(self, path: Path, head: bytes, zip_names: Collection[str] | None) -> bool:
        return head[:4] in NATIVE_MAGIC or head[:8] == AR_MAGIC

    def read(
        self, path: Path, limits: Limits, keep_code: bool, container: ZipReader | None = None
    ) -> ExtractedApp:
        lib = read_native(path.name, path.read_bytes())
        # extract_app fills in the digest it computes beside the reading.
        identity = AppIdentity(kind=AppKind.NATIVE, path=str(path), sha256="", size=0)
        inventory = AppInventory(
            identity=identity,
            permissions=(),
            components=(),
            meta_data=(),
            queries=(),
            native_libraries=(lib,),
            code_units=(),
            class_names=(),
            assets=(),
            warnings=(f"{lib.path}: {lib.error}",) if lib.error else (),
        )
        return ExtractedApp(inventory, ())
