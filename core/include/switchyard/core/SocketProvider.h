//===- SocketProvider.h - Decisions from an agent on a Unix socket --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_SOCKETPROVIDER_H
#define SWITCHYARD_CORE_SOCKETPROVIDER_H

#include "Channel.h"
#include "switchyard/Agent.h"
#include "switchyard/core/Session.h"

#include "flatbuffers/flatbuffers.h"

namespace switchyard {

/// Speaks the Switchyard protocol to an agent: one connection per module,
/// a handshake, one request and reply per decision, and a closing report.
/// Every wait is bounded by the timeout; every reply is verified and
/// matched to its request before it is believed. Rules the agent pushes
/// down in its HelloReply answer the decisions they match here, without a
/// round trip.
class SocketProvider : public DecisionProvider {
public:
  SocketProvider(std::string SocketPath, std::chrono::milliseconds Timeout,
                 std::chrono::microseconds Spin = std::chrono::microseconds(0))
      : SocketPath(std::move(SocketPath)), Timeout(Timeout) {
    Chan.setSpinLimit(Spin);
  }

protected:
  Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) override;
  Expected<Reply> decideImpl(const DecisionRequest &Request) override;
  void closeImpl(const ModuleReport &Report) override;

private:
  Expected<Reply> exchange(const DecisionRequest &Request);
  /// Sends the frame in Builder; an empty string, or why it failed.
  std::string sendBuilt(Clock::time_point Deadline);

  std::string SocketPath;
  std::chrono::milliseconds Timeout;
  Channel Chan;
  flatbuffers::FlatBufferBuilder Builder{1024};
  uint64_t NextId = 1;
  std::unique_ptr<RuleSet> LocalRules;
  SessionInfo Session; ///< What the local rules see of the session.
};

} // namespace switchyard

#endif // SWITCHYARD_CORE_SOCKETPROVIDER_H
