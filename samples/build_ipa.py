"""Build the iOS fixture app, samples/ipa/shopping-demo.ipa, from nothing but this script.

    python samples/build_ipa.py            # writes samples/ipa/shopping-demo.ipa
    python samples/build_ipa.py --check    # fails when the committed file differs

No Apple toolchain runs here, so every part is written directly: the Mach-O binaries by
tests/macho_writer.py (an arm64 executable and an arm64 framework with the load commands,
symbol table and Objective-C sections a linker leaves), Info.plist as a binary plist, the privacy
manifests as XML plists. The "SDK" is a framework **we wrote** under the real SDK's framework
name and class names (AppsFlyerLib), importing the APIs the real SDK is documented to use; it
holds no vendor code. Zip entries are sorted and time-stamped 2024-01-01, so a rebuild gives the
same bytes.

The app is the shopping demo's iOS twin; its policy is samples/policies/rakufun-shop-ios-policy.md.
What the scan should find, by design:
- usage keys: camera, photo library, location when in use, contacts (not in the policy: PS201),
  tracking (ATT), Bluetooth (no capability category; not in the policy: PS301);
- the app's privacy manifest: precise location and email address (disclosed), purchase history
  (not in the policy: PS301); file timestamp and user defaults declared with reasons, while the
  executable also imports mach_absolute_time (system boot time, undeclared: PS302);
- AppsFlyerLib.framework: its classes (the SDK signature's objc_classes), its bundle id, a
  privacy manifest with NSPrivacyTracking and a tracking domain the policy does not name (PS301),
  and imports of ASIdentifierManager.advertisingIdentifier and UIDevice.identifierForVendor.
"""

from __future__ import annotations

import io
import plistlib
import sys
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests")]

from macho_writer import MachOSpec, build_macho  # noqa: E402

OUT = REPO / "samples" / "ipa" / "shopping-demo.ipa"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
APP = "Payload/RakufunShop.app/"
SDK = APP + "Frameworks/AppsFlyerLib.framework/"
TRACKING_DOMAIN = "attribution.appsflyer-demo.example"

_SYSTEM = "/System/Library/Frameworks/{0}.framework/{0}"
_LIBS = ["/usr/lib/libobjc.A.dylib", "/usr/lib/libSystem.B.dylib"]


def _frameworks(*names: str) -> list[str]:
    return [_SYSTEM.format(n) for n in names]


def app_binary(cryptid: int = 0) -> bytes:
    dylibs = [
        *_frameworks(
            "Foundation",
            "UIKit",
            "AVFoundation",
            "CoreLocation",
            "Photos",
            "Contacts",
            "AppTrackingTransparency",
        ),
        "@rpath/AppsFlyerLib.framework/AppsFlyerLib",
        *_LIBS,
    ]
    lib = {path.rsplit("/", 1)[-1]: i + 1 for i, path in enumerate(dylibs)}
    imports = [
        ("_OBJC_CLASS_$_AVCaptureDevice", lib["AVFoundation"]),
        ("_OBJC_CLASS_$_CLLocationManager", lib["CoreLocation"]),
        ("_OBJC_CLASS_$_PHPhotoLibrary", lib["Photos"]),
        ("_OBJC_CLASS_$_CNContactStore", lib["Contacts"]),
        ("_OBJC_CLASS_$_ATTrackingManager", lib["AppTrackingTransparency"]),
        ("_OBJC_CLASS_$_UIPasteboard", lib["UIKit"]),
        ("_OBJC_CLASS_$_NSUserDefaults", lib["Foundation"]),
        ("_OBJC_CLASS_$_AppsFlyerLib", lib["AppsFlyerLib"]),
        ("_objc_msgSend", lib["libobjc.A.dylib"]),
        ("_stat", lib["libSystem.B.dylib"]),
        ("_mach_absolute_time", lib["libSystem.B.dylib"]),
    ]
    selectors = [
        "defaultDeviceWithMediaType:",
        "requestWhenInUseAuthorization",
        "startUpdatingLocation",
        "requestAuthorization:",
        "requestAccessForEntityType:completionHandler:",
        "requestTrackingAuthorizationWithCompletionHandler:",
        "generalPasteboard",
        "hasStrings",
        "string",
        "standardUserDefaults",
        "shared",
        "start",
    ]
    return build_macho(
        MachOSpec(
            dylibs=dylibs,
            imports=imports,
            defined_classes=["RKSAppDelegate", "RKSScanViewController"],
            selectors=selectors,
            cryptid=cryptid,
        )
    )


def sdk_binary() -> bytes:
    dylibs = [*_frameworks("Foundation", "UIKit", "AdSupport"), *_LIBS]
    lib = {path.rsplit("/", 1)[-1]: i + 1 for i, path in enumerate(dylibs)}
    return build_macho(
        MachOSpec(
            dylibs=dylibs,
            imports=[
                ("_OBJC_CLASS_$_ASIdentifierManager", lib["AdSupport"]),
                ("_OBJC_CLASS_$_UIDevice", lib["UIKit"]),
                ("_objc_msgSend", lib["libobjc.A.dylib"]),
            ],
            defined_classes=["AppsFlyerLib", "AppsFlyerDeepLink"],
            selectors=[
                "sharedManager",
                "advertisingIdentifier",
                "currentDevice",
                "identifierForVendor",
            ],
            install_name="@rpath/AppsFlyerLib.framework/AppsFlyerLib",
        )
    )


def app_info() -> dict[str, Any]:
    return {
        "CFBundleExecutable": "RakufunShop",
        "CFBundleIdentifier": "com.rakufun.shop",
        "CFBundleName": "RakufunShop",
        "CFBundleDisplayName": "Rakufun Shop",
        "CFBundleShortVersionString": "2.4.0",
        "CFBundleVersion": "240",
        "CFBundlePackageType": "APPL",
        "MinimumOSVersion": "15.0",
        "NSCameraUsageDescription": "Scan a product code or take a photo for your review.",
        "NSPhotoLibraryUsageDescription": "Attach photos from your album to a review.",
        "NSLocationWhenInUseUsageDescription": "Show the Rakufun stores near you.",
        "NSContactsUsageDescription": "Invite friends from your contacts to Rakufun.",
        "NSUserTrackingUsageDescription": "Lets us measure which ads brought you to Rakufun.",
        "NSBluetoothAlwaysUsageDescription": "Pair with the checkout terminal in our stores.",
        "UIBackgroundModes": ["remote-notification", "fetch"],
        "CFBundleURLTypes": [{"CFBundleURLName": "share", "CFBundleURLSchemes": ["rakufun"]}],
        "LSApplicationQueriesSchemes": ["alipay", "weixin"],
    }


def app_manifest() -> dict[str, Any]:
    def collected(kind: str, linked: bool, purposes: list[str]) -> dict[str, Any]:
        return {
            "NSPrivacyCollectedDataType": f"NSPrivacyCollectedDataType{kind}",
            "NSPrivacyCollectedDataTypeLinked": linked,
            "NSPrivacyCollectedDataTypeTracking": False,
            "NSPrivacyCollectedDataTypePurposes": [
                f"NSPrivacyCollectedDataTypePurpose{p}" for p in purposes
            ],
        }

    return {
        "NSPrivacyTracking": False,
        "NSPrivacyTrackingDomains": [],
        "NSPrivacyCollectedDataTypes": [
            collected("PreciseLocation", False, ["AppFunctionality"]),
            collected("EmailAddress", True, ["AppFunctionality"]),
            collected("PurchaseHistory", True, ["AppFunctionality", "Analytics"]),
        ],
        "NSPrivacyAccessedAPITypes": [
            {
                "NSPrivacyAccessedAPIType": "NSPrivacyAccessedAPICategoryUserDefaults",
                "NSPrivacyAccessedAPITypeReasons": ["CA92.1"],
            },
            {
                "NSPrivacyAccessedAPIType": "NSPrivacyAccessedAPICategoryFileTimestamp",
                "NSPrivacyAccessedAPITypeReasons": ["C617.1"],
            },
        ],
    }


def sdk_info() -> dict[str, Any]:
    return {
        "CFBundleExecutable": "AppsFlyerLib",
        "CFBundleIdentifier": "com.appsflyer.AppsFlyerLib",
        "CFBundleName": "AppsFlyerLib",
        "CFBundleShortVersionString": "6.12.0",
        "CFBundlePackageType": "FMWK",
    }


def sdk_manifest() -> dict[str, Any]:
    return {
        "NSPrivacyTracking": True,
        "NSPrivacyTrackingDomains": [TRACKING_DOMAIN],
        "NSPrivacyCollectedDataTypes": [
            {
                "NSPrivacyCollectedDataType": "NSPrivacyCollectedDataTypeDeviceID",
                "NSPrivacyCollectedDataTypeLinked": False,
                "NSPrivacyCollectedDataTypeTracking": True,
                "NSPrivacyCollectedDataTypePurposes": [
                    "NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising"
                ],
            }
        ],
        "NSPrivacyAccessedAPITypes": [],
    }


def binary_plist(doc: dict[str, Any]) -> bytes:
    return plistlib.dumps(doc, fmt=plistlib.FMT_BINARY)


def xml_plist(doc: dict[str, Any]) -> bytes:
    return plistlib.dumps(doc, fmt=plistlib.FMT_XML)


def demo_parts(cryptid: int = 0) -> dict[str, bytes]:
    """Every file of the .ipa by name (tests build variants from these)."""
    return {
        APP + "Info.plist": binary_plist(app_info()),
        APP + "PkgInfo": b"APPL????",
        APP + "RakufunShop": app_binary(cryptid),
        APP + "PrivacyInfo.xcprivacy": xml_plist(app_manifest()),
        SDK + "Info.plist": binary_plist(sdk_info()),
        SDK + "AppsFlyerLib": sdk_binary(),
        SDK + "PrivacyInfo.xcprivacy": xml_plist(sdk_manifest()),
    }


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name])
    return buffer.getvalue()


def build() -> bytes:
    return zip_bytes(demo_parts())


def main(argv: list[str]) -> int:
    data = build()
    if "--check" in argv:
        same = OUT.is_file() and OUT.read_bytes() == data
        print(f"{OUT}: {'matches' if same else 'DIFFERS from'} the build")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
