//===- Plugin.cpp - Switchyard's entry point for opt and clang ------------===//
//
//   opt-22 -load-pass-plugin=libSwitchyard.so -passes='default<O2>' in.ll
//   opt-22 -load-pass-plugin=libSwitchyard.so -passes=switchyard-pipeline in.ll
//   clang-22 -O2 -fpass-plugin=libSwitchyard.so -c in.c
//
// With SWITCHYARD_AGENT unset the plugin registers no callback that could
// change a compile, so the output is exactly the one without it.
//
//===----------------------------------------------------------------------===//

#include "Config.h"
#include "PassGateHook.h"
#include "PipelineHook.h"
#include "SocketProvider.h"

#include "llvm/IR/Module.h"
#include "llvm/IR/PassInstrumentation.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace switchyard;

namespace {

std::vector<DecisionKind> offeredKinds(const Config &C) {
  std::vector<DecisionKind> Kinds;
  for (DecisionKind K : implementedKinds())
    if (C.enabled(K) && !(K == DecisionKind::PassGate && C.ReplacePipeline))
      Kinds.push_back(K);
  return Kinds;
}

/// Everything one PassBuilder's worth of compilation needs. The pass
/// instrumentation callbacks own it, so it lives exactly as long as the
/// host's pipeline and sends the module's report when that ends.
struct Runtime {
  Runtime(const Config &C, PassBuilder &PB,
          PassInstrumentationCallbacks &PIC)
      : Sessions(
            [Socket = C.AgentSocket, Timeout = C.Timeout] {
              return std::make_unique<SocketProvider>(Socket, Timeout);
            },
            SessionOptions{C.OnFailure, {}}, offeredKinds(C)),
        Gate(Sessions, PIC) {
    if (C.enabled(DecisionKind::PassPipeline)) {
      Pipeline = std::make_shared<PipelineHook>(
          Sessions, PB, PipelineOptions{C.PipelineMaxSteps, C.PipelineOut});
      Sessions.setActionSpace(Pipeline->space().options());
    }
  }

  SessionManager Sessions;
  PassGateHook Gate;
  std::shared_ptr<PipelineHook> Pipeline;
};

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

void registerCallbacks(PassBuilder &PB) {
  Expected<Config> C = Config::fromEnvironment();
  if (!C)
    reportFatalUsageError(
        ("switchyard: " + toString(C.takeError())).c_str());

  if (C->AgentSocket.empty()) {
    // Inert, but say why a requested episode does nothing.
    PB.registerPipelineParsingCallback(
        [](StringRef Name, ModulePassManager &,
           ArrayRef<PassBuilder::PipelineElement>) {
          if (!parsePipelineName(Name, 1))
            return false;
          errs() << "warning: switchyard: " << Name
                 << " does nothing without an agent; set SWITCHYARD_AGENT\n";
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
  PIC->registerAfterPassCallback(
      [RT](StringRef, Any IR, const PreservedAnalyses &) {
        if (const auto *M = any_cast<const Module *>(&IR))
          RT->Sessions.noteModuleChanged(**M);
      });

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
