//===- Plugin.cpp - Switchyard's entry point for opt and clang ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   opt-22 -load-pass-plugin=libSwitchyard.so -passes='default<O2>' in.ll
//   opt-22 -load-pass-plugin=libSwitchyard.so -passes=switchyard-pipeline in.ll
//   clang-22 -O2 -fpass-plugin=libSwitchyard.so -c in.c
//
// With SWITCHYARD_AGENT unset the plugin registers no callback that could
// change a compile, so the output is exactly the one without it.
//
//===----------------------------------------------------------------------===//

#include "InlineHook.h"
#include "LicmHook.h"
#include "LoopDistributeHook.h"
#include "LoopUnrollHook.h"
#include "LoopVectorizeHook.h"
#include "PassGateHook.h"
#include "PipelineHook.h"
#include "switchyard/core/Config.h"
#include "switchyard/core/InProcessProvider.h"
#include "switchyard/core/SocketProvider.h"

#include "llvm/Analysis/InlineAdvisor.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassInstrumentation.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace llvm;
using namespace switchyard;

namespace {

/// The kinds this build of the plugin can offer.
ArrayRef<DecisionKind> implementedKinds() {
  static const DecisionKind Kinds[] = {
      DecisionKind::PassGate,      DecisionKind::PassPipeline,
      DecisionKind::Inline,        DecisionKind::LoopUnroll,
      DecisionKind::LoopVectorize, DecisionKind::LoopDistribute,
      DecisionKind::Licm};
  return Kinds;
}

std::vector<DecisionKind> offeredKinds(const Config &C) {
  std::vector<DecisionKind> Kinds;
  for (DecisionKind K : implementedKinds())
    if (C.enabled(K) && !(K == DecisionKind::PassGate && C.ReplacePipeline))
      Kinds.push_back(K);
  return Kinds;
}

/// Where answers come from: the agent's socket, or a policy in-process.
ProviderFactory providerFactory(const Config &C) {
  if (!C.Policy.empty())
    return [Spec = C.Policy, Seed = C.PolicySeed]()
               -> std::unique_ptr<DecisionProvider> {
      std::string Err;
      std::unique_ptr<Agent> Policy = makePolicy(Spec, Seed, Err);
      // Checked when the configuration was read.
      assert(Policy && "SWITCHYARD_POLICY was validated");
      return std::make_unique<InProcessProvider>(std::move(Policy));
    };
  return [Socket = C.AgentSocket, Timeout = C.Timeout, Spin = C.Spin] {
    return std::make_unique<SocketProvider>(Socket, Timeout, Spin);
  };
}

/// Everything one PassBuilder's worth of compilation needs. The pass
/// instrumentation callbacks own it, so it lives exactly as long as the
/// host's pipeline and sends the module's report when that ends.
struct Runtime {
  /// Module passes running now, nested ones included.
  unsigned ModulePassDepth = 0;

  Runtime(const Config &C, PassBuilder &PB,
          PassInstrumentationCallbacks &PIC)
      : Sessions(providerFactory(C),
            SessionOptions{C.OnFailure, {}}, offeredKinds(C)),
        Gate(Sessions, PIC), Inline(Sessions), Unroll(Sessions),
        Vectorize(Sessions, C.AllowFPReorder), Distribute(Sessions), Licm(Sessions) {
    if (C.enabled(DecisionKind::PassPipeline)) {
      Pipeline = std::make_shared<PipelineHook>(
          Sessions, PB, PipelineOptions{C.PipelineMaxSteps, C.PipelineOut});
      Sessions.setActionSpace(Pipeline->space().options());
    }
  }

  ~Runtime() {
    if (InlineHook::Active == &Inline)
      InlineHook::Active = nullptr;
  }

  ModuleSessions Sessions;
  PassGateHook Gate;
  InlineHook Inline;
  LoopUnrollHook Unroll;
  LoopVectorizeHook Vectorize;
  LoopDistributeHook Distribute;
  LicmHook Licm;
  std::shared_ptr<PipelineHook> Pipeline;
};

/// Registers the site-decision kinds: each at the extension point just
/// before the LLVM pass whose decision it makes, and under a pipeline name
/// for custom `opt -passes=` pipelines.
void registerSiteHooks(PassBuilder &PB, const Config &C,
                       const std::shared_ptr<Runtime> &RT) {
  if (C.enabled(DecisionKind::Inline)) {
    InlineHook::Active = &RT->Inline;
    PB.registerAnalysisRegistrationCallback([](ModuleAnalysisManager &MAM) {
      MAM.registerPass([] {
        return PluginInlineAdvisorAnalysis(&InlineHook::createAdvisor);
      });
    });
  }
  if (C.enabled(DecisionKind::Licm))
    PB.registerPipelineStartEPCallback(
        [RT](ModulePassManager &MPM, OptimizationLevel) {
          MPM.addPass(createModuleToFunctionPassAdaptor(
              LoopDecisionFunctionPass<LicmHook>(RT->Licm)));
        });
  if (C.enabled(DecisionKind::LoopUnroll))
    PB.registerLateLoopOptimizationsEPCallback(
        [RT](LoopPassManager &LPM, OptimizationLevel) {
          LPM.addPass(LoopUnrollDecisionPass(RT->Unroll));
        });
  bool Distribute = C.enabled(DecisionKind::LoopDistribute);
  bool Vectorize = C.enabled(DecisionKind::LoopVectorize);
  if (Distribute || Vectorize)
    PB.registerVectorizerStartEPCallback(
        [RT, Distribute, Vectorize](FunctionPassManager &FPM,
                                    OptimizationLevel) {
          if (Distribute)
            FPM.addPass(
                LoopDecisionFunctionPass<LoopDistributeHook>(RT->Distribute));
          if (Vectorize)
            FPM.addPass(
                LoopDecisionFunctionPass<LoopVectorizeHook>(RT->Vectorize));
        });

  PB.registerPipelineParsingCallback(
      [RT](StringRef Name, FunctionPassManager &FPM,
           ArrayRef<PassBuilder::PipelineElement>) {
        if (Name == "switchyard-licm-decisions")
          FPM.addPass(LoopDecisionFunctionPass<LicmHook>(RT->Licm));
        else if (Name == "switchyard-loop-distribute-decisions")
          FPM.addPass(
              LoopDecisionFunctionPass<LoopDistributeHook>(RT->Distribute));
        else if (Name == "switchyard-loop-vectorize-decisions")
          FPM.addPass(
              LoopDecisionFunctionPass<LoopVectorizeHook>(RT->Vectorize));
        else
          return false;
        return true;
      });
  PB.registerPipelineParsingCallback(
      [RT](StringRef Name, LoopPassManager &LPM,
           ArrayRef<PassBuilder::PipelineElement>) {
        if (Name != "switchyard-loop-unroll-decisions")
          return false;
        LPM.addPass(LoopUnrollDecisionPass(RT->Unroll));
        return true;
      });
}

/// Parses "switchyard-pipeline" or "switchyard-pipeline<max-steps=N>".
std::optional<unsigned> parsePipelineName(StringRef Name, unsigned Default) {
  if (Name == "switchyard-pipeline")
    return Default;
  if (!Name.consume_front("switchyard-pipeline<max-steps=") ||
      !Name.consume_back(">"))
    return std::nullopt;
  unsigned Steps;
  if (Name.getAsInteger(10, Steps) || Steps == 0 || Steps > 100000)
    return std::nullopt;
  return Steps;
}

/// A mistake in the user's settings: an ordinary one-line error and exit
/// status 1, as LLVMContext::diagnose gives an error with no handler. Not
/// report_fatal_error, whose handler in clang prints a crash banner and a
/// stack dump that blame the compiler. The files the host registered for
/// removal on a crash (a partly written output) are removed first.
[[noreturn]] void exitOnConfigError(const Twine &Msg) {
  sys::RunInterruptHandlers();
  errs() << "error: switchyard: " << Msg << "\n";
  errs().flush();
  std::exit(1);
}

void registerCallbacks(PassBuilder &PB) {
  switchyard::Expected<Config> C = Config::fromEnvironment(implementedKinds());
  if (!C)
    exitOnConfigError(C.error());

  if (!C->Policy.empty()) {
    // Fail on a bad policy here, once, rather than in every module.
    std::string Err;
    if (!makePolicy(C->Policy, C->PolicySeed, Err))
      exitOnConfigError("SWITCHYARD_POLICY: " + Err);
  }
  if (!C->active()) {
    // Inert, but say why a requested episode does nothing.
    PB.registerPipelineParsingCallback(
        [](StringRef Name, ModulePassManager &,
           ArrayRef<PassBuilder::PipelineElement>) {
          if (!parsePipelineName(Name, 1))
            return false;
          errs() << "warning: switchyard: " << Name
                 << " does nothing without an agent; set SWITCHYARD_AGENT "
                    "or SWITCHYARD_POLICY\n";
          return true;
        });
    return;
  }

  PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks();
  if (!PIC) {
    errs() << "warning: switchyard: this host gives plugins no pass "
              "instrumentation; no decisions will be offered\n";
    return;
  }
  auto RT = std::make_shared<Runtime>(*C, PB, *PIC);
  bool Replace = C->ReplacePipeline;
  if (C->enabled(DecisionKind::PassGate) || Replace)
    PIC->registerShouldRunOptionalPassCallback(
        [RT, Replace](StringRef PassID, Any IR) {
          if (RT->Pipeline && RT->Pipeline->inEpisode())
            return true;
          if (Replace)
            return false;
          return RT->Gate.shouldRun(PassID, IR);
        });
  // The module report's instruction count, kept current after each
  // outermost module pass that changed something (nested module passes,
  // such as the inliner wrapper's, are covered by their parent): a walk of
  // the whole module is not free on a large one.
  PIC->registerBeforeNonSkippedPassCallback([RT](StringRef, Any IR) {
    if (any_cast<const Module *>(&IR))
      ++RT->ModulePassDepth;
  });
  PIC->registerAfterPassCallback(
      [RT](StringRef, Any IR, const PreservedAnalyses &PA) {
        const auto *M = any_cast<const Module *>(&IR);
        if (!M || RT->ModulePassDepth == 0)
          return;
        if (--RT->ModulePassDepth == 0 && !PA.areAllPreserved())
          RT->Sessions.noteModuleChanged(**M);
      });
  registerSiteHooks(PB, *C, RT);

  if (!RT->Pipeline)
    return;
  unsigned MaxSteps = C->PipelineMaxSteps;
  PB.registerPipelineParsingCallback(
      [RT, MaxSteps](StringRef Name, ModulePassManager &MPM,
                     ArrayRef<PassBuilder::PipelineElement>) {
        std::optional<unsigned> Steps = parsePipelineName(Name, MaxSteps);
        if (!Steps)
          return false;
        MPM.addPass(SwitchyardPipelinePass(RT->Pipeline, *Steps));
        return true;
      });
  if (Replace)
    PB.registerOptimizerLastEPCallback(
        [RT, MaxSteps](ModulePassManager &MPM, OptimizationLevel,
                       ThinOrFullLTOPhase) {
          MPM.addPass(SwitchyardPipelinePass(RT->Pipeline, MaxSteps));
        });
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK LLVM_ATTRIBUTE_VISIBILITY_DEFAULT
    PassPluginLibraryInfo
    llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "Switchyard", "0.1", registerCallbacks};
}
