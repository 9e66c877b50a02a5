//===- ActionSpace.h - The pass-pipeline actions this LLVM offers ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Generated from the passes the host's PassBuilder registers, not typed in
// by hand, so it follows the LLVM it runs in. See docs/hooks.md.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_HOOKS_ACTIONSPACE_H
#define SWITCHYARD_HOOKS_ACTIONSPACE_H

#include "Decision.h"

#include <string>
#include <vector>

namespace llvm {
class PassBuilder;
} // namespace llvm

namespace switchyard {

/// The IR unit a pass runs on, as PassBuilder registers it.
enum class PassLevel { Module, CGSCC, Function, Loop };

struct Action {
  std::string Name;             ///< e.g. "instcombine<max-iterations=1>"
  PassLevel Level;
  std::string ModulePipeline;   ///< e.g. "function(instcombine<...>)"
  std::string FunctionPipeline; ///< For one function; empty if not scopable.
};

/// Action 0 is "stop"; the rest are passes, sorted by name.
class ActionSpace {
public:
  /// Builds the space from \p PB's registry and default pipelines, plus
  /// \p PluginPasses, function passes the plugin registers itself (which
  /// `opt --print-passes` does not list). Every action is parsed once here,
  /// so a step never meets a parse error.
  static ActionSpace build(llvm::PassBuilder &PB,
                           llvm::ArrayRef<std::string> PluginPasses = {});

  size_t size() const { return Actions.size(); }
  const Action &operator[](size_t I) const { return Actions[I]; }
  /// As legal options for a pipeline decision (names point into this).
  llvm::ArrayRef<OptionSpec> options() const { return Options; }
  /// The index of \p Name, or -1.
  int64_t find(llvm::StringRef Name) const;

  /// Whether \p Name may ever be an action (the documented allowlist rules).
  static bool isAllowed(llvm::StringRef Name);

private:
  std::vector<Action> Actions;
  std::vector<OptionSpec> Options;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_ACTIONSPACE_H
