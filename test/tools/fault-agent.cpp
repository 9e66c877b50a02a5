//===- fault-agent.cpp - An agent that misbehaves on purpose, for tests ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   fault-agent --socket PATH --mode MODE [--after N] [--at-hello]
//               [--subscribe-all] [--on-kind KIND] [--delay-ms N]
//               [--limit-s N] -- COMMAND ARGS...
//
// Runs COMMAND with SWITCHYARD_AGENT=PATH, like switchyard-agent, and serves
// every compiler it starts. Each connection gets a correct handshake and N
// correct "default" answers (N = --after, 0 by default); from then on the
// agent misbehaves as MODE says. With --at-hello (implied by accept-silent
// and wrong-version) it misbehaves on the handshake instead. It subscribes
// to pass-gate decisions, or with --subscribe-all to every kind the compiler
// offers. With --on-kind, only decisions of KIND count towards N and get
// the misbehaviour; the others are answered correctly. It exits with
// COMMAND's status and prints, on stderr, what it saw:
//
//   fault-agent: C connections, H handshakes, R requests, F faults, P reports
//
// R counts the decision requests received; F the misbehaviours committed.
// A compiler that stops asking after the first failure shows R = N + 1.
//
// Modes, each in place of one answer (or of the HelloReply):
//   accept-silent    never answers (implies --at-hello)
//   slow             answers after --delay-ms (or once the compiler hangs up)
//   die              closes the connection
//   crash            the agent process exits; its socket file stays behind
//   truncated        promises 256 bytes, sends 16 and closes
//   truncated-stall  the same, but keeps the connection open
//   oversized        a length prefix of 64 MiB + 1
//   garbage          the right length and identifier, fails the verifier
//   wrong-version    refuses the handshake: it speaks only the next version
//   wrong-id         answers for request id + 1000
//   repeat-id        answers the request twice
//   wrong-message    a HelloReply for a request (a DecisionReply for a Hello)
//   bad-kind         a frame whose message type no schema defines (200)
//   illegal-choice   the first option index past the legal ones
//   close-between    answers correctly, then closes the connection
//
// A test must never hang: COMMAND (its whole process group) is killed after
// --limit-s seconds (60 by default), and the agent then exits with 124.
//
// The server runs in a child process, so `crash` can really die: it prints
// its counts and exits at once, and later compilers find a socket that
// nobody listens on any more.
//
//===----------------------------------------------------------------------===//

#include "Codec.h"
#include "Framing.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;

using namespace switchyard;

namespace {

enum class Mode {
  AcceptSilent,
  Die,
  Crash,
  Slow,
  Truncated,
  TruncatedStall,
  Oversized,
  Garbage,
  WrongVersion,
  WrongId,
  RepeatId,
  WrongMessage,
  BadKind,
  IllegalChoice,
  CloseBetween,
};

struct ModeName {
  Mode M;
  const char *Name;
};

constexpr ModeName ModeNames[] = {
    {Mode::AcceptSilent, "accept-silent"},
    {Mode::Die, "die"},
    {Mode::Crash, "crash"},
    {Mode::Slow, "slow"},
    {Mode::Truncated, "truncated"},
    {Mode::TruncatedStall, "truncated-stall"},
    {Mode::Oversized, "oversized"},
    {Mode::Garbage, "garbage"},
    {Mode::WrongVersion, "wrong-version"},
    {Mode::WrongId, "wrong-id"},
    {Mode::RepeatId, "repeat-id"},
    {Mode::WrongMessage, "wrong-message"},
    {Mode::BadKind, "bad-kind"},
    {Mode::IllegalChoice, "illegal-choice"},
    {Mode::CloseBetween, "close-between"},
};

struct Options {
  std::string Socket;
  Mode TheMode = Mode::Die;
  unsigned After = 0;
  bool AtHello = false;
  bool SubscribeAll = false;
  std::optional<fb::DecisionKind> OnKind;
  unsigned DelayMs = 1000;
  unsigned LimitS = 60;
  std::vector<std::string> Command;
};

/// What the server saw, shared by its connection threads.
struct Counters {
  std::atomic<unsigned> Connections{0};
  std::atomic<unsigned> Handshakes{0};
  std::atomic<unsigned> Requests{0};
  std::atomic<unsigned> Faults{0};
  std::atomic<unsigned> Reports{0};
  std::atomic<unsigned> Active{0};
  std::atomic<bool> Printed{false};
};

Options Opts;
Counters Count;

void usage() {
  std::fputs("usage: fault-agent --socket PATH --mode MODE [--after N] "
             "[--at-hello] [--subscribe-all] [--on-kind KIND] [--delay-ms N] "
             "[--limit-s N] -- COMMAND ARGS...\n"
             "modes:",
             stderr);
  for (const ModeName &M : ModeNames)
    std::fprintf(stderr, " %s", M.Name);
  std::fputc('\n', stderr);
}

bool parseArgs(int Argc, char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    auto Value = [&]() -> const char * {
      return I + 1 < Argc ? Argv[++I] : nullptr;
    };
    if (A == "--") {
      for (++I; I < Argc; ++I)
        Opts.Command.push_back(Argv[I]);
    } else if (A == "--socket") {
      const char *V = Value();
      if (!V)
        return false;
      Opts.Socket = V;
    } else if (A == "--mode") {
      const char *V = Value();
      if (!V)
        return false;
      bool Found = false;
      for (const ModeName &M : ModeNames)
        if (std::strcmp(V, M.Name) == 0) {
          Opts.TheMode = M.M;
          Found = true;
        }
      if (!Found) {
        std::fprintf(stderr, "fault-agent: unknown mode '%s'\n", V);
        return false;
      }
    } else if (A == "--after") {
      const char *V = Value();
      if (!V)
        return false;
      Opts.After = static_cast<unsigned>(std::strtoul(V, nullptr, 10));
    } else if (A == "--delay-ms") {
      const char *V = Value();
      if (!V)
        return false;
      Opts.DelayMs = static_cast<unsigned>(std::strtoul(V, nullptr, 10));
    } else if (A == "--limit-s") {
      const char *V = Value();
      if (!V)
        return false;
      Opts.LimitS = static_cast<unsigned>(std::strtoul(V, nullptr, 10));
    } else if (A == "--at-hello") {
      Opts.AtHello = true;
    } else if (A == "--on-kind") {
      const char *V = Value();
      fb::DecisionKind K;
      if (!V || !parseKindName(V, K)) {
        std::fprintf(stderr, "fault-agent: --on-kind needs a decision kind\n");
        return false;
      }
      Opts.OnKind = K;
    } else if (A == "--subscribe-all") {
      Opts.SubscribeAll = true;
    } else {
      std::fprintf(stderr, "fault-agent: unknown argument '%s'\n", A.c_str());
      return false;
    }
  }
  if (Opts.TheMode == Mode::AcceptSilent || Opts.TheMode == Mode::WrongVersion)
    Opts.AtHello = true;
  return !Opts.Socket.empty() && !Opts.Command.empty();
}

/// Prints the counts once, whoever gets here first (a crash or the end).
void printCounts() {
  if (Count.Printed.exchange(true))
    return;
  std::fprintf(stderr,
               "fault-agent: %u connections, %u handshakes, %u requests, "
               "%u faults, %u reports\n",
               Count.Connections.load(), Count.Handshakes.load(),
               Count.Requests.load(), Count.Faults.load(),
               Count.Reports.load());
  std::fflush(stderr);
}

void sendBytes(int Fd, const uint8_t *Data, size_t Size) {
  while (Size > 0) {
    ssize_t N = ::send(Fd, Data, Size, MSG_NOSIGNAL);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return; // The compiler is gone; that is its business.
    Data += N;
    Size -= static_cast<size_t>(N);
  }
}

void sendFrame(int Fd, flatbuffers::FlatBufferBuilder &B) {
  std::vector<uint8_t> Out;
  appendFrame(Out, B.GetBufferPointer(), B.GetSize());
  sendBytes(Fd, Out.data(), Out.size());
}

/// One compiler connection.
struct Connection {
  int Fd;
  std::vector<fb::DecisionKind> Offered;
};

void sendHelloReply(const Connection &C, bool Accept,
                    const std::string &Reason) {
  HelloReply R;
  R.Accept = Accept;
  R.Reason = Reason;
  if (Accept && Opts.SubscribeAll)
    for (fb::DecisionKind K : C.Offered)
      R.Subscriptions.push_back(Subscription{K});
  else if (Accept)
    R.Subscriptions.push_back(Subscription{fb::DecisionKind::PassGate});
  flatbuffers::FlatBufferBuilder B;
  encodeHelloReply(B, R);
  sendFrame(C.Fd, B);
}

/// A DecisionReply: the default, or option \p Option.
void sendDecisionReply(int Fd, uint64_t Id, bool UseDefault, uint32_t Option) {
  flatbuffers::FlatBufferBuilder B;
  encodeReply(B, UseDefault ? Reply::useDefault() : Reply::choose(Option), Id);
  sendFrame(Fd, B);
}

void sendHeader(int Fd, uint32_t Len) {
  uint8_t H[FrameHeaderSize] = {
      static_cast<uint8_t>(Len), static_cast<uint8_t>(Len >> 8),
      static_cast<uint8_t>(Len >> 16), static_cast<uint8_t>(Len >> 24)};
  sendBytes(Fd, H, sizeof(H));
}

/// Waits up to \p Ms for the compiler to send more or hang up, so that a
/// deliberately slow answer does not outlive the compiler by much.
void waitQuietly(int Fd, unsigned Ms) {
  pollfd P{Fd, POLLIN, 0};
  auto End = std::chrono::steady_clock::now() + std::chrono::milliseconds(Ms);
  for (;;) {
    auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    End - std::chrono::steady_clock::now())
                    .count();
    if (Left <= 0)
      return;
    int N = ::poll(&P, 1, static_cast<int>(Left));
    if (N < 0 && errno == EINTR)
      continue;
    return;
  }
}

enum class Next { Continue, Close };

/// Commits this mode's misbehaviour in place of an answer to \p Request,
/// or to the handshake if it is null.
Next misbehave(const Connection &C, const ReceivedRequest *Request) {
  ++Count.Faults;
  int Fd = C.Fd;
  bool IsHello = !Request;
  uint64_t Id = Request ? Request->Id : 0;
  switch (Opts.TheMode) {
  case Mode::AcceptSilent:
    return Next::Continue;
  case Mode::Die:
    return Next::Close;
  case Mode::Crash:
    printCounts();
    std::_Exit(1);
  case Mode::Slow:
    waitQuietly(Fd, Opts.DelayMs);
    if (IsHello)
      sendHelloReply(C, true, "");
    else
      sendDecisionReply(Fd, Id, true, 0);
    return Next::Continue;
  case Mode::Truncated:
  case Mode::TruncatedStall: {
    // By hand around a codec frame: promise 256 bytes, deliver its first 16.
    flatbuffers::FlatBufferBuilder B;
    encodeReply(B, Reply::useDefault(), Id);
    sendHeader(Fd, 256);
    sendBytes(Fd, B.GetBufferPointer(), std::min<size_t>(16, B.GetSize()));
    return Opts.TheMode == Mode::Truncated ? Next::Close : Next::Continue;
  }
  case Mode::Oversized: {
    // By hand: no message the codec writes comes near the limit.
    sendHeader(Fd, MaxFrameSize + 1);
    std::vector<uint8_t> Some(64, 0);
    sendBytes(Fd, Some.data(), Some.size());
    return Next::Continue;
  }
  case Mode::Garbage: {
    // By hand, as no codec writes it: right length and identifier, so only
    // the verifier can catch it; the root offset points far outside.
    std::vector<uint8_t> Payload(64);
    uint32_t Seed = 0x5eed1234u;
    for (uint8_t &Byte : Payload) {
      Seed = Seed * 1103515245u + 12345u;
      Byte = static_cast<uint8_t>(Seed >> 16);
    }
    const uint8_t Root[4] = {0x00, 0xff, 0xff, 0x7f};
    std::memcpy(Payload.data(), Root, 4);
    std::memcpy(Payload.data() + 4, fb::FrameIdentifier(), 4);
    std::vector<uint8_t> Out;
    appendFrame(Out, Payload.data(), Payload.size());
    sendBytes(Fd, Out.data(), Out.size());
    return Next::Continue;
  }
  case Mode::WrongVersion:
    // What an agent that speaks only a newer protocol says.
    sendHelloReply(C, false,
                   "protocol version " + std::to_string(ProtocolVersion) +
                       " is not supported; this agent speaks version " +
                       std::to_string(ProtocolVersion + 1));
    return Next::Close;
  case Mode::WrongId:
    sendDecisionReply(Fd, Id + 1000, true, 0);
    return Next::Continue;
  case Mode::RepeatId:
    sendDecisionReply(Fd, Id, true, 0);
    sendDecisionReply(Fd, Id, true, 0);
    return Next::Continue;
  case Mode::WrongMessage:
    if (IsHello)
      sendDecisionReply(Fd, 0, true, 0);
    else
      sendHelloReply(C, true, "");
    return Next::Continue;
  case Mode::BadKind: {
    // Hand-built: the codec only writes message types the schema defines,
    // and this frame's type (200) is one that no version of it does.
    flatbuffers::FlatBufferBuilder B;
    auto R = fb::CreateDecisionReply(B, Id, true);
    B.Finish(fb::CreateFrame(B, static_cast<fb::Message>(200), R.Union()),
             fb::FrameIdentifier());
    sendFrame(Fd, B);
    return Next::Continue;
  }
  case Mode::IllegalChoice:
    if (IsHello) {
      sendHelloReply(C, true, "");
      return Next::Continue;
    }
    // The first option past the legal ones.
    sendDecisionReply(Fd, Id, false,
                      static_cast<uint32_t>(Request->Request.Legal.size()));
    return Next::Continue;
  case Mode::CloseBetween:
    if (IsHello)
      sendHelloReply(C, true, "");
    else
      sendDecisionReply(Fd, Id, true, 0);
    return Next::Close;
  }
  return Next::Close;
}

void serveConnection(int Fd) {
  Connection C{Fd, {}};
  SessionInfo Session;
  ReceivedRequest Received;
  FrameDecoder Decoder;
  unsigned Answered = 0;
  std::vector<uint8_t> Chunk(65536);
  bool Open = true;
  while (Open) {
    ssize_t N = ::recv(Fd, Chunk.data(), Chunk.size(), 0);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      break;
    Decoder.feed(Chunk.data(), static_cast<size_t>(N));
    for (;;) {
      const fb::Frame *F = nullptr;
      std::string Err;
      FrameDecoder::Status S = Decoder.next(F, Err);
      if (S == FrameDecoder::Status::NeedMore)
        break;
      if (S == FrameDecoder::Status::Error) {
        std::fprintf(stderr, "fault-agent: bad frame from the compiler: %s\n",
                     Err.c_str());
        Open = false;
        break;
      }
      Next Then = Next::Continue;
      switch (F->message_type()) {
      case fb::Message::Hello: {
        ++Count.Handshakes;
        Expected<SessionInfo> Hello = decodeHello(*F);
        if (!Hello) {
          std::fprintf(stderr, "fault-agent: bad Hello from the compiler: %s\n",
                       Hello.error().c_str());
          Then = Next::Close;
          break;
        }
        Session = std::move(*Hello);
        C.Offered = Session.Offered;
        if (Opts.AtHello)
          Then = misbehave(C, nullptr);
        else
          sendHelloReply(C, true, "");
        break;
      }
      case fb::Message::DecisionRequest: {
        ++Count.Requests;
        if (!decodeRequest(*F, Session, Received, Err)) {
          std::fprintf(stderr,
                       "fault-agent: bad request from the compiler: %s\n",
                       Err.c_str());
          Then = Next::Close;
          break;
        }
        bool Targeted =
            !Opts.OnKind || Received.Request.Kind == *Opts.OnKind;
        if (!Opts.AtHello && Targeted && Answered >= Opts.After) {
          Then = misbehave(C, &Received);
        } else {
          if (Targeted)
            ++Answered;
          sendDecisionReply(Fd, Received.Id, true, 0);
        }
        break;
      }
      case fb::Message::ModuleReport:
        ++Count.Reports;
        break;
      default:
        break;
      }
      if (Then == Next::Close) {
        Open = false;
        break;
      }
    }
  }
  ::close(Fd);
  --Count.Active;
}

/// The server process: accepts until the parent closes \p StopFd, then
/// waits (bounded) for open connections to end and prints the counts.
[[noreturn]] void serve(int ListenFd, int StopFd) {
  pollfd P[2] = {{ListenFd, POLLIN, 0}, {StopFd, POLLIN, 0}};
  for (;;) {
    int N = ::poll(P, 2, -1);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0 || (P[1].revents & (POLLIN | POLLHUP | POLLERR)))
      break;
    if (!(P[0].revents & POLLIN))
      continue;
    int Fd = ::accept4(ListenFd, nullptr, nullptr, SOCK_CLOEXEC);
    if (Fd < 0)
      continue;
    ++Count.Connections;
    ++Count.Active;
    std::thread(serveConnection, Fd).detach();
  }
  // The command has exited, so its connections are closing: let their
  // threads count what is still in flight.
  auto Limit = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (Count.Active > 0 && std::chrono::steady_clock::now() < Limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  printCounts();
  std::_Exit(0);
}

int listenOn(const std::string &Path) {
  sockaddr_un Addr{};
  Addr.sun_family = AF_UNIX;
  if (Path.size() >= sizeof(Addr.sun_path)) {
    std::fprintf(stderr, "fault-agent: socket path too long\n");
    return -1;
  }
  std::memcpy(Addr.sun_path, Path.c_str(), Path.size() + 1);
  struct stat St;
  if (::lstat(Path.c_str(), &St) == 0 && S_ISSOCK(St.st_mode))
    ::unlink(Path.c_str());
  int Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (Fd < 0)
    return -1;
  mode_t Old = ::umask(0177);
  int R = ::bind(Fd, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr));
  ::umask(Old);
  if (R != 0 || ::listen(Fd, 128) != 0) {
    std::fprintf(stderr, "fault-agent: cannot listen on '%s': %s\n",
                 Path.c_str(), std::strerror(errno));
    ::close(Fd);
    return -1;
  }
  return Fd;
}

/// Runs the command in its own process group and returns its exit status,
/// or 124 after killing the group if it outlives --limit-s.
int runCommand() {
  std::vector<char *> Args;
  for (std::string &A : Opts.Command)
    Args.push_back(A.data());
  Args.push_back(nullptr);
  posix_spawnattr_t Attr;
  posix_spawnattr_init(&Attr);
  posix_spawnattr_setflags(&Attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&Attr, 0);
  pid_t Child;
  int E = ::posix_spawnp(&Child, Args[0], nullptr, &Attr, Args.data(), environ);
  posix_spawnattr_destroy(&Attr);
  if (E) {
    std::fprintf(stderr, "fault-agent: cannot run '%s': %s\n", Args[0],
                 std::strerror(E));
    return 127;
  }
  auto Limit =
      std::chrono::steady_clock::now() + std::chrono::seconds(Opts.LimitS);
  for (;;) {
    int Status;
    pid_t R = ::waitpid(Child, &Status, WNOHANG);
    if (R == Child)
      return WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
    if (R < 0 && errno != EINTR)
      return 127;
    if (std::chrono::steady_clock::now() >= Limit) {
      std::fprintf(stderr, "fault-agent: '%s' still runs after %u s; killed\n",
                   Args[0], Opts.LimitS);
      ::kill(-Child, SIGKILL);
      ::waitpid(Child, nullptr, 0);
      return 124;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

} // namespace

int main(int Argc, char **Argv) {
  if (!parseArgs(Argc, Argv)) {
    usage();
    return 2;
  }
  int ListenFd = listenOn(Opts.Socket);
  if (ListenFd < 0)
    return 2;
  int Stop[2];
  if (::pipe2(Stop, O_CLOEXEC) != 0) {
    std::perror("fault-agent: pipe");
    return 2;
  }

  pid_t Server = ::fork();
  if (Server < 0) {
    std::perror("fault-agent: fork");
    return 2;
  }
  if (Server == 0) {
    ::close(Stop[1]);
    serve(ListenFd, Stop[0]);
  }
  ::close(ListenFd);
  ::close(Stop[0]);

  ::setenv("SWITCHYARD_AGENT", Opts.Socket.c_str(), 1);
  int Exit = runCommand();
  ::close(Stop[1]);
  while (::waitpid(Server, nullptr, 0) < 0 && errno == EINTR)
    ;
  ::unlink(Opts.Socket.c_str());
  return Exit;
}
