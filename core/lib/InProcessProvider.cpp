//===- InProcessProvider.cpp - Decisions from a policy inside the compiler ===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/InProcessProvider.h"

#include "Framing.h"

#include <unistd.h>

namespace switchyard {

Expected<const fb::Frame *> InProcessProvider::verifiedFrame() {
  std::string Err;
  const fb::Frame *F =
      verifyFrame(Builder.GetBufferPointer(), Builder.GetSize(), Err);
  if (!F)
    return failure("in-process frame: " + Err);
  return F;
}

Expected<std::vector<Subscription>>
InProcessProvider::openImpl(const ModuleInfo &Info) {
  if (VerifyFrames) {
    encodeHello(Builder, Info);
    Expected<const fb::Frame *> F = verifiedFrame();
    if (!F)
      return F.takeFailure();
    Expected<SessionInfo> Decoded = decodeHello(**F);
    if (!Decoded)
      return Decoded.takeFailure();
    Session = std::move(*Decoded);
  } else {
    Session = describeSession(Info);
    Session.Version = ProtocolVersion;
  }
  Session.Id = 1;
  Session.Pid = getpid();
  HelloAnswer A = Policy->hello(Session);
  if (!A.Accept)
    return failure("policy refused the session: " + A.Reason);
  Open = true;
  return std::move(A.Subscriptions);
}

Expected<Reply> InProcessProvider::decideImpl(const DecisionRequest &Request) {
  uint64_t Id = NextId++;
  if (!VerifyFrames)
    return Policy->decide(Session, Request);
  encodeRequest(Builder, Request, Id);
  Expected<const fb::Frame *> F = verifiedFrame();
  if (!F)
    return F.takeFailure();
  std::string Err;
  if (!decodeRequest(**F, Session, Received, Err))
    return failure("in-process frame: " + Err);
  return Policy->decide(Session, Received.Request);
}

void InProcessProvider::closeImpl(const ModuleReport &Report) {
  if (!Open)
    return;
  if (!VerifyFrames) {
    Policy->report(Session, Report);
  } else {
    encodeReport(Builder, Report);
    if (Expected<const fb::Frame *> F = verifiedFrame())
      if (Expected<ModuleReport> Decoded = decodeReport(**F))
        Policy->report(Session, *Decoded);
  }
  Policy->closed(Session);
  Open = false;
}

} // namespace switchyard
