"""Typed, frozen results passed between pipeline stages.

extract -> `AppInventory`; detect -> `ScanResult`. Every item carries the evidence a reviewer
needs to check it by hand (a manifest entry, a class package, a native library path).
Collections are tuples so results are hashable and cannot be changed after a stage returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AppKind(StrEnum):
    """What kind of binary was scanned."""

    APK = "apk"
    JAR = "jar"
    AAR = "aar"
    NATIVE = "native"
    """A lone native library or iOS static library / framework binary."""


class ComponentKind(StrEnum):
    ACTIVITY = "activity"
    SERVICE = "service"
    RECEIVER = "receiver"
    PROVIDER = "provider"


# --------------------------------------------------------------------------- extract


@dataclass(frozen=True)
class AppIdentity:
    """Who the app is, as its manifest says."""

    kind: AppKind
    path: str
    sha256: str
    size: int
    package: str | None = None
    version_name: str | None = None
    version_code: str | None = None
    min_sdk: int | None = None
    target_sdk: int | None = None
    label: str | None = None


@dataclass(frozen=True)
class PermissionRequest:
    """One `<uses-permission>` / `<uses-permission-sdk-23>` element."""

    name: str
    element: str
    """The manifest element it came from: uses-permission or uses-permission-sdk-23."""
    max_sdk: int | None = None


@dataclass(frozen=True)
class IntentFilter:
    actions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    priority: int | None = None


@dataclass(frozen=True)
class Component:
    """A manifest component with what decides who can start it."""

    kind: ComponentKind
    name: str
    exported: bool
    """Effective exported state: the explicit attribute, else true when it has an intent filter."""
    explicit_exported: bool | None
    enabled: bool
    permission: str | None
    process: str | None
    intent_filters: tuple[IntentFilter, ...] = ()
    authorities: str | None = None

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(a for f in self.intent_filters for a in f.actions)


@dataclass(frozen=True)
class MetaData:
    """An `<meta-data>` element; `owner` is the component it sits in, or None for application."""

    name: str
    value: str | None
    owner: str | None = None


@dataclass(frozen=True)
class QueriedPackage:
    """A `<queries>` entry: a package or intent the app asks to see (package visibility)."""

    kind: str
    """package | intent | provider"""
    value: str


@dataclass(frozen=True)
class NativeLibrary:
    """A native library (`lib/<abi>/*.so` in an APK, `jni/<abi>/*.so` in an aar)."""

    path: str
    name: str
    abi: str | None
    size: int
    format: str
    """ELF, MachO or unknown."""
    jni_classes: tuple[str, ...] = ()
    """Java classes whose native methods the library implements (decoded from Java_* exports)."""
    needed: tuple[str, ...] = ()
    """DT_NEEDED libraries."""
    objc_classes: tuple[str, ...] = ()
    """Objective-C classes defined by a Mach-O binary."""
    error: str | None = None
    """Why the library could not be parsed, when it could not (the scan goes on)."""


@dataclass(frozen=True)
class CodeUnit:
    """A file holding code: a dex in an APK, a jar / classes.jar in an aar."""

    path: str
    format: str
    """dex | jar"""
    class_count: int


@dataclass(frozen=True)
class AppInventory:
    """Everything extracted from one app binary, before any signature is applied."""

    identity: AppIdentity
    permissions: tuple[PermissionRequest, ...]
    components: tuple[Component, ...]
    meta_data: tuple[MetaData, ...]
    queries: tuple[QueriedPackage, ...]
    native_libraries: tuple[NativeLibrary, ...]
    code_units: tuple[CodeUnit, ...]
    class_names: tuple[str, ...]
    """Every defined class, dotted (com.example.Foo$Bar), sorted and de-duplicated."""
    assets: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    """Things that could not be read but did not stop the scan."""


# --------------------------------------------------------------------------- detect


@dataclass(frozen=True)
class Evidence:
    """One observable fact that supports a detection."""

    kind: str
    """class_package | native_library | jni_class | component | meta_data | asset | objc_class |
    permission | intent_filter"""
    value: str
    detail: str = ""
    location: str = ""
    """Where to look: AndroidManifest.xml, classes.dex, lib/arm64-v8a/libfoo.so."""


@dataclass(frozen=True)
class PermissionFinding:
    """A requested permission, classified."""

    name: str
    protection_level: str
    """dangerous | normal | signature | signatureOrSystem | special | unknown"""
    categories: tuple[str, ...]
    elements: tuple[str, ...]
    max_sdk: int | None
    evidence: Evidence


@dataclass(frozen=True)
class StartupBehaviour:
    """A way the app (or an SDK inside it) gets started without the user opening it."""

    kind: str
    """self_startup | associated_startup"""
    component: str
    component_kind: ComponentKind
    trigger: str
    """The intent action, or 'exported' / 'provider' for components other apps can wake."""
    reason: str
    owner: str | None
    """SDK id whose package holds the component, None for the app's own code."""
    evidence: Evidence


@dataclass(frozen=True)
class SdkDetection:
    """A third-party SDK found in the app, with every piece of evidence."""

    sdk_id: str
    name: str
    vendor: str
    category: str
    tracking: bool
    status: str
    """present | stub (too few classes and nothing else: likely a no-op or compile-only stub)"""
    class_count: int
    collects: tuple[str, ...]
    evidence: tuple[Evidence, ...]


DIRECT_CODE_EVIDENCE = frozenset({"invoke", "field_read"})
"""Evidence kinds of a call site that show the code itself touching the API."""


@dataclass(frozen=True)
class CallSiteUse:
    """A place in the app's code that calls an API exercising a capability."""

    category: str
    api_class: str
    api_method: str
    access: str
    """read | write | use"""
    caller_class: str
    caller_method: str
    caller_descriptor: str
    code_unit: str
    """classes2.dex, or jar!/path/Foo.class"""
    evidence_kind: str
    """invoke (a real call) | field_read (a static read of a content URI such as
    MediaStore.Images.Media.EXTERNAL_CONTENT_URI) | reflection_string (the API named in a string:
    weaker) | const_string (a constant such as content://sms or android_id: weaker)"""
    owner: str | None
    """SDK id whose package holds the caller, None for the app's own code."""

    @property
    def api(self) -> str:
        return f"{self.api_class}.{self.api_method}" if self.api_method else self.api_class

    @property
    def caller(self) -> str:
        return f"{self.caller_class}.{self.caller_method}{self.caller_descriptor}"


@dataclass(frozen=True)
class CapabilityUse:
    """Roll-up of a capability category for one app."""

    category: str
    permissions: tuple[str, ...]
    """Requested permissions that map to this category."""
    startup: int = 0
    """Number of startup behaviours of this kind (self/associated startup only)."""
    call_sites: int = 0
    """Number of call sites in code that exercise it (reads and uses, not writes)."""
    permission_findings: tuple[PermissionFinding, ...] = ()
    """The requested permissions of `permissions`, with their evidence."""
    startup_behaviours: tuple[StartupBehaviour, ...] = ()
    """The `startup` behaviours themselves."""
    call_site_uses: tuple[CallSiteUse, ...] = ()
    """The `call_sites` themselves (reads and uses, not writes)."""


@dataclass(frozen=True)
class ScanResult:
    """What detect returns: the inventory, classified."""

    inventory: AppInventory
    permissions: tuple[PermissionFinding, ...]
    startup: tuple[StartupBehaviour, ...]
    sdks: tuple[SdkDetection, ...]
    capabilities: tuple[CapabilityUse, ...]
    signature_sets: tuple[str, ...] = field(default=("builtin",))
    call_sites: tuple[CallSiteUse, ...] = ()
    code_analysed: bool = False
    """False when call sites were not looked for (--no-code), so an empty list means nothing."""
