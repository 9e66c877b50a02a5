//===- fuzz-agent-requests.cpp - Compiler frames into the policies --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The input is the byte stream a compiler sends to switchyard-agent. Its
// verified frames are dispatched to the built-in policies ("default",
// "random", and a script that uses every rule feature) the way the server's
// Server::Client::handle does: Hello -> hello(), DecisionRequest -> decide(),
// ModuleReport -> report(), closed() once at the end, and a dropped client
// hears nothing more. Frames are read and replies built with the codec, as
// the server does. Each request is also decoded against a session the input
// makes up (version 1 or 2, with feature schemas that may not fit), and the
// helpers (feature, findOption, optionName, formatChoice) read every
// request decoded.
//
// Whatever the input: no crash; every reply the agent builds verifies,
// decodes to what the agent answered, and carries the request's id;
// decodeRequest reads a version-2 request's names from its session's schema
// and refuses exactly the values that fit no names; the random policy is a
// pure function of its seed and the request, and answers a well-formed legal
// set legally.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "switchyard/Agent.h"

#include <cstring>
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
void checkRandomAnswer(const SessionInfo &Session, const DecisionRequest &R,
                       const Answer &A) {
  if (A.UseDefault)
    return;
  uint32_t Option = A.Chosen.Option;
  if (R.Legal.empty()) {
    if (Option >= Session.ActionSpace.size())
      fail("random chose an action outside the action space");
    return;
  }
  if (R.Kind == DecisionKind::PassPipeline) {
    if (Option >= R.Legal.size())
      fail("random chose a pipeline option outside the legal set");
    return;
  }
  if (Option >= R.Legal.size())
    fail("random chose an option outside the legal set");
  const OptionSpec &O = R.Legal[Option];
  if (A.Chosen.Params.size() != O.Params.size())
    fail("random gave the wrong number of parameters");
  for (size_t I = 0; I < O.Params.size(); ++I) {
    const ParamSpec &P = O.Params[I];
    int64_t V = A.Chosen.Params[I];
    if (P.Min > P.Max)
      continue; // No legal value: any answer is refused by the compiler.
    bool HasPower = false;
    for (int Bit = 0; Bit < 63; ++Bit) {
      int64_t Power = int64_t(1) << Bit;
      HasPower |= Power >= P.Min && Power <= P.Max;
    }
    if (P.PowerOfTwo && !HasPower)
      continue;
    if (V < P.Min || V > P.Max)
      fail("random gave a parameter outside its range");
    if (P.PowerOfTwo && (V <= 0 || (V & (V - 1)) != 0))
      fail("random gave a parameter that is not a power of two");
  }
}

bool sameBits(double A, double B) { return std::memcmp(&A, &B, sizeof A) == 0; }

/// What the agent's helpers make of \p R, as a log line would; feature()
/// must agree with the position the session gives a feature.
void useHelpers(Sink &S, const SessionInfo &Session, const DecisionRequest &R,
                bool NamesFromSession) {
  S.scalar(formatChoice(Session, R, R.Default).size());
  for (const char *Name : {"size", "calls", "step"}) {
    double Value = feature(R, Name, -1);
    S.scalar(Value);
    int Index = Session.featureIndex(R.Kind, Name);
    if (NamesFromSession && Index >= 0 &&
        !sameBits(Value, R.FeatureValues[static_cast<size_t>(Index)]))
      fail("feature() and SessionInfo::featureIndex() disagree");
  }
  if (!R.FeatureNames.empty())
    S.scalar(feature(R, R.FeatureNames[R.FeatureNames.size() - 1]));
  if (!R.Legal.empty()) {
    int64_t Found = findOption(Session, R, R.Legal[0].Name);
    if (Found != 0)
      fail("findOption() does not find the first legal option");
    if (optionName(Session, R, 0) != R.Legal[0].Name)
      fail("optionName() does not name the first legal option");
  } else if (!Session.ActionSpace.empty()) {
    int64_t Found = findOption(Session, R, Session.ActionSpace.back());
    if (Found < 0 || optionName(Session, R, static_cast<uint32_t>(Found)) !=
                         Session.ActionSpace.back())
      fail("findOption() and optionName() disagree on the action space");
  }
}

/// A session the input makes up: a version, and for each kind a feature
/// schema of up to four names, which a request may or may not match.
SessionInfo madeUpSession(InputRng &Rng) {
  static const char *const Names[] = {"size", "calls", "step", "size"};
  SessionInfo Session;
  Session.Id = 2;
  Session.Version = static_cast<uint32_t>(Rng.between(1, 2));
  Session.ActionSpace = {"stop", "instcombine"};
  Session.ActionTakesTarget = {false, true};
  for (DecisionKind K : fb::EnumValuesDecisionKind()) {
    size_t N = Rng.between(0, 4);
    if (Session.Version == 1 || N == 0)
      continue; // A version-1 Hello names no features.
    Session.setFeatureNames(K, std::vector<std::string>(Names, Names + N));
  }
  return Session;
}

/// Decodes a request against \p Session and checks what decodeRequest made
/// of the names: the request's own (version 1), else the session's schema
/// for its kind; and a refusal only when those do not fit the values.
/// Returns whether it decoded.
bool decodeAgainst(const fb::Frame &F, const SessionInfo &Session,
                   ReceivedRequest &Out, Sink &S) {
  // Read raw: what the frame itself holds, to check the codec against.
  const fb::DecisionRequest *Raw = F.message_as_DecisionRequest();
  size_t OwnNames = Raw->feature_names() ? Raw->feature_names()->size() : 0;
  size_t Values = Raw->feature_values() ? Raw->feature_values()->size() : 0;
  Span<std::string_view> Schema = Session.featureNames(Raw->kind());
  size_t NumNames = OwnNames > 0 ? OwnNames : Schema.size();
  bool Fits = Values == 0 || Values == NumNames;

  std::string Err;
  bool Decoded = decodeRequest(F, Session, Out, Err);
  if (Decoded != Fits)
    fail(Decoded ? "decodeRequest took values that fit no names"
                 : "decodeRequest refused values that fit their names");
  if (!Decoded) {
    if (Err.empty())
      fail("decodeRequest refused a request without saying why");
    return false;
  }
  const DecisionRequest &R = Out.Request;
  if (Out.Id != Raw->id() || R.Kind != Raw->kind() ||
      R.FeatureValues.size() != Values)
    fail("decodeRequest changed the id, the kind or the values");
  bool NamesFromSession = OwnNames == 0 && Values > 0;
  if (NamesFromSession && R.FeatureNames.data() != Schema.data())
    fail("a version-2 request's names are not its session's schema");
  useHelpers(S, Session, R, NamesFromSession);
  return true;
}

/// One compiler connection to one policy, as the server keeps it.
class Client {
public:
  Client(Agent &TheAgent, bool IsRandom, const SessionInfo &MadeUp)
      : TheAgent(TheAgent), IsRandom(IsRandom), MadeUp(MadeUp) {
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
      return handleHello(F);
    case fb::Message::DecisionRequest:
      if (!GotHello)
        return drop();
      return handleRequest(F);
    case fb::Message::ModuleReport: {
      if (!GotHello)
        return drop();
      Expected<ModuleReport> Report = decodeReport(F);
      if (!Report)
        return drop();
      TheAgent.report(Session, *Report);
      return;
    }
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

  void handleHello(const fb::Frame &F) {
    GotHello = true;
    Expected<SessionInfo> Described = decodeHello(F);
    if (!Described)
      return drop();
    Described->Id = Session.Id;
    Described->Pid = Session.Pid;
    Session = std::move(*Described);

    HelloAnswer A;
    if (std::string Why = unsupportedVersion(Session.Version); !Why.empty()) {
      A.Accept = false;
      A.Reason = Why;
    } else {
      A = TheAgent.hello(Session);
      AgentGreeted = true;
    }

    encodeHelloReply(Builder, A);
    Expected<HelloReply> Sent =
        decodeHelloReply(checkBuilt(fb::Message::HelloReply));
    if (!Sent || Sent->Accept != A.Accept || Sent->Reason != A.Reason ||
        Sent->Subscriptions.size() != A.Subscriptions.size())
      fail("the handshake reply does not say what the agent answered");
    for (size_t I = 0; I < A.Subscriptions.size(); ++I) {
      const Subscription &Want = A.Subscriptions[I];
      const Subscription &Got = Sent->Subscriptions[I];
      if (Got.Kind != Want.Kind || Got.Passes != Want.Passes ||
          Got.Functions != Want.Functions ||
          Got.Observations != Want.Observations ||
          Got.NoFeatures != Want.NoFeatures)
        fail("a subscription does not survive the codec");
    }
    if (!A.Accept)
      drop();
  }

  void handleRequest(const fb::Frame &F) {
    Sink S;
    // The same frame against a session that may not match it.
    decodeAgainst(F, MadeUp, Other, S);
    // And against the client's own, as the server does: a request that does
    // not fit the session's schema closes the connection.
    if (!decodeAgainst(F, Session, Received, S))
      return drop();
    const DecisionRequest &R = Received.Request;

    Answer A = TheAgent.decide(Session, R);
    if (IsRandom) {
      Answer Again = TheAgent.decide(Session, R);
      if (Again.UseDefault != A.UseDefault || Again.Chosen != A.Chosen)
        fail("random answered one request two ways");
      checkRandomAnswer(Session, R, A);
    }
    S.scalar(optionName(Session, R, A.Chosen.Option).size());

    encodeReply(Builder, A, Received.Id);
    Expected<Reply> Sent =
        decodeReply(checkBuilt(fb::Message::DecisionReply), Received.Id);
    if (!Sent)
      fail("the reply does not answer the request it was built for");
    if (Sent->UseDefault != A.UseDefault ||
        Sent->Observations != A.Observations ||
        (!A.UseDefault && Sent->Chosen != A.Chosen))
      fail("the reply does not say what the agent answered");
    S.scalar(formatChoice(Session, R, Sent->Chosen).size());
  }

  Agent &TheAgent;
  bool IsRandom;
  const SessionInfo &MadeUp;
  SessionInfo Session;
  ReceivedRequest Received, Other;
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

  SessionInfo MadeUp = madeUpSession(Rng);
  Client Clients[] = {{*Default, false, MadeUp},
                      {*Random, true, MadeUp},
                      {*Script, false, MadeUp}};
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
