//===- InlineHook.h - inline: inline this call site? ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_INLINEHOOK_H
#define SWITCHYARD_HOOKS_INLINEHOOK_H

#include "Decision.h"

#include "llvm/Analysis/InlineAdvisor.h"

namespace switchyard {

/// Offers every call site the inliner considers, except mandatory ones
/// (always_inline, noinline, and calls to declarations), through the
/// plugin inline advisor LLVM offers (PluginInlineAdvisorAnalysis). Sends
/// the 38 features of LLVM's own ML inliner plus the default decision.
class InlineHook {
public:
  enum Option : uint32_t { NoInline, Inline };

  /// [no, yes], or just [no] where inlining is illegal.
  static llvm::ArrayRef<OptionSpec> legalAnswers(bool CanInline);

  /// The feature names, in request order (docs/hooks.md).
  static llvm::ArrayRef<std::string_view> featureNames();

  explicit InlineHook(ModuleSessions &Sessions) : Sessions(Sessions) {}

  /// LLVM's PluginInlineAdvisorAnalysis takes a plain function pointer, so
  /// the factory finds the hook of the live PassBuilder through this one
  /// process-wide pointer (set and cleared by the plugin's runtime).
  static InlineHook *Active;
  static llvm::InlineAdvisor *createAdvisor(llvm::Module &M,
                                            llvm::FunctionAnalysisManager &FAM,
                                            llvm::InlineParams Params,
                                            llvm::InlineContext IC);

  ModuleSessions &Sessions;
};

/// Sets up (\p Begin) or discards the module's inline advisor around a
/// lone inliner pass of a pipeline episode, as LLVM's inliner wrapper does
/// around its own: without it, `cgscc(inline)` and `module-inline` use a
/// private default advisor and never reach the plugin's.
class InlineAdvisorScopePass
    : public llvm::PassInfoMixin<InlineAdvisorScopePass> {
public:
  InlineAdvisorScopePass(llvm::InlinePass Pass, bool Begin)
      : Pass(Pass), Begin(Begin) {}
  llvm::PreservedAnalyses run(llvm::Module &M,
                              llvm::ModuleAnalysisManager &MAM);
  static bool isRequired() { return true; }

private:
  llvm::InlinePass Pass;
  bool Begin;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_INLINEHOOK_H
