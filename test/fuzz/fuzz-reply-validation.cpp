//===- fuzz-reply-validation.cpp - Agent replies into the compiler --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The input is the payload of the frame an agent sends back for a decision.
// A peer thread plays the agent on a real Unix socket: it answers the
// handshake correctly, then answers the first decision request with the
// input. The compiler side is the plugin's own code: a Session over a
// SocketProvider, which verifies, matches and decodes the reply, and then
// checkLegal(). The reply it decoded is then replayed, through an in-process
// provider, against every shape of legal answers below.
//
// Whatever the input: the compiler never crashes, the advice is always a
// legal answer (checked against an independent reading of the rules, not
// checkLegal() itself), an agent's legal choice is taken as sent, and a
// module gets at most one warning.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "Channel.h"
#include "Decision.h"
#include "Observation.h"
#include "switchyard/core/SocketProvider.h"

#include "llvm/IR/BasicBlock.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace llvm;
using namespace switchyard;
using namespace switchyard::fuzz;

namespace {

constexpr std::chrono::seconds PeerTimeout(10);

/// The features of every kind the fuzzed compiler offers: one, announced in
/// its Hello, and given a value in each request.
const std::string_view FeatureNames[] = {"size"};

//===----------------------------------------------------------------------===//
// The shapes of legal answers the compiler offers
//===----------------------------------------------------------------------===//

struct Shape {
  DecisionKind Kind;
  std::vector<OptionSpec> Legal;
  Choice Default;
};

std::vector<Shape> makeShapes() {
  std::vector<Shape> Shapes;
  // PassGateHook's run/skip.
  Shapes.push_back({DecisionKind::PassGate, {{"run", {}}, {"skip", {}}}, {}});
  // Pipeline actions as ActionSpace builds them: "stop", module and CGSCC
  // passes without a target, function and loop passes with one.
  Shapes.push_back({DecisionKind::PassPipeline,
                    {{"stop", {}, false},
                     {"instcombine", {}, true},
                     {"inline", {}, false},
                     {"globalopt", {}, false},
                     {"licm", {}, true}},
                    {}});
  // Parameters: ranges, powers of two, and the widest range there is.
  OptionSpec None{"none", {}};
  OptionSpec Partial{"partial", {{"count", 2, 1024, true}}};
  OptionSpec Runtime{"runtime", {{"count", 1, 64}, {"remainder", 0, 1}}};
  OptionSpec Wide{"wide", {{"value", INT64_MIN, INT64_MAX}}};
  OptionSpec Negative{"negative", {{"offset", -100, -1}}};
  Choice PartialDefault;
  PartialDefault.Option = 1;
  PartialDefault.Params = {8};
  Shapes.push_back({DecisionKind::LoopUnroll,
                    {None, Partial, Runtime, Wide, Negative},
                    PartialDefault});
  return Shapes;
}

/// What docs/hooks.md says a legal answer is, written out independently of
/// checkLegal() so that the two check each other.
bool isLegal(const Choice &C, Span<OptionSpec> Legal) {
  if (C.Option >= Legal.size())
    return false;
  const OptionSpec &O = Legal[C.Option];
  if (C.Params.size() != O.Params.size())
    return false;
  for (size_t I = 0; I < C.Params.size(); ++I) {
    const ParamSpec &P = O.Params[I];
    int64_t V = C.Params[I];
    if (V < P.Min || V > P.Max)
      return false;
    if (P.PowerOfTwo && (V <= 0 || __builtin_popcountll(V) != 1))
      return false;
  }
  return C.Target.empty() || O.TakesTarget;
}

//===----------------------------------------------------------------------===//
// The agent: a thread on a real socket that answers with the input
//===----------------------------------------------------------------------===//

class PeerAgent {
public:
  PeerAgent() {
    const char *Tmp = std::getenv("TMPDIR");
    std::string Template =
        std::string(Tmp && *Tmp ? Tmp : "/tmp") + "/switchyard-fuzz-XXXXXX";
    if (!::mkdtemp(Template.data()))
      fail("cannot create a directory for the fuzz agent's socket");
    Dir = Template;
    Path = Dir + "/agent.sock";
    ListenFd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un Addr{};
    Addr.sun_family = AF_UNIX;
    std::strncpy(Addr.sun_path, Path.c_str(), sizeof(Addr.sun_path) - 1);
    if (ListenFd < 0 ||
        ::bind(ListenFd, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)) ||
        ::listen(ListenFd, 16))
      fail("cannot listen on the fuzz agent's socket");
    std::thread([this] { serve(); }).detach();
  }

  /// Removes the socket; the thread dies with the process.
  void cleanUp() {
    ::unlink(Path.c_str());
    ::rmdir(Dir.c_str());
  }

  const std::string &path() const { return Path; }

  void setReply(const uint8_t *Data, size_t Size) {
    std::lock_guard<std::mutex> Lock(Mutex);
    Reply.assign(Data, Data + Size);
  }

private:
  void serve() {
    for (;;) {
      int Fd =
          ::accept4(ListenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (Fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED)
          continue;
        return;
      }
      Channel C(Fd);
      serveOne(C);
    }
  }

  void serveOne(Channel &C) {
    Clock::time_point Deadline = Clock::now() + PeerTimeout;
    std::string Err;
    const fb::Frame *F = C.receive(Deadline, Err);
    if (!F)
      fail("the compiler's first frame is not a verified frame");
    walkFrame(*F);
    switchyard::Expected<SessionInfo> Session = decodeHello(*F);
    if (!Session)
      fail("the compiler's first frame is not a Hello");
    HelloReply Accept;
    for (DecisionKind K : Session->Offered)
      Accept.Subscriptions.push_back(Subscription{K});
    flatbuffers::FlatBufferBuilder B;
    encodeHelloReply(B, Accept);
    if (!C.send(B.GetBufferPointer(), B.GetSize(), Deadline, Err))
      return;

    // Answer the request with the input; then read the report, if any,
    // until the compiler hangs up. Everything the compiler sends verifies
    // and decodes, its requests against its own Hello.
    ReceivedRequest Received;
    while ((F = C.receive(Deadline, Err))) {
      walkFrame(*F);
      if (F->message_type() == fb::Message::DecisionRequest) {
        if (!decodeRequest(*F, *Session, Received, Err)) {
          std::fprintf(stderr, "fuzz agent: %s\n", Err.c_str());
          fail("the compiler sent a request that does not fit its Hello");
        }
        std::vector<uint8_t> Bytes;
        {
          std::lock_guard<std::mutex> Lock(Mutex);
          Bytes = Reply;
        }
        if (!C.send(Bytes.data(), Bytes.size(), Deadline, Err))
          return;
      } else if (!decodeReport(*F)) {
        fail("the compiler sent neither a request nor a report");
      }
    }
    if (Err.find("closed the connection") == std::string::npos) {
      std::fprintf(stderr, "fuzz agent: %s\n", Err.c_str());
      fail("the compiler sent a bad frame, or did not hang up in time");
    }
  }

  std::string Dir, Path;
  int ListenFd = -1;
  std::mutex Mutex;
  std::vector<uint8_t> Reply;
};

//===----------------------------------------------------------------------===//
// Providers around the real one
//===----------------------------------------------------------------------===//

/// Forwards to the socket provider and keeps the reply it decoded.
class RecordingProvider : public DecisionProvider {
public:
  RecordingProvider(std::unique_ptr<DecisionProvider> Inner,
                    std::optional<Reply> &Decoded)
      : Inner(std::move(Inner)), Decoded(Decoded) {}

protected:
  switchyard::Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) override {
    return Inner->open(Info);
  }
  switchyard::Expected<Reply> decideImpl(const DecisionRequest &Request) override {
    switchyard::Expected<Reply> R = Inner->decide(Request);
    if (R)
      Decoded = *R;
    return R;
  }
  void closeImpl(const ModuleReport &Report) override { Inner->close(Report); }

private:
  std::unique_ptr<DecisionProvider> Inner;
  std::optional<Reply> &Decoded;
};

/// Gives the same reply to every request, as a replay log would.
class ReplayProvider : public DecisionProvider {
public:
  explicit ReplayProvider(Reply R) : R(std::move(R)) {}

protected:
  switchyard::Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) override {
    std::vector<Subscription> Subs;
    for (DecisionKind K : Info.Offered) {
      Subscription S;
      S.Kind = K;
      Subs.push_back(S);
    }
    return Subs;
  }
  switchyard::Expected<Reply> decideImpl(const DecisionRequest &) override { return R; }
  void closeImpl(const ModuleReport &) override {}

private:
  Reply R;
};

//===----------------------------------------------------------------------===//
// The compiler
//===----------------------------------------------------------------------===//

struct Compiler {
  /// This input's session is strict; it has failed on an illegal answer.
  bool Strict = false;
  bool StrictFailed = false;

  LLVMContext Ctx;
  std::unique_ptr<Module> M;
  Function *F = nullptr;
  std::vector<Shape> Shapes = makeShapes();
  std::vector<FeatureSchema> Offered;
  /// Everything a pipeline request can carry, observed as the hook does.
  Observation Obs;
  /// Per module: one warning for the first failure, one for the first
  /// illegal answer, however many decisions follow.
  unsigned FailureWarnings = 0, IllegalWarnings = 0;

  void checkWarnings() {
    if (FailureWarnings > 1 || IllegalWarnings > 1)
      fail("a module got the same warning twice");
    FailureWarnings = IllegalWarnings = 0;
  }

  Compiler() {
    M = std::make_unique<Module>("fuzz.c", Ctx);
    M->setSourceFileName("fuzz.c");
    F = Function::Create(FunctionType::get(Type::getVoidTy(Ctx), false),
                         GlobalValue::ExternalLinkage, "f", *M);
    IRBuilder<> B(BasicBlock::Create(Ctx, "entry", F));
    B.CreateRetVoid();
    Obs = observe(*M, static_cast<uint32_t>(fb::ObservationMask::ANY));
    Offered = {{DecisionKind::PassGate, FeatureNames},
               {DecisionKind::PassPipeline, FeatureNames},
               {DecisionKind::LoopUnroll, FeatureNames}};
    Ctx.setDiagnosticHandlerCallBack(
        [](const DiagnosticInfo *DI, void *Self) {
          auto *C = static_cast<Compiler *>(Self);
          // Render it as opt would: agent-chosen text ends up in here.
          std::string Text;
          raw_string_ostream OS(Text);
          DiagnosticPrinterRawOStream DP(OS);
          DI->print(DP);
          if (DI->getSeverity() != DS_Warning && DI->getSeverity() != DS_Error)
            return;
          if (StringRef(Text).contains("agent failed on module"))
            ++C->FailureWarnings;
          else if (StringRef(Text).contains("illegal"))
            ++C->IllegalWarnings;
          else
            fail("a warning that is neither a failure nor an illegal answer");
        },
        this);
  }

  DecisionRequest request(const Shape &S, const Observation *Obs) {
    DecisionRequest R;
    R.Kind = S.Kind;
    R.Context.Module = M->getModuleIdentifier();
    R.Context.Function = F->getName();
    R.Context.Pass = "FuzzPass";
    R.Context.PassArg = "fuzz";
    R.Context.Unit = fb::UnitKind::Function;
    R.Context.UnitName = F->getName();
    R.Context.SiteId = stableHash("fuzz");
    static const double Values[] = {1.0};
    R.FeatureNames = FeatureNames;
    R.FeatureValues = Values;
    R.Default = S.Default;
    R.Legal = S.Legal;
    R.Obs = Obs;
    return R;
  }

  /// Asks one decision and checks what the session made of \p Decoded.
  DecisionSource decideAndCheck(Session &S, const Shape &Sh,
                                const Observation *Obs,
                                const std::optional<Reply> *Decoded) {
    Advice A = S.decide(request(Sh, Obs), F);
    if (Strict && !A.refusal().empty())
      StrictFailed = true;
    if (!isLegal(A.choice(), Sh.Legal))
      fail("the compiler took an illegal answer");
    if (Decoded && *Decoded && !(*Decoded)->UseDefault) {
      const Choice &Sent = (*Decoded)->Chosen;
      bool Legal = isLegal(Sent, Sh.Legal);
      if (Legal && !StrictFailed &&
          (A.source() != DecisionSource::Agent || A.choice() != Sent))
        fail("a legal answer was not taken as sent");
      // In strict mode the first illegal answer fails the session; later
      // replays of it are then answered locally, with no refusal to report.
      if (!Legal && (A.source() != DecisionSource::Fallback ||
                     (A.refusal().empty() && !StrictFailed) || !A.isDefault()))
        fail("an illegal answer was not refused with the default");
    }
    A.recordApplied("at the fuzz site");
    return A.source();
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static PeerAgent *Agent = [] {
    auto *P = new PeerAgent();
    std::atexit([] { Agent->cleanUp(); });
    return P;
  }();
  static Compiler *C = new Compiler();

  InputRng Rng(Data, Size);
  SessionOptions Options;
  Options.OnFailure =
      Rng.between(0, 3) == 0 ? FailurePolicy::Error : FailurePolicy::UseDefault;
  C->Strict = Options.OnFailure == FailurePolicy::Error;
  C->StrictFailed = false;
  const Shape &Asked = C->Shapes[Rng.between(0, C->Shapes.size() - 1)];
  Options.ActionSpace = C->Shapes[1].Legal;
  // Over the socket, exactly as the plugin asks.
  Agent->setReply(Data, Size);
  std::optional<Reply> Decoded;
  {
    Session S(std::make_unique<ModuleHost>(*C->M),
              std::make_unique<RecordingProvider>(
                  std::make_unique<SocketProvider>(
                      Agent->path(), std::chrono::milliseconds(10000)),
                  Decoded),
              Options, C->Offered);
    C->decideAndCheck(
        S, Asked, Asked.Kind == DecisionKind::PassPipeline ? &C->Obs : nullptr,
        &Decoded);
    // The agent answers request 2 with the same bytes, so at most one of
    // the two can match its id. Once the session failed, the rest of the
    // module is answered locally, with no round trip.
    bool FailedBefore = !Decoded;
    DecisionSource Second =
        C->decideAndCheck(S, C->Shapes[0], nullptr, nullptr);
    if (FailedBefore && Second != DecisionSource::Fallback)
      fail("a decision after a failure was not answered locally");
  }
  C->checkWarnings();
  if (!Decoded)
    return 0;

  // The same decoded reply against every shape, as a replay would give it.
  {
    Session S(std::make_unique<ModuleHost>(*C->M),
              std::make_unique<ReplayProvider>(*Decoded), Options, C->Offered);
    for (int Round = 0; Round < 2; ++Round)
      for (const Shape &Sh : C->Shapes)
        C->decideAndCheck(S, Sh, nullptr, &Decoded);
  }
  C->checkWarnings();
  return 0;
}
