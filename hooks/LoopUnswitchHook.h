//===- LoopUnswitchHook.h - loop-unswitch: unswitch this loop? ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_LOOPUNSWITCHHOOK_H
#define SWITCHYARD_HOOKS_LOOPUNSWITCHHOOK_H

#include "LoopSite.h"

#include "llvm/Transforms/Scalar/LoopPassManager.h"

namespace switchyard {

/// Asks once per loop that branches on a loop-invariant condition, in the
/// loop pipeline's late extension point: leave it to LLVM ("auto": at -O3
/// its simple-loop-unswitch has already considered non-trivial unswitching,
/// below -O3 only the trivial kind), or run LLVM's non-trivial unswitching
/// on this loop now ("nontrivial"). SimpleLoopUnswitchPass then does the
/// work, with its own legality checks and size limit, so an answer can
/// make the unswitcher look but never make it do something it considers
/// wrong.
class LoopUnswitchHook : public LoopHookBase {
public:
  enum Option : uint32_t { Auto, NonTrivial };
  static constexpr const char *PassName = "SwitchyardLoopUnswitchDecisions";

  static llvm::ArrayRef<OptionSpec> legalAnswers();
  /// The loop features, then the kind's own.
  static llvm::ArrayRef<std::string_view> featureNames();

  explicit LoopUnswitchHook(ModuleSessions &Sessions)
      : LoopHookBase(Sessions) {}

  /// Whether \p L is a site, and if so the agent's answer for it.
  bool wantsNonTrivial(llvm::Loop &L, unsigned PreorderIndex,
                       llvm::ScalarEvolution &SE);
};

/// The loop pass that asks LoopUnswitchHook and unswitches where told.
class LoopUnswitchDecisionPass
    : public llvm::PassInfoMixin<LoopUnswitchDecisionPass> {
public:
  explicit LoopUnswitchDecisionPass(LoopUnswitchHook &Hook) : Hook(Hook) {}
  llvm::PreservedAnalyses run(llvm::Loop &L, llvm::LoopAnalysisManager &AM,
                              llvm::LoopStandardAnalysisResults &AR,
                              llvm::LPMUpdater &U);
  static bool isRequired() { return true; }

private:
  LoopUnswitchHook &Hook;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_LOOPUNSWITCHHOOK_H
