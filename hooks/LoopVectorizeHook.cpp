//===- LoopVectorizeHook.cpp - loop-vectorize: width and interleave -------===//

#include "LoopVectorizeHook.h"
#include "LoopUnrollHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Module.h"

#include <algorithm>

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

/// Whether a forced vectorization of \p L with \p Width lanes and
/// \p Interleave copies fits the loop and module budgets (growLoop);
/// records the advice unapplied if not. Code grows by the interleave count,
/// by the registers a wide vector splits into (counted as one per 4 lanes,
/// a 128-bit vector of 32-bit elements), and by the unroll count the loop
/// already asks for, which the unroller applies to the vectorized loop and
/// which was paid for when it was asked.
static bool fitsBudget(Loop &L, ScalarEvolution &SE, LoopQuestion &Q,
                       Advice &A, int64_t Width, int64_t Interleave) {
  uint64_t Unroll = LoopUnrollHook::requestedCopies(L, SE);
  uint64_t Copies = static_cast<uint64_t>(Interleave) *
                    std::max<uint64_t>(1, static_cast<uint64_t>(Width) / 4) *
                    Unroll;
  std::optional<std::string> Why = growLoop(
      Q.session(), loopSize(L), Copies, /*Paid=*/Unroll,
      "vectorizing loop '" + Q.site().Name + "' " + Twine(Width) +
          " wide, interleaved " + Twine(Interleave) +
          (Unroll > 1 ? " and unrolled " + Twine(Unroll) + " times"
                      : Twine("")));
  if (Why)
    A.recordUnapplied(*Why);
  return !Why;
}

bool LoopVectorizeHook::decide(Loop &L, unsigned PreorderIndex,
                               ScalarEvolution &SE) {
  // The vectorizer only looks at innermost loops.
  if (!L.isInnermost())
    return false;
  LoopQuestion Q(Sessions, Memo, L, PreorderIndex, SE,
                 DecisionKind::LoopVectorize, "LoopVectorizePass",
                 "loop-vectorize");
  if (!Q)
    return false;
  Advice A = Q.ask(legalAnswers());
  const Choice &C = A.choice();
  switch (C.Option) {
  case Auto:
    break;
  case Disable:
    setLoopAttribute(L, "llvm.loop.vectorize.width", 1);
    setLoopAttribute(L, "llvm.loop.interleave.count", 1);
    break;
  case Vectorize:
    if (!fitsBudget(L, SE, Q, A, C.Params[0], C.Params[1]))
      return false;
    setLoopAttribute(L, "llvm.loop.vectorize.enable", 1);
    setLoopAttribute(L, "llvm.loop.vectorize.width", C.Params[0]);
    setLoopAttribute(L, "llvm.loop.interleave.count", C.Params[1]);
    break;
  }
  A.recordApplied("of loop '" + Q.site().Name + "'");
  return C.Option != Auto;
}

} // namespace switchyard
