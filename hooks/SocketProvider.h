//===- SocketProvider.h - Decisions from an agent on a Unix socket --------===//

#ifndef SWITCHYARD_HOOKS_SOCKETPROVIDER_H
#define SWITCHYARD_HOOKS_SOCKETPROVIDER_H

#include "Channel.h"
#include "Decision.h"

#include "flatbuffers/flatbuffers.h"

namespace switchyard {

/// Speaks the Switchyard protocol to an agent: one connection per module,
/// a handshake, one request and reply per decision, and a closing report.
/// Every wait is bounded by the timeout; every reply is verified and
/// matched to its request before it is believed.
class SocketProvider : public DecisionProvider {
public:
  SocketProvider(std::string SocketPath, std::chrono::milliseconds Timeout,
                 std::chrono::microseconds Spin = std::chrono::microseconds(0))
      : SocketPath(std::move(SocketPath)), Timeout(Timeout) {
    Chan.setSpinLimit(Spin);
  }

protected:
  llvm::Expected<std::vector<Subscription>>
  openImpl(const ModuleInfo &Info) override;
  llvm::Expected<Reply> decideImpl(const DecisionRequest &Request) override;
  void closeImpl(const ModuleReport &Report) override;

private:
  llvm::Expected<Reply> exchange(const DecisionRequest &Request);
  llvm::Error sendBuilt(Clock::time_point Deadline);

  std::string SocketPath;
  std::chrono::milliseconds Timeout;
  Channel Chan;
  flatbuffers::FlatBufferBuilder Builder{1024};
  uint64_t NextId = 1;
};

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_SOCKETPROVIDER_H
