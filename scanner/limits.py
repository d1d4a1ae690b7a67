"""Every bound privacy-scan puts on its work, in one place (see docs/robustness.md).

A bound protects the scanner from hostile or huge input: when one is reached the scan stops with a
clear one-line error (exit code 2), or, where the bound only trims what is listed, says so in the
result. Raise one only with a measurement that shows the new value is still safe.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TIMEOUT = 600.0
"""Seconds of wall-clock time for one app (and for reading the policy), unless --timeout says."""

MAX_BATCH = 10_000
"""Apps in one `scan` invocation (files given plus those found in folders)."""


# --------------------------------------------------------------------------- reading an app


@dataclass(frozen=True)
class Limits:
    """Safety limits for reading one app's container. Defaults suit real apps with a wide margin."""

    max_entries: int = 200_000
    max_entry_bytes: int = 512 << 20
    """Inflated size of any single entry (a dex, a manifest, a .so)."""
    max_total_bytes: int = 4 << 30
    """Inflated bytes read from one container, all entries together."""
    max_manifest_bytes: int = 16 << 20
    max_code_bytes: int = 1 << 30
    """Dex and class files kept in memory for the call-site scan, all together. Real apps hold
    a few hundred MiB of dex at most; without this cap a bomb of many dex files just under the
    per-entry limit would keep up to `max_total_bytes` in memory."""


DEFAULT_LIMITS = Limits()

MAX_VIRTUAL_ENTRIES = 10_000
"""Unlisted local headers walked in front of a zip archive's first entry (Android Gradle
Plugin's zipflinger writes one or a few as padding)."""

MAX_CLASSES = 2_000_000
"""Class names listed for one app (a real app has up to a few hundred thousand)."""
MAX_ASSETS_LISTED = 20_000
"""Asset names kept in the inventory; more are counted, not listed."""

MAX_RESOURCE_TABLE_BYTES = 32 << 20
"""An app bundle module's resources.pb, parsed whole by protobuf to resolve the label. Real
tables hold a few MiB (450 KB for bundletool's 2,000-entry sample); a valid table of tiny
entries costs protobuf about 20 times its size: 31 MiB of it (a 70 KB download) took 2.4 s and
640 MiB. Past the cap the label stays a reference, with a warning."""
MAX_ARSC_CHUNKS = 100_000
"""Chunks walked in resources.arsc to resolve one string resource."""
MAX_REFERENCE_DEPTH = 8
"""Resource references followed (@string/a -> @string/b -> ...) before giving up."""

MAX_JNI_CLASSES = 2000
"""Java classes decoded from one native library's Java_* exports."""
MAX_OBJC_CLASSES = 5000
"""Objective-C classes listed from one Mach-O binary."""
MAX_AR_MEMBERS = 20_000
"""Members read from one iOS static library (ar archive)."""

MAX_ELF_SECTIONS = 100_000
"""Section headers read from one ELF file (real libraries have a few dozen); a larger table is
ignored, as a damaged one is: the dynamic view does not need it."""
MAX_ELF_SEGMENTS = 4096
"""Program headers in one ELF file (real libraries have about ten)."""
MAX_ELF_DYNAMIC_ENTRIES = 100_000
"""Dynamic section entries in one ELF file (real libraries have a few dozen)."""
MAX_ELF_NEEDED = 10_000
"""DT_NEEDED entries in one ELF file."""
MAX_ELF_SYMBOLS = 1_000_000
"""Dynamic symbols in one ELF file (large real libraries have tens of thousands)."""


# --------------------------------------------------------------------------- binary XML (manifest)

MAX_AXML_CHUNKS = 500_000
"""A 16 MiB manifest (the archive cap) of the smallest chunks; real ones have a few thousand."""
MAX_AXML_ATTRIBUTES = 2_048
"""Per element; the richest real manifest elements have a few dozen."""
MAX_AXML_DEPTH = 256
"""Manifests nest six or seven levels deep."""


# --------------------------------------------------------------------------- the policy

MAX_POLICY_BYTES = 20 * 1024 * 1024
"""Largest policy read from a file or URL; real policies are well under 1 MB."""
MAX_POLICY_TEXT_CHARS = 2_000_000
"""Most readable text a policy may hold (markup excluded). The longest real policies hold a few
hundred thousand characters, and the analysis time grows with the text, so anything larger is
refused rather than left to run for minutes."""
MAX_POLICY_HTML_TAGS = 300_000
"""Most tags an HTML policy may hold: real policy pages hold a few tens of thousands, and parsing
takes time and memory per element (millions of empty tags take a minute and gigabytes)."""
POLICY_FETCH_TIMEOUT = 20.0
"""Seconds to fetch a policy URL."""


# --------------------------------------------------------------------------- iOS apps

MAX_PLIST_BYTES = 8 << 20
"""Largest Info.plist or PrivacyInfo.xcprivacy read (real ones are a few KiB to a few hundred)."""
MAX_PLIST_DEPTH = 64
"""Containers nested inside one plist (real Info.plists nest five or six levels)."""
MAX_PLIST_NODES = 200_000
"""Values walked in one plist, shared references counted each time they are reached (a binary
plist can reference one array from many places: a small file, an exponential tree)."""
MAX_IOS_BINARIES = 2_000
"""Mach-O files read from one iOS app (the executable, frameworks, dylibs, app extensions)."""
MAX_MACHO_SLICES = 16
"""Architecture slices accepted in one fat Mach-O header (real ones hold two to five)."""
MAX_IMPORTED_SYMBOLS = 200_000
"""Imported symbols kept from one Mach-O binary (a large app imports tens of thousands)."""
MAX_SELECTORS = 500_000
"""Objective-C selector names kept from one Mach-O binary."""


# --------------------------------------------------------------------------- catalogue batches

MAX_CATALOGUE = 1_000_000
"""Apps in one `batch` invocation (files, folders and manifest rows together). Each app costs the
client a few hundred bytes while planning; a catalogue larger than this is split into runs."""
MAX_MANIFEST_BYTES = 256 << 20
"""Largest CSV / JSONL manifest read (a million rows of two long paths fit)."""
MAX_DOWNLOAD_BYTES = 4 << 30
"""Largest app fetched from a URL by a worker: the inflated-bytes cap of one container."""
