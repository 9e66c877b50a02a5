//===- LoopUnswitchHook.cpp - loop-unswitch: unswitch this loop? ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "LoopUnswitchHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Scalar/SimpleLoopUnswitch.h"

using namespace llvm;

namespace switchyard {

ArrayRef<OptionSpec> LoopUnswitchHook::legalAnswers() {
  static const OptionSpec Answers[] = {{"auto", {}}, {"nontrivial", {}}};
  return Answers;
}

ArrayRef<std::string_view> LoopUnswitchHook::featureNames() {
  static const std::vector<std::string_view> Names = [] {
    std::vector<std::string_view> N(loopFeatureNames().begin(),
                                    loopFeatureNames().end());
    N.push_back("invariant_branches");
    N.push_back("invariant_switches");
    return N;
  }();
  return Names;
}

/// Conditional branches and switches in \p L (its inner loops' included)
/// whose condition does not change in \p L: what unswitching hoists.
static std::pair<unsigned, unsigned> invariantConditions(const Loop &L) {
  unsigned Branches = 0, Switches = 0;
  for (const BasicBlock *BB : L.blocks()) {
    const Instruction *T = BB->getTerminator();
    if (const auto *Br = dyn_cast<BranchInst>(T)) {
      if (Br->isConditional() && !isa<Constant>(Br->getCondition()) &&
          L.isLoopInvariant(Br->getCondition()))
        ++Branches;
    } else if (const auto *Sw = dyn_cast<SwitchInst>(T)) {
      if (!isa<Constant>(Sw->getCondition()) &&
          L.isLoopInvariant(Sw->getCondition()))
        ++Switches;
    }
  }
  return {Branches, Switches};
}

bool LoopUnswitchHook::wantsNonTrivial(Loop &L, unsigned PreorderIndex,
                                       ScalarEvolution &SE) {
  // A loop with nothing invariant to branch on has nothing to unswitch:
  // no question.
  auto [Branches, Switches] = invariantConditions(L);
  if (Branches + Switches == 0)
    return false;
  LoopQuestion Q(Sessions, Memo, L, PreorderIndex, SE,
                 DecisionKind::LoopUnswitch, "SimpleLoopUnswitchPass",
                 "simple-loop-unswitch");
  if (!Q)
    return false;
  Q.addFeatures(featureNames(), {static_cast<double>(Branches),
                                 static_cast<double>(Switches)});
  Advice A = Q.ask(legalAnswers());
  bool Unswitch = A.choice().Option == NonTrivial;
  A.recordApplied([&] { return "of loop '" + Q.site().Name + "'"; });
  return Unswitch;
}

PreservedAnalyses LoopUnswitchDecisionPass::run(Loop &L,
                                                LoopAnalysisManager &AM,
                                                LoopStandardAnalysisResults &AR,
                                                LPMUpdater &U) {
  unsigned Index = 0;
  for (Loop *Other : AR.LI.getLoopsInPreorder()) {
    if (Other == &L)
      break;
    ++Index;
  }
  if (!Hook.wantsNonTrivial(L, Index, AR.SE))
    return PreservedAnalyses::all();
  // LLVM's own unswitcher, told to consider non-trivial candidates here.
  return SimpleLoopUnswitchPass(/*NonTrivial=*/true, /*Trivial=*/true)
      .run(L, AM, AR, U);
}

} // namespace switchyard
