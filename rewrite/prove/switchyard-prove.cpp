//===- switchyard-prove.cpp - Proves rule files and writes proof records --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   switchyard-prove [-j N] [--timeout-ms N] [--no-write | -o PROOF] FILE...
//
// Proves every rule of each FILE with Z3 at each width it states and writes
// FILE.proof beside it: one line per proved rule, keyed by the rule's hash,
// which the plugin requires before it loads the rule. A rule that fails is
// printed with its counterexample and left out of the record. Exit status 0
// when every rule is proved, 1 when one is not, 2 on a usage or parse error.
//
//===----------------------------------------------------------------------===//

#include "Prover.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace switchyard::rewrite;

namespace {

void usage(FILE *To) {
  std::fprintf(To,
               "usage: switchyard-prove [-j N] [--timeout-ms N] [--no-write | -o "
               "PROOF] [-q] FILE...\n"
               "Proves each rule of each FILE with Z3 and writes FILE.proof "
               "beside it.\n");
}

} // namespace

int main(int Argc, char **Argv) {
  unsigned TimeoutMs = 60000, Jobs = 1;
  bool Write = true, Quiet = false;
  std::string OutPath;
  std::vector<std::string> Files;
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    if (A == "--timeout-ms" && I + 1 < Argc) {
      TimeoutMs = static_cast<unsigned>(std::strtoul(Argv[++I], nullptr, 10));
    } else if (A == "-j" && I + 1 < Argc) {
      Jobs = std::max(1u, static_cast<unsigned>(
                              std::strtoul(Argv[++I], nullptr, 10)));
    } else if (A == "--no-write") {
      Write = false;
    } else if (A == "-o" && I + 1 < Argc) {
      OutPath = Argv[++I];
    } else if (A == "-q") {
      Quiet = true;
    } else if (A == "-h" || A == "--help") {
      usage(stdout);
      return 0;
    } else if (!A.empty() && A[0] == '-') {
      usage(stderr);
      return 2;
    } else {
      Files.push_back(A);
    }
  }
  if (Files.empty() || (!OutPath.empty() && Files.size() != 1)) {
    usage(stderr);
    return 2;
  }

  auto Start = std::chrono::steady_clock::now();
  unsigned Proved = 0, Failed = 0;
  for (const std::string &File : Files) {
    std::vector<Rule> Rules;
    RuleError Err;
    if (!parseRuleFile(File, Rules, Err)) {
      std::fprintf(stderr, "switchyard-prove: %s\n", Err.str().c_str());
      return 2;
    }
    std::string Record = "# switchyard-prove proof record for " + File +
                         " (" + solverVersion() + ")\n"
                         "# proved HASH NAME widths\n";
    // Each rule on its own Z3 context, Jobs at a time; reported in order.
    std::vector<ProofResult> Results(Rules.size());
    std::atomic<size_t> Next{0};
    auto Work = [&] {
      for (size_t K; (K = Next++) < Rules.size();)
        Results[K] = proveRule(Rules[K], TimeoutMs);
    };
    std::vector<std::thread> Threads;
    for (unsigned T = 1; T < Jobs; ++T)
      Threads.emplace_back(Work);
    Work();
    for (std::thread &T : Threads)
      T.join();
    for (size_t K = 0; K < Rules.size(); ++K) {
      const Rule &R = Rules[K];
      const ProofResult &P = Results[K];
      if (P.V == ProofResult::Proved) {
        ++Proved;
        char Hash[17];
        std::snprintf(Hash, sizeof(Hash), "%016llx",
                      static_cast<unsigned long long>(R.Hash));
        Record += "proved " + std::string(Hash) + " " + R.Name + " " +
                  R.widthsText() + "\n";
        if (!Quiet)
          std::printf("ok %s (widths %s, %.2f s)\n", R.Name.c_str(),
                      R.widthsText().c_str(), P.Seconds);
        continue;
      }
      ++Failed;
      if (P.V == ProofResult::Unknown) {
        std::printf("UNKNOWN %s at width %u (%s:%u): the solver gave up (%s)\n",
                    R.Name.c_str(), P.Width, R.File.c_str(), R.Line,
                    P.Reason.c_str());
        continue;
      }
      std::printf("FAIL %s at width %u (%s:%u): counterexample:\n",
                  R.Name.c_str(), P.Width, R.File.c_str(), R.Line);
      for (const std::string &L : P.Counterexample)
        std::printf("  %s\n", L.c_str());
    }
    if (!Write)
      continue;
    std::string To = OutPath.empty() ? proofPath(File) : OutPath;
    std::ofstream Out(To, std::ios::trunc);
    if (!(Out << Record)) {
      std::fprintf(stderr, "switchyard-prove: cannot write '%s'\n",
                   To.c_str());
      return 2;
    }
  }
  double Seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - Start)
                       .count();
  std::printf("%u of %u rules proved in %.1f s\n", Proved, Proved + Failed,
              Seconds);
  return Failed ? 1 : 0;
}
