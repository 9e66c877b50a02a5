//===- ReplayProvider.cpp - Decisions replayed from a decision log --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/ReplayProvider.h"

#include "Framing.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

namespace switchyard {

using Json = nlohmann::json;

static std::string_view baseName(std::string_view Path) {
  size_t Slash = Path.rfind('/');
  return Slash == std::string_view::npos ? Path : Path.substr(Slash + 1);
}

Expected<std::shared_ptr<const DecisionLog>>
DecisionLog::load(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return failure("replay log '" + Path + "': cannot read the file");
  auto L = std::make_shared<DecisionLog>();
  L->Path = Path;
  std::string Line;
  unsigned LineNo = 0;
  while (std::getline(In, Line)) {
    ++LineNo;
    std::string Where =
        "replay log '" + Path + "':" + std::to_string(LineNo) + ": ";
    if (Line.empty())
      continue;
    bool Truncated = In.eof();
    Json J = Json::parse(Line, nullptr, /*allow_exceptions=*/false);
    if (J.is_discarded() || !J.is_object())
      return failure(Where + (Truncated ? "the last line is cut short: a "
                                          "truncated log?"
                                        : "not a JSON decision record"));
    auto Str = [&J](const char *Name, std::string &Out) {
      auto It = J.find(Name);
      if (It == J.end() || !It->is_string())
        return false;
      Out = It->get<std::string>();
      return true;
    };
    Entry E;
    std::string Kind, Answer;
    auto Site = J.find("site");
    auto Index = J.find("index");
    if (!Str("kind", Kind) || !parseKindName(Kind, E.Kind) ||
        !Str("module", E.Module) || !Str("function", E.Function) ||
        !Str("pass", E.Pass) || !Str("unit", E.Unit) ||
        !Str("answer", Answer) || Site == J.end() ||
        !Site->is_number_unsigned() || Index == J.end() ||
        !Index->is_number_unsigned())
      return failure(Where + "not a decision record (it needs kind, module, "
                             "function, pass, unit, site, index and answer)");
    E.Site = Site->get<uint64_t>();
    E.Index = Index->get<uint32_t>();
    if (!parseAnswerText(Answer, E.Answer))
      return failure(Where + "cannot read the answer '" + Answer + "'");
    L->Entries.push_back(std::move(E));
  }
  if (L->Entries.empty())
    return failure("replay log '" + Path + "': no decisions in it");
  return std::shared_ptr<const DecisionLog>(std::move(L));
}

Expected<std::vector<Subscription>>
ReplayProvider::openImpl(const ModuleInfo &Info) {
  // The module's own entries: by its name, or, for a log made in another
  // checkout or build directory, by its file name.
  std::string_view Name = Info.ModuleName;
  bool Exact = false;
  for (const DecisionLog::Entry &E : Log->Entries)
    Exact |= E.Module == Name;
  std::set<std::string> Others;
  for (const DecisionLog::Entry &E : Log->Entries) {
    bool Mine = Exact ? E.Module == Name : baseName(E.Module) == baseName(Name);
    if (!Mine) {
      Others.insert(E.Module);
      continue;
    }
    Pending[Key(E.Kind, E.Function, E.Pass, E.Unit, E.Site, E.Index)].push_back(
        &E);
    ++NumEntries;
  }
  if (NumEntries == 0) {
    std::string List;
    size_t Shown = 0;
    for (const std::string &M : Others) {
      if (Shown++ == 3) {
        List += ", ...";
        break;
      }
      List += (List.empty() ? "" : ", ") + M;
    }
    return failure("replay log '" + Log->Path +
                   "' has no decisions for module '" + std::string(Name) +
                   "': it is a log of another program (its modules: " + List +
                   ")");
  }
  std::vector<Subscription> Subs;
  for (DecisionKind K : Info.Offered) {
    Subscription S;
    S.Kind = K;
    S.NoFeatures = true; // Replay reads none, so none are computed.
    Subs.push_back(S);
  }
  return Subs;
}

Expected<Reply> ReplayProvider::decideImpl(const DecisionRequest &R) {
  Reply Out;
  Key K(R.Kind, std::string(R.Context.Function), std::string(R.Context.Pass),
        std::string(R.Context.UnitName), R.Context.SiteId, R.Context.Index);
  auto It = Pending.find(K);
  if (It == Pending.end())
    return Out;
  size_t &Next = Used[K];
  if (Next == It->second.size())
    return Out;
  const ModelAction &A = It->second[Next++]->Answer;
  ++NumUsed;
  if (A.UseDefault)
    return Out;
  Choice C;
  // A name this site does not offer goes through as an out-of-range index:
  // the session refuses it with the usual warning, as it would the agent's.
  if (!resolveAnswer(A, R.Legal, C)) {
    bool Known = false;
    for (size_t I = 0; I < R.Legal.size(); ++I)
      Known |= R.Legal[I].Name == A.Option;
    if (!Known) {
      C.Option = UINT32_MAX;
      C.Params = A.Params;
    }
  }
  Out.UseDefault = false;
  Out.Chosen = std::move(C);
  return Out;
}

std::string ReplayProvider::leftovers() const {
  if (NumUsed == NumEntries)
    return "";
  return "replay log '" + Log->Path +
         "': " + std::to_string(NumEntries - NumUsed) + " of its " +
         std::to_string(NumEntries) +
         " decisions for this module were never asked for";
}

} // namespace switchyard
