//===- Plugin.cpp - Switchyard's entry point for mlir-opt -----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   mlir-opt-22 --load-pass-plugin=libSwitchyardMLIR.so \
//     --pass-pipeline='builtin.module(switchyard-gate{pipeline="cse"})' in.mlir
//
// The passes are registered whether or not an agent is configured; with
// neither SWITCHYARD_AGENT nor SWITCHYARD_POLICY set they ask nothing and
// do exactly what plain MLIR does (the gate runs its pipeline, the tile pass
// tiles nothing), so the output is byte-identical to mlir-opt's own.
//
//===----------------------------------------------------------------------===//

#include "Passes.h"

#include "switchyard/core/InProcessProvider.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace switchyard;

namespace {

/// The decision kinds this plugin implements, one row each, in registration
/// order: SWITCHYARD_HOOKS is checked against it, the Hello offers it.
struct KindUnit {
  DecisionKind Kind;
  std::unique_ptr<mlir::Pass> (*Create)(RuntimeRef);
  /// The names of its requests' features, in order, sent in the Hello.
  Span<std::string_view> (*FeatureNames)();
};
const KindUnit Kinds[] = {
    {DecisionKind::PassGate, createGatePass, gateFeatureNames},
    {DecisionKind::Tile, createTilePass, tileFeatureNames},
    {DecisionKind::Tune, createTunePass, tuneFeatureNames},
    {DecisionKind::Rewrite, createRewritePass, rewriteFeatureNames},
    {DecisionKind::PassPipeline, createPipelinePass, pipelineFeatureNames},
};

/// A mistake in the user's settings: a one-line error and exit status 1,
/// as plugin/Plugin.cpp does for opt and clang.
[[noreturn]] void exitOnConfigError(const llvm::Twine &Msg) {
  llvm::sys::RunInterruptHandlers();
  llvm::errs() << "error: switchyard: " << Msg << "\n";
  llvm::errs().flush();
  std::exit(1);
}

void registerPasses() {
  switchyard::Expected<Config> C =
      Config::fromEnvironment(Runtime::implementedKinds());
  if (!C)
    exitOnConfigError(C.error());
  if (!C->Policy.empty()) {
    std::string Err;
    if (!makePolicy(C->Policy, C->PolicySeed, Err))
      exitOnConfigError("SWITCHYARD_POLICY: " + Err);
  }
  auto RT = std::make_shared<const Runtime>(std::move(*C));
  for (const KindUnit &U : Kinds)
    mlir::registerPass([RT, Create = U.Create] { return Create(RT); });
}

} // namespace

namespace switchyard {
Span<DecisionKind> Runtime::implementedKinds() {
  static const std::vector<DecisionKind> Implemented = [] {
    std::vector<DecisionKind> K;
    for (const KindUnit &U : Kinds)
      K.push_back(U.Kind);
    return K;
  }();
  return Implemented;
}

Span<std::string_view> Runtime::featureNames(DecisionKind Kind) {
  for (const KindUnit &U : Kinds)
    if (U.Kind == Kind)
      return U.FeatureNames();
  return {};
}

llvm::ArrayRef<std::string> Runtime::ownPasses() {
  static const std::vector<std::string> Names = [] {
    std::vector<std::string> N;
    for (const KindUnit &U : Kinds)
      N.push_back(U.Create(nullptr)->getArgument().str());
    return N;
  }();
  return Names;
}
} // namespace switchyard

extern "C" LLVM_ATTRIBUTE_WEAK LLVM_ATTRIBUTE_VISIBILITY_DEFAULT
    mlir::PassPluginLibraryInfo
    mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "SwitchyardMLIR", "0.1", registerPasses};
}
