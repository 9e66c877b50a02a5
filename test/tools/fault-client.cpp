//===- fault-client.cpp - A compiler that misbehaves on purpose, for tests ===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   fault-client --socket PATH --mode MODE [--byte-delay-ms N] [--wait-ms N]
//
// Connects to a real agent and breaks the protocol as MODE says. It exits 0
// if the agent reacted as it should (it closed the connection, refused the
// handshake, or answered every request right), 1 if not, 2 on a usage or
// connection error. Its handshake names the module "fault-client-MODE", so
// the agent's log line about it can be told from the others.
//
//   garbage          a frame of the right length that fails the verifier
//   truncated        a length prefix promising more bytes than come; exits
//   oversized        a length prefix above the 64 MiB limit
//   slow             the handshake one byte at a time, slower than the
//                    agent's handshake limit
//   no-hello         connects and says nothing
//   version-999      a handshake for protocol version 999
//   die-mid-request  handshake, one request, and exits without reading
//   trickle          a correct session whose requests arrive one byte at a
//                    time: the agent must answer each one, and log nothing
//
//===----------------------------------------------------------------------===//

#include "Channel.h"
#include "Codec.h"
#include "Framing.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace switchyard;

namespace {

struct Options {
  std::string Socket;
  std::string Mode;
  /// Pause between bytes; 0 picks the mode's own (slow 50, trickle 1).
  unsigned ByteDelayMs = 0;
  unsigned WaitMs = 5000;
};

int fail(const std::string &Mode, const std::string &Why) {
  std::fprintf(stderr, "fault-client %s: %s\n", Mode.c_str(), Why.c_str());
  return 1;
}

std::vector<uint8_t> frameOf(flatbuffers::FlatBufferBuilder &B) {
  std::vector<uint8_t> Out;
  appendFrame(Out, B.GetBufferPointer(), B.GetSize());
  return Out;
}

std::vector<uint8_t> helloFrame(uint32_t Version, const std::string &Module) {
  ModuleInfo Info;
  Info.Compiler = "fault-client";
  Info.CompilerVersion = "0";
  Info.ModuleName = Module;
  Info.SourceFile = Module + ".c";
  Info.TargetTriple = "x86_64-unknown-linux-gnu";
  Info.Pid = static_cast<int64_t>(::getpid());
  Info.Offered = {fb::DecisionKind::PassGate};
  flatbuffers::FlatBufferBuilder B;
  encodeHello(B, Info, Version);
  return frameOf(B);
}

std::vector<uint8_t> requestFrame(uint64_t Id, const std::string &Module) {
  static const OptionSpec Legal[] = {{"run", {}}, {"skip", {}}};
  DecisionRequest R;
  R.Kind = fb::DecisionKind::PassGate;
  R.Context.Module = Module;
  R.Context.Function = "f";
  R.Context.Pass = "SROAPass";
  R.Context.PassArg = "sroa";
  R.Context.Unit = fb::UnitKind::Function;
  R.Context.UnitName = "f";
  R.Context.SiteId = Id;
  R.Legal = Legal;
  flatbuffers::FlatBufferBuilder B;
  encodeRequest(B, R, Id);
  return frameOf(B);
}

std::vector<uint8_t> reportFrame(const std::string &Module) {
  ModuleReport Report;
  Report.ModuleName = Module;
  flatbuffers::FlatBufferBuilder B;
  encodeReport(B, Report);
  return frameOf(B);
}

/// Sends \p Bytes whole, or \p Step bytes at a time with a pause between.
/// Returns false once the agent has closed the connection.
bool sendBytes(int Fd, const std::vector<uint8_t> &Bytes, size_t Step = 0,
               unsigned DelayMs = 0) {
  size_t Done = 0;
  while (Done < Bytes.size()) {
    size_t Len =
        Step ? std::min(Step, Bytes.size() - Done) : Bytes.size() - Done;
    ssize_t N = ::send(Fd, Bytes.data() + Done, Len, MSG_NOSIGNAL);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd P{Fd, POLLOUT, 0};
      ::poll(&P, 1, 100);
      continue;
    }
    if (N <= 0)
      return false;
    Done += static_cast<size_t>(N);
    if (Step && Done < Bytes.size())
      std::this_thread::sleep_for(std::chrono::milliseconds(DelayMs));
  }
  return true;
}

/// Reads and discards until the agent closes the connection. Returns false
/// if it is still open after \p WaitMs.
bool waitForClose(int Fd, unsigned WaitMs) {
  Clock::time_point End = Clock::now() + std::chrono::milliseconds(WaitMs);
  uint8_t Buf[4096];
  for (;;) {
    auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    End - Clock::now())
                    .count();
    if (Left <= 0)
      return false;
    pollfd P{Fd, POLLIN, 0};
    int N = ::poll(&P, 1, static_cast<int>(Left));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      continue;
    ssize_t R = ::recv(Fd, Buf, sizeof(Buf), 0);
    if (R == 0 || (R < 0 && errno != EINTR && errno != EAGAIN))
      return true;
  }
}

void appendHeader(std::vector<uint8_t> &Out, uint32_t Len) {
  for (int Shift = 0; Shift < 32; Shift += 8)
    Out.push_back(static_cast<uint8_t>(Len >> Shift));
}

int run(const Options &O) {
  std::string Module = "fault-client-" + O.Mode;
  unsigned ByteDelayMs =
      O.ByteDelayMs ? O.ByteDelayMs : (O.Mode == "slow" ? 50 : 1);
  Channel Chan;
  std::string Err;
  if (!Chan.connect(O.Socket, Clock::now() + std::chrono::seconds(5), Err)) {
    std::fprintf(stderr, "fault-client %s: %s\n", O.Mode.c_str(), Err.c_str());
    return 2;
  }
  int Fd = Chan.fd();
  auto Deadline = [&] {
    return Clock::now() + std::chrono::milliseconds(O.WaitMs);
  };
  auto Handshake = [&]() -> bool {
    if (!sendBytes(Fd, helloFrame(ProtocolVersion, Module)))
      return false;
    const fb::Frame *F = Chan.receive(Deadline(), Err);
    if (!F)
      return false;
    Expected<HelloReply> R = decodeHelloReply(*F);
    return R && R->Accept;
  };

  if (O.Mode == "garbage") {
    // By hand, as no codec writes it: the identifier is right, so the
    // verifier is what must catch it.
    std::vector<uint8_t> Payload(48, 0xa5);
    const uint8_t Root[4] = {0x00, 0xff, 0xff, 0x7f};
    std::memcpy(Payload.data(), Root, 4);
    std::memcpy(Payload.data() + 4, fb::FrameIdentifier(), 4);
    std::vector<uint8_t> Out;
    appendFrame(Out, Payload.data(), Payload.size());
    sendBytes(Fd, Out);
    return waitForClose(Fd, O.WaitMs) ? 0 : fail(O.Mode, "still open");
  }
  if (O.Mode == "truncated") {
    // By hand: the codec frames whole messages, this one is cut short.
    std::vector<uint8_t> Hello = helloFrame(ProtocolVersion, Module);
    std::vector<uint8_t> Out;
    appendHeader(Out, static_cast<uint32_t>(Hello.size()) + 100);
    Out.insert(Out.end(), Hello.begin() + FrameHeaderSize,
               Hello.begin() + FrameHeaderSize + 16);
    sendBytes(Fd, Out);
    return 0; // Gone mid-frame.
  }
  if (O.Mode == "oversized") {
    // By hand: no message the codec writes comes near the limit.
    std::vector<uint8_t> Out;
    appendHeader(Out, 0xffffffffu);
    Out.resize(Out.size() + 16, 0);
    sendBytes(Fd, Out);
    return waitForClose(Fd, O.WaitMs) ? 0 : fail(O.Mode, "still open");
  }
  if (O.Mode == "slow") {
    if (sendBytes(Fd, helloFrame(ProtocolVersion, Module), 1, ByteDelayMs))
      return fail(O.Mode, "a handshake this slow was let through");
    return 0;
  }
  if (O.Mode == "no-hello")
    return waitForClose(Fd, O.WaitMs) ? 0 : fail(O.Mode, "still open");
  if (O.Mode == "version-999") {
    sendBytes(Fd, helloFrame(999, Module));
    const fb::Frame *F = Chan.receive(Deadline(), Err);
    if (!F)
      return fail(O.Mode, "no handshake reply: " + Err);
    Expected<HelloReply> R = decodeHelloReply(*F);
    if (!R)
      return fail(O.Mode, "no handshake reply: " + R.error());
    if (R->Accept)
      return fail(O.Mode, "version 999 was accepted");
    std::printf("fault-client %s: refused: %s\n", O.Mode.c_str(),
                R->Reason.c_str());
    return waitForClose(Fd, O.WaitMs) ? 0 : fail(O.Mode, "still open");
  }
  if (O.Mode == "die-mid-request") {
    if (!Handshake())
      return fail(O.Mode, "handshake failed: " + Err);
    sendBytes(Fd, requestFrame(1, Module));
    std::fflush(nullptr);
    std::_Exit(0); // Like a compiler killed while it waits for the answer.
  }
  if (O.Mode == "trickle") {
    if (!Handshake())
      return fail(O.Mode, "handshake failed: " + Err);
    for (uint64_t Id = 1; Id <= 3; ++Id) {
      if (!sendBytes(Fd, requestFrame(Id, Module), 1, ByteDelayMs))
        return fail(O.Mode, "agent closed the connection");
      const fb::Frame *F = Chan.receive(Deadline(), Err);
      if (!F)
        return fail(O.Mode,
                    "no answer to request " + std::to_string(Id) + ": " + Err);
      // decodeReply() refuses a reply to another request, and says which.
      Expected<Reply> R = decodeReply(*F, Id);
      if (!R)
        return fail(O.Mode, "no answer to request " + std::to_string(Id) +
                                ": " + R.error());
    }
    sendBytes(Fd, reportFrame(Module));
    return 0;
  }
  std::fprintf(stderr, "fault-client: unknown mode '%s'\n", O.Mode.c_str());
  return 2;
}

} // namespace

int main(int Argc, char **Argv) {
  Options O;
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    const char *V = I + 1 < Argc ? Argv[I + 1] : nullptr;
    if (!V) {
      std::fprintf(stderr, "fault-client: %s needs a value\n", A.c_str());
      return 2;
    }
    ++I;
    if (A == "--socket")
      O.Socket = V;
    else if (A == "--mode")
      O.Mode = V;
    else if (A == "--byte-delay-ms")
      O.ByteDelayMs = static_cast<unsigned>(std::strtoul(V, nullptr, 10));
    else if (A == "--wait-ms")
      O.WaitMs = static_cast<unsigned>(std::strtoul(V, nullptr, 10));
    else {
      std::fprintf(stderr, "fault-client: unknown argument '%s'\n", A.c_str());
      return 2;
    }
  }
  if (O.Socket.empty() || O.Mode.empty()) {
    std::fputs("usage: fault-client --socket PATH --mode MODE "
               "[--byte-delay-ms N] [--wait-ms N]\n",
               stderr);
    return 2;
  }
  return run(O);
}
