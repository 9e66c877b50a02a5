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
#include "LoopUnswitchHook.h"
#include "LoopDistributeHook.h"
#include "LoopUnrollHook.h"
#include "LoopVectorizeHook.h"
#include "PassGateHook.h"
#include "PipelineHook.h"
#include "RewriteHook.h"
#include "switchyard/core/Config.h"
#include "switchyard/core/InProcessProvider.h"
#include "switchyard/core/ModelProvider.h"
#include "switchyard/core/ReplayProvider.h"
#include "switchyard/core/SocketProvider.h"

#include "llvm/Analysis/InlineAdvisor.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassInstrumentation.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <dlfcn.h>

using namespace llvm;
using namespace switchyard;

namespace {

ArrayRef<DecisionKind> implementedKinds();

std::vector<FeatureSchema> offeredKinds(const Config &C);

/// A model file or replay log, read once per process and shared by every
/// module's provider.
struct LoadedPolicy {
  std::shared_ptr<const Model> TheModel;
  std::shared_ptr<const DecisionLog> Log;
};

/// Where answers come from: the agent's socket, or a policy in-process.
ProviderFactory providerFactory(const Config &C, const LoadedPolicy &L) {
  if (L.TheModel)
    return [M = L.TheModel]() -> std::unique_ptr<DecisionProvider> {
      return std::make_unique<ModelProvider>(M);
    };
  if (L.Log)
    return [Log = L.Log]() -> std::unique_ptr<DecisionProvider> {
      return std::make_unique<ReplayProvider>(Log);
    };
  if (!C.Policy.empty())
    return [Spec = C.Policy, Seed = C.PolicySeed, Verify = C.VerifyFrames]()
               -> std::unique_ptr<DecisionProvider> {
      std::string Err;
      std::unique_ptr<Agent> Policy = makePolicy(Spec, Seed, Err);
      // Checked when the configuration was read.
      assert(Policy && "SWITCHYARD_POLICY was validated");
      return std::make_unique<InProcessProvider>(std::move(Policy), Verify);
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

  Runtime(const Config &C, const LoadedPolicy &L, PassBuilder &PB,
          PassInstrumentationCallbacks &PIC)
      : Sessions(providerFactory(C, L),
            SessionOptions{C.OnFailure, {}}, offeredKinds(C)),
        Gate(Sessions, PIC), Inline(Sessions), Unroll(Sessions),
        Vectorize(Sessions, C.AllowFPReorder), Distribute(Sessions),
        Licm(Sessions), Unswitch(Sessions) {}

  /// Builds the pass-pipeline action space once every kind's pass names are
  /// registered: the plugin's own passes (switchyard-rewrite) are actions.
  void startPipeline(const Config &C, PassBuilder &PB) {
    if (!C.enabled(DecisionKind::PassPipeline))
      return;
    std::vector<std::string> PluginPasses;
    if (Rewrite)
      PluginPasses.push_back("switchyard-rewrite");
    PipelineOptions Options{C.PipelineMaxSteps, C.PipelineOut, {}};
    Options.AddSiteQuestions =
        [this, Inline = C.enabled(DecisionKind::Inline),
         Unroll = C.enabled(DecisionKind::LoopUnroll),
         Vectorize = C.enabled(DecisionKind::LoopVectorize),
         Distribute = C.enabled(DecisionKind::LoopDistribute),
         Licm = C.enabled(DecisionKind::Licm)](StringRef Pass,
                                               SiteQuestions &Q) {
          addSiteQuestions(Pass, Q, Inline, Unroll, Vectorize, Distribute,
                           Licm);
        };
    Pipeline = std::make_shared<PipelineHook>(Sessions, PB, std::move(Options),
                                              PluginPasses);
    Sessions.setActionSpace(Pipeline->space().options());
  }

  /// The site questions an episode's action running LLVM pass \p Pass
  /// asks, for the kinds that are on: those LLVM's own pipelines ask for
  /// that pass (at the extension points below, or through the inline
  /// advisor), so that a pass the agent chose offers its sites too.
  void addSiteQuestions(StringRef Pass, SiteQuestions &Q, bool Inline,
                        bool Unroll, bool Vectorize, bool Distribute,
                        bool Licm) {
    // A lone inliner pass uses LLVM's default advisor unless one is set
    // up for it, as the -O<n> pipelines' inliner wrapper does.
    if (Inline && (Pass == "inline" || Pass == "module-inline")) {
      Q.Before.addPass(InlineAdvisorScopePass(
          Pass == "inline" ? InlinePass::CGSCCInliner
                           : InlinePass::ModuleInliner,
          /*Begin=*/true));
      Q.After.addPass(InlineAdvisorScopePass(InlinePass::CGSCCInliner,
                                             /*Begin=*/false));
    }
    if (Unroll && (Pass == "loop-unroll" || Pass == "loop-unroll-full" ||
                   Pass == "loop-unroll-and-jam"))
      Q.Function.addPass(LoopDecisionFunctionPass<LoopUnrollHook>(this->Unroll));
    if (Distribute && Pass == "loop-distribute")
      Q.Function.addPass(
          LoopDecisionFunctionPass<LoopDistributeHook>(this->Distribute));
    if (Vectorize && Pass == "loop-vectorize")
      Q.Function.addPass(
          LoopDecisionFunctionPass<LoopVectorizeHook>(this->Vectorize));
    if (Licm && (Pass == "licm" || Pass == "lnicm"))
      Q.Function.addPass(LoopDecisionFunctionPass<LicmHook>(this->Licm));
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
  LoopUnswitchHook Unswitch;
  std::unique_ptr<RewriteHook> Rewrite;
  std::shared_ptr<PipelineHook> Pipeline;
};

[[noreturn]] void exitOnConfigError(const Twine &Msg);

/// Adds the loop decisions of \p RT's hook \p Member as a function pass,
/// under \p Name for custom `opt -passes=` pipelines.
template <typename HookT>
void parseLoopKindName(PassBuilder &PB, StringRef Name,
                       const std::shared_ptr<Runtime> &RT,
                       HookT Runtime::*Member) {
  PB.registerPipelineParsingCallback(
      [Name, RT, Member](StringRef Asked, FunctionPassManager &FPM,
                         ArrayRef<PassBuilder::PipelineElement>) {
        if (Asked != Name)
          return false;
        FPM.addPass(LoopDecisionFunctionPass<HookT>((*RT).*Member));
        return true;
      });
}

// One function per decision kind: where its hook runs in LLVM's pipelines
// (just before the LLVM pass whose decision it makes) and the name custom
// pipelines place it by. The Runtime, which every callback shares, owns the
// hooks.

void registerPassGate(PassBuilder &, PassInstrumentationCallbacks &PIC,
                      const Config &C, const std::shared_ptr<Runtime> &RT) {
  if (C.ReplacePipeline)
    return; // The pipeline kind skips every optional pass itself.
  PIC.registerShouldRunOptionalPassCallback([RT](StringRef PassID, Any IR) {
    if (RT->Pipeline && RT->Pipeline->inEpisode())
      return true;
    return RT->Gate.shouldRun(PassID, IR);
  });
}

std::optional<unsigned> parsePipelineName(StringRef Name, unsigned Default);

void registerPipeline(PassBuilder &PB, PassInstrumentationCallbacks &PIC,
                      const Config &C, const std::shared_ptr<Runtime> &RT) {
  unsigned MaxSteps = C.PipelineMaxSteps;
  PB.registerPipelineParsingCallback(
      [RT, MaxSteps](StringRef Name, ModulePassManager &MPM,
                     ArrayRef<PassBuilder::PipelineElement>) {
        std::optional<unsigned> Steps = parsePipelineName(Name, MaxSteps);
        if (!Steps)
          return false;
        MPM.addPass(SwitchyardPipelinePass(RT->Pipeline, *Steps));
        return true;
      });
  if (!C.ReplacePipeline)
    return;
  // Replace mode: the -O<n> pipeline's optional passes give way to an
  // episode at the end of the optimizer.
  PIC.registerShouldRunOptionalPassCallback([RT](StringRef, Any) {
    return RT->Pipeline->inEpisode();
  });
  PB.registerOptimizerLastEPCallback(
      [RT, MaxSteps](ModulePassManager &MPM, OptimizationLevel,
                     ThinOrFullLTOPhase) {
        MPM.addPass(SwitchyardPipelinePass(RT->Pipeline, MaxSteps));
      });
}

void registerInline(PassBuilder &PB, PassInstrumentationCallbacks &,
                    const Config &, const std::shared_ptr<Runtime> &RT) {
  InlineHook::Active = &RT->Inline;
  PB.registerAnalysisRegistrationCallback([](ModuleAnalysisManager &MAM) {
    MAM.registerPass(
        [] { return PluginInlineAdvisorAnalysis(&InlineHook::createAdvisor); });
  });
}

void registerLoopUnroll(PassBuilder &PB, PassInstrumentationCallbacks &,
                        const Config &, const std::shared_ptr<Runtime> &RT) {
  PB.registerLateLoopOptimizationsEPCallback(
      [RT](LoopPassManager &LPM, OptimizationLevel) {
        LPM.addPass(LoopUnrollDecisionPass(RT->Unroll));
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

void registerLoopVectorize(PassBuilder &PB, PassInstrumentationCallbacks &,
                           const Config &, const std::shared_ptr<Runtime> &RT) {
  PB.registerVectorizerStartEPCallback(
      [RT](FunctionPassManager &FPM, OptimizationLevel) {
        FPM.addPass(LoopDecisionFunctionPass<LoopVectorizeHook>(RT->Vectorize));
      });
  parseLoopKindName(PB, "switchyard-loop-vectorize-decisions", RT,
                    &Runtime::Vectorize);
}

void registerLoopDistribute(PassBuilder &PB, PassInstrumentationCallbacks &,
                            const Config &,
                            const std::shared_ptr<Runtime> &RT) {
  // Before the vectorize hook at the same extension point, as LLVM runs
  // LoopDistribute before the vectorizer: the order of the table.
  PB.registerVectorizerStartEPCallback(
      [RT](FunctionPassManager &FPM, OptimizationLevel) {
        FPM.addPass(
            LoopDecisionFunctionPass<LoopDistributeHook>(RT->Distribute));
      });
  parseLoopKindName(PB, "switchyard-loop-distribute-decisions", RT,
                    &Runtime::Distribute);
}

void registerLicm(PassBuilder &PB, PassInstrumentationCallbacks &,
                  const Config &, const std::shared_ptr<Runtime> &RT) {
  PB.registerPipelineStartEPCallback(
      [RT](ModulePassManager &MPM, OptimizationLevel) {
        MPM.addPass(createModuleToFunctionPassAdaptor(
            LoopDecisionFunctionPass<LicmHook>(RT->Licm)));
      });
  parseLoopKindName(PB, "switchyard-licm-decisions", RT, &Runtime::Licm);
}

void registerLoopUnswitch(PassBuilder &PB, PassInstrumentationCallbacks &,
                         const Config &, const std::shared_ptr<Runtime> &RT) {
  PB.registerLateLoopOptimizationsEPCallback(
      [RT](LoopPassManager &LPM, OptimizationLevel) {
        LPM.addPass(LoopUnswitchDecisionPass(RT->Unswitch));
      });
  PB.registerPipelineParsingCallback(
      [RT](StringRef Name, LoopPassManager &LPM,
           ArrayRef<PassBuilder::PipelineElement>) {
        if (Name != "switchyard-loop-unswitch-decisions")
          return false;
        LPM.addPass(LoopUnswitchDecisionPass(RT->Unswitch));
        return true;
      });
}

/// Where the built-in rule catalog is: beside this plugin's own file.
std::string builtinRulesPath() {
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&builtinRulesPath), &Info) ||
      !Info.dli_fname)
    return "builtin.rules";
  SmallString<256> Path(sys::path::parent_path(Info.dli_fname));
  sys::path::append(Path, "builtin.rules");
  return std::string(Path);
}

/// The built-in rules and the user's (SWITCHYARD_RULES), parsed and checked
/// against their proof records once: a bad rule file fails the compile
/// before it starts.
RewriteCatalog loadCatalog(const Config &C) {
  std::vector<std::string> Files = {builtinRulesPath()};
  Files.insert(Files.end(), C.RuleFiles.begin(), C.RuleFiles.end());
  RewriteCatalog Catalog;
  std::string Err;
  if (!Catalog.load(Files, Err))
    exitOnConfigError("rewrite rules: " + Err);
  return Catalog;
}

void registerRewrite(PassBuilder &PB, PassInstrumentationCallbacks &,
                     const Config &C, const std::shared_ptr<Runtime> &RT) {
  RT->Rewrite = std::make_unique<RewriteHook>(RT->Sessions, loadCatalog(C));
  PB.registerPeepholeEPCallback(
      [RT](FunctionPassManager &FPM, OptimizationLevel) {
        FPM.addPass(RewritePass(*RT->Rewrite));
      });
  PB.registerPipelineParsingCallback(
      [RT](StringRef Name, FunctionPassManager &FPM,
           ArrayRef<PassBuilder::PipelineElement>) {
        if (Name != "switchyard-rewrite")
          return false;
        FPM.addPass(RewritePass(*RT->Rewrite));
        return true;
      });
}

/// The decision kinds this plugin implements, one row each, in registration
/// order. Everything that lists kinds comes from here: which kinds exist
/// (SWITCHYARD_HOOKS is checked against it), which are offered in the
/// Hello, and what is registered; the kinds' names come from the schema.
struct KindUnit {
  DecisionKind Kind;
  void (*Register)(PassBuilder &, PassInstrumentationCallbacks &,
                   const Config &, const std::shared_ptr<Runtime> &);
  /// The names of its requests' features, in order, sent in the Hello.
  ArrayRef<std::string_view> (*FeatureNames)();
};
const KindUnit Kinds[] = {
    {DecisionKind::PassGate, registerPassGate, PassGateHook::featureNames},
    {DecisionKind::PassPipeline, registerPipeline, PipelineHook::featureNames},
    {DecisionKind::Inline, registerInline, InlineHook::featureNames},
    {DecisionKind::LoopUnroll, registerLoopUnroll, loopFeatureNames},
    {DecisionKind::Licm, registerLicm, loopFeatureNames},
    {DecisionKind::LoopDistribute, registerLoopDistribute, loopFeatureNames},
    {DecisionKind::LoopVectorize, registerLoopVectorize,
     LoopVectorizeHook::featureNames},
    {DecisionKind::LoopUnswitch, registerLoopUnswitch,
     LoopUnswitchHook::featureNames},
    {DecisionKind::Rewrite, registerRewrite, RewriteHook::featureNames},
};

std::vector<FeatureSchema> offeredKinds(const Config &C) {
  std::vector<FeatureSchema> Offered;
  for (const KindUnit &U : Kinds)
    if (C.enabled(U.Kind) &&
        !(U.Kind == DecisionKind::PassGate && C.ReplacePipeline)) {
      ArrayRef<std::string_view> Names = U.FeatureNames();
      Offered.push_back({U.Kind, {Names.data(), Names.size()}});
    }
  return Offered;
}

ArrayRef<DecisionKind> implementedKinds() {
  static const std::vector<DecisionKind> Implemented = [] {
    std::vector<DecisionKind> K;
    for (const KindUnit &U : Kinds)
      K.push_back(U.Kind);
    return K;
  }();
  return Implemented;
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
/// LLVM's fatal-error path, whose handler in clang prints a crash banner and
/// a stack dump that blame the compiler. The files the host registered for
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

  LoadedPolicy Loaded;
  bool Inert = !C->active();
  StringRef Policy = C->Policy;
  if (Policy.starts_with("model:") || Policy.starts_with("replay:")) {
    // Read and checked once per process. A bad file is the user's mistake,
    // but it falls under SWITCHYARD_ON_FAILURE like an agent that fails: a
    // warning and the compiler's own decisions, or in strict mode an error.
    switchyard::Failure Err = failure("");
    if (Policy.consume_front("model:")) {
      auto M = Model::load(Policy.str(), LLVM_VERSION_MAJOR);
      std::vector<FeatureSchema> Offered = offeredKinds(*C);
      if (!M)
        Err = M.takeFailure();
      else if (std::string Why = (*M)->schemaMismatch(Offered); !Why.empty())
        Err = failure(Why);
      else
        Loaded.TheModel = *M;
      if (Loaded.TheModel) {
        // Only the kinds the model answers are registered. A hook for any
        // other kind would still run at every one of its sites (the pass
        // gate at every optional pass) only to record the default: a cost
        // to every compile, for an object that is the same without it.
        std::vector<DecisionKind> Covered;
        for (DecisionKind K : implementedKinds())
          if (C->enabled(K) && Loaded.TheModel->find(K))
            Covered.push_back(K);
        if (Covered.empty())
          Inert = true; // Nothing to decide: the compile is plain clang's.
        // Rule files the user named are checked even when no rewrite is
        // asked: a bad setting is an error, not silently unused.
        if (!C->RuleFiles.empty() &&
            !Loaded.TheModel->find(DecisionKind::Rewrite))
          (void)loadCatalog(*C);
        C->Hooks = std::move(Covered);
      }
    } else if (Policy.consume_front("replay:")) {
      auto L = DecisionLog::load(Policy.str());
      if (L)
        Loaded.Log = *L;
      else
        Err = L.takeFailure();
    }
    if (!Loaded.TheModel && !Loaded.Log) {
      if (C->OnFailure == FailurePolicy::Error)
        exitOnConfigError(Err.Message + " (SWITCHYARD_ON_FAILURE=error)");
      errs() << "warning: switchyard: " << Err.Message
             << "; using the compiler's own decisions\n";
      Inert = true;
    }
  } else if (!C->Policy.empty()) {
    // Fail on a bad policy here, once, rather than in every module.
    std::string Err;
    if (!makePolicy(C->Policy, C->PolicySeed, Err))
      exitOnConfigError("SWITCHYARD_POLICY: " + Err);
  }
  if (Inert) {
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
  auto RT = std::make_shared<Runtime>(*C, Loaded, PB, *PIC);
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
  for (const KindUnit &U : Kinds)
    if (C->enabled(U.Kind))
      U.Register(PB, *PIC, *C, RT);
  RT->startPipeline(*C, PB);
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK LLVM_ATTRIBUTE_VISIBILITY_DEFAULT
    PassPluginLibraryInfo
    llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "Switchyard", "0.1", registerCallbacks};
}
