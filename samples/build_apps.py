#!/usr/bin/env python3
"""Rebuild the fixture APKs in ``samples/apks/`` from the decoded trees in ``samples/apps/``.

Each app is an apktool-decoded tree (text ``AndroidManifest.xml``, ``apktool.yml``, ``smali*/``,
``res/``, ``lib/``, ``assets/``). The build copies the tree to a temporary directory, so the
committed sources are never touched, and then:

1. applies an overlay when the app is declared as "base + overlay" (``shopping-demo-v2`` is
   ``shopping-demo`` plus ``shopping-demo-v2-overlay/``): overlay files are copied over the base,
   ``overlay.json`` replaces the version fields of ``apktool.yml``, and the manifest fragments
   ``manifest-permissions.xml`` / ``manifest-application.xml`` are inserted at the
   ``<!-- overlay:permissions -->`` / ``<!-- overlay:application -->`` markers of the base manifest;
2. compiles ``native/<lib>.c`` into ``lib/arm64-v8a/<lib>.so`` when ``aarch64-linux-gnu-gcc`` is on
   PATH (otherwise the committed ``.so`` is used as is), then drops ``native/`` from the copy;
3. runs ``apktool b`` (no signing: the scanner never installs these APKs);
4. rewrites the zip with sorted entries and a fixed timestamp so that rebuilding from the same
   sources with the same tools gives the same bytes.

Usage::

    python samples/build_apps.py                  # all apps into samples/apks/
    python samples/build_apps.py --out /tmp/apks plain-notes label-xss
    python samples/build_apps.py --update-native  # also refresh the committed lib/**/*.so
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
APPS_DIR = SAMPLES / "apps"
DEFAULT_OUT = SAMPLES / "apks"

CROSS_CC = "aarch64-linux-gnu-gcc"
CROSS_STRIP = "aarch64-linux-gnu-strip"
NATIVE_ABI = "arm64-v8a"
# No build id and a 4 KiB page size: small, byte-stable shared objects.
CFLAGS = [
    "-shared",
    "-fPIC",
    "-nostdlib",
    "-O2",
    "-fvisibility=hidden",
    "-Wl,--build-id=none",
    "-Wl,-z,max-page-size=4096",
    "-Wl,--hash-style=both",
]
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

PERMISSIONS_MARKER = "<!-- overlay:permissions -->"
APPLICATION_MARKER = "<!-- overlay:application -->"
OVERLAY_CONTROL_FILES = {"overlay.json", "manifest-permissions.xml", "manifest-application.xml"}


@dataclass(frozen=True)
class AppSpec:
    """One fixture APK: the tree it is built from and an optional overlay on top of it."""

    name: str
    base: str
    overlay: str | None = None


APPS: tuple[AppSpec, ...] = (
    AppSpec("shopping-demo", "shopping-demo"),
    AppSpec("shopping-demo-v2", "shopping-demo", overlay="shopping-demo-v2-overlay"),
    AppSpec("video-demo", "video-demo"),
    AppSpec("plain-notes", "plain-notes"),
    AppSpec("label-xss", "label-xss"),
    AppSpec("traps-demo", "traps-demo"),
)


class BuildError(Exception):
    """A fixture could not be built; the message names the app and the failing step."""


def apply_overlay(tree: Path, overlay: Path) -> None:
    """Merge ``overlay`` into the copied base ``tree`` (see the module docstring)."""
    for src in sorted(overlay.rglob("*")):
        rel = src.relative_to(overlay)
        if src.is_dir() or rel.as_posix() in OVERLAY_CONTROL_FILES:
            continue
        dest = tree / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)

    manifest_path = tree / "AndroidManifest.xml"
    manifest = manifest_path.read_text(encoding="utf-8")
    for fragment_name, marker in (
        ("manifest-permissions.xml", PERMISSIONS_MARKER),
        ("manifest-application.xml", APPLICATION_MARKER),
    ):
        fragment = overlay / fragment_name
        if not fragment.exists():
            continue
        if marker not in manifest:
            raise BuildError(f"{manifest_path}: marker {marker!r} missing for {fragment}")
        manifest = manifest.replace(marker, fragment.read_text(encoding="utf-8").strip())
    manifest_path.write_text(manifest, encoding="utf-8")

    control = overlay / "overlay.json"
    if control.exists():
        fields: dict[str, str] = json.loads(control.read_text(encoding="utf-8"))
        yml_path = tree / "apktool.yml"
        lines = yml_path.read_text(encoding="utf-8").splitlines()
        seen = set()
        for i, line in enumerate(lines):
            key = line.strip().split(":", 1)[0]
            if key in fields and ":" in line:
                indent = line[: len(line) - len(line.lstrip())]
                lines[i] = f"{indent}{key}: '{fields[key]}'"
                seen.add(key)
        missing = set(fields) - seen
        if missing:
            raise BuildError(f"{yml_path}: overlay fields not found: {sorted(missing)}")
        yml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_native(tree: Path, *, update_into: Path | None) -> None:
    """Compile ``native/*.c`` of ``tree`` for arm64 when the cross compiler is available."""
    sources = sorted((tree / "native").glob("*.c"))
    if sources and shutil.which(CROSS_CC) is not None:
        out_dir = tree / "lib" / NATIVE_ABI
        out_dir.mkdir(parents=True, exist_ok=True)
        for source in sources:
            so = out_dir / f"{source.stem}.so"
            run([CROSS_CC, *CFLAGS, f"-Wl,-soname,{so.name}", "-o", str(so), str(source)])
            run([CROSS_STRIP, "--strip-unneeded", str(so)])
            if update_into is not None:
                committed = update_into / "lib" / NATIVE_ABI / so.name
                committed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(so, committed)
    shutil.rmtree(tree / "native", ignore_errors=True)


def normalize_zip(raw: Path, dest: Path) -> None:
    """Copy ``raw`` to ``dest`` with sorted entries, fixed timestamps and no extra fields."""
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(dest, "w") as zout:
        infos = sorted(
            zin.infolist(), key=lambda i: (i.filename != "AndroidManifest.xml", i.filename)
        )
        for info in infos:
            data = zin.read(info.filename)
            out = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            out.compress_type = info.compress_type
            out.external_attr = 0o644 << 16
            out.create_system = 3
            zout.writestr(out, data)


def run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")


def build_app(spec: AppSpec, out_dir: Path, *, apktool: str, update_native: bool = False) -> Path:
    """Build one fixture APK into ``out_dir`` and return its path."""
    with tempfile.TemporaryDirectory(prefix=f"fixture-{spec.name}-") as tmp:
        tree = Path(tmp) / spec.name
        shutil.copytree(APPS_DIR / spec.base, tree)
        if spec.overlay is not None:
            apply_overlay(tree, APPS_DIR / spec.overlay)
        # Only a plain (non-overlay) app writes its fresh .so back into its own tree.
        build_native(tree, update_into=APPS_DIR / spec.base if update_native else None)
        raw = Path(tmp) / f"{spec.name}.raw.apk"
        try:
            run([apktool, "b", str(tree), "-o", str(raw)])
        except BuildError as e:
            raise BuildError(f"{spec.name}: apktool failed: {e}") from e
        out_dir.mkdir(parents=True, exist_ok=True)
        dest = out_dir / f"{spec.name}.apk"
        normalize_zip(raw, dest)
        return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apps", nargs="*", help="names to build (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--apktool", default="apktool", help="apktool executable")
    parser.add_argument(
        "--update-native",
        action="store_true",
        help="copy freshly compiled .so files into the sources",
    )
    args = parser.parse_args(argv)

    known = {spec.name: spec for spec in APPS}
    unknown = [name for name in args.apps if name not in known]
    if unknown:
        parser.error(f"unknown app(s): {', '.join(unknown)}; known: {', '.join(known)}")
    if shutil.which(args.apktool) is None:
        print(f"error: {args.apktool} not found on PATH", file=sys.stderr)
        return 2

    for spec in APPS:
        if args.apps and spec.name not in args.apps:
            continue
        try:
            update = args.update_native and spec.overlay is None
            apk = build_app(spec, args.out, apktool=args.apktool, update_native=update)
        except BuildError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"{apk}  {apk.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
