"""A bounds-checked reader of JVM class files (the code inside jar and aar SDK binaries).

It reads what the call-site scanner needs: the constant pool, the class name, each method's Code
attribute, the method references of invoke instructions, the field references of getstatic and the
strings of ldc instructions.
Nothing is resolved or verified beyond that. A malformed class file raises `ClassFormatError`,
never IndexError or a hang.

Format reference: The Java Virtual Machine Specification, chapter 4 (class file format) and
chapter 6 (instruction set).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Container, Iterator
from dataclasses import dataclass
from functools import cached_property

from scanner.extract.dex import decode_mutf8

MAGIC = b"\xca\xfe\xba\xbe"

# constant pool tags
UTF8, INTEGER, FLOAT, LONG, DOUBLE = 1, 3, 4, 5, 6
CLASS, STRING, FIELDREF, METHODREF, INTERFACE_METHODREF, NAME_AND_TYPE = 7, 8, 9, 10, 11, 12
METHOD_HANDLE, METHOD_TYPE, DYNAMIC, INVOKE_DYNAMIC, MODULE, PACKAGE = 15, 16, 17, 18, 19, 20
_ENTRY_SIZE = {
    INTEGER: 4,
    FLOAT: 4,
    LONG: 8,
    DOUBLE: 8,
    CLASS: 2,
    STRING: 2,
    FIELDREF: 4,
    METHODREF: 4,
    INTERFACE_METHODREF: 4,
    NAME_AND_TYPE: 4,
    METHOD_HANDLE: 3,
    METHOD_TYPE: 2,
    DYNAMIC: 4,
    INVOKE_DYNAMIC: 4,
    MODULE: 2,
    PACKAGE: 2,
}

INVOKE_OPCODES = frozenset([0xB6, 0xB7, 0xB8, 0xB9])
"""invokevirtual, invokespecial, invokestatic, invokeinterface: a u2 Methodref /
InterfaceMethodref index follows the opcode."""
INVOKEDYNAMIC = 0xBA
GETSTATIC = 0xB2
"""getstatic: a u2 Fieldref index follows the opcode."""
LDC, LDC_W = 0x12, 0x13
TABLESWITCH, LOOKUPSWITCH, WIDE, IINC = 0xAA, 0xAB, 0xC4, 0x84


def _instruction_lengths() -> bytes:
    """Length in bytes (opcode included) of every fixed-length JVM instruction."""
    length = [1] * 256
    spans = {
        2: [0x10, LDC, *range(0x15, 0x1A), *range(0x36, 0x3B), 0xA9, 0xBC],
        3: [
            0x11,
            LDC_W,
            0x14,
            IINC,
            *range(0x99, 0xA9),
            *range(0xB2, 0xB9),
            0xBB,
            0xBD,
            0xC0,
            0xC1,
            0xC6,
            0xC7,
        ],
        4: [0xC5],
        5: [0xB9, INVOKEDYNAMIC, 0xC8, 0xC9],
    }
    for size, opcodes in spans.items():
        for op in opcodes:
            length[op] = size
    return bytes(length)


INSTRUCTION_LENGTHS = _instruction_lengths()
_RECIPE_MARKERS = re.compile("[\x01\x02]")


class ClassFormatError(ValueError):
    """The bytes are not a well-formed class file (the message says what is broken)."""


@dataclass(frozen=True)
class MethodInfo:
    name: str
    descriptor: str
    code_off: int
    """Offset of the first bytecode byte in the class file; -1 for abstract / native methods."""
    code_length: int


Call = tuple[str, str, str, str, str]
"""(caller method, caller descriptor, owner class (dotted), method name, method descriptor)"""


def _internal_to_dotted(name: str) -> str:
    return name.replace("/", ".")


class ClassFile:
    """Lazy view of one class file: constant pool, class name, methods and their code."""

    def __init__(self, data: bytes, name: str = "") -> None:
        self.data = data
        self.name = name
        if len(data) < 10 or data[:4] != MAGIC:
            raise ClassFormatError("not a class file (bad magic)")
        try:
            self._offsets, self._tags, pos = self._read_constant_pool()
            self._access, self._this_class, _super = struct.unpack_from(">HHH", data, pos)
            pos += 6
            (interfaces,) = struct.unpack_from(">H", data, pos)
            pos += 2 + 2 * interfaces
            pos = self._skip_members(pos)  # fields
            self._methods_pos = pos
            self._attributes_pos = self._skip_members(pos)
        except struct.error as exc:
            raise ClassFormatError(f"truncated class file ({exc})") from exc
        self._utf8: dict[int, str] = {}

    # ------------------------------------------------------------------ constant pool
    def _read_constant_pool(self) -> tuple[list[int], bytes, int]:
        data = self.data
        (count,) = struct.unpack_from(">H", data, 8)
        offsets = [0] * count
        tags = bytearray(count)
        pos = 10
        i = 1
        while i < count:
            if pos >= len(data):
                raise ClassFormatError("constant pool runs past the end of the file")
            tag = data[pos]
            offsets[i] = pos + 1
            tags[i] = tag
            if tag == UTF8:
                (length,) = struct.unpack_from(">H", data, pos + 1)
                pos += 3 + length
            elif tag in _ENTRY_SIZE:
                pos += 1 + _ENTRY_SIZE[tag]
            else:
                raise ClassFormatError(f"constant pool entry {i}: unknown tag {tag}")
            i += 2 if tag in (LONG, DOUBLE) else 1  # 8-byte constants take two slots
        if pos > len(data):
            raise ClassFormatError("constant pool runs past the end of the file")
        return offsets, bytes(tags), pos

    def _entry(self, idx: int, *expected: int) -> int:
        """Offset of entry `idx`'s payload, checking its tag."""
        if not 0 < idx < len(self._tags) or self._tags[idx] not in expected:
            raise ClassFormatError(f"constant pool index {idx} is not of tag {expected}")
        return self._offsets[idx]

    def utf8(self, idx: int) -> str:
        cached = self._utf8.get(idx)
        if cached is None:
            off = self._entry(idx, UTF8)
            (length,) = struct.unpack_from(">H", self.data, off)
            cached = decode_mutf8(self.data[off + 2 : off + 2 + length])
            self._utf8[idx] = cached
        return cached

    def _u2_pair(self, idx: int, *expected: int) -> tuple[int, int]:
        off = self._entry(idx, *expected)
        first, second = struct.unpack_from(">HH", self.data, off)
        return first, second

    def class_ref(self, idx: int) -> str:
        """Internal name (com/foo/Bar) of a Class entry."""
        (name_idx,) = struct.unpack_from(">H", self.data, self._entry(idx, CLASS))
        return self.utf8(name_idx)

    def member_ref(self, idx: int) -> tuple[str, str, str]:
        """(owner internal name, name, descriptor) of a Methodref / InterfaceMethodref."""
        class_idx, nat_idx = self._u2_pair(idx, METHODREF, INTERFACE_METHODREF)
        name_idx, desc_idx = self._u2_pair(nat_idx, NAME_AND_TYPE)
        return self.class_ref(class_idx), self.utf8(name_idx), self.utf8(desc_idx)

    def field_ref(self, idx: int) -> tuple[str, str, str]:
        """(owner internal name, name, descriptor) of a Fieldref."""
        class_idx, nat_idx = self._u2_pair(idx, FIELDREF)
        name_idx, desc_idx = self._u2_pair(nat_idx, NAME_AND_TYPE)
        return self.class_ref(class_idx), self.utf8(name_idx), self.utf8(desc_idx)

    def string_constant(self, idx: int) -> str | None:
        """The text of a String entry; None for the other loadable constants."""
        if not 0 < idx < len(self._tags) or self._tags[idx] != STRING:
            return None
        (utf8_idx,) = struct.unpack_from(">H", self.data, self._offsets[idx])
        return self.utf8(utf8_idx)

    def method_handle_ref(self, idx: int) -> tuple[str, str, str] | None:
        """The method a MethodHandle entry points at (None for field handles)."""
        off = self._entry(idx, METHOD_HANDLE)
        kind = self.data[off]
        (ref,) = struct.unpack_from(">H", self.data, off + 1)
        return self.member_ref(ref) if kind >= 5 else None  # 1-4 get/put field

    # ------------------------------------------------------------------ structure
    @property
    def class_name(self) -> str:
        """Dotted name of the class this file defines."""
        return _internal_to_dotted(self.class_ref(self._this_class))

    def _skip_members(self, pos: int) -> int:
        (count,) = struct.unpack_from(">H", self.data, pos)
        pos += 2
        for _ in range(count):
            pos = self._skip_attributes(pos + 6)
        return pos

    def _skip_attributes(self, pos: int) -> int:
        (count,) = struct.unpack_from(">H", self.data, pos)
        pos += 2
        for _ in range(count):
            (length,) = struct.unpack_from(">I", self.data, pos + 2)
            pos += 6 + length
            if pos > len(self.data):
                raise ClassFormatError("attribute runs past the end of the file")
        return pos

    def _attributes(self, pos: int) -> Iterator[tuple[str, int, int]]:
        """(name, payload offset, payload length) of the attributes table at `pos`."""
        (count,) = struct.unpack_from(">H", self.data, pos)
        pos += 2
        for _ in range(count):
            name_idx, length = struct.unpack_from(">HI", self.data, pos)
            if pos + 6 + length > len(self.data):
                raise ClassFormatError("attribute runs past the end of the file")
            yield self.utf8(name_idx), pos + 6, length
            pos += 6 + length

    @cached_property
    def methods(self) -> tuple[MethodInfo, ...]:
        try:
            return tuple(self._read_methods())
        except struct.error as exc:
            raise ClassFormatError(f"truncated method table ({exc})") from exc

    def _read_methods(self) -> Iterator[MethodInfo]:
        data = self.data
        pos = self._methods_pos
        (count,) = struct.unpack_from(">H", data, pos)
        pos += 2
        for _ in range(count):
            _access, name_idx, desc_idx = struct.unpack_from(">HHH", data, pos)
            code_off, code_length = -1, 0
            for attr, off, length in self._attributes(pos + 6):
                if attr == "Code":
                    (code_length,) = struct.unpack_from(">I", data, off + 4)
                    code_off = off + 8
                    if code_length > length - 8:
                        raise ClassFormatError("Code attribute shorter than its code")
            yield MethodInfo(self.utf8(name_idx), self.utf8(desc_idx), code_off, code_length)
            pos = self._skip_attributes(pos + 6)

    @cached_property
    def bootstrap_methods(self) -> tuple[tuple[int, ...], ...]:
        """Per BootstrapMethods entry: the bootstrap method handle index, then its arguments."""
        out: list[tuple[int, ...]] = []
        try:
            for attr, off, _length in self._attributes(self._attributes_pos):
                if attr != "BootstrapMethods":
                    continue
                (count,) = struct.unpack_from(">H", self.data, off)
                pos = off + 2
                for _ in range(count):
                    ref, nargs = struct.unpack_from(">HH", self.data, pos)
                    args = struct.unpack_from(f">{nargs}H", self.data, pos + 4)
                    out.append((ref, *args))
                    pos += 4 + 2 * nargs
        except struct.error as exc:
            raise ClassFormatError(f"truncated BootstrapMethods ({exc})") from exc
        return tuple(out)

    # ------------------------------------------------------------------ code
    def instructions(self, method: MethodInfo) -> Iterator[tuple[int, int]]:
        """(opcode, constant-pool index or -1) of every instruction of `method`'s code."""
        data = self.data
        lengths = INSTRUCTION_LENGTHS
        start = method.code_off
        end = start + method.code_length
        pos = start
        while pos < end:
            op = data[pos]
            if op in (TABLESWITCH, LOOKUPSWITCH):
                pad = (4 - (pos - start + 1) % 4) % 4
                body = pos + 1 + pad
                if body + 12 > end:
                    raise ClassFormatError("switch runs past the end of the code")
                if op == TABLESWITCH:
                    low, high = struct.unpack_from(">ii", data, body + 4)
                    if high < low:
                        raise ClassFormatError("tableswitch with high < low")
                    size = 1 + pad + 12 + 4 * (high - low + 1)
                else:
                    (pairs,) = struct.unpack_from(">i", data, body + 4)
                    if pairs < 0:
                        raise ClassFormatError("lookupswitch with a negative pair count")
                    size = 1 + pad + 8 + 8 * pairs
                index = -1
            elif op == WIDE:
                if pos + 1 >= end:
                    raise ClassFormatError("wide at the end of the code")
                size = 6 if data[pos + 1] == IINC else 4
                index = -1
            else:
                size = lengths[op]
                if pos + size > end:
                    raise ClassFormatError("instruction runs past the end of the code")
                if size >= 3 and op in _CP_U2_OPCODES:
                    index = data[pos + 1] << 8 | data[pos + 2]
                elif op == LDC:
                    index = data[pos + 1]
                else:
                    index = -1
            if pos + size > end:
                raise ClassFormatError("instruction runs past the end of the code")
            yield op, index
            pos += size

    def iter_calls(self) -> Iterator[Call]:
        """Every invoke instruction's target, per calling method (invokedynamic contributes the
        methods its bootstrap method handle and method-handle arguments point at)."""
        for method in self.methods:
            if method.code_off < 0:
                continue
            for op, index in self.instructions(method):
                if op in INVOKE_OPCODES:
                    owner, name, desc = self.member_ref(index)
                    yield method.name, method.descriptor, _internal_to_dotted(owner), name, desc
                elif op == INVOKEDYNAMIC:
                    for owner, name, desc in self._dynamic_targets(index):
                        yield method.name, method.descriptor, _internal_to_dotted(owner), name, desc

    def int_constant(self, idx: int) -> int | None:
        """The value of an Integer entry; None for the other loadable constants."""
        if not 0 < idx < len(self._tags) or self._tags[idx] != INTEGER:
            return None
        (value,) = struct.unpack_from(">i", self.data, self._offsets[idx])
        return int(value)

    def _branch_targets(self, method: MethodInfo) -> set[int]:
        """Code offsets (from the start of the code) that a branch or switch can jump to."""
        data, start = self.data, method.code_off
        out: set[int] = set()
        pos = start
        for op, _index in self.instructions(method):
            here = pos - start
            if op in _BRANCHES:
                out.add(here + struct.unpack_from(">h", data, pos + 1)[0])
            elif op in (GOTO_W, JSR_W):
                out.add(here + struct.unpack_from(">i", data, pos + 1)[0])
            elif op in (TABLESWITCH, LOOKUPSWITCH):
                body = pos + 1 + (4 - (here + 1) % 4) % 4
                out.add(here + struct.unpack_from(">i", data, body)[0])
                if op == TABLESWITCH:
                    low, high = struct.unpack_from(">ii", data, body + 4)
                    offsets = struct.unpack_from(f">{high - low + 1}i", data, body + 12)
                else:
                    (pairs,) = struct.unpack_from(">i", data, body + 4)
                    offsets = struct.unpack_from(f">{2 * pairs}i", data, body + 8)[1::2]
                out.update(here + o for o in offsets)
            pos += self._length_at(pos, start)
        return out

    def _length_at(self, pos: int, start: int) -> int:
        """Length of the instruction at `pos` (the same rules as `instructions`)."""
        data = self.data
        op = data[pos]
        if op in (TABLESWITCH, LOOKUPSWITCH):
            pad = (4 - (pos - start + 1) % 4) % 4
            body = pos + 1 + pad
            if op == TABLESWITCH:
                low, high = struct.unpack_from(">ii", data, body + 4)
                return 1 + pad + 12 + 4 * (int(high) - int(low) + 1)
            (pairs,) = struct.unpack_from(">i", data, body + 4)
            return 1 + pad + 8 + 8 * int(pairs)
        if op == WIDE:
            return 6 if data[pos + 1] == IINC else 4
        return INSTRUCTION_LENGTHS[op]

    def _pushed(self, pos: int) -> StackValue:
        """The value the simple push at `pos` puts on the stack, when it is a constant."""
        data = self.data
        op = data[pos]
        if 0x02 <= op <= 0x08:  # iconst_m1 .. iconst_5
            return op - 0x03
        if op == 0x10:  # bipush
            return int(struct.unpack_from(">b", data, pos + 1)[0])
        if op == 0x11:  # sipush
            return int(struct.unpack_from(">h", data, pos + 1)[0])
        if op in (LDC, LDC_W):
            idx = data[pos + 1] if op == LDC else data[pos + 1] << 8 | data[pos + 2]
            text = self.string_constant(idx)
            return text if text is not None else self.int_constant(idx)
        if op == GETSTATIC:
            owner, name, _desc = self.field_ref(data[pos + 1] << 8 | data[pos + 2])
            return StaticFieldRef(_internal_to_dotted(owner), name)
        return None

    def iter_invoke_arguments(
        self, wanted: Container[tuple[str, str]]
    ) -> Iterator[tuple[str, str, str, str, str, tuple[StackValue, ...]]]:
        """(caller method, caller descriptor, owner (dotted), name, descriptor, argument values)
        of every invoke of a wanted (owner, name). An argument's value is the constant pushed
        for its stack slot when the instructions between that push and the invoke are all
        simple one-value pushes and none is a branch target; otherwise None."""
        for method in self.methods:
            if method.code_off < 0:
                continue
            targets: set[int] | None = None
            recent: list[tuple[int, int]] = []  # (code offset, opcode) of the last instructions
            pos = method.code_off
            for op, index in self.instructions(method):
                here = pos - method.code_off
                if op in INVOKE_OPCODES:
                    owner, name, desc = self.member_ref(index)
                    dotted = _internal_to_dotted(owner)
                    if (dotted, name) in wanted:
                        if targets is None:
                            targets = self._branch_targets(method)
                        values = self._look_back(
                            recent, here, argument_count(desc), targets, method.code_off
                        )
                        yield method.name, method.descriptor, dotted, name, desc, values
                recent.append((here, op))
                del recent[:-8]
                pos += self._length_at(pos, method.code_off)

    def _look_back(
        self,
        recent: list[tuple[int, int]],
        invoke_at: int,
        count: int,
        targets: set[int],
        code_off: int,
    ) -> tuple[StackValue, ...]:
        """Argument values from the last `count` instructions before the invoke at `invoke_at`
        (offsets in `recent` and `targets` are from the start of the code at `code_off`)."""
        values: list[StackValue] = [None] * count
        merged = invoke_at in targets  # another path can reach here with other values
        for back in range(min(count, len(recent))):  # back 0 = the last argument
            at, op = recent[-1 - back]
            if merged or op not in _SIMPLE_PUSHES:
                break
            values[count - 1 - back] = self._pushed(code_off + at)
            merged = at in targets
        return tuple(values)

    def _dynamic_targets(self, index: int) -> list[tuple[str, str, str]]:
        out = []
        for handle in self._bootstrap_of(index):
            if 0 < handle < len(self._tags) and self._tags[handle] == METHOD_HANDLE:
                target = self.method_handle_ref(handle)
                if target is not None:
                    out.append(target)
        return out

    def iter_static_reads(self) -> Iterator[Call]:
        """(caller method, caller descriptor, owner class (dotted), field name, field descriptor)
        of every getstatic."""
        for method in self.methods:
            if method.code_off < 0:
                continue
            for op, index in self.instructions(method):
                if op == GETSTATIC:
                    owner, name, desc = self.field_ref(index)
                    yield method.name, method.descriptor, _internal_to_dotted(owner), name, desc

    def iter_strings(self) -> Iterator[tuple[str, str, str]]:
        """(caller method, caller descriptor, text) of every String an ldc / ldc_w loads, and of
        the String arguments of invokedynamic bootstrap methods. javac 9+ compiles `"a" + x` to
        an invokedynamic whose recipe embeds the literal between \\1 / \\2 markers: the
        literal pieces are yielded one by one."""
        for method in self.methods:
            if method.code_off < 0:
                continue
            for op, index in self.instructions(method):
                if op in (LDC, LDC_W):
                    text = self.string_constant(index)
                    if text is not None:
                        yield method.name, method.descriptor, text
                elif op == INVOKEDYNAMIC:
                    for arg in self._bootstrap_of(index)[1:]:
                        text = self.string_constant(arg)
                        for piece in _RECIPE_MARKERS.split(text or ""):
                            if piece:
                                yield method.name, method.descriptor, piece

    def _bootstrap_of(self, indy_index: int) -> tuple[int, ...]:
        bootstrap_idx, _nat = self._u2_pair(indy_index, INVOKE_DYNAMIC)
        if bootstrap_idx >= len(self.bootstrap_methods):
            raise ClassFormatError(f"invokedynamic names bootstrap method {bootstrap_idx}")
        return self.bootstrap_methods[bootstrap_idx]

    def referenced_methods(self) -> Iterator[tuple[str, str]]:
        """(owner dotted, name) of every method reference in the constant pool: a cheap test
        of whether decoding the code can find anything."""
        for idx, tag in enumerate(self._tags):
            if tag in (METHODREF, INTERFACE_METHODREF):
                owner, name, _desc = self.member_ref(idx)
                yield _internal_to_dotted(owner), name

    def referenced_fields(self) -> Iterator[tuple[str, str]]:
        """(owner dotted, name) of every field reference in the constant pool."""
        for idx, tag in enumerate(self._tags):
            if tag == FIELDREF:
                owner, name, _desc = self.field_ref(idx)
                yield _internal_to_dotted(owner), name

    def string_constants(self) -> Iterator[str]:
        """The text of every String constant in the pool."""
        for idx, tag in enumerate(self._tags):
            if tag == STRING:
                text = self.string_constant(idx)
                if text is not None:
                    yield text


_CP_U2_OPCODES = frozenset(
    [LDC_W, 0x14, *range(0xB2, 0xBA), INVOKEDYNAMIC, 0xBB, 0xBD, 0xC0, 0xC1, 0xC5]
)
"""Instructions whose first operand is a u2 constant-pool index."""


# Instructions that push exactly one value and pop none: the only ones the argument look-back
# steps over (aconst_null, iconst_*, lconst_*, fconst_*, dconst_*, bipush, sipush, ldc*, the
# loads, getstatic).
_SIMPLE_PUSHES = frozenset([*range(0x01, 0x1A), *range(0x1A, 0x2E), GETSTATIC])
_BRANCHES = frozenset([*range(0x99, 0xA9), 0xC6, 0xC7])
"""if*, goto, jsr, ifnull, ifnonnull: a signed u2 offset follows the opcode."""
GOTO_W, JSR_W = 0xC8, 0xC9


@dataclass(frozen=True)
class StaticFieldRef:
    """A value pushed by getstatic: the field is named, its value is not known."""

    owner: str
    """Dotted class."""
    name: str


StackValue = str | int | StaticFieldRef | None
"""What an argument slot holds at an invoke; None = not known."""


def argument_count(descriptor: str) -> int:
    """Number of parameters of a method descriptor (a long or double counts once)."""
    count, i = 0, 1
    while i < len(descriptor) and descriptor[i] != ")":
        while descriptor[i] == "[":
            i += 1
        if descriptor[i] == "L":
            i = descriptor.index(";", i)
        count += 1
        i += 1
    return count


def class_name_of(data: bytes) -> str:
    """Dotted name of the class a class file defines; raises ClassFormatError."""
    return ClassFile(data).class_name


def iter_calls(data: bytes) -> Iterator[Call]:
    """(caller method, caller descriptor, owner class, name, descriptor) of every call."""
    try:
        yield from ClassFile(data).iter_calls()
    except (struct.error, IndexError) as exc:
        raise ClassFormatError(f"malformed class file ({exc})") from exc


def iter_strings(data: bytes) -> Iterator[tuple[str, str, str]]:
    """(caller method, caller descriptor, text) of every string constant loaded by ldc."""
    try:
        yield from ClassFile(data).iter_strings()
    except (struct.error, IndexError) as exc:
        raise ClassFormatError(f"malformed class file ({exc})") from exc
