//===- TestUtil.h - Frames, sockets and a server thread for unit tests ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_TEST_UNIT_TESTUTIL_H
#define SWITCHYARD_TEST_UNIT_TESTUTIL_H

#include "Channel.h"
#include "Codec.h"
#include "Framing.h"
#include "switchyard/Agent.h"
#include "switchyard/Server.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <uv.h>
#include <vector>

namespace switchyard::test {

using namespace std::chrono_literals;

/// A deadline \p Ms from now.
inline Clock::time_point after(std::chrono::milliseconds Ms) {
  return Clock::now() + Ms;
}

/// A fresh directory under /tmp, removed with everything in it.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return Path; }
  std::string file(const std::string &Name) const { return Path + "/" + Name; }
  /// Writes \p Text to \p Name in this directory and returns its path.
  std::string write(const std::string &Name, const std::string &Text) const;

private:
  std::string Path;
};

// What a test's messages hold, owned: the codec's messages (Messages.h) only
// point to their strings. Each is encoded by the codec, as the plugin does.

struct ParamDesc {
  std::string Name;
  int64_t Min = 0;
  int64_t Max = 0;
  bool PowerOfTwo = false;
};

struct OptionDesc {
  std::string Name;
  std::vector<ParamDesc> Params;
};

struct HelloDesc {
  uint32_t Version = ProtocolVersion;
  std::string Module = "m.c";
  std::vector<fb::DecisionKind> Offered = {fb::DecisionKind::PassGate,
                                           fb::DecisionKind::Inline};
  std::vector<std::string> ActionSpace;
  /// Feature names per kind, as the Hello of version 2 announces them.
  std::vector<std::pair<fb::DecisionKind, std::vector<std::string>>> Features;
};

struct RequestDesc {
  uint64_t Id = 1;
  fb::DecisionKind Kind = fb::DecisionKind::Inline;
  bool HasContext = true;
  std::string Module = "m.c";
  std::string Function = "main";
  std::string Pass = "InlinerPass";
  std::string PassArg = "inline";
  fb::UnitKind Unit = fb::UnitKind::CallSite;
  std::string UnitName = "call";
  uint64_t Site = 0;
  uint32_t Index = 0;
  std::vector<std::string> FeatureNames;
  std::vector<double> FeatureValues;
  std::vector<OptionDesc> Legal;
  /// Version 1 sends the feature names with the request.
  uint32_t Version = ProtocolVersion;
};

/// Finished flatbuffers, without the length prefix.
std::vector<uint8_t> buildHello(const HelloDesc &H);
std::vector<uint8_t> buildRequest(const RequestDesc &R);
std::vector<uint8_t> buildReport(const std::string &Module);

/// Holds a built request and reads it back the way the server does.
/// A request as an agent receives it: encoded, verified and decoded, with
/// its kind's feature names announced in a session of its own.
class Request {
public:
  explicit Request(const RequestDesc &R);
  const DecisionRequest &get() const { return Received.Request; }

private:
  std::vector<uint8_t> Bytes;
  SessionInfo Session;
  ReceivedRequest Received;
};

/// A Unix socket address for \p Path.
int bindUnix(const std::string &Path);
/// A socket listening on \p Path that never accepts unless asked to.
int listenUnix(const std::string &Path, int Backlog = 16);
/// Leaves a socket file at \p Path with nothing behind it.
void makeStaleSocket(const std::string &Path);
/// Writes all of \p Data to \p Fd.
bool writeAll(int Fd, const void *Data, size_t Size);

struct HelloResult : HelloReply {
  std::string Err; ///< Set when no HelloReply came back.
};

struct ReplyResult {
  std::string Err; ///< Set when no reply to the request came back.
  uint64_t Id = 0;
  bool UseDefault = true;
  uint32_t Option = 0;
  std::vector<int64_t> Params;
  std::string Target;
  uint32_t Observations = 0;
};

/// Connects \p C to \p Path, failing the test on error.
bool connectTo(Channel &C, const std::string &Path);
/// Sends a Hello and waits for the HelloReply.
HelloResult sayHello(Channel &C, const HelloDesc &H = HelloDesc());
/// Sends a DecisionRequest and waits for the DecisionReply.
ReplyResult ask(Channel &C, const RequestDesc &R);

/// Runs a Server on its own libuv loop in a thread, as switchyard-agent does.
/// The test thread reaches the loop only through onLoop(), which goes through
/// a uv_async_t.
class ServerThread {
public:
  ServerThread(Agent &TheAgent, ServerOptions Options);
  ~ServerThread();
  ServerThread(const ServerThread &) = delete;
  ServerThread &operator=(const ServerThread &) = delete;

  /// Listens on the test thread, before the loop runs.
  int listen(std::string &Err) { return TheServer->listen(Err); }
  /// Listens and starts the loop thread; fails the test on error.
  bool start();

  /// Runs \p Fn on the loop thread and returns its result.
  template <typename Fn> auto onLoop(Fn F) -> decltype(F()) {
    if (!Running)
      return F();
    std::packaged_task<decltype(F())()> Task(std::move(F));
    auto Result = Task.get_future();
    {
      std::lock_guard<std::mutex> Lock(Mutex);
      Tasks.push_back([&Task] { Task(); });
    }
    uv_async_send(&Wake);
    return Result.get();
  }

  ServerStats stats() {
    return onLoop([this] { return TheServer->stats(); });
  }

  /// Polls the stats until \p Pred holds or \p Timeout passes.
  bool waitFor(const std::function<bool(const ServerStats &)> &Pred,
               std::chrono::milliseconds Timeout = 5000ms);

  /// Closes the server on its loop and joins the thread. By default waits
  /// first for the server to see every client leave.
  void stop(bool WaitForClients = true);

  /// The stats once stop() has returned.
  const ServerStats &finalStats() const { return TheServer->stats(); }

private:
  static void onWake(uv_async_t *A);

  uv_loop_t Loop;
  uv_async_t Wake;
  std::unique_ptr<Server> TheServer;
  std::thread Thread;
  std::mutex Mutex;
  std::deque<std::function<void()>> Tasks;
  bool Running = false;
  bool Stopped = false;
};

} // namespace switchyard::test

#endif // SWITCHYARD_TEST_UNIT_TESTUTIL_H
