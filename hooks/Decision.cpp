//===- Decision.cpp - Decision hooks, advice, sessions and providers ------===//

#include "Decision.h"

#include "Framing.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

#define DEBUG_TYPE "switchyard"

using namespace llvm;

STATISTIC(NumAgentDecisions, "Decisions answered by the agent");
STATISTIC(NumAgentChanged, "Agent decisions that differ from the default");
STATISTIC(NumLocalDefaults, "Decisions answered locally with the default");
STATISTIC(NumFallbacks, "Decisions that fell back to the default");

namespace switchyard {

DecisionProvider::~DecisionProvider() = default;

namespace {
/// Adds the wall time of its scope to a counter.
class WaitTimer {
public:
  explicit WaitTimer(uint64_t &Counter)
      : Counter(Counter), Start(std::chrono::steady_clock::now()) {}
  ~WaitTimer() {
    Counter += std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now() - Start)
                   .count();
  }

private:
  uint64_t &Counter;
  std::chrono::steady_clock::time_point Start;
};
} // namespace

Expected<std::vector<Subscription>>
DecisionProvider::open(const ModuleInfo &Info) {
  WaitTimer T(WaitNs);
  return openImpl(Info);
}

Expected<Reply> DecisionProvider::decide(const DecisionRequest &Request) {
  WaitTimer T(WaitNs);
  return decideImpl(Request);
}

void DecisionProvider::close(const ModuleReport &Report) { closeImpl(Report); }

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

Session::Session(Module &M, std::unique_ptr<DecisionProvider> Provider,
                 SessionOptions Options, std::vector<DecisionKind> Offered)
    : M(M), ModuleName(M.getModuleIdentifier()),
      Provider(std::move(Provider)), Options(Options),
      Offered(std::move(Offered)) {
  InstCountBefore = InstCountAfter = countInstructions(M);
}

Session::~Session() { finish(); }

void Session::ensureOpen() {
  if (Opened)
    return;
  Opened = true;
  ModuleInfo Info;
  Info.ModuleName = M.getModuleIdentifier();
  Info.SourceFile = M.getSourceFileName();
  Info.TargetTriple = M.getTargetTriple().str();
  Info.Offered = Offered;
  Info.ActionSpace = Options.ActionSpace;
  Expected<std::vector<Subscription>> Subs = Provider->open(Info);
  if (!Subs)
    return fail(Subs.takeError());
  Subscriptions = std::move(*Subs);
}

static bool matchesFilter(ArrayRef<std::string> Filter, StringRef Name) {
  if (Filter.empty())
    return true;
  for (const std::string &F : Filter) {
    StringRef Pattern(F);
    if (Pattern.consume_back("*") ? Name.starts_with(Pattern) : Name == Pattern)
      return true;
  }
  return false;
}

bool Session::wants(DecisionKind Kind, StringRef Pass, StringRef Function) {
  ensureOpen();
  if (Failed)
    return false;
  for (const Subscription &S : Subscriptions)
    if (S.Kind == Kind && matchesFilter(S.Passes, Pass) &&
        matchesFilter(S.Functions, Function))
      return true;
  return false;
}

uint32_t Session::observationsFor(DecisionKind Kind) {
  uint32_t Mask = 0;
  for (const Subscription &S : Subscriptions)
    if (S.Kind == Kind)
      Mask |= S.Observations;
  return Mask;
}

bool Session::featuresFor(DecisionKind Kind) {
  for (const Subscription &S : Subscriptions)
    if (S.Kind == Kind && !S.NoFeatures)
      return true;
  return false;
}

KindStats &Session::statsFor(DecisionKind Kind) {
  for (auto &[K, St] : Stats)
    if (K == Kind)
      return St;
  Stats.emplace_back(Kind, KindStats());
  return Stats.back().second;
}

void Session::warnOnce(const Twine &Msg) {
  M.getContext().diagnose(
      DiagnosticInfoGeneric(Twine("switchyard: ") + Msg, DS_Warning));
}

void Session::fail(Error E) {
  std::string Msg = toString(std::move(E));
  if (Failed)
    return;
  Failed = true;
  FirstError = Msg;
  std::string Where = M.getModuleIdentifier();
  if (Options.OnFailure == FailurePolicy::Error) {
    // Strict mode. Some hosts (opt) exit inside diagnose() on an error, with
    // their output file open: remove the files they registered for removal
    // on a crash first, so no partial output is left. clang goes on after
    // the error, fails the compile and discards its output itself.
    sys::RunInterruptHandlers();
    M.getContext().diagnose(DiagnosticInfoGeneric(
        Twine("switchyard: agent failed on module '") + Where + "': " + Msg +
            " (SWITCHYARD_ON_FAILURE=error)",
        DS_Error));
    return;
  }
  warnOnce(Twine("agent failed on module '") + Where + "': " + Msg +
           "; using the compiler's defaults for the rest of this module");
}

Advice Session::decideLocally(DecisionKind Kind, Choice Default,
                              const Function *Where) {
  Choice Chosen = Default;
  return Advice(*this, Kind, std::move(Default), std::move(Chosen),
                Failed ? DecisionSource::Fallback
                       : DecisionSource::LocalDefault,
                Where, {});
}

Advice Session::decide(const DecisionRequest &Request, const Function *Where) {
  assert(!checkLegal(Request.Default, Request.Legal).operator bool() &&
         "the compiler's own default must be a legal answer");
  ensureOpen();
  if (Failed)
    return decideLocally(Request.Kind, Request.Default, Where);

  Expected<Reply> R = Provider->decide(Request);
  if (!R) {
    fail(R.takeError());
    return decideLocally(Request.Kind, Request.Default, Where);
  }
  if (R->UseDefault) {
    Advice A(*this, Request.Kind, Request.Default, Request.Default,
             DecisionSource::Agent, Where, Request.Legal);
    A.Observations = R->Observations;
    return A;
  }

  if (Error E = checkLegal(R->Chosen, Request.Legal)) {
    std::string Msg = toString(std::move(E));
    if (!Request.LegalNote.empty())
      Msg += " (" + Request.LegalNote.str() + ")";
    if (Options.OnFailure == FailurePolicy::Error) {
      // Strict mode treats an illegal answer like any other agent fault.
      fail(createStringError("illegal " + Twine(kindName(Request.Kind)) +
                             " answer: " + Msg));
      Advice A = decideLocally(Request.Kind, Request.Default, Where);
      A.Refusal = Msg;
      return A;
    }
    if (Where)
      M.getContext().diagnose(
          OptimizationRemarkMissed(DEBUG_TYPE, "IllegalAnswer", Where)
          << "agent's " << kindName(Request.Kind)
          << " answer refused: " << Msg << "; using the default");
    if (!WarnedIllegal) {
      WarnedIllegal = true;
      warnOnce(Twine("agent gave an illegal ") +
               kindName(Request.Kind) + " answer on module '" +
               M.getModuleIdentifier() + "': " + Msg +
               "; such answers are refused and the default used");
    }
    Choice Default = Request.Default;
    Advice A(*this, Request.Kind, Default, Default, DecisionSource::Fallback,
             Where, Request.Legal);
    A.Refusal = Msg;
    A.Observations = R->Observations;
    return A;
  }
  Advice A(*this, Request.Kind, Request.Default, std::move(R->Chosen),
           DecisionSource::Agent, Where, Request.Legal);
  A.Observations = R->Observations;
  return A;
}

void Session::finish() {
  if (Finished)
    return;
  Finished = true;
  if (!Opened || Failed)
    return;
  ModuleReport Report;
  Report.ModuleName = ModuleName;
  Report.InstCountBefore = InstCountBefore;
  Report.InstCountAfter = InstCountAfter;
  Report.Stats = Stats;
  Report.AgentWaitNs = Provider->waitNs();
  Report.Error = FirstError;
  Provider->close(Report);
}

//===----------------------------------------------------------------------===//
// SessionManager
//===----------------------------------------------------------------------===//

Session &SessionManager::sessionFor(Module &M) {
  if (Current != &M || !Active) {
    finish();
    Current = &M;
    Active = std::make_unique<Session>(M, MakeProvider(), Options, Offered);
  }
  return *Active;
}

void SessionManager::noteModuleChanged(const Module &M) {
  if (Active && Current == &M)
    Active->setInstCountAfter(countInstructions(M));
}

void SessionManager::finish() {
  if (Active)
    Active->finish();
  Active.reset();
  Current = nullptr;
}

//===----------------------------------------------------------------------===//
// Advice
//===----------------------------------------------------------------------===//

Advice::Advice(Session &S, DecisionKind Kind, Choice Default, Choice Chosen,
               DecisionSource Source, const Function *Where,
               ArrayRef<OptionSpec> Legal)
    : S(&S), Kind(Kind), Default(std::move(Default)),
      Chosen(std::move(Chosen)), Source(Source), Where(Where), Legal(Legal) {}

Advice::Advice(Advice &&Other)
    : S(Other.S), Kind(Other.Kind), Default(std::move(Other.Default)),
      Chosen(std::move(Other.Chosen)), Source(Other.Source),
      Where(Other.Where), Legal(Other.Legal),
      Refusal(std::move(Other.Refusal)), Observations(Other.Observations),
      Recorded(Other.Recorded) {
  Other.Recorded = true; // The moved-from shell owes nothing.
}

Advice::~Advice() {
  assert(Recorded && "every Switchyard decision must be recorded once");
}

std::string Advice::describe(const Choice &C) const {
  std::string Out;
  raw_string_ostream OS(Out);
  if (C.Option < Legal.size())
    OS << Legal[C.Option].Name;
  else
    OS << "#" << C.Option;
  for (int64_t P : C.Params)
    OS << " " << P;
  if (!C.Target.empty())
    OS << " @" << C.Target;
  return Out;
}

void Advice::recordApplied(const Twine &What) {
  assert(!Recorded && "a decision is recorded exactly once");
  Recorded = true;
  KindStats &St = S->statsFor(Kind);
  switch (Source) {
  case DecisionSource::Agent:
    ++St.Agent;
    ++NumAgentDecisions;
    if (!isDefault()) {
      ++St.AgentChanged;
      ++NumAgentChanged;
      if (Where)
        S->M.getContext().diagnose(
            OptimizationRemark(DEBUG_TYPE, "AgentDecision", Where)
            << "agent chose '" << describe(Chosen) << "' instead of '"
            << describe(Default) << "' for "
            << kindName(Kind) << " " << What.str());
    }
    break;
  case DecisionSource::LocalDefault:
    ++St.LocalDefault;
    ++NumLocalDefaults;
    break;
  case DecisionSource::Fallback:
    ++St.Fallback;
    ++NumFallbacks;
    break;
  }
}

void Advice::recordUnapplied(const Twine &Why) {
  assert(!Recorded && "a decision is recorded exactly once");
  Recorded = true;
  ++S->statsFor(Kind).Fallback;
  ++NumFallbacks;
  if (Where)
    S->M.getContext().diagnose(
        OptimizationRemarkMissed(DEBUG_TYPE, "NotApplied", Where)
        << "could not apply '" << describe(Chosen) << "' for "
        << kindName(Kind) << ": " << Why.str());
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

Error checkLegal(const Choice &C, ArrayRef<OptionSpec> Legal) {
  if (C.Option >= Legal.size())
    return createStringError("option " + Twine(C.Option) +
                             " is not one of the " + Twine(Legal.size()) +
                             " legal options");
  const OptionSpec &O = Legal[C.Option];
  if (C.Params.size() != O.Params.size())
    return createStringError("option '" + O.Name + "' takes " +
                             Twine(O.Params.size()) + " parameters, got " +
                             Twine(C.Params.size()));
  for (size_t I = 0; I < C.Params.size(); ++I) {
    const ParamSpec &P = O.Params[I];
    int64_t V = C.Params[I];
    if (V < P.Min || V > P.Max)
      return createStringError("parameter '" + P.Name + "' of '" + O.Name +
                               "' is " + Twine(V) + ", outside [" +
                               Twine(P.Min) + ", " + Twine(P.Max) + "]");
    if (P.PowerOfTwo && (V <= 0 || (V & (V - 1)) != 0))
      return createStringError("parameter '" + P.Name + "' of '" + O.Name +
                               "' is " + Twine(V) +
                               ", not a power of two");
  }
  if (!C.Target.empty() && !O.TakesTarget)
    return createStringError("option '" + O.Name +
                             "' cannot be scoped to a target function");
  return Error::success();
}

uint64_t countInstructions(const Function &F) {
  uint64_t N = 0;
  for (const BasicBlock &BB : F)
    N += BB.size();
  return N;
}

uint64_t countInstructions(const Module &M) {
  uint64_t N = 0;
  for (const Function &F : M)
    N += countInstructions(F);
  return N;
}

uint64_t stableHash(StringRef S, uint64_t Seed) {
  uint64_t H = Seed;
  for (unsigned char C : S)
    H = (H ^ C) * 0x100000001b3ULL;
  return H;
}

} // namespace switchyard
