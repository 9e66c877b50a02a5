//===- Session.h - Sessions, advice and providers: the decision core ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The shape every Switchyard decision kind shares, after LLVM's
// InlineAdvisor, with no compiler in it:
//
//  * a hook (in an adapter: hooks/ for LLVM) turns one compiler decision into
//    a DecisionRequest that knows the compiler's default and the legal
//    answers;
//  * a Session (one per compilation unit) checks the agent's subscription,
//    asks the DecisionProvider, validates the answer, and keeps the books;
//  * the answer comes back as an Advice that must be recorded exactly once;
//  * the DecisionProvider is the transport: a socket agent, or a policy in
//    the compiler's own process, behind the same interface.
//
// The session reaches its compiler only through Host (Host.h).
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_SESSION_H
#define SWITCHYARD_CORE_SESSION_H

#include "switchyard/core/Host.h"

#include "Expected.h"
#include "Messages.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace switchyard {

/// Where answers come from. Public non-virtual entries forward to protected
/// virtual implementations, so timing and bookkeeping live in one place.
class DecisionProvider {
public:
  virtual ~DecisionProvider();

  /// Opens a session for one module and returns the agent's subscriptions.
  Expected<std::vector<Subscription>> open(const ModuleInfo &Info);

  /// Asks for one decision.
  Expected<Reply> decide(const DecisionRequest &Request);

  /// Ends the session. Best effort: a report that cannot be sent is dropped.
  void close(const ModuleReport &Report);

  /// Nanoseconds spent inside open() and decide().
  uint64_t waitNs() const { return WaitNs; }

  /// The feature names of \p Kind this provider reads, or null if it may
  /// read any: a hook need not compute the others (a model reads a few).
  virtual const std::vector<std::string> *
  featuresUsed(DecisionKind Kind) const {
    return nullptr;
  }

  /// After close(): what the provider was given and never used, in one
  /// line (a replay log's entries no site asked for), or "".
  virtual std::string leftovers() const { return ""; }

protected:
  virtual Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) = 0;
  virtual Expected<Reply> decideImpl(const DecisionRequest &Request) = 0;
  virtual void closeImpl(const ModuleReport &Report) = 0;

private:
  uint64_t WaitNs = 0;
};

/// What to do when the agent fails.
enum class FailurePolicy { UseDefault, Error };

/// How a session behaves; filled from the environment by the plugin.
struct SessionOptions {
  FailurePolicy OnFailure = FailurePolicy::UseDefault;
  /// The pass-pipeline actions, announced in the handshake.
  Span<OptionSpec> ActionSpace;
};

class Advice;

/// One unit's conversation with one provider.
class Session {
public:
  /// \p Offered: the kinds offered, each with the names of its features in
  /// the order its requests give their values.
  Session(std::unique_ptr<Host> H, std::unique_ptr<DecisionProvider> Provider,
          SessionOptions Options, std::vector<FeatureSchema> Offered);
  ~Session();

  /// True if a decision of \p Kind about \p Pass in \p Function would go to
  /// the agent. Hooks call this before computing features: a decision the
  /// agent does not want is answered locally with no round trip.
  bool wants(DecisionKind Kind, std::string_view Pass,
             std::string_view Function);

  /// Asks for one decision; never fails. A provider error, or an answer that
  /// is not among \p Request's legal answers, yields the default.
  Advice decide(const DecisionRequest &Request, SiteHandle Where);

  /// The observation bits the agent subscribed to for \p Kind.
  uint32_t observationsFor(DecisionKind Kind);

  /// Whether the agent wants features with \p Kind's requests. Hooks skip
  /// computing them otherwise (they can cost more than the round trip).
  bool featuresFor(DecisionKind Kind);

  /// The feature names the provider reads for \p Kind, or null for all.
  const std::vector<std::string> *featuresUsed(DecisionKind Kind) const {
    return Provider->featuresUsed(Kind);
  }

  /// A decision answered locally because the agent did not subscribe.
  Advice decideLocally(DecisionKind Kind, Choice Default, SiteHandle Where);

  Host &host() { return *H; }
  uint64_t instCountBefore() const { return InstCountBefore; }

  /// Answers of the agent applied so far that differ from the compiler's
  /// default, over every kind but \p Except.
  uint64_t changedDecisions(DecisionKind Except) const;

  /// Instructions the agent's answers may still add to the unit where they
  /// differ from the compiler's (an inline `yes`, an unroll count): in all,
  /// as many as the unit had when the session began, and at least
  /// GrowthFloor. Like MLGO's stop at twice the module's size, it bounds
  /// what a legal but reckless agent can do to compile time; the compiler's
  /// own choices cost nothing from it.
  uint64_t growthLeft() const {
    return GrowthSpent >= growthBudget() ? 0 : growthBudget() - GrowthSpent;
  }
  uint64_t growthBudget() const {
    return std::max<uint64_t>(InstCountBefore, GrowthFloor);
  }
  void spendGrowth(uint64_t Insts) { GrowthSpent += Insts; }
  static constexpr uint64_t GrowthFloor = 16 * 1024;
  void setInstCountAfter(uint64_t N) { InstCountAfter = N; }

  /// Sends the end-of-unit report and ends the conversation.
  void finish();

private:
  friend class Advice;
  void ensureOpen();
  std::string checkFeatures(const DecisionRequest &Request) const;
  void fail(std::string Msg);
  void warnOnce(std::string_view Msg);
  KindStats &statsFor(DecisionKind Kind);

  std::unique_ptr<Host> H;
  std::string ModuleName;
  std::unique_ptr<DecisionProvider> Provider;
  SessionOptions Options;
  std::vector<FeatureSchema> Offered;
  std::vector<Subscription> Subscriptions;
  std::vector<std::pair<DecisionKind, KindStats>> Stats;
  bool Opened = false;
  bool Failed = false;
  bool Finished = false;
  bool WarnedIllegal = false;
  std::string FirstError;
  uint64_t InstCountBefore = 0;
  uint64_t InstCountAfter = 0;
  uint64_t GrowthSpent = 0;
};

/// One decision's answer. It knows the compiler's default and must be
/// recorded exactly once, like llvm::InlineAdvice: recordApplied() when the
/// compiler acted on it, recordUnapplied() when it could not.
class Advice {
public:
  Advice(Session &S, DecisionKind Kind, Choice Default, Choice Chosen,
         DecisionSource Source, SiteHandle Where, Span<OptionSpec> Legal);
  Advice(Advice &&Other);
  Advice(const Advice &) = delete;
  Advice &operator=(const Advice &) = delete;
  Advice &operator=(Advice &&) = delete;
  ~Advice();

  const Choice &choice() const { return Chosen; }
  const Choice &defaultChoice() const { return Default; }
  bool isDefault() const { return Chosen == Default; }
  DecisionSource source() const { return Source; }
  /// Why the agent's answer was refused (empty if it was not).
  std::string_view refusal() const { return Refusal; }
  /// Observations the agent asked to see with the next request.
  uint32_t observationsWanted() const { return Observations; }

  /// The compiler followed this advice. \p What describes the site for the
  /// remark emitted when the agent changed the decision.
  void recordApplied(std::string_view What);
  /// recordApplied() with a description built only when a remark needs it:
  /// most decisions keep the default, and the hot kinds (pass-gate, inline)
  /// must not format a string for each.
  template <typename DescribeFn,
            typename = std::enable_if_t<
                std::is_invocable_r_v<std::string, DescribeFn>>>
  void recordApplied(DescribeFn &&What) {
    std::string Text;
    if (Source == DecisionSource::Agent && !isDefault())
      Text = What();
    recordApplied(std::string_view(Text));
  }
  /// The compiler could not follow this advice.
  void recordUnapplied(std::string_view Why);

  /// "partial 4", "vectorize 8 2 @f": an answer as remarks and logs show it.
  std::string describe(const Choice &C) const;

private:
  friend class Session;

  Session *S;
  DecisionKind Kind;
  Choice Default;
  Choice Chosen;
  DecisionSource Source;
  SiteHandle Where;
  Span<OptionSpec> Legal;
  std::string Refusal;
  uint32_t Observations = 0;
  bool Recorded = false;
};

/// Makes a provider for each new unit's session.
using ProviderFactory = std::function<std::unique_ptr<DecisionProvider>()>;

/// Hands out the session of the unit being compiled. A host compiles one
/// unit at a time; a new unit finishes the previous unit's session.
class SessionManager {
public:
  SessionManager(ProviderFactory MakeProvider, SessionOptions Options,
                 std::vector<FeatureSchema> Offered)
      : MakeProvider(std::move(MakeProvider)), Options(Options),
        Offered(std::move(Offered)) {}
  ~SessionManager() { finish(); }

  /// The session of \p Unit, made with a host from \p MakeHost the first
  /// time \p Unit is seen.
  Session &sessionFor(const void *Unit,
                      const std::function<std::unique_ptr<Host>()> &MakeHost);

  /// The session of \p Unit if it is the current one, else null.
  Session *current(const void *Unit) {
    return Active && Current == Unit ? Active.get() : nullptr;
  }

  /// Finishes the current session, if any.
  void finish();

  /// The pass-pipeline action space announced in every session's Hello.
  void setActionSpace(Span<OptionSpec> Space) { Options.ActionSpace = Space; }

private:
  ProviderFactory MakeProvider;
  SessionOptions Options;
  std::vector<FeatureSchema> Offered;
  const void *Current = nullptr;
  std::unique_ptr<Session> Active;
};

/// Checks \p C against \p Legal: an empty string if it is legal, else why
/// not.
std::string checkLegal(const Choice &C, Span<OptionSpec> Legal);

} // namespace switchyard

#endif // SWITCHYARD_CORE_SESSION_H
