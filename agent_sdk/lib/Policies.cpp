//===- Policies.cpp - The built-in policies of switchyard-agent -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// default: always the compiler's default.
// random:  a seeded choice among the legal answers, a pure function of the
//          seed and the decision's context, so concurrent compiles replay.
// script:  first-match rules from a file, for tests and experiments.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Agent.h"

#include "Framing.h"
#include "Hash.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>

namespace switchyard {

namespace {

/// Every kind the compiler offers, without features: the built-in policies
/// read none, so the compiler is spared computing them (an inline site's
/// features cost two runs of LLVM's inline cost analysis).
HelloAnswer everyKindWithoutFeatures(const SessionInfo &Session) {
  HelloAnswer A;
  for (DecisionKind K : Session.Offered) {
    SubscriptionSpec S;
    S.Kind = K;
    S.NoFeatures = true;
    A.Subscriptions.push_back(S);
  }
  return A;
}

class DefaultPolicy final : public Agent {
public:
  HelloAnswer hello(const SessionInfo &Session) override {
    return everyKindWithoutFeatures(Session);
  }

  Answer decide(const SessionInfo &, const DecisionRequest &) override {
    return Answer::useDefault();
  }
};

uint64_t mix(uint64_t X) {
  // splitmix64's finalizer.
  X += 0x9e3779b97f4a7c15ULL;
  X = (X ^ (X >> 30)) * 0xbf58476d1ce4e5b9ULL;
  X = (X ^ (X >> 27)) * 0x94d049bb133111ebULL;
  return X ^ (X >> 31);
}

uint64_t hashBytes(std::string_view S) { return stableHash(S); }

class RandomPolicy final : public Agent {
public:
  explicit RandomPolicy(uint64_t Seed) : Seed(Seed) {}

  HelloAnswer hello(const SessionInfo &Session) override {
    return everyKindWithoutFeatures(Session);
  }

  Answer decide(const SessionInfo &Session,
                const DecisionRequest &R) override {
    const DecisionContext &C = R.Context;
    uint64_t State = mix(Seed ^ mix(static_cast<uint64_t>(R.Kind)));
    // The module's file name, not its path: the same source gives the same
    // choices wherever the checkout is.
    std::string_view Module = C.Module;
    State = mix(State ^ hashBytes(Module.substr(Module.rfind('/') + 1)));
    State = mix(State ^ hashBytes(C.Function));
    State = mix(State ^ hashBytes(C.Pass));
    State = mix(State ^ C.SiteId);
    State = mix(State ^ C.Index);
    size_t NumOptions =
        !R.Legal.empty() ? R.Legal.size() : Session.ActionSpace.size();
    if (NumOptions == 0)
      return Answer::useDefault();
    Answer A;
    if (R.Kind == DecisionKind::PassPipeline) {
      // Option 0 is "stop": end an episode after 16 steps on average.
      A = Answer::choose(State % 16 == 0 || NumOptions < 2
                             ? 0
                             : 1 + static_cast<uint32_t>((State >> 4) %
                                                         (NumOptions - 1)));
      return A;
    }
    A = Answer::choose(static_cast<uint32_t>(State % NumOptions));
    if (A.Chosen.Option < R.Legal.size())
      for (const ParamSpec &P : R.Legal[A.Chosen.Option].Params)
        A.Chosen.Params.push_back(pick(P, State = mix(State)));
    return A;
  }

private:
  static int64_t pick(const ParamSpec &P, uint64_t State) {
    if (P.Max <= P.Min)
      return P.Min;
    if (P.PowerOfTwo) {
      std::vector<int64_t> Powers;
      for (int64_t V = 1; V <= P.Max; V *= 2) {
        if (V >= P.Min)
          Powers.push_back(V);
        if (V > INT64_MAX / 2)
          break;
      }
      return Powers.empty() ? P.Min : Powers[State % Powers.size()];
    }
    // Unsigned arithmetic: the span of [INT64_MIN, INT64_MAX] wraps to 0.
    uint64_t Width =
        static_cast<uint64_t>(P.Max) - static_cast<uint64_t>(P.Min) + 1;
    uint64_t Offset = Width ? State % Width : State;
    return static_cast<int64_t>(static_cast<uint64_t>(P.Min) + Offset);
  }

  uint64_t Seed;
};

/// Glob with '*' and '?', enough for pass and function names.
/// Not fnmatch(3), which reads '[' and '\\' as syntax: rules take them as text.
bool globMatch(std::string_view Pat, std::string_view S) {
  size_t P = 0, I = 0, Star = std::string_view::npos, Mark = 0;
  while (I < S.size()) {
    if (P < Pat.size() && (Pat[P] == '?' || Pat[P] == S[I])) {
      ++P;
      ++I;
    } else if (P < Pat.size() && Pat[P] == '*') {
      Star = P++;
      Mark = I;
    } else if (Star != std::string_view::npos) {
      P = Star + 1;
      I = ++Mark;
    } else {
      return false;
    }
  }
  while (P < Pat.size() && Pat[P] == '*')
    ++P;
  return P == Pat.size();
}

const char *unitKindName(fb::UnitKind K) { return fb::EnumNameUnitKind(K); }

std::vector<std::string> split(const std::string &S, char Sep) {
  std::vector<std::string> Out;
  std::stringstream In(S);
  std::string Item;
  while (std::getline(In, Item, Sep))
    if (!Item.empty())
      Out.push_back(Item);
  return Out;
}

bool parseObservations(const std::string &List, uint32_t &Mask,
                       std::string &Err) {
  static const std::pair<const char *, fb::ObservationMask> Names[] = {
      {"inst-count", fb::ObservationMask::InstCount},
      {"function-counts", fb::ObservationMask::FunctionCounts},
      {"opcode-counts", fb::ObservationMask::OpcodeCounts},
      {"autophase", fb::ObservationMask::Autophase},
      {"ir-hash", fb::ObservationMask::IrHash},
      {"ir-text", fb::ObservationMask::IrText},
      {"bitcode", fb::ObservationMask::Bitcode},
      {"dialect-counts", fb::ObservationMask::DialectCounts},
  };
  for (const std::string &Item : split(List, ',')) {
    bool Found = false;
    for (const auto &N : Names)
      if (Item == N.first) {
        Mask |= static_cast<uint32_t>(N.second);
        Found = true;
      }
    if (!Found) {
      Err = "unknown observation '" + Item + "'";
      return false;
    }
  }
  return true;
}

/// Why a rule's answer cannot be one of its kind's options, or "".
std::string checkSiteAnswer(fb::DecisionKind Kind, const std::string &Option,
                            size_t NumParams, const std::string &Target) {
  const char *KindName = kindName(Kind);
  const SiteOption *Found = nullptr;
  std::string Expected;
  for (const SiteOption &O : siteOptions()) {
    if (O.Kind != Kind)
      continue;
    Expected += (Expected.empty() ? "" : ", ") + std::string(O.Name);
    if (Option == O.Name)
      Found = &O;
  }
  if (!Found) {
    std::string Err = "unknown option '" + Option + "' for " + KindName;
    if (Expected.empty())
      return Err + " (the compiler gives " + KindName +
             " decisions no options: answer default)";
    return Err + " (expected " + Expected + ")";
  }
  if (NumParams != Found->Params.size()) {
    std::string Err = "option '" + Option + "' of " + KindName + " takes ";
    if (Found->Params.empty())
      Err += "no parameters";
    else
      Err += std::to_string(Found->Params.size()) +
             (Found->Params.size() == 1 ? " parameter (" : " parameters (");
    for (size_t I = 0; I < Found->Params.size(); ++I)
      Err += (I ? ", " : "") + std::string(Found->Params[I]);
    return Err + (Found->Params.empty() ? "" : ")") + ", got " +
           std::to_string(NumParams);
  }
  if (!Target.empty())
    return "option '" + Option + "' of " + KindName +
           " cannot take a target (@" + Target +
           "): only pass-pipeline actions can";
  return "";
}

/// A script is a list of first-match rules:
///   <kind> [field=glob ...] => default | <option> [int ...] [@target]
///                              [observe=a,b]
/// and optional subscriptions:
///   subscribe <kind> [passes=a,b] [functions=f,g] [observe=a,b]
///             [no-features]
class ScriptPolicy final : public Agent {
public:
  explicit ScriptPolicy(bool CheckOptions) : CheckOptions(CheckOptions) {}

  bool load(const std::string &Path, std::string &Err) {
    std::ifstream In(Path);
    if (!In) {
      Err = "cannot read script '" + Path + "'";
      return false;
    }
    std::stringstream Text;
    Text << In.rdbuf();
    return loadText(Text.str(), Path, Err);
  }

  /// Reads rules from \p Text; errors name \p Origin and the line.
  bool loadText(const std::string &Text, const std::string &Origin,
                std::string &Err) {
    this->Path = Origin;
    std::istringstream In(Text);
    std::string Line;
    unsigned LineNo = 0;
    while (std::getline(In, Line)) {
      ++LineNo;
      if (size_t Hash = Line.find('#'); Hash != std::string::npos)
        Line.erase(Hash);
      std::vector<std::string> Words = split(Line, ' ');
      if (Words.empty())
        continue;
      std::string Where = Path + ":" + std::to_string(LineNo) + ": ";
      if (!parseLine(Words, LineNo, Err)) {
        Err = Where + Err;
        return false;
      }
    }
    return true;
  }

  HelloAnswer hello(const SessionInfo &Session) override {
    HelloAnswer A;
    // Actions are known only now: a compiler without one the script answers
    // with is refused, rather than told to run something it does not have.
    if (std::string Err = checkActions(Session); !Err.empty()) {
      A.Accept = false;
      A.Reason = Err;
      return A;
    }
    for (fb::DecisionKind K : Session.Offered) {
      bool Explicit = false;
      for (const SubscriptionSpec &S : Subscriptions)
        if (S.Kind == K) {
          A.Subscriptions.push_back(S);
          Explicit = true;
        }
      if (Explicit)
        continue;
      // Without a subscribe line, a kind that some rule names is wanted. If
      // every such rule names its passes exactly or by prefix, only those
      // passes are asked about: the rest stay local, with no round trip.
      bool Named = false, AllPassesNamed = true;
      SubscriptionSpec S;
      S.Kind = K;
      S.NoFeatures = true; // Rules match the context, never a feature.
      for (const Rule &R : Rules) {
        if (R.Kind != K)
          continue;
        Named = true;
        std::string Pass;
        for (const auto &[Key, Pat] : R.Matchers)
          if (Key == "pass")
            Pass = Pat;
        size_t Wild = Pass.find_first_of("*?");
        if (Pass.empty() || (Wild != std::string::npos &&
                             Wild + 1 != Pass.size()) ||
            (Wild != std::string::npos && Pass[Wild] == '?'))
          AllPassesNamed = false;
        else
          S.Passes.push_back(Pass);
      }
      if (!Named)
        continue;
      if (!AllPassesNamed)
        S.Passes.clear();
      A.Subscriptions.push_back(S);
    }
    return A;
  }

  Answer decide(const SessionInfo &Session,
                const DecisionRequest &R) override {
    if (std::optional<Answer> A = firstMatch(Session, R))
      return *A;
    return Answer::useDefault();
  }

  /// The answer of the first rule that matches \p R, if one does.
  std::optional<Answer> firstMatch(const SessionInfo &Session,
                                   const DecisionRequest &R) const {
    for (const Rule &Rl : Rules) {
      if (Rl.Kind != R.Kind || !matches(Rl, R))
        continue;
      if (Rl.UseDefault) {
        Answer A = Answer::useDefault();
        A.Observations = Rl.Observations;
        return A;
      }
      int64_t Option = findOption(Session, R, Rl.Option);
      // An unknown option name goes to the compiler as an out-of-range index
      // on purpose: scripts are how tests exercise the compiler's refusal.
      Answer A = Answer::choose(
          Option >= 0 ? static_cast<uint32_t>(Option) : 0xffffffffu,
          Rl.Params);
      A.Chosen.Target = Rl.Target;
      A.Observations = Rl.Observations;
      return A;
    }
    return std::nullopt;
  }

  bool hasSubscriptions() const { return !Subscriptions.empty(); }

private:
  struct Rule {
    unsigned Line = 0;
    fb::DecisionKind Kind;
    std::vector<std::pair<std::string, std::string>> Matchers;
    bool UseDefault = true;
    std::string Option;
    std::vector<int64_t> Params;
    std::string Target;
    uint32_t Observations = 0;
  };

  bool parseLine(const std::vector<std::string> &Words, unsigned LineNo,
                 std::string &Err) {
    if (Words[0] == "subscribe") {
      SubscriptionSpec S;
      if (Words.size() < 2 || !parseKindName(Words[1], S.Kind)) {
        Err = "'subscribe' needs a decision kind";
        return false;
      }
      for (size_t I = 2; I < Words.size(); ++I) {
        size_t Eq = Words[I].find('=');
        std::string Key = Words[I].substr(0, Eq);
        std::string Value =
            Eq == std::string::npos ? "" : Words[I].substr(Eq + 1);
        if (Key == "no-features")
          S.NoFeatures = true;
        else if (Key == "passes")
          S.Passes = split(Value, ',');
        else if (Key == "functions")
          S.Functions = split(Value, ',');
        else if (Key == "observe") {
          if (!parseObservations(Value, S.Observations, Err))
            return false;
        } else {
          Err = "unknown subscription field '" + Key + "'";
          return false;
        }
      }
      Subscriptions.push_back(S);
      return true;
    }

    Rule R;
    R.Line = LineNo;
    if (!parseKindName(Words[0], R.Kind)) {
      Err = "unknown decision kind '" + Words[0] + "'";
      return false;
    }
    size_t I = 1;
    for (; I < Words.size() && Words[I] != "=>"; ++I) {
      size_t Eq = Words[I].find('=');
      if (Eq == std::string::npos) {
        Err = "expected field=pattern, got '" + Words[I] + "'";
        return false;
      }
      std::string Key = Words[I].substr(0, Eq);
      static const char *Fields[] = {"module", "function", "pass",
                                     "pass-arg", "unit", "unit-kind",
                                     "site", "index"};
      bool Known = false;
      for (const char *F : Fields)
        Known |= Key == F;
      if (!Known) {
        Err = "unknown field '" + Key + "'";
        return false;
      }
      R.Matchers.emplace_back(Key, Words[I].substr(Eq + 1));
    }
    if (I + 1 >= Words.size()) {
      Err = "expected '=> answer'";
      return false;
    }
    bool Chosen = false;
    for (++I; I < Words.size(); ++I) {
      const std::string &W = Words[I];
      if (W.rfind("observe=", 0) == 0) {
        if (!parseObservations(W.substr(8), R.Observations, Err))
          return false;
      } else if (W[0] == '@') {
        R.Target = W.substr(1);
      } else if (!Chosen) {
        Chosen = true;
        if (W != "default") {
          R.UseDefault = false;
          R.Option = W;
        }
      } else {
        char *End = nullptr;
        long long V = std::strtoll(W.c_str(), &End, 0);
        if (*End != '\0') {
          Err = "expected an integer parameter, got '" + W + "'";
          return false;
        }
        R.Params.push_back(V);
      }
    }
    if (R.UseDefault && (!R.Params.empty() || !R.Target.empty())) {
      Err = "'default' takes no parameters or target";
      return false;
    }
    if (R.Kind == fb::DecisionKind::Rewrite && !R.UseDefault &&
        (!R.Params.empty() || !R.Target.empty())) {
      Err = "a rewrite answer is a rule name, with no parameters or target";
      return false;
    }
    // Options the compiler gives per request are checked when asked:
    // pass-pipeline actions, the rules that match at a rewrite site (LLVM) or
    // the patterns that match at an op (MLIR), and the MLIR plugin's tile and
    // tune options (a size per loop of the op, the knob's own options). An
    // answer naming no such option goes to the compiler as an out-of-range
    // index, and the compiler refuses it with a remark.
    if (CheckOptions && !R.UseDefault &&
        R.Kind != fb::DecisionKind::PassPipeline &&
        R.Kind != fb::DecisionKind::Tile && R.Kind != fb::DecisionKind::Tune &&
        R.Kind != fb::DecisionKind::Rewrite) {
      Err = checkSiteAnswer(R.Kind, R.Option, R.Params.size(), R.Target);
      if (!Err.empty())
        return false;
    }
    Rules.push_back(std::move(R));
    return true;
  }

  /// Why \p Session lacks an action some pass-pipeline rule answers with,
  /// naming the rule's FILE:LINE, or "".
  std::string checkActions(const SessionInfo &Session) const {
    if (!CheckOptions ||
        std::find(Session.Offered.begin(), Session.Offered.end(),
                  fb::DecisionKind::PassPipeline) == Session.Offered.end())
      return "";
    for (const Rule &R : Rules) {
      if (R.Kind != fb::DecisionKind::PassPipeline || R.UseDefault ||
          std::find(Session.ActionSpace.begin(), Session.ActionSpace.end(),
                    R.Option) != Session.ActionSpace.end())
        continue;
      return Path + ":" + std::to_string(R.Line) + ": unknown action '" +
             R.Option + "' for pass-pipeline (not in this compiler's " +
             "action space of " + std::to_string(Session.ActionSpace.size()) +
             " actions)";
    }
    return "";
  }

  static bool matches(const Rule &Rl, const DecisionRequest &R) {
    const DecisionContext &C = R.Context;
    for (const auto &[Key, Pat] : Rl.Matchers) {
      std::string Num;
      std::string_view Value;
      if (Key == "module")
        Value = C.Module;
      else if (Key == "function")
        Value = C.Function;
      else if (Key == "pass")
        Value = C.Pass;
      else if (Key == "pass-arg")
        Value = C.PassArg;
      else if (Key == "unit")
        Value = C.UnitName;
      else if (Key == "unit-kind")
        Value = unitKindName(C.Unit);
      else if (Key == "site")
        Value = Num = std::to_string(C.SiteId);
      else if (Key == "index")
        Value = Num = std::to_string(C.Index);
      if (!globMatch(Pat, Value))
        return false;
    }
    return true;
  }

  bool CheckOptions;
  std::string Path;
  std::vector<SubscriptionSpec> Subscriptions;
  std::vector<Rule> Rules;
};

} // namespace

const std::vector<SiteOption> &siteOptions() {
  // In the order of the compiler's legalAnswers() in hooks/PassGateHook.cpp,
  // InlineHook.cpp, LoopUnrollHook.cpp, LoopVectorizeHook.cpp,
  // LoopDistributeHook.cpp, LicmHook.cpp and LoopUnswitchHook.cpp.
  // test/lit/agent/site-options.test
  // answers each to the plugin and compares each kind's count with the
  // compiler's, to catch the two drifting apart.
  static const std::vector<SiteOption> Options = {
      {fb::DecisionKind::PassGate, "run", {}},
      {fb::DecisionKind::PassGate, "skip", {}},
      {fb::DecisionKind::Inline, "no", {}},
      {fb::DecisionKind::Inline, "yes", {}},
      {fb::DecisionKind::LoopUnroll, "auto", {}},
      {fb::DecisionKind::LoopUnroll, "none", {}},
      {fb::DecisionKind::LoopUnroll, "full", {}},
      {fb::DecisionKind::LoopUnroll, "partial", {"count"}},
      {fb::DecisionKind::LoopUnroll, "runtime", {"count"}},
      {fb::DecisionKind::LoopVectorize, "auto", {}},
      {fb::DecisionKind::LoopVectorize, "disable", {}},
      {fb::DecisionKind::LoopVectorize, "vectorize", {"width", "interleave"}},
      {fb::DecisionKind::LoopDistribute, "auto", {}},
      {fb::DecisionKind::LoopDistribute, "distribute", {}},
      {fb::DecisionKind::LoopDistribute, "never", {}},
      {fb::DecisionKind::Licm, "allow", {}},
      {fb::DecisionKind::Licm, "disable", {}},
      {fb::DecisionKind::LoopUnswitch, "auto", {}},
      {fb::DecisionKind::LoopUnswitch, "nontrivial", {}},
  };
  return Options;
}

struct RuleSet::Impl {
  ScriptPolicy Script{/*CheckOptions=*/true};
};

RuleSet::RuleSet() : I(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;

std::unique_ptr<RuleSet> RuleSet::parse(const std::string &Text,
                                        const std::string &Origin,
                                        std::string &Err) {
  std::unique_ptr<RuleSet> R(new RuleSet());
  if (!R->I->Script.loadText(Text, Origin, Err))
    return nullptr;
  if (R->I->Script.hasSubscriptions()) {
    Err = Origin + ": pushed-down rules take no 'subscribe' lines";
    return nullptr;
  }
  return R;
}

std::optional<Answer> RuleSet::answer(const SessionInfo &Session,
                                      const DecisionRequest &Request) const {
  return I->Script.firstMatch(Session, Request);
}

std::unique_ptr<Agent> makePolicy(const std::string &Spec, uint64_t Seed,
                                  std::string &Err) {
  PolicyOptions Options;
  Options.Seed = Seed;
  return makePolicy(Spec, Options, Err);
}

std::unique_ptr<Agent> makePolicy(const std::string &Spec,
                                  const PolicyOptions &Options,
                                  std::string &Err) {
  if (Spec == "default")
    return std::make_unique<DefaultPolicy>();
  if (Spec == "random")
    return std::make_unique<RandomPolicy>(Options.Seed);
  if (Spec.rfind("script:", 0) == 0) {
    auto P = std::make_unique<ScriptPolicy>(Options.CheckOptions);
    if (!P->load(Spec.substr(7), Err))
      return nullptr;
    return P;
  }
  Err = "unknown policy '" + Spec + "' (expected default, random or "
        "script:FILE)";
  return nullptr;
}

} // namespace switchyard
