//===- LicmHook.cpp - licm: may LICM hoist and sink in this loop? ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "LicmHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace switchyard {

ArrayRef<OptionSpec> LicmHook::legalAnswers() {
  static const OptionSpec Answers[] = {{"allow", {}}, {"disable", {}}};
  return Answers;
}

bool LicmHook::decide(Loop &L, unsigned PreorderIndex, ScalarEvolution &SE) {
  LoopQuestion Q(Sessions, Memo, L, PreorderIndex, SE, DecisionKind::Licm,
                 "LICMPass", "licm");
  if (!Q)
    return false;
  Advice A = Q.ask(legalAnswers());
  bool Off = A.choice().Option == Disable;
  if (Off)
    setLoopAttribute(L, "llvm.licm.disable");
  A.recordApplied([&] { return "of loop '" + Q.site().Name + "'"; });
  return Off;
}

} // namespace switchyard
