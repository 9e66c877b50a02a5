//===- LoopDistributeHook.h - loop-distribute: split this loop? -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_LOOPDISTRIBUTEHOOK_H
#define SWITCHYARD_HOOKS_LOOPDISTRIBUTEHOOK_H

#include "LoopSite.h"

namespace switchyard {

/// Asks once per innermost loop, just before LLVM's loop distribution (off
/// by default in LLVM unless a loop asks for it): split the loop so that its
/// vectorizable part can be vectorized?
class LoopDistributeHook : public LoopHookBase {
public:
  enum Option : uint32_t { Auto, Distribute, Never };
  static constexpr const char *PassName = "SwitchyardLoopDistributeDecisions";

  static llvm::ArrayRef<OptionSpec> legalAnswers();

  explicit LoopDistributeHook(ModuleSessions &Sessions)
      : LoopHookBase(Sessions) {}

  bool decide(llvm::Loop &L, unsigned PreorderIndex,
              llvm::ScalarEvolution &SE);
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_LOOPDISTRIBUTEHOOK_H
