//===- Prover.h - Proves rewrite rules correct with Z3 ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A rule is correct at width w when, for every input (any value, poison or
// undef) and every constant meeting its precondition, wherever the source is
// defined (no undefined behavior) the target is defined too and refines it:
// the source is poison, or the target is not poison and gives the same
// value. An undef input may take a different value at each use: the target
// must give, for each of its own choices, a value some choice of the
// source's gives (Alive's refinement). Used only by switchyard-prove: the
// compiler never runs Z3.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_REWRITE_PROVER_H
#define SWITCHYARD_REWRITE_PROVER_H

#include "switchyard/rewrite/Rule.h"

#include <string>
#include <vector>

namespace switchyard::rewrite {

struct ProofResult {
  enum Verdict { Proved, Failed, Unknown };
  Verdict V = Proved;
  /// Failed: the width and a counterexample, one "name = value" per line
  /// (inputs, constants, then source and target); Unknown: why.
  unsigned Width = 0;
  std::vector<std::string> Counterexample;
  std::string Reason;
  double Seconds = 0;
};

/// Proves \p R at each width it states, smallest first, and stops at the
/// first that fails. \p TimeoutMs bounds each solver query.
ProofResult proveRule(const Rule &R, unsigned TimeoutMs);

/// The solver's version, for the proof record.
std::string solverVersion();

} // namespace switchyard::rewrite

#endif // SWITCHYARD_REWRITE_PROVER_H
