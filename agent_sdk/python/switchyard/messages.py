# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The protocol's messages as Python objects, and their flatbuffers encoding.

Every message of `switchyard.fbs` has a class here, and `decode_frame` /
`encode_message` convert both ways, so an agent never touches flatbuffers
and a test can play the compiler's side. Names follow the schema, with two
Pythonic changes: decision kinds and observation bits are kebab-case strings
("pass-gate", "inst-count"), as switchyard-agent's logs and scripts write
them, and parallel name/value vectors become dicts.
"""

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import flatbuffers
import numpy as np

from .fb import (Choice as FbChoice, Context as FbContext,
                 DecisionReply as FbDecisionReply,
                 DecisionRequest as FbDecisionRequest,
                 FeatureSchema as FbFeatureSchema, Frame as FbFrame,
                 Hello as FbHello, HelloReply as FbHelloReply,
                 KindStats as FbKindStats, ModuleReport as FbModuleReport,
                 Observation as FbObservation, OptionSpec as FbOptionSpec,
                 ParamSpec as FbParamSpec, Subscription as FbSubscription)
from .fb.DecisionKind import DecisionKind
from .fb.Message import Message
from .fb.ObservationMask import ObservationMask
from .fb.UnitKind import UnitKind
from .framing import (FILE_IDENTIFIER, PROTOCOL_VERSION, FrameError,
                      encode_frame)

__all__ = [
    "KINDS", "OBSERVATIONS", "UNIT_KINDS", "kind_name", "kind_value",
    "observation_mask", "observation_names", "Param", "Option", "Choice",
    "Observation", "Hello", "Subscription", "HelloReply", "Request", "Reply",
    "KindStats", "Report", "Answer", "decode_frame", "encode_message",
    "frame_message",
]


def _kebab(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _enum_members(cls):
    return {v: k for k, v in vars(cls).items()
            if not k.startswith("_") and isinstance(v, int)}


#: Decision kind value -> name, e.g. 0 -> "pass-gate" (from the schema).
KINDS = {v: _kebab(k) for v, k in _enum_members(DecisionKind).items()}
_KIND_VALUES = {n: v for v, n in KINDS.items()}
#: Observation name -> ObservationMask bit, e.g. "inst-count" -> 1.
OBSERVATIONS = {_kebab(k): v
                for v, k in _enum_members(ObservationMask).items()}
#: Unit kind value -> schema name, e.g. 2 -> "Function".
UNIT_KINDS = _enum_members(UnitKind)
_UNIT_VALUES = {n: v for v, n in UNIT_KINDS.items()}


def kind_name(value):
    """"pass-gate" for 0; "kind-N" for a kind this SDK does not know."""
    return KINDS.get(value, "kind-%d" % value)


def kind_value(name):
    if isinstance(name, int):
        return name
    if name in _KIND_VALUES:
        return _KIND_VALUES[name]
    if name.startswith("kind-") and name[5:].isdigit():
        return int(name[5:])
    raise ValueError("unknown decision kind %r (known: %s)"
                     % (name, ", ".join(KINDS.values())))


def _unit_value(name):
    if name in _UNIT_VALUES:
        return _UNIT_VALUES[name]
    if name.isdigit():
        return int(name)
    raise ValueError("unknown unit kind %r (known: %s)"
                     % (name, ", ".join(UNIT_KINDS.values())))


def observation_mask(spec):
    """An ObservationMask from an int, a name ("autophase"), or names."""
    if spec is None:
        return 0
    if isinstance(spec, int):
        return spec
    if isinstance(spec, str):
        spec = [s for s in spec.split(",") if s]
    mask = 0
    for name in spec:
        if name not in OBSERVATIONS:
            raise ValueError("unknown observation %r (known: %s)"
                             % (name, ", ".join(OBSERVATIONS)))
        mask |= OBSERVATIONS[name]
    return mask


def observation_names(mask):
    return tuple(n for n, bit in OBSERVATIONS.items() if mask & bit)


# --- Reading helpers ---------------------------------------------------------

def _str(b):
    return b.decode("utf-8", "replace") if b is not None else ""


def _strings(obj, getter):
    n = getattr(obj, getter + "Length")()
    get = getattr(obj, getter)
    return tuple(_str(get(i)) for i in range(n))


def _numbers(obj, getter, dtype):
    if getattr(obj, getter + "IsNone")():
        return np.zeros(0, dtype=dtype)
    return np.array(getattr(obj, getter + "AsNumpy")(), dtype=dtype)


def _tables(obj, getter, convert):
    n = getattr(obj, getter + "Length")()
    get = getattr(obj, getter)
    return tuple(convert(get(i)) for i in range(n))


def _readonly(array):
    array.flags.writeable = False
    return array


# --- Writing helpers ---------------------------------------------------------

def _make_string(b, s):
    # flatbuffers 2.0.8 sizes a str by characters, not bytes: pass bytes.
    return b.CreateString(s.encode("utf-8"))


def _make_strings(b, strings):
    offsets = [_make_string(b, s) for s in strings]
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def _make_tables(b, offsets):
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def _make_numbers(b, values, dtype):
    return b.CreateNumpyVector(np.asarray(values, dtype=dtype))


# --- Messages ----------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    """One integer parameter of a legal option, with its inclusive range."""
    name: str
    min: int
    max: int
    power_of_two: bool = False

    def values(self):
        """Every legal value, smallest first."""
        if self.power_of_two:
            out, v = [], 1
            while v <= self.max:
                if v >= self.min:
                    out.append(v)
                v *= 2
            return out
        return list(range(self.min, self.max + 1))

    @classmethod
    def _read(cls, p):
        return cls(_str(p.Name()), p.Min(), p.Max(), bool(p.PowerOfTwo()))

    def _write(self, b):
        name = _make_string(b, self.name)
        FbParamSpec.ParamSpecStart(b)
        FbParamSpec.ParamSpecAddName(b, name)
        FbParamSpec.ParamSpecAddMin(b, self.min)
        FbParamSpec.ParamSpecAddMax(b, self.max)
        FbParamSpec.ParamSpecAddPowerOfTwo(b, self.power_of_two)
        return FbParamSpec.ParamSpecEnd(b)


@dataclass(frozen=True)
class Option:
    """One legal answer: a name and its integer parameters."""
    name: str
    params: Tuple[Param, ...] = ()
    function_scope: bool = False  # an answer may name a function as target

    @classmethod
    def _read(cls, o):
        return cls(_str(o.Name()), _tables(o, "Params", Param._read),
                   bool(o.FunctionScope()))

    def _write(self, b):
        name = _make_string(b, self.name)
        params = _make_tables(b, [p._write(b) for p in self.params])
        FbOptionSpec.OptionSpecStart(b)
        FbOptionSpec.OptionSpecAddName(b, name)
        FbOptionSpec.OptionSpecAddParams(b, params)
        FbOptionSpec.OptionSpecAddFunctionScope(b, self.function_scope)
        return FbOptionSpec.OptionSpecEnd(b)


@dataclass(frozen=True)
class Choice:
    """An index into the legal options, its parameters, and a target."""
    option: int
    params: Tuple[int, ...] = ()
    target: Optional[str] = None

    @classmethod
    def _read(cls, c):
        if c is None:
            return None
        target = c.Target()
        return cls(c.Option(), tuple(int(p) for p in
                                     _numbers(c, "Params", np.int64)),
                   _str(target) if target is not None else None)

    def _write(self, b):
        params = _make_numbers(b, self.params, np.int64)
        target = _make_string(b, self.target) if self.target else None
        FbChoice.ChoiceStart(b)
        FbChoice.ChoiceAddOption(b, self.option)
        FbChoice.ChoiceAddParams(b, params)
        if target is not None:
            FbChoice.ChoiceAddTarget(b, target)
        return FbChoice.ChoiceEnd(b)


def _array_eq(a, b):
    if a is None or b is None:
        return a is b
    return np.array_equal(a, b)


_ARRAYS = ("function_counts", "opcode_counts", "autophase", "dialect_counts")
_ARRAY_TYPES = (np.uint64, np.uint64, np.int64, np.uint64)
_NAMES = ("function_names", "opcode_names", "dialect_names")


@dataclass(frozen=True, eq=False)
class Observation:
    """Program state after the previous step, as the agent asked for it with
    an `observe` mask. Fields not asked for are None (`inst_count` and
    `ir_hash`: 0). The count vectors keep the compiler's order and length:
    `opcode_counts` has one entry per opcode of this LLVM, zeros included,
    so it is usable as a fixed-length feature vector. From MLIR, an
    instruction is an operation, `opcode_names` are the op names present
    ("arith.addi"), sorted, `bitcode` is MLIR bytecode, and
    `dialect_names`/`dialect_counts` count operations per dialect."""
    inst_count: int = 0
    function_names: Optional[Tuple[str, ...]] = None
    function_counts: Optional[np.ndarray] = None  # uint64, per function
    opcode_names: Optional[Tuple[str, ...]] = None
    opcode_counts: Optional[np.ndarray] = None    # uint64, per opcode
    autophase: Optional[np.ndarray] = None        # int64, 56 features
    ir_hash: int = 0
    ir_text: Optional[str] = None
    bitcode: Optional[bytes] = None
    dialect_names: Optional[Tuple[str, ...]] = None
    dialect_counts: Optional[np.ndarray] = None   # uint64, per dialect

    def __post_init__(self):
        for name, dtype in zip(_ARRAYS, _ARRAY_TYPES):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _readonly(
                    np.array(value, dtype=dtype)))
        for name in _NAMES:
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(getattr(self, name)))

    def __eq__(self, other):
        if not isinstance(other, Observation):
            return NotImplemented
        return all(_array_eq(getattr(self, f.name), getattr(other, f.name))
                   if f.name in _ARRAYS
                   else getattr(self, f.name) == getattr(other, f.name)
                   for f in dataclasses.fields(self))

    @property
    def functions(self):
        """Function name -> instruction count, or None."""
        if self.function_names is None or self.function_counts is None:
            return None
        return dict(zip(self.function_names, self.function_counts.tolist()))

    @property
    def opcodes(self):
        """Opcode name -> count, or None. Unnamed opcodes of LLVM share a
        name: use `opcode_counts` for the full vector."""
        if self.opcode_names is None or self.opcode_counts is None:
            return None
        return dict(zip(self.opcode_names, self.opcode_counts.tolist()))

    @property
    def dialects(self):
        """Dialect name -> operation count (MLIR), or None."""
        if self.dialect_names is None or self.dialect_counts is None:
            return None
        return dict(zip(self.dialect_names, self.dialect_counts.tolist()))

    @classmethod
    def _read(cls, o):
        if o is None:
            return None

        def names(getter):
            return (None if getattr(o, getter + "IsNone")()
                    else _strings(o, getter))

        def numbers(getter, dtype):
            return (None if getattr(o, getter + "IsNone")()
                    else _numbers(o, getter, dtype))
        text = o.IrText()
        bitcode = numbers("Bitcode", np.uint8)
        return cls(
            inst_count=o.InstCount(),
            function_names=names("FunctionNames"),
            function_counts=numbers("FunctionCounts", np.uint64),
            opcode_names=names("OpcodeNames"),
            opcode_counts=numbers("OpcodeCounts", np.uint64),
            autophase=numbers("Autophase", np.int64),
            ir_hash=o.IrHash(),
            ir_text=_str(text) if text is not None else None,
            bitcode=bitcode.tobytes() if bitcode is not None else None,
            dialect_names=names("DialectNames"),
            dialect_counts=numbers("DialectCounts", np.uint64))

    def _write(self, b):
        vecs = {}
        for key in _NAMES:
            if getattr(self, key) is not None:
                vecs[key] = _make_strings(b, getattr(self, key))
        for key, dtype in zip(_ARRAYS, _ARRAY_TYPES):
            if getattr(self, key) is not None:
                vecs[key] = _make_numbers(b, getattr(self, key), dtype)
        if self.ir_text is not None:
            vecs["ir_text"] = _make_string(b, self.ir_text)
        if self.bitcode is not None:
            vecs["bitcode"] = b.CreateByteVector(bytes(self.bitcode))
        FbObservation.ObservationStart(b)
        FbObservation.ObservationAddInstCount(b, self.inst_count)
        FbObservation.ObservationAddIrHash(b, self.ir_hash)
        for key, off in vecs.items():
            add = "ObservationAdd" + "".join(
                part.capitalize() for part in key.split("_"))
            getattr(FbObservation, add)(b, off)
        return FbObservation.ObservationEnd(b)


@dataclass(frozen=True)
class Hello:
    """The compiler's handshake: who it is and what it offers."""
    protocol_version: int = PROTOCOL_VERSION
    compiler: str = ""
    compiler_version: str = ""
    module: str = ""
    source_file: str = ""
    target_triple: str = ""
    pid: int = 0
    offered: Tuple[str, ...] = ()          # decision kinds
    action_space: Tuple[Option, ...] = ()  # pass-pipeline actions, by index
    #: Version 2: (kind, feature names) for each offered kind with features,
    #: the order in which its requests send their values.
    feature_schemas: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

    def feature_names(self, kind):
        """\\p kind's feature names, in its requests' order; () if none."""
        return dict(self.feature_schemas).get(kind, ())

    @classmethod
    def _read(cls, h):
        schemas = []
        for i in range(h.FeatureSchemasLength()):
            fs = h.FeatureSchemas(i)
            schemas.append((kind_name(fs.Kind()), _strings(fs, "Names")))
        return cls(h.ProtocolVersion(), _str(h.Compiler()),
                   _str(h.CompilerVersion()), _str(h.ModuleName()),
                   _str(h.SourceFile()), _str(h.TargetTriple()), h.Pid(),
                   tuple(kind_name(int(k)) for k in
                         _numbers(h, "OfferedKinds", np.uint16)),
                   _tables(h, "ActionSpace", Option._read), tuple(schemas))

    def _write(self, b):
        strings = [_make_string(b, s) for s in (
            self.compiler, self.compiler_version, self.module,
            self.source_file, self.target_triple)]
        kinds = _make_numbers(b, [kind_value(k) for k in self.offered],
                              np.uint16)
        space = _make_tables(b, [o._write(b) for o in self.action_space])
        schemas = []
        for kind, names in self.feature_schemas:
            names_off = _make_strings(b, names)
            FbFeatureSchema.FeatureSchemaStart(b)
            FbFeatureSchema.FeatureSchemaAddKind(b, kind_value(kind))
            FbFeatureSchema.FeatureSchemaAddNames(b, names_off)
            schemas.append(FbFeatureSchema.FeatureSchemaEnd(b))
        schemas = _make_tables(b, schemas)
        FbHello.HelloStart(b)
        FbHello.HelloAddProtocolVersion(b, self.protocol_version)
        for add, off in zip((FbHello.HelloAddCompiler,
                             FbHello.HelloAddCompilerVersion,
                             FbHello.HelloAddModuleName,
                             FbHello.HelloAddSourceFile,
                             FbHello.HelloAddTargetTriple), strings):
            add(b, off)
        FbHello.HelloAddPid(b, self.pid)
        FbHello.HelloAddOfferedKinds(b, kinds)
        FbHello.HelloAddActionSpace(b, space)
        FbHello.HelloAddFeatureSchemas(b, schemas)
        return FbHello.HelloEnd(b)


@dataclass(frozen=True)
class Subscription:
    """Which decisions of one kind the agent wants. Empty filters match
    everything; an entry matches exactly, or by prefix if it ends in '*'."""
    kind: str
    passes: Tuple[str, ...] = ()
    functions: Tuple[str, ...] = ()
    observe: int = 0  # ObservationMask bits wanted with each request
    no_features: bool = False  # the compiler computes and sends none

    def __post_init__(self):
        object.__setattr__(self, "passes", tuple(self.passes))
        object.__setattr__(self, "functions", tuple(self.functions))
        object.__setattr__(self, "observe", observation_mask(self.observe))

    @classmethod
    def _read(cls, s):
        return cls(kind_name(s.Kind()), _strings(s, "Passes"),
                   _strings(s, "Functions"), s.Observations(),
                   bool(s.NoFeatures()))

    def _write(self, b):
        passes = _make_strings(b, self.passes)
        functions = _make_strings(b, self.functions)
        FbSubscription.SubscriptionStart(b)
        FbSubscription.SubscriptionAddKind(b, kind_value(self.kind))
        FbSubscription.SubscriptionAddPasses(b, passes)
        FbSubscription.SubscriptionAddFunctions(b, functions)
        FbSubscription.SubscriptionAddObservations(b, self.observe)
        if self.no_features:
            FbSubscription.SubscriptionAddNoFeatures(b, True)
        return FbSubscription.SubscriptionEnd(b)


@dataclass(frozen=True)
class HelloReply:
    accept: bool = True
    reason: str = ""
    subscriptions: Tuple[Subscription, ...] = ()
    # First-match rules in the script syntax that the compiler applies
    # itself, without asking (docs/agents.md, "Pushing rules down").
    local_rules: str = ""

    @classmethod
    def _read(cls, r):
        return cls(bool(r.Accept()), _str(r.Reason()),
                   _tables(r, "Subscriptions", Subscription._read),
                   _str(r.LocalRules()))

    def _write(self, b):
        reason = _make_string(b, self.reason)
        subs = _make_tables(b, [s._write(b) for s in self.subscriptions])
        rules = b.CreateString(self.local_rules) if self.local_rules else None
        FbHelloReply.HelloReplyStart(b)
        FbHelloReply.HelloReplyAddAccept(b, self.accept)
        FbHelloReply.HelloReplyAddReason(b, reason)
        FbHelloReply.HelloReplyAddSubscriptions(b, subs)
        if rules is not None:
            FbHelloReply.HelloReplyAddLocalRules(b, rules)
        return FbHelloReply.HelloReplyEnd(b)


@dataclass(frozen=True, eq=False)
class Request:
    """One decision the compiler asks for.

    `features` maps each feature name to its value; `feature_array` holds the
    same values as float64, in the compiler's order (`feature_names`).
    `legal` lists the legal answers; pass-pipeline requests leave it empty
    and use the session's action space, so read `options` instead.
    """
    id: int = 0
    kind: str = "pass-gate"
    module: str = ""
    function: str = ""
    pass_name: str = ""    # the pass asking, e.g. "InstCombinePass"
    pass_arg: str = ""     # its pipeline name, e.g. "instcombine"
    unit_kind: str = "Module"
    unit_name: str = ""
    site_id: int = 0       # stable across compiles: the key for learning
    index: int = 0         # execution index of the asking pass
    feature_names: Tuple[str, ...] = ()
    feature_array: np.ndarray = field(
        default_factory=lambda: _readonly(np.zeros(0)))
    default: Optional[Choice] = None  # the compiler's own decision
    legal: Tuple[Option, ...] = ()
    observation: Optional[Observation] = None
    previous_error: str = ""  # why the previous answer was refused
    session: Optional[object] = field(default=None, compare=False,
                                      repr=False)

    def __post_init__(self):
        array = np.array(self.feature_array, dtype=np.float64)
        if array.shape != (len(self.feature_names),):
            raise ValueError("%d feature names for %d values"
                             % (len(self.feature_names), array.size))
        object.__setattr__(self, "feature_array", _readonly(array))

    def __eq__(self, other):
        if not isinstance(other, Request):
            return NotImplemented
        return all(_array_eq(getattr(self, f.name), getattr(other, f.name))
                   if f.name == "feature_array"
                   else getattr(self, f.name) == getattr(other, f.name)
                   for f in dataclasses.fields(self) if f.compare)

    @property
    def features(self):
        """Feature name -> value."""
        return dict(zip(self.feature_names, self.feature_array.tolist()))

    @property
    def options(self):
        """The legal options: `legal`, or the session's action space."""
        if self.legal or self.session is None:
            return self.legal
        return self.session.action_space

    def option_name(self, index):
        options = self.options
        return options[index].name if 0 <= index < len(options) else None

    def find_option(self, name):
        """The index of the legal option called \\p name, or -1."""
        for i, option in enumerate(self.options):
            if option.name == name:
                return i
        return -1

    def describe(self, choice):
        """A choice as switchyard-agent's logs write it: "skip",
        "partial 4 @main"; None is "default"."""
        if choice is None:
            return "default"
        text = self.option_name(choice.option) or "#%d" % choice.option
        text += "".join(" %d" % p for p in choice.params)
        if choice.target:
            text += " @" + choice.target
        return text

    @classmethod
    def _read(cls, r, session=None):
        kind = kind_name(r.Kind())
        names = _strings(r, "FeatureNames")
        values = r.FeatureValuesLength()
        if not names and values and session is not None:
            # Version 2: the Hello named them, once per session.
            names = session.feature_names(kind)
        if len(names) != values:
            raise FrameError("request %d of '%s' has %d feature values for "
                             "%d names" % (r.Id(), kind, values, len(names)))
        c = r.Context()
        unit = c.UnitKind() if c else 0
        return cls(
            id=r.Id(), kind=kind,
            module=_str(c.ModuleName()) if c else "",
            function=_str(c.Function()) if c else "",
            pass_name=_str(c.Pass_()) if c else "",
            pass_arg=_str(c.PassArg()) if c else "",
            unit_kind=UNIT_KINDS.get(unit, str(unit)),
            unit_name=_str(c.UnitName()) if c else "",
            site_id=c.SiteId() if c else 0, index=c.Index() if c else 0,
            feature_names=names,
            feature_array=_numbers(r, "FeatureValues", np.float64),
            default=Choice._read(r.DefaultChoice()),
            legal=_tables(r, "Legal", Option._read),
            observation=Observation._read(r.Observation()),
            previous_error=_str(r.PreviousError()))

    def _write(self, b):
        ctx_strings = [_make_string(b, s) for s in (
            self.module, self.function, self.pass_name, self.pass_arg,
            self.unit_name)]
        FbContext.ContextStart(b)
        for add, off in zip((FbContext.ContextAddModuleName,
                             FbContext.ContextAddFunction,
                             FbContext.ContextAddPass_,
                             FbContext.ContextAddPassArg,
                             FbContext.ContextAddUnitName), ctx_strings):
            add(b, off)
        FbContext.ContextAddUnitKind(b, _unit_value(self.unit_kind))
        FbContext.ContextAddSiteId(b, self.site_id)
        FbContext.ContextAddIndex(b, self.index)
        context = FbContext.ContextEnd(b)
        names = _make_strings(b, self.feature_names)
        values = _make_numbers(b, self.feature_array, np.float64)
        default = self.default._write(b) if self.default else None
        legal = _make_tables(b, [o._write(b) for o in self.legal])
        obs = self.observation._write(b) if self.observation else None
        error = (_make_string(b, self.previous_error)
                 if self.previous_error else None)
        R = FbDecisionRequest
        R.DecisionRequestStart(b)
        R.DecisionRequestAddId(b, self.id)
        R.DecisionRequestAddKind(b, kind_value(self.kind))
        R.DecisionRequestAddContext(b, context)
        R.DecisionRequestAddFeatureNames(b, names)
        R.DecisionRequestAddFeatureValues(b, values)
        if default is not None:
            R.DecisionRequestAddDefaultChoice(b, default)
        R.DecisionRequestAddLegal(b, legal)
        if obs is not None:
            R.DecisionRequestAddObservation(b, obs)
        if error is not None:
            R.DecisionRequestAddPreviousError(b, error)
        return R.DecisionRequestEnd(b)


@dataclass(frozen=True)
class Reply:
    """The wire form of an answer to request `id`."""
    id: int
    use_default: bool = True
    choice: Optional[Choice] = None
    observe: int = 0  # ObservationMask for the next request

    @classmethod
    def _read(cls, r):
        return cls(r.Id(), bool(r.UseDefault()), Choice._read(r.Choice()),
                   r.Observations())

    def _write(self, b):
        choice = self.choice._write(b) if self.choice else None
        FbDecisionReply.DecisionReplyStart(b)
        FbDecisionReply.DecisionReplyAddId(b, self.id)
        FbDecisionReply.DecisionReplyAddUseDefault(b, self.use_default)
        if choice is not None:
            FbDecisionReply.DecisionReplyAddChoice(b, choice)
        FbDecisionReply.DecisionReplyAddObservations(b, self.observe)
        return FbDecisionReply.DecisionReplyEnd(b)


@dataclass(frozen=True)
class KindStats:
    """Decisions of one kind in a module, by who made them."""
    agent: int = 0          # answered by the agent
    agent_changed: int = 0  # ... and different from the compiler's default
    local_default: int = 0  # not subscribed: default without a round trip
    fallback: int = 0       # the agent failed or answered illegally


@dataclass(frozen=True)
class Report:
    """The compiler's end-of-module report."""
    module: str = ""
    inst_count_before: int = 0
    inst_count_after: int = 0
    stats: Dict[str, KindStats] = field(default_factory=dict)
    agent_wait_ns: int = 0
    error: str = ""  # the first failure, if any

    @classmethod
    def _read(cls, r):
        stats = {}
        for i in range(r.StatsLength()):
            s = r.Stats(i)
            stats[kind_name(s.Kind())] = KindStats(
                s.Agent(), s.AgentChanged(), s.LocalDefault(), s.Fallback())
        return cls(_str(r.ModuleName()), r.InstCountBefore(),
                   r.InstCountAfter(), stats, r.AgentWaitNs(),
                   _str(r.Error()))

    def _write(self, b):
        name = _make_string(b, self.module)
        error = _make_string(b, self.error)
        entries = []
        for kind, s in self.stats.items():
            FbKindStats.KindStatsStart(b)
            FbKindStats.KindStatsAddKind(b, kind_value(kind))
            FbKindStats.KindStatsAddAgent(b, s.agent)
            FbKindStats.KindStatsAddAgentChanged(b, s.agent_changed)
            FbKindStats.KindStatsAddLocalDefault(b, s.local_default)
            FbKindStats.KindStatsAddFallback(b, s.fallback)
            entries.append(FbKindStats.KindStatsEnd(b))
        stats = _make_tables(b, entries)
        M = FbModuleReport
        M.ModuleReportStart(b)
        M.ModuleReportAddModuleName(b, name)
        M.ModuleReportAddInstCountBefore(b, self.inst_count_before)
        M.ModuleReportAddInstCountAfter(b, self.inst_count_after)
        M.ModuleReportAddStats(b, stats)
        M.ModuleReportAddAgentWaitNs(b, self.agent_wait_ns)
        M.ModuleReportAddError(b, error)
        return M.ModuleReportEnd(b)


_MESSAGE_TYPES = {
    Message.Hello: (Hello, FbHello.Hello),
    Message.HelloReply: (HelloReply, FbHelloReply.HelloReply),
    Message.DecisionRequest: (Request, FbDecisionRequest.DecisionRequest),
    Message.DecisionReply: (Reply, FbDecisionReply.DecisionReply),
    Message.ModuleReport: (Report, FbModuleReport.ModuleReport),
}
_UNION_TAGS = {cls: tag for tag, (cls, _) in _MESSAGE_TYPES.items()}


def decode_frame(frame, session=None):
    """The message a verified `fb.Frame` carries, as one of this module's
    classes; None for a message type this SDK does not know. Raises
    FrameError for a message that verifies but makes no sense. A request's
    feature names come from \\p session's Hello (protocol version 2), or
    from the request itself (version 1)."""
    entry = _MESSAGE_TYPES.get(frame.MessageType())
    if entry is None:
        return None
    cls, fb_cls = entry
    table = frame.Message()
    obj = fb_cls()
    obj.Init(table.Bytes, table.Pos)
    if cls is Request:
        return cls._read(obj, session)
    return cls._read(obj)


def encode_message(message):
    """The flatbuffer (without the length prefix) of a Frame carrying
    \\p message."""
    b = flatbuffers.Builder(256)
    body = message._write(b)
    FbFrame.FrameStart(b)
    FbFrame.FrameAddMessageType(b, _UNION_TAGS[type(message)])
    FbFrame.FrameAddMessage(b, body)
    b.Finish(FbFrame.FrameEnd(b), file_identifier=FILE_IDENTIFIER)
    return bytes(b.Output())


def frame_message(message):
    """\\p message, encoded and length-prefixed, ready to send."""
    return encode_frame(encode_message(message))


@dataclass(frozen=True)
class Answer:
    """What `Agent.decide` returns: the compiler's default, or a choice of
    legal option (by index or name) with parameters and a target.

    `observe` asks for observations with the next request: an
    ObservationMask, a name like "inst-count", or a list of names.
    """
    use_default: bool = True
    option: object = None  # int index or str name
    params: Tuple[int, ...] = ()
    target: Optional[str] = None
    observe: int = 0

    def __post_init__(self):
        object.__setattr__(self, "params", tuple(int(p) for p in self.params))
        object.__setattr__(self, "observe", observation_mask(self.observe))

    @classmethod
    def default(cls, observe=0):
        return cls(True, None, (), None, observe)

    @classmethod
    def choose(cls, option, params=(), target=None, observe=0):
        return cls(False, option, params, target, observe)

    def reply_to(self, request):
        """The wire reply to \\p request; resolves an option name."""
        if self.use_default:
            return Reply(request.id, True, None, self.observe)
        option = self.option
        if isinstance(option, str):
            index = request.find_option(option)
            if index < 0:
                raise ValueError("no legal option named %r for %s (legal: %s)"
                                 % (option, request.kind, ", ".join(
                                     o.name for o in request.options)))
            option = index
        return Reply(request.id, False,
                     Choice(int(option), self.params, self.target or None),
                     self.observe)
