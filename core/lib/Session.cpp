//===- Session.cpp - Sessions, advice and providers: the decision core ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/Session.h"

#include "Framing.h"

#include <cassert>
#include <chrono>

namespace switchyard {

Host::~Host() = default;
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

Session::Session(std::unique_ptr<Host> TheHost,
                 std::unique_ptr<DecisionProvider> Provider,
                 SessionOptions Options, std::vector<FeatureSchema> Offered)
    : H(std::move(TheHost)), Provider(std::move(Provider)), Options(Options),
      Offered(std::move(Offered)) {
  ModuleName = H->describeUnit().ModuleName;
  InstCountBefore = InstCountAfter = H->unitSize();
}

Session::~Session() { finish(); }

void Session::ensureOpen() {
  if (Opened)
    return;
  Opened = true;
  ModuleInfo Info = H->describeUnit();
  for (const FeatureSchema &K : Offered) {
    Info.Offered.push_back(K.Kind);
    if (!K.Names.empty())
      Info.Features.push_back(K);
  }
  Info.ActionSpace = Options.ActionSpace;
  Expected<std::vector<Subscription>> Subs = Provider->open(Info);
  if (!Subs)
    return fail(Subs.error());
  Subscriptions = std::move(*Subs);
}

static bool matchesFilter(const std::vector<std::string> &Filter,
                          std::string_view Name) {
  if (Filter.empty())
    return true;
  for (std::string_view Pattern : Filter) {
    if (!Pattern.empty() && Pattern.back() == '*') {
      Pattern.remove_suffix(1);
      if (Name.substr(0, Pattern.size()) == Pattern)
        return true;
    } else if (Name == Pattern) {
      return true;
    }
  }
  return false;
}

bool Session::wants(DecisionKind Kind, std::string_view Pass,
                    std::string_view Function) {
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

uint64_t Session::changedDecisions(DecisionKind Except) const {
  uint64_t N = 0;
  for (const auto &[K, St] : Stats)
    if (K != Except)
      N += St.AgentChanged;
  return N;
}

KindStats &Session::statsFor(DecisionKind Kind) {
  for (auto &[K, St] : Stats)
    if (K == Kind)
      return St;
  Stats.emplace_back(Kind, KindStats());
  return Stats.back().second;
}

void Session::warnOnce(std::string_view Msg) {
  H->warning("switchyard: " + std::string(Msg));
}

void Session::fail(std::string Msg) {
  if (Failed)
    return;
  Failed = true;
  FirstError = Msg;
  if (Options.OnFailure == FailurePolicy::Error) {
    H->error("switchyard: agent failed on module '" + ModuleName + "': " +
             Msg + " (SWITCHYARD_ON_FAILURE=error)");
    return;
  }
  warnOnce("agent failed on module '" + ModuleName + "': " + Msg +
           "; using the compiler's defaults for the rest of this module");
}

Advice Session::decideLocally(DecisionKind Kind, Choice Default,
                              SiteHandle Where) {
  Choice Chosen = Default;
  return Advice(*this, Kind, std::move(Default), std::move(Chosen),
                Failed ? DecisionSource::Fallback
                       : DecisionSource::LocalDefault,
                Where, {});
}

std::string Session::checkFeatures(const DecisionRequest &Request) const {
  // Requests carry values only, in the order the Hello named them: values
  // in any other order would reach the agent under the wrong names.
  if (Request.FeatureValues.empty())
    return "";
  for (const FeatureSchema &K : Offered)
    if (K.Kind == Request.Kind) {
      if (Request.FeatureValues.size() == K.Names.size() &&
          Request.FeatureNames.data() == K.Names.data())
        return "";
      break;
    }
  return "internal error: a '" + std::string(kindName(Request.Kind)) +
         "' request's features are not those its kind announced";
}

Advice Session::decide(const DecisionRequest &Request, SiteHandle Where) {
  assert(checkLegal(Request.Default, Request.Legal).empty() &&
         "the compiler's own default must be a legal answer");
  ensureOpen();
  if (Failed)
    return decideLocally(Request.Kind, Request.Default, Where);

  if (std::string Msg = checkFeatures(Request); !Msg.empty()) {
    fail(Msg);
    return decideLocally(Request.Kind, Request.Default, Where);
  }
  Expected<Reply> R = Provider->decide(Request);
  if (!R) {
    fail(R.error());
    return decideLocally(Request.Kind, Request.Default, Where);
  }
  if (R->UseDefault) {
    Advice A(*this, Request.Kind, Request.Default, Request.Default,
             DecisionSource::Agent, Where, Request.Legal);
    A.Observations = R->Observations;
    return A;
  }

  if (std::string Msg = checkLegal(R->Chosen, Request.Legal); !Msg.empty()) {
    if (!Request.LegalNote.empty())
      Msg += " (" + std::string(Request.LegalNote) + ")";
    if (Options.OnFailure == FailurePolicy::Error) {
      // Strict mode treats an illegal answer like any other agent fault.
      fail("illegal " + std::string(kindName(Request.Kind)) +
           " answer: " + Msg);
      Advice A = decideLocally(Request.Kind, Request.Default, Where);
      A.Refusal = Msg;
      return A;
    }
    H->remark(RemarkKind::Missed, "IllegalAnswer", Where,
              "agent's " + std::string(kindName(Request.Kind)) +
                  " answer refused: " + Msg + "; using the default");
    if (!WarnedIllegal) {
      WarnedIllegal = true;
      warnOnce("agent gave an illegal " + std::string(kindName(Request.Kind)) +
               " answer on module '" + ModuleName + "': " + Msg +
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
  std::string Left = Provider->leftovers();
  if (Left.empty())
    return;
  if (Options.OnFailure == FailurePolicy::Error)
    H->error("switchyard: module '" + ModuleName + "': " + Left +
             " (SWITCHYARD_ON_FAILURE=error)");
  else
    warnOnce("module '" + ModuleName + "': " + Left);
}

//===----------------------------------------------------------------------===//
// SessionManager
//===----------------------------------------------------------------------===//

Session &SessionManager::sessionFor(
    const void *Unit, const std::function<std::unique_ptr<Host>()> &MakeHost) {
  if (Current != Unit || !Active) {
    finish();
    Current = Unit;
    Active = std::make_unique<Session>(MakeHost(), MakeProvider(), Options,
                                       Offered);
  }
  return *Active;
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
               DecisionSource Source, SiteHandle Where, Span<OptionSpec> Legal)
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
  if (C.Option < Legal.size())
    Out = std::string(Legal[C.Option].Name);
  else
    Out = "#" + std::to_string(C.Option);
  for (int64_t P : C.Params)
    Out += " " + std::to_string(P);
  if (!C.Target.empty())
    Out += " @" + C.Target;
  return Out;
}

void Advice::recordApplied(std::string_view What) {
  assert(!Recorded && "a decision is recorded exactly once");
  Recorded = true;
  KindStats &St = S->statsFor(Kind);
  bool Changed = Source == DecisionSource::Agent && !isDefault();
  switch (Source) {
  case DecisionSource::Agent:
    ++St.Agent;
    if (Changed) {
      ++St.AgentChanged;
      S->H->remark(RemarkKind::Applied, "AgentDecision", Where,
                   "agent chose '" + describe(Chosen) + "' instead of '" +
                       describe(Default) + "' for " + kindName(Kind) + " " +
                       std::string(What));
    }
    break;
  case DecisionSource::LocalDefault:
    ++St.LocalDefault;
    break;
  case DecisionSource::Fallback:
    ++St.Fallback;
    break;
  }
  S->H->counted(Source, Changed);
}

void Advice::recordUnapplied(std::string_view Why) {
  assert(!Recorded && "a decision is recorded exactly once");
  Recorded = true;
  ++S->statsFor(Kind).Fallback;
  S->H->counted(DecisionSource::Fallback, false);
  S->H->remark(RemarkKind::Missed, "NotApplied", Where,
               "could not apply '" + describe(Chosen) + "' for " +
                   kindName(Kind) + ": " + std::string(Why));
}

//===----------------------------------------------------------------------===//
// Legality
//===----------------------------------------------------------------------===//

std::string checkLegal(const Choice &C, Span<OptionSpec> Legal) {
  auto N = [](int64_t V) { return std::to_string(V); };
  if (C.Option >= Legal.size())
    return "option " + N(C.Option) + " is not one of the " +
           N(Legal.size()) + " legal options";
  const OptionSpec &O = Legal[C.Option];
  std::string Name(O.Name);
  if (C.Params.size() != O.Params.size())
    return "option '" + Name + "' takes " + N(O.Params.size()) +
           " parameters, got " + N(C.Params.size());
  for (size_t I = 0; I < C.Params.size(); ++I) {
    const ParamSpec &P = O.Params[I];
    int64_t V = C.Params[I];
    if (V < P.Min || V > P.Max)
      return "parameter '" + std::string(P.Name) + "' of '" + Name + "' is " +
             N(V) + ", outside [" + N(P.Min) + ", " + N(P.Max) + "]";
    if (P.PowerOfTwo && (V <= 0 || (V & (V - 1)) != 0))
      return "parameter '" + std::string(P.Name) + "' of '" + Name + "' is " +
             N(V) + ", not a power of two";
  }
  if (!C.Target.empty() && !O.TakesTarget)
    return "option '" + Name + "' cannot be scoped to a target function";
  return "";
}

} // namespace switchyard
