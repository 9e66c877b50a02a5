//===- SocketProvider.cpp - Decisions from an agent on a Unix socket ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/SocketProvider.h"

#include "Codec.h"
#include "Framing.h"

namespace switchyard {

std::string SocketProvider::sendBuilt(Clock::time_point Deadline) {
  std::string Err;
  if (!Chan.send(Builder.GetBufferPointer(), Builder.GetSize(), Deadline, Err))
    return Err.empty() ? "send failed" : Err;
  return "";
}

Expected<std::vector<Subscription>>
SocketProvider::openImpl(const ModuleInfo &Info) {
  Clock::time_point Deadline = Clock::now() + Timeout;
  std::string Err;
  if (!Chan.connect(SocketPath, Deadline, Err))
    return failure(Err);
  encodeHello(Builder, Info);
  if (std::string E = sendBuilt(Deadline); !E.empty())
    return failure(E);
  const fb::Frame *F = Chan.receive(Deadline, Err);
  if (!F) {
    Chan.close();
    return failure("no handshake reply: " + Err);
  }
  Expected<HelloReply> R = decodeHelloReply(*F);
  if (!R) {
    Chan.close();
    return R.takeFailure();
  }
  if (!R->Accept) {
    Chan.close();
    return failure("agent refused the session: " +
                   (R->Reason.empty() ? std::string("no reason") : R->Reason));
  }
  if (!R->LocalRules.empty()) {
    LocalRules = RuleSet::parse(R->LocalRules, "the agent's pushed-down rules",
                                Err);
    if (!LocalRules) {
      Chan.close();
      return failure(Err);
    }
    Session = describeSession(Info);
  }
  return std::move(R->Subscriptions);
}

Expected<Reply> SocketProvider::decideImpl(const DecisionRequest &Request) {
  if (LocalRules)
    if (std::optional<Reply> Local = LocalRules->answer(Session, Request))
      return std::move(*Local);
  Expected<Reply> R = exchange(Request);
  // After a fault the session asks no more: let the agent free this client
  // now rather than when the module ends.
  if (!R)
    Chan.close();
  return R;
}

Expected<Reply> SocketProvider::exchange(const DecisionRequest &Request) {
  Clock::time_point Deadline = Clock::now() + Timeout;
  uint64_t Id = NextId++;
  encodeRequest(Builder, Request, Id);
  if (std::string E = sendBuilt(Deadline); !E.empty())
    return failure(E);
  std::string Err;
  const fb::Frame *F = Chan.receive(Deadline, Err);
  if (!F)
    return failure(Err + " (waiting for the answer to " +
                   kindName(Request.Kind) + " request " + std::to_string(Id) +
                   ")");
  return decodeReply(*F, Id);
}

void SocketProvider::closeImpl(const ModuleReport &Report) {
  if (!Chan.isOpen())
    return;
  encodeReport(Builder, Report);
  // The report is informational: a failure to deliver it costs nothing.
  (void)sendBuilt(Clock::now() + Timeout);
  Chan.close();
}

} // namespace switchyard
