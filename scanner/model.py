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
    APKS = "apks"
    """A split-APK set (.apks, .xapk, .apkm): a base APK and its splits, read as one app."""
    AAB = "aab"
    """An Android App Bundle: a base module and feature modules, read as one app."""
    IPA = "ipa"
    """An iOS app archive: a zip holding Payload/<App>.app/."""
    IOS_APP = "ios_app"
    """An unpacked iOS app bundle (<App>.app folder) or an Xcode archive (.xcarchive folder)."""

    @property
    def ios(self) -> bool:
        """An iOS app: Info.plist and privacy manifests instead of an Android manifest."""
        return self in (AppKind.IPA, AppKind.IOS_APP)

    @property
    def final_manifest(self) -> bool:
        """An installable app, whose manifest is the one Android applies (a library's merges
        into a host app's, whose permissions and target then decide)."""
        return self in (AppKind.APK, AppKind.APKS, AppKind.AAB)


class ComponentKind(StrEnum):
    ACTIVITY = "activity"
    SERVICE = "service"
    RECEIVER = "receiver"
    PROVIDER = "provider"


class PermissionElement(StrEnum):
    """The manifest element a permission request came from."""

    USES_PERMISSION = "uses-permission"
    USES_PERMISSION_SDK_23 = "uses-permission-sdk-23"
    USAGE_DESCRIPTION = "usage-description"
    """An iOS Info.plist `NS...UsageDescription` key: the text of the prompt the user answers
    before the API yields data, the iOS counterpart of a runtime permission."""


class QueryKind(StrEnum):
    """What a `<queries>` child names."""

    PACKAGE = "package"
    INTENT = "intent"
    PROVIDER = "provider"


class NativeFormat(StrEnum):
    """The container format of a native library, as its magic bytes say."""

    ELF = "ELF"
    MACHO = "MachO"
    AR = "ar"
    """A static library (ar archive of object files)."""
    UNKNOWN = "unknown"


class CodeUnitFormat(StrEnum):
    """What a code unit of the inventory is."""

    DEX = "dex"
    JAR = "jar"
    """A whole jar (for an aar: classes.jar or libs/*.jar) counted as one unit."""


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
    application_class: str | None = None
    """The manifest's `<application android:name>` (qualified), if it names one."""


@dataclass(frozen=True)
class PermissionRequest:
    """One `<uses-permission>` / `<uses-permission-sdk-23>` element."""

    name: str
    element: PermissionElement
    max_sdk: int | None = None
    manifest: str = "AndroidManifest.xml"
    """The manifest that requests it: a split's or a bundle module's in a split set or an AAB."""


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
    manifest: str = "AndroidManifest.xml"
    """The manifest that declares it: a split's or a bundle module's in a split set or an AAB."""

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(a for f in self.intent_filters for a in f.actions)


@dataclass(frozen=True)
class MetaData:
    """An `<meta-data>` element; `owner` is the component it sits in, or None for application."""

    name: str
    value: str | None
    owner: str | None = None
    manifest: str = "AndroidManifest.xml"
    """The manifest that declares it: a split's or a bundle module's in a split set or an AAB."""


@dataclass(frozen=True)
class QueriedPackage:
    """A `<queries>` entry: a package or intent the app asks to see (package visibility)."""

    kind: QueryKind
    value: str


@dataclass(frozen=True)
class NativeLibrary:
    """A native library (`lib/<abi>/*.so` in an APK, `jni/<abi>/*.so` in an aar)."""

    path: str
    name: str
    abi: str | None
    size: int
    format: NativeFormat
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
    """A file holding code, as the inventory lists it: a dex in an APK, a jar / classes.jar in an
    aar. Only a summary: the bytes the call-site scan reads are `scanner.extract.CodeBytes`, one
    per dex or per class file inside a jar."""

    path: str
    format: CodeUnitFormat
    class_count: int


@dataclass(frozen=True)
class DexPrefix:
    """A dex file in front of an APK's zip archive: the Janus layout (CVE-2017-13156). Android's
    runtime reads the file as that dex, its installer as the zip that follows, so under v1
    signing the zip's signature vouches for code it does not cover."""

    size: int
    """Bytes before the first local header of the archive."""
    version: str
    """The dex format version its magic names (035, 039, ...)."""
    entry: str = ""
    """The inner APK of a split set it precedes; empty when it precedes the scanned file."""


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
    ios: IosFacts | None = None
    """What only an iOS app has (Info.plist, privacy manifests, Mach-O imports); None for
    Android inputs and lone native libraries."""
    dex_prefix: DexPrefix | None = None
    """A dex file precedes the zip archive (Janus layout); what follows it was scanned."""


# --------------------------------------------------------------------------- extract: iOS


@dataclass(frozen=True)
class UsageDescription:
    """An `NS...UsageDescription` key of Info.plist and the prompt text the user reads."""

    key: str
    text: str
    location: str
    """The Info.plist it is in (Payload/Shop.app/Info.plist)."""


@dataclass(frozen=True)
class CollectedDataType:
    """One `NSPrivacyCollectedDataTypes` entry of a privacy manifest."""

    type: str
    """NSPrivacyCollectedDataTypePreciseLocation, ..."""
    linked: bool | None
    """Linked to the user's identity, as the manifest says (None: not stated)."""
    tracking: bool | None
    """Used for tracking, as the manifest says (None: not stated)."""
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessedApi:
    """One `NSPrivacyAccessedAPITypes` entry: a required-reason API category and its reasons."""

    category: str
    """NSPrivacyAccessedAPICategoryFileTimestamp, ..."""
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrivacyManifest:
    """A PrivacyInfo.xcprivacy of the app or of a bundle inside it."""

    path: str
    tracking: bool | None
    """NSPrivacyTracking (None: not stated)."""
    tracking_domains: tuple[str, ...] = ()
    collected: tuple[CollectedDataType, ...] = ()
    accessed_apis: tuple[AccessedApi, ...] = ()


@dataclass(frozen=True)
class MachOImports:
    """What one Mach-O binary of an iOS app takes from elsewhere (the call-site evidence of iOS
    code: which function calls an API is not read, only that the binary imports it)."""

    path: str
    linked: tuple[str, ...] = ()
    """LC_LOAD_DYLIB paths (/System/Library/Frameworks/CoreLocation.framework/CoreLocation)."""
    symbols: tuple[str, ...] = ()
    """Undefined external symbols (_stat, _OBJC_CLASS_$_CLLocationManager), sorted."""
    selectors: tuple[str, ...] = ()
    """Objective-C selector names the binary uses (__objc_methname), sorted."""
    encrypted: bool = False
    """LC_ENCRYPTION_INFO with cryptid 1 (an App Store binary): code, selectors unreadable."""
    error: str | None = None

    @property
    def imported_classes(self) -> frozenset[str]:
        """Objective-C classes the binary references but does not define."""
        prefix = "_OBJC_CLASS_$_"
        return frozenset(s[len(prefix) :] for s in self.symbols if s.startswith(prefix))


@dataclass(frozen=True)
class IosBundle:
    """A bundle inside the app: an embedded framework or an app extension."""

    path: str
    """Payload/Shop.app/Frameworks/AppsFlyerLib.framework"""
    name: str
    """The bundle's folder name without its suffix (AppsFlyerLib)."""
    bundle_id: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class IosFacts:
    """What an iOS app holds that an Android one does not."""

    bundle_path: str
    """Payload/Shop.app, or . for an unpacked .app folder."""
    executable: str | None
    """Path of the main executable inside the input (CFBundleExecutable)."""
    minimum_os: str | None = None
    usage_descriptions: tuple[UsageDescription, ...] = ()
    """The app's own keys, then those of its app extensions and Watch apps (a key may repeat)."""
    background_modes: tuple[str, ...] = ()
    url_schemes: tuple[str, ...] = ()
    queried_schemes: tuple[str, ...] = ()
    """LSApplicationQueriesSchemes: the apps it may look for with canOpenURL:."""
    privacy_manifests: tuple[PrivacyManifest, ...] = ()
    binaries: tuple[MachOImports, ...] = ()
    bundles: tuple[IosBundle, ...] = ()
    """Embedded frameworks, app extensions and Watch apps."""

    def usage_by_key(self) -> dict[str, UsageDescription]:
        """Each usage key once, with the first prompt that asks for it: the app's own before an
        extension's."""
        first: dict[str, UsageDescription] = {}
        for usage in self.usage_descriptions:
            first.setdefault(usage.key, usage)
        return first


# --------------------------------------------------------------------------- detect


class EvidenceKind(StrEnum):
    """What an `Evidence` points at."""

    CLASS_PACKAGE = "class_package"
    NATIVE_LIBRARY = "native_library"
    JNI_CLASS = "jni_class"
    COMPONENT = "component"
    META_DATA = "meta_data"
    ASSET = "asset"
    OBJC_CLASS = "objc_class"
    PERMISSION = "permission"
    INTENT_FILTER = "intent_filter"
    CALL_SITE = "call_site"
    """A call site in code backing a finding (compare stage)."""
    USAGE_DESCRIPTION = "usage_description"
    """An iOS Info.plist usage-description key; `detail` is the prompt text."""
    PRIVACY_MANIFEST = "privacy_manifest"
    """An entry of a PrivacyInfo.xcprivacy (collected data type, tracking domain, accessed API)."""
    IMPORTED_SYMBOL = "imported_symbol"
    """A symbol or Objective-C class / selector a Mach-O binary imports."""
    DEX_PREFIX = "dex_prefix"
    """A dex file in front of the APK's zip archive (Janus layout)."""


class ProtectionLevel(StrEnum):
    """An Android permission's protection level (signatures/permissions.json)."""

    DANGEROUS = "dangerous"
    NORMAL = "normal"
    SIGNATURE = "signature"
    SIGNATURE_OR_SYSTEM = "signatureOrSystem"
    SPECIAL = "special"
    INTERNAL = "internal"
    UNKNOWN = "unknown"
    """Not in the permission data (a custom or unlisted permission)."""


class StartupKind(StrEnum):
    """How an app gets started without the user opening it (also a capability id)."""

    SELF_STARTUP = "self_startup"
    """The system starts it (a broadcast such as BOOT_COMPLETED)."""
    ASSOCIATED_STARTUP = "associated_startup"
    """Another app can start it (exported without a permission)."""


class SdkStatus(StrEnum):
    PRESENT = "present"
    STUB = "stub"
    """Too few classes and nothing else: likely a no-op or compile-only stub."""
    DECLARED = "declared"
    """Only a manifest entry names it (an API key in meta-data, a component): no code found."""


class OwnerKind(StrEnum):
    """Whose code a call site sits in."""

    APP = "app"
    """The app's own code."""
    SDK = "sdk"
    """A third-party SDK (`owner` names it)."""
    LIBRARY = "library"
    """An open-source or platform library (`library` names it): acts only for the app."""
    UNKNOWN = "unknown"
    """Obfuscated code (e.g. R8 names such as `e.n`) outside any known package: nobody can say."""


class Strength(StrEnum):
    """How much a call site proves, strongest first; it caps the severity of a finding."""

    STRONG = "strong"
    """A direct call or field read, with the argument the capability needs where it needs one."""
    WEAK = "weak"
    """A string naming the API, an argument not known statically, an unknown startup target, or
    intent resolution: enough to list, at most `low` as a finding."""


class ApiAccess(StrEnum):
    """What a call site does with the data (from the capability data; `use` for strings)."""

    READ = "read"
    WRITE = "write"
    USE = "use"


class CodeEvidenceKind(StrEnum):
    """How a call site was found, strongest first."""

    INVOKE = "invoke"
    """An invoke instruction names the API method."""
    FIELD_READ = "field_read"
    """A static read of a field the capability lists (a content Uri such as
    MediaStore.Images.Media.EXTERNAL_CONTENT_URI)."""
    REFLECTION_STRING = "reflection_string"
    """One method loads the API's class and method names as strings: weaker."""
    CONST_STRING = "const_string"
    """A method loads a string the capability lists (content://sms, android_id): weaker."""
    MACHO_IMPORT = "macho_import"
    """A Mach-O binary imports the API: the Objective-C class with the selector the capability
    names, or the C function. Direct, but per binary: which function calls it is not read."""

    @property
    def is_direct(self) -> bool:
        """True when the code itself touches the API (not only names it in a string)."""
        return self in (
            CodeEvidenceKind.INVOKE,
            CodeEvidenceKind.FIELD_READ,
            CodeEvidenceKind.MACHO_IMPORT,
        )


DIRECT_CODE_EVIDENCE: frozenset[CodeEvidenceKind] = frozenset(
    kind for kind in CodeEvidenceKind if kind.is_direct
)
"""Evidence kinds of a call site that show the code itself touching the API."""


@dataclass(frozen=True)
class Evidence:
    """One observable fact that supports a detection."""

    kind: EvidenceKind
    value: str
    detail: str = ""
    location: str = ""
    """Where to look: AndroidManifest.xml, classes.dex, lib/arm64-v8a/libfoo.so."""


@dataclass(frozen=True)
class PermissionFinding:
    """A requested permission, classified."""

    name: str
    protection_level: ProtectionLevel
    categories: tuple[str, ...]
    elements: tuple[PermissionElement, ...]
    max_sdk: int | None
    evidence: Evidence


@dataclass(frozen=True)
class StartupBehaviour:
    """A way the app (or an SDK inside it) gets started without the user opening it."""

    kind: StartupKind
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
    status: SdkStatus
    class_count: int
    collects: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    personal_data: bool = False
    """The SDK processes personal data: its signature says it collects something, or its code
    in this app exercises a capability."""


@dataclass(frozen=True)
class CallSiteUse:
    """A place in the app's code that uses an API (or string) exercising a capability.

    The call-site scan (scanner.detect.callsites) returns these with `owner` None; the detect
    stage fills in the owning SDK.
    """

    category: str
    """Capability id (clipboard, location, ...)."""
    api_class: str
    """Dotted API class as the instruction names it (for field_read, the field's class); for
    const_string evidence, the string constant itself."""
    api_method: str
    """API method name (for field_read, the field name); empty for const_string evidence."""
    access: ApiAccess
    caller_class: str
    """Dotted class that holds the calling method (com.example.Foo$Bar)."""
    caller_method: str
    """Name of the calling method (<init> for constructors)."""
    caller_descriptor: str
    """Its JVM descriptor, e.g. '(I)V'."""
    code_unit: str
    """classes2.dex, or jar!/path/Foo.class"""
    evidence_kind: CodeEvidenceKind
    owner: str | None = None
    """SDK id whose package holds the caller, None for the app's own code."""
    owner_kind: OwnerKind = OwnerKind.APP
    library: str | None = None
    """Library id when `owner_kind` is LIBRARY."""
    argument: str | None = None
    """The constant (string, or static field as Class.FIELD) that reaches the API's gated
    argument inside the calling method, when the capability gates the API on one."""
    strength: Strength = Strength.STRONG
    dormant: bool = False
    """The app does not request a permission the API needs on any Android version it runs on:
    Android refuses the call, so the code cannot collect the data. Listed, never a finding."""
    needs: tuple[str, ...] = ()
    """Permissions one of which the API needs (for a reviewer reading a dormant call site)."""

    @property
    def active(self) -> bool:
        """Counts as the app exercising the capability: not dormant, not a write, and not a
        library acting only on the app's behalf."""
        return (
            not self.dormant
            and self.access is not ApiAccess.WRITE
            and self.owner_kind is not OwnerKind.LIBRARY
        )

    @property
    def api(self) -> str:
        """What is used, as reports show it: Class.method, or a string constant quoted."""
        if self.evidence_kind is CodeEvidenceKind.CONST_STRING:
            return repr(self.api_class)
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
    own_namespaces: tuple[OwnNamespace, ...] = ()
    """The app's own packages, with how each was decided (empty for a jar, aar or binary)."""
    unidentified: tuple[UnidentifiedCode, ...] = ()
    """Third-party code no signature names, biggest first: a reviewer should identify it."""


# --------------------------------------------------------------------------- own and unknown code


@dataclass(frozen=True)
class OwnNamespace:
    """A package prefix of the app's own code (`scanner.detect.namespace` says how it is
    decided): no SDK and no unidentified third party is reported inside it."""

    prefix: str
    """Dotted package prefix; '' is the default package (R8's `-repackageclasses ''`)."""
    reason: str


class UnidentifiedKind(StrEnum):
    """What a piece of unidentified third-party code is."""

    PACKAGE = "package"
    """A class-package prefix (`org.java_websocket`)."""
    NATIVE_LIBRARY = "native_library"
    FRAMEWORK = "framework"
    """A Mach-O binary (an iOS framework or static library)."""


@dataclass(frozen=True)
class UnidentifiedCode:
    """Code that is neither the app's own nor a known SDK or library: a reviewer should say
    what it is (`scanner.detect.unidentified`)."""

    kind: UnidentifiedKind
    name: str
    """The package prefix, or the library file name."""
    class_count: int
    """Classes under the prefix; for a binary, the JNI / Objective-C classes it defines."""
    size: int
    """Bytes of a binary (the largest ABI's); 0 for a package."""
    evidence: tuple[Evidence, ...]
