//===- PipelineSpace.h - The pass-pipeline actions this mlir-opt offers ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The action space of switchyard-mlir-pipeline: every pass and pass
// pipeline the host mlir-opt registers, found in its registry rather than
// typed in, less the ones a rule leaves out (each with its reason, which
// the `dump-space` option writes). See docs/mlir.md.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_MLIR_PIPELINESPACE_H
#define SWITCHYARD_MLIR_PIPELINESPACE_H

#include "Messages.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace switchyard {

/// One action: a registered pass or pipeline, with where it runs.
struct PipelineAction {
  std::string Name; ///< Its registered argument, e.g. "canonicalize".
  /// The element of `builtin.module(...)` that runs it on the module:
  /// "canonicalize", "func.func(convert-linalg-to-loops)", "any(...)".
  std::string ModulePipeline;
  /// The op a function-scoped answer runs it on ("func.func"), or empty if
  /// the action cannot be scoped to one function.
  std::string FunctionAnchor;
};

/// A registered pass that is not an action, and the rule that says why.
struct ExcludedPass {
  std::string Name;
  std::string Reason;
};

/// Action 0 is "stop"; the rest are the registry's passes and pipelines,
/// sorted by name.
class PipelineSpace {
public:
  /// Builds the space from the registry of the host tool. \p OwnPasses are
  /// this plugin's passes, never actions. Every action is built once here
  /// with its default options, so a step never meets a parse error.
  static PipelineSpace build(mlir::MLIRContext &Ctx,
                             llvm::ArrayRef<std::string> OwnPasses);

  size_t size() const { return Actions.size(); }
  const PipelineAction &operator[](size_t I) const { return Actions[I]; }
  /// As legal options for a pipeline decision (names point into this).
  Span<OptionSpec> options() const { return Options; }
  llvm::ArrayRef<ExcludedPass> excluded() const { return Excluded; }
  /// Where the names came from, for the dump.
  llvm::StringRef source() const { return Source; }

  /// Writes the actions and the exclusions, one per line (docs/mlir.md).
  void dump(llvm::raw_ostream &OS) const;

  PipelineSpace() = default;
  PipelineSpace(PipelineSpace &&) = default;
  PipelineSpace &operator=(PipelineSpace &&) = default;

private:
  std::vector<PipelineAction> Actions;
  std::vector<OptionSpec> Options;
  std::vector<ExcludedPass> Excluded;
  std::string Source;
};

} // namespace switchyard

#endif // SWITCHYARD_MLIR_PIPELINESPACE_H
