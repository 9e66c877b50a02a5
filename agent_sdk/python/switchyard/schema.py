# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A flatbuffers Verifier for Python, driven by the schema itself.

The flatbuffers Python runtime reads without bounds checks: a hostile frame
can make it raise anywhere, or read past one table into another. The C++
side runs the flatbuffers Verifier on every frame; this module does the same
checks in Python. It reads the layout of every table from the schema that
flatc compiles, so a field the schema gains is verified without touching
this file:

- from flatc's binary schema, `switchyard.bfbs` (`flatc --binary --schema`),
  read with the flatbuffers runtime: flatc itself parsed the .fbs and laid
  out every table and struct (`Schema.from_bfbs`);
- if there is no .bfbs next to the generated code (a build that does not
  make one) but `flatc` is on PATH, it is made from the shipped .fbs copy
  into a temporary directory (`Schema.load`);
- otherwise, from the .fbs text with the small reader below (the fallback:
  Debian's python3-flatbuffers 2.0.8 has no `flatbuffers.reflection`, and
  a machine without flatc must still verify frames).

Checks, as flatbuffers' C++ Verifier makes them: every offset in bounds and
aligned, vtables in bounds, strings NUL-terminated, vectors within the
buffer, unions by their type, required fields present, and a limit on
nesting depth and table count.
"""

import os
import re
import shutil
import struct
import subprocess
import tempfile

__all__ = ["Schema", "SchemaError", "VerifyError"]


class SchemaError(Exception):
    """The .fbs uses something this reader does not understand."""


class VerifyError(ValueError):
    """A buffer that the flatbuffers Verifier would refuse."""


_SCALAR_SIZES = {
    "bool": 1, "byte": 1, "ubyte": 1, "int8": 1, "uint8": 1,
    "short": 2, "ushort": 2, "int16": 2, "uint16": 2,
    "int": 4, "uint": 4, "int32": 4, "uint32": 4, "float": 4, "float32": 4,
    "long": 8, "ulong": 8, "int64": 8, "uint64": 8, "double": 8,
    "float64": 8,
}

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_.]*'
                    r'|[-+]?[0-9][0-9A-Za-z_.+-]*|[{}()\[\]:;,=]')
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)

# Field kinds of a table layout.
SCALAR, STRUCT, STRING, TABLE, UNION, VECTOR = range(6)


class _Field:
    __slots__ = ("name", "slot", "kind", "size", "align", "ref", "elem",
                 "type_slot", "required")

    def __init__(self, name, slot):
        self.name = name
        self.slot = slot
        self.kind = None
        self.size = 0      # SCALAR/STRUCT: inline bytes; VECTOR: element bytes
        self.align = 1
        self.ref = None    # TABLE/UNION: the referenced name
        self.elem = None   # VECTOR: SCALAR, STRUCT, STRING or TABLE
        self.type_slot = None  # UNION: slot of its hidden _type field
        self.required = False


class _Tokens:
    def __init__(self, text):
        text = _COMMENT.sub(" ", text)
        self.items = []
        pos = 0
        for m in _TOKEN.finditer(text):
            if text[pos:m.start()].strip():
                raise SchemaError("unexpected text %r in schema"
                                  % text[pos:m.start()].strip()[:20])
            self.items.append(m.group())
            pos = m.end()
        if text[pos:].strip():
            raise SchemaError("unexpected text %r at the end of the schema"
                              % text[pos:].strip()[:20])
        self.i = 0

    def peek(self):
        return self.items[self.i] if self.i < len(self.items) else None

    def take(self, expected=None):
        tok = self.peek()
        if tok is None:
            raise SchemaError("unexpected end of schema")
        if expected is not None and tok != expected:
            raise SchemaError("expected %r, got %r" % (expected, tok))
        self.i += 1
        return tok

    def skip_until(self, closer):
        while self.take() != closer:
            pass


class Schema:
    """Table layouts read from a .fbs file, and a Verifier over them."""

    def __init__(self, text=None):
        self.file_identifier = None
        self.root_type = None
        self.enums = {}    # name -> underlying scalar size
        self.unions = {}   # name -> {type value: table name}
        self.structs = {}  # name -> (size, alignment)
        self.tables = {}   # name -> [_Field]
        self.source = None  # "bfbs" or "fbs": what the layouts came from
        self._raw_tables = {}
        self._raw_structs = {}
        if text is None:
            return
        self.source = "fbs"
        self._parse(_Tokens(text))
        for name, fields in self._raw_structs.items():
            self._layout_struct(name, fields, ())
        for name, fields in self._raw_tables.items():
            self.tables[name] = self._layout_table(name, fields)
        if self.root_type not in self.tables:
            raise SchemaError("root_type %r is not a table" % self.root_type)

    @classmethod
    def from_file(cls, path):
        """A schema from a .bfbs (binary) or .fbs (text) file."""
        if path.endswith(".bfbs"):
            with open(path, "rb") as f:
                return cls.from_bfbs(f.read())
        with open(path, encoding="utf-8") as f:
            return cls(f.read())

    @classmethod
    def from_bfbs(cls, data):
        """A schema from flatc's binary schema (`flatc --binary --schema`):
        the layouts flatc computed, read with the flatbuffers runtime."""
        return _read_bfbs(cls(), bytes(data))

    @classmethod
    def load(cls, directory, name="switchyard", flatc=None):
        """The schema shipped in \\p directory: NAME.bfbs if the build made
        one; else NAME.fbs compiled by flatc (`$FLATC`, or `flatc` on PATH)
        into a temporary binary schema; else NAME.fbs read as text."""
        bfbs = os.path.join(directory, name + ".bfbs")
        if os.path.isfile(bfbs):
            return cls.from_file(bfbs)
        fbs = os.path.join(directory, name + ".fbs")
        flatc = flatc or os.environ.get("FLATC") or shutil.which("flatc")
        if flatc:
            with tempfile.TemporaryDirectory(prefix="sy-bfbs-") as tmp:
                try:
                    subprocess.run([flatc, "--binary", "--schema", "-o", tmp,
                                    fbs], check=True, timeout=60,
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
                    with open(os.path.join(tmp, name + ".bfbs"), "rb") as f:
                        data = f.read()
                except (OSError, subprocess.SubprocessError):
                    data = None
            if data is not None:
                return cls.from_bfbs(data)
        return cls.from_file(fbs)

    def layouts(self):
        """Every table's fields as plain tuples (name, slot, kind, size,
        align, ref, elem, type_slot, required) in slot order, for
        comparisons."""
        return {t: sorted((tuple(getattr(f, a) for a in _Field.__slots__)
                           for f in fields), key=lambda f: f[1])
                for t, fields in self.tables.items()}

    # --- Parsing ----------------------------------------------------------

    def _parse(self, t):
        while t.peek() is not None:
            word = t.take()
            if word in ("namespace", "attribute", "file_extension"):
                t.skip_until(";")
            elif word == "file_identifier":
                self.file_identifier = t.take().strip('"').encode("ascii")
                t.take(";")
            elif word == "root_type":
                self.root_type = t.take()
                t.take(";")
            elif word == "enum":
                name = t.take()
                t.take(":")
                underlying = t.take()
                if underlying not in _SCALAR_SIZES:
                    raise SchemaError("enum %s: bad type %r"
                                      % (name, underlying))
                self.enums[name] = _SCALAR_SIZES[underlying]
                t.skip_until("{")
                t.skip_until("}")
            elif word == "union":
                name = t.take()
                self._skip_attributes(t)
                t.take("{")
                members, value = {}, 0
                while t.peek() != "}":
                    member = t.take()
                    if t.peek() == ":":
                        t.take()
                        member = t.take()
                    value += 1
                    if t.peek() == "=":
                        t.take()
                        value = int(t.take(), 0)
                    members[value] = member
                    if t.peek() == ",":
                        t.take()
                t.take("}")
                self.unions[name] = members
            elif word in ("table", "struct"):
                name = t.take()
                self._skip_attributes(t)
                t.take("{")
                fields = []
                while t.peek() != "}":
                    fields.append(self._parse_field(t))
                t.take("}")
                (self._raw_tables if word == "table"
                 else self._raw_structs)[name] = fields
            else:
                raise SchemaError("unsupported schema declaration %r" % word)

    @staticmethod
    def _skip_attributes(t):
        attrs = {}
        if t.peek() == "(":
            t.take()
            while t.peek() != ")":
                key = t.take()
                value = None
                if t.peek() == ":":
                    t.take()
                    value = t.take()
                attrs[key] = value
                if t.peek() == ",":
                    t.take()
            t.take(")")
        return attrs

    def _parse_field(self, t):
        name = t.take()
        t.take(":")
        if t.peek() == "[":
            t.take()
            elem = t.take()
            if t.peek() == ":":
                raise SchemaError("field %s: fixed-size arrays are not "
                                  "supported" % name)
            t.take("]")
            type_ = ("vector", elem)
        else:
            type_ = ("single", t.take())
        if t.peek() == "=":
            t.take()
            t.take()
        attrs = self._skip_attributes(t)
        t.take(";")
        return name, type_, attrs

    # --- Layout -----------------------------------------------------------

    def _layout_struct(self, name, fields, seen):
        if name in self.structs:
            return self.structs[name]
        if name in seen:
            raise SchemaError("struct %s contains itself" % name)
        size, align = 0, 1
        for fname, (shape, tname), _ in fields:
            if shape != "single":
                raise SchemaError("struct %s: field %s is not a scalar or "
                                  "struct" % (name, fname))
            if tname in _SCALAR_SIZES or tname in self.enums:
                fsize = _SCALAR_SIZES.get(tname) or self.enums[tname]
                falign = fsize
            elif tname in self._raw_structs:
                fsize, falign = self._layout_struct(
                    tname, self._raw_structs[tname], seen + (name,))
            else:
                raise SchemaError("struct %s: unknown type %s" % (name, tname))
            size = (size + falign - 1) // falign * falign + fsize
            align = max(align, falign)
        size = (size + align - 1) // align * align
        self.structs[name] = (size, align)
        return size, align

    def _layout_table(self, table, raw):
        explicit = [attrs.get("id") for _, _, attrs in raw]
        if any(explicit) and not all(explicit):
            raise SchemaError("table %s: 'id' must be on every field or none"
                              % table)
        fields, next_slot = [], 0
        for fname, (shape, tname), attrs in raw:
            tname = tname.rsplit(".", 1)[-1]  # namespace-qualified names
            is_union = shape == "single" and tname in self.unions
            if attrs.get("id") is not None:
                slot = int(attrs["id"])
            else:
                slot = next_slot + (1 if is_union else 0)
            next_slot = slot + 1
            f = _Field(fname, slot)
            f.required = "required" in attrs
            if is_union:
                f.kind, f.ref, f.type_slot = UNION, tname, slot - 1
            elif shape == "vector":
                f.kind = VECTOR
                f.elem, f.size, f.align, f.ref = self._element(table, fname,
                                                               tname)
            else:
                f.kind, f.size, f.align, f.ref = self._element(table, fname,
                                                               tname)
            fields.append(f)
        return fields

    def _element(self, table, field, tname):
        """(kind, inline size, alignment, referenced name) of one value."""
        if tname in _SCALAR_SIZES:
            size = _SCALAR_SIZES[tname]
            return SCALAR, size, size, None
        if tname in self.enums:
            size = self.enums[tname]
            return SCALAR, size, size, None
        if tname == "string":
            return STRING, 4, 4, None
        if tname in self.structs:
            size, align = self.structs[tname]
            return STRUCT, size, align, tname
        if tname in self._raw_tables:
            return TABLE, 4, 4, tname
        raise SchemaError("%s.%s: unsupported type %s" % (table, field, tname))

    # --- Verification -------------------------------------------------------

    def verify(self, buf, max_depth=64, max_tables=1000000):
        """Checks \\p buf as a buffer whose root is the schema's root_type,
        carrying its file_identifier. Raises VerifyError."""
        _Verifier(self, buf, max_depth, max_tables).root()


# --- Binary schemas (.bfbs) --------------------------------------------------

# reflection.fbs, as flatc 2.0.8 writes it: slots of the tables read here,
# and BaseType values. Python's flatbuffers 2.0.8 (Debian) ships no
# generated `reflection` module, so these few slot numbers are named here
# and the flatbuffers runtime (`flatbuffers.table.Table`) does the reading.
_R_SCHEMA_OBJECTS, _R_SCHEMA_ENUMS, _R_SCHEMA_FILE_IDENT = 0, 1, 2
_R_SCHEMA_ROOT_TABLE = 4
_R_OBJECT_NAME, _R_OBJECT_FIELDS, _R_OBJECT_IS_STRUCT = 0, 1, 2
_R_OBJECT_MINALIGN, _R_OBJECT_BYTESIZE = 3, 4
_R_FIELD_NAME, _R_FIELD_TYPE, _R_FIELD_ID, _R_FIELD_REQUIRED = 0, 1, 2, 7
_R_TYPE_BASE, _R_TYPE_ELEMENT, _R_TYPE_INDEX = 0, 1, 2
_R_ENUM_NAME, _R_ENUM_VALUES, _R_ENUM_IS_UNION = 0, 1, 2
_R_ENUM_UNDERLYING = 3
_R_ENUMVAL_NAME, _R_ENUMVAL_VALUE, _R_ENUMVAL_OBJECT = 0, 1, 2
_R_ENUMVAL_UNION_TYPE = 3
(_B_NONE, _B_UTYPE, _B_BOOL, _B_BYTE, _B_UBYTE, _B_SHORT, _B_USHORT, _B_INT,
 _B_UINT, _B_LONG, _B_ULONG, _B_FLOAT, _B_DOUBLE, _B_STRING, _B_VECTOR,
 _B_OBJ, _B_UNION, _B_ARRAY) = range(18)
_B_SIZES = {_B_UTYPE: 1, _B_BOOL: 1, _B_BYTE: 1, _B_UBYTE: 1, _B_SHORT: 2,
            _B_USHORT: 2, _B_INT: 4, _B_UINT: 4, _B_FLOAT: 4, _B_LONG: 8,
            _B_ULONG: 8, _B_DOUBLE: 8}


class _RTable:
    """A reflection table, read with the flatbuffers runtime."""

    def __init__(self, buf, pos):
        from flatbuffers.table import Table
        self.t = Table(buf, pos)

    def _off(self, slot):
        return self.t.Offset(4 + 2 * slot)

    def scalar(self, slot, flags, default=0):
        o = self._off(slot)
        return self.t.Get(flags, o + self.t.Pos) if o else default

    def string(self, slot):
        o = self._off(slot)
        return self.t.String(o + self.t.Pos).decode("utf-8") if o else None

    def table(self, slot):
        o = self._off(slot)
        if not o:
            return None
        return _RTable(self.t.Bytes, self.t.Indirect(o + self.t.Pos))

    def tables(self, slot):
        o = self._off(slot)
        if not o:
            return []
        start, n = self.t.Vector(o), self.t.VectorLen(o)
        return [_RTable(self.t.Bytes, self.t.Indirect(start + 4 * i))
                for i in range(n)]


def _short(name):
    return name.rsplit(".", 1)[-1]


def _read_bfbs(schema, buf):
    from flatbuffers import encode, number_types as nt
    if len(buf) < 8 or buf[4:8] != b"BFBS":
        raise SchemaError("not a flatbuffers binary schema (no BFBS "
                          "identifier)")
    root = _RTable(buf, encode.Get(nt.UOffsetTFlags.packer_type, buf, 0))
    schema.source = "bfbs"
    ident = root.string(_R_SCHEMA_FILE_IDENT)
    schema.file_identifier = ident.encode("ascii") if ident else None
    objects = root.tables(_R_SCHEMA_OBJECTS)
    enums = root.tables(_R_SCHEMA_ENUMS)
    names = [_short(o.string(_R_OBJECT_NAME)) for o in objects]
    for e in enums:
        name = _short(e.string(_R_ENUM_NAME))
        if e.scalar(_R_ENUM_IS_UNION, nt.BoolFlags, False):
            members = {}
            for v in e.tables(_R_ENUM_VALUES):
                value = v.scalar(_R_ENUMVAL_VALUE, nt.Int64Flags)
                if value == 0:
                    continue  # NONE
                t = v.table(_R_ENUMVAL_UNION_TYPE)
                index = t.scalar(_R_TYPE_INDEX, nt.Int32Flags, -1) if t \
                    else -1
                if index < 0:  # flatc before 2.0 named the object here
                    obj = v.table(_R_ENUMVAL_OBJECT)
                    member = _short(obj.string(_R_OBJECT_NAME)) if obj \
                        else v.string(_R_ENUMVAL_NAME)
                else:
                    member = names[index]
                members[value] = member
            schema.unions[name] = members
        else:
            t = e.table(_R_ENUM_UNDERLYING)
            base = t.scalar(_R_TYPE_BASE, nt.Int8Flags)
            schema.enums[name] = _B_SIZES[base]
    for o, name in zip(objects, names):
        if o.scalar(_R_OBJECT_IS_STRUCT, nt.BoolFlags, False):
            schema.structs[name] = (o.scalar(_R_OBJECT_BYTESIZE,
                                             nt.Int32Flags),
                                    o.scalar(_R_OBJECT_MINALIGN,
                                             nt.Int32Flags))
    for o, name in zip(objects, names):
        if o.scalar(_R_OBJECT_IS_STRUCT, nt.BoolFlags, False):
            continue
        fields = []
        for fo in o.tables(_R_OBJECT_FIELDS):
            fname = fo.string(_R_FIELD_NAME)
            t = fo.table(_R_FIELD_TYPE)
            base = t.scalar(_R_TYPE_BASE, nt.Int8Flags)
            if base == _B_UTYPE:
                continue  # a union's hidden _type field: checked with it
            f = _Field(fname, fo.scalar(_R_FIELD_ID, nt.Uint16Flags))
            f.required = bool(fo.scalar(_R_FIELD_REQUIRED, nt.BoolFlags))
            index = t.scalar(_R_TYPE_INDEX, nt.Int32Flags, -1)
            if base == _B_UNION:
                f.kind, f.type_slot = UNION, f.slot - 1
                f.ref = _short(enums[index].string(_R_ENUM_NAME))
            elif base == _B_VECTOR:
                f.kind = VECTOR
                f.elem, f.size, f.align, f.ref = _bfbs_element(
                    schema, names, name, fname,
                    t.scalar(_R_TYPE_ELEMENT, nt.Int8Flags), index)
            else:
                f.kind, f.size, f.align, f.ref = _bfbs_element(
                    schema, names, name, fname, base, index)
            fields.append(f)
        schema.tables[name] = sorted(fields, key=lambda f: f.slot)
    root_table = root.table(_R_SCHEMA_ROOT_TABLE)
    schema.root_type = _short(root_table.string(_R_OBJECT_NAME)) \
        if root_table else None
    if schema.root_type not in schema.tables:
        raise SchemaError("root_type %r is not a table" % schema.root_type)
    return schema


def _bfbs_element(schema, names, table, field, base, index):
    """(kind, inline size, alignment, referenced name) of one value."""
    if base in _B_SIZES:
        size = _B_SIZES[base]
        return SCALAR, size, size, None
    if base == _B_STRING:
        return STRING, 4, 4, None
    if base == _B_OBJ:
        name = names[index]
        if name in schema.structs:
            size, align = schema.structs[name]
            return STRUCT, size, align, name
        return TABLE, 4, 4, name
    raise SchemaError("%s.%s: unsupported type (flatbuffers base type %d)"
                      % (table, field, base))


_U16 = struct.Struct("<H").unpack_from
_U32 = struct.Struct("<I").unpack_from
_I32 = struct.Struct("<i").unpack_from
_MAX_BUFFER = (1 << 31) - 1


class _Verifier:
    def __init__(self, schema, buf, max_depth, max_tables):
        self.schema = schema
        self.buf = buf
        self.size = len(buf)
        self.max_depth = max_depth
        self.max_tables = max_tables
        self.tables = 0

    def fail(self, what, pos):
        raise VerifyError("%s at byte %d" % (what, pos))

    def check(self, pos, size, align, what):
        if pos < 0 or pos + size > self.size:
            self.fail(what + " out of bounds", pos)
        if pos % align:
            self.fail(what + " misaligned", pos)

    def root(self):
        if self.size >= _MAX_BUFFER:
            raise VerifyError("buffer of %d bytes is too large" % self.size)
        if self.size < 8:
            raise VerifyError("buffer of %d bytes is too short" % self.size)
        ident = self.schema.file_identifier
        if ident is not None and bytes(self.buf[4:8]) != ident:
            raise VerifyError("buffer lacks the %r file identifier"
                              % ident.decode("ascii"))
        self.table(self.offset(0, "root offset"), self.schema.root_type, 1)

    def offset(self, pos, what):
        """Follows the uoffset at \\p pos; returns where it points."""
        self.check(pos, 4, 4, what)
        off = _U32(self.buf, pos)[0]
        if off == 0 or off >= 1 << 31:
            self.fail("bad " + what, pos)
        target = pos + off
        if target >= self.size:
            self.fail(what + " points out of the buffer", pos)
        return target

    def table(self, pos, name, depth):
        self.tables += 1
        if depth > self.max_depth:
            self.fail("tables nested too deeply", pos)
        if self.tables > self.max_tables:
            self.fail("too many tables", pos)
        self.check(pos, 4, 4, "table " + name)
        vtable = pos - _I32(self.buf, pos)[0]
        self.check(vtable, 4, 2, "vtable of " + name)
        vsize = _U16(self.buf, vtable)[0]
        if vsize & 1 or vsize < 4 or vtable + vsize > self.size:
            self.fail("bad vtable size of " + name, vtable)
        for f in self.schema.tables[name]:
            fpos = self.field(pos, vtable, vsize, f.slot)
            if fpos is None:
                if f.required:
                    self.fail("required field %s.%s missing" % (name, f.name),
                              pos)
                continue
            where = name + "." + f.name
            if f.kind in (SCALAR, STRUCT):
                self.check(fpos, f.size, f.align, where)
            elif f.kind == STRING:
                self.string(self.offset(fpos, where), where)
            elif f.kind == TABLE:
                self.table(self.offset(fpos, where), f.ref, depth + 1)
            elif f.kind == VECTOR:
                self.vector(self.offset(fpos, where), f, where, depth)
            elif f.kind == UNION:
                target = self.offset(fpos, where)
                tpos = self.field(pos, vtable, vsize, f.type_slot)
                if tpos is None:
                    continue
                self.check(tpos, 1, 1, where + "_type")
                member = self.schema.unions[f.ref].get(self.buf[tpos])
                # An unknown member verifies, as in C++: the reader decides.
                if member is not None:
                    self.table(target, member, depth + 1)

    def field(self, pos, vtable, vsize, slot):
        voff = 4 + 2 * slot
        if voff >= vsize:
            return None
        fo = _U16(self.buf, vtable + voff)[0]
        return pos + fo if fo else None

    def string(self, pos, where):
        self.check(pos, 4, 4, where)
        length = _U32(self.buf, pos)[0]
        end = pos + 4 + length
        if end >= self.size or self.buf[end] != 0:
            self.fail(where + ": string not terminated in the buffer", pos)

    def vector(self, pos, f, where, depth):
        self.check(pos, 4, 4, where)
        count = _U32(self.buf, pos)[0]
        if count >= _MAX_BUFFER // max(f.size, 1):
            self.fail(where + ": vector too long", pos)
        start = pos + 4
        if start + count * f.size > self.size:
            self.fail(where + ": vector out of bounds", pos)
        if f.elem == STRING:
            for i in range(count):
                p = start + 4 * i
                self.string(self.offset(p, where), where)
        elif f.elem == TABLE:
            for i in range(count):
                p = start + 4 * i
                self.table(self.offset(p, where), f.ref, depth + 1)
