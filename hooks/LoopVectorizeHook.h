//===- LoopVectorizeHook.h - loop-vectorize: width and interleave ---------===//

#ifndef SWITCHYARD_HOOKS_LOOPVECTORIZEHOOK_H
#define SWITCHYARD_HOOKS_LOOPVECTORIZEHOOK_H

#include "LoopSite.h"

namespace switchyard {

/// Asks once per innermost loop, just before LLVM's loop vectorizer (the
/// vectorizer-start extension point), and writes the answer as the
/// vectorization metadata `#pragma clang loop` would. "auto" adds nothing.
class LoopVectorizeHook {
public:
  enum Option : uint32_t { Auto, Disable, Vectorize };
  static constexpr int64_t MaxWidth = 64;
  static constexpr int64_t MaxInterleave = 16;
  static constexpr const char *PassName = "SwitchyardLoopVectorizeDecisions";

  static llvm::ArrayRef<OptionSpec> legalAnswers();

  explicit LoopVectorizeHook(SessionManager &Sessions) : Sessions(Sessions) {}

  bool decide(llvm::Loop &L, unsigned PreorderIndex,
              llvm::ScalarEvolution &SE);

private:
  SessionManager &Sessions;
  SiteMemo Memo;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_LOOPVECTORIZEHOOK_H
