//===- ConfigTest.cpp - Switchyard's settings, read from the environment --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/Config.h"

#include "gtest/gtest.h"

#include <cstdlib>

using namespace switchyard;

namespace {

const DecisionKind Kinds[] = {DecisionKind::PassGate, DecisionKind::Inline};

/// Sets the variables for one test and clears every SWITCHYARD_ one after.
struct Env : ::testing::Test {
  const char *Vars[9] = {"SWITCHYARD_AGENT",       "SWITCHYARD_POLICY",
                         "SWITCHYARD_HOOKS",       "SWITCHYARD_TIMEOUT_MS",
                         "SWITCHYARD_SPIN_US",     "SWITCHYARD_PIPELINE",
                         "SWITCHYARD_ON_FAILURE",  "SWITCHYARD_ALLOW_FP_REORDER",
                         "SWITCHYARD_PIPELINE_MAX_STEPS"};
  void SetUp() override { TearDown(); }
  void TearDown() override {
    for (const char *V : Vars)
      unsetenv(V);
  }
  std::string errorFor(const char *Var, const char *Value) {
    setenv(Var, Value, 1);
    Expected<Config> C = Config::fromEnvironment(Kinds);
    unsetenv(Var);
    return C ? "" : C.error();
  }
};

} // namespace

TEST_F(Env, NothingSetIsInert) {
  Expected<Config> C = Config::fromEnvironment(Kinds);
  ASSERT_TRUE(static_cast<bool>(C));
  EXPECT_FALSE(C->active());
  EXPECT_TRUE(C->enabled(DecisionKind::Inline));
  EXPECT_FALSE(C->enabled(DecisionKind::LoopUnroll)); // Not implemented.
}

TEST_F(Env, ValuesAreRead) {
  setenv("SWITCHYARD_POLICY", " random:0x10 ", 1);
  setenv("SWITCHYARD_HOOKS", "inline,", 1);
  setenv("SWITCHYARD_TIMEOUT_MS", "250", 1);
  setenv("SWITCHYARD_ON_FAILURE", "error", 1);
  Expected<Config> C = Config::fromEnvironment(Kinds);
  ASSERT_TRUE(static_cast<bool>(C)) << C.error();
  EXPECT_EQ(C->Policy, "random");
  EXPECT_EQ(C->PolicySeed, 16u);
  EXPECT_TRUE(C->enabled(DecisionKind::Inline));
  EXPECT_FALSE(C->enabled(DecisionKind::PassGate));
  EXPECT_EQ(C->Timeout.count(), 250);
  EXPECT_EQ(C->OnFailure, FailurePolicy::Error);
}

TEST_F(Env, EveryMalformedValueNamesItsVariable) {
  EXPECT_EQ(errorFor("SWITCHYARD_TIMEOUT_MS", "abc"),
            "SWITCHYARD_TIMEOUT_MS: 'abc' is not a number of milliseconds in "
            "[1, 3600000]");
  EXPECT_EQ(errorFor("SWITCHYARD_TIMEOUT_MS", "-5"),
            "SWITCHYARD_TIMEOUT_MS: '-5' is not a number of milliseconds in "
            "[1, 3600000]");
  EXPECT_EQ(errorFor("SWITCHYARD_SPIN_US", "10001"),
            "SWITCHYARD_SPIN_US: '10001' is not a number of microseconds in "
            "[0, 10000]");
  EXPECT_EQ(errorFor("SWITCHYARD_HOOKS", "inline,loop-unroll"),
            "SWITCHYARD_HOOKS: 'loop-unroll' is not a decision kind this "
            "plugin offers");
  EXPECT_EQ(errorFor("SWITCHYARD_PIPELINE", "yes"),
            "SWITCHYARD_PIPELINE: 'yes' is not 'replace'");
  EXPECT_EQ(errorFor("SWITCHYARD_PIPELINE_MAX_STEPS", "1e3"),
            "SWITCHYARD_PIPELINE_MAX_STEPS: '1e3' is not a step count in [1, "
            "100000]");
  EXPECT_EQ(errorFor("SWITCHYARD_ON_FAILURE", "crash"),
            "SWITCHYARD_ON_FAILURE: 'crash' is neither 'default' nor 'error'");
  EXPECT_EQ(errorFor("SWITCHYARD_ALLOW_FP_REORDER", "true"),
            "SWITCHYARD_ALLOW_FP_REORDER: 'true' is neither '0' nor '1'");
  EXPECT_EQ(errorFor("SWITCHYARD_POLICY", "random:seven"),
            "SWITCHYARD_POLICY: 'random:seven' needs a numeric seed");
  setenv("SWITCHYARD_AGENT", "/tmp/s", 1);
  EXPECT_EQ(errorFor("SWITCHYARD_POLICY", "default"),
            "set SWITCHYARD_AGENT or SWITCHYARD_POLICY, not both");
}
