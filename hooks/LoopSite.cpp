//===- LoopSite.cpp - What the loop hooks share: ids, features, metadata --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "LoopSite.h"

#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

using namespace llvm;

namespace switchyard {

ArrayRef<std::string_view> loopFeatureNames() {
  static const std::string_view Names[] = {
      "trip_count",     "estimated_trip_count", "max_trip_count",
      "body_size",      "block_count",          "depth",
      "exit_count",     "has_calls",            "is_innermost",
      "loads",          "stores",               "phis",
      "subloops"};
  return Names;
}

LoopSite describeLoop(Loop &L, unsigned PreorderIndex, ScalarEvolution *SE,
                      bool WithFeatures) {
  LoopSite S;
  S.L = &L;
  const Function &F = *L.getHeader()->getParent();
  std::string Where;
  // A source position survives edits elsewhere in the function; the
  // preorder index is the fallback when there is no debug info.
  if (DebugLoc DL = L.getStartLoc())
    Where = "line" + std::to_string(DL.getLine()) + ":" +
            std::to_string(DL.getCol());
  else
    Where = "loop" + std::to_string(PreorderIndex);
  S.Name = F.getName().str() + ":" + Where;
  S.SiteId = stableHash(S.Name, stableHash("loop"));
  if (!WithFeatures)
    return S;

  double TripCount = 0, MaxTripCount = 0;
  if (SE) {
    TripCount = SE->getSmallConstantTripCount(&L);
    MaxTripCount = SE->getSmallConstantMaxTripCount(&L);
  }
  double Estimated = 0;
  if (std::optional<unsigned> E = getLoopEstimatedTripCount(&L))
    Estimated = *E;

  double Size = 0, Calls = 0, Loads = 0, Stores = 0, Phis = 0;
  for (const BasicBlock *BB : L.blocks())
    for (const Instruction &I : *BB) {
      ++Size;
      if (const auto *CB = dyn_cast<CallBase>(&I))
        Calls += !isa<IntrinsicInst>(CB);
      Loads += isa<LoadInst>(I);
      Stores += isa<StoreInst>(I);
      Phis += isa<PHINode>(I);
    }
  SmallVector<BasicBlock *, 4> Exiting;
  L.getExitingBlocks(Exiting);
  S.Features = {TripCount,
                Estimated,
                MaxTripCount,
                Size,
                static_cast<double>(L.getNumBlocks()),
                static_cast<double>(L.getLoopDepth()),
                static_cast<double>(Exiting.size()),
                Calls > 0 ? 1.0 : 0.0,
                L.isInnermost() ? 1.0 : 0.0,
                Loads,
                Stores,
                Phis,
                static_cast<double>(L.getSubLoops().size())};
  return S;
}

uint64_t requestedCopies(const Loop &L, ScalarEvolution &SE) {
  MDNode *LoopID = L.getLoopID();
  if (!LoopID)
    return 1;
  if (findOptionMDForLoopID(LoopID, "llvm.loop.unroll.disable"))
    return 1;
  if (MDNode *Count = findOptionMDForLoopID(LoopID, "llvm.loop.unroll.count"))
    if (Count->getNumOperands() == 2)
      if (auto *C = mdconst::dyn_extract<ConstantInt>(Count->getOperand(1)))
        return std::max<uint64_t>(C->getZExtValue(), 1);
  if (findOptionMDForLoopID(LoopID, "llvm.loop.unroll.full"))
    return std::max(SE.getSmallConstantTripCount(&L), 1u);
  return 1;
}

uint64_t loopSize(const Loop &L) {
  uint64_t Size = 0;
  for (const BasicBlock *BB : L.blocks())
    Size += BB->size();
  return Size;
}

std::optional<std::string> growLoop(Session &S, uint64_t Size,
                                    uint64_t Copies, uint64_t Paid,
                                    const Twine &What) {
  if (Size * Copies > LoopSizeBudget)
    return (What + " would make about " + Twine(Size * Copies) +
            " instructions, more than the budget of " + Twine(LoopSizeBudget))
        .str();
  uint64_t Added = Size * (Copies - Paid);
  if (Added > S.growthLeft())
    return (What + " would add about " + Twine(Added) +
            " instructions; the agent's answers may add " +
            Twine(S.growthLeft()) + " more to this module (" +
            Twine(S.growthBudget()) + " in all)")
        .str();
  S.spendGrowth(Added);
  return std::nullopt;
}

/// Gives \p L a new loop id: its attributes but those in \p Drop, then
/// \p Add if there is one.
static void rebuildLoopID(Loop &L, ArrayRef<StringRef> Drop, MDNode *Add) {
  LLVMContext &C = L.getHeader()->getContext();
  SmallVector<Metadata *, 4> Ops;
  Ops.push_back(nullptr); // The loop id refers to itself.
  if (MDNode *ID = L.getLoopID())
    for (unsigned I = 1, E = ID->getNumOperands(); I < E; ++I) {
      const auto *Attr = dyn_cast<MDNode>(ID->getOperand(I));
      const auto *AttrName =
          Attr && Attr->getNumOperands()
              ? dyn_cast<MDString>(Attr->getOperand(0))
              : nullptr;
      if (AttrName && is_contained(Drop, AttrName->getString()))
        continue;
      Ops.push_back(ID->getOperand(I));
    }
  if (Add)
    Ops.push_back(Add);
  MDNode *NewID = MDNode::getDistinct(C, Ops);
  NewID->replaceOperandWith(0, NewID);
  L.setLoopID(NewID);
}

void setLoopAttribute(Loop &L, StringRef Name, std::optional<int> Value) {
  LLVMContext &C = L.getHeader()->getContext();
  SmallVector<Metadata *, 2> Attr = {MDString::get(C, Name)};
  if (Value)
    Attr.push_back(ConstantAsMetadata::get(
        ConstantInt::get(Type::getInt32Ty(C), *Value)));
  rebuildLoopID(L, {Name}, MDNode::get(C, Attr));
}

void dropLoopAttributes(Loop &L, ArrayRef<StringRef> Names) {
  if (L.getLoopID())
    rebuildLoopID(L, Names, nullptr);
}

bool visitLoops(Function &F, FunctionAnalysisManager &FAM,
                function_ref<bool(Loop &, unsigned, ScalarEvolution &)> Visit) {
  if (F.isDeclaration())
    return false;
  DominatorTree DT(F);
  LoopInfo LI(DT);
  if (LI.empty())
    return false;
  TargetLibraryInfo &TLI = FAM.getResult<TargetLibraryAnalysis>(F);
  AssumptionCache AC(F);
  ScalarEvolution SE(F, TLI, AC, DT, LI);
  bool Changed = false;
  unsigned Index = 0;
  for (Loop *L : LI.getLoopsInPreorder())
    Changed |= Visit(*L, Index++, SE);
  return Changed;
}

bool SiteMemo::firstVisit(const Module &M, uint64_t SiteId) {
  if (Current != &M) {
    Current = &M;
    Seen.clear();
  }
  return Seen.insert(SiteId).second;
}

LoopQuestion::LoopQuestion(ModuleSessions &Sessions, SiteMemo &Memo, Loop &L,
                           unsigned PreorderIndex, ScalarEvolution &SE,
                           DecisionKind Kind, StringRef Pass,
                           StringRef PassArg) {
  const Function &Fn = *L.getHeader()->getParent();
  Module &M = *L.getHeader()->getModule();
  S = &Sessions.sessionFor(M);
  if (!S->wants(Kind, Pass, Fn.getName()))
    return;
  WithFeatures = S->featuresFor(Kind);
  Site = describeLoop(L, PreorderIndex, &SE, WithFeatures);
  if (!Memo.firstVisit(M, Site.SiteId))
    return;
  Asking = true;
  F = &Fn;
  Request.Kind = Kind;
  Request.Context.Module = M.getModuleIdentifier();
  Request.Context.Function = Fn.getName();
  Request.Context.Pass = Pass;
  Request.Context.PassArg = PassArg;
  Request.Context.Unit = fb::UnitKind::Loop;
  Request.Context.UnitName = Site.Name;
  Request.Context.SiteId = Site.SiteId;
  if (WithFeatures) {
    Request.FeatureNames = loopFeatureNames();
    Request.FeatureValues = Site.Features;
  }
}

void LoopQuestion::addFeatures(ArrayRef<std::string_view> Names,
                               ArrayRef<double> Extra) {
  assert(Names.size() == loopFeatureNames().size() + Extra.size() &&
         "the loop features come first");
  if (!WithFeatures)
    return;
  Site.Features.insert(Site.Features.end(), Extra.begin(), Extra.end());
  Request.FeatureNames = Names;
  Request.FeatureValues = Site.Features;
}

Advice LoopQuestion::ask(ArrayRef<OptionSpec> Legal, StringRef Note) {
  assert(Asking && "nothing to ask");
  Request.Legal = Legal;
  Request.LegalNote = Note;
  return S->decide(Request, F);
}

} // namespace switchyard
