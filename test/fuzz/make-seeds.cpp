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

Bytes finish(fbs::FlatBufferBuilder &B, fb::Message Type,
             fbs::Offset<void> Msg) {
  B.Finish(fb::CreateFrame(B, Type, Msg), fb::FrameIdentifier());
  return Bytes(B.GetBufferPointer(), B.GetBufferPointer() + B.GetSize());
}

fbs::Offset<fb::OptionSpec>
option(fbs::FlatBufferBuilder &B, const char *Name,
       std::vector<fbs::Offset<fb::ParamSpec>> Params = {},
       bool FunctionScope = false) {
  return fb::CreateOptionSpec(B, B.CreateString(Name), B.CreateVector(Params),
                              FunctionScope);
}

Bytes hello(uint32_t Version = ProtocolVersion) {
  fbs::FlatBufferBuilder B;
  std::vector<fb::DecisionKind> Kinds = {
      fb::DecisionKind::PassGate, fb::DecisionKind::PassPipeline,
      fb::DecisionKind::LoopUnroll, fb::DecisionKind::Inline};
  std::vector<fbs::Offset<fb::OptionSpec>> Space = {
      option(B, "stop"), option(B, "instcombine", {}, true),
      option(B, "inline"), option(B, "licm", {}, true)};
  auto H = fb::CreateHello(B, Version, B.CreateString("opt-22"),
                           B.CreateString("22.1.8"), B.CreateString("m.c"),
                           B.CreateString("m.c"),
                           B.CreateString("x86_64-pc-linux-gnu"), 1234,
                           B.CreateVector(Kinds), B.CreateVector(Space));
  return finish(B, fb::Message::Hello, H.Union());
}

Bytes helloReply() {
  fbs::FlatBufferBuilder B;
  std::vector<std::string> Passes = {"SROAPass", "Inst*"};
  std::vector<std::string> Functions = {"main"};
  std::vector<fbs::Offset<fb::Subscription>> Subs = {
      fb::CreateSubscription(B, fb::DecisionKind::PassGate,
                             B.CreateVectorOfStrings(Passes),
                             B.CreateVectorOfStrings(Functions), 1),
      fb::CreateSubscription(B, fb::DecisionKind::PassPipeline, 0, 0, 127)};
  auto R =
      fb::CreateHelloReply(B, true, B.CreateString(""), B.CreateVector(Subs));
  return finish(B, fb::Message::HelloReply, R.Union());
}

fbs::Offset<fb::Context> context(fbs::FlatBufferBuilder &B, const char *Pass,
                                 fb::UnitKind Unit, const char *UnitName,
                                 uint32_t Index) {
  return fb::CreateContext(B, B.CreateString("m.c"), B.CreateString("main"),
                           B.CreateString(Pass), B.CreateString("fuzz"), Unit,
                           B.CreateString(UnitName), 0x1234abcd, Index);
}

Bytes passGateRequest(uint64_t Id) {
  fbs::FlatBufferBuilder B;
  auto Ctx = context(B, "SROAPass", fb::UnitKind::Function, "main", 3);
  std::vector<std::string> Names = {"size", "calls"};
  std::vector<double> Values = {12.0, 2.5};
  std::vector<fbs::Offset<fb::OptionSpec>> Legal = {option(B, "run"),
                                                    option(B, "skip")};
  auto R = fb::CreateDecisionRequest(
      B, Id, fb::DecisionKind::PassGate, Ctx, B.CreateVectorOfStrings(Names),
      B.CreateVector(Values), fb::CreateChoice(B, 0), B.CreateVector(Legal));
  return finish(B, fb::Message::DecisionRequest, R.Union());
}

Bytes pipelineRequest(uint64_t Id) {
  fbs::FlatBufferBuilder B;
  auto Ctx =
      context(B, "SwitchyardPipelinePass", fb::UnitKind::Module, "m.c", 0);
  std::vector<std::string> FnNames = {"main", "f"};
  std::vector<uint64_t> FnCounts = {10, 4};
  std::vector<std::string> OpNames = {"add", "ret"};
  std::vector<uint64_t> OpCounts = {3, 2};
  std::vector<int64_t> Autophase = {1, 0, 7};
  std::vector<uint8_t> Bitcode = {'B', 'C', 0xc0, 0xde};
  auto Obs = fb::CreateObservation(
      B, 14, B.CreateVectorOfStrings(FnNames), B.CreateVector(FnCounts),
      B.CreateVectorOfStrings(OpNames), B.CreateVector(OpCounts),
      B.CreateVector(Autophase), 0xfeedULL,
      B.CreateString("define i32 @main() {\n  ret i32 0\n}\n"),
      B.CreateVector(Bitcode));
  std::vector<std::string> Names = {"step"};
  std::vector<double> Values = {0};
  auto R = fb::CreateDecisionRequest(
      B, Id, fb::DecisionKind::PassPipeline, Ctx,
      B.CreateVectorOfStrings(Names), B.CreateVector(Values),
      fb::CreateChoice(B, 0), 0, Obs, B.CreateString("previous refusal"));
  return finish(B, fb::Message::DecisionRequest, R.Union());
}

Bytes unrollRequest(uint64_t Id) {
  fbs::FlatBufferBuilder B;
  auto Ctx = context(B, "LoopUnrollPass", fb::UnitKind::Loop, "loop.body", 3);
  std::vector<fbs::Offset<fb::OptionSpec>> Legal = {
      option(B, "none"),
      option(B, "partial",
             {fb::CreateParamSpec(B, B.CreateString("count"), 2, 1024, true)}),
      option(B, "runtime",
             {fb::CreateParamSpec(B, B.CreateString("count"), 1, 64),
              fb::CreateParamSpec(B, B.CreateString("remainder"), 0, 1)}),
      option(
          B, "wide",
          {fb::CreateParamSpec(B, B.CreateString("v"), INT64_MIN, INT64_MAX)})};
  std::vector<int64_t> Params = {8};
  auto R = fb::CreateDecisionRequest(
      B, Id, fb::DecisionKind::LoopUnroll, Ctx, 0, 0,
      fb::CreateChoice(B, 1, B.CreateVector(Params)), B.CreateVector(Legal));
  return finish(B, fb::Message::DecisionRequest, R.Union());
}

Bytes inlineRequest(uint64_t Id) {
  fbs::FlatBufferBuilder B;
  auto Ctx = context(B, "InlinerPass", fb::UnitKind::CallSite, "call f", 1);
  std::vector<fbs::Offset<fb::OptionSpec>> Legal = {option(B, "no"),
                                                    option(B, "yes")};
  auto R =
      fb::CreateDecisionRequest(B, Id, fb::DecisionKind::Inline, Ctx, 0, 0,
                                fb::CreateChoice(B, 1), B.CreateVector(Legal));
  return finish(B, fb::Message::DecisionRequest, R.Union());
}

Bytes reply(uint64_t Id, bool UseDefault, uint32_t Option = 0,
            std::vector<int64_t> Params = {}, const char *Target = nullptr,
            uint32_t Observations = 0) {
  fbs::FlatBufferBuilder B;
  fbs::Offset<fb::Choice> C;
  if (!UseDefault)
    C = fb::CreateChoice(B, Option, B.CreateVector(Params),
                         Target ? B.CreateString(Target) : 0);
  auto R = fb::CreateDecisionReply(B, Id, UseDefault, C, Observations);
  return finish(B, fb::Message::DecisionReply, R.Union());
}

Bytes report() {
  fbs::FlatBufferBuilder B;
  std::vector<fbs::Offset<fb::KindStats>> Stats = {
      fb::CreateKindStats(B, fb::DecisionKind::PassGate, 5, 1, 20, 0),
      fb::CreateKindStats(B, fb::DecisionKind::PassPipeline, 3, 3, 0, 1)};
  auto R = fb::CreateModuleReport(B, B.CreateString("m.c"), 120, 80,
                                  B.CreateVector(Stats), 123456,
                                  B.CreateString("first failure"));
  return finish(B, fb::Message::ModuleReport, R.Union());
}

Bytes framed(const std::vector<Bytes> &Frames) {
  Bytes Out;
  for (const Bytes &F : Frames)
    appendFrame(Out, F.data(), F.size());
  return Out;
}

Bytes truncated(Bytes B, size_t Keep) {
  B.resize(Keep < B.size() ? Keep : B.size());
  return B;
}

/// A bit flipped in the file identifier.
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
  write(D, "compiler-stream",
        framed({hello(), passGateRequest(1), pipelineRequest(2),
                unrollRequest(3), report()}));
  write(D, "agent-stream",
        framed({helloReply(), reply(1, true), reply(2, false, 1, {}, "main"),
                reply(3, false, 1, {8})}));
  write(D, "truncated-frame", truncated(framed({hello()}), 40));
  write(D, "bad-identifier", framed({badIdentifier(report())}));
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
    fbs::FlatBufferBuilder B;
    auto R = fb::CreateDecisionReply(B, 1, false);
    return finish(B, fb::Message::DecisionReply, R.Union());
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
    write(D, "hello-only", framed({hello()}));
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
