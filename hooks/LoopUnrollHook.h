//===- LoopUnrollHook.h - loop-unroll: unroll this loop, by how much? -----===//

#ifndef SWITCHYARD_HOOKS_LOOPUNROLLHOOK_H
#define SWITCHYARD_HOOKS_LOOPUNROLLHOOK_H

#include "LoopSite.h"

#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/Transforms/Scalar/LoopPassManager.h"

namespace switchyard {

/// Asks once per loop, before the full unroller runs (LLVM's late loop
/// optimizations extension point), and writes the answer as unroll
/// metadata that both of LLVM's unrollers obey. "auto" adds nothing.
class LoopUnrollHook {
public:
  enum Option : uint32_t { Auto, None, Full, Partial, Runtime };
  /// Unroll counts above this are refused.
  static constexpr int64_t MaxCount = 64;
  /// Full unrolling needs a constant trip count no larger than this.
  static constexpr unsigned MaxFullTripCount = 1024;

  static llvm::ArrayRef<OptionSpec> legalAnswers();

  explicit LoopUnrollHook(SessionManager &Sessions) : Sessions(Sessions) {}

  /// Returns whether \p L's metadata changed.
  bool decide(llvm::Loop &L, unsigned PreorderIndex,
              llvm::ScalarEvolution &SE);

private:
  SessionManager &Sessions;
  SiteMemo Memo;
};

/// The loop pass that runs LoopUnrollHook at the late loop optimizations
/// extension point.
class LoopUnrollDecisionPass
    : public llvm::PassInfoMixin<LoopUnrollDecisionPass> {
public:
  explicit LoopUnrollDecisionPass(LoopUnrollHook &Hook) : Hook(Hook) {}
  llvm::PreservedAnalyses run(llvm::Loop &L, llvm::LoopAnalysisManager &,
                              llvm::LoopStandardAnalysisResults &AR,
                              llvm::LPMUpdater &);
  static bool isRequired() { return true; }

private:
  LoopUnrollHook &Hook;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_LOOPUNROLLHOOK_H
