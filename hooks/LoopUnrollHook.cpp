//===- LoopUnrollHook.cpp - loop-unroll: unroll this loop, by how much? ---===//

#include "LoopUnrollHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace switchyard {

ArrayRef<OptionSpec> LoopUnrollHook::legalAnswers() {
  static const OptionSpec Answers[] = {
      {"auto", {}},
      {"none", {}},
      {"full", {}},
      {"partial", {{"count", 2, MaxCount, false}}},
      {"runtime", {{"count", 2, MaxCount, false}}}};
  return Answers;
}

bool LoopUnrollHook::decide(Loop &L, unsigned PreorderIndex,
                            ScalarEvolution &SE) {
  Function &F = *L.getHeader()->getParent();
  Module &M = *F.getParent();
  Session &S = Sessions.sessionFor(M);
  if (!S.wants(DecisionKind::LoopUnroll, "LoopUnrollPass", F.getName()))
    return false;
  LoopSite Site = describeLoop(L, PreorderIndex, &SE);
  if (!Memo.firstVisit(M, Site.SiteId))
    return false;

  unsigned TripCount = SE.getSmallConstantTripCount(&L);
  DecisionRequest R;
  R.Kind = DecisionKind::LoopUnroll;
  fillLoopContext(R, Site, "LoopUnrollPass");
  R.Context.PassArg = "loop-unroll";
  R.Legal = legalAnswers();
  Advice A = S.decide(R, &F);
  const Choice &C = A.choice();
  if (C.Option == Full && (TripCount == 0 || TripCount > MaxFullTripCount)) {
    A.recordUnapplied("full unrolling needs a constant trip count of at most " +
                      Twine(MaxFullTripCount) + "; loop '" + Site.Name +
                      "' has " +
                      (TripCount ? Twine(TripCount) : Twine("none")));
    return false;
  }
  switch (C.Option) {
  case Auto:
    break;
  case None:
    setLoopAttribute(L, "llvm.loop.unroll.disable");
    break;
  case Full:
    setLoopAttribute(L, "llvm.loop.unroll.full");
    break;
  case Partial:
    setLoopAttribute(L, "llvm.loop.unroll.count", C.Params[0]);
    setLoopAttribute(L, "llvm.loop.unroll.runtime.disable");
    break;
  case Runtime:
    setLoopAttribute(L, "llvm.loop.unroll.count", C.Params[0]);
    break;
  }
  A.recordApplied("of loop '" + Site.Name + "'");
  return C.Option != Auto;
}

PreservedAnalyses LoopUnrollDecisionPass::run(Loop &L, LoopAnalysisManager &,
                                              LoopStandardAnalysisResults &AR,
                                              LPMUpdater &) {
  unsigned Index = 0;
  for (Loop *Other : AR.LI.getLoopsInPreorder()) {
    if (Other == &L)
      break;
    ++Index;
  }
  // Metadata changes no analysis result.
  Hook.decide(L, Index, AR.SE);
  return PreservedAnalyses::all();
}

} // namespace switchyard
