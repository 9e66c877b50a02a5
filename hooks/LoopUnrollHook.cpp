//===- LoopUnrollHook.cpp - loop-unroll: unroll this loop, by how much? ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "LoopUnrollHook.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

#include <algorithm>

using namespace llvm;

namespace switchyard {

std::array<OptionSpec, 5> LoopUnrollHook::legalAnswers(uint64_t Size,
                                                       uint64_t GrowthLeft,
                                                       bool Rotated) {
  Size = std::max<uint64_t>(Size, 1);
  uint64_t Fit = std::min(LoopSizeBudget / Size, 1 + GrowthLeft / Size);
  int64_t Max = static_cast<int64_t>(std::clamp<uint64_t>(
      Fit, 2, static_cast<uint64_t>(Rotated ? MaxCount : MaxUnrotatedCount)));
  return {OptionSpec{"auto", {}},
          OptionSpec{"none", {}},
          OptionSpec{"full", {}},
          OptionSpec{"partial", {{"count", 2, Max, false}}},
          OptionSpec{"runtime", {{"count", 2, Max, false}}}};
}

uint64_t LoopUnrollHook::unrolledSize(const Loop &L, ScalarEvolution &SE) {
  uint64_t Size = loopSize(L);
  for (const Loop *Inner : L.getSubLoops()) {
    // Saturating: a size past the budget is as good as infinite.
    uint64_t Grown = std::min<uint64_t>(
        unrolledSize(*Inner, SE) * requestedCopies(*Inner, SE),
        uint64_t(1) << 40);
    Size = Size - loopSize(*Inner) + Grown;
  }
  return Size;
}

bool LoopUnrollHook::decide(Loop &L, unsigned PreorderIndex,
                            ScalarEvolution &SE) {
  const Module *M = L.getHeader()->getModule();
  if (ChargedIn != M) {
    ChargedIn = M;
    Charged.clear();
  }
  bool Changed = ask(L, PreorderIndex, SE);
  return chargeInherited(L, SE) || Changed;
}

bool LoopUnrollHook::chargeInherited(Loop &L, ScalarEvolution &SE) {
  if (!Charged.insert(L.getHeader()).second)
    return false;
  MDNode *ID = L.getLoopID();
  if (!ID || !findOptionMDForLoopID(ID, AgentMark))
    return false;
  uint64_t Copies = requestedCopies(L, SE);
  if (Copies <= 1)
    return false;
  Session &S = Sessions.sessionFor(*L.getHeader()->getModule());
  uint64_t Size = unrolledSize(L, SE);
  if (!growLoop(S, Size, Copies, /*Paid=*/1, "unrolling a copy"))
    return false;
  dropLoopAttributes(L, {"llvm.loop.unroll.count", "llvm.loop.unroll.full",
                         "llvm.loop.unroll.runtime.disable", AgentMark});
  Function &F = *L.getHeader()->getParent();
  F.getContext().diagnose(
      OptimizationRemarkMissed("switchyard", "GrowthBudget", L.getStartLoc(),
                               L.getHeader())
      << "dropped the agent's unroll of a copy of a loop in '"
      << F.getName() << "' (" << Twine(Copies).str() << " copies of about "
      << Twine(Size).str()
      << " instructions): it would pass what the agent's answers may add to "
         "this module ("
      << Twine(S.growthLeft()).str() << " more of "
      << Twine(S.growthBudget()).str() << ")");
  return true;
}

bool LoopUnrollHook::ask(Loop &L, unsigned PreorderIndex,
                         ScalarEvolution &SE) {
  LoopQuestion Q(Sessions, Memo, L, PreorderIndex, SE,
                 DecisionKind::LoopUnroll, "LoopUnrollPass", "loop-unroll");
  if (!Q)
    return false;
  Session &S = Q.session();
  const LoopSite &Site = Q.site();
  unsigned TripCount = SE.getSmallConstantTripCount(&L);
  uint64_t Size = unrolledSize(L, SE);
  bool Rotated = L.isRotatedForm();
  std::array<OptionSpec, 5> Legal =
      legalAnswers(Size, S.growthLeft(), Rotated);
  Advice A = Q.ask(Legal, Rotated ? "" : "the loop is not rotated: LLVM's "
                                         "unroller crashes on larger counts");
  const Choice &C = A.choice();
  if (C.Option == Full && (TripCount == 0 || TripCount > MaxFullTripCount)) {
    A.recordUnapplied("full unrolling needs a constant trip count of at most " +
                      std::to_string(MaxFullTripCount) + "; loop '" +
                      Site.Name + "' has " +
                      (TripCount ? std::to_string(TripCount) : "none"));
    return false;
  }
  // A count within [2, 64] can still be too much for a big loop body: the
  // legal range sent with the request says how much; a loop too big for
  // even 2 copies (or for `full`) keeps LLVM's own choice.
  uint64_t Copies = C.Option == Full                               ? TripCount
                    : C.Option == Partial || C.Option == Runtime ? C.Params[0]
                                                                   : 1;
  if (Copies > 1) {
    if (std::optional<std::string> Why =
            growLoop(S, Size, Copies, /*Paid=*/1,
                     "unrolling loop '" + Site.Name + "' " + Twine(Copies) +
                         " times")) {
      A.recordUnapplied(*Why);
      return false;
    }
    Charged.insert(L.getHeader());
  }
  switch (C.Option) {
  case Auto:
    break;
  case None:
    setLoopAttribute(L, "llvm.loop.unroll.disable");
    break;
  case Full:
    dropLoopAttributes(L, {"llvm.loop.unroll.count"});
    setLoopAttribute(L, "llvm.loop.unroll.full");
    setLoopAttribute(L, AgentMark);
    break;
  case Partial:
    setLoopAttribute(L, "llvm.loop.unroll.count", C.Params[0]);
    setLoopAttribute(L, "llvm.loop.unroll.runtime.disable");
    setLoopAttribute(L, AgentMark);
    break;
  case Runtime:
    setLoopAttribute(L, "llvm.loop.unroll.count", C.Params[0]);
    dropLoopAttributes(L, {"llvm.loop.unroll.runtime.disable"});
    setLoopAttribute(L, AgentMark);
    break;
  }
  A.recordApplied([&] { return "of loop '" + Site.Name + "'"; });
  return C.Option != Auto;
}

PreservedAnalyses LoopUnrollDecisionPass::run(Loop &L, LoopAnalysisManager &,
                                              LoopStandardAnalysisResults &AR,
                                              LPMUpdater &) {
  unsigned Index = 0;
  for (Loop *Other : AR.LI.getLoopsInPreorder()) {
    if (Other == &L)
      break;
    ++Index;
  }
  // Metadata changes no analysis result.
  Hook.decide(L, Index, AR.SE);
  return PreservedAnalyses::all();
}

} // namespace switchyard
