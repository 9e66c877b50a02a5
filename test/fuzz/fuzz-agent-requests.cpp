//===- fuzz-agent-requests.cpp - Compiler frames into the policies --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The input is the byte stream a compiler sends to switchyard-agent. Its
// verified frames are dispatched to the built-in policies ("default",
// "random", and a script that uses every rule feature) the way the server's
// Server::Client::handle does: Hello -> hello(), DecisionRequest -> decide(),
// ModuleReport -> report(), closed() once at the end, and a dropped client
// hears nothing more. Each answer is built into a reply as the server builds
// it, and formatChoice() renders the default and the answer.
//
// Whatever the input: no crash; every reply the agent builds verifies and
// carries the request's id; the random policy is a pure function of its seed
// and the request, and answers a well-formed legal set legally.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "switchyard/Agent.h"

#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

using namespace switchyard;
using namespace switchyard::fuzz;

namespace {

/// Exercises every matcher, glob form, answer form and subscription field.
const char *const Script = R"(# fuzz-agent-requests' script
subscribe pass-gate passes=SROA*,GVNPass functions=main,f* observe=inst-count
subscribe loop-unroll observe=ir-hash,autophase
pass-gate pass=SROAPass function=f* => skip
pass-gate module=*.c unit-kind=Function unit=?* => run observe=ir-hash
pass-pipeline index=0 => instcombine @main observe=inst-count,function-counts
pass-pipeline site=1* => no-such-action
pass-pipeline => stop
loop-unroll unit=loop.* => partial 4
loop-unroll pass-arg=loop-unroll index=3 => runtime 0x10 -1
inline function=?ain => default
licm => bogus 1 2 3 @nowhere observe=opcode-counts
rewrite => default observe=bitcode,ir-text
loop-vectorize pass=* => 0 1
)";

/// The script policy, loaded once from a file that is removed right after.
std::unique_ptr<Agent> loadScript() {
  const char *Tmp = std::getenv("TMPDIR");
  std::string Path = std::string(Tmp && *Tmp ? Tmp : "/tmp") +
                     "/switchyard-fuzz-script-" + std::to_string(::getpid());
  {
    std::ofstream Out(Path);
    Out << Script;
  }
  std::string Err;
  // Some answers name options the compiler lacks, on purpose.
  PolicyOptions Options;
  Options.CheckOptions = false;
  std::unique_ptr<Agent> P = makePolicy("script:" + Path, Options, Err);
  ::unlink(Path.c_str());
  if (!P) {
    std::fprintf(stderr, "%s\n", Err.c_str());
    fail("the fuzz script does not load");
  }
  return P;
}

/// Checks that the random policy answered a well-formed request legally.
void checkRandomAnswer(const SessionInfo &Session, const fb::DecisionRequest &R,
                       const Answer &A) {
  if (A.UseDefault)
    return;
  if (!R.legal() || R.legal()->size() == 0) {
    if (A.Option >= Session.ActionSpace.size())
      fail("random chose an action outside the action space");
    return;
  }
  if (R.kind() == fb::DecisionKind::PassPipeline) {
    if (A.Option >= R.legal()->size())
      fail("random chose a pipeline option outside the legal set");
    return;
  }
  if (A.Option >= R.legal()->size())
    fail("random chose an option outside the legal set");
  const fb::OptionSpec *O = R.legal()->Get(A.Option);
  size_t NumParams = O->params() ? O->params()->size() : 0;
  if (A.Params.size() != NumParams)
    fail("random gave the wrong number of parameters");
  for (size_t I = 0; I < NumParams; ++I) {
    const fb::ParamSpec *P = O->params()->Get(I);
    int64_t V = A.Params[I];
    if (P->min() > P->max())
      continue; // No legal value: any answer is refused by the compiler.
    bool HasPower = false;
    for (int Bit = 0; Bit < 63; ++Bit) {
      int64_t Power = int64_t(1) << Bit;
      HasPower |= Power >= P->min() && Power <= P->max();
    }
    if (P->power_of_two() && !HasPower)
      continue;
    if (V < P->min() || V > P->max())
      fail("random gave a parameter outside its range");
    if (P->power_of_two() && (V <= 0 || (V & (V - 1)) != 0))
      fail("random gave a parameter that is not a power of two");
  }
}

/// One compiler connection to one policy, as the server keeps it.
class Client {
public:
  Client(Agent &TheAgent, bool IsRandom)
      : TheAgent(TheAgent), IsRandom(IsRandom) {
    Session.Id = 1;
    Session.Pid = 4242;
  }

  ~Client() {
    if (!Dropped && AgentGreeted)
      TheAgent.closed(Session);
  }

  void handle(const fb::Frame &F) {
    if (Dropped)
      return;
    switch (F.message_type()) {
    case fb::Message::Hello:
      if (GotHello)
        return drop();
      return handleHello(*F.message_as_Hello());
    case fb::Message::DecisionRequest:
      if (!GotHello)
        return drop();
      return handleRequest(*F.message_as_DecisionRequest());
    case fb::Message::ModuleReport:
      if (!GotHello)
        return drop();
      TheAgent.report(Session, *F.message_as_ModuleReport());
      return;
    default:
      return drop();
    }
  }

private:
  void drop() {
    Dropped = true;
    if (AgentGreeted)
      TheAgent.closed(Session);
  }

  static std::string str(const flatbuffers::String *S) {
    return S ? S->str() : std::string();
  }

  /// The frame just built must verify and be of \p Type.
  const fb::Frame &checkBuilt(fb::Message Type) {
    std::string Err;
    const fb::Frame *F =
        verifyFrame(Builder.GetBufferPointer(), Builder.GetSize(), Err);
    if (!F || F->message_type() != Type)
      fail("the agent built a reply that does not verify");
    walkFrame(*F);
    return *F;
  }

  void handleHello(const fb::Hello &H) {
    GotHello = true;
    Session.Compiler = str(H.compiler());
    Session.CompilerVersion = str(H.compiler_version());
    Session.Module = str(H.module_name());
    Session.SourceFile = str(H.source_file());
    Session.TargetTriple = str(H.target_triple());
    if (H.offered_kinds())
      for (auto K : *H.offered_kinds())
        Session.Offered.push_back(static_cast<fb::DecisionKind>(K));
    if (H.action_space())
      for (const fb::OptionSpec *O : *H.action_space())
        Session.ActionSpace.push_back(str(O->name()));

    HelloAnswer A;
    if (H.protocol_version() != ProtocolVersion) {
      A.Accept = false;
      A.Reason = "protocol version " + std::to_string(H.protocol_version()) +
                 " is not supported";
    } else {
      A = TheAgent.hello(Session);
      AgentGreeted = true;
    }

    Builder.Clear();
    std::vector<flatbuffers::Offset<fb::Subscription>> Subs;
    for (const SubscriptionSpec &S : A.Subscriptions) {
      auto Passes = Builder.CreateVectorOfStrings(S.Passes);
      auto Functions = Builder.CreateVectorOfStrings(S.Functions);
      Subs.push_back(fb::CreateSubscription(Builder, S.Kind, Passes, Functions,
                                            S.Observations));
    }
    auto Reply =
        fb::CreateHelloReply(Builder, A.Accept, Builder.CreateString(A.Reason),
                             Builder.CreateVector(Subs));
    Builder.Finish(
        fb::CreateFrame(Builder, fb::Message::HelloReply, Reply.Union()),
        fb::FrameIdentifier());
    checkBuilt(fb::Message::HelloReply);
    if (!A.Accept)
      drop();
  }

  void handleRequest(const fb::DecisionRequest &R) {
    Answer A = TheAgent.decide(Session, R);
    if (IsRandom) {
      Answer Again = TheAgent.decide(Session, R);
      if (Again.UseDefault != A.UseDefault || Again.Option != A.Option ||
          Again.Params != A.Params || Again.Target != A.Target)
        fail("random answered one request two ways");
      checkRandomAnswer(Session, R, A);
    }

    // What the agent's helpers make of the request, as a log line would.
    Sink S;
    S.scalar(formatChoice(Session, R, R.default_choice()).size());
    S.scalar(feature(R, "size", -1));
    if (R.legal() && R.legal()->size() > 0 && R.legal()->Get(0)->name())
      S.scalar(findOption(Session, R, R.legal()->Get(0)->name()->str()));
    else if (!Session.ActionSpace.empty())
      S.scalar(findOption(Session, R, Session.ActionSpace.back()));
    S.scalar(optionName(Session, R, A.Option).size());

    Builder.Clear();
    flatbuffers::Offset<fb::Choice> Choice;
    if (!A.UseDefault) {
      auto Params = Builder.CreateVector(A.Params);
      auto Target = A.Target.empty() ? 0 : Builder.CreateString(A.Target);
      Choice = fb::CreateChoice(Builder, A.Option, Params, Target);
    }
    auto Reply = fb::CreateDecisionReply(Builder, R.id(), A.UseDefault, Choice,
                                         A.Observations);
    Builder.Finish(
        fb::CreateFrame(Builder, fb::Message::DecisionReply, Reply.Union()),
        fb::FrameIdentifier());
    const fb::DecisionReply *Sent =
        checkBuilt(fb::Message::DecisionReply).message_as_DecisionReply();
    if (Sent->id() != R.id() || Sent->use_default() != A.UseDefault)
      fail("the reply does not answer the request it was built for");
    S.scalar(formatChoice(Session, R, Sent->choice()).size());
  }

  Agent &TheAgent;
  bool IsRandom;
  SessionInfo Session;
  bool GotHello = false;
  bool AgentGreeted = false;
  bool Dropped = false;
  flatbuffers::FlatBufferBuilder Builder{1024};
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static std::unique_ptr<Agent> Script = loadScript();
  static std::unique_ptr<Agent> Default = [] {
    std::string Err;
    return makePolicy("default", 0, Err);
  }();

  InputRng Rng(Data, Size);
  std::string Err;
  std::unique_ptr<Agent> Random = makePolicy("random", Rng.next(), Err);
  if (!Default || !Random)
    fail("a built-in policy does not build");

  Client Clients[] = {{*Default, false}, {*Random, true}, {*Script, false}};
  FrameDecoder Decoder;
  Decoder.feed(Data, Size);
  for (;;) {
    const fb::Frame *F = nullptr;
    if (Decoder.next(F, Err) != FrameDecoder::Status::Ready)
      break; // NeedMore or a bad frame: the server closes the connection.
    for (Client &C : Clients)
      C.handle(*F);
  }
  return 0;
}
