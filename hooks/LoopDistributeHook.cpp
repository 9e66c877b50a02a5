//===- LoopDistributeHook.cpp - loop-distribute: split this loop? ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "LoopDistributeHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace switchyard {

ArrayRef<OptionSpec> LoopDistributeHook::legalAnswers() {
  static const OptionSpec Answers[] = {
      {"auto", {}}, {"distribute", {}}, {"never", {}}};
  return Answers;
}

bool LoopDistributeHook::decide(Loop &L, unsigned PreorderIndex,
                                ScalarEvolution &SE) {
  if (!L.isInnermost())
    return false;
  LoopQuestion Q(Sessions, Memo, L, PreorderIndex, SE,
                 DecisionKind::LoopDistribute, "LoopDistributePass",
                 "loop-distribute");
  if (!Q)
    return false;
  Advice A = Q.ask(legalAnswers());
  switch (A.choice().Option) {
  case Auto:
    break;
  case Distribute:
    setLoopAttribute(L, "llvm.loop.distribute.enable", 1);
    break;
  case Never:
    setLoopAttribute(L, "llvm.loop.distribute.enable", 0);
    break;
  }
  bool Changed = A.choice().Option != Auto;
  A.recordApplied([&] { return "of loop '" + Q.site().Name + "'"; });
  return Changed;
}

} // namespace switchyard
