"""What the zip-based readers look at to recognise their archives."""

from __future__ import annotations

from collections.abc import Collection

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
"""A local file header, or the end-of-central-directory record of an empty archive."""


def has_class_files(zip_names: Collection[str]) -> bool:
    return any(n.endswith(".class") for n in zip_names)
