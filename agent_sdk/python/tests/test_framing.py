# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Framing, encoding and the Verifier: round trips and bad frames."""

import importlib
import keyword
import random
import socket
import struct

import flatbuffers
import numpy as np
import pytest

from switchyard import (MAX_FRAME_SIZE, Answer, Choice, FrameDecoder,
                        FrameError, Hello, HelloReply, KindStats, Observation,
                        Option, Param, Reply, Report, Request, Subscription)
from switchyard.fb import Frame as FbFrame
from switchyard.framing import SCHEMA, encode_frame, read_frame, verify_frame
from switchyard.messages import decode_frame, encode_message, frame_message

REQUEST = Request(
    id=7, kind="pass-gate", module="m.ll", function="bär",
    pass_name="SROAPass",
    pass_arg="sroa", unit_kind="Function", unit_name="bär", site_id=2**64 - 1,
    index=3, feature_names=("unit_kind", "unit_inst_count"),
    feature_array=[2.0, 5.0], default=Choice(0),
    legal=(Option("run"), Option("skip"),
           Option("partial", (Param("count", 1, 16, True),))),
    observation=Observation(
        inst_count=42, function_names=("foo", "bär"),
        function_counts=[10, 32],
        opcode_names=("add", "?", "?"), opcode_counts=[3, 0, 1],
        autophase=np.arange(-2, 54),
        ir_hash=2**63 + 5, ir_text="define void @f() {}\n",
        bitcode=bytes(range(256)),
        dialect_names=("arith", "func"), dialect_counts=[7, 2**64 - 1]),
    previous_error="option 9 is out of range")

MESSAGES = [
    Hello(protocol_version=1, compiler="opt", compiler_version="22.1.8",
          module="m.ll", source_file="m.c", target_triple="x86_64-linux-gnu",
          pid=1234, offered=("pass-gate", "pass-pipeline"),
          action_space=(Option("sroa"), Option("unroll", (
              Param("count", 1, 8, True), Param("min", -3, 3))))),
    HelloReply(True, "", (Subscription("pass-gate", ("SROAPass", "Loop*"),
                                       ("main",), "inst-count,autophase"),)),
    HelloReply(False, "protocol version 2 is not supported"),
    REQUEST,
    Request(id=1, kind="inline"),
    Reply(7, False, Choice(2, (4,), "main"), observe=3),
    Reply(8),
    Report("m.ll", 100, 80, {"pass-gate": KindStats(5, 1, 7, 0),
                             "inline": KindStats(0, 0, 3, 1)}, 12345,
           "agent timed out"),
]


@pytest.mark.parametrize("message", MESSAGES,
                         ids=lambda m: type(m).__name__)
def test_every_message_round_trips(message):
    decoder = FrameDecoder()
    decoder.feed(frame_message(message))
    assert decode_frame(decoder.next()) == message
    assert decoder.next() is None
    assert decoder.pending() == 0


def test_request_exposes_features_as_dict_and_array():
    frame = verify_frame(encode_message(REQUEST))
    request = decode_frame(frame)
    assert request.features == {"unit_kind": 2.0, "unit_inst_count": 5.0}
    assert request.feature_array.dtype == np.float64
    assert request.feature_array.tolist() == [2.0, 5.0]
    assert request.find_option("skip") == 1
    assert request.describe(Choice(2, (4,), "main")) == "partial 4 @main"
    obs = request.observation
    assert obs.autophase.dtype == np.int64
    assert obs.functions == {"foo": 10, "bär": 32}
    assert obs.opcode_counts.tolist() == [3, 0, 1]


def test_decoder_splits_a_stream_fed_byte_by_byte():
    stream = b"".join(frame_message(m) for m in MESSAGES)
    decoder, out = FrameDecoder(), []
    for i in range(len(stream)):
        decoder.feed(stream[i:i + 1])
        while (frame := decoder.next()) is not None:
            out.append(decode_frame(frame))
    assert out == MESSAGES


def test_answer_resolves_option_names():
    assert Answer.choose("skip").reply_to(REQUEST) == Reply(7, False,
                                                            Choice(1))
    assert Answer.default(observe=["ir-hash"]).reply_to(REQUEST) == Reply(
        7, True, None, 16)
    with pytest.raises(ValueError, match="no legal option named 'jump'"):
        Answer.choose("jump").reply_to(REQUEST)


def test_oversized_length_is_refused_before_the_body():
    decoder = FrameDecoder()
    decoder.feed(struct.pack("<I", MAX_FRAME_SIZE + 1))
    with pytest.raises(FrameError, match="exceeds the limit"):
        decoder.next()
    small = FrameDecoder(max_size=16)
    small.feed(frame_message(REQUEST)[:4])
    with pytest.raises(FrameError, match="exceeds the limit of 16"):
        small.next()


def _payload_with(mutate):
    payload = bytearray(encode_message(Hello(compiler="opt")))
    mutate(payload)
    return bytes(payload)


def _root_table(payload):
    return struct.unpack_from("<I", payload, 0)[0]


def _set_u32(payload, pos, value):
    struct.pack_into("<I", payload, pos, value)


def _first_string(payload):
    # Hello.compiler is the only non-empty string: find its length word.
    pos = bytes(payload).index(b"opt\0") - 4
    return pos


def _empty_frame():
    b = flatbuffers.Builder(0)
    FbFrame.FrameStart(b)
    b.Finish(FbFrame.FrameEnd(b), file_identifier=b"SWYD")
    return bytes(b.Output())


BAD_PAYLOADS = {
    "too short": (b"\0\0SWYD", "too short"),
    "no identifier": (_payload_with(lambda p: p.__setitem__(
        slice(4, 8), b"XXXX")), "file identifier"),
    "root offset out of bounds": (_payload_with(
        lambda p: _set_u32(p, 0, 1 << 20)), "out of the buffer"),
    "root offset misaligned": (_payload_with(
        lambda p: _set_u32(p, 0, _root_table(p) + 1)), "misaligned"),
    "vtable out of bounds": (_payload_with(
        lambda p: struct.pack_into("<i", p, _root_table(p), -(1 << 20))),
        "vtable"),
    "string overruns": (_payload_with(
        lambda p: _set_u32(p, _first_string(p), 1 << 16)),
        "string not terminated"),
    "string not terminated": (_payload_with(
        lambda p: p.__setitem__(_first_string(p) + 7, 0x41)),
        "string not terminated"),
    "no message": (_empty_frame(), "no message"),
}


@pytest.mark.parametrize("name", list(BAD_PAYLOADS))
def test_bad_frames_are_refused(name):
    payload, error = BAD_PAYLOADS[name]
    decoder = FrameDecoder()
    decoder.feed(encode_frame(payload))
    with pytest.raises(FrameError, match=error):
        decoder.next()


def test_features_must_pair_names_with_values():
    payload = bytearray(encode_message(Request(
        id=1, feature_names=("a", "b"), feature_array=[1.0, 2.0])))
    # Shorten the float64 vector: it still verifies, but makes no sense.
    pos = bytes(payload).index(struct.pack("<Idd", 2, 1.0, 2.0))
    _set_u32(payload, pos, 1)
    with pytest.raises(FrameError, match="request 1 of 'pass-gate' has 1 "
                       "feature values for 2 names"):
        decode_frame(verify_frame(bytes(payload)))


def test_vector_longer_than_the_buffer_is_refused():
    payload = bytearray(encode_message(Request(
        id=1, feature_names=("a",), feature_array=[1.0])))
    # The float64 vector's length word precedes 8 bytes of 1.0.
    one = struct.pack("<d", 1.0)
    pos = bytes(payload).index(struct.pack("<I", 1) + one)
    _set_u32(payload, pos, 1 << 24)
    with pytest.raises(FrameError, match="vector out of bounds"):
        verify_frame(bytes(payload))


def test_mutated_frames_fail_cleanly_or_decode():
    """Every corruption either fails the Verifier or decodes: none makes
    the reader raise anything else."""
    rng = random.Random(1)
    good = encode_message(REQUEST)
    refused = 0
    for trial in range(3000):
        payload = bytearray(good)
        if trial % 10 == 0:
            payload = payload[:rng.randrange(len(payload))]
        else:
            for _ in range(rng.randint(1, 4)):
                payload[rng.randrange(len(payload))] = rng.randrange(256)
        try:
            decode_frame(verify_frame(bytes(payload)))
        except FrameError:
            refused += 1
    assert refused > 300


class _SlotRecorder:
    """Stands in for a flatbuffers Builder to learn the generated slots."""

    def __init__(self):
        self.slots = []
        self.num_fields = None

    def StartObject(self, n):
        self.num_fields = n

    def __getattr__(self, name):
        if name.startswith("Prepend") and name.endswith("Slot"):
            return lambda slot, *args: self.slots.append(slot)
        raise AttributeError(name)


def _generated_name(field):
    name = "".join(part.capitalize() for part in field.split("_"))
    return name + "_" if keyword.iskeyword(field) else name


@pytest.mark.parametrize("table", sorted(SCHEMA.tables))
def test_verifier_layout_matches_flatc(table):
    """The Verifier reads table layouts from the .fbs itself; flatc's
    generated code must agree on every field's slot."""
    module = importlib.import_module("switchyard.fb." + table)
    fields = SCHEMA.tables[table]
    recorder = _SlotRecorder()
    getattr(module, table + "Start")(recorder)
    assert recorder.num_fields == max(f.slot for f in fields) + 1
    for f in fields:
        recorder.slots.clear()
        getattr(module, table + "Add" + _generated_name(f.name))(recorder, 1)
        assert recorder.slots == [f.slot], f.name
        if f.type_slot is not None:
            recorder.slots.clear()
            getattr(module, table + "Add" + _generated_name(f.name) +
                    "Type")(recorder, 1)
            assert recorder.slots == [f.type_slot], f.name + "_type"


def test_read_frame_from_a_socket():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(frame_message(MESSAGES[0]) + frame_message(MESSAGES[1]))
        assert decode_frame(read_frame(b)) == MESSAGES[0]
        assert decode_frame(read_frame(b)) == MESSAGES[1]
        a.sendall(frame_message(MESSAGES[2])[:10])
        a.close()
        with pytest.raises(FrameError, match="closed mid-frame"):
            read_frame(b)


# --- The schema: flatc's binary schema, and the .fbs text as a fallback -----

#: Structs, explicit ids, vectors of structs and tables, a union and a
#: namespace: what the text reader handles, laid out by flatc too.
RICH_SCHEMA = """
namespace a.b;
enum Color : ubyte { Red, Green }
struct Vec3 { x:float; y:float; z:double; }
struct Pair { a:byte; v:Vec3; }
table Leaf { name:string (required); n:int; }
table Other { v:[Vec3]; }
union Thing { Leaf, Other }
table Root {
  c:Color (id: 2);
  p:Pair (id: 0);
  thing:Thing (id: 4);
  leaves:[Leaf] (id: 1);
  names:[string] (id: 5);
}
root_type Root;
file_identifier "RICH";
"""


@pytest.fixture
def flatc():
    import shutil
    path = shutil.which("flatc")
    if not path:
        pytest.skip("flatc is not installed")
    return path


def _bfbs(flatc, tmp_path, name, text):
    import subprocess
    fbs = tmp_path / (name + ".fbs")
    fbs.write_text(text)
    subprocess.run([flatc, "--binary", "--schema", "-o", str(tmp_path),
                    str(fbs)], check=True)
    return fbs, tmp_path / (name + ".bfbs")


@pytest.mark.parametrize("which", ["switchyard", "rich"])
def test_binary_schema_gives_the_text_readers_layouts(flatc, tmp_path,
                                                       which):
    import os
    from switchyard import fb
    from switchyard.schema import Schema
    if which == "switchyard":
        with open(os.path.join(os.path.dirname(fb.__file__),
                               "switchyard.fbs")) as f:
            text = f.read()
    else:
        text = RICH_SCHEMA
    fbs, bfbs = _bfbs(flatc, tmp_path, which, text)
    binary, textual = Schema.from_file(str(bfbs)), Schema.from_file(str(fbs))
    assert (binary.source, textual.source) == ("bfbs", "fbs")
    assert binary.layouts() == textual.layouts()
    assert binary.unions == textual.unions and binary.enums == textual.enums
    assert binary.structs == textual.structs
    assert binary.root_type == textual.root_type
    assert binary.file_identifier == textual.file_identifier


def test_schema_load_prefers_the_binary_schema(flatc, tmp_path, monkeypatch):
    from switchyard.schema import Schema, SchemaError
    fbs, bfbs = _bfbs(flatc, tmp_path, "switchyard", RICH_SCHEMA)
    assert Schema.load(str(tmp_path)).source == "bfbs"
    bfbs.unlink()  # no .bfbs: flatc makes one
    assert Schema.load(str(tmp_path)).source == "bfbs"
    # No flatc either: the .fbs text.
    monkeypatch.delenv("FLATC", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert Schema.load(str(tmp_path)).source == "fbs"
    with pytest.raises(SchemaError, match="BFBS"):
        Schema.from_bfbs(b"\x08\x00\x00\x00SWYD\x00\x00\x00\x00")
    assert SCHEMA.source in ("bfbs", "fbs")
