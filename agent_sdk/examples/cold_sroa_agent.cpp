// A complete Switchyard agent: keep SROA away from functions named cold_*.
#include "switchyard/Agent.h"
#include "switchyard/Run.h"

using namespace switchyard;

struct ColdSroaAgent : Agent {
  Answer decide(const SessionInfo &S, const fb::DecisionRequest &R) override {
    const fb::Context *C = R.context();
    if (R.kind() == fb::DecisionKind::PassGate && C && C->pass() &&
        C->pass()->string_view() == "SROAPass" && C->function() &&
        C->function()->string_view().substr(0, 5) == "cold_")
      return Answer::choose(findOption(S, R, "skip"));
    return Answer::useDefault();
  }
};

int main(int Argc, char **Argv) {
  ColdSroaAgent A;
  return agentMain(A, Argc, Argv);
}
