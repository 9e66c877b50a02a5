//===- Decision.h - The decision core, adapted to LLVM modules ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The LLVM side of the decision core (core/include/switchyard/core): an
// llvm::Module as the core's Host (its warnings and errors go through
// LLVMContext::diagnose, its remarks are OptimizationRemarks under
// -Rpass=switchyard, its counts are STATISTICs), and one session per module.
// Every hook reaches the core through this header.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_HOOKS_DECISION_H
#define SWITCHYARD_HOOKS_DECISION_H

#include "switchyard/core/Session.h"

#include "Framing.h"
#include "Hash.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace switchyard {

/// An LLVM module as the decision core sees it.
class ModuleHost : public Host {
public:
  explicit ModuleHost(llvm::Module &M) : M(M) {}

  ModuleInfo describeUnit() const override;
  uint64_t unitSize() const override;
  void warning(std::string_view Msg) override;
  void error(std::string_view Msg) override;
  /// \p Where is the llvm::Function the decision is about, or null.
  void remark(RemarkKind Kind, std::string_view Name, SiteHandle Where,
              std::string_view Msg) override;
  void counted(DecisionSource Source, bool Changed) override;

private:
  llvm::Module &M;
};

/// Hands out the session of the module being compiled.
class ModuleSessions {
public:
  ModuleSessions(ProviderFactory MakeProvider, SessionOptions Options,
                 std::vector<FeatureSchema> Offered)
      : Sessions(std::move(MakeProvider), Options, std::move(Offered)) {}

  Session &sessionFor(llvm::Module &M);

  /// Records \p M's instruction count after a module-level pass, so the
  /// report can say what the pipeline did without touching the module later.
  void noteModuleChanged(const llvm::Module &M);

  /// Finishes the current session, if any.
  void finish() { Sessions.finish(); }

  /// The pass-pipeline action space announced in every session's Hello.
  void setActionSpace(Span<OptionSpec> Space) { Sessions.setActionSpace(Space); }

private:
  SessionManager Sessions;
};

/// Instructions in \p M, as the end-of-module report and features count them.
uint64_t countInstructions(const llvm::Module &M);
uint64_t countInstructions(const llvm::Function &F);

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_DECISION_H
