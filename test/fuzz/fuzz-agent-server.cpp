//===- fuzz-agent-server.cpp - Compiler bytes into a real agent Server ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The input is the byte stream one compiler connection sends. A real
// Server, serving the random policy on its libuv loop in this thread, takes
// it on a real Unix socket, written in pieces whose sizes derive from the
// input with the loop run in between, then the client hangs up.
//
// Whatever the input: the server closes the connection and frees the client
// (libFuzzer's leak check sees every input), everything it writes back is a
// verified frame, and it answers each decision request it counted exactly
// once, in order, with that request's id.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "switchyard/Agent.h"
#include "switchyard/Server.h"

#include <algorithm>
#include <cerrno>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace switchyard;
using namespace switchyard::fuzz;

namespace {

class Fixture {
public:
  Fixture() {
    const char *Tmp = std::getenv("TMPDIR");
    std::string Template =
        std::string(Tmp && *Tmp ? Tmp : "/tmp") + "/switchyard-fuzz-XXXXXX";
    if (!::mkdtemp(Template.data()))
      fail("cannot create a directory for the agent's socket");
    Dir = Template;
    std::string Err;
    Policy = makePolicy("random", 7, Err);
    ServerOptions O;
    O.SocketPath = Dir + "/agent.sock";
    O.Log = [](const std::string &) {};
    O.OnDecision = [this](const SessionInfo &, uint64_t Id,
                          const DecisionRequest &, const Answer &) {
      Ids.push_back(Id);
    };
    uv_loop_init(&Loop);
    TheServer = std::make_unique<Server>(&Loop, *Policy, O);
    if (TheServer->listen(Err) < 0) {
      std::fprintf(stderr, "%s\n", Err.c_str());
      fail("the server does not listen");
    }
    Path = O.SocketPath;
  }

  /// Removes the socket; the server dies with the process.
  void cleanUp() {
    ::unlink(Path.c_str());
    ::rmdir(Dir.c_str());
  }

  void run(const uint8_t *Data, size_t Size);

private:
  /// Reads whatever the server has written so far.
  void drain(int Fd) {
    uint8_t Chunk[16384];
    ssize_t N;
    while ((N = ::recv(Fd, Chunk, sizeof(Chunk), MSG_DONTWAIT)) > 0)
      Replies.feed(Chunk, static_cast<size_t>(N));
  }

  std::string Dir, Path;
  std::unique_ptr<Agent> Policy;
  uv_loop_t Loop;
  std::unique_ptr<Server> TheServer;
  std::vector<uint64_t> Ids; ///< Of the requests the agent answered.
  FrameDecoder Replies;
};

void Fixture::run(const uint8_t *Data, size_t Size) {
  Ids.clear();
  Replies = FrameDecoder();
  const ServerStats Before = TheServer->stats();

  int Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un Addr{};
  Addr.sun_family = AF_UNIX;
  std::strncpy(Addr.sun_path, Path.c_str(), sizeof(Addr.sun_path) - 1);
  if (Fd < 0 ||
      ::connect(Fd, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)) != 0)
    fail("cannot connect to the server");

  InputRng Rng(Data, Size);
  size_t Pos = 0;
  while (Pos < Size) {
    size_t Piece = Rng.between(1, Rng.between(0, 3) ? 64 : 4096);
    size_t N = std::min(Size - Pos, Piece);
    ssize_t W = ::send(Fd, Data + Pos, N, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (W < 0 && errno != EAGAIN && errno != EINTR)
      break; // The server dropped us: the rest has no one to read it.
    if (W > 0)
      Pos += static_cast<size_t>(W);
    uv_run(&Loop, UV_RUN_NOWAIT);
    drain(Fd);
  }
  ::shutdown(Fd, SHUT_WR);

  // Until the server has accepted this client and closed it again. A server
  // that never lets go of a client that hung up runs into libFuzzer's
  // -timeout.
  while (TheServer->stats().Connections == Before.Connections ||
         TheServer->stats().Open != 0) {
    uv_run(&Loop, UV_RUN_ONCE);
    drain(Fd);
  }
  drain(Fd);
  ::close(Fd);

  // Every reply verifies and decodes, and answers the counted requests one
  // by one.
  CodecReader Codec;
  size_t Answered = 0;
  std::string Err;
  for (;;) {
    const fb::Frame *F = nullptr;
    FrameDecoder::Status St = Replies.next(F, Err);
    if (St == FrameDecoder::Status::Error)
      fail("the server wrote a frame that does not verify");
    if (St == FrameDecoder::Status::NeedMore)
      break;
    walkFrame(*F);
    Codec.read(*F);
    switch (F->message_type()) {
    case fb::Message::HelloReply:
      if (!decodeHelloReply(*F))
        fail("the server wrote a handshake reply the codec refuses");
      break;
    case fb::Message::DecisionReply:
      if (Answered >= Ids.size() || !decodeReply(*F, Ids[Answered]))
        fail("a reply answers no request, or the wrong one");
      ++Answered;
      break;
    default:
      fail("the server wrote neither a handshake reply nor a decision reply");
    }
  }
  if (Replies.pending() != 0)
    fail("the server left a partial frame");
  if (Answered != Ids.size() ||
      TheServer->stats().Decisions - Before.Decisions != Ids.size())
    fail("a decision was not answered exactly once");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static Fixture *F = [] {
    auto *New = new Fixture();
    std::atexit([] { F->cleanUp(); });
    return New;
  }();
  F->run(Data, Size);
  return 0;
}
