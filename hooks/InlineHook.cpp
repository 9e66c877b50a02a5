//===- InlineHook.cpp - inline: inline this call site? --------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "InlineHook.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/InlineCost.h"
#include "llvm/Analysis/InlineModelFeatureMaps.h"
#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Analysis/ProfileSummaryInfo.h"
#include "llvm/Analysis/ReplayInlineAdvisor.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

#include <algorithm>

using namespace llvm;

namespace switchyard {

InlineHook *InlineHook::Active = nullptr;

ArrayRef<OptionSpec> InlineHook::legalAnswers(bool CanInline) {
  static const OptionSpec Both[] = {{"no", {}}, {"yes", {}}};
  return ArrayRef<OptionSpec>(Both).take_front(CanInline ? 2 : 1);
}

namespace {
constexpr size_t NumCostFeatures =
    static_cast<size_t>(InlineCostFeatureIndex::NumberOfFeatures);
} // namespace

ArrayRef<std::string_view> InlineHook::featureNames() {
  static const std::string_view Names[] = {
#define NAME(DTYPE, SHAPE, NAME, DOC) #NAME,
      INLINE_COST_FEATURE_ITERATOR(NAME) INLINE_FEATURE_ITERATOR(NAME)
#undef NAME
          "default_decision",
      "inline_legal"};
  return Names;
}

namespace {

/// The agent's answer where it differs from the default advisor's. It
/// records the Switchyard decision when the inliner records its own.
class SwitchyardInlineAdvice : public InlineAdvice {
public:
  SwitchyardInlineAdvice(InlineAdvisor *Advisor, CallBase &CB,
                         OptimizationRemarkEmitter &ORE, bool Inline,
                         Advice Decision, std::string What)
      : InlineAdvice(Advisor, CB, ORE, Inline), Decision(std::move(Decision)),
        What(std::move(What)) {}

private:
  void recordInliningImpl() override { Decision.recordApplied(What); }
  void recordInliningWithCalleeDeletedImpl() override {
    Decision.recordApplied(What);
  }
  void recordUnsuccessfulInliningImpl(const InlineResult &R) override {
    Decision.recordUnapplied(R.getFailureReason());
  }
  void recordUnattemptedInliningImpl() override {
    Decision.recordApplied(What);
  }

  Advice Decision;
  std::string What;
};

/// Number of blocks reached from a conditional branch or switch, as LLVM's
/// FunctionPropertiesAnalysis counts them, computed here without caching
/// an analysis the host would not have computed.
int64_t conditionallyExecutedBlocks(const Function &F) {
  int64_t N = 0;
  for (const BasicBlock &BB : F) {
    const Instruction *T = BB.getTerminator();
    if (const auto *BI = dyn_cast_or_null<BranchInst>(T)) {
      if (BI->isConditional())
        N += BI->getNumSuccessors();
    } else if (const auto *SI = dyn_cast_or_null<SwitchInst>(T)) {
      N += SI->getNumSuccessors();
    }
  }
  return N;
}

int64_t users(const Function &F) {
  return F.getNumUses() + (F.hasLocalLinkage() ? 0 : 1);
}

class SwitchyardInlineAdvisor : public InlineAdvisor {
public:
  SwitchyardInlineAdvisor(InlineHook &Hook, Module &M,
                          FunctionAnalysisManager &FAM, InlineParams Params,
                          InlineContext IC)
      : InlineAdvisor(M, FAM, IC), Hook(Hook),
        Default(M, FAM, Params, IC) {}

  void onPassEntry(LazyCallGraph::SCC *SCC) override {
    Default.onPassEntry(SCC);
  }
  void onPassExit(LazyCallGraph::SCC *SCC) override {
    Default.onPassExit(SCC);
  }

protected:
  std::unique_ptr<InlineAdvice> getAdviceImpl(CallBase &CB) override;

private:
  std::vector<double>
  computeFeatures(CallBase &CB, Function &Callee,
                  TargetTransformInfo &CalleeTTI,
                  function_ref<AssumptionCache &(Function &)> GetAC,
                  function_ref<const TargetLibraryInfo &(Function &)> GetTLI,
                  ProfileSummaryInfo *PSI, int64_t CostEstimate,
                  bool DefaultYes, bool CanInline, bool WithCostFeatures);
  void computeModuleFeatures();
  int64_t height(const Function *F);
  uint64_t siteId(CallBase &CB, const Function &Callee);

  InlineHook &Hook;
  DefaultInlineAdvisor Default;
  bool HaveModuleFeatures = false;
  int64_t NodeCount = 0;
  int64_t EdgeCount = 0;
  DenseMap<const Function *, int64_t> Heights;
};

void SwitchyardInlineAdvisor::computeModuleFeatures() {
  HaveModuleFeatures = true;
  for (const Function &F : M) {
    if (F.isDeclaration())
      continue;
    ++NodeCount;
    for (const BasicBlock &BB : F)
      for (const Instruction &I : BB)
        if (const auto *CB = dyn_cast<CallBase>(&I))
          if (const Function *Callee = CB->getCalledFunction())
            EdgeCount += !Callee->isDeclaration();
  }
}

/// Distance to the farthest leaf of the call graph as it was when the
/// inliner started, cycles cut: MLGO's callsite_height.
int64_t SwitchyardInlineAdvisor::height(const Function *F) {
  auto [It, Inserted] = Heights.try_emplace(F, 0);
  if (!Inserted)
    return It->second;
  int64_t H = 0;
  for (const BasicBlock &BB : *F)
    for (const Instruction &I : BB)
      if (const auto *CB = dyn_cast<CallBase>(&I))
        if (const Function *Callee = CB->getCalledFunction())
          if (!Callee->isDeclaration() && Callee != F)
            H = std::max(H, 1 + height(Callee));
  Heights[F] = H;
  return H;
}

/// Caller, callee and which call to that callee this is: by source position
/// when there is debug info (inlined-at chain included), else by its order
/// among the caller's calls to the same callee.
uint64_t SwitchyardInlineAdvisor::siteId(CallBase &CB, const Function &Callee) {
  std::string Key = CB.getCaller()->getName().str() + "->" +
                    Callee.getName().str();
  if (const DILocation *Loc = CB.getDebugLoc().get()) {
    for (; Loc; Loc = Loc->getInlinedAt())
      Key += "@" + std::to_string(Loc->getLine()) + ":" +
             std::to_string(Loc->getColumn());
  } else {
    unsigned Ordinal = 0;
    for (const BasicBlock &BB : *CB.getCaller())
      for (const Instruction &I : BB) {
        if (&I == &CB)
          break;
        if (const auto *Other = dyn_cast<CallBase>(&I))
          Ordinal += Other->getCalledFunction() == &Callee;
      }
    Key += "#" + std::to_string(Ordinal);
  }
  return stableHash(Key, stableHash("call"));
}

std::vector<double> SwitchyardInlineAdvisor::computeFeatures(
    CallBase &CB, Function &Callee, TargetTransformInfo &CalleeTTI,
    function_ref<AssumptionCache &(Function &)> GetAC,
    function_ref<const TargetLibraryInfo &(Function &)> GetTLI,
    ProfileSummaryInfo *PSI, int64_t CostEstimate, bool DefaultYes,
    bool CanInline, bool WithCostFeatures) {
  Function &Caller = *CB.getCaller();
  if (!HaveModuleFeatures)
    computeModuleFeatures();
  std::vector<double> Features(NumCostFeatures, 0.0);
  if (WithCostFeatures)
    if (std::optional<InlineCostFeatures> Cost = getInliningCostFeatures(
            CB, CalleeTTI, GetAC, nullptr, GetTLI, PSI))
      for (size_t I = 0; I < NumCostFeatures; ++I)
        Features[I] = (*Cost)[I];
  int64_t ConstantArgs = 0;
  for (const Use &Arg : CB.args())
    ConstantArgs += isa<Constant>(Arg);
  // The order of INLINE_FEATURE_ITERATOR.
  const int64_t Rest[] = {static_cast<int64_t>(Callee.size()),
                          height(&Caller),
                          NodeCount,
                          ConstantArgs,
                          CostEstimate,
                          EdgeCount,
                          users(Caller),
                          conditionallyExecutedBlocks(Caller),
                          static_cast<int64_t>(Caller.size()),
                          conditionallyExecutedBlocks(Callee),
                          users(Callee),
                          Callee.hasAvailableExternallyLinkage(),
                          Caller.hasAvailableExternallyLinkage(),
                          DefaultYes,
                          CanInline};
  Features.insert(Features.end(), std::begin(Rest), std::end(Rest));
  assert(Features.size() == InlineHook::featureNames().size() &&
         "one value per feature name");
  return Features;
}

std::unique_ptr<InlineAdvice>
SwitchyardInlineAdvisor::getAdviceImpl(CallBase &CB) {
  std::unique_ptr<InlineAdvice> DA = Default.getAdvice(CB);
  Function &Caller = *CB.getCaller();
  Function *Callee = CB.getCalledFunction();
  if (!Callee || Callee->isDeclaration())
    return DA;
  auto GetTLI = [this](Function &F) -> const TargetLibraryInfo & {
    return FAM.getResult<TargetLibraryAnalysis>(F);
  };
  TargetTransformInfo &CalleeTTI = FAM.getResult<TargetIRAnalysis>(*Callee);
  // What InlineAdvisor::getMandatoryKind() computes, once: a call that
  // attributes decide (always_inline, noinline, ...) is not offered.
  if (getAttributeBasedInliningDecision(CB, Callee, CalleeTTI, GetTLI))
    return DA;
  OptimizationRemarkEmitter &ORE = getCallerORE(CB);

  Session &S = Hook.Sessions.sessionFor(*Caller.getParent());
  bool DefaultYes = DA->isInliningRecommended();
  Choice Default;
  Default.Option = DefaultYes ? InlineHook::Inline : InlineHook::NoInline;
  if (!S.wants(DecisionKind::Inline, "InlinerPass", Caller.getName())) {
    S.decideLocally(DecisionKind::Inline, Default, &Caller).recordApplied("");
    return DA;
  }

  auto GetAC = [this](Function &F) -> AssumptionCache & {
    return FAM.getResult<AssumptionAnalysis>(F);
  };
  ProfileSummaryInfo *PSI =
      FAM.getResult<ModuleAnalysisManagerFunctionProxy>(Caller)
          .getCachedResult<ProfileSummaryAnalysis>(M);

  // Attributes decided nothing here (mandatory calls returned above).
  bool CanInline = &Caller != Callee && isInlineViable(*Callee).isSuccess();
  std::vector<double> Features;
  // Two more runs of the inline cost analysis: only when the agent wants
  // features. Without them, a `yes` the cost analysis finds impossible is
  // caught by the inliner itself and recorded as not applied.
  if (S.featuresFor(DecisionKind::Inline)) {
    // A provider that reads only some features (a model) is spared the
    // cost analyses it does not read; the others are sent as 0.
    const std::vector<std::string> *Used =
        S.featuresUsed(DecisionKind::Inline);
    auto Reads = [Used](std::string_view Name) {
      return !Used ||
             std::find(Used->begin(), Used->end(), Name) != Used->end();
    };
    bool WithCostFeatures = !Used;
    for (size_t I = 0; Used && I < NumCostFeatures; ++I)
      WithCostFeatures |= Reads(InlineHook::featureNames()[I]);
    std::optional<int> CostEstimate;
    if (Reads("cost_estimate") || Reads("inline_legal")) {
      CostEstimate =
          getInliningCostEstimate(CB, CalleeTTI, GetAC, nullptr, GetTLI, PSI);
      CanInline &= CostEstimate.has_value();
    }
    Features = computeFeatures(CB, *Callee, CalleeTTI, GetAC, GetTLI, PSI,
                               CostEstimate.value_or(0), DefaultYes,
                               CanInline, WithCostFeatures);
  }

  std::string UnitName = Caller.getName().str() + "->" + Callee->getName().str();
  DecisionRequest R;
  R.Kind = DecisionKind::Inline;
  R.Context.Module = M.getModuleIdentifier();
  R.Context.Function = Caller.getName();
  R.Context.Pass = "InlinerPass";
  R.Context.PassArg = "inline";
  R.Context.Unit = fb::UnitKind::CallSite;
  R.Context.UnitName = UnitName;
  R.Context.SiteId = siteId(CB, *Callee);
  if (!Features.empty()) {
    R.FeatureNames = InlineHook::featureNames();
    R.FeatureValues = Features;
  }
  R.Default = Default;
  R.Legal = InlineHook::legalAnswers(CanInline);

  Advice A = S.decide(R, &Caller);
  bool AgentYes = A.choice().Option == InlineHook::Inline;
  auto What = [&UnitName] { return "of call '" + UnitName + "'"; };
  if (AgentYes == DefaultYes) {
    // The default advisor's own advice keeps its remarks and bookkeeping,
    // so agreeing with it changes nothing at all.
    A.recordApplied(What);
    return DA;
  }
  if (AgentYes) {
    // A `yes` the cost model would not give copies the callee into the
    // caller: it spends from the module's growth budget.
    uint64_t Size = countInstructions(*Callee);
    if (Size > S.growthLeft()) {
      A.recordUnapplied(("inlining '" + Callee->getName() + "' (" +
                        Twine(Size) + " instructions) into '" +
                        Caller.getName() +
                        "' would pass what the agent's answers may add to "
                        "this module (" +
                        Twine(S.growthLeft()) + " more of " +
                         Twine(S.growthBudget()) + ")")
                            .str());
      return DA;
    }
    S.spendGrowth(Size);
  }
  DA->recordUnattemptedInlining();
  return std::make_unique<SwitchyardInlineAdvice>(this, CB, ORE, AgentYes,
                                                  std::move(A), What());
}

} // namespace

InlineAdvisor *InlineHook::createAdvisor(Module &M,
                                         FunctionAnalysisManager &FAM,
                                         InlineParams Params,
                                         InlineContext IC) {
  if (!Active)
    return new DefaultInlineAdvisor(M, FAM, Params, IC);
  return new SwitchyardInlineAdvisor(*Active, M, FAM, Params, IC);
}

PreservedAnalyses InlineAdvisorScopePass::run(Module &M,
                                              ModuleAnalysisManager &MAM) {
  PreservedAnalyses PA = PreservedAnalyses::all();
  if (!Begin) {
    // A later inliner builds its own advisor, with the module as it is then.
    PA.abandon<InlineAdvisorAnalysis>();
    return PA;
  }
  // The inliner's own parameters when it runs alone (getInlineParams()),
  // so that the default answers are the ones it would give without us.
  InlineAdvisorAnalysis::Result &IAA = MAM.getResult<InlineAdvisorAnalysis>(M);
  if (!IAA.tryCreate(getInlineParams(), InliningAdvisorMode::Default, {},
                     InlineContext{ThinOrFullLTOPhase::None, Pass}))
    M.getContext().diagnose(DiagnosticInfoGeneric(
        "switchyard: no inline advisor for the episode's inliner; it keeps "
        "LLVM's own decisions",
        DS_Warning));
  return PA;
}

} // namespace switchyard
