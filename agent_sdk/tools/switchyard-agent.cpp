//===- switchyard-agent.cpp - Serve a built-in policy to compilers --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   switchyard-agent --socket PATH [--policy P] [--seed N] [--log FILE]
//                    [--allow-other-users] [--quiet] [-- COMMAND ARGS...]
//   switchyard-agent --list-options
//
// With a COMMAND, the agent runs it with SWITCHYARD_AGENT=PATH in its
// environment, serves it (and every compiler it starts), and exits with its
// status. Without one, it serves until SIGINT or SIGTERM.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Agent.h"
#include "switchyard/Run.h"
#include "switchyard/Server.h"

#include "Framing.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace switchyard;

namespace {

struct Options {
  std::string Socket;
  std::string Policy = "default";
  uint64_t Seed = 0;
  std::string SeedText; ///< As given to --seed, if it was.
  bool CheckOptions = true;
  bool ListOptions = false;
  std::string LogFile;
  bool AllowOtherUsers = false;
  bool Quiet = false;
  bool PrintReports = false;
  bool NoFeatures = false;
  bool AllFeatures = false;
  std::string ActionSpaceFile;
  std::string PushRulesFile;
  uint64_t HandshakeTimeoutMs = 10000;
  uint32_t BusyPollUs = ServerOptions().BusyPollUs;
  std::vector<std::string> Command;
};

void usage(FILE *To) {
  std::fputs(
      "usage: switchyard-agent --socket PATH [--policy default|random[:SEED]|"
      "script:FILE]\n"
      "                        [--seed N] [--log FILE] [--allow-other-users]\n"
      "                        [--handshake-timeout-ms N] [--print-reports]\n"
      "                        [--dump-action-space FILE] [--features|--no-features]\n"
      "                        [--busy-poll-us N] [--unchecked-options]\n"
      "                        [--push-rules FILE]\n"
      "                        [--quiet] [-- COMMAND ARGS...]\n"
      "       switchyard-agent --list-options\n",
      To);
}

/// Parses a seed as SWITCHYARD_POLICY=random:SEED does: decimal, or 0x, 0b,
/// 0o or 0 for hexadecimal, binary or octal.
bool parseSeed(const std::string &Text, uint64_t &Seed) {
  int Base = 10;
  size_t Skip = 0;
  if (Text.size() > 1 && Text[0] == '0') {
    char P =
        static_cast<char>(std::tolower(static_cast<unsigned char>(Text[1])));
    Base = P == 'x' ? 16 : P == 'b' ? 2 : 8;
    Skip = P == 'x' || P == 'b' || P == 'o' ? 2 : 1;
  }
  std::string Digits = Text.substr(Skip);
  if (Digits.empty() || !std::isalnum(static_cast<unsigned char>(Digits[0])))
    return false;
  char *End = nullptr;
  errno = 0;
  unsigned long long V = std::strtoull(Digits.c_str(), &End, Base);
  if (errno == ERANGE || *End != '\0')
    return false;
  Seed = V;
  return true;
}

bool parseArgs(int Argc, char **Argv, Options &O) {
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    auto Value = [&](std::string &Out) {
      if (size_t Eq = A.find('='); Eq != std::string::npos) {
        Out = A.substr(Eq + 1);
        return true;
      }
      if (I + 1 >= Argc) {
        std::fprintf(stderr, "switchyard-agent: %s needs a value\n",
                     A.c_str());
        return false;
      }
      Out = Argv[++I];
      return true;
    };
    auto Is = [&](const char *Name) {
      return A == Name || A.rfind(std::string(Name) + "=", 0) == 0;
    };
    std::string V;
    if (A == "--") {
      for (++I; I < Argc; ++I)
        O.Command.push_back(Argv[I]);
    } else if (Is("--socket")) {
      if (!Value(O.Socket))
        return false;
    } else if (Is("--policy")) {
      if (!Value(O.Policy))
        return false;
    } else if (Is("--seed")) {
      if (!Value(V))
        return false;
      if (!parseSeed(V, O.Seed)) {
        std::fprintf(stderr, "switchyard-agent: --seed: '%s' is not a number\n",
                     V.c_str());
        return false;
      }
      O.SeedText = V;
    } else if (Is("--log")) {
      if (!Value(O.LogFile))
        return false;
    } else if (Is("--push-rules")) {
      if (!Value(O.PushRulesFile))
        return false;
    } else if (Is("--handshake-timeout-ms")) {
      if (!Value(V))
        return false;
      O.HandshakeTimeoutMs = std::strtoull(V.c_str(), nullptr, 0);
    } else if (Is("--busy-poll-us")) {
      if (!Value(V))
        return false;
      char *End = nullptr;
      unsigned long Us = std::strtoul(V.c_str(), &End, 10);
      if (V.empty() || *End || Us > 10000) {
        std::fprintf(stderr,
                     "switchyard-agent: --busy-poll-us: '%s' is not a number "
                     "of microseconds in [0, 10000]\n",
                     V.c_str());
        return false;
      }
      O.BusyPollUs = static_cast<uint32_t>(Us);
    } else if (A == "--allow-other-users") {
      O.AllowOtherUsers = true;
    } else if (Is("--dump-action-space")) {
      if (!Value(O.ActionSpaceFile))
        return false;
    } else if (A == "--no-features") {
      O.NoFeatures = true;
    } else if (A == "--features") {
      O.AllFeatures = true;
    } else if (A == "--print-reports") {
      O.PrintReports = true;
    } else if (A == "--unchecked-options") {
      O.CheckOptions = false;
    } else if (A == "--list-options") {
      O.ListOptions = true;
    } else if (A == "--quiet" || A == "-q") {
      O.Quiet = true;
    } else if (A == "--help" || A == "-h") {
      usage(stdout);
      std::exit(0);
    } else {
      std::fprintf(stderr, "switchyard-agent: unknown argument '%s'\n",
                   A.c_str());
      usage(stderr);
      return false;
    }
  }
  if (O.Policy.rfind("random:", 0) == 0) {
    uint64_t Seed = 0;
    if (!parseSeed(O.Policy.substr(7), Seed)) {
      std::fprintf(stderr,
                   "switchyard-agent: --policy: '%s' needs a numeric seed\n",
                   O.Policy.c_str());
      return false;
    }
    if (!O.SeedText.empty() && Seed != O.Seed) {
      std::fprintf(stderr,
                   "switchyard-agent: --policy %s and --seed %s give two "
                   "different seeds\n",
                   O.Policy.c_str(), O.SeedText.c_str());
      return false;
    }
    O.Seed = Seed;
    O.Policy = "random";
  }
  if (O.NoFeatures && O.AllFeatures) {
    std::fprintf(stderr,
                 "switchyard-agent: --features and --no-features contradict "
                 "each other\n");
    return false;
  }
  if (O.Socket.empty() && !O.ListOptions) {
    std::fprintf(stderr, "switchyard-agent: --socket is required\n");
    usage(stderr);
    return false;
  }
  return true;
}

using Json = nlohmann::ordered_json;

Json jsonString(std::string_view S) { return std::string(S); }

/// An integral feature value as an integer, which prints as the "%.17g" the
/// log has always used (and the Python SDK's log uses); nlohmann would print
/// 3.0. Other values print as nlohmann's shortest form that reads back the
/// same, and NaN and infinities as null.
Json featureValue(double V) {
  if (std::isfinite(V) && V == std::trunc(V) && std::fabs(V) < 1e17 &&
      !(V == 0 && std::signbit(V)))
    return static_cast<int64_t>(V);
  return V;
}

/// The observation a pipeline request carried, with zero opcode counts left
/// out to keep lines short.
Json observationJson(const Observation &O) {
  using OM = fb::ObservationMask;
  auto Has = [&O](OM Bit) { return O.Mask & static_cast<uint32_t>(Bit); };
  Json J = {{"inst_count", O.InstCount}};
  if (Has(OM::FunctionCounts)) {
    Json &Functions = J["functions"] = Json::object();
    for (size_t I = 0;
         I < O.FunctionNames.size() && I < O.FunctionCounts.size(); ++I)
      Functions[O.FunctionNames[I]] = O.FunctionCounts[I];
  }
  if (Has(OM::OpcodeCounts)) {
    Json &Opcodes = J["opcodes"] = Json::object();
    for (size_t I = 0; I < O.OpcodeNames.size() && I < O.OpcodeCounts.size();
         ++I)
      if (O.OpcodeCounts[I])
        Opcodes[std::string(O.OpcodeNames[I])] = O.OpcodeCounts[I];
    J["opcode_vector_length"] = O.OpcodeCounts.size();
  }
  if (Has(OM::Autophase))
    J["autophase"] = O.Autophase;
  if (Has(OM::IrHash)) {
    char Buf[32];
    std::snprintf(Buf, sizeof(Buf), "%016llx",
                  static_cast<unsigned long long>(O.IrHash));
    J["ir_hash"] = Buf;
  }
  if (Has(OM::IrText))
    J["ir_text_bytes"] = O.IrText.size();
  if (Has(OM::Bitcode))
    J["bitcode_bytes"] = O.Bitcode.size();
  if (Has(OM::DialectCounts)) {
    Json &Dialects = J["dialects"] = Json::object();
    for (size_t I = 0;
         I < O.DialectNames.size() && I < O.DialectCounts.size(); ++I)
      Dialects[std::string(O.DialectNames[I])] = O.DialectCounts[I];
  }
  return J;
}

/// \p J as one compact line. nlohmann escapes \b, \f, \n, \r and \t in
/// their short forms; the log has always written every control character as
/// \u00XX (and the Python SDK's log does), so those five are spelled out.
/// Bytes that are not UTF-8 become U+FFFD, as the Python SDK decodes them.
std::string dumpLine(const Json &J) {
  std::string Dumped =
      J.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
  std::string Out;
  Out.reserve(Dumped.size() + 1);
  for (size_t I = 0; I < Dumped.size(); ++I) {
    // A backslash only starts an escape: its pair is copied whole.
    if (Dumped[I] != '\\' || I + 1 == Dumped.size()) {
      Out += Dumped[I];
      continue;
    }
    char E = Dumped[++I];
    const char *Long = E == 'b'   ? "\\u0008"
                       : E == 'f' ? "\\u000c"
                       : E == 'n' ? "\\u000a"
                       : E == 'r' ? "\\u000d"
                       : E == 't' ? "\\u0009"
                                  : nullptr;
    if (Long) {
      Out += Long;
    } else {
      Out += '\\';
      Out += E;
    }
  }
  return Out + "\n";
}

/// One JSON object per answered decision.
std::string formatLogLine(const SessionInfo &S, uint64_t Id,
                          const DecisionRequest &R, const Answer &A) {
  const DecisionContext &C = R.Context;
  Json L = {{"conn", S.Id},
            {"pid", S.Pid},
            {"id", Id},
            {"kind", kindName(R.Kind)},
            {"module", jsonString(C.Module)},
            {"function", jsonString(C.Function)},
            {"pass", jsonString(C.Pass)},
            {"unit_kind", fb::EnumNameUnitKind(C.Unit)},
            {"unit", jsonString(C.UnitName)},
            {"site", C.SiteId},
            {"index", C.Index}};
  Json &Features = L["features"] = Json::object();
  for (size_t I = 0;
       I < R.FeatureNames.size() && I < R.FeatureValues.size(); ++I)
    Features[std::string(R.FeatureNames[I])] = featureValue(R.FeatureValues[I]);
  if (!R.PreviousError.empty())
    L["previous_error"] = jsonString(R.PreviousError);
  if (R.Obs)
    L["obs"] = observationJson(*R.Obs);
  L["default"] = formatChoice(S, R, R.Default);
  L["answer"] = A.UseDefault ? "default" : formatChoice(S, R, A.Chosen);
  return dumpLine(L);
}

/// A module's report, as --print-reports shows it.
std::string formatReport(const ModuleReport &R) {
  std::string Out = "switchyard-agent: report: module " + R.ModuleName +
                    ": IR instructions " + std::to_string(R.InstCountBefore) +
                    " -> " + std::to_string(R.InstCountAfter);
  char Wait[64];
  std::snprintf(Wait, sizeof(Wait), ", agent wait %.3f ms",
                R.AgentWaitNs / 1e6);
  Out += Wait;
  for (const auto &[Kind, K] : R.Stats)
    Out += std::string("; ") + kindName(Kind) + ": agent " +
           std::to_string(K.Agent) + " (changed " +
           std::to_string(K.AgentChanged) + "), local default " +
           std::to_string(K.LocalDefault) + ", fallback " +
           std::to_string(K.Fallback);
  if (!R.Error.empty())
    Out += "; error: " + R.Error;
  return Out + "\n";
}

} // namespace

int main(int Argc, char **Argv) {
  Options O;
  if (!parseArgs(Argc, Argv, O))
    return 2;

  if (O.ListOptions) {
    for (const SiteOption &Opt : siteOptions()) {
      std::string Line = std::string(kindName(Opt.Kind)) + " " + Opt.Name;
      for (const char *P : Opt.Params)
        Line += std::string(" ") + P;
      std::puts(Line.c_str());
    }
    return 0;
  }

  std::string Err;
  PolicyOptions PO;
  PO.Seed = O.Seed;
  PO.CheckOptions = O.CheckOptions;
  std::unique_ptr<Agent> Policy = makePolicy(O.Policy, PO, Err);
  if (!Policy) {
    std::fprintf(stderr, "switchyard-agent: %s\n", Err.c_str());
    return 2;
  }

  std::ofstream Log;
  if (!O.LogFile.empty()) {
    Log.open(O.LogFile, std::ios::out | std::ios::trunc);
    if (!Log) {
      std::fprintf(stderr, "switchyard-agent: cannot write log '%s'\n",
                   O.LogFile.c_str());
      return 2;
    }
  }

  std::string PushedRules;
  if (!O.PushRulesFile.empty()) {
    std::ifstream In(O.PushRulesFile);
    if (!In) {
      std::fprintf(stderr, "switchyard-agent: cannot read rules '%s'\n",
                   O.PushRulesFile.c_str());
      return 2;
    }
    std::stringstream Text;
    Text << In.rdbuf();
    PushedRules = Text.str();
    // Checked here, once, as the compiler will check them.
    if (!RuleSet::parse(PushedRules, O.PushRulesFile, Err)) {
      std::fprintf(stderr, "switchyard-agent: --push-rules: %s\n",
                   Err.c_str());
      return 2;
    }
  }

  std::map<std::string, uint64_t> PerKind;
  ServerOptions SO;
  SO.LocalRules = PushedRules;
  SO.SocketPath = O.Socket;
  SO.AllowOtherUsers = O.AllowOtherUsers;
  // The built-in policies read no features, so they ask for none; a log
  // records them (it is training data), and --features asks for them too.
  if (O.NoFeatures)
    SO.Features = ServerOptions::FeatureRequest::None;
  else if (O.AllFeatures || !O.LogFile.empty())
    SO.Features = ServerOptions::FeatureRequest::All;
  SO.HandshakeTimeoutMs = O.HandshakeTimeoutMs;
  SO.BusyPollUs = O.BusyPollUs;
  SO.Log = [](const std::string &Line) {
    std::fprintf(stderr, "switchyard-agent: %s\n", Line.c_str());
  };
  SO.OnDecision = [&](const SessionInfo &S, uint64_t Id,
                      const DecisionRequest &R, const Answer &A) {
    ++PerKind[kindName(R.Kind)];
    if (Log.is_open())
      Log << formatLogLine(S, Id, R, A);
  };

  // The pass-pipeline action space, as the first compiler announces it.
  bool DumpedSpace = false;
  SO.OnHello = [&](const SessionInfo &S) {
    if (O.ActionSpaceFile.empty() || DumpedSpace || S.ActionSpace.empty())
      return;
    DumpedSpace = true;
    std::ofstream Out(O.ActionSpaceFile);
    for (size_t I = 0; I < S.ActionSpace.size(); ++I)
      Out << I << "\t" << S.ActionSpace[I]
          << (S.ActionTakesTarget[I] ? "\tfunction-scope" : "") << "\n";
  };

  if (O.PrintReports)
    SO.OnReport = [](const SessionInfo &, const ModuleReport &R) {
      std::fputs(formatReport(R).c_str(), stderr);
    };

  RunOptions RO;
  RO.Server = SO;
  RO.Command = O.Command;
  ServerStats St;
  int Status = runAgent(*Policy, RO, &St);

  // A socket that could not be served has had its one-line error.
  if (!O.Quiet && St.Listened) {
    std::string Kinds;
    for (const auto &[K, N] : PerKind)
      Kinds += (Kinds.empty() ? "" : ", ") + K + " " + std::to_string(N);
    std::fprintf(stderr,
                 "switchyard-agent: %llu connections, %llu decisions%s%s%s, "
                 "%llu refused, %llu dropped; polled %.1f ms, woken for "
                 "%llu requests\n",
                 (unsigned long long)St.Connections,
                 (unsigned long long)St.Decisions, Kinds.empty() ? "" : " (",
                 Kinds.c_str(), Kinds.empty() ? "" : ")",
                 (unsigned long long)St.Refused,
                 (unsigned long long)St.Dropped, St.PolledNs / 1e6,
                 (unsigned long long)St.WokenRequests);
  }
  return Status;
}
