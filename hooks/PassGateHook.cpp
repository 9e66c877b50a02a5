//===- PassGateHook.cpp - pass-gate: run this optional pass, or skip it? --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "PassGateHook.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Analysis/LazyCallGraph.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassInstrumentation.h"

using namespace llvm;

namespace switchyard {

namespace {
enum PassGateOption : uint32_t { Run = 0, Skip = 1 };

/// The IR unit a pass is about to run on, as the agent sees it.
struct Unit {
  Module *M = nullptr;
  const Function *F = nullptr; ///< The unit's (first) function, if any.
  fb::UnitKind Kind = fb::UnitKind::Module;
  std::string Name;
  uint64_t InstCount = 0;
  uint64_t BlockCount = 0;
};

std::string blockName(const BasicBlock &BB) {
  if (BB.hasName())
    return BB.getName().str();
  // Unnamed blocks (clang discards names) are named by their position.
  unsigned Index = 0;
  for (const BasicBlock &Other : *BB.getParent()) {
    if (&Other == &BB)
      break;
    ++Index;
  }
  return "bb" + std::to_string(Index);
}

/// Identifies the unit; returns false for IR the gate does not offer. Its
/// name and sizes are filled in only when asked for: a decision that stays
/// local needs neither, and sizes are features, computed only for a
/// provider that reads features.
bool identify(Any &IR, Unit &U, bool WithName, bool WithSizes) {
  if (const auto *MP = llvm::any_cast<const Module *>(&IR)) {
    U.M = const_cast<Module *>(*MP);
    U.Kind = fb::UnitKind::Module;
    if (WithName)
      U.Name = U.M->getModuleIdentifier();
    if (WithSizes)
      for (const Function &F : *U.M) {
        U.InstCount += countInstructions(F);
        U.BlockCount += F.size();
      }
    return true;
  }
  if (const auto *FP = llvm::any_cast<const Function *>(&IR)) {
    U.F = *FP;
    U.Kind = fb::UnitKind::Function;
    if (WithName)
      U.Name = U.F->getName().str();
    if (WithSizes) {
      U.InstCount = countInstructions(*U.F);
      U.BlockCount = U.F->size();
    }
  } else if (const auto *CP = llvm::any_cast<const LazyCallGraph::SCC *>(&IR)) {
    const LazyCallGraph::SCC &C = **CP;
    U.F = &C.begin()->getFunction();
    U.Kind = fb::UnitKind::CGSCC;
    for (const LazyCallGraph::Node &N : C) {
      if (WithName) {
        U.Name += U.Name.empty() ? "(" : ", ";
        U.Name += N.getFunction().getName();
      }
      if (WithSizes) {
        U.InstCount += countInstructions(N.getFunction());
        U.BlockCount += N.getFunction().size();
      }
    }
    if (WithName)
      U.Name += ")";
  } else if (const auto *LP = llvm::any_cast<const Loop *>(&IR)) {
    const Loop &L = **LP;
    U.F = L.getHeader()->getParent();
    U.Kind = fb::UnitKind::Loop;
    if (WithName)
      U.Name = U.F->getName().str() + ":" + blockName(*L.getHeader());
    if (WithSizes)
      for (const BasicBlock *BB : L.blocks()) {
        U.InstCount += BB->size();
        ++U.BlockCount;
      }
  } else {
    return false; // Machine IR and anything newer: not offered.
  }
  U.M = const_cast<Module *>(U.F->getParent());
  return true;
}

const Function *remarkAnchor(const Unit &U) {
  if (U.F)
    return U.F;
  for (const Function &F : *U.M)
    if (!F.isDeclaration())
      return &F;
  return nullptr;
}
} // namespace

ArrayRef<std::string_view> PassGateHook::featureNames() {
  static const std::string_view Names[] = {"unit_kind", "unit_inst_count",
                                           "unit_block_count",
                                           "execution_index", "occurrence"};
  return Names;
}

bool PassGateHook::isNeverOffered(StringRef PassID) {
  // Wrappers that opt-bisect also always runs (skipping one silently drops
  // every pass nested in it), and the loop canonicalization that loop pass
  // adaptors run first: loop passes on loops out of LoopSimplify or LCSSA
  // form miscompile (docs/llvm-bugs.md) or do not terminate.
  static constexpr StringLiteral Never[] = {
      "DevirtSCCRepeatedPass", "ModuleInlinerWrapperPass", "LCSSAPass",
      "LoopSimplifyPass",      "VerifierPass",             "PrintModulePass"};
  return is_contained(Never, PassID);
}

ArrayRef<OptionSpec> PassGateHook::legalAnswers() {
  static const OptionSpec Answers[] = {{"run", {}}, {"skip", {}}};
  return Answers;
}

const PassGateHook::PassInfo &PassGateHook::passInfo(StringRef PassID) {
  auto [It, Inserted] = Passes.try_emplace(PassID.data());
  PassInfo &Info = It->second;
  if (Inserted || Info.Name != PassID) {
    Info.Name = PassID.str();
    Info.NeverOffered = isNeverOffered(PassID);
    Info.Arg = PIC.getPassNameForClassName(PassID);
    Info.Hash = stableHash(PassID);
  }
  return Info;
}

bool PassGateHook::shouldRun(StringRef PassID, Any IR) {
  uint32_t Index = ExecutionIndex++;
  const PassInfo &Pass = passInfo(PassID);
  if (Pass.NeverOffered)
    return true;
  Unit U;
  if (!identify(IR, U, /*WithName=*/false, /*WithSizes=*/false))
    return true;
  // optnone code is skipped by the host anyway; asking would waste a turn.
  if (U.F && U.F->hasOptNone())
    return true;

  Session &S = Sessions.sessionFor(*U.M);
  StringRef FnName = U.F ? U.F->getName() : StringRef();
  Choice Default;
  Default.Option = Run;
  if (!S.wants(DecisionKind::PassGate, PassID, FnName)) {
    S.decideLocally(DecisionKind::PassGate, Default, U.F).recordApplied("");
    return true;
  }

  bool WithFeatures = S.featuresFor(DecisionKind::PassGate);
  identify(IR, U, /*WithName=*/true, WithFeatures);
  // The n-th execution of this pass on this unit: stable for a given input
  // and pipeline, whatever ran elsewhere.
  uint64_t Key = stableHash(U.Name, Pass.Hash);
  uint32_t Occurrence = Occurrences[Key]++;

  const double FeatureValues[] = {
      static_cast<double>(U.Kind), static_cast<double>(U.InstCount),
      static_cast<double>(U.BlockCount), static_cast<double>(Index),
      static_cast<double>(Occurrence)};

  DecisionRequest R;
  R.Kind = DecisionKind::PassGate;
  R.Context.Module = U.M->getModuleIdentifier();
  R.Context.Function = FnName;
  R.Context.Pass = PassID;
  R.Context.PassArg = Pass.Arg;
  R.Context.Unit = U.Kind;
  R.Context.UnitName = U.Name;
  R.Context.SiteId = stableHash(std::to_string(Occurrence), Key);
  R.Context.Index = Index;
  if (WithFeatures) {
    R.FeatureNames = featureNames();
    R.FeatureValues = FeatureValues;
  }
  R.Default = Default;
  R.Legal = legalAnswers();

  Advice A = S.decide(R, remarkAnchor(U));
  bool Run = A.choice().Option == PassGateOption::Run;
  A.recordApplied([&] {
    return ("of pass '" + PassID + "' on " + fb::EnumNameUnitKind(U.Kind) +
            " '" + U.Name + "'")
        .str();
  });
  return Run;
}

} // namespace switchyard
