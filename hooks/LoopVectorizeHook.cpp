//===- LoopVectorizeHook.cpp - loop-vectorize: width and interleave -------===//

#include "LoopVectorizeHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace switchyard {

ArrayRef<OptionSpec> LoopVectorizeHook::legalAnswers() {
  static const OptionSpec Answers[] = {
      {"auto", {}},
      {"disable", {}},
      {"vectorize",
       {{"width", 1, MaxWidth, /*PowerOfTwo=*/true},
        {"interleave", 1, MaxInterleave, /*PowerOfTwo=*/false}}}};
  return Answers;
}

bool LoopVectorizeHook::decide(Loop &L, unsigned PreorderIndex,
                               ScalarEvolution &SE) {
  // The vectorizer only looks at innermost loops.
  if (!L.isInnermost())
    return false;
  Function &F = *L.getHeader()->getParent();
  Module &M = *F.getParent();
  Session &S = Sessions.sessionFor(M);
  if (!S.wants(DecisionKind::LoopVectorize, "LoopVectorizePass", F.getName()))
    return false;
  LoopSite Site = describeLoop(L, PreorderIndex, &SE);
  if (!Memo.firstVisit(M, Site.SiteId))
    return false;

  DecisionRequest R;
  R.Kind = DecisionKind::LoopVectorize;
  fillLoopContext(R, Site, "LoopVectorizePass");
  R.Context.PassArg = "loop-vectorize";
  R.Legal = legalAnswers();
  Advice A = S.decide(R, &F);
  const Choice &C = A.choice();
  switch (C.Option) {
  case Auto:
    break;
  case Disable:
    setLoopAttribute(L, "llvm.loop.vectorize.width", 1);
    setLoopAttribute(L, "llvm.loop.interleave.count", 1);
    break;
  case Vectorize:
    setLoopAttribute(L, "llvm.loop.vectorize.enable", 1);
    setLoopAttribute(L, "llvm.loop.vectorize.width", C.Params[0]);
    setLoopAttribute(L, "llvm.loop.interleave.count", C.Params[1]);
    break;
  }
  A.recordApplied("of loop '" + Site.Name + "'");
  return C.Option != Auto;
}

} // namespace switchyard
