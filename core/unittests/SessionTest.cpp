//===- SessionTest.cpp - The decision core with a fake host ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The way LLVM unit-tests an analysis on a tiny module: a fake host records
// what the core tells its compiler, and a scripted provider plays the
// agent, good or bad.
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/Session.h"

#include "gtest/gtest.h"

#include <deque>

using namespace switchyard;

namespace {

struct Log {
  std::vector<std::string> Warnings, Errors, Remarks;
  unsigned Counted = 0, Changed = 0;
};

class FakeHost : public Host {
public:
  FakeHost(Log &L, uint64_t Size = 100) : L(L), Size(Size) {}
  ModuleInfo describeUnit() const override {
    ModuleInfo I;
    I.Compiler = "fake";
    I.ModuleName = "unit.ll";
    return I;
  }
  uint64_t unitSize() const override { return Size; }
  void warning(std::string_view Msg) override {
    L.Warnings.emplace_back(Msg);
  }
  void error(std::string_view Msg) override { L.Errors.emplace_back(Msg); }
  void remark(RemarkKind K, std::string_view Name, SiteHandle,
              std::string_view Msg) override {
    L.Remarks.push_back((K == RemarkKind::Applied ? "+" : "-") +
                        std::string(Name) + ": " + std::string(Msg));
  }
  void counted(DecisionSource, bool Changed) override {
    ++L.Counted;
    L.Changed += Changed;
  }

private:
  Log &L;
  uint64_t Size;
};

/// Plays the agent from a script: one subscription list (or a failure) for
/// the handshake, then one reply (or a failure) per decision.
struct Script {
  std::optional<std::string> OpenFailure;
  std::vector<Subscription> Subs;
  std::deque<Expected<Reply>> Replies;
  unsigned Opened = 0, Asked = 0, Closed = 0;
  std::vector<DecisionKind> Offered;
  std::vector<std::pair<DecisionKind, std::vector<std::string>>> Features;
  std::vector<ModuleReport> Reports;
};

class ScriptedProvider : public DecisionProvider {
public:
  explicit ScriptedProvider(Script &S) : S(S) {}

protected:
  Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) override {
    ++S.Opened;
    S.Offered = Info.Offered;
    for (const FeatureSchema &F : Info.Features)
      S.Features.emplace_back(
          F.Kind, std::vector<std::string>(F.Names.begin(), F.Names.end()));
    if (S.OpenFailure)
      return failure(*S.OpenFailure);
    return S.Subs;
  }
  Expected<Reply> decideImpl(const DecisionRequest &) override {
    ++S.Asked;
    if (S.Replies.empty())
      return failure("script ran out of replies");
    Expected<Reply> R = std::move(S.Replies.front());
    S.Replies.pop_front();
    return R;
  }
  void closeImpl(const ModuleReport &R) override {
    ++S.Closed;
    S.Reports.push_back(R);
  }

private:
  Script &S;
};

const OptionSpec GateAnswers[] = {{"run", {}}, {"skip", {}}};
const std::string_view GateFeatures[] = {"unit_inst_count", "occurrence"};
const OptionSpec UnrollAnswers[] = {
    {"auto", {}}, {"partial", {{"count", 2, 8, false}}}};

Reply choose(uint32_t Option, std::vector<int64_t> Params = {}) {
  Reply R;
  R.UseDefault = false;
  R.Chosen.Option = Option;
  R.Chosen.Params = std::move(Params);
  return R;
}

DecisionRequest gateRequest() {
  DecisionRequest R;
  R.Kind = DecisionKind::PassGate;
  R.Legal = GateAnswers;
  return R;
}

struct SessionFixture : ::testing::Test {
  Log L;
  Script S;
  int Site = 0;

  std::unique_ptr<Session>
  makeSession(FailurePolicy P = FailurePolicy::UseDefault) {
    S.Subs = {{DecisionKind::PassGate, {}, {}, 0, false},
              {DecisionKind::LoopUnroll, {}, {"hot*"}, 0, true}};
    return std::make_unique<Session>(
        std::make_unique<FakeHost>(L), std::make_unique<ScriptedProvider>(S),
        SessionOptions{P, {}},
        std::vector<FeatureSchema>{{DecisionKind::PassGate, GateFeatures},
                                   {DecisionKind::LoopUnroll, {}}});
  }
};

} // namespace

TEST_F(SessionFixture, OpensOnFirstQuestionAndReportsOnFinish) {
  auto Ses = makeSession();
  EXPECT_EQ(S.Opened, 0u);
  ASSERT_TRUE(Ses->wants(DecisionKind::PassGate, "SROAPass", "f"));
  EXPECT_EQ(S.Opened, 1u);
  EXPECT_TRUE(Ses->wants(DecisionKind::LoopUnroll, "LoopUnrollPass", "hot1"));
  EXPECT_FALSE(Ses->wants(DecisionKind::LoopUnroll, "LoopUnrollPass", "cold"));
  EXPECT_FALSE(Ses->wants(DecisionKind::Inline, "InlinerPass", "f"));
  EXPECT_TRUE(Ses->featuresFor(DecisionKind::PassGate));
  EXPECT_FALSE(Ses->featuresFor(DecisionKind::LoopUnroll));

  S.Replies.push_back(choose(1));
  S.Replies.push_back(Reply());
  Ses->decide(gateRequest(), &Site).recordApplied("of SROAPass on f");
  Ses->decide(gateRequest(), &Site).recordApplied("of GVNPass on f");
  Ses->decideLocally(DecisionKind::LoopUnroll, Choice(), &Site)
      .recordApplied("x");
  Ses->finish();
  Ses->finish(); // Idempotent: one report.
  ASSERT_EQ(S.Closed, 1u);
  const ModuleReport &R = S.Reports[0];
  EXPECT_EQ(R.ModuleName, "unit.ll");
  EXPECT_EQ(R.InstCountBefore, 100u);
  ASSERT_EQ(R.Stats.size(), 2u);
  EXPECT_EQ(R.Stats[0].second.Agent, 2u);
  EXPECT_EQ(R.Stats[0].second.AgentChanged, 1u);
  EXPECT_EQ(R.Stats[1].second.LocalDefault, 1u);
  EXPECT_EQ(L.Counted, 3u);
  EXPECT_EQ(L.Changed, 1u);
  ASSERT_EQ(L.Remarks.size(), 1u);
  EXPECT_EQ(L.Remarks[0], "+AgentDecision: agent chose 'skip' instead of "
                          "'run' for pass-gate of SROAPass on f");
  EXPECT_TRUE(L.Warnings.empty());
}

TEST_F(SessionFixture, TheHelloNamesEachKindsFeaturesOnce) {
  auto Ses = makeSession();
  ASSERT_TRUE(Ses->wants(DecisionKind::PassGate, "SROAPass", "f"));
  EXPECT_EQ(S.Offered, (std::vector<DecisionKind>{DecisionKind::PassGate,
                                                   DecisionKind::LoopUnroll}));
  // A kind without features has no schema.
  ASSERT_EQ(S.Features.size(), 1u);
  EXPECT_EQ(S.Features[0].first, DecisionKind::PassGate);
  EXPECT_EQ(S.Features[0].second,
            (std::vector<std::string>{"unit_inst_count", "occurrence"}));

  // Values in the announced order go to the agent.
  const double Values[] = {12, 0};
  DecisionRequest R = gateRequest();
  R.FeatureNames = GateFeatures;
  R.FeatureValues = Values;
  S.Replies.push_back(Reply());
  Ses->decide(R, &Site).recordApplied("x");
  EXPECT_EQ(S.Asked, 1u);
  EXPECT_TRUE(L.Warnings.empty());

  // Values under other names would be read as the announced ones: the
  // session stops asking rather than send them.
  const std::string_view Other[] = {"occurrence", "unit_inst_count"};
  R.FeatureNames = Other;
  Advice A = Ses->decide(R, &Site);
  A.recordApplied("y");
  EXPECT_EQ(A.source(), DecisionSource::Fallback);
  EXPECT_EQ(S.Asked, 1u);
  ASSERT_EQ(L.Warnings.size(), 1u);
  EXPECT_NE(L.Warnings[0].find("features are not those its kind announced"),
            std::string::npos)
      << L.Warnings[0];
}

TEST_F(SessionFixture, NoQuestionNoHandshakeNoReport) {
  makeSession()->finish();
  EXPECT_EQ(S.Opened, 0u);
  EXPECT_EQ(S.Closed, 0u);
}

TEST_F(SessionFixture, AFailedHandshakeCostsOneWarningAndTheDefaults) {
  S.OpenFailure = "connection refused";
  auto Ses = makeSession();
  EXPECT_FALSE(Ses->wants(DecisionKind::PassGate, "SROAPass", "f"));
  Advice A = Ses->decide(gateRequest(), &Site);
  EXPECT_EQ(A.source(), DecisionSource::Fallback);
  EXPECT_TRUE(A.isDefault());
  A.recordApplied("x");
  Ses->finish();
  EXPECT_EQ(S.Asked, 0u);
  EXPECT_EQ(S.Closed, 0u); // No report to an agent that failed.
  ASSERT_EQ(L.Warnings.size(), 1u);
  EXPECT_NE(L.Warnings[0].find("connection refused"), std::string::npos);
  EXPECT_TRUE(L.Errors.empty());
}

TEST_F(SessionFixture, AFailedDecisionStopsAskingForTheRestOfTheUnit) {
  auto Ses = makeSession();
  S.Replies.push_back(failure("timed out"));
  for (int I = 0; I < 5; ++I) {
    Advice A = Ses->decide(gateRequest(), &Site);
    EXPECT_EQ(A.source(), DecisionSource::Fallback);
    A.recordApplied("x");
  }
  EXPECT_EQ(S.Asked, 1u);
  ASSERT_EQ(L.Warnings.size(), 1u);
  EXPECT_NE(L.Warnings[0].find("timed out"), std::string::npos);
  EXPECT_NE(L.Warnings[0].find("using the compiler's defaults"),
            std::string::npos);
}

TEST_F(SessionFixture, StrictModeTurnsAFaultIntoOneError) {
  auto Ses = makeSession(FailurePolicy::Error);
  S.Replies.push_back(failure("garbage frame"));
  Ses->decide(gateRequest(), &Site).recordApplied("x");
  Ses->decide(gateRequest(), &Site).recordApplied("x");
  ASSERT_EQ(L.Errors.size(), 1u);
  EXPECT_NE(L.Errors[0].find("garbage frame"), std::string::npos);
  EXPECT_NE(L.Errors[0].find("SWITCHYARD_ON_FAILURE=error"),
            std::string::npos);
  EXPECT_TRUE(L.Warnings.empty());
  EXPECT_EQ(S.Asked, 1u);
}

TEST_F(SessionFixture, IllegalAnswersAreRefusedWithTheReason) {
  auto Ses = makeSession();
  S.Replies.push_back(choose(7));
  S.Replies.push_back(choose(1, {9}));
  DecisionRequest R;
  R.Kind = DecisionKind::LoopUnroll;
  R.Legal = UnrollAnswers;
  R.LegalNote = "the loop is small";
  Advice A = Ses->decide(R, &Site);
  EXPECT_EQ(A.source(), DecisionSource::Fallback);
  EXPECT_EQ(A.refusal(), "option 7 is not one of the 2 legal options (the "
                         "loop is small)");
  A.recordApplied("x");
  Advice B = Ses->decide(R, &Site);
  EXPECT_EQ(B.refusal(), "parameter 'count' of 'partial' is 9, outside [2, "
                         "8] (the loop is small)");
  B.recordApplied("x");
  // The session goes on: a legal answer after illegal ones is followed.
  S.Replies.push_back(choose(1, {4}));
  Advice C = Ses->decide(R, &Site);
  EXPECT_EQ(C.source(), DecisionSource::Agent);
  EXPECT_EQ(C.describe(C.choice()), "partial 4");
  C.recordApplied("of loop f:loop0");
  EXPECT_EQ(L.Warnings.size(), 1u); // One warning, however many refusals.
  EXPECT_EQ(std::count_if(L.Remarks.begin(), L.Remarks.end(),
                          [](const std::string &M) {
                            return M.rfind("-IllegalAnswer", 0) == 0;
                          }),
            2);
  EXPECT_TRUE(L.Errors.empty());
}

TEST_F(SessionFixture, IllegalAnswerInStrictModeIsAnError) {
  auto Ses = makeSession(FailurePolicy::Error);
  S.Replies.push_back(choose(5));
  Advice A = Ses->decide(gateRequest(), &Site);
  EXPECT_TRUE(A.isDefault());
  A.recordApplied("x");
  ASSERT_EQ(L.Errors.size(), 1u);
  EXPECT_NE(L.Errors[0].find("illegal pass-gate answer"), std::string::npos);
  // Later decisions stay local.
  Ses->decide(gateRequest(), &Site).recordApplied("x");
  EXPECT_EQ(S.Asked, 1u);
}

TEST_F(SessionFixture, UnappliedAdviceIsAFallbackWithARemark) {
  auto Ses = makeSession();
  S.Replies.push_back(choose(1));
  Ses->decide(gateRequest(), &Site).recordUnapplied("the pass is required");
  Ses->finish();
  EXPECT_EQ(S.Reports[0].Stats[0].second.Fallback, 1u);
  ASSERT_EQ(L.Remarks.size(), 1u);
  EXPECT_EQ(L.Remarks[0], "-NotApplied: could not apply 'skip' for "
                          "pass-gate: the pass is required");
}

TEST_F(SessionFixture, GrowthBudgetIsTheUnitsSizeWithAFloor) {
  auto Ses = makeSession();
  EXPECT_EQ(Ses->growthBudget(), Session::GrowthFloor);
  Ses->spendGrowth(Session::GrowthFloor - 10);
  EXPECT_EQ(Ses->growthLeft(), 10u);
  Ses->spendGrowth(100);
  EXPECT_EQ(Ses->growthLeft(), 0u);
  Session Big(std::make_unique<FakeHost>(L, 100000),
              std::make_unique<ScriptedProvider>(S), SessionOptions(), {});
  EXPECT_EQ(Big.growthBudget(), 100000u);
}

TEST_F(SessionFixture, ManagerFinishesTheUnitBeforeTheNext) {
  S.Subs = {{DecisionKind::PassGate, {}, {}, 0, false}};
  int UnitA = 0, UnitB = 0;
  SessionManager M(
      [this] { return std::make_unique<ScriptedProvider>(S); },
      SessionOptions(),
      std::vector<FeatureSchema>{{DecisionKind::PassGate, GateFeatures}});
  auto MakeHost = [this] { return std::make_unique<FakeHost>(L); };
  Session &A = M.sessionFor(&UnitA, MakeHost);
  EXPECT_EQ(&M.sessionFor(&UnitA, MakeHost), &A);
  A.wants(DecisionKind::PassGate, "P", "f");
  EXPECT_EQ(M.current(&UnitA), &A);
  M.sessionFor(&UnitB, MakeHost).wants(DecisionKind::PassGate, "P", "f");
  EXPECT_EQ(M.current(&UnitA), nullptr);
  EXPECT_EQ(S.Closed, 1u);
  M.finish();
  EXPECT_EQ(S.Closed, 2u);
}

#ifndef NDEBUG
TEST_F(SessionFixture, AdviceMustBeRecordedExactlyOnce) {
  auto Ses = makeSession();
  S.Replies.push_back(Reply());
  EXPECT_DEATH({ Advice A = Ses->decide(gateRequest(), &Site); },
               "recorded once");
  EXPECT_DEATH(
      {
        Advice A = Ses->decideLocally(DecisionKind::PassGate, Choice(), &Site);
        A.recordApplied("x");
        A.recordApplied("x");
      },
      "recorded exactly once");
}
#endif

TEST(CheckLegal, NamesWhatIsWrong) {
  EXPECT_EQ(checkLegal(choose(0).Chosen, UnrollAnswers), "");
  EXPECT_EQ(checkLegal(choose(1, {2}).Chosen, UnrollAnswers), "");
  EXPECT_EQ(checkLegal(choose(1).Chosen, UnrollAnswers),
            "option 'partial' takes 1 parameters, got 0");
  Choice Scoped = choose(0).Chosen;
  Scoped.Target = "f";
  EXPECT_EQ(checkLegal(Scoped, UnrollAnswers),
            "option 'auto' cannot be scoped to a target function");
  const OptionSpec Pow2[] = {{"w", {{"width", 1, 64, true}}}};
  EXPECT_EQ(checkLegal(choose(0, {6}).Chosen, Pow2),
            "parameter 'width' of 'w' is 6, not a power of two");
}
