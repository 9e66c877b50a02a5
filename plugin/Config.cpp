//===- Config.cpp - Switchyard's configuration, from the environment ------===//

#include "Config.h"

#include "Framing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <cstdlib>

using namespace llvm;

namespace switchyard {

ArrayRef<DecisionKind> implementedKinds() {
  static const DecisionKind Kinds[] = {
      DecisionKind::PassGate,      DecisionKind::PassPipeline,
      DecisionKind::Inline,        DecisionKind::LoopUnroll,
      DecisionKind::LoopVectorize, DecisionKind::LoopDistribute,
      DecisionKind::Licm};
  return Kinds;
}

bool Config::enabled(DecisionKind Kind) const {
  return is_contained(implementedKinds(), Kind) &&
         (Hooks.empty() || is_contained(Hooks, Kind));
}

static StringRef env(const char *Name) {
  const char *V = std::getenv(Name);
  return V ? StringRef(V) : StringRef();
}

Expected<Config> Config::fromEnvironment() {
  Config C;
  C.AgentSocket = env("SWITCHYARD_AGENT").trim().str();
  StringRef Policy = env("SWITCHYARD_POLICY").trim();
  if (!Policy.empty() && !C.AgentSocket.empty())
    return createStringError("set SWITCHYARD_AGENT or SWITCHYARD_POLICY, "
                             "not both");
  if (Policy.consume_front("random:")) {
    if (Policy.getAsInteger(0, C.PolicySeed))
      return createStringError("SWITCHYARD_POLICY: 'random:" + Policy +
                               "' needs a numeric seed");
    Policy = "random";
  }
  C.Policy = Policy.str();

  if (StringRef Hooks = env("SWITCHYARD_HOOKS"); !Hooks.empty()) {
    SmallVector<StringRef, 8> Names;
    Hooks.split(Names, ',', -1, /*KeepEmpty=*/false);
    for (StringRef Name : Names) {
      DecisionKind K;
      if (!parseKindName(Name.trim().str(), K) ||
          !is_contained(implementedKinds(), K))
        return createStringError("SWITCHYARD_HOOKS: '" + Name.trim() +
                                 "' is not a decision kind this plugin "
                                 "offers");
      C.Hooks.push_back(K);
    }
  }

  if (StringRef T = env("SWITCHYARD_TIMEOUT_MS"); !T.empty()) {
    unsigned Ms;
    if (T.trim().getAsInteger(10, Ms) || Ms == 0 || Ms > 3600000)
      return createStringError("SWITCHYARD_TIMEOUT_MS: '" + T +
                               "' is not a number of milliseconds in "
                               "[1, 3600000]");
    C.Timeout = std::chrono::milliseconds(Ms);
  }

  if (StringRef T = env("SWITCHYARD_SPIN_US"); !T.empty()) {
    unsigned Us;
    if (T.trim().getAsInteger(10, Us) || Us > 10000)
      return createStringError("SWITCHYARD_SPIN_US: '" + T +
                               "' is not a number of microseconds in "
                               "[0, 10000]");
    C.Spin = std::chrono::microseconds(Us);
  }

  StringRef Pipeline = env("SWITCHYARD_PIPELINE").trim();
  if (Pipeline == "replace")
    C.ReplacePipeline = true;
  else if (!Pipeline.empty())
    return createStringError("SWITCHYARD_PIPELINE: '" + Pipeline +
                             "' is not 'replace'");
  C.PipelineOut = env("SWITCHYARD_PIPELINE_OUT").str();
  if (StringRef T = env("SWITCHYARD_PIPELINE_MAX_STEPS"); !T.empty()) {
    if (T.trim().getAsInteger(10, C.PipelineMaxSteps) ||
        C.PipelineMaxSteps == 0 || C.PipelineMaxSteps > 100000)
      return createStringError("SWITCHYARD_PIPELINE_MAX_STEPS: '" + T +
                               "' is not a step count in [1, 100000]");
  }

  StringRef Reorder = env("SWITCHYARD_ALLOW_FP_REORDER").trim();
  if (Reorder == "1")
    C.AllowFPReorder = true;
  else if (!Reorder.empty() && Reorder != "0")
    return createStringError("SWITCHYARD_ALLOW_FP_REORDER: '" + Reorder +
                             "' is neither '0' nor '1'");

  StringRef OnFailure = env("SWITCHYARD_ON_FAILURE").trim();
  if (OnFailure == "error")
    C.OnFailure = FailurePolicy::Error;
  else if (OnFailure.empty() || OnFailure == "default")
    C.OnFailure = FailurePolicy::UseDefault;
  else
    return createStringError("SWITCHYARD_ON_FAILURE: '" + OnFailure +
                             "' is neither 'default' nor 'error'");
  return C;
}

} // namespace switchyard
