//===- Plugin.cpp - Switchyard's entry point for opt and clang ------------===//
//
//   opt-22 -load-pass-plugin=libSwitchyard.so -passes='default<O2>' in.ll
//   clang-22 -O2 -fpass-plugin=libSwitchyard.so -c in.c
//
// With SWITCHYARD_AGENT unset the plugin registers nothing at all, so the
// compile is exactly the one without it.
//
//===----------------------------------------------------------------------===//

#include "Config.h"
#include "PassGateHook.h"
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

/// Everything one PassBuilder's worth of compilation needs. The pass
/// instrumentation callbacks own it, so it lives exactly as long as the
/// host's pipeline and sends the module's report when that ends.
struct Runtime {
  Runtime(const Config &C, PassInstrumentationCallbacks &PIC)
      : Sessions(
            [Socket = C.AgentSocket, Timeout = C.Timeout] {
              return std::make_unique<SocketProvider>(Socket, Timeout);
            },
            SessionOptions{C.OnFailure}, offeredKinds(C)),
        Gate(Sessions, PIC) {}

  static std::vector<DecisionKind> offeredKinds(const Config &C) {
    std::vector<DecisionKind> Kinds;
    for (DecisionKind K : implementedKinds())
      if (C.enabled(K))
        Kinds.push_back(K);
    return Kinds;
  }

  SessionManager Sessions;
  PassGateHook Gate;
};

void registerCallbacks(PassBuilder &PB) {
  Expected<Config> C = Config::fromEnvironment();
  if (!C)
    reportFatalUsageError(
        ("switchyard: " + toString(C.takeError())).c_str());
  if (C->AgentSocket.empty())
    return;

  PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks();
  if (!PIC) {
    errs() << "switchyard: warning: this host gives plugins no pass "
              "instrumentation; no decisions will be offered\n";
    return;
  }
  auto RT = std::make_shared<Runtime>(*C, *PIC);
  if (C->enabled(DecisionKind::PassGate))
    PIC->registerShouldRunOptionalPassCallback(
        [RT](StringRef PassID, Any IR) {
          return RT->Gate.shouldRun(PassID, IR);
        });
  PIC->registerAfterPassCallback(
      [RT](StringRef, Any IR, const PreservedAnalyses &) {
        if (const auto *M = any_cast<const Module *>(&IR))
          RT->Sessions.noteModuleChanged(**M);
      });
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK LLVM_ATTRIBUTE_VISIBILITY_DEFAULT
    PassPluginLibraryInfo
    llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "Switchyard", "0.1", registerCallbacks};
}
