"""The library catalogue (`signatures/libraries/<id>.json`): open-source and platform code an app
embeds (AndroidX, Kotlin, OkHttp, Glide...) and an index that names the library owning a class.

A call site in library code is not the app's own behaviour: the library acts only when the app
asks. Detection uses `LibraryIndex.owner_of` to give such call sites an owner, and a library's
`collects` (almost always empty) to say what it gathers by itself.

Kept apart from `catalog` (the SDK loader) on purpose: libraries and SDKs answer different
questions (does it process personal data for a vendor?) and have different schemas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from scanner.errors import SignatureError
from scanner.resources import data_dir
from scanner.signatures import catalog

SCHEMA_NAME = "library"


class LibraryKind(Enum):
    """What a library is for. Mirrors the `kind` enum of library.schema.json (a test checks)."""

    PLATFORM_SUPPORT = "platform-support"
    UI = "ui"
    NETWORKING = "networking"
    IMAGE = "image"
    SERIALIZATION = "serialization"
    LANGUAGE_RUNTIME = "language-runtime"
    CONCURRENCY = "concurrency"
    FRAMEWORK = "framework"
    MEDIA = "media"
    CRYPTO = "crypto"
    DATABASE = "database"
    DEPENDENCY_INJECTION = "dependency-injection"
    LOGGING = "logging"
    TESTING = "testing"
    UTILITY = "utility"


@dataclass(frozen=True)
class DesignCapability:
    """A capability whose framework APIs the library calls only on the app's behalf."""

    capability: str
    classes: tuple[str, ...]
    """Classes of the library whose code path exercises it."""
    reason: str


@dataclass(frozen=True)
class MethodFacts:
    """What one method body refers to, in the terms a `CodeShape` speaks."""

    calls: frozenset[str]
    """Invoked methods as dotted 'class.method' (nested classes with '$')."""
    constants: frozenset[str]
    """Strings loaded by const-string."""


@dataclass(frozen=True)
class CodeShape:
    """How to recognise a known library code path after R8 renamed its classes.

    Platform API names and string constants survive renaming; a class matches when one of its
    methods invokes every API in `calls`, the class loads every string in `constants`, and some
    method of the class invokes every API in `class_calls`."""

    id: str
    capability: str
    calls: tuple[str, ...]
    """Dotted 'android.location.LocationManager.getLastKnownLocation' (class + method name)."""
    constants: tuple[str, ...]
    class_calls: tuple[str, ...]
    reason: str

    def matches(self, methods: Iterable[MethodFacts]) -> bool:
        """True when the methods of one class have this shape."""
        bodies = tuple(methods)
        calls, class_calls = set(self.calls), set(self.class_calls)
        if not any(calls <= m.calls for m in bodies):
            return False
        if class_calls and not any(class_calls <= m.calls for m in bodies):
            return False
        loaded: set[str] = set()
        for m in bodies:
            loaded |= m.constants
        return set(self.constants) <= loaded


@dataclass(frozen=True)
class LibrarySignature:
    """One library as described by a `signatures/libraries/<id>.json` file."""

    id: str
    name: str
    maintainer: str
    kind: LibraryKind
    packages: tuple[str, ...]
    exclude_packages: tuple[str, ...]
    collects: tuple[str, ...]
    """Capability ids the library is documented to collect by itself; usually empty."""
    capabilities_by_design: tuple[DesignCapability, ...]
    shapes: tuple[CodeShape, ...]
    sources: tuple[str, ...]
    positive_examples: tuple[str, ...]
    negative_examples: tuple[str, ...]


def library_folder() -> Path:
    """Where the bundled library files live."""
    return data_dir("signatures") / "libraries"


def _library_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or library_folder()).glob("*.json"))


@cache
def library_schema() -> dict[str, Any]:
    """The JSON Schema of a library file."""
    return catalog.schema(SCHEMA_NAME)


def _schema_problems(doc: Any, path: Path) -> list[str]:
    return catalog.schema_problems(doc, SCHEMA_NAME, path)


def library_from_doc(doc: dict[str, Any]) -> LibrarySignature:
    """Build a signature from a document that passed the schema."""
    examples = doc["examples"]
    return LibrarySignature(
        id=doc["id"],
        name=doc["name"],
        maintainer=doc["maintainer"],
        kind=LibraryKind(doc["kind"]),
        packages=tuple(doc["packages"]),
        exclude_packages=tuple(doc.get("exclude_packages", ())),
        collects=tuple(doc["collects"]),
        capabilities_by_design=tuple(
            DesignCapability(
                capability=c["capability"], classes=tuple(c["classes"]), reason=c["reason"]
            )
            for c in doc.get("capabilities_by_design", ())
        ),
        shapes=tuple(
            CodeShape(
                id=s["id"],
                capability=s["capability"],
                calls=tuple(s["calls"]),
                constants=tuple(s.get("constants", ())),
                class_calls=tuple(s.get("class_calls", ())),
                reason=s["reason"],
            )
            for s in doc.get("shapes", ())
        ),
        sources=tuple(doc["sources"]),
        positive_examples=tuple(examples["positive"]),
        negative_examples=tuple(examples["negative"]),
    )


def _capability_ids() -> set[str]:
    return {p.stem for p in (data_dir("signatures") / "capabilities").glob("*.json")}


def _inside(package: str, prefix: str) -> bool:
    """True when `package` equals `prefix` or is one of its sub-packages."""
    return package == prefix or package.startswith(prefix + ".")


def _semantic_problems(lib: LibrarySignature, path: Path, capability_ids: set[str]) -> list[str]:
    problems: list[str] = []
    if lib.id != path.stem:
        problems.append(f"{path.name}: id {lib.id!r} does not match the file name")
    for excluded in lib.exclude_packages:
        if not any(_inside(excluded, p) and excluded != p for p in lib.packages):
            problems.append(f"{path.name}: exclude_packages {excluded!r} is inside no package")
    used = list(lib.collects)
    used += [c.capability for c in lib.capabilities_by_design]
    used += [s.capability for s in lib.shapes]
    problems += [
        f"{path.name}: unknown capability {cap!r}" for cap in used if cap not in capability_ids
    ]
    shape_ids = [s.id for s in lib.shapes]
    problems += [
        f"{path.name}: shape id {sid!r} used twice"
        for sid in sorted(set(shape_ids))
        if shape_ids.count(sid) > 1
    ]
    return problems


def validate_libraries(folder: Path | None = None) -> list[str]:
    """Every problem in every library file of `folder` (default: the bundled ones): schema, ids,
    capabilities, exclusions, prefixes claimed twice. Empty when all are valid."""
    problems: list[str] = []
    capability_ids = _capability_ids()
    seen_ids: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for path in _library_files(folder):
        try:
            doc = catalog.load_json(path)
        except SignatureError as exc:
            problems.append(str(exc))
            continue
        schema_problems = _schema_problems(doc, path)
        if schema_problems:
            problems += schema_problems
            continue
        lib = library_from_doc(doc)
        problems += _semantic_problems(lib, path, capability_ids)
        if lib.id in seen_ids:
            problems.append(f"{path.name}: id {lib.id!r} also used by {seen_ids[lib.id]}")
        seen_ids[lib.id] = path.name
        for prefix in lib.packages:
            if prefix in claimed:
                problems.append(
                    f"{path.name}: package {prefix!r} also claimed by {claimed[prefix]}"
                )
            claimed[prefix] = path.name
    return problems


@cache
def builtin_libraries() -> tuple[LibrarySignature, ...]:
    """All bundled library signatures, in file-name order (validated by `validate_libraries`)."""
    return tuple(catalog.built_in(path, SCHEMA_NAME, library_from_doc) for path in _library_files())


_EXCLUDED = ""
"""Marker in the prefix table: this prefix belongs to nobody in the catalogue."""


class LibraryIndex:
    """Names the library that owns a class by its most specific package prefix.

    A class `a.b.c.D` is looked up at `a.b.c`, `a.b`, `a` in that order; the first prefix that a
    library claims (or excludes) decides. Results are memoised per package, since an app has
    far fewer packages than classes.
    """

    def __init__(self, libraries: Iterable[LibrarySignature], reserved: Sequence[str] = ()) -> None:
        """`reserved` are prefixes owned elsewhere (e.g. every built-in SDK package): a class
        under one of them, and under no longer library prefix, belongs to no library."""
        self.libraries = tuple(libraries)
        self._prefixes: dict[str, str] = dict.fromkeys(reserved, _EXCLUDED)
        for lib in self.libraries:
            for excluded in lib.exclude_packages:
                self._prefixes[excluded] = _EXCLUDED
        for lib in self.libraries:
            for prefix in lib.packages:
                self._prefixes[prefix] = lib.id
        self._by_package: dict[str, str | None] = {}

    def by_id(self) -> dict[str, LibrarySignature]:
        """The indexed libraries by id."""
        return {lib.id: lib for lib in self.libraries}

    def owner_of_package(self, package: str) -> str | None:
        """Library id owning a dotted package (and the classes directly in it), or None."""
        if package in self._by_package:
            return self._by_package[package]
        owner: str | None = None
        prefixes = self._prefixes
        candidate = package
        while candidate:
            hit = prefixes.get(candidate)
            if hit is not None:
                owner = hit or None
                break
            cut = candidate.rfind(".")
            candidate = candidate[:cut] if cut > 0 else ""
        self._by_package[package] = owner
        return owner

    def owner_of(self, class_name: str) -> str | None:
        """Library id owning a dotted class name (nested classes with '$'), or None for the
        app's own, an SDK's, or obfuscated code."""
        cut = class_name.rfind(".")
        if cut <= 0:
            return None  # a class in the default package: R8 output or the app's own
        return self.owner_of_package(class_name[:cut])
