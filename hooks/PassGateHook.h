//===- PassGateHook.h - pass-gate: run this optional pass, or skip it? ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_PASSGATEHOOK_H
#define SWITCHYARD_HOOKS_PASSGATEHOOK_H

#include "Decision.h"

#include "llvm/ADT/Any.h"
#include "llvm/ADT/DenseMap.h"

#include <string>

namespace llvm {
class PassInstrumentationCallbacks;
} // namespace llvm

namespace switchyard {

class ModuleSessions;

/// Offers every execution of an optional pass on an IR unit (module, CGSCC,
/// function, loop) to the agent, through the pass instrumentation's
/// should-run callback. Required passes never reach it: the pass manager
/// does not ask about them.
class PassGateHook {
public:
  /// Legal answers, in option order: 0 = run, 1 = skip. Default: run.
  static llvm::ArrayRef<OptionSpec> legalAnswers();

  PassGateHook(ModuleSessions &Sessions, llvm::PassInstrumentationCallbacks &PIC)
      : Sessions(Sessions), PIC(PIC) {}

  /// Passes the gate always runs without asking; see docs/hooks.md.
  static bool isNeverOffered(llvm::StringRef PassID);
  /// The names of a request's features, in order; the Hello carries them.
  static llvm::ArrayRef<std::string_view> featureNames();

  /// Returns false if the pass must be skipped on \p IR.
  bool shouldRun(llvm::StringRef PassID, llvm::Any IR);

private:
  ModuleSessions &Sessions;
  llvm::PassInstrumentationCallbacks &PIC;
  /// Executions of optional passes so far, the "index" feature.
  uint32_t ExecutionIndex = 0;
  /// How often each (pass, unit) pair has been offered, for site ids.
  llvm::DenseMap<uint64_t, uint32_t> Occurrences;

  /// What a pass contributes to every request, looked up once per pass.
  /// Pass names are the hosts' static strings, so the pointer is the key;
  /// the name is compared too, in case one is not.
  struct PassInfo {
    std::string Name;
    bool NeverOffered;
    llvm::StringRef Arg; ///< The pipeline name (-passes=...).
    uint64_t Hash;       ///< stableHash of the class name.
  };
  const PassInfo &passInfo(llvm::StringRef PassID);
  llvm::DenseMap<const char *, PassInfo> Passes;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_PASSGATEHOOK_H
