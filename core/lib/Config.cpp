//===- Config.cpp - Switchyard's configuration, from the environment ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/Config.h"

#include "Framing.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>

namespace switchyard {

bool Config::enabled(DecisionKind Kind) const {
  auto Has = [Kind](const std::vector<DecisionKind> &Kinds) {
    return std::find(Kinds.begin(), Kinds.end(), Kind) != Kinds.end();
  };
  return Has(Implemented) && (Hooks.empty() || Has(Hooks));
}

static std::string_view env(const char *Name) {
  const char *V = std::getenv(Name);
  return V ? std::string_view(V) : std::string_view();
}

static std::string_view trim(std::string_view S) {
  const char *Space = " \t\n\v\f\r";
  size_t B = S.find_first_not_of(Space);
  if (B == std::string_view::npos)
    return {};
  return S.substr(B, S.find_last_not_of(Space) - B + 1);
}

/// \p S as an unsigned number in base 10 (or, with \p AnyBase, 0x.. and
/// 0.. too), all of it; nothing if it is not one.
static std::optional<uint64_t> parseUnsigned(std::string_view S,
                                             bool AnyBase = false) {
  std::string Text(trim(S));
  if (Text.empty() || !(Text[0] >= '0' && Text[0] <= '9'))
    return std::nullopt;
  errno = 0;
  char *End = nullptr;
  unsigned long long V = std::strtoull(Text.c_str(), &End, AnyBase ? 0 : 10);
  if (errno || *End)
    return std::nullopt;
  return V;
}

static Failure invalid(std::string_view Var, std::string_view Value,
                       std::string_view Why) {
  return failure(std::string(Var) + ": '" + std::string(Value) + "' " +
                 std::string(Why));
}

Expected<Config> Config::fromEnvironment(Span<DecisionKind> Implemented) {
  Config C;
  C.Implemented.assign(Implemented.begin(), Implemented.end());
  C.AgentSocket = std::string(trim(env("SWITCHYARD_AGENT")));
  std::string_view Policy = trim(env("SWITCHYARD_POLICY"));
  if (!Policy.empty() && !C.AgentSocket.empty())
    return failure("set SWITCHYARD_AGENT or SWITCHYARD_POLICY, not both");
  if (Policy.substr(0, 7) == "random:") {
    std::optional<uint64_t> Seed = parseUnsigned(Policy.substr(7), true);
    if (!Seed)
      return failure("SWITCHYARD_POLICY: '" + std::string(Policy) +
                     "' needs a numeric seed");
    C.PolicySeed = *Seed;
    Policy = "random";
  }
  C.Policy = std::string(Policy);

  if (std::string_view Hooks = env("SWITCHYARD_HOOKS"); !Hooks.empty()) {
    while (!Hooks.empty()) {
      size_t Comma = Hooks.find(',');
      std::string_view Name = trim(Hooks.substr(0, Comma));
      Hooks = Comma == std::string_view::npos ? std::string_view()
                                              : Hooks.substr(Comma + 1);
      if (Name.empty())
        continue;
      DecisionKind K;
      if (!parseKindName(std::string(Name), K) ||
          std::find(Implemented.begin(), Implemented.end(), K) ==
              Implemented.end())
        return failure("SWITCHYARD_HOOKS: '" + std::string(Name) +
                       "' is not a decision kind this plugin offers");
      C.Hooks.push_back(K);
    }
  }

  if (std::string_view T = env("SWITCHYARD_TIMEOUT_MS"); !T.empty()) {
    std::optional<uint64_t> Ms = parseUnsigned(T);
    if (!Ms || *Ms == 0 || *Ms > 3600000)
      return invalid("SWITCHYARD_TIMEOUT_MS", T,
                     "is not a number of milliseconds in [1, 3600000]");
    C.Timeout = std::chrono::milliseconds(*Ms);
  }

  if (std::string_view T = env("SWITCHYARD_SPIN_US"); !T.empty()) {
    std::optional<uint64_t> Us = parseUnsigned(T);
    if (!Us || *Us > 10000)
      return invalid("SWITCHYARD_SPIN_US", T,
                     "is not a number of microseconds in [0, 10000]");
    C.Spin = std::chrono::microseconds(*Us);
  }

  std::string_view Pipeline = trim(env("SWITCHYARD_PIPELINE"));
  if (Pipeline == "replace")
    C.ReplacePipeline = true;
  else if (!Pipeline.empty())
    return invalid("SWITCHYARD_PIPELINE", Pipeline, "is not 'replace'");
  C.PipelineOut = std::string(env("SWITCHYARD_PIPELINE_OUT"));
  if (std::string_view T = env("SWITCHYARD_PIPELINE_MAX_STEPS"); !T.empty()) {
    std::optional<uint64_t> Steps = parseUnsigned(T);
    if (!Steps || *Steps == 0 || *Steps > 100000)
      return invalid("SWITCHYARD_PIPELINE_MAX_STEPS", T,
                     "is not a step count in [1, 100000]");
    C.PipelineMaxSteps = static_cast<unsigned>(*Steps);
  }

  std::string_view Rules = trim(env("SWITCHYARD_RULES"));
  while (!Rules.empty()) {
    size_t Colon = Rules.find(':');
    std::string_view File = trim(Rules.substr(0, Colon));
    if (!File.empty())
      C.RuleFiles.emplace_back(File);
    if (Colon == std::string_view::npos)
      break;
    Rules.remove_prefix(Colon + 1);
  }

  std::string_view Reorder = trim(env("SWITCHYARD_ALLOW_FP_REORDER"));
  if (Reorder == "1")
    C.AllowFPReorder = true;
  else if (!Reorder.empty() && Reorder != "0")
    return invalid("SWITCHYARD_ALLOW_FP_REORDER", Reorder,
                   "is neither '0' nor '1'");

  std::string_view Verify = trim(env("SWITCHYARD_VERIFY_FRAMES"));
  if (Verify == "1")
    C.VerifyFrames = true;
  else if (!Verify.empty() && Verify != "0")
    return invalid("SWITCHYARD_VERIFY_FRAMES", Verify,
                   "is neither '0' nor '1'");

  std::string_view OnFailure = trim(env("SWITCHYARD_ON_FAILURE"));
  if (OnFailure == "error")
    C.OnFailure = FailurePolicy::Error;
  else if (OnFailure.empty() || OnFailure == "default")
    C.OnFailure = FailurePolicy::UseDefault;
  else
    return invalid("SWITCHYARD_ON_FAILURE", OnFailure,
                   "is neither 'default' nor 'error'");
  return C;
}

} // namespace switchyard
