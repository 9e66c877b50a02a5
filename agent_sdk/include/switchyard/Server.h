//===- Server.h - A libuv server for many compiler connections ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_SERVER_H
#define SWITCHYARD_SERVER_H

#include "switchyard/Agent.h"

#include <cstdint>
#include <functional>
#include <string>
#include <uv.h>

namespace switchyard {

struct ServerOptions {
  std::string SocketPath;
  /// Serve clients of other users too. Off by default: the kernel's peer
  /// credentials must name this user.
  bool AllowOtherUsers = false;
  /// Largest frame accepted from a compiler.
  uint32_t MaxFrame = 64u << 20;
  /// A client that has not finished its handshake by then is dropped.
  uint64_t HandshakeTimeoutMs = 10000;
  /// Rules (script syntax) pushed down to every compiler ahead of any the
  /// agent's hello() gives: what they match is answered in the compiler.
  std::string LocalRules;
  /// Which features compilers are asked to compute.
  enum class FeatureRequest {
    AsSubscribed, ///< What the agent's subscriptions say.
    None,         ///< None, whatever the agent subscribes to.
    All,          ///< Every feature of every subscribed kind (for a log).
  };
  FeatureRequest Features = FeatureRequest::AsSubscribed;
  /// After answering, the loop may keep polling without sleeping for up to
  /// this long: a compiler's next request often follows within
  /// microseconds, and sleeping in epoll_wait() and being woken costs more
  /// than that on a virtual machine. How long it polls adapts to each
  /// connection: the window that minimises the expected cost, over its last
  /// 64 gaps between an answer and the next request, of polling (the time
  /// spent spinning) and of sleeping (WakeCostUs per request that came too
  /// late). Zero never polls. The loop never spins while as many compilers
  /// are connected as there are CPUs.
  uint32_t BusyPollUs = 500;
  /// What one sleep and wake-up is taken to cost, in CPU and in the
  /// compiler's waiting, when choosing the polling window.
  uint32_t WakeCostUs = 50;
  /// Receives one line per notable event (refused or broken client).
  std::function<void(const std::string &)> Log;
  /// Receives every answered decision, for --log.
  std::function<void(const SessionInfo &, uint64_t Id, const DecisionRequest &,
                     const Answer &)>
      OnDecision;
  /// Sees every accepted handshake, before the agent answers it.
  std::function<void(const SessionInfo &)> OnHello;
  /// Receives every end-of-module report.
  std::function<void(const SessionInfo &, const ModuleReport &)> OnReport;
};

struct ServerStats {
  uint64_t Connections = 0;
  uint64_t Refused = 0;
  uint64_t Dropped = 0; ///< Closed for a protocol error or a timeout.
  uint64_t Decisions = 0;
  uint64_t Reports = 0;
  uint64_t Open = 0;
  bool Listened = false; ///< listen() succeeded.
  uint64_t PolledNs = 0;  ///< Time spent busy-polling (CPU, by design).
  uint64_t WokenRequests = 0; ///< Requests that came after polling stopped.
};

/// Serves the Switchyard protocol on a Unix socket, on the caller's loop.
/// One thread, many concurrent compilers: the agent is called on the loop.
class Server {
public:
  Server(uv_loop_t *Loop, Agent &TheAgent, ServerOptions Options);
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  /// Creates the socket (owner-only permissions) and starts listening.
  /// Ignores SIGPIPE for the process: a client that hangs up must cost a
  /// write error, not the agent.
  /// Returns 0 or a negative libuv error code; \p Err says what failed.
  int listen(std::string &Err);

  /// Stops listening, closes every client and removes the socket file. The
  /// loop then runs dry once the close callbacks have run.
  void close();

  const ServerStats &stats() const { return Stats; }

  struct Client;

private:
  friend struct Client;
  static void onConnection(uv_stream_t *Listener, int Status);

  void accept();
  void log(const std::string &Line);
  void busyPoll(uint32_t WindowUs);
  static void onBusyPoll(uv_idle_t *Idle);

  uv_loop_t *Loop;
  Agent &TheAgent;
  ServerOptions Options;
  uv_pipe_t Listener;
  uv_idle_t Spinner;       ///< Active while busy-polling.
  uint64_t PollStartNs = 0;
  uint64_t PollUntilNs = 0;
  unsigned OnlineCpus;
  bool Listening = false;
  bool Closed = false;
  ServerStats Stats;
  Client *Clients = nullptr; ///< Intrusive list of open clients.
};

} // namespace switchyard

#endif // SWITCHYARD_SERVER_H
