# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""A ProGraML-style program graph of an LLVM module, as a networkx graph.

ProGraML (Cummins et al., ICML 2021) represents a module as one directed
multigraph whose nodes are the instructions, the variables and the
constants, joined by control, data and call edges. ProGraML itself is not
packaged for Debian (it builds against its own LLVM 10 with Bazel), and
no Debian package parses LLVM 22's IR from Python (llvmlite binds an older
LLVM), so this module builds the same kind of graph from the module's
textual IR (the `ir-text` observation, or `llvm-dis-22` output), with
python3-networkx.

    g = program_graph(ir_text)       # a networkx.MultiDiGraph
    g.graph["functions"]             # {name: entry instruction node}

Nodes (attributes):
- `type`: "instruction", "variable" or "constant";
- `text`: an instruction's opcode (`add`, `call`, `br`; the root is
  `[external]`); a variable's or constant's LLVM type (`i32`, `ptr`);
- `full_text`: the instruction's line of IR, the variable's name
  (`%x`, `@table`), the constant's type and value (`i32 7`);
- `function`: the function the node belongs to (instructions, their
  results and arguments; none for globals and constants);
- `block`: an instruction's basic block label.
Node 0 is the root, `[external]`: the caller of every function and the
body of every function that is only declared.

Edges (attributes `flow` and `position`):
- control: from an instruction to the next one in its block; from a
  terminator (`br`, `switch`, `indirectbr`, `invoke`, `callbr`) to the
  first instruction of each successor block, `position` the successor's
  index;
- data: from a variable or constant to each instruction that uses it,
  `position` the operand's index; from an instruction to the variable it
  defines (position 0). Function arguments and globals are variables;
  literal values (`7`, `1.5`, `null`, `true`, `undef`, `poison`,
  `zeroinitializer`) are constants, one node per type and value;
- call: from a call site (`call`, `invoke`, `callbr`) to the entry
  instruction of the function it calls, and from each of that function's
  `ret`s back to the call site; a call to a declared function, or through
  a pointer, goes to and from the root. The root has a call edge to every
  defined function's entry.

Left out, as in ProGraML: metadata, attributes, and label operands (they
are control edges). Unlike ProGraML, constant expressions stay one
constant node each, with their text.
"""

import re

__all__ = ["program_graph", "node_counts", "edge_counts"]

_TOKEN = re.compile(r'''
    (?P<local>%(?:[-\w$.]+|"[^"]*"))
  | (?P<global>@(?:[-\w$.]+|"[^"]*"))
  | (?P<meta>!(?:[-\w$.]+|\{))
  | (?P<string>c?"[^"]*")
  | (?P<number>-?(?:0x[0-9A-Fa-f]+|\d+(?:\.\d+(?:e[-+]?\d+)?)?))
  | (?P<word>[A-Za-z_][\w.]*)
  | (?P<punct>[\[\]{}()<>,=*])
''', re.X)
_LITERALS = {"true", "false", "null", "undef", "poison", "zeroinitializer",
             "none"}
_SIMPLE_TYPE = re.compile(
    r"^(i\d+|ptr|half|bfloat|float|double|fp128|x86_fp80|ppc_fp128|void|"
    r"label|metadata|token|x86_amx)$")
_TERMINATORS_WITH_LABELS = {"br", "switch", "indirectbr", "invoke",
                            "callbr"}
_CALLS = {"call", "invoke", "callbr"}
_CASTS = {"trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi",
          "uitofp", "sitofp", "ptrtoint", "inttoptr", "bitcast",
          "addrspacecast"}
#: Words that take a number that is not an operand.
_NUMBER_TAKERS = {"align", "addrspace", "vscale", "dereferenceable",
                  "dereferenceable_or_null", "allocsize", "range",
                  "alignstack", "vscale_range"}
_DEFINE = re.compile(r"^define\b(.*?)(@(?:[-\w$.]+|\"[^\"]*\"))\((.*)\)"
                     r"[^{]*\{\s*$")
_GLOBAL = re.compile(r"^(@(?:[-\w$.]+|\"[^\"]*\"))\s*=\s*(.*)$")
_LABEL = re.compile(r"^([-\w$.]+|\"[^\"]*\"):")


def _networkx():
    from .tools import require
    return require("networkx", "python3-networkx",
                   "the program-graph observation", ImportError)


def _split_top(text, sep=","):
    """\\p text split at \\p sep outside brackets and quotes."""
    parts, depth, quote, start = [], 0, False, 0
    for i, c in enumerate(text):
        if c == '"':
            quote = not quote
        elif quote:
            continue
        elif c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _strip_attachments(code):
    """The instruction without `, !dbg !7`-style attachments and a
    trailing comment."""
    code = code.split(";", 1)[0] if '"' not in code else code
    m = re.search(r",\s*![-\w.]+\s", code + " ")
    return code[:m.start()] if m else code.rstrip()


def _type_of(operand):
    """The leading type of an operand's text ("i32 %x" -> "i32",
    "<4 x i32> %v" -> "<4 x i32>"), or None for a bare value."""
    operand = operand.strip()
    if operand[:1] in "[<{":
        close = {"[": "]", "<": ">", "{": "}"}[operand[0]]
        depth = 0
        for i, c in enumerate(operand):
            depth += c == operand[0]
            depth -= c == close
            if depth == 0:
                return operand[:i + 1]
        return None
    m = re.match(r"[\w.]+", operand)
    if m and _SIMPLE_TYPE.match(m.group()):
        return m.group()
    return None


class _Builder:
    def __init__(self):
        nx = _networkx()
        self.g = nx.MultiDiGraph()
        self.g.add_node(0, type="instruction", text="[external]",
                        full_text="[external]", function=None, block=None)
        self.globals = {}     # @name -> variable node
        self.constants = {}   # (type, value) -> node
        self.entries = {}     # @function -> its first instruction
        self.returns = {}     # @function -> its ret instructions
        self.calls = []       # (call node, callee name or None)

    def node(self, **attrs):
        n = self.g.number_of_nodes()
        self.g.add_node(n, **attrs)
        return n

    def constant(self, type_, value):
        key = (type_, value)
        if key not in self.constants:
            self.constants[key] = self.node(
                type="constant", text=type_ or "?",
                full_text=("%s %s" % (type_, value)).strip(),
                function=None, block=None)
        return self.constants[key]

    def global_variable(self, name, type_="ptr"):
        if name not in self.globals:
            self.globals[name] = self.node(
                type="variable", text=type_, full_text=name, function=None,
                block=None)
        return self.globals[name]

    # --- One function --------------------------------------------------------

    def function(self, name, params, lines):
        locals_ = {}
        for p in _split_top(params):
            if p == "...":
                continue
            words = p.split()
            ident = words[-1] if words and words[-1].startswith("%") \
                else None
            if ident:
                locals_[ident] = self.node(
                    type="variable", text=_type_of(p) or words[0],
                    full_text=ident, function=name, block=None)
        blocks, order, block = {}, [], "entry"
        pending = []   # (instruction node, code, opcode)
        for line in lines:
            if not line.strip() or line.lstrip().startswith(";"):
                continue
            if not line[0].isspace():
                m = _LABEL.match(line)
                if m:
                    block = m.group(1)
                continue
            code = _strip_attachments(line.strip())
            if not code or code.startswith("#dbg_"):
                continue
            if pending and pending[-1][2] in ("switch",) and \
                    not pending[-1][1].rstrip().endswith("]"):
                pending[-1] = (pending[-1][0], pending[-1][1] + " " + code,
                               pending[-1][2])
                continue
            if code in ("cleanup",) or code.startswith(("catch ",
                                                        "filter ")):
                continue
            result, rest = None, code
            m = re.match(r'^(%(?:[-\w$.]+|"[^"]*"))\s*=\s*(.*)$', code)
            if m:
                result, rest = m.group(1), m.group(2)
            words = rest.split()
            skip = {"tail", "musttail", "notail"}
            opcode = next((w for w in words if w not in skip), "")
            inst = self.node(type="instruction", text=opcode,
                             full_text=code, function=name, block=block)
            if "%" + block not in blocks:
                blocks["%" + block] = inst
                order.append(block)
            pending.append((inst, code, opcode))
            if result:
                locals_[result] = self.node(
                    type="variable", text=self._result_type(opcode, rest),
                    full_text=result, function=name, block=None)
                self.g.add_edge(inst, locals_[result], flow="data",
                                position=0)
        if not pending:
            return
        self.entries[name] = pending[0][0]
        prev_block = None
        for i, (inst, code, opcode) in enumerate(pending):
            b = self.g.nodes[inst]["block"]
            if i and b == prev_block:
                self.g.add_edge(pending[i - 1][0], inst, flow="control",
                                position=0)
            prev_block = b
            self.operands(inst, code, opcode, locals_, blocks)
            if opcode == "ret":
                self.returns.setdefault(name, []).append(inst)

    @staticmethod
    def _result_type(opcode, rest):
        if opcode in ("icmp", "fcmp"):
            return "i1"
        if opcode in ("alloca", "getelementptr"):
            return "ptr"
        if opcode in _CASTS and " to " in rest:
            return rest.rsplit(" to ", 1)[1].split(",")[0].strip()
        after = rest.split(None, 1)[1] if " " in rest else ""
        while after.split(None, 1)[:1] and not _type_of(after) and \
                " " in after:
            after = after.split(None, 1)[1]  # flags: nsw, fast, inbounds
        if opcode == "select":
            parts = _split_top(after)
            return _type_of(parts[1]) if len(parts) > 1 and _type_of(
                parts[1]) else "?"
        return _type_of(after) or "?"

    def operands(self, inst, code, opcode, locals_, blocks):
        rest = code.split("=", 1)[1] if re.match(r"^%\S+\s*=", code) \
            else code
        callee = None
        if opcode in _CALLS:
            m = re.search(r"(@(?:[-\w$.]+|\"[^\"]*\"))\s*\(", rest)
            callee = m.group(1) if m else None  # None: through a pointer
            self.calls.append((inst, callee))
        position, successor, last_type = 0, 0, None
        tokens = list(_TOKEN.finditer(rest))
        previous = ""
        in_type = 0
        for j, t in enumerate(tokens):
            kind, text = t.lastgroup, t.group()
            following = tokens[j + 1].group() if j + 1 < len(tokens) else ""
            if kind == "word" and _SIMPLE_TYPE.match(text):
                last_type = text
            if kind == "punct" and text in "<[" and following and \
                    re.match(r"\d", following) and j + 2 < len(tokens) and \
                    tokens[j + 2].group() == "x":
                in_type += 1
            if kind == "punct" and text in ">]" and in_type:
                in_type -= 1
            if kind == "local":
                if previous == "label":
                    if text in blocks and opcode in \
                            _TERMINATORS_WITH_LABELS:
                        self.g.add_edge(inst, blocks[text], flow="control",
                                        position=successor)
                        successor += 1
                elif text in locals_:
                    self.g.add_edge(locals_[text], inst, flow="data",
                                    position=position)
                    position += 1
            elif kind == "global":
                if text == callee and following == "(":
                    pass  # a call edge, added once every entry is known
                else:
                    self.g.add_edge(self.global_variable(text), inst,
                                    flow="data", position=position)
                    position += 1
            elif kind in ("number", "string") or (
                    kind == "word" and text in _LITERALS):
                if kind == "number" and (
                        previous in _NUMBER_TAKERS or following == "x" or
                        previous == "(" and j >= 2 and
                        tokens[j - 2].group() in _NUMBER_TAKERS):
                    pass
                else:
                    self.g.add_edge(self.constant(last_type, text), inst,
                                    flow="data", position=position)
                    position += 1
            previous = text

    def finish(self):
        for name, entry in self.entries.items():
            self.g.add_edge(0, entry, flow="call", position=0)
        for inst, callee in self.calls:
            entry = self.entries.get(callee)
            if entry is None:
                self.g.add_edge(inst, 0, flow="call", position=0)
                self.g.add_edge(0, inst, flow="call", position=0)
                continue
            self.g.add_edge(inst, entry, flow="call", position=0)
            for ret in self.returns.get(callee, ()):
                self.g.add_edge(ret, inst, flow="call", position=0)
        self.g.graph["functions"] = dict(self.entries)
        return self.g


def program_graph(ir_text):
    """The program graph of the module \\p ir_text (textual LLVM IR): a
    networkx.MultiDiGraph as the module doc describes."""
    b = _Builder()
    lines = ir_text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _GLOBAL.match(line)
        if m and not line.startswith("@llvm."):
            b.global_variable(m.group(1))
            i += 1
            continue
        m = _DEFINE.match(line)
        if m:
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith("}"):
                body.append(lines[i])
                i += 1
            b.function(m.group(2), m.group(3), body)
        i += 1
    return b.finish()


def node_counts(g):
    """{"instruction": n, "variable": n, "constant": n}."""
    out = {"instruction": 0, "variable": 0, "constant": 0}
    for _, t in g.nodes(data="type"):
        out[t] += 1
    return out


def edge_counts(g):
    """{"control": n, "data": n, "call": n}."""
    out = {"control": 0, "data": 0, "call": 0}
    for _, _, f in g.edges(data="flow"):
        out[f] += 1
    return out
