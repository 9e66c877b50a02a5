//===- Config.h - Switchyard's configuration, from the environment --------===//
//
// clang does not hand -mllvm options to a plugin loaded with -fpass-plugin,
// so Switchyard reads environment variables (documented in README.md).
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_CONFIG_H
#define SWITCHYARD_CORE_CONFIG_H

#include "switchyard/core/Session.h"

#include <chrono>
#include <string>
#include <vector>

namespace switchyard {

struct Config {
  /// SWITCHYARD_AGENT: the agent's socket. Empty: the plugin is inert.
  std::string AgentSocket;
  /// SWITCHYARD_POLICY: a built-in policy run inside the compiler instead
  /// of an agent: "default", "random", "random:SEED", "script:FILE",
  /// "model:FILE" (ModelProvider.h) or "replay:LOG" (ReplayProvider.h).
  std::string Policy;
  uint64_t PolicySeed = 0;
  /// SWITCHYARD_HOOKS: comma-separated kinds to offer; empty means all.
  std::vector<DecisionKind> Hooks;
  /// SWITCHYARD_TIMEOUT_MS: the longest wait for any one agent answer.
  std::chrono::milliseconds Timeout{2000};
  /// SWITCHYARD_SPIN_US: how long to poll for an answer before sleeping,
  /// while the agent keeps answering that fast (0: always sleep).
  std::chrono::microseconds Spin{50};
  /// SWITCHYARD_ON_FAILURE: "default" (warn, use defaults) or "error".
  FailurePolicy OnFailure = FailurePolicy::UseDefault;
  /// SWITCHYARD_PIPELINE=replace: in clang, the agent's pass-pipeline
  /// episode replaces the optional passes of the -O<n> pipeline.
  bool ReplacePipeline = false;
  /// SWITCHYARD_PIPELINE_OUT: append each episode here as a replay script.
  std::string PipelineOut;
  /// SWITCHYARD_PIPELINE_MAX_STEPS: decisions per episode at most.
  unsigned PipelineMaxSteps = 200;
  /// SWITCHYARD_ALLOW_FP_REORDER=1: the agent may force vectorization
  /// widths that reorder strict floating-point reductions, which changes
  /// results (docs/hooks.md).
  bool AllowFPReorder = false;
  /// SWITCHYARD_VERIFY_FRAMES=1: an in-process policy gets every message
  /// through the codec and the flatbuffers Verifier, as over a socket,
  /// instead of directly.
  bool VerifyFrames = false;
  /// SWITCHYARD_RULES: the user's rewrite rule files (FILE[:FILE...]), each
  /// with its proof record beside it, after the built-in catalog.
  std::vector<std::string> RuleFiles;

  /// Whether \p Kind is offered: implemented by the host and not left out
  /// by SWITCHYARD_HOOKS.
  bool enabled(DecisionKind Kind) const;
  /// Whether anything answers decisions: an agent or an in-process policy.
  bool active() const { return !AgentSocket.empty() || !Policy.empty(); }

  /// The kinds the host implements; SWITCHYARD_HOOKS may name only these.
  std::vector<DecisionKind> Implemented;

  /// Reads the environment; a malformed value is an error naming the
  /// variable. \p Implemented: the kinds the host offers.
  static Expected<Config> fromEnvironment(Span<DecisionKind> Implemented);
};

} // namespace switchyard

#endif // SWITCHYARD_CORE_CONFIG_H
