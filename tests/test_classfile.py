"""The class-file reader and class-file call sites: on classes javac compiles here, on real SDK
jars (cross-checked against `javap -c`), and on hostile bytes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from realworld import real_world_file

from scanner.detect.callsites import find_class_file_call_sites
from scanner.extract.classfile import (
    INSTRUCTION_LENGTHS,
    ClassFile,
    ClassFormatError,
    StaticFieldRef,
    class_name_of,
    iter_calls,
    iter_strings,
)
from scanner.model import CodeEvidenceKind, Strength
from scanner.signatures.catalog import ApiSignature, Capability, FieldSignature

JAVAC = shutil.which("javac")
JAVAP = shutil.which("javap")
needs_javac = pytest.mark.skipif(JAVAC is None, reason="javac not installed")

CLIP = "android.content.ClipboardManager"
MEDIA = "android.provider.MediaStore$Images$Media"
CAPS = (
    Capability(
        "clipboard",
        "c",
        "c",
        "",
        (),
        (),
        (ApiSignature(CLIP, "getPrimaryClip", "read", "clipboard"),),
        (),
        ("test",),
    ),
    Capability("sms", "s", "s", "", (), (), (), ("content://sms",), ("test",)),
    # CONTENT_TYPE is a compile-time constant: javac inlines it, so it is never a getstatic
    Capability(
        "album",
        "a",
        "a",
        "",
        (),
        (),
        (),
        (),
        ("test",),
        (
            FieldSignature(MEDIA, "EXTERNAL_CONTENT_URI", "read", "album"),
            FieldSignature(MEDIA, "CONTENT_TYPE", "read", "album"),
        ),
    ),
)

STUB = """
package android.content;
public class ClipboardManager {
    public Object getPrimaryClip() { return null; }
}
"""

MEDIA_STUB = """
package android.provider;
public final class MediaStore {
    public static final class Images {
        public static final class Media {
            public static final Object EXTERNAL_CONTENT_URI = new Object();
            public static final Object INTERNAL_CONTENT_URI = new Object();
            public static final String CONTENT_TYPE = "vnd.android.cursor.dir/image";
        }
    }
}
"""


def _many_locals() -> str:
    """A method with > 256 locals so javac must emit wide loads and a wide iinc."""
    decls = "\n".join(f"        int v{i} = {i};" for i in range(300))
    return f"""
    static int manyLocals() {{
{decls}
        v299 += 1000;
        return v299 + v0;
    }}"""


SOURCE = f"""
package com.umeng.commonsdk.utils;

import android.content.ClipboardManager;
import java.util.function.Supplier;

public class ClipboardHelper {{
    public static String readShareCode(ClipboardManager cm, int key) {{
        switch (key) {{          // dense keys: tableswitch
            case 1: key += 10; break;
            case 2: key += 20; break;
            case 3: key += 30; break;
            case 4: key += 40; break;
        }}
        switch (key) {{          // sparse keys: lookupswitch
            case 7: key = 1; break;
            case 1000: key = 2; break;
            case 100000: key = 3; break;
        }}
        Object clip = cm.getPrimaryClip();
        return "content://sms/inbox" + clip + key;
    }}

    static Supplier<Object> viaMethodReference(ClipboardManager cm) {{
        return cm::getPrimaryClip;
    }}

    static Object viaReflection() throws Exception {{
        return Class.forName("android.content.ClipboardManager").getMethod("getPrimaryClip");
    }}

    static String harmless() {{ return "content://smsx"; }}

    static Object album() {{
        return android.provider.MediaStore.Images.Media.EXTERNAL_CONTENT_URI;
    }}

    static Object internalAlbum() {{
        return android.provider.MediaStore.Images.Media.INTERNAL_CONTENT_URI;
    }}

    static String mimeType() {{ return android.provider.MediaStore.Images.Media.CONTENT_TYPE; }}
{_many_locals()}
}}
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    if JAVAC is None:
        pytest.skip("javac not installed")
    src = tmp_path_factory.mktemp("java")
    (src / "android" / "content").mkdir(parents=True)
    (src / "android" / "content" / "ClipboardManager.java").write_text(STUB)
    (src / "android" / "provider").mkdir(parents=True)
    (src / "android" / "provider" / "MediaStore.java").write_text(MEDIA_STUB)
    pkg = src / "com" / "umeng" / "commonsdk" / "utils"
    pkg.mkdir(parents=True)
    (pkg / "ClipboardHelper.java").write_text(SOURCE)
    out = src / "out"
    subprocess.run(
        [JAVAC, "--release", "17", "-d", str(out), *map(str, src.rglob("*.java"))],
        check=True,
        capture_output=True,
    )
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.class")}


HELPER = "com/umeng/commonsdk/utils/ClipboardHelper.class"


@needs_javac
def test_class_name_and_methods(compiled: dict[str, bytes]) -> None:
    data = compiled[HELPER]
    assert class_name_of(data) == "com.umeng.commonsdk.utils.ClipboardHelper"
    names = {m.name for m in ClassFile(data).methods}
    assert {"<init>", "readShareCode", "viaMethodReference", "manyLocals"} <= names


@needs_javac
def test_switches_and_wide_are_decoded(compiled: dict[str, bytes]) -> None:
    cf = ClassFile(compiled[HELPER])
    ops = {m.name: [op for op, _ in cf.instructions(m)] for m in cf.methods if m.code_off >= 0}
    assert 0xAA in ops["readShareCode"] and 0xAB in ops["readShareCode"]
    assert 0xC4 in ops["manyLocals"]  # wide
    # decoding ends exactly at each method's end and sees the ireturn / areturn
    assert ops["manyLocals"][-1] == 0xAC
    assert ops["readShareCode"][-1] == 0xB0


@needs_javac
def test_calls_and_strings(compiled: dict[str, bytes]) -> None:
    data = compiled[HELPER]
    calls = set(iter_calls(data))
    assert (
        "readShareCode",
        "(Landroid/content/ClipboardManager;I)Ljava/lang/String;",
        CLIP,
        "getPrimaryClip",
        "()Ljava/lang/Object;",
    ) in calls
    # the method reference compiles to invokedynamic whose argument is a handle to the method
    supplier = "(Landroid/content/ClipboardManager;)Ljava/util/function/Supplier;"
    assert ("viaMethodReference", supplier, CLIP, "getPrimaryClip", "()Ljava/lang/Object;") in calls
    strings = {(m, s) for m, _d, s in iter_strings(data)}
    assert ("viaReflection", "android.content.ClipboardManager") in strings
    assert ("harmless", "content://smsx") in strings
    reads = {
        (m, owner, name, desc) for m, _d, owner, name, desc in ClassFile(data).iter_static_reads()
    }
    assert reads == {
        ("album", MEDIA, "EXTERNAL_CONTENT_URI", "Ljava/lang/Object;"),
        ("internalAlbum", MEDIA, "INTERNAL_CONTENT_URI", "Ljava/lang/Object;"),
    }  # CONTENT_TYPE was inlined as an ldc
    assert ("mimeType", "vnd.android.cursor.dir/image") in strings


@needs_javac
def test_class_file_call_sites(compiled: dict[str, bytes]) -> None:
    classes = [(f"sdk.jar!/{name}", data) for name, data in sorted(compiled.items())]
    sites = find_class_file_call_sites(classes, CAPS)
    got = {(s.caller_method, s.api_method or s.api_class, s.evidence_kind) for s in sites}
    assert got == {
        ("readShareCode", "getPrimaryClip", "invoke"),
        ("viaMethodReference", "getPrimaryClip", "invoke"),
        ("viaReflection", "getPrimaryClip", "reflection_string"),
        # javac 17 puts the literal into a string-concatenation recipe, not an ldc
        ("readShareCode", "content://sms/inbox", "const_string"),
        ("album", "EXTERNAL_CONTENT_URI", "field_read"),
    }
    assert all(s.caller_class == "com.umeng.commonsdk.utils.ClipboardHelper" for s in sites)
    assert {s.code_unit for s in sites} == {f"sdk.jar!/{HELPER}"}


def test_instruction_lengths_follow_the_spec() -> None:
    expected = {
        0x00: 1,
        0x10: 2,
        0x11: 3,
        0x12: 2,
        0x13: 3,
        0x14: 3,
        0x15: 2,
        0x19: 2,
        0x36: 2,
        0x84: 3,
        0x99: 3,
        0xA7: 3,
        0xA9: 2,
        0xB2: 3,
        0xB6: 3,
        0xB9: 5,
        0xBA: 5,
        0xBB: 3,
        0xBC: 2,
        0xC5: 4,
        0xC6: 3,
        0xC8: 5,
        0xB1: 1,
    }
    assert {op: INSTRUCTION_LENGTHS[op] for op in expected} == expected


# --------------------------------------------------------------------------- hostile


def _hostile(good: bytes) -> list[bytes]:
    out = [good[:n] for n in range(0, len(good), max(1, len(good) // 150))]
    step = max(1, len(good) // 400)
    for off in range(0, len(good), step):
        bad = bytearray(good)
        bad[off] ^= 0xFF
        out.append(bytes(bad))
    return out


@needs_javac
def test_hostile_class_files_raise_only_class_format_error(compiled: dict[str, bytes]) -> None:
    for data in _hostile(compiled[HELPER]):
        try:
            cf = ClassFile(data)
            _ = cf.class_name
            list(cf.iter_calls())
            list(cf.iter_strings())
            list(cf.iter_static_reads())
            list(cf.referenced_fields())
            find_class_file_call_sites([("x.class", data)], CAPS)
        except ClassFormatError:
            pass


def test_not_a_class_file() -> None:
    with pytest.raises(ClassFormatError):
        ClassFile(b"PK\x03\x04 not a class")
    errors: list[str] = []
    assert find_class_file_call_sites([("a.class", b"\xca\xfe\xba\xbe")], CAPS, errors) == ()
    assert errors and errors[0].startswith("a.class: ")


# --------------------------------------------------------------------------- real SDK jars

_CLASS_LINE = re.compile(r"^(?!\s)(?:.*\s)?(?:class|interface|enum)\s+([^\s<{]+)")
_CALL = re.compile(
    r"\binvoke(?:virtual|special|static|interface)\s+#\d+(?:,\s*\d+)?\s*"
    r"// (?:Interface)?Method (.+)$"
)
_GETSTATIC = re.compile(r"\bgetstatic\s+#\d+\s*// Field (.+)$")


def _javap_calls(
    classes: dict[str, bytes], tmp: Path, instruction: re.Pattern[str] = _CALL
) -> set[tuple[str, str, str, str, str]]:
    """(class, method, descriptor, owner, name) of every invoke* (or of every other
    `instruction` whose comment names a member), as `javap -c` prints them."""
    paths = []
    for name, data in classes.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(str(path))
    assert JAVAP is not None
    text = subprocess.run(
        [JAVAP, "-c", "-s", "-p", *paths], check=True, capture_output=True, text=True
    ).stdout
    out: set[tuple[str, str, str, str, str]] = set()
    cls = method = descriptor = ""
    pending = ""
    for line in text.splitlines():
        if m := _CLASS_LINE.match(line):
            cls = m.group(1)
        elif line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(";"):
            head = line.strip()
            if head == "static {};":
                pending = "<clinit>"
            else:
                token = head.split("(")[0].split()[-1] if "(" in head else ""
                pending = "<init>" if token == cls else token
        elif line.strip().startswith("descriptor:") and pending:
            method, descriptor, pending = pending, line.split(":", 1)[1].strip(), ""
        elif m := instruction.search(line):
            target = m.group(1)
            owner_name, _desc = target.rsplit(":", 1)
            owner, _, name = owner_name.rpartition(".")
            owner = owner.strip('"').replace("/", ".") or cls
            out.add((cls, method, descriptor, owner, name.strip('"')))
    return out


@pytest.mark.realworld
@pytest.mark.skipif(JAVAP is None, reason="javap not installed")
@pytest.mark.parametrize("jar", ["mta-sdk-1.6.2.jar", "libammsdk.jar"])
def test_real_jar_calls_equal_javap(jar: str, tmp_path: Path) -> None:
    with zipfile.ZipFile(real_world_file(jar)) as zf:
        classes = {n: zf.read(n) for n in zf.namelist() if n.endswith(".class")}
    ours = set()
    for data in classes.values():
        cf = ClassFile(data)
        for method, descriptor, owner, name, _desc in cf.iter_calls():
            ours.add((cf.class_name, method, descriptor, owner, name))
    theirs = _javap_calls(classes, tmp_path)
    assert len(theirs) > 1000
    assert sorted(ours - theirs)[:5] == []
    assert sorted(theirs - ours)[:5] == []


@pytest.mark.realworld
@pytest.mark.skipif(JAVAP is None, reason="javap not installed")
@pytest.mark.parametrize("jar", ["mta-sdk-1.6.2.jar", "libammsdk.jar"])
def test_real_jar_static_reads_equal_javap(jar: str, tmp_path: Path) -> None:
    with zipfile.ZipFile(real_world_file(jar)) as zf:
        classes = {n: zf.read(n) for n in zf.namelist() if n.endswith(".class")}
    ours = set()
    for data in classes.values():
        cf = ClassFile(data)
        for method, descriptor, owner, name, _desc in cf.iter_static_reads():
            ours.add((cf.class_name, method, descriptor, owner, name))
    theirs = _javap_calls(classes, tmp_path, _GETSTATIC)
    assert len(theirs) > 100
    assert sorted(ours - theirs)[:5] == []
    assert sorted(theirs - ours)[:5] == []


@pytest.mark.realworld
def test_real_aar_and_jar_call_sites() -> None:
    with (
        zipfile.ZipFile(real_world_file("alipaySdk-15.6.5-20190718211148.aar")) as aar,
        zipfile.ZipFile(io.BytesIO(aar.read("classes.jar"))) as jar,
    ):
        classes = [
            (f"classes.jar!/{n}", jar.read(n)) for n in jar.namelist() if n.endswith(".class")
        ]
    from scanner.signatures.catalog import capabilities

    sites = find_class_file_call_sites(classes, capabilities())
    assert {"device_id", "network_identifiers"} <= {s.category for s in sites}
    assert all(s.caller_class.startswith("com.") for s in sites)


# --------------------------------------------------------------------------- argument constants

ARG_STUBS = {
    "android/content/ContentResolver.java": "package android.content;\n"
    "public class ContentResolver {}\n",
    "android/content/Intent.java": "package android.content;\n"
    "public class Intent { public Intent setPackage(String p) { return this; } }\n",
    "android/provider/Settings.java": "package android.provider;\n"
    "public final class Settings { public static final class Secure {\n"
    "  public static String getString(android.content.ContentResolver cr, String k) {\n"
    "    return null; } } }\n",
    "android/hardware/Sensor.java": "package android.hardware;\npublic class Sensor {}\n",
    "android/hardware/SensorManager.java": "package android.hardware;\n"
    "public class SensorManager { public Sensor getDefaultSensor(int t) { return null; } }\n",
}

ARG_SOURCE = """
package org.example.traps;

import android.content.ContentResolver;
import android.content.Intent;
import android.hardware.Sensor;
import android.hardware.SensorManager;
import android.provider.Settings;

public class Keys {
    static String key = "android_id";  // not final: read with getstatic

    static String androidId(ContentResolver cr) {
        return Settings.Secure.getString(cr, "android_id");
    }
    static String listeners(ContentResolver cr) {
        return Settings.Secure.getString(cr, "enabled_notification_listeners");
    }
    static String anyKey(ContentResolver cr, String k) { return Settings.Secure.getString(cr, k); }
    static String either(ContentResolver cr, boolean b) {
        return Settings.Secure.getString(cr, b ? "android_id" : "enabled_notification_listeners");
    }
    static String viaField(ContentResolver cr) { return Settings.Secure.getString(cr, key); }
    static Intent other(Intent i) { return i.setPackage("com.other.app"); }
    static Intent anyPackage(Intent i, String p) { return i.setPackage(p); }
    static Sensor accelerometer(SensorManager sm) { return sm.getDefaultSensor(1); }
    static Sensor accelerometerUncalibrated(SensorManager sm) { return sm.getDefaultSensor(35); }
    static Sensor light(SensorManager sm) { return sm.getDefaultSensor(5); }
    static Sensor big(SensorManager sm) { return sm.getDefaultSensor(300); }
    static Sensor unknownType(SensorManager sm, int t) { return sm.getDefaultSensor(t); }
}
"""


@pytest.fixture(scope="module")
def keys_class(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if JAVAC is None:
        pytest.skip("javac not installed")
    src = tmp_path_factory.mktemp("keys")
    for rel, text in {**ARG_STUBS, "org/example/traps/Keys.java": ARG_SOURCE}.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    out = src / "out"
    subprocess.run(
        [JAVAC, "--release", "17", "-d", str(out), *map(str, src.rglob("*.java"))],
        check=True,
        capture_output=True,
    )
    return (out / "org" / "example" / "traps" / "Keys.class").read_bytes()


@needs_javac
def test_stack_values_at_invokes(keys_class: bytes) -> None:
    cf = ClassFile(keys_class)
    wanted = {
        ("android.provider.Settings$Secure", "getString"),
        ("android.hardware.SensorManager", "getDefaultSensor"),
    }
    values = {m: v for m, _d, _o, _n, _desc, v in cf.iter_invoke_arguments(wanted)}
    assert values == {
        "androidId": (None, "android_id"),  # aload_0 is a local: unknown
        "listeners": (None, "enabled_notification_listeners"),
        "anyKey": (None, None),
        "either": (None, None),  # the invoke is a branch merge point
        "viaField": (None, StaticFieldRef("org.example.traps.Keys", "key")),
        "accelerometer": (1,),  # iconst_1
        "accelerometerUncalibrated": (35,),  # bipush
        "light": (5,),
        "big": (300,),  # sipush
        "unknownType": (None,),
    }


@needs_javac
def test_class_file_argument_gated_call_sites(keys_class: bytes) -> None:
    from scanner.signatures.catalog import capabilities

    sites = find_class_file_call_sites([("keys.jar!/Keys.class", keys_class)], capabilities())
    got = {(s.caller_method, s.category, s.evidence_kind, s.strength, s.argument) for s in sites}
    invoke, const = CodeEvidenceKind.INVOKE, CodeEvidenceKind.CONST_STRING
    assert got == {
        ("androidId", "device_id", invoke, Strength.STRONG, "android_id"),
        ("anyKey", "device_id", invoke, Strength.WEAK, None),
        ("either", "device_id", invoke, Strength.WEAK, None),
        ("viaField", "device_id", invoke, Strength.WEAK, "org.example.traps.Keys.key"),
        ("other", "associated_startup", invoke, Strength.STRONG, "com.other.app"),
        ("anyPackage", "associated_startup", invoke, Strength.WEAK, None),
        ("accelerometer", "motion_sensors", invoke, Strength.STRONG, "1"),
        ("accelerometerUncalibrated", "motion_sensors", invoke, Strength.STRONG, "35"),
        # the "android_id" string constant itself is weak evidence wherever it is loaded
        ("androidId", "device_id", const, Strength.WEAK, None),
        ("either", "device_id", const, Strength.WEAK, None),
        ("<clinit>", "device_id", const, Strength.WEAK, None),
        # listeners: a key that is no identifier; light, big: not motion sensors;
        # unknownType: getDefaultSensor is strict, an unknown type gives nothing
    }
