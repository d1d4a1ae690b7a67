"""Whose code a call site sits in: an SDK, a library, the app, or nobody we can name.

Order of precedence, by the caller's class name first:

1. SDK: the most specific SDK package (or component pattern) that holds the class;
2. library: the most specific library package (`signatures.libraries.LibraryIndex`), with
   every SDK prefix reserved so a library never takes an SDK's class;
3. app: a class under the app's own package (its obfuscated code included), or in any readable
   package that no SDK or library claims;
4. unknown: a minified name (see `is_minified`) outside the app's package and every known one.

An unknown class may still be library code renamed by R8: the library `shapes` recognise such a
class by the framework calls and string constants of its methods, which renaming keeps. A shape
match makes the owner that library. Shapes are only tried on unknown classes: a name-based owner
is better evidence than a shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from scanner.detect.sdks import SdkIndex
from scanner.extract import CodeBytes
from scanner.extract.classfile import ClassFile, ClassFormatError
from scanner.extract.dex import DexCode, DexFormatError
from scanner.model import CallSiteUse, OwnerKind
from scanner.signatures.libraries import CodeShape, LibraryIndex, LibrarySignature, MethodFacts

MAX_MINIFIED_SEGMENT = 2
"""R8 and ProGuard name packages and classes a, b, ..., aa, ab: two letters cover 702 names per
package. A readable package segment is practically never this short *everywhere* in a name."""

MAX_MINIFIED_DEFAULT_PACKAGE_NAME = 3
"""With -repackageclasses '' every class lands in the default package, and big apps run past
702 classes there (aaa, aab...)."""


def is_minified(class_name: str) -> bool:
    """True when a dotted class name looks renamed by a minifier.

    The rule, on the outer class (the simple name up to its first '$'):
    - in the default package, a simple name of at most 3 characters (`a`, `zz`, `aab`);
    - a single-character top-level package (`e.n`, `a.b.Foo`): no readable package is one
      letter at its top level (reverse domain names start with a TLD or a word);
    - every package segment and the simple name at most 2 characters (`ab.c.d`).
    A readable name such as `io.ab.Client` or `me.App` is not minified.
    """
    if class_name.find(".") > MAX_MINIFIED_SEGMENT:
        return False  # a top-level package of three characters or more is readable
    *packages, simple = class_name.split(".")
    simple = simple.split("$", 1)[0]
    parts = [*packages, simple]
    if not all(parts):
        return False
    if not packages:
        return len(simple) <= MAX_MINIFIED_DEFAULT_PACKAGE_NAME
    if len(packages[0]) == 1:
        return True
    return all(len(p) <= MAX_MINIFIED_SEGMENT for p in parts)


@dataclass(frozen=True)
class Owner:
    """Who owns a class."""

    kind: OwnerKind
    sdk: str | None = None
    library: str | None = None


def _inside(class_name: str, package: str) -> bool:
    return bool(package) and class_name.startswith(package + ".")


class OwnerIndex:
    """Names the owner of a class by its name, memoised per class."""

    def __init__(
        self,
        sdk_index: SdkIndex,
        libraries: Sequence[LibrarySignature],
        app_package: str | None,
        library_index: LibraryIndex | None = None,
    ) -> None:
        """`library_index`, when the caller has one, is the library catalogue with the SDK
        prefixes reserved (`detect.library_index_for`): built from `libraries` otherwise."""
        self.sdk_index = sdk_index
        if library_index is None:
            reserved = [p for sig in sdk_index.signatures for p in sig.packages]
            library_index = LibraryIndex(libraries, reserved=reserved)
        self.library_index = library_index
        self.app_package = app_package or ""
        self._cache: dict[str, Owner] = {}

    def owner_of(self, class_name: str) -> Owner:
        """The name-based owner of a dotted class."""
        hit = self._cache.get(class_name)
        if hit is None:
            hit = self._cache[class_name] = self._resolve(class_name)
        return hit

    def _resolve(self, class_name: str) -> Owner:
        sdk = self.sdk_index.owner_of_class(class_name)
        if sdk is not None:
            return Owner(OwnerKind.SDK, sdk=sdk)
        library = self.library_index.owner_of(class_name)
        if library is not None:
            return Owner(OwnerKind.LIBRARY, library=library)
        if _inside(class_name, self.app_package) or not is_minified(class_name):
            return Owner(OwnerKind.APP)
        return Owner(OwnerKind.UNKNOWN)


# --------------------------------------------------------------------------- shapes


def _shapes(libraries: Iterable[LibrarySignature]) -> list[tuple[str, CodeShape]]:
    return [(lib.id, shape) for lib in libraries for shape in lib.shapes]


def shape_terms(
    dex: DexCode, apis: Iterable[str], constants: Iterable[str]
) -> tuple[dict[int, str], dict[int, str]]:
    """The method ids of the given APIs ('class.method', dotted) and the string ids of the given
    constants that this dex holds, each mapped back to its name: what shapes are matched on."""
    method_names: dict[int, str] = {}
    for api in apis:
        class_name, method = api.rsplit(".", 1)
        type_idx = dex.type_index("L" + class_name.replace(".", "/") + ";")
        if type_idx is None:
            continue
        for idx in dex.methods_of_class(type_idx):
            if dex.method_name(idx) == method:
                method_names[idx] = api
    strings = {i: s for s in constants if (i := dex.string_index(s)) is not None}
    return method_names, strings


def dex_class_facts(
    data: bytes, name: str, classes: Iterable[str], apis: Iterable[str], constants: Iterable[str]
) -> dict[str, list[MethodFacts]]:
    """Per wanted class of a dex, the facts of its method bodies, restricted to the given APIs
    ('class.method', dotted) and string constants: the terms the shapes speak in. Only the
    wanted classes are decoded."""
    dex = DexCode(data, name)
    wanted = {dex.type_index("L" + c.replace(".", "/") + ";"): c for c in classes}
    wanted.pop(None, None)
    if not wanted:
        return {}
    method_names, strings = shape_terms(dex, apis, constants)
    facts: dict[str, list[MethodFacts]] = {}
    for class_def, type_idx in enumerate(dex.class_def_type_ids):
        cls = wanted.get(type_idx)
        if cls is None:
            continue
        for code_off, method_idx in dex.class_methods(class_def):
            refs = dex.code_refs(dex.method_code(code_off, method_idx), method_names, strings)
            facts.setdefault(cls, []).append(
                MethodFacts(
                    frozenset(method_names[m] for m in refs.methods),
                    frozenset(strings[s] for s in refs.strings),
                )
            )
    return facts


def class_file_facts(data: bytes, name: str) -> tuple[str, list[MethodFacts]]:
    """The class name of a JVM class file and the facts of each of its method bodies."""
    cf = ClassFile(data, name)
    calls: dict[tuple[str, str], set[str]] = {}
    loaded: dict[tuple[str, str], set[str]] = {}
    for method, descriptor, owner, api_name, _desc in cf.iter_calls():
        calls.setdefault((method, descriptor), set()).add(f"{owner}.{api_name}")
    for method, descriptor, text in cf.iter_strings():
        loaded.setdefault((method, descriptor), set()).add(text)
    keys = dict.fromkeys([*calls, *loaded])
    return cf.class_name, [
        MethodFacts(frozenset(calls.get(k, ())), frozenset(loaded.get(k, ()))) for k in keys
    ]


def shape_owners(
    classes_by_unit: Mapping[str, set[str]],
    code: Mapping[str, CodeBytes],
    libraries: Sequence[LibrarySignature],
    warnings: list[str] | None = None,
) -> dict[str, str]:
    """Class -> library id, for the classes (grouped by code unit) whose methods have one of the
    libraries' shapes. A unit that cannot be read is skipped (and named in `warnings`)."""
    shapes = _shapes(libraries)
    if not shapes:
        return {}
    apis = {a for _lib, s in shapes for a in (*s.calls, *s.class_calls)}
    constants = {c for _lib, s in shapes for c in s.constants}
    found: dict[str, str] = {}
    for unit, classes in sorted(classes_by_unit.items()):
        blob = code.get(unit)
        if blob is None:
            continue
        try:
            if blob.format == "dex":
                facts = dex_class_facts(blob.data, unit, classes, apis, constants)
            else:
                cls, methods = class_file_facts(blob.data, unit)
                facts = {cls: methods} if cls in classes else {}
        except (DexFormatError, ClassFormatError, IndexError, ValueError) as exc:
            if warnings is not None:
                warnings.append(f"{unit}: code shapes not read ({exc})")
            continue
        for cls, methods in facts.items():
            lib = next((lib for lib, s in shapes if s.matches(methods)), None)
            if lib is not None:
                found[cls] = lib
    return found


def assign_owners(
    sites: Sequence[CallSiteUse],
    owners: OwnerIndex,
    code: Sequence[CodeBytes] = (),
    warnings: list[str] | None = None,
) -> tuple[CallSiteUse, ...]:
    """Fill `owner`, `owner_kind` and `library` of every call site."""
    named = {s.caller_class: owners.owner_of(s.caller_class) for s in sites}
    unknown: dict[str, set[str]] = {}
    for s in sites:
        if named[s.caller_class].kind is OwnerKind.UNKNOWN:
            unknown.setdefault(s.code_unit, set()).add(s.caller_class)
    if unknown:
        by_unit = {b.name: b for b in code}
        libs = owners.library_index.libraries
        for cls, lib in shape_owners(unknown, by_unit, libs, warnings).items():
            named[cls] = Owner(OwnerKind.LIBRARY, library=lib)
    return tuple(_with_owner(s, named[s.caller_class]) for s in sites)


def _with_owner(site: CallSiteUse, owner: Owner) -> CallSiteUse:
    return replace(site, owner=owner.sdk, owner_kind=owner.kind, library=owner.library)
