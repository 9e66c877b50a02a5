//===- PipelineHook.cpp - pass-pipeline: which pass runs next? ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "PipelineHook.h"

#include "Observation.h"

#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace switchyard {

PipelineHook::PipelineHook(ModuleSessions &Sessions, PassBuilder &PB,
                           PipelineOptions Options,
                           ArrayRef<std::string> PluginPasses)
    : Sessions(Sessions), PB(PB), Options(std::move(Options)),
      Space(ActionSpace::build(PB, PluginPasses)) {}

Error PipelineHook::apply(const Action &A, StringRef Target, Module &M,
                          ModuleAnalysisManager &MAM) {
  SiteQuestions Questions;
  if (Options.AddSiteQuestions)
    Options.AddSiteQuestions(
        StringRef(A.Name).take_until([](char C) { return C == '<'; }),
        Questions);
  if (Target.empty()) {
    ModulePassManager MPM = std::move(Questions.Before);
    if (!Questions.Function.isEmpty())
      MPM.addPass(
          createModuleToFunctionPassAdaptor(std::move(Questions.Function)));
    if (Error E = PB.parsePassPipeline(MPM, A.ModulePipeline))
      return E;
    MPM.addPass(std::move(Questions.After));
    MPM.run(M, MAM);
    return Error::success();
  }
  assert(!A.FunctionPipeline.empty() &&
         "checkLegal refuses a target for module and CGSCC actions");
  Function *F = M.getFunction(Target);
  if (!F || F->isDeclaration())
    return createStringError("no function '" + Target +
                             "' with a body in module '" +
                             M.getModuleIdentifier() + "'");
  FunctionPassManager FPM = std::move(Questions.Function);
  if (Error E = PB.parsePassPipeline(FPM, A.FunctionPipeline))
    return E;
  FunctionAnalysisManager &FAM =
      MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  PreservedAnalyses PA = FPM.run(*F, FAM);
  // As ModuleToFunctionPassAdaptor does: the function's own analyses were
  // invalidated pass by pass; module analyses follow what the passes kept.
  PA.preserveSet<AllAnalysesOn<Function>>();
  PA.preserve<FunctionAnalysisManagerModuleProxy>();
  MAM.invalidate(M, PA);
  return Error::success();
}

static const Function *firstDefinition(const Module &M) {
  for (const Function &F : M)
    if (!F.isDeclaration())
      return &F;
  return nullptr;
}

ArrayRef<std::string_view> PipelineHook::featureNames() {
  static const std::string_view Names[] = {"step", "inst_count",
                                           "function_count"};
  return Names;
}

PreservedAnalyses PipelineHook::runEpisode(Module &M,
                                           ModuleAnalysisManager &MAM,
                                           unsigned MaxSteps) {
  Session &S = Sessions.sessionFor(M);
  if (!S.wants(DecisionKind::PassPipeline, "switchyard-pipeline", "")) {
    Choice Stop;
    S.decideLocally(DecisionKind::PassPipeline, Stop, firstDefinition(M))
        .recordApplied("");
    return PreservedAnalyses::all();
  }

  const uint32_t Subscribed = S.observationsFor(DecisionKind::PassPipeline);
  uint32_t Asked = 0;
  std::string PreviousError;
  std::vector<std::pair<const Action *, std::string>> Applied;
  std::vector<std::string> Rules;
  bool Changed = false;
  // Site answers that differ from LLVM's make the episode's output differ
  // from the plain pipeline's.
  const uint64_t ChangedBefore =
      S.changedDecisions(DecisionKind::PassPipeline);
  InEpisode = true;
  for (unsigned Step = 0; Step < MaxSteps; ++Step) {
    Observation Obs = observe(M, Subscribed | Asked);
    uint64_t Functions = 0, Insts = 0;
    for (const Function &F : M)
      if (!F.isDeclaration()) {
        ++Functions;
        Insts += countInstructions(F);
      }
    const double FeatureValues[] = {static_cast<double>(Step),
                                    static_cast<double>(Insts),
                                    static_cast<double>(Functions)};

    DecisionRequest R;
    R.Kind = DecisionKind::PassPipeline;
    R.Context.Module = M.getModuleIdentifier();
    R.Context.Pass = "SwitchyardPipelinePass";
    R.Context.PassArg = "switchyard-pipeline";
    R.Context.Unit = fb::UnitKind::Module;
    R.Context.UnitName = M.getModuleIdentifier();
    R.Context.SiteId = stableHash("switchyard-pipeline");
    R.Context.Index = Step;
    R.FeatureNames = featureNames();
    R.FeatureValues = FeatureValues;
    R.Legal = Space.options();
    R.Obs = &Obs;
    R.PreviousError = std::move(PreviousError);
    PreviousError.clear();

    Advice A = S.decide(R, firstDefinition(M));
    Asked = A.observationsWanted();
    if (!A.refusal().empty()) {
      // The module is untouched; the agent hears why with the next request.
      PreviousError = std::string(A.refusal());
      A.recordApplied("refused");
      continue;
    }
    const Choice &C = A.choice();
    if (C.Option == 0) {
      A.recordApplied("stop");
      break;
    }
    const Action &Act = Space[C.Option];
    if (Error E = apply(Act, C.Target, M, MAM)) {
      PreviousError = toString(std::move(E));
      A.recordUnapplied(PreviousError);
      continue;
    }
    Changed = true;
    Applied.emplace_back(&Act, C.Target);
    // Replays count only applied actions, so number the rule that way.
    Rules.push_back("pass-pipeline index=" + std::to_string(Rules.size()) +
                    " => " + Act.Name +
                    (C.Target.empty() ? "" : " @" + C.Target));
    A.recordApplied("step " + std::to_string(Step) + ": '" + Act.Name + "'" +
                    (C.Target.empty() ? "" : " on function '" + C.Target + "'"));
  }
  InEpisode = false;
  if (!Options.OutFile.empty())
    writeEpisode(M, Applied, Rules,
                 S.changedDecisions(DecisionKind::PassPipeline) -
                     ChangedBefore);
  return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

void PipelineHook::writeEpisode(
    const Module &M, ArrayRef<std::pair<const Action *, std::string>> Applied,
    ArrayRef<std::string> Rules, uint64_t ChangedSiteDecisions) {
  std::error_code EC;
  raw_fd_ostream OS(Options.OutFile, EC, sys::fs::OF_Append);
  if (EC) {
    M.getContext().diagnose(DiagnosticInfoGeneric(
        "switchyard: cannot write the episode to '" + Options.OutFile +
            "': " + EC.message(),
        DS_Warning));
    return;
  }
  bool Scoped = false;
  std::string Pipeline;
  for (const auto &[Act, Target] : Applied) {
    Scoped |= !Target.empty();
    Pipeline += (Pipeline.empty() ? "" : ",") + Act->ModulePipeline;
  }
  OS << "# module: " << M.getModuleIdentifier() << "\n";
  if (ChangedSiteDecisions)
    OS << "# " << ChangedSiteDecisions
       << " site decisions differ from LLVM's own: no plain opt equivalent; "
          "replay the agent's decision log with "
          "SWITCHYARD_POLICY=replay:LOG\n";
  else if (!Scoped)
    OS << "# equivalent: opt -passes='" << Pipeline << "'\n";
  else
    OS << "# function-scoped actions: replay this file with "
          "--policy script:FILE\n";
  for (const std::string &R : Rules)
    OS << R << "\n";
  OS << "pass-pipeline index=" << Rules.size() << " => stop\n";
}

} // namespace switchyard
