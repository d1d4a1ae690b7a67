"""The parsed SDK catalogue cache (scanner/signatures/cache.py): a current cache is used, and a
stale, corrupt or unwritable one never changes what a scan reads nor makes it fail."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from scanner.resources import data_dir
from scanner.signatures import cache as catalogue_cache
from scanner.signatures import catalog

SOME_SDKS = ("alipay.json", "umeng-analytics.json", "jpush.json")


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three real SDK files in a folder of their own, and an empty cache home."""
    folder = tmp_path / "sdks"
    folder.mkdir()
    for name in SOME_SDKS:
        shutil.copy(data_dir("signatures") / "sdks" / name, folder / name)
    monkeypatch.setattr(catalog, "_sdk_folder", lambda: folder)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return folder


def _cache_file(folder: Path) -> Path:
    home = catalogue_cache.cache_folder()
    assert home is not None
    return catalogue_cache.cache_path(home, folder)


def _names(sigs: tuple[catalog.SdkSignature, ...]) -> list[str]:
    return [s.name for s in sigs]


def test_the_cache_is_written_once_and_then_read(catalogue: Path) -> None:
    from_files = catalog.read_builtin_sdks(use_cache=False)
    assert len(from_files) == len(SOME_SDKS)
    assert not _cache_file(catalogue).exists()
    assert catalog.read_builtin_sdks() == from_files  # a miss: read the files, write the cache
    cached = json.loads(_cache_file(catalogue).read_text(encoding="utf-8"))
    assert cached["format"] == catalogue_cache.CACHE_FORMAT
    assert len(cached["sdks"]) == len(SOME_SDKS)
    # Proof that the next run reads the cache and not the files: a name changed in the cache
    # only (key untouched) comes back.
    cached["sdks"][0]["name"] = "Only In The Cache"
    _cache_file(catalogue).write_text(json.dumps(cached), encoding="utf-8")
    assert _names(catalog.read_builtin_sdks())[0] == "Only In The Cache"


def test_an_edited_signature_file_makes_the_cache_stale(catalogue: Path) -> None:
    catalog.read_builtin_sdks()
    old_key = json.loads(_cache_file(catalogue).read_text(encoding="utf-8"))["key"]
    path = catalogue / SOME_SDKS[1]
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["name"] = "Renamed SDK"
    path.write_text(json.dumps(doc), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "Renamed SDK" in _names(catalog.read_builtin_sdks())
    rebuilt = json.loads(_cache_file(catalogue).read_text(encoding="utf-8"))
    assert rebuilt["key"] != old_key
    assert "Renamed SDK" in [d["name"] for d in rebuilt["sdks"]]


def test_an_added_or_removed_file_makes_the_cache_stale(catalogue: Path) -> None:
    assert len(catalog.read_builtin_sdks()) == 3
    (catalogue / SOME_SDKS[0]).unlink()
    assert len(catalog.read_builtin_sdks()) == 2
    shutil.copy(data_dir("signatures") / "sdks" / "bugly.json", catalogue / "bugly.json")
    assert "bugly" in [s.id for s in catalog.read_builtin_sdks()]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not json",
        b"[1, 2, 3]",
        b'{"format": 1}',
        b'{"format": 999, "key": "x", "sdks": []}',
    ],
    ids=["empty", "not-json", "a-list", "no-key", "other-format"],
)
def test_a_corrupt_cache_is_ignored_and_rewritten(catalogue: Path, content: bytes) -> None:
    expected = catalog.read_builtin_sdks(use_cache=False)
    where = _cache_file(catalogue)
    where.parent.mkdir(parents=True)
    where.write_bytes(content)
    assert catalog.read_builtin_sdks() == expected
    assert json.loads(where.read_text(encoding="utf-8"))["format"] == catalogue_cache.CACHE_FORMAT


def test_a_current_key_over_documents_that_do_not_convert_falls_back_to_the_files(
    catalogue: Path,
) -> None:
    expected = catalog.read_builtin_sdks()
    where = _cache_file(catalogue)
    cached = json.loads(where.read_text(encoding="utf-8"))
    cached["sdks"] = [{"id": "no-detection-block"}] * len(SOME_SDKS)
    where.write_text(json.dumps(cached), encoding="utf-8")
    assert catalog.read_builtin_sdks() == expected


def test_an_unwritable_cache_folder_changes_nothing(
    catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A regular file where the cache folder should be: mkdir fails even for root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    expected = catalog.read_builtin_sdks(use_cache=False)
    assert catalog.read_builtin_sdks() == expected
    assert catalog.read_builtin_sdks() == expected
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_bad_signature_file_is_still_reported_by_name(catalogue: Path) -> None:
    (catalogue / SOME_SDKS[2]).write_text('{"id": "jpush"}', encoding="utf-8")
    with pytest.raises(catalog.SignatureError, match=SOME_SDKS[2]):
        catalog.read_builtin_sdks()
    assert not _cache_file(catalogue).exists()


def test_the_bundled_catalogue_reads_the_same_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from_files = catalog.read_builtin_sdks(use_cache=False)
    assert catalog.read_builtin_sdks() == from_files  # written
    assert catalog.read_builtin_sdks() == from_files  # read back
    assert len(from_files) > 500
