//===- Agent.cpp - Agent base class and request helpers -------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "switchyard/Agent.h"

namespace switchyard {

Agent::~Agent() = default;

HelloAnswer Agent::hello(const SessionInfo &Session) {
  HelloAnswer A;
  for (DecisionKind K : Session.Offered) {
    SubscriptionSpec S;
    S.Kind = K;
    A.Subscriptions.push_back(S);
  }
  return A;
}

void Agent::report(const SessionInfo &, const ModuleReport &) {}

void Agent::closed(const SessionInfo &) {}

SessionInfo describeSession(const ModuleInfo &Info) {
  SessionInfo Session;
  Session.Compiler = Info.Compiler;
  Session.CompilerVersion = Info.CompilerVersion;
  Session.Module = Info.ModuleName;
  Session.SourceFile = Info.SourceFile;
  Session.TargetTriple = Info.TargetTriple;
  Session.Pid = Info.Pid;
  Session.Offered = Info.Offered;
  for (const OptionSpec &O : Info.ActionSpace) {
    Session.ActionSpace.emplace_back(O.Name);
    Session.ActionTakesTarget.push_back(O.TakesTarget);
  }
  for (const FeatureSchema &F : Info.Features)
    Session.setFeatureNames(
        F.Kind, std::vector<std::string>(F.Names.begin(), F.Names.end()));
  return Session;
}

std::string_view optionName(const SessionInfo &Session,
                            const DecisionRequest &Request, uint32_t Index) {
  if (!Request.Legal.empty())
    return Index < Request.Legal.size() ? Request.Legal[Index].Name
                                        : std::string_view();
  if (Index < Session.ActionSpace.size())
    return Session.ActionSpace[Index];
  return {};
}

int64_t findOption(const SessionInfo &Session, const DecisionRequest &Request,
                   std::string_view Name) {
  if (!Request.Legal.empty()) {
    for (size_t I = 0; I < Request.Legal.size(); ++I)
      if (Request.Legal[I].Name == Name)
        return static_cast<int64_t>(I);
    return -1;
  }
  for (size_t I = 0; I < Session.ActionSpace.size(); ++I)
    if (Session.ActionSpace[I] == Name)
      return static_cast<int64_t>(I);
  return -1;
}

double feature(const DecisionRequest &Request, std::string_view Name,
               double Missing) {
  for (size_t I = 0;
       I < Request.FeatureNames.size() && I < Request.FeatureValues.size(); ++I)
    if (Request.FeatureNames[I] == Name)
      return Request.FeatureValues[I];
  return Missing;
}

std::string formatChoice(const SessionInfo &Session,
                         const DecisionRequest &Request, const Choice &C) {
  std::string Out(optionName(Session, Request, C.Option));
  if (Out.empty())
    Out = "#" + std::to_string(C.Option);
  for (int64_t P : C.Params)
    Out += " " + std::to_string(P);
  if (!C.Target.empty())
    Out += " @" + C.Target;
  return Out;
}

} // namespace switchyard
