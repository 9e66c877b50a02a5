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
/// \p Interleave copies fits the loop size budget and the module's growth
/// budget; spends from the latter if so, records the advice unapplied if
/// not. Code grows by the interleave count, by the registers a wide vector
/// splits into (counted as one per 4 lanes, a 128-bit vector of 32-bit
/// elements), and by the unroll count the loop already asks for, which the
/// unroller applies to the vectorized loop.
static bool fitsBudget(Loop &L, ScalarEvolution &SE, LoopQuestion &Q,
                       Advice &A, int64_t Width, int64_t Interleave) {
  uint64_t Size = 0;
  for (const BasicBlock *BB : L.blocks())
    Size += BB->size();
  uint64_t Unroll = LoopUnrollHook::requestedCopies(L, SE);
  uint64_t Copies = static_cast<uint64_t>(Interleave) *
                    std::max<uint64_t>(1, static_cast<uint64_t>(Width) / 4) *
                    Unroll;
  const std::string &Name = Q.site().Name;
  if (Size * Copies > LoopUnrollHook::SizeBudget) {
    A.recordUnapplied("vectorizing loop '" + Name + "' " + Twine(Width) +
                      " wide, interleaved " + Twine(Interleave) +
                      (Unroll > 1 ? " and unrolled " + Twine(Unroll) + " times"
                                  : Twine("")) +
                      " would make about " + Twine(Size * Copies) +
                      " instructions, more than the budget of " +
                      Twine(LoopUnrollHook::SizeBudget));
    return false;
  }
  Session &S = Q.session();
  uint64_t Added = Size * (Copies - Unroll);
  if (Added > S.growthLeft()) {
    A.recordUnapplied("vectorizing loop '" + Name + "' " + Twine(Width) +
                      " wide, interleaved " + Twine(Interleave) +
                      " would add about " + Twine(Added) +
                      " instructions; the agent's answers may add " +
                      Twine(S.growthLeft()) + " more to this module (" +
                      Twine(S.growthBudget()) + " in all)");
    return false;
  }
  S.spendGrowth(Added);
  return true;
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
