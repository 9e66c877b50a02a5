//===- PoliciesTest.cpp - Tests for the built-in agent policies -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Policies are driven directly with built requests; one script test also goes
// through the server to show its subscriptions reach the wire.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <limits>
#include <set>

namespace switchyard::test {
namespace {

std::unique_ptr<Agent> policy(const std::string &Spec, uint64_t Seed = 0) {
  std::string Err;
  std::unique_ptr<Agent> P = makePolicy(Spec, Seed, Err);
  EXPECT_NE(P, nullptr) << Spec << ": " << Err;
  return P;
}

std::unique_ptr<Agent> script(const TempDir &Dir, const std::string &Text) {
  return policy("script:" + Dir.write("policy.txt", Text));
}

/// A script whose option names are not checked, as --unchecked-options.
std::unique_ptr<Agent> uncheckedScript(const TempDir &Dir,
                                       const std::string &Text) {
  PolicyOptions Options;
  Options.CheckOptions = false;
  std::string Err;
  std::unique_ptr<Agent> P =
      makePolicy("script:" + Dir.write("policy.txt", Text), Options, Err);
  EXPECT_NE(P, nullptr) << Err;
  return P;
}

/// The error makePolicy gives for a script with \p Text.
std::string scriptError(const TempDir &Dir, const std::string &Text,
                        std::string *PathOut = nullptr) {
  std::string Path = Dir.write("bad.txt", Text);
  if (PathOut)
    *PathOut = Path;
  std::string Err;
  EXPECT_EQ(makePolicy("script:" + Path, 0, Err), nullptr) << Text;
  return Err;
}

SessionInfo session(std::vector<fb::DecisionKind> Offered = {}) {
  SessionInfo S;
  S.Id = 1;
  S.Module = "m.c";
  S.Offered = std::move(Offered);
  return S;
}

RequestDesc inlineAt(const std::string &Pass, const std::string &Function) {
  RequestDesc R;
  R.Kind = fb::DecisionKind::Inline;
  R.Pass = Pass;
  R.Function = Function;
  R.Legal = {{"no", {}}, {"yes", {}}};
  return R;
}

std::vector<OptionDesc> unrollOptions() {
  return {{"none", {}},
          {"full", {}},
          {"partial", {{"count", 2, 9}}},
          {"pow", {{"factor", 3, 100, true}, {"fixed", -5, -5}}},
          {"inverted", {{"h", 10, 3}}},
          {"signed-pow", {{"s", -4, 4, true}}}};
}

bool isPowerOfTwo(int64_t V) { return V > 0 && (V & (V - 1)) == 0; }

//===----------------------------------------------------------------------===//
// default and random
//===----------------------------------------------------------------------===//

TEST(Policies, UnknownSpecIsAnError) {
  std::string Err;
  EXPECT_EQ(makePolicy("smart", 0, Err), nullptr);
  EXPECT_NE(Err.find("unknown policy 'smart'"), std::string::npos) << Err;
}

TEST(Policies, DefaultAnswersDefaultAndSubscribesToAllOffered) {
  auto P = policy("default");
  ASSERT_NE(P, nullptr);
  SessionInfo S = session({fb::DecisionKind::PassGate,
                           fb::DecisionKind::LoopUnroll});
  HelloAnswer H = P->hello(S);
  EXPECT_TRUE(H.Accept);
  ASSERT_EQ(H.Subscriptions.size(), 2u);
  EXPECT_EQ(H.Subscriptions[0].Kind, fb::DecisionKind::PassGate);
  EXPECT_EQ(H.Subscriptions[1].Kind, fb::DecisionKind::LoopUnroll);
  Request R(inlineAt("InlinerPass", "main"));
  EXPECT_TRUE(P->decide(S, R.get()).UseDefault);
}

TEST(Policies, RandomIsReproducibleForSameSeed) {
  auto First = policy("random", 1234);
  auto Second = policy("random", 1234);
  ASSERT_TRUE(First && Second);
  SessionInfo S = session();
  for (uint64_t Site = 0; Site < 100; ++Site) {
    RequestDesc D;
    D.Kind = fb::DecisionKind::LoopUnroll;
    D.Site = Site;
    D.Legal = unrollOptions();
    Request R(D);
    Answer A = First->decide(S, R.get());
    Answer B = Second->decide(S, R.get());
    Answer Again = First->decide(S, R.get());
    // The id is per connection, not per decision point: it must not matter.
    D.Id = 1000 + Site;
    Request Renumbered(D);
    Answer C = Second->decide(S, Renumbered.get());
    ASSERT_FALSE(A.UseDefault);
    for (const Answer *Other : {&B, &Again, &C}) {
      EXPECT_EQ(A.Chosen.Option, Other->Chosen.Option) << "site " << Site;
      EXPECT_EQ(A.Chosen.Params, Other->Chosen.Params) << "site " << Site;
    }
  }
}

TEST(Policies, RandomDiffersAcrossSeeds) {
  auto One = policy("random", 1);
  auto Two = policy("random", 2);
  ASSERT_TRUE(One && Two);
  SessionInfo S = session();
  int Differ = 0;
  const int Requests = 200;
  for (uint64_t Site = 0; Site < Requests; ++Site) {
    RequestDesc D;
    D.Kind = fb::DecisionKind::LoopUnroll;
    D.Site = Site;
    D.Legal = unrollOptions();
    Request R(D);
    Answer A = One->decide(S, R.get());
    Answer B = Two->decide(S, R.get());
    Differ += A.Chosen.Option != B.Chosen.Option || A.Chosen.Params != B.Chosen.Params;
  }
  EXPECT_GT(Differ, Requests / 2);
}

TEST(Policies, RandomRespectsParamRanges) {
  auto P = policy("random", 7);
  ASSERT_NE(P, nullptr);
  SessionInfo S = session();
  std::vector<OptionDesc> Options = unrollOptions();
  std::set<uint32_t> Chosen;
  std::set<int64_t> Counts, Factors, Signed;
  for (uint64_t Site = 0; Site < 2000; ++Site) {
    RequestDesc D;
    D.Kind = fb::DecisionKind::LoopUnroll;
    D.Function = "f" + std::to_string(Site % 7);
    D.Site = Site;
    D.Legal = Options;
    Request R(D);
    Answer A = P->decide(S, R.get());
    ASSERT_FALSE(A.UseDefault);
    ASSERT_LT(A.Chosen.Option, Options.size());
    Chosen.insert(A.Chosen.Option);
    const OptionDesc &O = Options[A.Chosen.Option];
    ASSERT_EQ(A.Chosen.Params.size(), O.Params.size()) << O.Name;
    for (size_t I = 0; I < O.Params.size(); ++I) {
      const ParamDesc &Spec = O.Params[I];
      int64_t V = A.Chosen.Params[I];
      if (Spec.Max < Spec.Min) {
        EXPECT_EQ(V, Spec.Min) << Spec.Name;
        continue;
      }
      EXPECT_GE(V, Spec.Min) << Spec.Name;
      EXPECT_LE(V, Spec.Max) << Spec.Name;
      if (Spec.PowerOfTwo)
        EXPECT_TRUE(isPowerOfTwo(V)) << Spec.Name << " = " << V;
    }
    if (O.Name == "partial")
      Counts.insert(A.Chosen.Params[0]);
    if (O.Name == "pow")
      Factors.insert(A.Chosen.Params[0]);
    if (O.Name == "signed-pow")
      Signed.insert(A.Chosen.Params[0]);
  }
  EXPECT_EQ(Chosen.size(), Options.size()) << "some option is never chosen";
  EXPECT_EQ(Counts, (std::set<int64_t>{2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(Factors, (std::set<int64_t>{4, 8, 16, 32, 64}));
  EXPECT_EQ(Signed, (std::set<int64_t>{1, 2, 4}));
}

TEST(Policies, RandomPicksFromActionSpaceWithoutLegalList) {
  auto P = policy("random", 3);
  ASSERT_NE(P, nullptr);
  SessionInfo S = session();
  S.ActionSpace = {"instcombine", "gvn", "licm"};
  std::set<uint32_t> Chosen;
  for (uint32_t Index = 0; Index < 100; ++Index) {
    RequestDesc D;
    D.Kind = fb::DecisionKind::PassPipeline;
    D.Index = Index;
    Request R(D);
    Answer A = P->decide(S, R.get());
    ASSERT_FALSE(A.UseDefault);
    ASSERT_LT(A.Chosen.Option, S.ActionSpace.size());
    EXPECT_TRUE(A.Chosen.Params.empty());
    Chosen.insert(A.Chosen.Option);
  }
  EXPECT_EQ(Chosen.size(), 3u);

  // Nothing to choose from: the compiler's default.
  SessionInfo Empty = session();
  RequestDesc D;
  D.Kind = fb::DecisionKind::PassPipeline;
  D.HasContext = false;
  Request R(D);
  EXPECT_TRUE(P->decide(Empty, R.get()).UseDefault);
}

/// Exits 0 if the random policy answers full-range parameters sanely.
[[noreturn]] void decideFullRangeParams() {
  auto P = policy("random", 11);
  SessionInfo S = session();
  RequestDesc D;
  D.Kind = fb::DecisionKind::LoopUnroll;
  const int64_t Lo = std::numeric_limits<int64_t>::min();
  const int64_t Hi = std::numeric_limits<int64_t>::max();
  D.Legal = {{"any", {{"v", Lo, Hi}, {"p", 1, Hi, true}}}};
  bool Ok = true;
  for (uint64_t Site = 0; Site < 64; ++Site) {
    D.Site = Site;
    Request R(D);
    Answer A = P->decide(S, R.get());
    Ok &= !A.UseDefault && A.Chosen.Params.size() == 2 && isPowerOfTwo(A.Chosen.Params[1]);
  }
  std::_Exit(Ok ? 0 : 1);
}

TEST(Policies, RandomSurvivesFullRangeParams) {
  // A verified request is all it takes; the agent must not crash on it.
  EXPECT_EXIT(decideFullRangeParams(), ::testing::ExitedWithCode(0), "");
}

//===----------------------------------------------------------------------===//
// script:FILE
//===----------------------------------------------------------------------===//

const char *const RulesScript = R"(# Rules are tried in order.
inline pass=Always* function=foo => no
inline function=f?o => yes   # a comment after a rule
inline function=*_cold => default
inline pass=*Inliner* function=bar* => yes

loop-unroll function=* => partial 4 observe=inst-count,ir-hash
pass-pipeline => run 1 2 @main
inline module=lib*.c unit-kind=CallSite site=42 index=3 => no
)";

Answer decideAt(Agent &P, const std::string &Pass, const std::string &Fn) {
  Request R(inlineAt(Pass, Fn));
  return P.decide(session(), R.get());
}

TEST(Script, FirstMatchingRuleWins) {
  TempDir Dir;
  auto P = script(Dir, RulesScript);
  ASSERT_NE(P, nullptr);
  // Rules 1 and 2 both match; the first decides.
  Answer A = decideAt(*P, "AlwaysInlinerPass", "foo");
  ASSERT_FALSE(A.UseDefault);
  EXPECT_EQ(A.Chosen.Option, 0u);
  A = decideAt(*P, "InlinerPass", "foo");
  ASSERT_FALSE(A.UseDefault);
  EXPECT_EQ(A.Chosen.Option, 1u);
  // A "default" rule stops the search even though rule 4 would match.
  A = decideAt(*P, "InlinerPass", "bar_cold");
  EXPECT_TRUE(A.UseDefault);
  // No rule at all.
  EXPECT_TRUE(decideAt(*P, "InlinerPass", "zed").UseDefault);
  RequestDesc Gate;
  Gate.Kind = fb::DecisionKind::PassGate;
  Request R(Gate);
  EXPECT_TRUE(P->decide(session(), R.get()).UseDefault);
}

TEST(Script, GlobsOnPassAndFunction) {
  TempDir Dir;
  auto P = script(Dir, RulesScript);
  ASSERT_NE(P, nullptr);
  // '?' is exactly one character.
  EXPECT_FALSE(decideAt(*P, "X", "fao").UseDefault);
  EXPECT_TRUE(decideAt(*P, "X", "fo").UseDefault);
  EXPECT_TRUE(decideAt(*P, "X", "fooo").UseDefault);
  // '*' in the middle, at either end, and matching nothing.
  EXPECT_FALSE(decideAt(*P, "ModuleInlinerWrapperPass", "barbaz").UseDefault);
  EXPECT_FALSE(decideAt(*P, "Inliner", "bar").UseDefault);
  EXPECT_TRUE(decideAt(*P, "InlinePass", "bar").UseDefault);
  EXPECT_TRUE(decideAt(*P, "InlinerPass", "xbar").UseDefault);
  // Patterns match the whole name, not a prefix.
  EXPECT_EQ(decideAt(*P, "AlwaysInlinerPass", "food").UseDefault, true);
}

TEST(Script, MatchesOtherContextFields) {
  TempDir Dir;
  auto P = script(Dir, RulesScript);
  ASSERT_NE(P, nullptr);
  RequestDesc D = inlineAt("P", "zed");
  D.Module = "libfoo.c";
  D.Unit = fb::UnitKind::CallSite;
  D.Site = 42;
  D.Index = 3;
  {
    Request R(D);
    Answer A = P->decide(session(), R.get());
    ASSERT_FALSE(A.UseDefault);
    EXPECT_EQ(A.Chosen.Option, 0u);
  }
  for (int Change = 0; Change < 4; ++Change) {
    RequestDesc Other = D;
    if (Change == 0)
      Other.Module = "main.c";
    if (Change == 1)
      Other.Unit = fb::UnitKind::Function;
    if (Change == 2)
      Other.Site = 420;
    if (Change == 3)
      Other.Index = 33;
    Request R(Other);
    EXPECT_TRUE(P->decide(session(), R.get()).UseDefault) << Change;
  }
  // Without a context, no field matcher can match.
  D.HasContext = false;
  Request R(D);
  EXPECT_TRUE(P->decide(session(), R.get()).UseDefault);
}

TEST(Script, OptionWithParamsTargetAndObservations) {
  TempDir Dir;
  auto P = script(Dir, RulesScript);
  ASSERT_NE(P, nullptr);
  RequestDesc Unroll;
  Unroll.Kind = fb::DecisionKind::LoopUnroll;
  Unroll.Legal = {{"none", {}}, {"full", {}}, {"partial", {{"count", 1, 8}}}};
  Request R(Unroll);
  Answer A = P->decide(session(), R.get());
  ASSERT_FALSE(A.UseDefault);
  EXPECT_EQ(A.Chosen.Option, 2u);
  EXPECT_EQ(A.Chosen.Params, std::vector<int64_t>{4});
  EXPECT_EQ(A.Chosen.Target, "");
  EXPECT_EQ(A.Observations,
            static_cast<uint32_t>(fb::ObservationMask::InstCount |
                                  fb::ObservationMask::IrHash));

  // Pipeline options are named by the session's action space.
  SessionInfo S = session();
  S.ActionSpace = {"noop", "run"};
  RequestDesc Pipe;
  Pipe.Kind = fb::DecisionKind::PassPipeline;
  Request PR(Pipe);
  A = P->decide(S, PR.get());
  ASSERT_FALSE(A.UseDefault);
  EXPECT_EQ(A.Chosen.Option, 1u);
  EXPECT_EQ(A.Chosen.Params, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(A.Chosen.Target, "main");
}

TEST(Script, UncheckedUnknownOptionNameGoesOutOfRange) {
  TempDir Dir;
  auto P = uncheckedScript(Dir, "licm => nosuch\n"
                                "pass-pipeline => no-such-action\n");
  ASSERT_NE(P, nullptr);
  SessionInfo Pipeline = session({fb::DecisionKind::PassPipeline});
  Pipeline.ActionSpace = {"stop", "sroa"};
  EXPECT_TRUE(P->hello(Pipeline).Accept);
  RequestDesc Licm;
  Licm.Kind = fb::DecisionKind::Licm;
  Licm.Legal = {{"hoist", {}}, {"keep", {}}};
  Request R(Licm);
  Answer A = P->decide(session(), R.get());
  ASSERT_FALSE(A.UseDefault);
  EXPECT_EQ(A.Chosen.Option, 0xffffffffu);
}

TEST(Script, UnknownKindIsAnErrorWithFileAndLine) {
  TempDir Dir;
  std::string Path;
  std::string Err = scriptError(Dir,
                                "inline => yes\n"
                                "# fine so far\n"
                                "inlining function=x => yes\n",
                                &Path);
  EXPECT_EQ(Err.rfind(Path + ":3: ", 0), 0u) << Err;
  EXPECT_NE(Err.find("unknown decision kind 'inlining'"), std::string::npos)
      << Err;
}

TEST(Script, SyntaxErrorsNameTheLine) {
  TempDir Dir;
  const std::pair<const char *, const char *> Cases[] = {
      {"inline color=red => yes", "unknown field 'color'"},
      {"inline function=x", "expected '=> answer'"},
      {"inline function=x =>", "expected '=> answer'"},
      {"inline function => yes", "expected field=pattern"},
      {"inline => partial four", "expected an integer parameter"},
      {"inline => yes observe=telepathy", "unknown observation 'telepathy'"},
      {"subscribe", "'subscribe' needs a decision kind"},
      {"subscribe inlining", "'subscribe' needs a decision kind"},
      {"subscribe inline colour=1", "unknown subscription field 'colour'"},
  };
  for (const auto &[Line, Message] : Cases) {
    std::string Path;
    std::string Err =
        scriptError(Dir, std::string("inline => yes\n") + Line + "\n", &Path);
    EXPECT_EQ(Err.rfind(Path + ":2: ", 0), 0u) << Line << " -> " << Err;
    EXPECT_NE(Err.find(Message), std::string::npos) << Line << " -> " << Err;
  }
}

TEST(Script, OptionMissingFromTheRequestGoesOutOfRange) {
  // 'yes' is an inline option, but a call that cannot be inlined offers only
  // 'no': the compiler refuses the answer, with its reason.
  TempDir Dir;
  auto P = script(Dir, "inline => yes\n");
  ASSERT_NE(P, nullptr);
  RequestDesc D = inlineAt("InlinerPass", "rec");
  D.Legal = {{"no", {}}};
  Request R(D);
  Answer A = P->decide(session(), R.get());
  ASSERT_FALSE(A.UseDefault);
  EXPECT_EQ(A.Chosen.Option, 0xffffffffu);
}

TEST(Script, UnknownOptionIsAnErrorWithFileAndLine) {
  TempDir Dir;
  std::string Path;
  std::string Err = scriptError(Dir,
                                "pass-gate pass=SROAPass => skip\n"
                                "pass-gate => skipp\n",
                                &Path);
  EXPECT_EQ(Err, Path + ":2: unknown option 'skipp' for pass-gate (expected "
                        "run, skip)");
}

TEST(Script, AnswersAreCheckedAgainstTheirKindsOptions) {
  TempDir Dir;
  const std::pair<const char *, const char *> Cases[] = {
      {"inline => maybe", "unknown option 'maybe' for inline (expected no, "
                          "yes)"},
      {"loop-unroll function=f => unroll 4",
       "unknown option 'unroll' for loop-unroll (expected auto, none, full, "
       "partial, runtime)"},
      {"loop-vectorize => enable", "unknown option 'enable' for "
                                   "loop-vectorize (expected auto, disable, "
                                   "vectorize)"},
      {"loop-distribute => split", "unknown option 'split' for "
                                   "loop-distribute (expected auto, "
                                   "distribute, never)"},
      {"licm => hoist", "unknown option 'hoist' for licm (expected allow, "
                        "disable)"},
      // Rule names are checked at each site (its options are the rules that
      // match there), but a rewrite answer never takes parameters.
      {"rewrite => fold 3", "a rewrite answer is a rule name, with no "
                            "parameters or target"},
      {"loop-unroll => partial", "option 'partial' of loop-unroll takes 1 "
                                 "parameter (count), got 0"},
      {"loop-unroll => runtime 2 4", "option 'runtime' of loop-unroll takes "
                                     "1 parameter (count), got 2"},
      {"loop-vectorize => vectorize 4", "option 'vectorize' of "
                                        "loop-vectorize takes 2 parameters "
                                        "(width, interleave), got 1"},
      {"pass-gate => skip 1", "option 'skip' of pass-gate takes no "
                              "parameters, got 1"},
      {"inline => yes @main", "option 'yes' of inline cannot take a target "
                              "(@main): only pass-pipeline actions can"},
      {"inline => default 1", "'default' takes no parameters or target"},
      {"inline => default @main", "'default' takes no parameters or target"},
  };
  for (const auto &[Line, Message] : Cases) {
    std::string Path;
    std::string Err =
        scriptError(Dir, std::string("inline => yes\n") + Line + "\n", &Path);
    EXPECT_EQ(Err, Path + ":2: " + Message) << Line;
  }
}

TEST(Script, OptionsTheCompilerGivesPerRequestLoadUnchecked) {
  // The MLIR plugin's tile parameters (one size per loop of the op), tune
  // options (the knob's own) and rewrite options (the patterns that match
  // the op) are only known when asked: a script names them freely.
  TempDir Dir;
  EXPECT_NE(script(Dir, "tile unit=linalg.matmul:0 => tile 8 16 4 0 0 0\n"
                        "tune unit=tile_i => 16\n"
                        "rewrite function=foo => AddIAddConstant\n"
                        "rewrite => none\n"),
            nullptr);
}

TEST(Script, EverySiteOptionLoadsWithItsParameters) {
  TempDir Dir;
  std::string Text;
  for (const SiteOption &O : siteOptions()) {
    Text += std::string(kindName(O.Kind)) + " => " + O.Name;
    for (size_t I = 0; I < O.Params.size(); ++I)
      Text += " 1";
    Text += " observe=inst-count\n";
  }
  EXPECT_NE(script(Dir, Text), nullptr);
}

TEST(Script, SiteOptionsCoverEveryKindTheCompilerAsksAbout) {
  // The kinds with legal answers of their own (hooks/*Hook.cpp); a new one
  // needs its options in siteOptions() and in this list.
  const std::set<fb::DecisionKind> Expected = {
      fb::DecisionKind::PassGate,       fb::DecisionKind::Inline,
      fb::DecisionKind::LoopUnroll,     fb::DecisionKind::LoopVectorize,
      fb::DecisionKind::LoopDistribute, fb::DecisionKind::Licm,
      fb::DecisionKind::LoopUnswitch};
  std::set<fb::DecisionKind> Kinds;
  std::set<std::pair<fb::DecisionKind, std::string>> Names;
  for (const SiteOption &O : siteOptions()) {
    Kinds.insert(O.Kind);
    EXPECT_TRUE(Names.insert({O.Kind, O.Name}).second)
        << kindName(O.Kind) << " " << O.Name << " is listed twice";
  }
  EXPECT_EQ(Kinds, Expected);
}

TEST(Script, PipelineActionsAreCheckedWhenACompilerSaysHello) {
  TempDir Dir;
  std::string Path =
      Dir.write("pipeline.txt", "pass-pipeline index=0 => sroa @main\n"
                                "pass-pipeline index=1 => default\n"
                                "# the action space is only known at Hello\n"
                                "pass-pipeline index=2 => no-such-pass\n"
                                "pass-pipeline => stop\n");
  auto P = policy("script:" + Path);
  ASSERT_NE(P, nullptr);
  SessionInfo S =
      session({fb::DecisionKind::PassGate, fb::DecisionKind::PassPipeline});
  S.ActionSpace = {"stop", "gvn", "sroa"};
  HelloAnswer H = P->hello(S);
  EXPECT_FALSE(H.Accept);
  EXPECT_EQ(H.Reason, Path + ":4: unknown action 'no-such-pass' for "
                             "pass-pipeline (not in this compiler's action "
                             "space of 3 actions)");

  S.ActionSpace.push_back("no-such-pass");
  H = P->hello(S);
  EXPECT_TRUE(H.Accept) << H.Reason;
  ASSERT_EQ(H.Subscriptions.size(), 1u);
  EXPECT_EQ(H.Subscriptions[0].Kind, fb::DecisionKind::PassPipeline);

  // A compiler that offers no pipeline is not asked about actions.
  H = P->hello(session({fb::DecisionKind::PassGate}));
  EXPECT_TRUE(H.Accept) << H.Reason;
  EXPECT_TRUE(H.Subscriptions.empty());
}

TEST(Script, RefusedPipelineScriptIsLoggedByTheServer) {
  TempDir Dir;
  std::string Path = Dir.write("pipeline.txt", "pass-pipeline => licm\n");
  auto P = policy("script:" + Path);
  ASSERT_NE(P, nullptr);
  ServerOptions O;
  O.SocketPath = Dir.file("agent.sock");
  std::mutex Mutex;
  std::vector<std::string> Lines;
  O.Log = [&](const std::string &Line) {
    std::lock_guard<std::mutex> Lock(Mutex);
    Lines.push_back(Line);
  };
  ServerThread S(*P, O);
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, O.SocketPath));
  HelloDesc Hello;
  Hello.Offered = {fb::DecisionKind::PassPipeline};
  Hello.ActionSpace = {"stop", "sroa"};
  HelloResult H = sayHello(C, Hello);
  ASSERT_TRUE(H.Err.empty()) << H.Err;
  EXPECT_FALSE(H.Accept);
  std::string Reason = Path + ":1: unknown action 'licm' for pass-pipeline "
                              "(not in this compiler's action space of 2 "
                              "actions)";
  EXPECT_EQ(H.Reason, Reason);
  C.close();
  ASSERT_TRUE(S.waitFor([](const ServerStats &St) { return St.Open == 0; }));
  S.stop();
  std::lock_guard<std::mutex> Lock(Mutex);
  ASSERT_EQ(Lines.size(), 1u);
  EXPECT_NE(Lines[0].find("handshake refused: " + Reason), std::string::npos)
      << Lines[0];
}

TEST(Script, MissingFileIsAnError) {
  TempDir Dir;
  std::string Err;
  EXPECT_EQ(makePolicy("script:" + Dir.file("absent.txt"), 0, Err), nullptr);
  EXPECT_NE(Err.find("cannot read script"), std::string::npos) << Err;
}

TEST(Script, SubscribeLinesBecomeSubscriptions) {
  TempDir Dir;
  auto P = script(Dir, "subscribe inline passes=InlinerPass,Always* "
                       "functions=main,helper observe=inst-count,ir-hash\n"
                       "subscribe inline passes=Other\n"
                       "subscribe loop-unroll\n"
                       "subscribe licm      # not offered below\n"
                       "pass-gate => default\n"
                       "rewrite => default  # not offered either\n");
  ASSERT_NE(P, nullptr);
  HelloAnswer H = P->hello(session(
      {fb::DecisionKind::PassGate, fb::DecisionKind::Inline,
       fb::DecisionKind::LoopUnroll, fb::DecisionKind::LoopVectorize}));
  EXPECT_TRUE(H.Accept);
  ASSERT_EQ(H.Subscriptions.size(), 4u);
  // A rule alone subscribes its kind, with no filters.
  EXPECT_EQ(H.Subscriptions[0].Kind, fb::DecisionKind::PassGate);
  EXPECT_TRUE(H.Subscriptions[0].Passes.empty());
  const SubscriptionSpec &Inline = H.Subscriptions[1];
  EXPECT_EQ(Inline.Kind, fb::DecisionKind::Inline);
  EXPECT_EQ(Inline.Passes,
            (std::vector<std::string>{"InlinerPass", "Always*"}));
  EXPECT_EQ(Inline.Functions, (std::vector<std::string>{"main", "helper"}));
  EXPECT_EQ(Inline.Observations,
            static_cast<uint32_t>(fb::ObservationMask::InstCount |
                                  fb::ObservationMask::IrHash));
  EXPECT_EQ(H.Subscriptions[2].Kind, fb::DecisionKind::Inline);
  EXPECT_EQ(H.Subscriptions[2].Passes, std::vector<std::string>{"Other"});
  EXPECT_EQ(H.Subscriptions[3].Kind, fb::DecisionKind::LoopUnroll);
  EXPECT_TRUE(H.Subscriptions[3].Functions.empty());
}

TEST(Script, SubscriptionsReachTheCompiler) {
  TempDir Dir;
  auto P = script(Dir, "subscribe inline functions=hot* observe=ir-text\n"
                       "inline function=hot1 => yes\n");
  ASSERT_NE(P, nullptr);
  ServerOptions O;
  O.SocketPath = Dir.file("agent.sock");
  ServerThread S(*P, O);
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, O.SocketPath));
  HelloDesc Hello;
  Hello.Offered = {fb::DecisionKind::Inline, fb::DecisionKind::PassGate};
  HelloResult H = sayHello(C, Hello);
  ASSERT_TRUE(H.Err.empty()) << H.Err;
  ASSERT_EQ(H.Subscriptions.size(), 1u);
  EXPECT_EQ(H.Subscriptions[0].Kind, fb::DecisionKind::Inline);
  EXPECT_EQ(H.Subscriptions[0].Functions, std::vector<std::string>{"hot*"});
  EXPECT_EQ(H.Subscriptions[0].Observations,
            static_cast<uint32_t>(fb::ObservationMask::IrText));
  RequestDesc D = inlineAt("InlinerPass", "hot1");
  D.Id = 77;
  ReplyResult R = ask(C, D);
  ASSERT_TRUE(R.Err.empty()) << R.Err;
  EXPECT_EQ(R.Id, 77u);
  EXPECT_FALSE(R.UseDefault);
  EXPECT_EQ(R.Option, 1u);
  C.close();
  S.stop();
}

} // namespace
} // namespace switchyard::test
