//===- LoopSite.h - What the loop hooks share: ids, features, metadata ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_LOOPSITE_H
#define SWITCHYARD_HOOKS_LOOPSITE_H

#include "Decision.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/IR/PassManager.h"

#include <optional>

namespace llvm {
class Loop;
class LoopInfo;
class ScalarEvolution;
} // namespace llvm

namespace switchyard {

/// A loop as the agent sees it. Features are computed once per visit.
struct LoopSite {
  llvm::Loop *L = nullptr;
  std::string Name;   ///< "function:loopN" (N in preorder) or with a line
  uint64_t SiteId = 0;
  std::vector<double> Features;
};

/// The features every loop kind sends, in this order (docs/hooks.md).
llvm::ArrayRef<std::string_view> loopFeatureNames();

/// Describes \p L: a stable id from its function's name and its source
/// position (or, without debug info, its preorder index among the function's
/// loops, \p PreorderIndex), and, if \p WithFeatures, its features (the
/// trip counts only if \p SE is not null).
LoopSite describeLoop(llvm::Loop &L, unsigned PreorderIndex,
                      llvm::ScalarEvolution *SE, bool WithFeatures = true);

/// The copies of \p L its unroll metadata asks for (an agent's answer, a
/// pragma, or an inlined copy's): 1 when it asks for none or disables
/// unrolling. Kinds that grow a loop charge its budget by this.
uint64_t requestedCopies(const llvm::Loop &L, llvm::ScalarEvolution &SE);

/// Instructions in \p L's blocks, its inner loops' included.
uint64_t loopSize(const llvm::Loop &L);

/// The most instructions a loop may grow to by an agent's unroll or
/// vectorization answer, counting the copies its inner loops were already
/// asked for: LLVM's own bound for `#pragma unroll`
/// (-pragma-unroll-threshold). Without it, two legal counts on a loop nest
/// (57 × 51) made a 0.7 s compile take minutes.
constexpr uint64_t LoopSizeBudget = 16 * 1024;

/// Whether \p Copies copies of a loop of \p Size instructions, \p Paid of
/// them already paid for, fit LoopSizeBudget and what the agent's answers
/// may still add to the module; if so, spends the growth from \p S and
/// returns nothing. Otherwise returns why, beginning with \p What
/// ("unrolling loop 'f:loop0' 4 times").
std::optional<std::string> growLoop(Session &S, uint64_t Size,
                                    uint64_t Copies, uint64_t Paid,
                                    const llvm::Twine &What);

/// Adds `!{!"Name"}` or `!{!"Name", i32 Value}` to \p L's loop id,
/// replacing an attribute of the same name.
void setLoopAttribute(llvm::Loop &L, llvm::StringRef Name,
                      std::optional<int> Value = std::nullopt);

/// Removes the attributes named \p Names from \p L's loop id.
void dropLoopAttributes(llvm::Loop &L, llvm::ArrayRef<llvm::StringRef> Names);

/// Calls \p Visit on every loop of \p F in preorder with its index, on
/// dominator tree, loop info and scalar evolution built privately: the
/// function analysis manager's caches are left exactly as the host's own
/// pipeline leaves them, so a compile whose decisions are all defaults is
/// byte-identical to one without Switchyard. Returns whether any visit
/// changed the IR.
bool visitLoops(llvm::Function &F, llvm::FunctionAnalysisManager &FAM,
                llvm::function_ref<bool(llvm::Loop &, unsigned,
                                        llvm::ScalarEvolution &)>
                    Visit);

/// Keeps one decision per loop site per module: loops are visited again as
/// the pipeline iterates, and the agent answers each site once.
class SiteMemo {
public:
  /// True the first time \p SiteId is seen in \p M.
  bool firstVisit(const llvm::Module &M, uint64_t SiteId);

private:
  const llvm::Module *Current = nullptr;
  llvm::DenseSet<uint64_t> Seen;
};

/// What every loop kind decided at a function-pass extension point holds:
/// the module's sessions, and the sites already asked about in this module.
/// A kind derives from it and adds `bool decide(Loop &, unsigned PreorderIndex,
/// ScalarEvolution &)`, which LoopDecisionFunctionPass calls per loop.
class LoopHookBase {
protected:
  explicit LoopHookBase(ModuleSessions &Sessions) : Sessions(Sessions) {}

  ModuleSessions &Sessions;
  SiteMemo Memo;
};

/// A function pass that asks \p HookT about every loop of a function, for
/// the loop kinds decided at a function-pass extension point.
template <typename HookT>
class LoopDecisionFunctionPass
    : public llvm::PassInfoMixin<LoopDecisionFunctionPass<HookT>> {
public:
  explicit LoopDecisionFunctionPass(HookT &Hook) : Hook(Hook) {}
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM) {
    // Metadata changes no analysis result.
    visitLoops(F, FAM, [this](llvm::Loop &L, unsigned Index,
                              llvm::ScalarEvolution &SE) {
      return Hook.decide(L, Index, SE);
    });
    return llvm::PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
  static llvm::StringRef name() { return HookT::PassName; }

private:
  HookT &Hook;
};

/// One loop decision about to be asked, with what every loop kind does
/// first: find the module's session, skip a kind, pass or function the
/// agent did not subscribe to, describe the loop, and skip a site already
/// asked about in this module. Built in place: the request refers to the
/// site's name.
class LoopQuestion {
public:
  LoopQuestion(ModuleSessions &Sessions, SiteMemo &Memo, llvm::Loop &L,
               unsigned PreorderIndex, llvm::ScalarEvolution &SE,
               DecisionKind Kind, llvm::StringRef Pass,
               llvm::StringRef PassArg);
  LoopQuestion(const LoopQuestion &) = delete;
  LoopQuestion &operator=(const LoopQuestion &) = delete;

  /// False when there is nothing to ask.
  explicit operator bool() const { return Asking; }

  /// Sends \p Names as the features: the loop features, then the kind's
  /// own, whose values are \p Extra. Nothing, if the provider reads no
  /// features of this kind.
  void addFeatures(llvm::ArrayRef<std::string_view> Names,
                   llvm::ArrayRef<double> Extra);

  /// Asks the agent, with \p Legal as the legal answers; \p Note says why
  /// they are narrower than usual, if they are.
  Advice ask(llvm::ArrayRef<OptionSpec> Legal, llvm::StringRef Note = "");

  Session &session() { return *S; }
  const LoopSite &site() const { return Site; }

private:
  Session *S = nullptr;
  const llvm::Function *F = nullptr;
  LoopSite Site;
  DecisionRequest Request;
  bool Asking = false;
  bool WithFeatures = false;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_LOOPSITE_H
