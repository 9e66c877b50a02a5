//===- ReplayProviderTest.cpp - Replay and model providers, fake host -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/ReplayProvider.h"
#include "switchyard/core/ModelProvider.h"

#include "Hash.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <fstream>

using namespace switchyard;

namespace {

struct Diags {
  std::vector<std::string> Warnings, Errors;
};

class FakeHost : public Host {
public:
  explicit FakeHost(Diags &D) : D(D) {}
  ModuleInfo describeUnit() const override {
    ModuleInfo I;
    I.ModuleName = "/src/unit.c";
    return I;
  }
  uint64_t unitSize() const override { return 10; }
  void warning(std::string_view Msg) override { D.Warnings.emplace_back(Msg); }
  void error(std::string_view Msg) override { D.Errors.emplace_back(Msg); }
  void remark(RemarkKind, std::string_view, SiteHandle,
              std::string_view) override {}

private:
  Diags &D;
};

std::string writeTemp(const std::string &Text) {
  char Name[] = "/tmp/switchyard-replay-XXXXXX";
  int Fd = mkstemp(Name);
  EXPECT_GE(Fd, 0);
  FILE *F = fdopen(Fd, "w");
  std::fputs(Text.c_str(), F);
  std::fclose(F);
  return Name;
}

const OptionSpec InlineLegal[] = {{"no", {}}, {"yes", {}}};

DecisionRequest inlineRequest(uint64_t Site) {
  DecisionRequest R;
  R.Kind = DecisionKind::Inline;
  R.Context.Function = "f";
  R.Context.Pass = "InlinerPass";
  R.Context.UnitName = "f->g";
  R.Context.SiteId = Site;
  R.Default.Option = 1;
  R.Legal = InlineLegal;
  return R;
}

std::string line(const char *Module, uint64_t Site, const char *Answer) {
  return std::string("{\"kind\":\"inline\",\"module\":\"") + Module +
         "\",\"function\":\"f\",\"pass\":\"InlinerPass\",\"unit\":\"f->g\","
         "\"site\":" +
         std::to_string(Site) + ",\"index\":0,\"answer\":\"" + Answer + "\"}\n";
}

/// The log's answers are replayed, a site it lacks gets the default, and
/// an entry never asked for is one warning at the end (an error in strict
/// mode).
void replayOnce(FailurePolicy OnFailure, Diags &D) {
  std::string Path = writeTemp(line("/elsewhere/unit.c", 1, "no") +
                               line("/elsewhere/unit.c", 3, "yes"));
  auto Log = DecisionLog::load(Path);
  ASSERT_TRUE(Log) << Log.error();
  Session S(std::make_unique<FakeHost>(D),
            std::make_unique<ReplayProvider>(*Log),
            SessionOptions{OnFailure, {}},
            std::vector<FeatureSchema>{{DecisionKind::Inline, {}}});
  ASSERT_TRUE(S.wants(DecisionKind::Inline, "InlinerPass", "f"));
  Advice A = S.decide(inlineRequest(1), nullptr);
  EXPECT_EQ(A.choice().Option, 0u); // "no", from the log.
  A.recordApplied("");
  Advice B = S.decide(inlineRequest(2), nullptr);
  EXPECT_TRUE(B.isDefault()); // Not in the log.
  B.recordApplied("");
  S.finish();
  std::remove(Path.c_str());
}

TEST(ReplayProvider, ReplaysAndReportsLeftovers) {
  Diags D;
  replayOnce(FailurePolicy::UseDefault, D);
  ASSERT_EQ(D.Warnings.size(), 1u);
  EXPECT_NE(D.Warnings[0].find("1 of its 2 decisions for this module were "
                               "never asked for"),
            std::string::npos)
      << D.Warnings[0];
  EXPECT_TRUE(D.Errors.empty());

  Diags Strict;
  replayOnce(FailurePolicy::Error, Strict);
  ASSERT_EQ(Strict.Errors.size(), 1u);
  EXPECT_NE(Strict.Errors[0].find("never asked for"), std::string::npos);
}

TEST(ReplayProvider, LogOfAnotherProgram) {
  std::string Path = writeTemp(line("other.c", 1, "no"));
  auto Log = DecisionLog::load(Path);
  ASSERT_TRUE(Log);
  Diags D;
  Session S(
      std::make_unique<FakeHost>(D), std::make_unique<ReplayProvider>(*Log),
      SessionOptions{FailurePolicy::UseDefault, {}},
      std::vector<FeatureSchema>{{DecisionKind::Inline, {}}});
  EXPECT_FALSE(S.wants(DecisionKind::Inline, "InlinerPass", "f"));
  ASSERT_EQ(D.Warnings.size(), 1u);
  EXPECT_NE(D.Warnings[0].find("it is a log of another program"),
            std::string::npos);
  std::remove(Path.c_str());
}

TEST(ReplayProvider, BadLogs) {
  std::string Good = line("unit.c", 1, "no");
  std::string Cut = writeTemp(Good.substr(0, Good.size() - 10));
  auto L = DecisionLog::load(Cut);
  ASSERT_FALSE(L);
  EXPECT_NE(L.error().find(":1: the last line is cut short"), std::string::npos)
      << L.error();
  std::string BadAnswer = writeTemp(line("unit.c", 1, "partial x"));
  auto L2 = DecisionLog::load(BadAnswer);
  ASSERT_FALSE(L2);
  EXPECT_NE(L2.error().find("cannot read the answer 'partial x'"),
            std::string::npos);
  std::remove(Cut.c_str());
  std::remove(BadAnswer.c_str());
}

TEST(ModelFile, HeaderChecks) {
  auto Bad = Model::parse("m", "hello\n", 22);
  ASSERT_FALSE(Bad);
  EXPECT_NE(Bad.error().find("not a Switchyard model file"), std::string::npos);
  std::string Body = "{\"kinds\":[]}";
  char Hash[40];
  std::snprintf(Hash, sizeof(Hash), "fnv1a64:%016llx",
                static_cast<unsigned long long>(stableHash(Body)));
  std::string Header = std::string("{\"format\":\"switchyard-model\","
                                   "\"version\":1,\"llvm_major\":21,"
                                   "\"body_bytes\":") +
                       std::to_string(Body.size()) + ",\"content_hash\":\"" +
                       Hash + "\"}\n";
  auto Old = Model::parse("m", Header + Body, 22);
  ASSERT_FALSE(Old);
  EXPECT_NE(Old.error().find("trained with LLVM 21, but this compiler is "
                             "LLVM 22"),
            std::string::npos);
  auto Short = Model::parse("m", Header + Body.substr(0, 5), 21);
  ASSERT_FALSE(Short);
  EXPECT_NE(Short.error().find("truncated"), std::string::npos);
  auto Empty = Model::parse("m", Header + Body, 21);
  ASSERT_FALSE(Empty);
  EXPECT_NE(Empty.error().find("no 'kinds' list"), std::string::npos);
}

TEST(ModelFile, AnswerText) {
  ModelAction A;
  ASSERT_TRUE(parseAnswerText("partial 4", A));
  EXPECT_FALSE(A.UseDefault);
  EXPECT_EQ(A.Option, "partial");
  EXPECT_EQ(A.Params, std::vector<int64_t>{4});
  ASSERT_TRUE(parseAnswerText("default", A));
  EXPECT_TRUE(A.UseDefault);
  EXPECT_FALSE(parseAnswerText("default 3", A));
  EXPECT_FALSE(parseAnswerText("", A));
}

} // namespace
