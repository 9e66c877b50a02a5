//===- RewriteHook.h - rewrite: which proved rule applies here? -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_REWRITEHOOK_H
#define SWITCHYARD_HOOKS_REWRITEHOOK_H

#include "Decision.h"
#include "LoopSite.h"

#include "switchyard/rewrite/Rule.h"

#include "llvm/IR/PassManager.h"

#include <memory>
#include <string>
#include <vector>

namespace switchyard {

class RewriteMatcher;

/// The rules the plugin may apply: the built-in catalog, then the user's
/// files (SWITCHYARD_RULES), each rule with a proof record, indexed by the
/// opcode of its root.
class RewriteCatalog {
public:
  /// Loads \p Files in order; on a malformed rule, or a rule without a
  /// proof record, returns false and a one-line \p Err naming the file, the
  /// line and the rule.
  bool load(const std::vector<std::string> &Files, std::string &Err);

  const std::vector<rewrite::Rule> &rules() const { return Rules; }
  /// Indices of the rules rooted at \p Op.
  const std::vector<unsigned> &rootedAt(rewrite::Opcode Op) const {
    return ByRoot[static_cast<unsigned>(Op)];
  }

private:
  std::vector<rewrite::Rule> Rules;
  std::vector<std::vector<unsigned>> ByRoot;
};

/// Asks, at each instruction where at least one rule of the catalog
/// matches, which rule to apply: option 0 is `none` (the default, which
/// changes nothing), then the matching rules by name, in catalog order.
class RewriteHook {
public:
  static constexpr const char *PassName = "SwitchyardRewritePass";
  /// How many matching rules the features list by catalog index.
  static constexpr unsigned MatchSlots = 8;

  /// The feature names, in request order (docs/rewrite.md).
  static llvm::ArrayRef<std::string_view> featureNames();

  RewriteHook(ModuleSessions &Sessions, RewriteCatalog Catalog);
  ~RewriteHook();

  /// Asks about every instruction of \p F that was there when it began, once
  /// per site and module. Returns whether it changed \p F.
  bool run(llvm::Function &F);

  const RewriteCatalog &catalog() const { return Catalog; }

private:
  ModuleSessions &Sessions;
  RewriteCatalog Catalog;
  /// One per rule, built once.
  std::vector<std::unique_ptr<RewriteMatcher>> Matchers;
  SiteMemo Memo;
};

/// The function pass `switchyard-rewrite`.
class RewritePass : public llvm::PassInfoMixin<RewritePass> {
public:
  explicit RewritePass(RewriteHook &Hook) : Hook(Hook) {}
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &);
  static bool isRequired() { return true; }
  static llvm::StringRef name() { return RewriteHook::PassName; }

private:
  RewriteHook &Hook;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_REWRITEHOOK_H
