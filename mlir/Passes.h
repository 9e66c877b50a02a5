//===- Passes.h - The Switchyard passes of the MLIR plugin ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One pass per decision kind, each made by a create function that shares
// the plugin's Runtime; Plugin.cpp registers them from one table.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_MLIR_PASSES_H
#define SWITCHYARD_MLIR_PASSES_H

#include "MLIRHost.h"

#include "mlir/Pass/Pass.h"

#include <memory>

namespace switchyard {

using RuntimeRef = std::shared_ptr<const Runtime>;

/// switchyard-gate{pipeline="..."}: runs a textual pipeline and asks before
/// each pass on each op it anchors on (pass-gate).
std::unique_ptr<mlir::Pass> createGatePass(RuntimeRef RT);

/// switchyard-tile: which TilingInterface op to tile, with which sizes,
/// interchange, producer fusion and vectorization (tile).
std::unique_ptr<mlir::Pass> createTilePass(RuntimeRef RT);

/// switchyard-tune: resolves every unresolved transform.tune.knob and
/// transform.tune.alternatives by asking the agent (tune), then runs the
/// transform interpreter.
std::unique_ptr<mlir::Pass> createTunePass(RuntimeRef RT);

/// switchyard-rewrite: canonicalization (and PDL) patterns under MLIR's
/// greedy driver, the agent choosing the pattern at each op (rewrite).
std::unique_ptr<mlir::Pass> createRewritePass(RuntimeRef RT);

/// switchyard-mlir-pipeline: an episode in which the agent picks each next
/// pass from the passes the host registers (pass-pipeline).
std::unique_ptr<mlir::Pass> createPipelinePass(RuntimeRef RT);

/// The gate's fixed feature names, in the order of every request's values.
Span<std::string_view> gateFeatureNames();
/// The tile kind's fixed feature names.
Span<std::string_view> tileFeatureNames();
/// The tune kind's fixed feature names.
Span<std::string_view> tuneFeatureNames();
/// The rewrite kind's fixed feature names.
Span<std::string_view> rewriteFeatureNames();
/// The pipeline episode's fixed feature names.
Span<std::string_view> pipelineFeatureNames();

} // namespace switchyard

#endif // SWITCHYARD_MLIR_PASSES_H
