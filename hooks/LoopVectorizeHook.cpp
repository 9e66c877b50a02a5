//===- LoopVectorizeHook.cpp - loop-vectorize: width and interleave -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "LoopVectorizeHook.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/DebugLoc.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"

#include <algorithm>

using namespace llvm;

namespace switchyard {

ArrayRef<OptionSpec> LoopVectorizeHook::legalAnswers(bool MayReorder) {
  static const OptionSpec Answers[] = {
      {"auto", {}},
      {"disable", {}},
      {"vectorize",
       {{"width", 1, MaxWidth, /*PowerOfTwo=*/true},
        {"interleave", 1, MaxInterleave, /*PowerOfTwo=*/false}}}};
  static const OptionSpec InOrder[] = {
      {"auto", {}},
      {"disable", {}},
      {"vectorize",
       {{"width", 1, 1, /*PowerOfTwo=*/true},
        {"interleave", 1, 1, /*PowerOfTwo=*/false}}}};
  if (MayReorder)
    return Answers;
  return InOrder;
}

ArrayRef<std::string_view> LoopVectorizeHook::featureNames() {
  static const std::vector<std::string_view> Names = [] {
    std::vector<std::string_view> N(loopFeatureNames().begin(),
                             loopFeatureNames().end());
    N.push_back("fp_reorder_hazard");
    return N;
  }();
  return Names;
}

/// The floating-point operations the vectorizer reorders when a loop's
/// hints allow it (the reduction and induction operations of RecurKind),
/// unless they allow reassociation already.
static bool isStrictReorderable(const Instruction &I) {
  switch (I.getOpcode()) {
  case Instruction::FAdd:
  case Instruction::FSub:
  case Instruction::FMul:
    return !I.hasAllowReassoc();
  default:
    break;
  }
  if (const auto *II = dyn_cast<IntrinsicInst>(&I))
    switch (II->getIntrinsicID()) {
    case Intrinsic::fmuladd:
    case Intrinsic::fma:
    case Intrinsic::minnum:
    case Intrinsic::maxnum:
    case Intrinsic::minimum:
    case Intrinsic::maximum:
    case Intrinsic::minimumnum:
    case Intrinsic::maximumnum:
      return !II->hasAllowReassoc();
    default:
      break;
    }
  return false;
}

/// Whether a load from \p Addr may read what the previous iteration of \p L
/// wrote, once later passes have promoted it to a register: every address
/// but one that scalar evolution sees stepping with \p L. An address built
/// from loads of unpromoted locals (code before SROA) is unknown, so counts.
static bool mayCarryAcrossIterations(const Value *Addr, const Loop &L,
                                     ScalarEvolution &SE) {
  const auto *AR =
      dyn_cast<SCEVAddRecExpr>(SE.getSCEV(const_cast<Value *>(Addr)));
  return !AR || AR->getLoop() != &L || AR->getStepRecurrence(SE)->isZero();
}

static std::string where(const Instruction &I) {
  if (const DebugLoc &DL = I.getDebugLoc())
    return " at line " + std::to_string(DL.getLine());
  return "";
}

std::optional<std::string>
LoopVectorizeHook::reorderHazard(const Loop &L, ScalarEvolution &SE) {
  // Values already known not to lead to a carried value: each search ends
  // at the first hazard, so what an earlier one visited is clean.
  SmallPtrSet<const Value *, 32> Clean;
  SmallVector<const Value *, 16> Work;
  // A value goes round through memory only if the loop also stores a
  // floating-point value where it may read it back next time.
  bool StoresMayCarry = any_of(L.blocks(), [&](const BasicBlock *BB) {
    return any_of(*BB, [&](const Instruction &I) {
      const auto *Store = dyn_cast<StoreInst>(&I);
      return Store &&
             Store->getValueOperand()->getType()->isFPOrFPVectorTy() &&
             mayCarryAcrossIterations(Store->getPointerOperand(), L, SE);
    });
  });
  for (const BasicBlock *BB : L.blocks())
    for (const Instruction &I : *BB) {
      if (const auto *CB = dyn_cast<CallBase>(&I)) {
        // The metadata outlives this pipeline position: a body inlined into
        // the loop later brings its own arithmetic under the licence.
        const Function *Callee = CB->getCalledFunction();
        if (!CB->isInlineAsm() && (!Callee || !Callee->isDeclaration()))
          return "reordering could change floating-point results: the "
                 "loop calls " +
                 (Callee ? "'" + Callee->getName().str() + "'"
                         : std::string("through a pointer")) +
                 where(I) + ", whose arithmetic later inlining would bring "
                 "into the loop";
      }
      if (!isStrictReorderable(I))
        continue;
      // Does a value carried from the previous iteration flow into I, in
      // a register (a header phi) or in memory (a load that later passes
      // may promote)? Then I is a reduction or induction step, now or
      // after SROA, LICM or inlining, and vectorizing reorders it.
      Work.assign(I.op_begin(), I.op_end());
      while (!Work.empty()) {
        const auto *V = dyn_cast<Instruction>(Work.pop_back_val());
        if (!V || !L.contains(V) || !V->getType()->isFPOrFPVectorTy() ||
            !Clean.insert(V).second)
          continue;
        bool Carried = false;
        if (isa<PHINode>(V) && V->getParent() == L.getHeader())
          Carried = true;
        else if (const auto *Load = dyn_cast<LoadInst>(V))
          Carried = StoresMayCarry &&
                    mayCarryAcrossIterations(Load->getPointerOperand(), L, SE);
        else
          Work.append(V->op_begin(), V->op_end());
        if (Carried)
          return "reordering could change floating-point results: '" +
                 std::string(I.getOpcodeName()) + "'" + where(I) +
                 " carries a value across iterations and does not allow "
                 "reassociation; SWITCHYARD_ALLOW_FP_REORDER=1 permits it";
      }
    }
  return std::nullopt;
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
  uint64_t Unroll = requestedCopies(L, SE);
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
  std::optional<std::string> Hazard = reorderHazard(L, SE);
  Q.addFeatures(featureNames(), {Hazard ? 1.0 : 0.0});
  bool MayReorder = !Hazard || AllowFPReorder;
  Advice A = Q.ask(legalAnswers(MayReorder),
                   MayReorder ? StringRef() : StringRef(*Hazard));
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
    // Without the licence, width and interleave are 1 here: written
    // without vectorize.enable, which alone permits reordering.
    if (MayReorder)
      setLoopAttribute(L, "llvm.loop.vectorize.enable", 1);
    setLoopAttribute(L, "llvm.loop.vectorize.width", C.Params[0]);
    setLoopAttribute(L, "llvm.loop.interleave.count", C.Params[1]);
    break;
  }
  A.recordApplied([&] { return "of loop '" + Q.site().Name + "'"; });
  return C.Option != Auto;
}

} // namespace switchyard
