"""One table for every `scan` setting: its command-line option, its configuration key, its default.

Settings come from the command line, else from `[tool.privacy-scan]` in pyproject.toml or a
`.privacy-scan.toml` file in the current folder, else from the defaults below. The CLI builds its
options from `SCAN_OPTIONS`, the configuration file accepts exactly the keys of that table (with
'_' or '-'), and `resolve()` turns both into one frozen `Settings`. Adding a setting is one row
here and one field of `Settings`; an output format brings its own option through `OutputFormat`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from scanner.errors import ScanError
from scanner.limits import DEFAULT_TIMEOUT
from scanner.report.formats import FORMAT_HELP, OutputFormat
from scanner.severity import DEFAULT_FAIL_ON, Severity


class Kind(StrEnum):
    """How a setting's value is read and checked."""

    FLAG = "flag"
    TEXT = "text"
    """A file path or an http(s) URL (the policy): a path is relative to the config file."""
    PATH = "path"
    PATHS = "paths"
    SEVERITY = "severity"
    JOBS = "jobs"
    SECONDS = "seconds"


@dataclass(frozen=True)
class Option:
    """One row of the settings table."""

    key: str
    """Configuration key and `Settings` field name."""
    flag: str
    """The long command-line option."""
    kind: Kind
    help: str
    in_config: bool = True
    """False for settings that only make sense for one run (write a baseline, compare to)."""


SCAN_OPTIONS: tuple[Option, ...] = (
    Option(
        "policy",
        "--policy",
        Kind.TEXT,
        "The app's privacy policy (file or http(s) URL) to cross-check against.",
    ),
    *(Option(fmt.value, f"--{fmt.value}", Kind.PATH, FORMAT_HELP[fmt]) for fmt in OutputFormat),
    Option(
        "fail_on",
        "--fail-on",
        Kind.SEVERITY,
        "Exit 1 when a finding at or above this severity remains (default: high).",
    ),
    Option("exit_zero", "--exit-zero", Kind.FLAG, "Always exit 0 when the scan itself worked."),
    Option(
        "baseline",
        "--baseline",
        Kind.PATH,
        "Accepted findings (with justifications) to leave out of the gate.",
    ),
    Option(
        "write_baseline",
        "--write-baseline",
        Kind.PATH,
        "Write every current finding to a baseline file, to be justified and committed.",
        in_config=False,
    ),
    Option(
        "compare_to",
        "--compare-to",
        Kind.PATH,
        "A previous release's --json result: list what this release adds.",
        in_config=False,
    ),
    Option(
        "signatures",
        "--signatures",
        Kind.PATHS,
        "Add SDK signatures from an εxodus-format tracker JSON (repeatable).",
    ),
    Option("no_code", "--no-code", Kind.FLAG, "Skip the call-site analysis of dex / class files."),
    Option(
        "jobs",
        "--jobs",
        Kind.JOBS,
        "Processes for the code analysis (default: up to 2 for an app with several large dex "
        "files, when the machine has the cores).",
    ),
    Option(
        "timeout",
        "--timeout",
        Kind.SECONDS,
        f"Time budget per app in seconds (default {DEFAULT_TIMEOUT:g}).",
    ),
)

CONFIG_KEYS = frozenset(o.key for o in SCAN_OPTIONS if o.in_config)
CONFIG_FILES = (".privacy-scan.toml", "pyproject.toml")


@dataclass(frozen=True)
class Settings:
    """Everything a `scan` run needs to know, resolved and checked."""

    policy: str | None = None
    outputs: tuple[tuple[OutputFormat, Path], ...] = ()
    fail_on: Severity = DEFAULT_FAIL_ON
    exit_zero: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    compare_to: Path | None = None
    signatures: tuple[Path, ...] = ()
    no_code: bool = False
    jobs: int | None = None
    """None: decided per app (see scanner.detect.callsites.auto_jobs)."""
    timeout: float = DEFAULT_TIMEOUT


class ConfigError(ScanError):
    """The configuration file is unreadable or has an unknown or invalid setting."""


def load_config(folder: Path) -> tuple[dict[str, Any], Path | None]:
    """The settings and the file they came from (.privacy-scan.toml first, then pyproject)."""
    for name in CONFIG_FILES:
        path = folder / name
        if not path.is_file():
            continue
        import tomllib  # only when a configuration file is there to read

        try:
            doc: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(path, f"cannot read configuration ({exc})") from exc
        if name == "pyproject.toml":
            doc = doc.get("tool", {}).get("privacy-scan", {})
            if not doc:
                continue
        settings = {k.replace("-", "_"): v for k, v in doc.items()}
        unknown = sorted(set(settings) - CONFIG_KEYS)
        if unknown:
            raise ConfigError(path, f"unknown setting(s): {', '.join(unknown)}")
        return settings, path
    return {}, None


def _from_config(option: Option, value: Any, path: Path) -> Any:
    """Check a configuration value against its row; paths are relative to the config file."""

    def bad(expected: str) -> ConfigError:
        return ConfigError(path, f"setting {option.key} must be {expected}, not {value!r}")

    base = path.parent
    match option.kind:
        case Kind.FLAG:
            if not isinstance(value, bool):
                raise bad("true or false")
            return value
        case Kind.TEXT | Kind.PATH:
            if not isinstance(value, str) or not value:
                raise bad("a path")
            if option.kind is Kind.TEXT and "://" in value:
                return value
            return str(base / value) if option.kind is Kind.TEXT else base / value
        case Kind.PATHS:
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(p, str) and p for p in items):
                raise bad("a path or a list of paths")
            return tuple(base / p for p in items)
        case Kind.SEVERITY:
            if value not in tuple(Severity):
                raise bad("one of " + ", ".join(Severity))
            return Severity(value)
        case Kind.JOBS:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 64:
                raise bad("a whole number from 1 to 64")
            return value
        case Kind.SECONDS:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0.1:
                raise bad("a number of seconds of at least 0.1")
            return float(value)
    raise AssertionError(option.kind)  # pragma: no cover - every Kind is matched above


def resolve(given: dict[str, Any], folder: Path) -> Settings:
    """Command-line values (None / () / False when not given) over the config file's values."""
    config, path = load_config(folder)
    values: dict[str, Any] = {}
    for option in SCAN_OPTIONS:
        value = given.get(option.key)
        if value not in (None, (), False):
            values[option.key] = value
        elif path is not None and option.key in config:
            values[option.key] = _from_config(option, config[option.key], path)
    outputs = tuple(
        (fmt, Path(values.pop(fmt.value))) for fmt in OutputFormat if fmt.value in values
    )
    if "fail_on" in values:
        values["fail_on"] = Severity(values["fail_on"])
    if "signatures" in values:
        values["signatures"] = tuple(Path(p) for p in values["signatures"])
    for key in ("baseline", "write_baseline", "compare_to"):
        if key in values:
            values[key] = Path(values[key])
    if "policy" in values:
        values["policy"] = str(values["policy"])
    return Settings(outputs=outputs, **values)
