//===- InProcessProvider.h - Decisions from a policy inside the compiler --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_INPROCESSPROVIDER_H
#define SWITCHYARD_CORE_INPROCESSPROVIDER_H

#include "switchyard/core/Session.h"

#include "switchyard/Agent.h"

#include "Codec.h"

#include "flatbuffers/flatbuffers.h"

namespace switchyard {

/// Answers from an agent-SDK policy running inside the compiler: for
/// production builds that apply a learned or replayed policy with no agent
/// process. The policy gets the compiler's messages directly, no process
/// boundary and so no encoding in between. With \p VerifyFrames, every
/// message goes through the codec and the flatbuffers Verifier first, so
/// the policy sees exactly what a socket agent would decode.
class InProcessProvider : public DecisionProvider {
public:
  explicit InProcessProvider(std::unique_ptr<Agent> Policy,
                             bool VerifyFrames = false)
      : Policy(std::move(Policy)), VerifyFrames(VerifyFrames) {}

protected:
  Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) override;
  Expected<Reply> decideImpl(const DecisionRequest &Request) override;
  void closeImpl(const ModuleReport &Report) override;

private:
  /// The frame just built, verified as a socket agent's server would.
  Expected<const fb::Frame *> verifiedFrame();

  std::unique_ptr<Agent> Policy;
  bool VerifyFrames;
  SessionInfo Session;
  bool Open = false;
  flatbuffers::FlatBufferBuilder Builder{1024};
  ReceivedRequest Received;
  uint64_t NextId = 1;
};

} // namespace switchyard

#endif // SWITCHYARD_CORE_INPROCESSPROVIDER_H
