//===- Messages.h - The one C++ model of Switchyard's messages ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What a compiler and an agent say to each other, as plain C++: the
// decision core builds and reads these, the codec (Codec.h) turns them into
// the flatbuffers of switchyard.fbs and back. Views (std::string_view,
// Span) point into the sender's own data; a message is built, sent and
// dropped within one call.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_MESSAGES_H
#define SWITCHYARD_PROTOCOL_MESSAGES_H

#include "Span.h"
#include "switchyard_generated.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard {

using fb::DecisionKind;

/// One integer parameter of a legal answer, with its inclusive range.
struct ParamSpec {
  std::string_view Name;
  int64_t Min = 0;
  int64_t Max = 0;
  bool PowerOfTwo = false;
};

/// One legal answer: a named option with zero or more parameters.
struct OptionSpec {
  std::string_view Name;
  std::vector<ParamSpec> Params;
  /// Whether the answer may name a target (a function, for scoped actions).
  bool TakesTarget = false;
};

/// An answer: an option index, its parameters, and an optional target.
struct Choice {
  uint32_t Option = 0;
  std::vector<int64_t> Params;
  std::string Target;

  bool operator==(const Choice &O) const {
    return Option == O.Option && Params == O.Params && Target == O.Target;
  }
  bool operator!=(const Choice &O) const { return !(*this == O); }
};

/// Where a decision is made. SiteId is the stable, learnable identity.
struct DecisionContext {
  std::string_view Module;
  std::string_view Function;
  std::string_view Pass;
  std::string_view PassArg;
  fb::UnitKind Unit = fb::UnitKind::Module;
  std::string_view UnitName;
  uint64_t SiteId = 0;
  uint32_t Index = 0;
};

/// Program state sent with a pipeline decision; which fields are filled is
/// given by Mask (fb::ObservationMask bits). The opcode names travel as
/// data, from the host, so the codec needs no compiler.
struct Observation {
  uint32_t Mask = 0;
  uint64_t InstCount = 0;
  std::vector<std::string> FunctionNames;
  std::vector<uint64_t> FunctionCounts;
  Span<std::string_view> OpcodeNames;
  std::vector<uint64_t> OpcodeCounts; ///< Indexed like OpcodeNames.
  std::vector<int64_t> Autophase;
  uint64_t IrHash = 0;
  std::string IrText;
  std::string Bitcode;
};

/// Everything the agent is told about one decision.
struct DecisionRequest {
  DecisionKind Kind = DecisionKind::PassGate;
  DecisionContext Context;
  Span<std::string_view> FeatureNames;
  Span<double> FeatureValues;
  Choice Default;
  Span<OptionSpec> Legal;
  /// Pipeline decisions: the program state, and why the previous answer was
  /// refused. Legal is then the session's action space, which the Hello
  /// carries once instead of every request.
  const Observation *Obs = nullptr;
  std::string PreviousError;
  /// Why Legal is narrower than the kind's usual answers at this site, if
  /// it is; a refused answer's remark names it. Not sent.
  std::string_view LegalNote;
};

/// What a provider answers.
struct Reply {
  bool UseDefault = true;
  Choice Chosen;
  uint32_t Observations = 0;
};

/// The agent's standing wishes for one decision kind.
struct Subscription {
  DecisionKind Kind = DecisionKind::PassGate;
  std::vector<std::string> Passes;
  std::vector<std::string> Functions;
  uint32_t Observations = 0;
  bool NoFeatures = false;
};

/// What the compiler says about itself and the module when a session opens.
struct ModuleInfo {
  std::string Compiler;
  std::string CompilerVersion;
  int64_t Pid = 0;
  std::string ModuleName;
  std::string SourceFile;
  std::string TargetTriple;
  std::vector<DecisionKind> Offered;
  Span<OptionSpec> ActionSpace;
};

/// Decisions made for one kind, split by source.
struct KindStats {
  uint64_t Agent = 0;
  uint64_t AgentChanged = 0;
  uint64_t LocalDefault = 0;
  uint64_t Fallback = 0;
};

struct ModuleReport {
  std::string ModuleName;
  uint64_t InstCountBefore = 0;
  uint64_t InstCountAfter = 0;
  std::vector<std::pair<DecisionKind, KindStats>> Stats;
  uint64_t AgentWaitNs = 0;
  std::string Error;
};

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_MESSAGES_H
