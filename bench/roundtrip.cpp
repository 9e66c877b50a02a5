//===- roundtrip.cpp - Switchyard decision round trip vs. a raw socket echo
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===//
//
//   switchyard-bench-roundtrip [--iterations N] [--rounds R] [--block N]
//                              [--warmup N] [--spin-us N] [--json FILE]
//
// Measures, in one process, what one decision costs on the wire: the real
// Channel client asking a real Server on a libuv loop thread, against a
// plain blocking Unix-socket ping-pong that moves the same number of bytes.
// The two alternate in blocks of --block round trips (ABBA order) inside
// each of --rounds rounds, so a noisy machine hurts both alike; the result
// is their ratio, never an absolute threshold. --spin-us sets both of
// Switchyard's busy-polling windows (the Channel's and the Server's; the
// shipped default is 50, 0 turns them off); the raw echo always blocks.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Agent.h"
#include "switchyard/Server.h"

#include "Channel.h"
#include "Codec.h"
#include "Framing.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace switchyard;
namespace fbs = flatbuffers;

namespace {

struct Options {
  uint64_t Iterations = 20000; ///< Round trips per round and per mode.
  uint64_t Rounds = 10;
  uint64_t Block = 1000;  ///< Round trips of one mode before switching.
  uint64_t Warmup = 2000; ///< Untimed round trips per mode before round 1.
  std::string JsonFile;
  uint32_t SpinUs = 50; ///< Channel spin limit and Server busy-poll window.
};

[[noreturn]] void fail(const std::string &Msg) {
  std::fprintf(stderr, "switchyard-bench-roundtrip: %s\n", Msg.c_str());
  std::exit(1);
}

void usage(FILE *To) {
  std::fputs("usage: switchyard-bench-roundtrip [--iterations N] [--rounds R]"
             " [--block N] [--warmup N] [--spin-us N] [--json FILE]\n",
             To);
}

Options parseArgs(int Argc, char **Argv) {
  Options O;
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    auto Value = [&]() -> std::string {
      if (size_t Eq = A.find('='); Eq != std::string::npos)
        return A.substr(Eq + 1);
      if (I + 1 >= Argc)
        fail(A + " needs a value");
      return Argv[++I];
    };
    auto Count = [&]() {
      std::string V = Value();
      char *End = nullptr;
      unsigned long long N = std::strtoull(V.c_str(), &End, 10);
      if (V.empty() || *End || N == 0)
        fail(A + ": '" + V + "' is not a positive count");
      return static_cast<uint64_t>(N);
    };
    auto Is = [&](const char *Name) {
      return A == Name || A.rfind(std::string(Name) + "=", 0) == 0;
    };
    if (Is("--iterations"))
      O.Iterations = Count();
    else if (Is("--rounds"))
      O.Rounds = Count();
    else if (Is("--block"))
      O.Block = Count();
    else if (Is("--warmup"))
      O.Warmup = Count();
    else if (Is("--json"))
      O.JsonFile = Value();
    else if (Is("--spin-us")) {
      std::string V = Value();
      char *End = nullptr;
      unsigned long Us = std::strtoul(V.c_str(), &End, 10);
      if (V.empty() || *End || Us > 10000)
        fail(A + ": '" + V + "' is not a number of microseconds in [0, 10000]");
      O.SpinUs = static_cast<uint32_t>(Us);
    } else if (A == "--help" || A == "-h") {
      usage(stdout);
      std::exit(0);
    } else {
      usage(stderr);
      fail("unknown argument '" + A + "'");
    }
  }
  return O;
}

/// Skips everything, so every reply carries a choice the client must read.
class SkipEverything final : public Agent {
public:
  Answer decide(const SessionInfo &, const DecisionRequest &) override {
    return Answer::choose(1);
  }
};

/// A Server on its own libuv loop thread, as switchyard-agent runs one.
class ServerThread {
public:
  ServerThread(const std::string &Path, uint32_t SpinUs) {
    uv_loop_init(&Loop);
    ServerOptions SO;
    SO.SocketPath = Path;
    SO.BusyPollUs = SpinUs;
    SO.Log = [](const std::string &Line) {
      std::fprintf(stderr, "server: %s\n", Line.c_str());
    };
    TheServer = std::make_unique<Server>(&Loop, TheAgent, SO);
    std::string Err;
    if (TheServer->listen(Err) < 0)
      fail(Err);
    uv_async_init(&Loop, &Stop, &ServerThread::onStop);
    Stop.data = this;
    uv_timer_init(&Loop, &Retry);
    Retry.data = this;
    Thread = std::thread([this] { uv_run(&Loop, UV_RUN_DEFAULT); });
  }

  ~ServerThread() {
    uv_async_send(&Stop);
    Thread.join();
    TheServer.reset();
    uv_loop_close(&Loop);
  }

private:
  static void onStop(uv_async_t *A) {
    auto *Self = static_cast<ServerThread *>(A->data);
    uv_close(reinterpret_cast<uv_handle_t *>(A), nullptr);
    uv_timer_start(&Self->Retry, &ServerThread::closeWhenIdle, 0, 1);
  }

  /// Closes the server once the compiler's connection is gone, the way an
  /// agent outlives the compilers it serves.
  static void closeWhenIdle(uv_timer_t *T) {
    auto *Self = static_cast<ServerThread *>(T->data);
    if (Self->TheServer->stats().Open > 0)
      return;
    uv_close(reinterpret_cast<uv_handle_t *>(T), nullptr);
    Self->TheServer->close();
  }

  uv_loop_t Loop;
  uv_async_t Stop;
  uv_timer_t Retry;
  SkipEverything TheAgent;
  std::unique_ptr<Server> TheServer;
  std::thread Thread;
};

/// The compiler side: a Channel and a builder, used the way SocketProvider
/// uses them for a pass-gate decision.
class Client {
public:
  Client(const std::string &Path, uint32_t SpinUs) {
    Chan.setSpinLimit(std::chrono::microseconds(SpinUs));
    std::string Err;
    Clock::time_point Deadline = Clock::now() + Timeout;
    if (!Chan.connect(Path, Deadline, Err))
      fail(Err);
    ModuleInfo Info;
    Info.Compiler = "opt";
    Info.CompilerVersion = "22.0.0";
    Info.ModuleName = "bigprog.c";
    Info.SourceFile = "examples/bigprog/bigprog.c";
    Info.TargetTriple = "x86_64-pc-linux-gnu";
    Info.Pid = ::getpid();
    Info.Offered = {DecisionKind::PassGate};
    Info.Features = {{DecisionKind::PassGate, FeatureNames}};
    encodeHello(Builder, Info);
    if (!Chan.send(Builder.GetBufferPointer(), Builder.GetSize(), Deadline,
                   Err))
      fail(Err);
    const fb::Frame *F = Chan.receive(Deadline, Err);
    if (!F)
      fail("no handshake reply: " + Err);
    Expected<HelloReply> R = decodeHelloReply(*F);
    if (!R || !R->Accept)
      fail("handshake refused: " + (R ? R->Reason : R.error()));
  }

  /// Encodes request \p Id as SocketProvider::decideImpl does and returns
  /// the frame's payload size.
  size_t buildRequest(uint64_t Id) {
    static const OptionSpec Legal[] = {{"run", {}, false}, {"skip", {}, false}};
    const double Values[] = {2, 184, 23, double(1 + Id % 1000), 0};
    DecisionRequest R;
    R.Kind = DecisionKind::PassGate;
    R.Context = {Module,   Function, Pass, PassArg, fb::UnitKind::Function,
                 Function, /*SiteId=*/0x9e3779b97f4a7c15ULL ^ Id,
                 /*Index=*/static_cast<uint32_t>(1 + Id % 1000)};
    R.FeatureNames = FeatureNames;
    R.FeatureValues = Values;
    R.Legal = Legal;
    encodeRequest(Builder, R, Id);
    return Builder.GetSize();
  }

  const uint8_t *built() const { return Builder.GetBufferPointer(); }

  /// Ends the session as SocketProvider::closeImpl does: a report, then
  /// the connection closes.
  ~Client() {
    ModuleReport Report;
    Report.ModuleName = Module;
    Report.Stats = {{DecisionKind::PassGate, {NextId - 1, NextId - 1, 0, 0}}};
    encodeReport(Builder, Report);
    std::string Err;
    if (!Chan.send(Builder.GetBufferPointer(), Builder.GetSize(),
                   Clock::now() + Timeout, Err))
      std::fprintf(stderr, "switchyard-bench-roundtrip: report: %s\n",
                   Err.c_str());
  }

  /// One decision: build, send, receive, verify, match, read the choice.
  void roundTrip() {
    Clock::time_point Deadline = Clock::now() + Timeout;
    uint64_t Id = NextId++;
    buildRequest(Id);
    std::string Err;
    if (!Chan.send(Builder.GetBufferPointer(), Builder.GetSize(), Deadline,
                   Err))
      fail(Err);
    const fb::Frame *F = Chan.receive(Deadline, Err);
    if (!F)
      fail(Err);
    Expected<Reply> R = decodeReply(*F, Id);
    if (!R)
      fail(R.error());
    if (R->UseDefault || R->Chosen.Option != 1)
      fail("reply " + std::to_string(Id) + " is not 'skip'");
  }

  /// Sends one request and reads the reply's bytes off the socket without
  /// decoding them: the reply frame's size on the wire.
  size_t probeReplySize() {
    Clock::time_point Deadline = Clock::now() + Timeout;
    std::string Err;
    buildRequest(NextId++);
    if (!Chan.send(Builder.GetBufferPointer(), Builder.GetSize(), Deadline,
                   Err))
      fail(Err);
    std::vector<uint8_t> Got;
    size_t Want = FrameHeaderSize;
    while (Got.size() < Want) {
      uint8_t Buf[4096];
      ssize_t N =
          ::recv(Chan.fd(), Buf, std::min(sizeof(Buf), Want - Got.size()), 0);
      if (N > 0) {
        Got.insert(Got.end(), Buf, Buf + N);
      } else if (N < 0 && (errno == EAGAIN || errno == EINTR)) {
        std::this_thread::yield();
      } else {
        fail("agent closed the connection while probing");
      }
      if (Got.size() == FrameHeaderSize && Want == FrameHeaderSize)
        Want += uint32_t(Got[0]) | uint32_t(Got[1]) << 8 |
                uint32_t(Got[2]) << 16 | uint32_t(Got[3]) << 24;
    }
    return Got.size();
  }

private:
  static constexpr std::string_view FeatureNames[] = {
      "unit_kind", "unit_inst_count", "unit_block_count", "execution_index",
      "occurrence"};
  static constexpr std::chrono::milliseconds Timeout{2000};
  const std::string Module = "examples/bigprog/bigprog.c";
  const std::string Function = "compute_checksum";
  const std::string Pass = "InstCombinePass";
  const std::string PassArg = "instcombine";

  Channel Chan;
  flatbuffers::FlatBufferBuilder Builder{1024};
  uint64_t NextId = 1;
};

bool readExact(int Fd, uint8_t *Data, size_t Size) {
  while (Size) {
    ssize_t N = ::read(Fd, Data, Size);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Data += N;
    Size -= static_cast<size_t>(N);
  }
  return true;
}

bool writeExact(int Fd, const uint8_t *Data, size_t Size) {
  while (Size) {
    ssize_t N = ::send(Fd, Data, Size, MSG_NOSIGNAL);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Data += N;
    Size -= static_cast<size_t>(N);
  }
  return true;
}

/// The floor: blocking read/write on a Unix stream socket, an echo thread
/// that reads a request's bytes and writes a reply's bytes back, no framing,
/// no flatbuffers, no event loop.
class RawPingPong {
public:
  RawPingPong(const std::string &Path, std::vector<uint8_t> Request,
              size_t ReplySize)
      : Request(std::move(Request)), Reply(ReplySize) {
    sockaddr_un Addr{};
    Addr.sun_family = AF_UNIX;
    if (Path.size() >= sizeof(Addr.sun_path))
      fail("socket path too long: " + Path);
    std::memcpy(Addr.sun_path, Path.c_str(), Path.size() + 1);
    int Listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (Listener < 0 ||
        ::bind(Listener, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)) ||
        ::listen(Listener, 1))
      fail("raw listener: " + std::string(std::strerror(errno)));
    Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (Fd < 0 ||
        ::connect(Fd, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)))
      fail("raw connect: " + std::string(std::strerror(errno)));
    int Peer = ::accept4(Listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (Peer < 0)
      fail("raw accept: " + std::string(std::strerror(errno)));
    ::close(Listener);
    ::unlink(Path.c_str());
    Echo = std::thread([Peer, In = this->Request.size(), Out = ReplySize] {
      std::vector<uint8_t> Buf(std::max(In, Out), 0x5a);
      while (readExact(Peer, Buf.data(), In) &&
             writeExact(Peer, Buf.data(), Out)) {
      }
      ::close(Peer);
    });
  }

  ~RawPingPong() {
    ::shutdown(Fd, SHUT_RDWR);
    Echo.join();
    ::close(Fd);
  }

  void roundTrip() {
    if (!writeExact(Fd, Request.data(), Request.size()) ||
        !readExact(Fd, Reply.data(), Reply.size()))
      fail("raw echo failed");
  }

private:
  std::vector<uint8_t> Request, Reply;
  int Fd = -1;
  std::thread Echo;
};

/// Times each of \p N calls to \p F, in nanoseconds, appended to \p Out.
template <typename Fn>
void timeEach(uint64_t N, std::vector<int64_t> &Out, Fn &&F) {
  for (uint64_t I = 0; I < N; ++I) {
    Clock::time_point T0 = Clock::now();
    F();
    Clock::time_point T1 = Clock::now();
    Out.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(T1 - T0).count());
  }
}

/// The \p Q quantile (nearest rank) of \p V, in microseconds. Sorts \p V.
double quantileUs(std::vector<int64_t> &V, double Q) {
  std::sort(V.begin(), V.end());
  size_t Rank =
      static_cast<size_t>(Q * static_cast<double>(V.size() - 1) + 0.5);
  return static_cast<double>(V[Rank]) / 1000.0;
}

double medianOf(std::vector<double> V) {
  std::sort(V.begin(), V.end());
  size_t N = V.size();
  return N % 2 ? V[N / 2] : (V[N / 2 - 1] + V[N / 2]) / 2;
}

struct Summary {
  double Median, P90;
};

} // namespace

int main(int Argc, char **Argv) {
  Options O = parseArgs(Argc, Argv);

  std::string Tmpl = (std::getenv("TMPDIR") && *std::getenv("TMPDIR")
                          ? std::string(std::getenv("TMPDIR"))
                          : std::string("/tmp")) +
                     "/switchyard-bench-XXXXXX";
  if (!::mkdtemp(Tmpl.data()))
    fail("mkdtemp: " + std::string(std::strerror(errno)));
  const std::string Dir = Tmpl;

  size_t RequestBytes = 0, ReplyBytes = 0;
  std::vector<int64_t> SwyAll, RawAll;
  std::vector<double> RoundRatios;
  std::vector<Summary> SwyRounds, RawRounds;
  {
    ServerThread Agent(Dir + "/agent.sock", O.SpinUs);
    Client Compiler(Dir + "/agent.sock", O.SpinUs);

    RequestBytes = FrameHeaderSize + Compiler.buildRequest(1);
    std::vector<uint8_t> RequestFrame;
    appendFrame(RequestFrame, Compiler.built(), RequestBytes - FrameHeaderSize);
    ReplyBytes = Compiler.probeReplySize();
    RawPingPong Raw(Dir + "/raw.sock", RequestFrame, ReplyBytes);

    for (uint64_t I = 0; I < O.Warmup; ++I) {
      Compiler.roundTrip();
      Raw.roundTrip();
    }

    SwyAll.reserve(O.Rounds * O.Iterations);
    RawAll.reserve(O.Rounds * O.Iterations);
    std::vector<int64_t> Swy, RawT;
    for (uint64_t R = 0; R < O.Rounds; ++R) {
      Swy.clear();
      RawT.clear();
      // Within a round the modes alternate in blocks, in ABBA order, so
      // neither always runs first and a burst of load from elsewhere on
      // the machine lands on both.
      for (uint64_t Done = 0, Block = 0; Done < O.Iterations; ++Block) {
        uint64_t N = std::min(O.Block, O.Iterations - Done);
        bool SwyFirst = (Block + R) % 2 == 0;
        for (int Half = 0; Half < 2; ++Half) {
          if (SwyFirst == (Half == 0))
            timeEach(N, Swy, [&] { Compiler.roundTrip(); });
          else
            timeEach(N, RawT, [&] { Raw.roundTrip(); });
        }
        Done += N;
      }
      SwyAll.insert(SwyAll.end(), Swy.begin(), Swy.end());
      RawAll.insert(RawAll.end(), RawT.begin(), RawT.end());
      Summary S{quantileUs(Swy, 0.5), quantileUs(Swy, 0.9)};
      Summary W{quantileUs(RawT, 0.5), quantileUs(RawT, 0.9)};
      SwyRounds.push_back(S);
      RawRounds.push_back(W);
      RoundRatios.push_back(S.Median / W.Median);
      std::printf("round %2llu: switchyard median %7.2f us p90 %7.2f us | "
                  "raw median %7.2f us p90 %7.2f us | ratio %.2f\n",
                  (unsigned long long)(R + 1), S.Median, S.P90, W.Median, W.P90,
                  S.Median / W.Median);
      std::fflush(stdout);
    }
    // The client closes its connection before the server thread stops.
  }
  ::rmdir(Dir.c_str());

  Summary Swy{quantileUs(SwyAll, 0.5), quantileUs(SwyAll, 0.9)};
  Summary Raw{quantileUs(RawAll, 0.5), quantileUs(RawAll, 0.9)};
  double RatioMedian = Swy.Median / Raw.Median;
  double RatioP90 = Swy.P90 / Raw.P90;
  double MinRatio = *std::min_element(RoundRatios.begin(), RoundRatios.end());
  double MaxRatio = *std::max_element(RoundRatios.begin(), RoundRatios.end());

  std::printf("\n%llu rounds x %llu round trips per mode, interleaved in "
              "blocks of %llu\n",
              (unsigned long long)O.Rounds, (unsigned long long)O.Iterations,
              (unsigned long long)O.Block);
  std::printf("request frame %zu bytes, reply frame %zu bytes (with the "
              "%zu-byte length prefix)\n",
              RequestBytes, ReplyBytes, FrameHeaderSize);
  std::printf("switchyard (Channel -> libuv Server, spin %u us): median %.2f "
              "us, p90 %.2f us\n",
              O.SpinUs, Swy.Median, Swy.P90);
  std::printf("raw blocking echo (same sizes):      median %.2f us, p90 %.2f "
              "us\n",
              Raw.Median, Raw.P90);
  std::printf("ratio switchyard/raw: median %.2f, p90 %.2f (per-round median "
              "ratios: median %.2f, range %.2f-%.2f)\n",
              RatioMedian, RatioP90, medianOf(RoundRatios), MinRatio, MaxRatio);

  if (!O.JsonFile.empty()) {
    std::ofstream J(O.JsonFile);
    if (!J)
      fail("cannot write '" + O.JsonFile + "'");
    char Buf[1024];
    std::snprintf(
        Buf, sizeof(Buf),
        "{\n  \"spin_us\": %u,\n  \"iterations\": %llu,\n  \"rounds\": %llu,\n"
        "  \"block\": %llu,\n  \"request_bytes\": %zu,\n  \"reply_bytes\": "
        "%zu,\n"
        "  \"switchyard_us\": {\"median\": %.3f, \"p90\": %.3f},\n"
        "  \"raw_us\": {\"median\": %.3f, \"p90\": %.3f},\n"
        "  \"ratio\": {\"median\": %.3f, \"p90\": %.3f, "
        "\"round_median\": %.3f, \"round_min\": %.3f, \"round_max\": %.3f},\n",
        O.SpinUs, (unsigned long long)O.Iterations,
        (unsigned long long)O.Rounds, (unsigned long long)O.Block, RequestBytes, ReplyBytes, Swy.Median,
        Swy.P90, Raw.Median, Raw.P90, RatioMedian, RatioP90,
        medianOf(RoundRatios), MinRatio, MaxRatio);
    J << Buf << "  \"per_round\": [";
    for (size_t R = 0; R < SwyRounds.size(); ++R) {
      std::snprintf(Buf, sizeof(Buf),
                    "%s\n    {\"switchyard_median\": %.3f, "
                    "\"switchyard_p90\": %.3f, \"raw_median\": %.3f, "
                    "\"raw_p90\": %.3f}",
                    R ? "," : "", SwyRounds[R].Median, SwyRounds[R].P90,
                    RawRounds[R].Median, RawRounds[R].P90);
      J << Buf;
    }
    J << "\n  ]\n}\n";
  }
  return 0;
}
