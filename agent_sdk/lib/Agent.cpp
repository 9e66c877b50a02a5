//===- Agent.cpp - Agent base class and request helpers -------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "switchyard/Agent.h"

namespace switchyard {

Agent::~Agent() = default;

HelloAnswer Agent::hello(const SessionInfo &Session) {
  HelloAnswer A;
  for (fb::DecisionKind K : Session.Offered) {
    SubscriptionSpec S;
    S.Kind = K;
    A.Subscriptions.push_back(S);
  }
  return A;
}

void Agent::report(const SessionInfo &, const fb::ModuleReport &) {}

void Agent::closed(const SessionInfo &) {}

SessionInfo describeSession(const fb::Hello &H) {
  auto Str = [](const flatbuffers::String *S) {
    return S ? S->str() : std::string();
  };
  SessionInfo Session;
  Session.Compiler = Str(H.compiler());
  Session.CompilerVersion = Str(H.compiler_version());
  Session.Module = Str(H.module_name());
  Session.SourceFile = Str(H.source_file());
  Session.TargetTriple = Str(H.target_triple());
  if (H.offered_kinds())
    for (auto K : *H.offered_kinds())
      Session.Offered.push_back(static_cast<fb::DecisionKind>(K));
  if (H.action_space())
    for (const fb::OptionSpec *O : *H.action_space())
      Session.ActionSpace.push_back(Str(O->name()));
  return Session;
}

std::string_view optionName(const SessionInfo &Session,
                            const fb::DecisionRequest &Request,
                            uint32_t Index) {
  if (Request.legal() && Request.legal()->size() > 0) {
    if (Index < Request.legal()->size()) {
      const flatbuffers::String *N = Request.legal()->Get(Index)->name();
      return N ? N->string_view() : std::string_view();
    }
    return {};
  }
  if (Index < Session.ActionSpace.size())
    return Session.ActionSpace[Index];
  return {};
}

int64_t findOption(const SessionInfo &Session,
                   const fb::DecisionRequest &Request, std::string_view Name) {
  if (Request.legal() && Request.legal()->size() > 0) {
    for (uint32_t I = 0; I < Request.legal()->size(); ++I) {
      const flatbuffers::String *N = Request.legal()->Get(I)->name();
      if (N && N->string_view() == Name)
        return I;
    }
    return -1;
  }
  for (size_t I = 0; I < Session.ActionSpace.size(); ++I)
    if (Session.ActionSpace[I] == Name)
      return static_cast<int64_t>(I);
  return -1;
}

double feature(const fb::DecisionRequest &Request, std::string_view Name,
               double Missing) {
  const auto *Names = Request.feature_names();
  const auto *Values = Request.feature_values();
  if (!Names || !Values)
    return Missing;
  for (uint32_t I = 0; I < Names->size() && I < Values->size(); ++I)
    if (Names->Get(I)->string_view() == Name)
      return Values->Get(I);
  return Missing;
}

std::string formatChoice(const SessionInfo &Session,
                         const fb::DecisionRequest &Request,
                         const fb::Choice *Choice) {
  if (!Choice)
    return "default";
  std::string Out(optionName(Session, Request, Choice->option()));
  if (Out.empty())
    Out = "#" + std::to_string(Choice->option());
  if (Choice->params())
    for (int64_t P : *Choice->params())
      Out += " " + std::to_string(P);
  if (Choice->target())
    Out += " @" + Choice->target()->str();
  return Out;
}

} // namespace switchyard
