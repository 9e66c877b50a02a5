//===- InProcessProvider.h - Decisions from a policy inside the compiler --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_INPROCESSPROVIDER_H
#define SWITCHYARD_CORE_INPROCESSPROVIDER_H

#include "switchyard/core/Session.h"

#include "switchyard/Agent.h"

#include "flatbuffers/flatbuffers.h"

namespace switchyard {

/// Answers from an agent-SDK policy running inside the compiler: for
/// production builds that apply a learned or replayed policy with no agent
/// process. The policy sees exactly the verified frames a socket agent would.
class InProcessProvider : public DecisionProvider {
public:
  explicit InProcessProvider(std::unique_ptr<Agent> Policy)
      : Policy(std::move(Policy)) {}

protected:
  Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) override;
  Expected<Reply> decideImpl(const DecisionRequest &Request) override;
  void closeImpl(const ModuleReport &Report) override;

private:
  /// The frame just built, verified as a socket agent's server would.
  Expected<const fb::Frame *> verifiedFrame();

  std::unique_ptr<Agent> Policy;
  SessionInfo Session;
  bool Open = false;
  flatbuffers::FlatBufferBuilder Builder{1024};
  uint64_t NextId = 1;
};

} // namespace switchyard

#endif // SWITCHYARD_CORE_INPROCESSPROVIDER_H
