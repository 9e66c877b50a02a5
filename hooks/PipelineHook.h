//===- PipelineHook.h - pass-pipeline: which pass runs next? --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_PIPELINEHOOK_H
#define SWITCHYARD_HOOKS_PIPELINEHOOK_H

#include "ActionSpace.h"
#include "Decision.h"

#include "llvm/IR/PassManager.h"

#include <functional>

namespace llvm {
class PassBuilder;
} // namespace llvm

namespace switchyard {

/// What runs around one action so that its pass asks its site questions.
struct SiteQuestions {
  /// Before the action, on each function it runs on (loop questions).
  llvm::FunctionPassManager Function;
  /// Before and after a whole-module action (an inliner's advisor).
  llvm::ModulePassManager Before, After;
};

struct PipelineOptions {
  /// Decisions per episode at most, refused answers included.
  unsigned MaxSteps = 200;
  /// If set, each episode is written here as a replayable script, headed by
  /// the equivalent plain `opt -passes=...` command when there is one.
  std::string OutFile;
  /// Adds to \p Q the site questions that LLVM pass \p PassName (a bare
  /// name: "loop-unroll") asks at the plugin's decision kinds, so that an
  /// action running it asks them as the pass does in LLVM's own pipelines;
  /// adds nothing for a pass that asks none. Unset: no action asks.
  std::function<void(llvm::StringRef PassName, SiteQuestions &Q)>
      AddSiteQuestions;
};

/// Runs agent-driven episodes: ask for the next action, apply it to the
/// module (or to one function), and ask again, until the agent says stop or
/// the step limit is reached. Actions come only from the ActionSpace.
class PipelineHook {
public:
  /// \p PluginPasses: function passes of this plugin that are actions too.
  PipelineHook(ModuleSessions &Sessions, llvm::PassBuilder &PB,
               PipelineOptions Options,
               llvm::ArrayRef<std::string> PluginPasses = {});

  const ActionSpace &space() const { return Space; }

  /// The names of a request's features, in order; the Hello carries them.
  static llvm::ArrayRef<std::string_view> featureNames();

  /// True while an episode applies actions: the pass gate lets them run.
  bool inEpisode() const { return InEpisode; }

  /// One episode on \p M.
  llvm::PreservedAnalyses runEpisode(llvm::Module &M,
                                     llvm::ModuleAnalysisManager &MAM,
                                     unsigned MaxSteps);

private:
  llvm::Error apply(const Action &A, llvm::StringRef Target, llvm::Module &M,
                    llvm::ModuleAnalysisManager &MAM);
  void writeEpisode(const llvm::Module &M,
                    llvm::ArrayRef<std::pair<const Action *, std::string>>
                        Applied,
                    llvm::ArrayRef<std::string> Rules,
                    uint64_t ChangedSiteDecisions);

  ModuleSessions &Sessions;
  llvm::PassBuilder &PB;
  PipelineOptions Options;
  ActionSpace Space;
  bool InEpisode = false;
};

/// The `switchyard-pipeline<max-steps=N>` module pass.
class SwitchyardPipelinePass
    : public llvm::PassInfoMixin<SwitchyardPipelinePass> {
public:
  SwitchyardPipelinePass(std::shared_ptr<PipelineHook> Hook, unsigned MaxSteps)
      : Hook(std::move(Hook)), MaxSteps(MaxSteps) {}

  llvm::PreservedAnalyses run(llvm::Module &M,
                              llvm::ModuleAnalysisManager &MAM) {
    return Hook->runEpisode(M, MAM, MaxSteps);
  }
  /// The episode is what the user asked for: never skipped by a gate.
  static bool isRequired() { return true; }

private:
  std::shared_ptr<PipelineHook> Hook;
  unsigned MaxSteps;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_PIPELINEHOOK_H
