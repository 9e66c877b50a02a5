//===- Decision.cpp - The decision core, adapted to LLVM modules ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Decision.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"

#define DEBUG_TYPE "switchyard"

using namespace llvm;

STATISTIC(NumAgentDecisions, "Decisions answered by the agent");
STATISTIC(NumAgentChanged, "Agent decisions that differ from the default");
STATISTIC(NumLocalDefaults, "Decisions answered locally with the default");
STATISTIC(NumFallbacks, "Decisions that fell back to the default");

namespace switchyard {

ModuleInfo ModuleHost::describeUnit() const {
  ModuleInfo Info;
  // The host's executable name tells the agent whether clang or opt asks.
  Info.Compiler =
      sys::path::filename(sys::fs::getMainExecutable(nullptr, nullptr)).str();
  Info.CompilerVersion = LLVM_VERSION_STRING;
  Info.Pid = sys::Process::getProcessId();
  Info.ModuleName = M.getModuleIdentifier();
  Info.SourceFile = M.getSourceFileName();
  Info.TargetTriple = M.getTargetTriple().str();
  return Info;
}

uint64_t ModuleHost::unitSize() const { return countInstructions(M); }

void ModuleHost::warning(std::string_view Msg) {
  M.getContext().diagnose(
      DiagnosticInfoGeneric(Twine(StringRef(Msg)), DS_Warning));
}

void ModuleHost::error(std::string_view Msg) {
  // Some hosts (opt) exit inside diagnose() on an error, with their output
  // file open: remove the files they registered for removal on a crash
  // first, so no partial output is left. clang goes on after the error,
  // fails the compile and discards its output itself.
  sys::RunInterruptHandlers();
  M.getContext().diagnose(
      DiagnosticInfoGeneric(Twine(StringRef(Msg)), DS_Error));
}

void ModuleHost::remark(RemarkKind Kind, std::string_view Name,
                        SiteHandle Where, std::string_view Msg) {
  if (!Where)
    return;
  const auto *F = static_cast<const Function *>(Where);
  if (Kind == RemarkKind::Applied)
    M.getContext().diagnose(OptimizationRemark(DEBUG_TYPE, StringRef(Name), F)
                            << StringRef(Msg));
  else
    M.getContext().diagnose(
        OptimizationRemarkMissed(DEBUG_TYPE, StringRef(Name), F)
        << StringRef(Msg));
}

void ModuleHost::counted(DecisionSource Source, bool Changed) {
  switch (Source) {
  case DecisionSource::Agent:
    ++NumAgentDecisions;
    NumAgentChanged += Changed;
    break;
  case DecisionSource::LocalDefault:
    ++NumLocalDefaults;
    break;
  case DecisionSource::Fallback:
    ++NumFallbacks;
    break;
  }
}

Session &ModuleSessions::sessionFor(Module &M) {
  return Sessions.sessionFor(&M, [&M] { return std::make_unique<ModuleHost>(M); });
}

void ModuleSessions::noteModuleChanged(const Module &M) {
  if (Session *S = Sessions.current(&M))
    S->setInstCountAfter(countInstructions(M));
}

uint64_t countInstructions(const Function &F) {
  uint64_t N = 0;
  for (const BasicBlock &BB : F)
    N += BB.size();
  return N;
}

uint64_t countInstructions(const Module &M) {
  uint64_t N = 0;
  for (const Function &F : M)
    N += countInstructions(F);
  return N;
}

} // namespace switchyard
