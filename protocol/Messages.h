//===- Messages.h - The one C++ model of Switchyard's messages ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What a compiler and an agent say to each other, as plain C++: the
// decision core and the agents build and read these, the codec (Codec.h)
// turns them into the flatbuffers of switchyard.fbs and back, and an
// in-process policy gets them directly. Views (std::string_view, Span)
// point into the sender's own data, or into the received frame; a message
// is built, sent and dropped within one call. SessionInfo, the agent's
// record of a handshake, is the one message that owns its data.
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
/// given by Mask (fb::ObservationMask bits). The opcode and dialect names
/// travel as data, from the host, so the codec needs no compiler. In MLIR
/// the opcodes are op names, and Bitcode is MLIR bytecode.
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
  Span<std::string_view> DialectNames;
  std::vector<uint64_t> DialectCounts; ///< Indexed like DialectNames.
};

/// The names of one decision kind's features, in the order in which every
/// request of that kind gives their values. The Hello carries one for each
/// offered kind, so requests carry values only.
struct FeatureSchema {
  DecisionKind Kind = DecisionKind::PassGate;
  Span<std::string_view> Names;
};

/// Everything the agent is told about one decision.
struct DecisionRequest {
  DecisionKind Kind = DecisionKind::PassGate;
  DecisionContext Context;
  /// The kind's schema (the same span in every request of the kind), and
  /// the values in its order; both empty when the agent asked for no
  /// features. Only the values are sent.
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

/// What a provider answers: the compiler's default, or a choice.
struct Reply {
  bool UseDefault = true;
  Choice Chosen;
  /// fb::ObservationMask bits wanted with the next request.
  uint32_t Observations = 0;

  static Reply useDefault() { return Reply(); }
  static Reply choose(uint32_t Option, std::vector<int64_t> Params = {}) {
    Reply R;
    R.UseDefault = false;
    R.Chosen.Option = Option;
    R.Chosen.Params = std::move(Params);
    return R;
  }
};

/// The agent's standing wishes for one decision kind. Empty filters match
/// everything; an entry matches exactly, or by prefix if it ends in '*'.
struct Subscription {
  DecisionKind Kind = DecisionKind::PassGate;
  std::vector<std::string> Passes;
  std::vector<std::string> Functions;
  uint32_t Observations = 0; ///< fb::ObservationMask bits.
  /// Ask for no features: the compiler then skips computing them, which
  /// for some kinds (inline) costs more than the round trip itself.
  bool NoFeatures = false;
};

/// The agent's answer to a Hello.
struct HelloReply {
  bool Accept = true;
  std::string Reason;
  std::vector<Subscription> Subscriptions;
  /// Rules pushed down to the compiler (switchyard.fbs, HelloReply).
  std::string LocalRules;
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
  /// One per offered kind that has features.
  std::vector<FeatureSchema> Features;
};

/// One compiler connection as an agent knows it: its Hello, owned.
class SessionInfo {
public:
  uint64_t Id = 0; ///< Unique per server, in connection order.
  uint32_t Version = 0; ///< The compiler's protocol version.
  std::string Compiler;
  std::string CompilerVersion;
  std::string Module;
  std::string SourceFile;
  std::string TargetTriple;
  int64_t Pid = 0;
  std::vector<DecisionKind> Offered;
  /// Names of the PassPipeline actions, in index order.
  std::vector<std::string> ActionSpace;
  /// Whether each action may name a target function; indexed likewise.
  std::vector<bool> ActionTakesTarget;

  /// \p Kind's feature names, in the order its requests give values; empty
  /// for a kind without features, or from a version-1 compiler, whose
  /// requests name their features themselves.
  Span<std::string_view> featureNames(DecisionKind Kind) const;
  /// The position of \p Kind's feature \p Name in every request's
  /// FeatureValues, or -1. Look it up once, not per request.
  int featureIndex(DecisionKind Kind, std::string_view Name) const;
  void setFeatureNames(DecisionKind Kind, std::vector<std::string> Names);

  SessionInfo() = default;
  SessionInfo(const SessionInfo &Other) { *this = Other; }
  SessionInfo &operator=(const SessionInfo &Other);
  SessionInfo(SessionInfo &&) = default;
  SessionInfo &operator=(SessionInfo &&) = default;

private:
  struct KindFeatures {
    DecisionKind Kind;
    std::vector<std::string> Names;
    std::vector<std::string_view> Views; ///< Into Names.
  };
  std::vector<KindFeatures> Features;
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
