//===- SocketProvider.cpp - Decisions from an agent on a Unix socket ------===//

#include "SocketProvider.h"

#include "Encoding.h"

using namespace llvm;

namespace switchyard {

static Error protocolError(const Twine &Msg) {
  return createStringError(std::make_error_code(std::errc::protocol_error),
                           Msg);
}

Error SocketProvider::sendBuilt(Clock::time_point Deadline) {
  std::string Err;
  if (!Chan.send(Builder.GetBufferPointer(), Builder.GetSize(), Deadline, Err))
    return createStringError(std::make_error_code(std::errc::io_error),
                             Twine(Err));
  return Error::success();
}

Expected<std::vector<Subscription>>
SocketProvider::openImpl(const ModuleInfo &Info) {
  Clock::time_point Deadline = Clock::now() + Timeout;
  std::string Err;
  if (!Chan.connect(SocketPath, Deadline, Err))
    return createStringError(
        std::make_error_code(std::errc::connection_refused), Twine(Err));
  encodeHello(Builder, Info);
  if (Error E = sendBuilt(Deadline))
    return std::move(E);
  const fb::Frame *F = Chan.receive(Deadline, Err);
  if (!F) {
    Chan.close();
    return protocolError("no handshake reply: " + Twine(Err));
  }
  Expected<std::vector<Subscription>> Subs = decodeHelloReply(*F);
  if (!Subs)
    Chan.close();
  return Subs;
}

Expected<Reply> SocketProvider::decideImpl(const DecisionRequest &Request) {
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
  if (Error E = sendBuilt(Deadline))
    return std::move(E);
  std::string Err;
  const fb::Frame *F = Chan.receive(Deadline, Err);
  if (!F)
    return protocolError(Twine(Err) + " (waiting for the answer to " +
                         kindName(Request.Kind) + " request " + Twine(Id) +
                         ")");
  return decodeReply(*F, Id);
}

void SocketProvider::closeImpl(const ModuleReport &Report) {
  if (!Chan.isOpen())
    return;
  encodeReport(Builder, Report);
  // The report is informational: a failure to deliver it costs nothing.
  consumeError(sendBuilt(Clock::now() + Timeout));
  Chan.close();
}

} // namespace switchyard
