//===- LoopUnrollHook.h - loop-unroll: unroll this loop, by how much? -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_LOOPUNROLLHOOK_H
#define SWITCHYARD_HOOKS_LOOPUNROLLHOOK_H

#include "LoopSite.h"

#include "llvm/ADT/DenseSet.h"

#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/Transforms/Scalar/LoopPassManager.h"

#include <array>

namespace switchyard {

/// Asks once per loop, before the full unroller runs (LLVM's late loop
/// optimizations extension point), and writes the answer as unroll
/// metadata that both of LLVM's unrollers obey. "auto" adds nothing.
class LoopUnrollHook : public LoopHookBase {
public:
  enum Option : uint32_t { Auto, None, Full, Partial, Runtime };
  static constexpr const char *PassName = "SwitchyardLoopUnrollDecisions";
  /// Unroll counts above this are refused.
  static constexpr int64_t MaxCount = 64;
  /// Unroll counts above this are refused on a loop that is not in rotated
  /// form (its latch does not exit): on such a loop nest LLVM 22's unroller
  /// recurses in ScalarEvolution until the stack overflows at counts of 32
  /// and more (docs/differential.md, cause 10; stock clang crashes the same
  /// with `#pragma clang loop unroll_count(32)`).
  static constexpr int64_t MaxUnrotatedCount = 16;
  /// Full unrolling needs a constant trip count no larger than this.
  static constexpr unsigned MaxFullTripCount = 1024;
  /// The legal answers for a loop of \p Size instructions (inner loops'
  /// unrolling counted) when the agent may add \p GrowthLeft more to the
  /// module: `count` at most min(MaxCount, LoopSizeBudget / Size,
  /// 1 + GrowthLeft / Size, and MaxUnrotatedCount unless \p Rotated),
  /// and at least 2.
  static std::array<OptionSpec, 5> legalAnswers(uint64_t Size,
                                                uint64_t GrowthLeft,
                                                bool Rotated = true);

  /// \p L's instructions, each inner loop's counted once per copy its
  /// unroll metadata asks for.
  static uint64_t unrolledSize(const llvm::Loop &L, llvm::ScalarEvolution &SE);

  explicit LoopUnrollHook(ModuleSessions &Sessions) : LoopHookBase(Sessions) {}

  /// Returns whether \p L's metadata changed.
  bool decide(llvm::Loop &L, unsigned PreorderIndex,
              llvm::ScalarEvolution &SE);

  /// Marks the unroll metadata an agent's answer wrote. It travels with the
  /// loop when its function is inlined, and each copy is unrolled too.
  static constexpr const char *AgentMark = "switchyard.unroll";

private:
  /// Asks the agent about \p L; returns whether its metadata changed.
  bool ask(llvm::Loop &L, unsigned PreorderIndex, llvm::ScalarEvolution &SE);
  /// Charges an agent's unroll metadata that \p L inherited (a copy made
  /// by inlining) to the module's growth budget, once per loop; drops it
  /// when it does not fit. Returns whether the metadata changed.
  bool chargeInherited(llvm::Loop &L, llvm::ScalarEvolution &SE);

  /// Loops (by header) whose unrolling is paid for, in module ChargedIn.
  llvm::DenseSet<const llvm::BasicBlock *> Charged;
  const llvm::Module *ChargedIn = nullptr;
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
