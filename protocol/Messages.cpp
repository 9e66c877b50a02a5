//===- Messages.cpp - The agent's record of a session ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Messages.h"

namespace switchyard {

Span<std::string_view> SessionInfo::featureNames(DecisionKind Kind) const {
  for (const KindFeatures &F : Features)
    if (F.Kind == Kind)
      return F.Views;
  return {};
}

int SessionInfo::featureIndex(DecisionKind Kind, std::string_view Name) const {
  Span<std::string_view> Names = featureNames(Kind);
  for (size_t I = 0; I < Names.size(); ++I)
    if (Names[I] == Name)
      return static_cast<int>(I);
  return -1;
}

void SessionInfo::setFeatureNames(DecisionKind Kind,
                                  std::vector<std::string> Names) {
  KindFeatures *F = nullptr;
  for (KindFeatures &Existing : Features)
    if (Existing.Kind == Kind)
      F = &Existing;
  if (!F)
    F = &Features.emplace_back(KindFeatures{Kind, {}, {}});
  F->Names = std::move(Names);
  F->Views.assign(F->Names.begin(), F->Names.end());
}

SessionInfo &SessionInfo::operator=(const SessionInfo &Other) {
  if (this == &Other)
    return *this;
  Id = Other.Id;
  Version = Other.Version;
  Compiler = Other.Compiler;
  CompilerVersion = Other.CompilerVersion;
  Module = Other.Module;
  SourceFile = Other.SourceFile;
  TargetTriple = Other.TargetTriple;
  Pid = Other.Pid;
  Offered = Other.Offered;
  ActionSpace = Other.ActionSpace;
  ActionTakesTarget = Other.ActionTakesTarget;
  // The views must point into this copy's names, not the other's.
  Features.clear();
  for (const KindFeatures &F : Other.Features)
    setFeatureNames(F.Kind, F.Names);
  return *this;
}

} // namespace switchyard
