//===- InProcessProvider.cpp - Decisions from a policy inside the compiler ===//

#include "InProcessProvider.h"

#include "Encoding.h"
#include "Framing.h"

#include "llvm/Support/Process.h"

using namespace llvm;

namespace switchyard {

Expected<const fb::Frame *> InProcessProvider::verifiedFrame() {
  std::string Err;
  const fb::Frame *F =
      verifyFrame(Builder.GetBufferPointer(), Builder.GetSize(), Err);
  if (!F)
    return createStringError("in-process frame: " + Twine(Err));
  return F;
}

Expected<std::vector<Subscription>>
InProcessProvider::openImpl(const ModuleInfo &Info) {
  encodeHello(Builder, Info);
  Expected<const fb::Frame *> F = verifiedFrame();
  if (!F)
    return F.takeError();
  Session = describeSession(*(*F)->message_as_Hello());
  Session.Id = 1;
  Session.Pid = sys::Process::getProcessId();
  HelloAnswer A = Policy->hello(Session);
  if (!A.Accept)
    return createStringError("policy refused the session: " + Twine(A.Reason));
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
    return F.takeError();
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
  else
    consumeError(F.takeError());
  Policy->closed(Session);
  Open = false;
}

} // namespace switchyard
