//===- LoopVectorizeHook.cpp - loop-vectorize: width and interleave -------===//

#include "LoopVectorizeHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Module.h"

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
    setLoopAttribute(L, "llvm.loop.vectorize.enable", 1);
    setLoopAttribute(L, "llvm.loop.vectorize.width", C.Params[0]);
    setLoopAttribute(L, "llvm.loop.interleave.count", C.Params[1]);
    break;
  }
  A.recordApplied("of loop '" + Q.site().Name + "'");
  return C.Option != Auto;
}

} // namespace switchyard
