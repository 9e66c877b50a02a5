// A complete Switchyard agent: keep SROA away from functions named cold_*.
#include "switchyard/Agent.h"
#include "switchyard/Run.h"

using namespace switchyard;

struct ColdSroaAgent : Agent {
  Answer decide(const SessionInfo &S, const DecisionRequest &R) override {
    if (R.Kind == DecisionKind::PassGate && R.Context.Pass == "SROAPass" &&
        R.Context.Function.substr(0, 5) == "cold_")
      return Answer::choose(findOption(S, R, "skip"));
    return Answer::useDefault();
  }
};

int main(int Argc, char **Argv) {
  ColdSroaAgent A;
  return agentMain(A, Argc, Argv);
}
