//===- make-seeds.cpp - Writes the fuzz targets' seed corpora -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   make-seeds CORPUS_DIR
//
// Writes valid frames of every message type, whole conversations, and a few
// malformed ones into CORPUS_DIR/<target>/. The output is checked in under
// test/fuzz/corpus; rerun this (the fuzz-seeds target) after a schema change.
//
//===----------------------------------------------------------------------===//

#include "Codec.h"
#include "Framing.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace switchyard;
namespace fbs = flatbuffers;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytesOf(const fbs::FlatBufferBuilder &B) {
  return Bytes(B.GetBufferPointer(), B.GetBufferPointer() + B.GetSize());
}

const OptionSpec ActionSpace[] = {{"stop", {}, false},
                                  {"instcombine", {}, true},
                                  {"inline", {}, false},
                                  {"licm", {}, true}};
const std::string_view PassGateFeatures[] = {"size", "calls"};
const std::string_view PipelineFeatures[] = {"step"};

/// A Hello of protocol version \p Version; from version 2 on it names the
/// pass-gate and pipeline features, which requests then give values for.
Bytes hello(uint32_t Version = ProtocolVersion) {
  ModuleInfo Info;
  Info.Compiler = "opt-22";
  Info.CompilerVersion = "22.1.8";
  Info.ModuleName = "m.c";
  Info.SourceFile = "m.c";
  Info.TargetTriple = "x86_64-pc-linux-gnu";
  Info.Pid = 1234;
  Info.Offered = {DecisionKind::PassGate, DecisionKind::PassPipeline,
                  DecisionKind::LoopUnroll, DecisionKind::Inline};
  Info.ActionSpace = ActionSpace;
  Info.Features = {{DecisionKind::PassGate, PassGateFeatures},
                   {DecisionKind::PassPipeline, PipelineFeatures}};
  fbs::FlatBufferBuilder B;
  encodeHello(B, Info, Version);
  return bytesOf(B);
}

Bytes helloReply() {
  HelloReply R;
  Subscription Gate;
  Gate.Kind = DecisionKind::PassGate;
  Gate.Passes = {"SROAPass", "Inst*"};
  Gate.Functions = {"main"};
  Gate.Observations = 1;
  Subscription Pipeline;
  Pipeline.Kind = DecisionKind::PassPipeline;
  Pipeline.Observations = 127;
  Subscription Unroll;
  Unroll.Kind = DecisionKind::LoopUnroll;
  Unroll.NoFeatures = true;
  R.Subscriptions = {Gate, Pipeline, Unroll};
  fbs::FlatBufferBuilder B;
  encodeHelloReply(B, R);
  return bytesOf(B);
}

DecisionContext context(const char *Pass, fb::UnitKind Unit,
                        const char *UnitName, uint32_t Index) {
  DecisionContext C;
  C.Module = "m.c";
  C.Function = "main";
  C.Pass = Pass;
  C.PassArg = "fuzz";
  C.Unit = Unit;
  C.UnitName = UnitName;
  C.SiteId = 0x1234abcd;
  C.Index = Index;
  return C;
}

Bytes request(const DecisionRequest &R, uint64_t Id, uint32_t Version) {
  fbs::FlatBufferBuilder B;
  encodeRequest(B, R, Id, Version);
  return bytesOf(B);
}

/// With \p Values other than the Hello's two names, a request that does not
/// match its session's schema.
Bytes passGateRequest(uint64_t Id, uint32_t Version = ProtocolVersion,
                      Span<double> Values = {}) {
  static const double TwoValues[] = {12.0, 2.5};
  static const OptionSpec Legal[] = {{"run", {}}, {"skip", {}}};
  DecisionRequest R;
  R.Kind = DecisionKind::PassGate;
  R.Context = context("SROAPass", fb::UnitKind::Function, "main", 3);
  R.FeatureNames = PassGateFeatures;
  R.FeatureValues = Values.empty() ? Span<double>(TwoValues) : Values;
  R.Legal = Legal;
  return request(R, Id, Version);
}

Bytes pipelineRequest(uint64_t Id, uint32_t Version = ProtocolVersion) {
  static const double Values[] = {0};
  static const std::string_view OpNames[] = {"add", "ret"};
  Observation Obs;
  Obs.Mask = static_cast<uint32_t>(fb::ObservationMask::ANY);
  Obs.InstCount = 14;
  Obs.FunctionNames = {"main", "f"};
  Obs.FunctionCounts = {10, 4};
  Obs.OpcodeNames = OpNames;
  Obs.OpcodeCounts = {3, 2};
  Obs.Autophase = {1, 0, 7};
  Obs.IrHash = 0xfeedULL;
  Obs.IrText = "define i32 @main() {\n  ret i32 0\n}\n";
  Obs.Bitcode = std::string("BC\xc0\xde", 4);
  DecisionRequest R;
  R.Kind = DecisionKind::PassPipeline;
  R.Context =
      context("SwitchyardPipelinePass", fb::UnitKind::Module, "m.c", 0);
  R.FeatureNames = PipelineFeatures;
  R.FeatureValues = Values;
  R.Legal = ActionSpace;
  R.Obs = &Obs;
  R.PreviousError = "previous refusal";
  return request(R, Id, Version);
}

Bytes unrollRequest(uint64_t Id, uint32_t Version = ProtocolVersion) {
  static const OptionSpec Legal[] = {
      {"none", {}},
      {"partial", {{"count", 2, 1024, true}}},
      {"runtime", {{"count", 1, 64}, {"remainder", 0, 1}}},
      {"wide", {{"v", INT64_MIN, INT64_MAX}}}};
  DecisionRequest R;
  R.Kind = DecisionKind::LoopUnroll;
  R.Context = context("LoopUnrollPass", fb::UnitKind::Loop, "loop.body", 3);
  R.Default.Option = 1;
  R.Default.Params = {8};
  R.Legal = Legal;
  return request(R, Id, Version);
}

Bytes inlineRequest(uint64_t Id, uint32_t Version = ProtocolVersion) {
  static const OptionSpec Legal[] = {{"no", {}}, {"yes", {}}};
  DecisionRequest R;
  R.Kind = DecisionKind::Inline;
  R.Context = context("InlinerPass", fb::UnitKind::CallSite, "call f", 1);
  R.Default.Option = 1;
  R.Legal = Legal;
  return request(R, Id, Version);
}

Bytes reply(uint64_t Id, bool UseDefault, uint32_t Option = 0,
            std::vector<int64_t> Params = {}, const char *Target = nullptr,
            uint32_t Observations = 0) {
  Reply R = UseDefault ? Reply::useDefault()
                       : Reply::choose(Option, std::move(Params));
  if (Target)
    R.Chosen.Target = Target;
  R.Observations = Observations;
  fbs::FlatBufferBuilder B;
  encodeReply(B, R, Id);
  return bytesOf(B);
}

Bytes report() {
  ModuleReport R;
  R.ModuleName = "m.c";
  R.InstCountBefore = 120;
  R.InstCountAfter = 80;
  R.Stats = {{DecisionKind::PassGate, {5, 1, 20, 0}},
             {DecisionKind::PassPipeline, {3, 3, 0, 1}}};
  R.AgentWaitNs = 123456;
  R.Error = "first failure";
  fbs::FlatBufferBuilder B;
  encodeReport(B, R);
  return bytesOf(B);
}

Bytes framed(const std::vector<Bytes> &Frames) {
  Bytes Out;
  for (const Bytes &F : Frames)
    appendFrame(Out, F.data(), F.size());
  return Out;
}

/// Cut short by hand: the codec only writes whole messages.
Bytes truncated(Bytes B, size_t Keep) {
  B.resize(Keep < B.size() ? Keep : B.size());
  return B;
}

/// A bit flipped in the file identifier, by hand: the codec writes the
/// right one.
Bytes badIdentifier(Bytes B) {
  B[4] ^= 0x20;
  return B;
}

void write(const std::string &Dir, const std::string &Name, const Bytes &B) {
  std::ofstream Out(Dir + "/" + Name, std::ios::binary | std::ios::trunc);
  Out.write(reinterpret_cast<const char *>(B.data()),
            static_cast<std::streamsize>(B.size()));
  if (!Out) {
    std::fprintf(stderr, "make-seeds: cannot write %s/%s\n", Dir.c_str(),
                 Name.c_str());
    std::exit(1);
  }
}

std::string makeDir(const std::string &Root, const char *Target) {
  std::string Dir = Root + "/" + Target;
  ::mkdir(Root.c_str(), 0755);
  ::mkdir(Dir.c_str(), 0755);
  return Dir;
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc != 2) {
    std::fprintf(stderr, "usage: make-seeds CORPUS_DIR\n");
    return 2;
  }
  std::string Root = Argv[1];

  // A stream as either peer receives it: one frame of each type, whole
  // conversations, and broken streams.
  std::string D = makeDir(Root, "fuzz-frame-decoder");
  write(D, "hello", framed({hello()}));
  write(D, "hello-reply", framed({helloReply()}));
  write(D, "request-pass-gate", framed({passGateRequest(1)}));
  write(D, "request-pipeline", framed({pipelineRequest(1)}));
  write(D, "request-loop-unroll", framed({unrollRequest(1)}));
  write(D, "reply-choice", framed({reply(1, false, 1, {4}, "main", 3)}));
  write(D, "report", framed({report()}));
  write(D, "hello-v1", framed({hello(1)}));
  write(D, "request-pass-gate-v1", framed({passGateRequest(1, 1)}));
  write(D, "compiler-stream",
        framed({hello(), passGateRequest(1), pipelineRequest(2),
                unrollRequest(3), report()}));
  write(D, "compiler-stream-v1",
        framed({hello(1), passGateRequest(1, 1), pipelineRequest(2, 1),
                unrollRequest(3, 1), report()}));
  write(D, "agent-stream",
        framed({helloReply(), reply(1, true), reply(2, false, 1, {}, "main"),
                reply(3, false, 1, {8})}));
  write(D, "truncated-frame", truncated(framed({hello()}), 40));
  write(D, "bad-identifier", framed({badIdentifier(report())}));
  // By hand: length prefixes no codec frame has.
  write(D, "oversized-length", {0xff, 0xff, 0xff, 0x7f, 'S', 'W', 'Y', 'D'});
  write(D, "empty-frame", {0, 0, 0, 0});
  write(D, "bare-payload", report());

  // The payload of the agent's answer to the compiler's first request.
  D = makeDir(Root, "fuzz-reply-validation");
  write(D, "default", reply(1, true));
  write(D, "option-0", reply(1, false, 0));
  write(D, "option-1", reply(1, false, 1));
  write(D, "option-1-target", reply(1, false, 1, {}, "f"));
  write(D, "option-2-target", reply(1, false, 2, {}, "f"));
  write(D, "partial-8", reply(1, false, 1, {8}, nullptr, 1));
  write(D, "partial-not-power", reply(1, false, 1, {6}));
  write(D, "runtime-16-1", reply(1, false, 2, {16, 1}));
  write(D, "wide-min", reply(1, false, 3, {INT64_MIN}));
  write(D, "negative", reply(1, false, 4, {-5}));
  write(D, "option-out-of-range", reply(1, false, 99));
  write(D, "too-many-params", reply(1, false, 0, {1, 2, 3}));
  write(D, "wrong-id", reply(2, false, 1));
  write(D, "no-choice", [] {
    // Hand-built: the codec always sends a choice with a non-default reply.
    fbs::FlatBufferBuilder B;
    auto R = fb::CreateDecisionReply(B, 1, false);
    B.Finish(fb::CreateFrame(B, fb::Message::DecisionReply, R.Union()),
             fb::FrameIdentifier());
    return bytesOf(B);
  }());
  write(D, "hello-reply-instead", helloReply());
  write(D, "bad-identifier", badIdentifier(reply(1, true)));
  write(D, "truncated", truncated(reply(1, false, 1, {8}), 20));

  // What a compiler sends to the agent: for its policies, and for a whole
  // server.
  for (const char *Target : {"fuzz-agent-requests", "fuzz-agent-server"}) {
    D = makeDir(Root, Target);
    write(D, "session",
          framed({hello(), passGateRequest(1), pipelineRequest(2),
                  unrollRequest(3), inlineRequest(4), report()}));
    write(D, "session-v1",
          framed({hello(1), passGateRequest(1, 1), pipelineRequest(2, 1),
                  unrollRequest(3, 1), inlineRequest(4, 1), report()}));
    write(D, "hello-only", framed({hello()}));
    // Requests that do not match the session's schema: more values than
    // the Hello named, and values without names from a version-1 Hello.
    static const double ThreeValues[] = {1, 2, 3};
    write(D, "schema-mismatch",
          framed({hello(), passGateRequest(1, ProtocolVersion, ThreeValues)}));
    write(D, "v1-hello-v2-request", framed({hello(1), passGateRequest(1)}));
    write(D, "v2-hello-v1-request",
          framed({hello(), passGateRequest(1, 1), pipelineRequest(2)}));
    write(D, "pass-gate", framed({hello(), passGateRequest(1)}));
    write(D, "pipeline", framed({hello(), pipelineRequest(1)}));
    write(D, "loop-unroll", framed({hello(), unrollRequest(7)}));
    write(D, "wrong-version", framed({hello(99), passGateRequest(1)}));
    write(D, "request-before-hello", framed({passGateRequest(1), hello()}));
    write(D, "report-before-hello", framed({report()}));
    write(D, "second-hello", framed({hello(), hello(), passGateRequest(1)}));
    write(D, "reply-from-compiler", framed({hello(), reply(1, true)}));
    write(D, "truncated-request",
          truncated(framed({hello(), unrollRequest(1)}), 300));
  }
  return 0;
}
