//===- ReplayProvider.h - Decisions replayed from a decision log ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// SWITCHYARD_POLICY=replay:LOG. The log is what `switchyard-agent --log` or
// the Python SDK's agent wrote: one JSON object per decision. Each of this
// module's entries answers the site with the same kind, function, pass,
// unit, site id and index, in log order when one site was asked more than
// once; a site the log lacks gets the compiler's default, and entries no
// site asked for are reported when the module ends.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_REPLAYPROVIDER_H
#define SWITCHYARD_CORE_REPLAYPROVIDER_H

#include "switchyard/core/ModelProvider.h"

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace switchyard {

/// A decision log, read once and shared by every module's provider.
struct DecisionLog {
  struct Entry {
    DecisionKind Kind;
    std::string Module, Function, Pass, Unit;
    uint64_t Site = 0;
    uint32_t Index = 0;
    ModelAction Answer;
  };
  std::string Path;
  std::vector<Entry> Entries;

  /// Reads and checks the log at \p Path; an error names the file and line.
  static Expected<std::shared_ptr<const DecisionLog>>
  load(const std::string &Path);
};

class ReplayProvider : public DecisionProvider {
public:
  explicit ReplayProvider(std::shared_ptr<const DecisionLog> Log)
      : Log(std::move(Log)) {}

  std::string leftovers() const override;

protected:
  Expected<std::vector<Subscription>> openImpl(const ModuleInfo &Info) override;
  Expected<Reply> decideImpl(const DecisionRequest &Request) override;
  void closeImpl(const ModuleReport &) override {}

private:
  using Key = std::tuple<DecisionKind, std::string, std::string, std::string,
                         uint64_t, uint32_t>;
  std::shared_ptr<const DecisionLog> Log;
  /// This module's entries by site, each site's in log order.
  std::map<Key, std::vector<const DecisionLog::Entry *>> Pending;
  std::map<Key, size_t> Used;
  size_t NumEntries = 0;
  size_t NumUsed = 0;
};

} // namespace switchyard

#endif // SWITCHYARD_CORE_REPLAYPROVIDER_H
