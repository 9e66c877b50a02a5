//===- Decision.h - Decision hooks, advice, sessions and providers --------===//
//
// The shape every Switchyard decision kind shares, after LLVM's InlineAdvisor:
//
//  * a DecisionHook turns one compiler decision into a DecisionRequest that
//    knows the compiler's own default and the legal answers;
//  * a Session (one per module) checks the agent's subscription, asks the
//    DecisionProvider, validates the answer, and keeps the books;
//  * the answer comes back as an Advice that must be recorded exactly once;
//  * the DecisionProvider is the transport: a socket agent today, a replay
//    log or an in-process policy behind the same interface.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_HOOKS_DECISION_H
#define SWITCHYARD_HOOKS_DECISION_H

#include "switchyard_generated.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class Function;
class Module;
class raw_ostream;
} // namespace llvm

namespace switchyard {

using fb::DecisionKind;

/// Who made a decision; the end-of-module report splits counts by this.
enum class DecisionSource { Agent, LocalDefault, Fallback };

/// One integer parameter of a legal answer, with its inclusive range.
struct ParamSpec {
  llvm::StringRef Name;
  int64_t Min = 0;
  int64_t Max = 0;
  bool PowerOfTwo = false;
};

/// One legal answer: a named option with zero or more parameters.
struct OptionSpec {
  llvm::StringRef Name;
  llvm::SmallVector<ParamSpec, 2> Params;
  /// Whether the answer may name a target (a function, for scoped actions).
  bool TakesTarget = false;
};

/// An answer: an option index, its parameters, and an optional target.
struct Choice {
  uint32_t Option = 0;
  llvm::SmallVector<int64_t, 2> Params;
  std::string Target;

  bool operator==(const Choice &O) const {
    return Option == O.Option && Params == O.Params && Target == O.Target;
  }
  bool operator!=(const Choice &O) const { return !(*this == O); }
};

/// Where a decision is made. SiteId is the stable, learnable identity.
struct DecisionContext {
  llvm::StringRef Module;
  llvm::StringRef Function;
  llvm::StringRef Pass;
  llvm::StringRef PassArg;
  fb::UnitKind Unit = fb::UnitKind::Module;
  llvm::StringRef UnitName;
  uint64_t SiteId = 0;
  uint32_t Index = 0;
};

/// Program state sent with a pipeline decision; which fields are filled is
/// given by Mask (fb::ObservationMask bits). See docs/hooks.md.
struct Observation {
  uint32_t Mask = 0;
  uint64_t InstCount = 0;
  std::vector<std::string> FunctionNames;
  std::vector<uint64_t> FunctionCounts;
  std::vector<uint64_t> OpcodeCounts; ///< Indexed like opcodeNames().
  std::vector<int64_t> Autophase;     ///< autophaseNames() order.
  uint64_t IrHash = 0;
  std::string IrText;
  llvm::SmallVector<char, 0> Bitcode;
};

/// Everything the agent is told about one decision.
struct DecisionRequest {
  DecisionKind Kind = DecisionKind::PassGate;
  DecisionContext Context;
  llvm::ArrayRef<llvm::StringRef> FeatureNames;
  llvm::ArrayRef<double> FeatureValues;
  Choice Default;
  llvm::ArrayRef<OptionSpec> Legal;
  /// Pipeline decisions: the program state, and why the previous answer was
  /// refused. Legal is then the session's action space, which the Hello
  /// carries once instead of every request.
  const Observation *Obs = nullptr;
  std::string PreviousError;
  /// Why Legal is narrower than the kind's usual answers at this site, if
  /// it is; a refused answer's remark names it.
  llvm::StringRef LegalNote;
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
  std::string ModuleName;
  std::string SourceFile;
  std::string TargetTriple;
  std::vector<DecisionKind> Offered;
  llvm::ArrayRef<OptionSpec> ActionSpace;
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

/// Where answers come from. Public non-virtual entries forward to protected
/// virtual implementations, so timing and bookkeeping live in one place.
class DecisionProvider {
public:
  virtual ~DecisionProvider();

  /// Opens a session for one module and returns the agent's subscriptions.
  llvm::Expected<std::vector<Subscription>> open(const ModuleInfo &Info);

  /// Asks for one decision.
  llvm::Expected<Reply> decide(const DecisionRequest &Request);

  /// Ends the session. Best effort: a report that cannot be sent is dropped.
  void close(const ModuleReport &Report);

  /// Nanoseconds spent inside open() and decide().
  uint64_t waitNs() const { return WaitNs; }

protected:
  virtual llvm::Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) = 0;
  virtual llvm::Expected<Reply> decideImpl(const DecisionRequest &Request) = 0;
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
  llvm::ArrayRef<OptionSpec> ActionSpace;
};

class Advice;

/// One module's conversation with one provider.
class Session {
public:
  Session(llvm::Module &M, std::unique_ptr<DecisionProvider> Provider,
          SessionOptions Options, std::vector<DecisionKind> Offered);
  ~Session();

  /// True if a decision of \p Kind about \p Pass in \p Function would go to
  /// the agent. Hooks call this before computing features: a decision the
  /// agent does not want is answered locally with no round trip.
  bool wants(DecisionKind Kind, llvm::StringRef Pass,
             llvm::StringRef Function);

  /// Asks for one decision; never fails. A provider error, or an answer that
  /// is not among \p Request's legal answers, yields the default.
  Advice decide(const DecisionRequest &Request, const llvm::Function *Where);

  /// The observation bits the agent subscribed to for \p Kind.
  uint32_t observationsFor(DecisionKind Kind);

  /// Whether the agent wants features with \p Kind's requests. Hooks skip
  /// computing them otherwise (they can cost more than the round trip).
  bool featuresFor(DecisionKind Kind);

  /// A decision answered locally because the agent did not subscribe.
  Advice decideLocally(DecisionKind Kind, Choice Default,
                       const llvm::Function *Where);

  llvm::Module &module() { return M; }
  uint64_t instCountBefore() const { return InstCountBefore; }

  /// Instructions the agent's answers may still add to the module where
  /// they differ from the compiler's (an inline `yes`, an unroll count):
  /// in all, as many as the module had when the session began, and at
  /// least GrowthFloor. Like MLGO's stop at twice the module's size, it
  /// bounds what a legal but reckless agent can do to compile time; the
  /// compiler's own choices cost nothing from it.
  uint64_t growthLeft() const {
    return GrowthSpent >= growthBudget() ? 0 : growthBudget() - GrowthSpent;
  }
  uint64_t growthBudget() const {
    return std::max<uint64_t>(InstCountBefore, GrowthFloor);
  }
  void spendGrowth(uint64_t Insts) { GrowthSpent += Insts; }
  static constexpr uint64_t GrowthFloor = 16 * 1024;
  void setInstCountAfter(uint64_t N) { InstCountAfter = N; }

  /// Sends the end-of-module report and ends the conversation.
  void finish();

private:
  friend class Advice;
  void ensureOpen();
  void fail(llvm::Error E);
  void warnOnce(const llvm::Twine &Msg);
  KindStats &statsFor(DecisionKind Kind);

  llvm::Module &M;
  std::string ModuleName;
  std::unique_ptr<DecisionProvider> Provider;
  SessionOptions Options;
  std::vector<DecisionKind> Offered;
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
         DecisionSource Source, const llvm::Function *Where,
         llvm::ArrayRef<OptionSpec> Legal);
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
  llvm::StringRef refusal() const { return Refusal; }
  /// Observations the agent asked to see with the next request.
  uint32_t observationsWanted() const { return Observations; }

  /// The compiler followed this advice. \p What describes the site for the
  /// optimization remark emitted when the agent changed the decision.
  void recordApplied(const llvm::Twine &What);
  /// The compiler could not follow this advice.
  void recordUnapplied(const llvm::Twine &Why);

private:
  friend class Session;
  std::string describe(const Choice &C) const;

  Session *S;
  DecisionKind Kind;
  Choice Default;
  Choice Chosen;
  DecisionSource Source;
  const llvm::Function *Where;
  llvm::ArrayRef<OptionSpec> Legal;
  std::string Refusal;
  uint32_t Observations = 0;
  bool Recorded = false;
};

/// Makes a provider for each new module's session.
using ProviderFactory = std::function<std::unique_ptr<DecisionProvider>()>;

/// Hands out the session of the module being compiled. A host compiles one
/// module at a time; a new module finishes the previous module's session.
class SessionManager {
public:
  SessionManager(ProviderFactory MakeProvider, SessionOptions Options,
                 std::vector<DecisionKind> Offered)
      : MakeProvider(std::move(MakeProvider)), Options(Options),
        Offered(std::move(Offered)) {}
  ~SessionManager() { finish(); }

  Session &sessionFor(llvm::Module &M);

  /// Records \p M's instruction count after a module-level pass, so the
  /// report can say what the pipeline did without touching the module later.
  void noteModuleChanged(const llvm::Module &M);

  /// Finishes the current session, if any.
  void finish();

  /// The pass-pipeline action space announced in every session's Hello.
  void setActionSpace(llvm::ArrayRef<OptionSpec> Space) {
    Options.ActionSpace = Space;
  }

private:
  ProviderFactory MakeProvider;
  SessionOptions Options;
  std::vector<DecisionKind> Offered;
  const llvm::Module *Current = nullptr;
  std::unique_ptr<Session> Active;
};

/// Checks \p C against \p Legal. Returns an error saying why it is illegal.
llvm::Error checkLegal(const Choice &C, llvm::ArrayRef<OptionSpec> Legal);

/// Instructions in \p M, as the end-of-module report and features count them.
uint64_t countInstructions(const llvm::Module &M);
uint64_t countInstructions(const llvm::Function &F);

/// A stable 64-bit hash (FNV-1a) for site ids; independent of the process.
uint64_t stableHash(llvm::StringRef S, uint64_t Seed = 0xcbf29ce484222325ULL);

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_DECISION_H
