//===- LicmHook.h - licm: may LICM hoist and sink in this loop? -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_LICMHOOK_H
#define SWITCHYARD_HOOKS_LICMHOOK_H

#include "LoopSite.h"

namespace switchyard {

/// Asks once per loop as the module enters the optimization pipeline (the
/// pipeline-start extension point), before the first LICM: may LICM move
/// code out of this loop? "disable" writes `llvm.licm.disable`, which every
/// later LICM run obeys.
class LicmHook : public LoopHookBase {
public:
  enum Option : uint32_t { Allow, Disable };
  static constexpr const char *PassName = "SwitchyardLicmDecisions";

  static llvm::ArrayRef<OptionSpec> legalAnswers();

  explicit LicmHook(ModuleSessions &Sessions) : LoopHookBase(Sessions) {}

  bool decide(llvm::Loop &L, unsigned PreorderIndex,
              llvm::ScalarEvolution &SE);
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_LICMHOOK_H
