//===- session_client.cpp - Many short compiler sessions on the real protocol
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   session_client SOCKET TAG SESSIONS DECISIONS RECORD_FILE [ABANDON_EVERY]
//
// Plays the compiler side of SESSIONS sessions, one after another, with the
// real Channel: connect, Hello (offering pass-gate and pass-pipeline, with a
// five-action space), DECISIONS requests alternating the two kinds, the
// ModuleReport, close. Every ABANDON_EVERY-th session hangs up halfway,
// before its report, as a killed compiler would.
//
// Each session's module is "TAG/N", so the agent's per-connection log can be
// matched against RECORD_FILE, where this client writes what it saw, one
// tab-separated line per answered request: pid, module, request id, answer
// (as the agent's log spells it: "default", an option name). A line "pid
// module abandoned" marks a session that hung up. Exits non-zero on the
// first protocol error: a reply with the wrong id, an illegal option, a
// refused handshake, a timeout.
//
//===----------------------------------------------------------------------===//

#include "Channel.h"
#include "Framing.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

using namespace switchyard;
namespace fbs = flatbuffers;

namespace {

const std::vector<std::string> ActionSpace = {"stop", "sroa", "instcombine",
                                              "gvn", "licm"};
const std::vector<std::string> GateOptions = {"run", "skip"};
constexpr auto Timeout = std::chrono::seconds(30);

[[noreturn]] void fail(const std::string &Msg) {
  std::fprintf(stderr, "session_client: %s\n", Msg.c_str());
  std::exit(1);
}

class Session {
public:
  Session(const std::string &Socket, std::string Module, FILE *Record)
      : Module(std::move(Module)), Record(Record) {
    std::string Err;
    Clock::time_point Deadline = Clock::now() + Timeout;
    if (!Chan.connect(Socket, Deadline, Err))
      fail(this->Module + ": " + Err);
    std::vector<fb::DecisionKind> Offered = {fb::DecisionKind::PassGate,
                                             fb::DecisionKind::PassPipeline};
    std::vector<fbs::Offset<fb::OptionSpec>> Actions;
    for (const std::string &A : ActionSpace)
      Actions.push_back(
          fb::CreateOptionSpec(B, B.CreateString(A), 0, /*function_scope=*/false));
    auto ActionsVec = B.CreateVector(Actions);
    auto Hello = fb::CreateHello(
        B, ProtocolVersion, B.CreateString("session_client"),
        B.CreateString("22"), B.CreateString(this->Module),
        B.CreateString(this->Module), B.CreateString("x86_64-pc-linux-gnu"),
        ::getpid(), B.CreateVector(Offered), ActionsVec);
    B.Finish(fb::CreateFrame(B, fb::Message::Hello, Hello.Union()),
             fb::FrameIdentifier());
    send(Deadline);
    const fb::Frame *F = Chan.receive(Deadline, Err);
    if (!F)
      fail(this->Module + ": no handshake reply: " + Err);
    const fb::HelloReply *R = F->message_as_HelloReply();
    if (!R || !R->accept())
      fail(this->Module + ": handshake refused");
  }

  /// Asks request \p Id and records the answer.
  void decide(uint64_t Id) {
    bool Gate = Id % 2 == 1;
    Clock::time_point Deadline = Clock::now() + Timeout;
    B.Clear();
    std::string Fn = "f" + std::to_string(Id % 3);
    auto Ctx = fb::CreateContext(
        B, B.CreateString(Module), B.CreateString(Gate ? Fn : ""),
        B.CreateString(Gate ? "SROAPass" : "SwitchyardPipelinePass"),
        B.CreateString(Gate ? "sroa" : "switchyard-pipeline"),
        Gate ? fb::UnitKind::Function : fb::UnitKind::Module,
        B.CreateString(Gate ? Fn : Module), /*site_id=*/Id * 7919,
        static_cast<uint32_t>(Id - 1));
    std::vector<fbs::Offset<fbs::String>> Names = {B.CreateString("step"),
                                                   B.CreateString("inst_count")};
    std::vector<double> Values = {static_cast<double>(Id), 100.0};
    auto NamesVec = B.CreateVector(Names);
    auto ValuesVec = B.CreateVector(Values);
    auto Default = fb::CreateChoice(B, 0);
    std::vector<fbs::Offset<fb::OptionSpec>> Legal;
    if (Gate)
      for (const std::string &O : GateOptions)
        Legal.push_back(fb::CreateOptionSpec(B, B.CreateString(O)));
    auto LegalVec = B.CreateVector(Legal);
    auto Req = fb::CreateDecisionRequest(
        B, Id,
        Gate ? fb::DecisionKind::PassGate : fb::DecisionKind::PassPipeline,
        Ctx, NamesVec, ValuesVec, Default, LegalVec);
    B.Finish(fb::CreateFrame(B, fb::Message::DecisionRequest, Req.Union()),
             fb::FrameIdentifier());
    send(Deadline);

    std::string Err;
    const fb::Frame *F = Chan.receive(Deadline, Err);
    if (!F)
      fail(Module + ": request " + std::to_string(Id) + ": " + Err);
    const fb::DecisionReply *R = F->message_as_DecisionReply();
    if (!R)
      fail(Module + ": request " + std::to_string(Id) + ": not a reply");
    if (R->id() != Id)
      fail(Module + ": reply for request " + std::to_string(R->id()) +
           " while waiting for " + std::to_string(Id));
    std::string Answer = "default";
    if (!R->use_default()) {
      const std::vector<std::string> &Options = Gate ? GateOptions : ActionSpace;
      if (!R->choice() || R->choice()->option() >= Options.size())
        fail(Module + ": request " + std::to_string(Id) + ": illegal answer");
      Answer = Options[R->choice()->option()];
      ++Changed;
    }
    ++Answered;
    std::fprintf(Record, "%d\t%s\t%llu\t%s\n", static_cast<int>(::getpid()),
                 Module.c_str(), static_cast<unsigned long long>(Id),
                 Answer.c_str());
  }

  void report() {
    B.Clear();
    std::vector<fbs::Offset<fb::KindStats>> Stats = {fb::CreateKindStats(
        B, fb::DecisionKind::PassGate, Answered, Changed, 0, 0)};
    auto StatsVec = B.CreateVector(Stats);
    auto R = fb::CreateModuleReport(B, B.CreateString(Module), 100, 90,
                                    StatsVec, 0, B.CreateString(""));
    B.Finish(fb::CreateFrame(B, fb::Message::ModuleReport, R.Union()),
             fb::FrameIdentifier());
    send(Clock::now() + Timeout);
  }

private:
  void send(Clock::time_point Deadline) {
    std::string Err;
    if (!Chan.send(B.GetBufferPointer(), B.GetSize(), Deadline, Err))
      fail(Module + ": " + Err);
  }

  std::string Module;
  FILE *Record;
  Channel Chan;
  fbs::FlatBufferBuilder B{1024};
  uint64_t Answered = 0, Changed = 0;
};

uint64_t count(const char *Arg, const char *What) {
  char *End = nullptr;
  unsigned long long N = std::strtoull(Arg, &End, 10);
  if (!*Arg || *End)
    fail(std::string(What) + ": '" + Arg + "' is not a count");
  return N;
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc != 6 && Argc != 7) {
    std::fprintf(stderr, "usage: session_client SOCKET TAG SESSIONS DECISIONS "
                         "RECORD_FILE [ABANDON_EVERY]\n");
    return 2;
  }
  std::string Socket = Argv[1], Tag = Argv[2];
  uint64_t Sessions = count(Argv[3], "SESSIONS");
  uint64_t Decisions = count(Argv[4], "DECISIONS");
  uint64_t AbandonEvery = Argc == 7 ? count(Argv[6], "ABANDON_EVERY") : 0;
  FILE *Record = std::fopen(Argv[5], "w");
  if (!Record)
    fail(std::string("cannot write '") + Argv[5] + "'");
  for (uint64_t N = 1; N <= Sessions; ++N) {
    std::string Module = Tag + "/" + std::to_string(N);
    bool Abandon = AbandonEvery && N % AbandonEvery == 0;
    Session S(Socket, Module, Record);
    uint64_t Asked = Abandon ? Decisions / 2 : Decisions;
    for (uint64_t Id = 1; Id <= Asked; ++Id)
      S.decide(Id);
    if (Abandon)
      std::fprintf(Record, "%d\t%s\tabandoned\n", static_cast<int>(::getpid()),
                   Module.c_str());
    else
      S.report();
    // ~Session closes the connection.
  }
  return std::fclose(Record) == 0 ? 0 : 1;
}
