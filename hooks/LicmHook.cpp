//===- LicmHook.cpp - licm: may LICM hoist and sink in this loop? ---------===//

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
  Function &F = *L.getHeader()->getParent();
  Module &M = *F.getParent();
  Session &S = Sessions.sessionFor(M);
  if (!S.wants(DecisionKind::Licm, "LICMPass", F.getName()))
    return false;
  LoopSite Site = describeLoop(L, PreorderIndex, &SE);
  if (!Memo.firstVisit(M, Site.SiteId))
    return false;

  DecisionRequest R;
  R.Kind = DecisionKind::Licm;
  fillLoopContext(R, Site, "LICMPass");
  R.Context.PassArg = "licm";
  R.Legal = legalAnswers();
  Advice A = S.decide(R, &F);
  bool Off = A.choice().Option == Disable;
  if (Off)
    setLoopAttribute(L, "llvm.licm.disable");
  A.recordApplied("of loop '" + Site.Name + "'");
  return Off;
}

} // namespace switchyard
