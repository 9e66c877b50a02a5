//===- LoopVectorizeHook.h - loop-vectorize: width and interleave ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_LOOPVECTORIZEHOOK_H
#define SWITCHYARD_HOOKS_LOOPVECTORIZEHOOK_H

#include "LoopSite.h"

namespace switchyard {

/// Asks once per innermost loop, just before LLVM's loop vectorizer (the
/// vectorizer-start extension point), and writes the answer as the
/// vectorization metadata `#pragma clang loop` would. "auto" adds nothing.
///
/// That metadata is also a licence: LLVM reads a forced width or interleave
/// above 1 as permission to reorder floating-point operations
/// (LoopVectorizeHints::allowReordering), as a user's pragma does. An
/// agent's answer must not give it, so on a loop where reordering could
/// change a result (reorderHazard) such widths and interleaves are not
/// legal unless the user opted in (SWITCHYARD_ALLOW_FP_REORDER=1).
class LoopVectorizeHook : public LoopHookBase {
public:
  enum Option : uint32_t { Auto, Disable, Vectorize };
  static constexpr int64_t MaxWidth = 64;
  static constexpr int64_t MaxInterleave = 16;
  static constexpr const char *PassName = "SwitchyardLoopVectorizeDecisions";

  /// The legal answers; \p MayReorder false limits `vectorize` to width
  /// and interleave 1.
  static llvm::ArrayRef<OptionSpec> legalAnswers(bool MayReorder = true);
  /// The loop features, then `fp_reorder_hazard`.
  static llvm::ArrayRef<std::string_view> featureNames();

  /// Why vectorizing or interleaving \p L, now or after later passes have
  /// simplified it, could reorder floating-point operations that do not
  /// allow it; nothing if it cannot. See docs/hooks.md.
  static std::optional<std::string> reorderHazard(const llvm::Loop &L,
                                                  llvm::ScalarEvolution &SE);

  LoopVectorizeHook(ModuleSessions &Sessions, bool AllowFPReorder)
      : LoopHookBase(Sessions), AllowFPReorder(AllowFPReorder) {}

  bool decide(llvm::Loop &L, unsigned PreorderIndex,
              llvm::ScalarEvolution &SE);

private:
  bool AllowFPReorder;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_LOOPVECTORIZEHOOK_H
