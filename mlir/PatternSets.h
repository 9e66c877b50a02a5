//===- PatternSets.h - The named pattern sets switchyard-rewrite offers ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// switchyard-rewrite{pattern-sets=a,b} offers the patterns of the sets it
// names, in table order: "canonicalize" (every loaded dialect's and
// registered op's canonicalization patterns, the default), and sets this
// plugin registers. See docs/mlir.md.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_MLIR_PATTERNSETS_H
#define SWITCHYARD_MLIR_PATTERNSETS_H

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace switchyard {

/// A set of rewrite patterns, selected by name.
struct PatternSet {
  llvm::StringLiteral Name;
  llvm::StringLiteral Description;
  void (*Populate)(mlir::RewritePatternSet &Patterns);
};

/// Every named set, "canonicalize" first.
llvm::ArrayRef<PatternSet> patternSets();

/// The set called \p Name, or null.
const PatternSet *findPatternSet(llvm::StringRef Name);

} // namespace switchyard

#endif // SWITCHYARD_MLIR_PATTERNSETS_H
