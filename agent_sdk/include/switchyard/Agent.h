//===- Agent.h - What an agent author implements --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// An agent answers the decisions a compiler offers. It needs no LLVM: the
// requests are Switchyard flatbuffers, read in place.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_AGENT_H
#define SWITCHYARD_AGENT_H

#include "switchyard_generated.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

/// One compiler connection, as its handshake described it.
struct SessionInfo {
  uint64_t Id = 0; ///< Unique per server, in connection order.
  std::string Compiler;
  std::string CompilerVersion;
  std::string Module;
  std::string SourceFile;
  std::string TargetTriple;
  int64_t Pid = 0;
  std::vector<fb::DecisionKind> Offered;
  /// Names of the PassPipeline actions, in index order.
  std::vector<std::string> ActionSpace;
};

/// Which decisions of one kind the agent wants to see. Empty filters match
/// everything; an entry matches exactly, or by prefix if it ends in '*'.
struct SubscriptionSpec {
  fb::DecisionKind Kind = fb::DecisionKind::PassGate;
  std::vector<std::string> Passes;
  std::vector<std::string> Functions;
  uint32_t Observations = 0; ///< fb::ObservationMask bits.
  /// Ask for no features: the compiler then skips computing them, which
  /// for some kinds (inline) costs more than the round trip itself.
  bool NoFeatures = false;
};

struct HelloAnswer {
  bool Accept = true;
  std::string Reason;
  std::vector<SubscriptionSpec> Subscriptions;
};

/// The agent's answer to one decision request.
struct Answer {
  bool UseDefault = true;
  uint32_t Option = 0;
  std::vector<int64_t> Params;
  std::string Target;
  uint32_t Observations = 0; ///< fb::ObservationMask for the next request.

  static Answer useDefault() { return Answer(); }
  static Answer choose(uint32_t Option, std::vector<int64_t> Params = {}) {
    Answer A;
    A.UseDefault = false;
    A.Option = Option;
    A.Params = std::move(Params);
    return A;
  }
};

class Agent {
public:
  virtual ~Agent();

  /// Called once per connection. The default accepts and subscribes to every
  /// kind the compiler offers.
  virtual HelloAnswer hello(const SessionInfo &Session);

  /// Answers one decision. Called on the server's loop thread: keep it quick.
  virtual Answer decide(const SessionInfo &Session,
                        const fb::DecisionRequest &Request) = 0;

  /// The compiler's end-of-module report.
  virtual void report(const SessionInfo &Session,
                      const fb::ModuleReport &Report);

  /// The connection is gone (after a report, or because the compiler died).
  virtual void closed(const SessionInfo &Session);
};

/// What a handshake says about its compiler and module (Id and Pid are
/// left for the transport to fill in).
SessionInfo describeSession(const fb::Hello &Hello);

/// The name of legal option \p Index of \p Request; pipeline requests name
/// their options in the session's action space.
std::string_view optionName(const SessionInfo &Session,
                            const fb::DecisionRequest &Request,
                            uint32_t Index);

/// The index of the legal option named \p Name, or -1.
int64_t findOption(const SessionInfo &Session,
                   const fb::DecisionRequest &Request, std::string_view Name);

/// The value of the feature named \p Name, or \p Missing.
double feature(const fb::DecisionRequest &Request, std::string_view Name,
               double Missing = 0);

/// Renders a choice the way logs and scripts write it: "skip", "partial 4".
std::string formatChoice(const SessionInfo &Session,
                         const fb::DecisionRequest &Request,
                         const fb::Choice *Choice);

/// Builds one of the built-in policies: "default", "random", or
/// "script:FILE". Returns null with \p Err set on a bad spec.
std::unique_ptr<Agent> makePolicy(const std::string &Spec, uint64_t Seed,
                                  std::string &Err);

/// How makePolicy() builds a policy.
struct PolicyOptions {
  uint64_t Seed = 0; ///< For "random".
  /// A script's option names are checked when it loads (pass-pipeline
  /// actions when a compiler's Hello brings its action space). Off, an
  /// unknown name is sent as an out-of-range index for the compiler to
  /// refuse: that is how tests exercise the compiler's refusals.
  bool CheckOptions = true;
};

/// makePolicy() with every option.
std::unique_ptr<Agent> makePolicy(const std::string &Spec,
                                  const PolicyOptions &Options,
                                  std::string &Err);

/// An answer a script may give a site decision kind, with the names of its
/// integer parameters. pass-pipeline answers are the actions of the
/// compiler's action space instead.
struct SiteOption {
  fb::DecisionKind Kind;
  const char *Name;
  std::vector<const char *> Params;
};

/// The options of every site decision kind, in the compiler's order. A copy
/// of the compiler's legal answers (legalAnswers() in hooks/*Hook.cpp),
/// which the SDK cannot include: it has no LLVM.
const std::vector<SiteOption> &siteOptions();

} // namespace switchyard

#endif // SWITCHYARD_AGENT_H
