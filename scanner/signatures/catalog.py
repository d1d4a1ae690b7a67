"""Load and validate the signature data in `signatures/`: SDKs, capability categories, permissions.

Each data file is validated against its JSON Schema; `validate_all()` reports every problem in
every file at once instead of stopping at the first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from scanner.errors import SignatureError
from scanner.model import Strength
from scanner.resources import data_dir
from scanner.signatures.requirements import (
    ArgumentFact,
    Requirement,
    argument_from_doc,
    requirement_from_doc,
)

if TYPE_CHECKING:
    from scanner.model import CallSiteUse, PermissionFinding

DEFAULT_MIN_CLASSES = 3


@dataclass(frozen=True)
class SdkSignature:
    """One SDK as described by a `signatures/sdks/<id>.json` file (or an imported tracker)."""

    id: str
    name: str
    vendor: str
    category: str
    tracking: bool
    collects: tuple[str, ...]
    packages: tuple[str, ...]
    exclude_packages: tuple[str, ...]
    min_classes: int
    native_libs: tuple[str, ...]
    components: tuple[str, ...]
    meta_data: tuple[str, ...]
    assets: tuple[str, ...]
    objc_classes: tuple[str, ...]
    aliases: tuple[tuple[str, tuple[str, ...]], ...]
    """Language tag (en, zh-Hans, zh-Hant, ja, ...) -> names a privacy policy uses for the SDK or
    its vendor, in the order of the signature file (pairs, so the signature stays hashable)."""
    sources: tuple[str, ...]
    positive_examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    class_regexes: tuple[str, ...] = ()
    """Only for imported εxodus trackers whose signature is not a plain package prefix."""
    origin: str = "builtin"
    ios_frameworks: tuple[str, ...] = ()
    """fnmatch patterns on embedded iOS framework names (AppsFlyerLib)."""
    renamed_under: tuple[str, ...] = ()
    """Vendor roots whose short renamed sub-packages (R8: cn.jpush.a) are this SDK's even though
    another SDK of the vendor has a readable prefix there too (cn.jpush.im, JMessage's API)."""
    ios_bundle_ids: tuple[str, ...] = ()
    """fnmatch patterns on embedded iOS framework bundle ids (com.appsflyer.*)."""

    def aliases_in(self, language: str) -> tuple[str, ...]:
        """The names listed under one language tag (empty when none)."""
        return next((names for tag, names in self.aliases if tag == language), ())

    @property
    def alias_names(self) -> tuple[str, ...]:
        """Every alias, in every language, in file order, without repeats."""
        return tuple(dict.fromkeys(n for _tag, names in self.aliases for n in names))

    @property
    def policy_names(self) -> tuple[str, ...]:
        """What a policy may call this SDK: every alias, then the display name without its
        parenthesised gloss ("Umeng+ Analytics (友盟统计)" -> "Umeng+ Analytics")."""
        return tuple(dict.fromkeys((*self.alias_names, self.name.split(" (")[0].strip())))


@dataclass(frozen=True)
class ApiSignature:
    """A framework method that exercises a capability."""

    class_name: str
    method: str
    access: str
    category: str
    min_sdk: int | None = None
    requires: Requirement | None = None
    """The permission it needs before it yields data (None only for data built by hand)."""
    argument: ArgumentFact | None = None
    """The argument that must hold one of the listed constants for the call to count."""
    strength: Strength = Strength.STRONG
    """The most a call proves (`weak` for intent resolution, which lists only the apps that
    handle one intent)."""


@dataclass(frozen=True)
class FieldSignature:
    """A framework static field whose read exercises a capability (a content Uri such as
    MediaStore.Images.Media.EXTERNAL_CONTENT_URI)."""

    class_name: str
    """Dotted class that declares the field, nested classes with '$'."""
    field: str
    access: str
    category: str
    min_sdk: int | None = None
    requires: Requirement | None = None


@dataclass(frozen=True)
class IosApiSignature:
    """An iOS API whose import by a Mach-O binary exercises a capability: an Objective-C class
    with a selector (or any use of the class when `selector` is None), or a C symbol."""

    category: str
    access: str
    objc_class: str | None = None
    selector: str | None = None
    symbol: str | None = None
    strength: Strength = Strength.STRONG
    needs_usage_key: bool = True
    """The API yields data only to an app with one of its category's usage keys."""


@dataclass(frozen=True)
class PermissionCoverage:
    """Another category whose disclosure also covers this one's permission request, the way
    regulators read it (READ_PHONE_STATE is 'device identifiers' to MIIT and most policies)."""

    capability: str
    permissions: tuple[str, ...]
    """The request is covered only when every permission of this category the app requests
    is one of these."""
    reason: str

    def covers(self, requested: Sequence[PermissionFinding], calls: Sequence[CallSiteUse]) -> bool:
        """True for a request of these permissions only, with no call site of this category
        that counts (reading the phone number still needs its own disclosure)."""
        names = {p.name for p in requested}
        return bool(names) and names <= set(self.permissions) and not calls


@dataclass(frozen=True)
class Capability:
    """A capability category of the taxonomy (`signatures/capabilities/<id>.json`)."""

    id: str
    title_en: str
    title_zh: str
    description: str
    permissions: tuple[str, ...]
    manifest_actions: tuple[str, ...]
    apis: tuple[ApiSignature, ...]
    strings: tuple[str, ...]
    sources: tuple[str, ...]
    fields: tuple[FieldSignature, ...] = ()
    covered_by: tuple[str, ...] = ()
    """Capabilities whose disclosure also discloses this one (precise location covers coarse)."""
    string_requirements: tuple[tuple[str, Requirement], ...] = ()
    """(string, what it needs to yield data), for the strings that state one."""
    argument_gated_apis: tuple[ApiSignature, ...] = ()
    """Entries that are evidence only with a matching argument constant (`strict`); kept out of
    `apis` so that a detector which does not check arguments cannot count them."""
    permission_covered_by: tuple[PermissionCoverage, ...] = ()
    """Categories whose disclosure covers a request of some of this one's permissions."""
    ios_usage_keys: tuple[str, ...] = ()
    """Info.plist usage-description keys that are evidence of it, as its permissions are."""
    ios_data_types: tuple[str, ...] = ()
    """Privacy-manifest collected data types that are its data."""
    ios_apis: tuple[IosApiSignature, ...] = ()
    """APIs whose import by a Mach-O binary exercises it."""


@dataclass(frozen=True)
class SdkTaxonomy:
    """SDK categories and the generic kinds of partner that cover them
    (`signatures/taxonomy/sdk-categories.json`), read by the policy and compare stages."""

    generic_categories: tuple[str, ...]
    coverage: Mapping[str, tuple[str, ...]]
    """SDK category -> generic categories whose disclosure covers it, the usual one first."""

    def covering(self, sdk_category: str) -> tuple[str, ...]:
        """Generic categories ('advertising', ...) whose disclosure covers an SDK category."""
        return self.coverage.get(sdk_category, ())

    def label(self, sdk_category: str) -> str:
        """The generic category a policy would file this SDK category under (itself if none)."""
        return next(iter(self.covering(sdk_category)), sdk_category)

    def covered(self, generic_category: str) -> frozenset[str]:
        """SDK categories a generic disclosure of `generic_category` points to."""
        return frozenset(c for c, gs in self.coverage.items() if generic_category in gs)


def load_json(path: Path) -> Any:
    """One bundled or user-given data file; unreadable or invalid JSON is a SignatureError."""
    try:
        with open(path, "rb") as fh:  # bytes: json decodes UTF-8 itself, and faster
            return json.loads(fh.read())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureError(path, f"cannot read signature data: {exc}") from exc


@cache
def schema(name: str) -> dict[str, Any]:
    """signatures/schema/<name>.schema.json."""
    loaded: dict[str, Any] = load_json(data_dir("signatures") / "schema" / f"{name}.schema.json")
    return loaded


def schema_problems(doc: Any, schema_name: str, path: Path) -> list[str]:
    """Every way `doc` breaks signatures/schema/<schema_name>.schema.json, one line each."""
    import jsonschema  # 0.05-0.2 s to import: only validation pays for it, not every scan

    validator = jsonschema.Draft202012Validator(schema(schema_name))
    return [
        f"{path.name}: {'/'.join(str(p) for p in err.absolute_path) or '<root>'}: {err.message}"
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    ]


T = TypeVar("T")


def built_in(path: Path, schema_name: str, convert: Callable[[Any], T]) -> T:
    """Read one bundled data file into its typed form.

    Bundled files are validated against their schema by `validate_all()` (the test suite and
    `privacy-scan signatures validate` run it), so a scan converts them without validating again:
    that would cost more than the rest of start-up. A file that does not convert is validated
    then, so the error still names every problem.
    """
    return _converted(load_json(path), path, schema_name, convert)


def _converted(doc: Any, path: Path, schema_name: str, convert: Callable[[Any], T]) -> T:
    try:
        return convert(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems = schema_problems(doc, schema_name, path) or [f"{path.name}: {exc!r}"]
        raise SignatureError(path, "; ".join(problems)) from exc


def sdk_from_doc(doc: dict[str, Any], origin: str = "builtin") -> SdkSignature:
    det = doc["detection"]
    aliases = doc.get("aliases", {})
    return SdkSignature(
        id=doc["id"],
        name=doc["name"],
        vendor=doc["vendor"],
        category=doc["category"],
        tracking=bool(doc["tracking"]),
        collects=tuple(doc.get("collects", ())),
        packages=tuple(det.get("packages", ())),
        exclude_packages=tuple(det.get("exclude_packages", ())),
        min_classes=int(det.get("min_classes", DEFAULT_MIN_CLASSES)),
        native_libs=tuple(det.get("native_libs", ())),
        components=tuple(det.get("components", ())),
        meta_data=tuple(det.get("meta_data", ())),
        assets=tuple(det.get("assets", ())),
        objc_classes=tuple(det.get("objc_classes", ())),
        aliases=tuple((tag, tuple(names)) for tag, names in aliases.items()),
        sources=tuple(doc.get("sources", ())),
        positive_examples=tuple(doc.get("examples", {}).get("positive", ())),
        negative_examples=tuple(doc.get("examples", {}).get("negative", ())),
        origin=origin,
        ios_frameworks=tuple(det.get("ios_frameworks", ())),
        ios_bundle_ids=tuple(det.get("ios_bundle_ids", ())),
        renamed_under=tuple(det.get("renamed_under", ())),
    )


def _sdk_folder() -> Path:
    return data_dir("signatures") / "sdks"


def _sdk_files() -> list[Path]:
    # os.listdir, not Path.glob: 570 files listed in 1 ms instead of 10 at every start-up.
    folder = _sdk_folder()
    return [folder / name for name in sorted(os.listdir(folder)) if name.endswith(".json")]


def _capability_files() -> list[Path]:
    return sorted((data_dir("signatures") / "capabilities").glob("*.json"))


def validate_all() -> list[str]:
    """Every problem in every bundled data file; empty when all are valid."""
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    sdk_docs: dict[Path, Any] = {}
    for path in _sdk_files():
        try:
            doc = load_json(path)
        except SignatureError as exc:
            problems.append(str(exc))
            continue
        sdk_docs[path] = doc
        problems += schema_problems(doc, "sdk", path)
        sdk_id = doc.get("id") if isinstance(doc, dict) else None
        if sdk_id != path.stem:
            problems.append(f"{path.name}: id {sdk_id!r} does not match the file name")
        if isinstance(sdk_id, str):
            if sdk_id in seen_ids:
                problems.append(f"{path.name}: id {sdk_id!r} also used by {seen_ids[sdk_id]}")
            seen_ids[sdk_id] = path.name
    capability_ids = set()
    cap_docs: dict[Path, Any] = {}
    for path in _capability_files():
        try:
            doc = load_json(path)
        except SignatureError as exc:
            problems.append(str(exc))
            continue
        cap_docs[path] = doc
        problems += schema_problems(doc, "capability", path)
        if isinstance(doc, dict):
            capability_ids.add(doc.get("id"))
            if doc.get("id") != path.stem:
                problems.append(f"{path.name}: id {doc.get('id')!r} does not match the file name")
            named = doc.get("requirements", {})
            refs = [e.get("requires") for e in [*doc.get("apis", ()), *doc.get("fields", ())]]
            refs += list(doc.get("string_requires", {}).values())
            for ref in refs:
                if isinstance(ref, str) and ref not in named:
                    problems.append(f"{path.name}: requires names no requirement {ref!r}")
            for text in set(doc.get("string_requires", {})) - set(doc.get("strings", ())):
                problems.append(f"{path.name}: string_requires names no listed string {text!r}")
    for path, doc in cap_docs.items():
        for other in doc.get("covered_by", ()) if isinstance(doc, dict) else ():
            if other not in capability_ids:
                problems.append(f"{path.name}: covered_by unknown capability {other!r}")
        for cov in doc.get("permission_covered_by", ()) if isinstance(doc, dict) else ():
            if isinstance(cov, dict) and cov.get("capability") not in capability_ids:
                problems.append(
                    f"{path.name}: permission_covered_by unknown capability "
                    f"{cov.get('capability')!r}"
                )
    try:
        problems += _taxonomy_problems(load_json(_taxonomy_path()), _taxonomy_path())
        ids = [i for i in capability_ids if isinstance(i, str)]
        problems += _order_problems(load_json(_order_path()), _order_path(), ids)
    except SignatureError as exc:
        problems.append(str(exc))
    for path, doc in sdk_docs.items():
        if isinstance(doc, dict):
            for cat in doc.get("collects", ()):
                if cat not in capability_ids:
                    problems.append(f"{path.name}: collects unknown capability {cat!r}")
    problems += _ios_data_problems()
    return problems


IOS_DATA_FILES = (
    ("privacy-terms.json", "ios-terms"),
    ("required-reason-apis.json", "ios-required-reason"),
)
"""signatures/ios/ files and their schemas (the compare rules for iOS apps read them)."""


def _ios_data_problems() -> list[str]:
    problems: list[str] = []
    for name, schema_name in IOS_DATA_FILES:
        path = data_dir("signatures") / "ios" / name
        try:
            problems += schema_problems(load_json(path), schema_name, path)
        except SignatureError as exc:
            problems.append(str(exc))
    return problems


@cache
def builtin_sdks() -> tuple[SdkSignature, ...]:
    """All bundled SDK signatures (through the catalogue cache, `scanner.signatures.cache`)."""
    return read_builtin_sdks()


def read_builtin_sdks(use_cache: bool = True) -> tuple[SdkSignature, ...]:
    """The bundled SDK signatures, from the cache when it is current, else from their files
    (then written to the cache). Whatever state the cache is in, the result is the files'."""
    from scanner.signatures import cache as catalogue_cache

    files = _sdk_files()
    folder = catalogue_cache.cache_folder() if use_cache else None
    key = catalogue_cache.catalogue_key(files) if folder is not None else None
    if folder is None or key is None:
        return tuple(built_in(path, "sdk", sdk_from_doc) for path in files)
    where = catalogue_cache.cache_path(folder, _sdk_folder())
    cached = catalogue_cache.load_documents(where, key)
    if cached is not None and len(cached) == len(files):
        try:
            return tuple(sdk_from_doc(doc) for doc in cached)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a current key over documents that do not convert: read the files instead
    docs = []
    sigs = []
    for path in files:  # file by file, so the first bad file is the one named, as before
        doc = load_json(path)
        sigs.append(_converted(doc, path, "sdk", sdk_from_doc))
        docs.append(doc)
    catalogue_cache.store_documents(where, key, docs)
    return tuple(sigs)


def _argument_gated(entry: dict[str, Any]) -> bool:
    return bool(entry.get("argument", {}).get("strict", False))


def _api(entry: dict[str, Any], doc: dict[str, Any]) -> ApiSignature:
    return ApiSignature(
        class_name=entry["class"],
        method=entry["method"],
        access=entry["access"],
        category=doc["id"],
        min_sdk=entry.get("min_sdk"),
        requires=requirement_from_doc(
            entry["requires"], doc.get("requirements", {}), entry.get("min_sdk")
        ),
        argument=argument_from_doc(entry["argument"]) if "argument" in entry else None,
        strength=Strength(entry.get("strength", "strong")),
    )


@cache
def capabilities() -> tuple[Capability, ...]:
    """The capability taxonomy, in file-name order."""
    return tuple(built_in(path, "capability", _capability) for path in _capability_files())


def _capability(doc: dict[str, Any]) -> Capability:
    return Capability(
        id=doc["id"],
        title_en=doc["title"]["en"],
        title_zh=doc["title"]["zh-Hans"],
        description=doc["description"],
        permissions=tuple(doc["permissions"]),
        manifest_actions=tuple(doc.get("manifest_actions", ())),
        apis=tuple(_api(a, doc) for a in doc["apis"] if not _argument_gated(a)),
        argument_gated_apis=tuple(_api(a, doc) for a in doc["apis"] if _argument_gated(a)),
        string_requirements=tuple(
            (text, requirement_from_doc(req, doc.get("requirements", {})))
            for text, req in doc.get("string_requires", {}).items()
        ),
        strings=tuple(doc.get("strings", ())),
        sources=tuple(doc["sources"]),
        covered_by=tuple(doc.get("covered_by", ())),
        permission_covered_by=tuple(
            PermissionCoverage(c["capability"], tuple(c["permissions"]), c["reason"])
            for c in doc.get("permission_covered_by", ())
        ),
        ios_usage_keys=tuple(doc.get("ios", {}).get("usage_keys", ())),
        ios_data_types=tuple(doc.get("ios", {}).get("data_types", ())),
        ios_apis=tuple(
            IosApiSignature(
                category=doc["id"],
                access=a["access"],
                objc_class=a.get("class"),
                selector=a.get("selector"),
                symbol=a.get("symbol"),
                strength=Strength(a.get("strength", "strong")),
                needs_usage_key=bool(a.get("needs_usage_key", True)),
            )
            for a in doc.get("ios", {}).get("apis", ())
        ),
        fields=tuple(
            FieldSignature(
                class_name=f["class"],
                field=f["field"],
                access=f["access"],
                category=doc["id"],
                min_sdk=f.get("min_sdk"),
                requires=requirement_from_doc(
                    f["requires"], doc.get("requirements", {}), f.get("min_sdk")
                ),
            )
            for f in doc.get("fields", ())
        ),
    )


def _taxonomy_path() -> Path:
    return data_dir("signatures") / "taxonomy" / "sdk-categories.json"


def _taxonomy_problems(doc: Any, path: Path) -> list[str]:
    problems = schema_problems(doc, "sdk-categories", path)
    if problems or not isinstance(doc, dict):
        return problems
    generic = set(doc["generic_categories"])
    sdk_enum = set(schema("sdk")["properties"]["category"]["enum"])
    for cat, entry in doc["sdk_categories"].items():
        if cat not in sdk_enum:
            problems.append(f"{path.name}: {cat!r} is not an SDK category of sdk.schema.json")
        for g in entry["generic"]:
            if g not in generic:
                problems.append(f"{path.name}: {cat}: unknown generic category {g!r}")
    for cat in sorted(sdk_enum - set(doc["sdk_categories"])):
        problems.append(f"{path.name}: SDK category {cat!r} has no entry")
    return problems


def _order_path() -> Path:
    return data_dir("signatures") / "taxonomy" / "capability-order.json"


def _order_problems(doc: Any, path: Path, capability_ids: Iterable[str]) -> list[str]:
    problems = schema_problems(doc, "capability-order", path)
    if problems or not isinstance(doc, dict):
        return problems
    listed, known = set(doc["order"]), set(capability_ids)
    problems += [f"{path.name}: {c!r} is not a capability file" for c in sorted(listed - known)]
    problems += [f"{path.name}: capability {c!r} is missing" for c in sorted(known - listed)]
    return problems


@cache
def category_order() -> tuple[str, ...]:
    """Capability ids in the order analyses and reports list them, checked against the
    capability files (every file once)."""
    path = _order_path()
    order = built_in(path, "capability-order", lambda doc: tuple(str(c) for c in doc["order"]))
    listed, known = set(order), {c.id for c in capabilities()}
    if listed != known or len(order) != len(listed):
        problems = _order_problems(load_json(path), path, known)
        raise SignatureError(path, "; ".join(problems) or "a capability is listed twice")
    return order


@cache
def sdk_taxonomy() -> SdkTaxonomy:
    """Which generic partner disclosures cover which SDK categories."""

    def convert(doc: dict[str, Any]) -> SdkTaxonomy:
        return SdkTaxonomy(
            generic_categories=tuple(doc["generic_categories"]),
            coverage={c: tuple(e["generic"]) for c, e in doc["sdk_categories"].items()},
        )

    return built_in(_taxonomy_path(), "sdk-categories", convert)


@cache
def permission_levels() -> dict[str, str]:
    """Android permission name -> protection level, from signatures/permissions.json."""
    doc = load_json(data_dir("signatures") / "permissions.json")
    return {name: entry["protection_level"] for name, entry in doc["permissions"].items()}


def categories_of_permission(
    name: str, caps: Iterable[Capability] | None = None
) -> tuple[str, ...]:
    """Capability ids whose permission list (or, for an iOS usage-description key, whose iOS
    usage keys) names `name`."""
    return tuple(
        c.id
        for c in (caps if caps is not None else capabilities())
        if name in c.permissions or name in c.ios_usage_keys
    )
