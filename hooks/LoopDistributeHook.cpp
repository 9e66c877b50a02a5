//===- LoopDistributeHook.cpp - loop-distribute: split this loop? ---------===//

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
  Function &F = *L.getHeader()->getParent();
  Module &M = *F.getParent();
  Session &S = Sessions.sessionFor(M);
  if (!S.wants(DecisionKind::LoopDistribute, "LoopDistributePass",
               F.getName()))
    return false;
  LoopSite Site = describeLoop(L, PreorderIndex, &SE);
  if (!Memo.firstVisit(M, Site.SiteId))
    return false;

  DecisionRequest R;
  R.Kind = DecisionKind::LoopDistribute;
  fillLoopContext(R, Site, "LoopDistributePass");
  R.Context.PassArg = "loop-distribute";
  R.Legal = legalAnswers();
  Advice A = S.decide(R, &F);
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
  A.recordApplied("of loop '" + Site.Name + "'");
  return Changed;
}

} // namespace switchyard
