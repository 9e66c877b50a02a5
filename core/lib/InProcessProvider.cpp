//===- InProcessProvider.cpp - Decisions from a policy inside the compiler ===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/InProcessProvider.h"

#include "Codec.h"
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
  encodeHello(Builder, Info);
  Expected<const fb::Frame *> F = verifiedFrame();
  if (!F)
    return F.takeFailure();
  Session = describeSession(*(*F)->message_as_Hello());
  Session.Id = 1;
  Session.Pid = getpid();
  HelloAnswer A = Policy->hello(Session);
  if (!A.Accept)
    return failure("policy refused the session: " + A.Reason);
  Open = true;
  std::vector<Subscription> Subs;
  for (const SubscriptionSpec &S : A.Subscriptions)
    Subs.push_back(
        {S.Kind, S.Passes, S.Functions, S.Observations, S.NoFeatures});
  return Subs;
}

Expected<Reply> InProcessProvider::decideImpl(const DecisionRequest &Request) {
  encodeRequest(Builder, Request, NextId++);
  Expected<const fb::Frame *> F = verifiedFrame();
  if (!F)
    return F.takeFailure();
  Answer A = Policy->decide(Session, *(*F)->message_as_DecisionRequest());
  Reply R;
  R.UseDefault = A.UseDefault;
  R.Observations = A.Observations;
  R.Chosen.Option = A.Option;
  R.Chosen.Params.assign(A.Params.begin(), A.Params.end());
  R.Chosen.Target = A.Target;
  return R;
}

void InProcessProvider::closeImpl(const ModuleReport &Report) {
  if (!Open)
    return;
  encodeReport(Builder, Report);
  if (Expected<const fb::Frame *> F = verifiedFrame())
    Policy->report(Session, *(*F)->message_as_ModuleReport());
  Policy->closed(Session);
  Open = false;
}

} // namespace switchyard
