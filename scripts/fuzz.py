"""Coverage-guided fuzzing of the parsers that read attacker-controlled bytes (atheris).

    python scripts/fuzz.py manifest -- -max_total_time=600
    python scripts/fuzz.py dex      -- -max_total_time=600 -rss_limit_mb=3072
    python scripts/fuzz.py policy   -- -max_total_time=600

Targets:
  manifest  AXML bytes -> scanner.extract.manifest.parse_binary_manifest (scanner.extract.axml)
  dex       dex bytes  -> DexFile(data).class_names, then detect.callsites.dex_call_sites
  policy    1 format byte + bytes -> policy.loader.parse_policy -> analyse_policy

Seeds come from the fixture apps (samples/apks/*.apk, samples/policies/) and are written to
.cache/fuzz/<target>/seeds; the growing corpus lives in .cache/fuzz/<target>/corpus and crash
files in .cache/fuzz/<target>/crashes. Expected errors (AppInputError, DexFormatError,
PolicyInputError) are fine; any other exception is a crash: turn it into a regression input
under tests/regressions/<target>/ (tests/test_hostile.py feeds every file found there).

Needs `pip install atheris` (the `fuzz` extra).
"""

from __future__ import annotations

import contextlib
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLICY_FORMATS = ("txt", "md", "html", "pdf")


def _seeds_manifest() -> dict[str, bytes]:
    out = {}
    for apk in sorted((ROOT / "samples" / "apks").glob("*.apk")):
        with zipfile.ZipFile(apk) as zf:
            out[apk.stem] = zf.read("AndroidManifest.xml")
    return out


def _seeds_dex() -> dict[str, bytes]:
    out = {}
    for apk in sorted((ROOT / "samples" / "apks").glob("*.apk")):
        with zipfile.ZipFile(apk) as zf:
            for name in zf.namelist():
                if name.endswith(".dex"):
                    out[f"{apk.stem}-{name}"] = zf.read(name)
    return out


def _seeds_policy() -> dict[str, bytes]:
    out = {}
    policies = ROOT / "samples" / "policies"
    for path in sorted([*policies.glob("*.*"), *policies.glob("corpus/*.*")]):
        suffix = path.suffix.lstrip(".").lower()
        fmt = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
        if fmt in POLICY_FORMATS:
            data = path.read_bytes()[:64_000]
            out[path.name] = bytes([POLICY_FORMATS.index(fmt)]) + data
    return out


SEEDS: dict[str, Callable[[], dict[str, bytes]]] = {
    "manifest": _seeds_manifest,
    "dex": _seeds_dex,
    "policy": _seeds_policy,
}


def _target_manifest() -> Callable[[bytes], None]:
    import scanner.extract.axml  # noqa: F401 - the binary XML reader the target exercises
    from scanner.errors import AppInputError
    from scanner.extract.manifest import parse_binary_manifest

    def run(data: bytes) -> None:
        with contextlib.suppress(AppInputError):
            parse_binary_manifest(data, "fuzz.apk", lambda: None)

    return run


def _target_dex() -> Callable[[bytes], None]:
    from scanner.extract.dex import DexFile, DexFormatError
    from scanner.signatures.catalog import capabilities

    try:
        from scanner.detect.callsites import dex_call_sites
    except ImportError:  # the call-site scanner is optional here
        dex_call_sites = None
    caps = capabilities()

    def run(data: bytes) -> None:
        with contextlib.suppress(DexFormatError):
            _ = DexFile(data).class_names  # a cached property: reading it parses the tables
        if dex_call_sites is not None:
            with contextlib.suppress(DexFormatError):
                dex_call_sites("fuzz.dex", data, caps)

    return run


def _target_policy() -> Callable[[bytes], None]:
    import bs4  # noqa: F401 - imported here so that it is instrumented

    from scanner.errors import PolicyInputError
    from scanner.policy import analyse_policy
    from scanner.policy.loader import parse_policy
    from scanner.policy.sources import RawPolicy

    def run(data: bytes) -> None:
        if not data:
            return
        fmt = POLICY_FORMATS[data[0] % len(POLICY_FORMATS)]
        try:
            doc = parse_policy(RawPolicy(source="fuzz-policy", data=data[1:], format=fmt))
        except PolicyInputError:
            return
        analyse_policy(doc)

    return run


TARGETS: dict[str, Callable[[], Callable[[bytes], None]]] = {
    "manifest": _target_manifest,
    "dex": _target_dex,
    "policy": _target_policy,
}


def write_seeds(target: str) -> Path:
    """Write the seed inputs of `target` to .cache/fuzz/<target>/seeds and return the folder."""
    seeds = ROOT / ".cache" / "fuzz" / target / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS[target]().items():
        (seeds / name).write_bytes(data)
    return seeds


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TARGETS:
        print(f"usage: fuzz.py {{{','.join(TARGETS)}}} [-- libFuzzer options]", file=sys.stderr)
        return 2
    target, rest = argv[0], argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    import atheris

    base = ROOT / ".cache" / "fuzz" / target
    seeds = write_seeds(target)
    corpus = base / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (base / "crashes").mkdir(exist_ok=True)
    with atheris.instrument_imports(include=["scanner", "bs4"]):
        run = TARGETS[target]()
    options = [f"-artifact_prefix={base / 'crashes'}/", "-timeout=20", *rest]
    folders = [str(corpus), str(seeds)]
    atheris.Setup([sys.argv[0], *options, *folders], run)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
