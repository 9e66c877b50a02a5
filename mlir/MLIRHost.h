//===- MLIRHost.h - The decision core, adapted to MLIR modules ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The MLIR side of the decision core (core/include/switchyard/core): an
// mlir::ModuleOp as the core's Host (warnings, errors and remarks go to the
// context's diagnostic engine at the module's or the op's location), and
// the Runtime every Switchyard pass in mlir-opt shares: the configuration
// read once when the plugin loaded, and the sessions it opens.
//
// Each run of a Switchyard pass on a module is one session: it opens when
// the pass first asks, and its report is sent when the pass ends.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_MLIR_MLIRHOST_H
#define SWITCHYARD_MLIR_MLIRHOST_H

#include "switchyard/core/Config.h"
#include "switchyard/core/Session.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>

namespace switchyard {

/// An MLIR module as the decision core sees it.
class MLIRModuleHost : public Host {
public:
  MLIRModuleHost(mlir::ModuleOp M, bool Remarks) : M(M), Remarks(Remarks) {}

  ModuleInfo describeUnit() const override;
  /// Operations in the module, the module itself included.
  uint64_t unitSize() const override;
  void warning(std::string_view Msg) override;
  void error(std::string_view Msg) override;
  /// \p Where is the mlir::Operation the decision is about, or null.
  void remark(RemarkKind Kind, std::string_view Name, SiteHandle Where,
              std::string_view Msg) override;

  /// Whether an error was reported: the pass must then fail.
  bool hadError() const { return HadError; }

private:
  mlir::ModuleOp M;
  bool Remarks;
  bool HadError = false;
};

/// The module's name as sessions and requests give it: its symbol name, or
/// else the file it was read from.
std::string moduleName(mlir::ModuleOp M);

/// What the Switchyard passes share for as long as mlir-opt runs.
class Runtime {
public:
  explicit Runtime(Config C) : C(std::move(C)) {}

  const Config &config() const { return C; }
  /// Whether \p Kind is answered by an agent or policy at all; if not, the
  /// passes run exactly as plain MLIR would.
  bool asks(DecisionKind Kind) const { return C.active() && C.enabled(Kind); }

  /// Opens a session for one pass run on \p M. \p Space is the pipeline
  /// action space, announced in the Hello.
  std::unique_ptr<Session> open(mlir::ModuleOp M, bool Remarks,
                                Span<OptionSpec> Space = {}) const;

  /// The kinds this plugin implements, one row each in Plugin.cpp.
  static Span<DecisionKind> implementedKinds();
  /// \p Kind's feature names, the schema its Hello announces.
  static Span<std::string_view> featureNames(DecisionKind Kind);
  /// The pipeline names of this plugin's passes.
  static llvm::ArrayRef<std::string> ownPasses();

private:
  Config C;
};

/// The host of \p S, which Runtime::open made.
inline MLIRModuleHost &hostOf(Session &S) {
  return static_cast<MLIRModuleHost &>(S.host());
}

} // namespace switchyard

#endif // SWITCHYARD_MLIR_MLIRHOST_H
