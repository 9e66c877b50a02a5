//===- Agent.h - What an agent author implements --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// An agent answers the decisions a compiler offers. It needs no LLVM: the
// requests are Switchyard's messages (Messages.h), decoded from the socket by
// the server or handed over directly by an in-process provider.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_AGENT_H
#define SWITCHYARD_AGENT_H

#include "Messages.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

/// Which decisions of one kind the agent wants to see.
using SubscriptionSpec = Subscription;

/// The agent's answer to a Hello: accept (with subscriptions) or refuse.
using HelloAnswer = HelloReply;

/// The agent's answer to one decision request: Answer::useDefault(), or
/// Answer::choose(Option, Params).
using Answer = Reply;

class Agent {
public:
  virtual ~Agent();

  /// Called once per connection. The default accepts and subscribes to every
  /// kind the compiler offers.
  virtual HelloAnswer hello(const SessionInfo &Session);

  /// Answers one decision. Called on the server's loop thread: keep it
  /// quick. The request's views live until this returns.
  virtual Answer decide(const SessionInfo &Session,
                        const DecisionRequest &Request) = 0;

  /// The compiler's end-of-module report.
  virtual void report(const SessionInfo &Session, const ModuleReport &Report);

  /// The connection is gone (after a report, or because the compiler died).
  virtual void closed(const SessionInfo &Session);
};

/// What an in-process agent is told of a session: the compiler's Hello,
/// without a socket in between.
SessionInfo describeSession(const ModuleInfo &Info);

/// The name of legal option \p Index of \p Request; pipeline requests name
/// their options in the session's action space.
std::string_view optionName(const SessionInfo &Session,
                            const DecisionRequest &Request, uint32_t Index);

/// The index of the legal option named \p Name, or -1.
int64_t findOption(const SessionInfo &Session, const DecisionRequest &Request,
                   std::string_view Name);

/// The value of the feature named \p Name, or \p Missing: a scan of the
/// kind's names. An agent that reads a feature in every request looks its
/// position up once, with SessionInfo::featureIndex(), and then reads
/// Request.FeatureValues[Index].
double feature(const DecisionRequest &Request, std::string_view Name,
               double Missing = 0);

/// Renders a choice the way logs and scripts write it: "skip", "partial 4".
std::string formatChoice(const SessionInfo &Session,
                         const DecisionRequest &Request, const Choice &C);

/// Builds one of the built-in policies: "default", "random", or
/// "script:FILE". Returns null with \p Err set on a bad spec.
std::unique_ptr<Agent> makePolicy(const std::string &Spec, uint64_t Seed,
                                  std::string &Err);

/// First-match rules in the script policy's syntax (docs/agents.md), without
/// subscriptions. An agent pushes them down in its HelloReply
/// (HelloReply::LocalRules): the compiler answers what they match itself,
/// with no round trip, and asks the agent the rest.
class RuleSet {
public:
  /// Reads \p Text; errors name \p Origin and the line.
  static std::unique_ptr<RuleSet> parse(const std::string &Text,
                                        const std::string &Origin,
                                        std::string &Err);
  ~RuleSet();

  /// The answer of the first rule that matches \p Request, if one does.
  std::optional<Answer> answer(const SessionInfo &Session,
                               const DecisionRequest &Request) const;

private:
  RuleSet();
  struct Impl;
  std::unique_ptr<Impl> I;
};

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
