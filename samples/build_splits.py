"""Build the split-APK set fixtures from the committed shopping demo.

    python samples/build_splits.py          # writes samples/apks/shopping-demo.apks and .xapk

The demo APK is cut as bundletool cuts an app bundle: the base keeps the manifest, resources and
dex files; a config split holds `lib/arm64-v8a/*.so` behind a minimal binary manifest carrying
`split="config.arm64_v8a"` (written by tests/axml_writer.py). Both sets hold the same two APKs:
`.apks` as `splits/base-master.apk` + `splits/base-arm64_v8a.apk` + `toc.pb`, `.xapk` as
`<package>.apk` + `config.arm64_v8a.apk` + `manifest.json`. Bytes are reproducible: fixed
timestamps, entries sorted, so a rebuild leaves git clean.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from axml_writer import Element, build_axml  # noqa: E402

__all__ = ["Element", "build", "build_axml", "split_demo", "zip_bytes"]

from scanner.extract.manifest import parse_binary_manifest  # noqa: E402

APKS = REPO / "samples" / "apks"
SOURCE = APKS / "shopping-demo.apk"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
CONFIG_SPLIT = "config.arm64_v8a"


def zip_bytes(entries: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name])
    return buffer.getvalue()


def config_manifest(package: str, version_code: str) -> bytes:
    return build_axml(
        Element(
            "manifest",
            [
                ("package", package),
                ("android:versionCode", (0x10, int(version_code))),
                ("split", CONFIG_SPLIT),
                ("configForSplit", ""),
            ],
            [Element("application", [("android:hasCode", (0x12, 0))])],
        )
    )


def split_demo(source: Path = SOURCE) -> tuple[str, str, bytes, bytes]:
    """(package, version code, base APK, config split APK) cut from `source`."""
    with zipfile.ZipFile(source) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    facts = parse_binary_manifest(entries["AndroidManifest.xml"], str(source))
    assert facts.package and facts.version_code, "the demo manifest names its package"
    libs = {n: b for n, b in entries.items() if n.startswith("lib/")}
    base = {n: b for n, b in entries.items() if n not in libs}
    config = {"AndroidManifest.xml": config_manifest(facts.package, facts.version_code), **libs}
    return facts.package, facts.version_code, zip_bytes(base), zip_bytes(config)


def build(out: Path = APKS) -> list[Path]:
    package, version_code, base, config = split_demo()
    apks = out / "shopping-demo.apks"
    # An empty toc.pb is a valid (empty) BuildApksResult message; nothing reads it.
    apks.write_bytes(
        zip_bytes(
            {
                "splits/base-master.apk": base,
                "splits/base-arm64_v8a.apk": config,
                "toc.pb": b"",
            },
            zipfile.ZIP_STORED,
        )
    )
    manifest = {
        "xapk_version": 2,
        "package_name": package,
        "version_code": version_code,
        "split_apks": [
            {"file": f"{package}.apk", "id": "base"},
            {"file": f"{CONFIG_SPLIT}.apk", "id": CONFIG_SPLIT},
        ],
    }
    xapk = out / "shopping-demo.xapk"
    xapk.write_bytes(
        zip_bytes(
            {
                f"{package}.apk": base,
                f"{CONFIG_SPLIT}.apk": config,
                "manifest.json": json.dumps(manifest, indent=2, sort_keys=True).encode(),
            },
            zipfile.ZIP_STORED,
        )
    )
    return [apks, xapk]


if __name__ == "__main__":
    for path in build():
        print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size} bytes)")
