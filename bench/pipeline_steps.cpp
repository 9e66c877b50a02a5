//===- pipeline_steps.cpp - Time per pass-pipeline step, seen by an agent -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   switchyard-bench-pipeline --socket PATH [--steps N] [--observe MASK]
//                             [--cycle a,b,c]
//                             -- opt-22 -load-pass-plugin=... \
//                                -passes=switchyard-pipeline in.ll -o /dev/null
//
// Answers each pipeline request with the next action of a fixed cycle of
// common passes (LLVM's by default; --cycle names others, such as MLIR's
// for mlir-opt's switchyard-mlir-pipeline), asking for the instruction
// count with every request, and measures the time from one request to the
// next: applying the action, observing the module, and the round trip.
// Prints median, p90 and mean.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Agent.h"
#include "switchyard/Run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace switchyard;
using Clock = std::chrono::steady_clock;

namespace {

const char *const LLVMCycle[] = {"sroa<modify-cfg>", "early-cse<memssa>",
                                 "instcombine",      "simplifycfg",
                                 "gvn",              "licm<allowspeculation>",
                                 "loop-rotate",      "dse",
                                 "reassociate",      "sccp"};

class StepTimer : public Agent {
public:
  StepTimer(unsigned Steps, uint32_t Observe, std::vector<std::string> Cycle)
      : Steps(Steps), Observe(Observe), Cycle(std::move(Cycle)) {}

  HelloAnswer hello(const SessionInfo &) override {
    HelloAnswer A;
    SubscriptionSpec S;
    S.Kind = fb::DecisionKind::PassPipeline;
    S.Observations = Observe;
    A.Subscriptions.push_back(S);
    Step = 0;
    return A;
  }

  Answer decide(const SessionInfo &S, const DecisionRequest &R) override {
    Clock::time_point Now = Clock::now();
    if (Step == 0) // LLVM's pipeline counts instructions, MLIR's ops.
      FirstInstCount = feature(R, "inst_count", feature(R, "op_count"));
    if (Step > 0)
      Samples.push_back(
          std::chrono::duration<double, std::micro>(Now - Last).count());
    Last = Now;
    if (!R.PreviousError.empty()) {
      std::fprintf(stderr, "bench: refused: %s\n", R.PreviousError.c_str());
      std::exit(1);
    }
    if (Step++ >= Steps)
      return Answer::choose(0); // stop
    const std::string &Name = Cycle[(Step - 1) % Cycle.size()];
    int64_t I = findOption(S, R, Name);
    if (I < 0) {
      std::fprintf(stderr, "bench: no action '%s'\n", Name.c_str());
      std::exit(1);
    }
    return Answer::choose(static_cast<uint32_t>(I));
  }

  std::vector<double> Samples;
  double FirstInstCount = 0;

private:
  unsigned Steps;
  uint32_t Observe;
  std::vector<std::string> Cycle;
  unsigned Step = 0;
  Clock::time_point Last;
};

double percentile(std::vector<double> V, double P) {
  std::sort(V.begin(), V.end());
  size_t I = static_cast<size_t>(P * (V.size() - 1) + 0.5);
  return V[I];
}

} // namespace

int main(int Argc, char **Argv) {
  unsigned Steps = 200;
  std::vector<std::string> Cycle(std::begin(LLVMCycle), std::end(LLVMCycle));
  uint32_t Observe = static_cast<uint32_t>(fb::ObservationMask::InstCount);
  RunOptions O;
  O.ProgramName = "switchyard-bench-pipeline";
  for (int I = 1; I < Argc; ++I) {
    if (!std::strcmp(Argv[I], "--socket") && I + 1 < Argc)
      O.Server.SocketPath = Argv[++I];
    else if (!std::strcmp(Argv[I], "--steps") && I + 1 < Argc)
      Steps = std::strtoul(Argv[++I], nullptr, 0);
    else if (!std::strcmp(Argv[I], "--observe") && I + 1 < Argc)
      Observe = std::strtoul(Argv[++I], nullptr, 0);
    else if (!std::strcmp(Argv[I], "--cycle") && I + 1 < Argc) {
      Cycle.clear();
      std::string List = Argv[++I];
      for (size_t Start = 0, End; Start <= List.size(); Start = End + 1) {
        End = std::min(List.find(',', Start), List.size());
        if (End > Start)
          Cycle.push_back(List.substr(Start, End - Start));
      }
    }
    else if (!std::strcmp(Argv[I], "--")) {
      O.Command.assign(Argv + I + 1, Argv + Argc);
      break;
    } else {
      std::fprintf(stderr,
                   "usage: switchyard-bench-pipeline --socket PATH [--steps "
                   "N] [--observe MASK] [--cycle a,b,c] -- COMMAND...\n");
      return 2;
    }
  }
  if (Cycle.empty()) {
    std::fprintf(stderr, "switchyard-bench-pipeline: --cycle is empty\n");
    return 2;
  }
  StepTimer T(Steps, Observe, std::move(Cycle));
  int Status = runAgent(T, O);
  if (Status != 0 || T.Samples.empty()) {
    std::fprintf(stderr, "switchyard-bench-pipeline: command failed (%d)\n",
                 Status);
    return 1;
  }
  double Sum = 0;
  for (double S : T.Samples)
    Sum += S;
  std::printf("%.0f IR instructions  steps %zu  median %.1f us  p90 %.1f us  mean %.1f us\n",
              T.FirstInstCount, T.Samples.size(), percentile(T.Samples, 0.5),
              percentile(T.Samples, 0.9), Sum / T.Samples.size());
  return 0;
}
