//===- ChannelTest.cpp - Tests for the compiler's blocking channel --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace switchyard::test {
namespace {

/// Generous bound for "returned promptly": the machine is shared and noisy.
constexpr auto Slack = 5000ms;

/// The uid the root-only tests borrow; any uid other than root's will do.
constexpr uid_t OtherUid = 65534;

std::vector<uint8_t> framedHello() {
  std::vector<uint8_t> Payload = buildHello(HelloDesc());
  std::vector<uint8_t> Out;
  appendFrame(Out, Payload.data(), Payload.size());
  return Out;
}

/// A connected pair; Fds[0], the channel's end, non-blocking as connect()
/// leaves it.
void channelPair(int Fds[2]) {
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, Fds), 0);
  ASSERT_EQ(::fcntl(Fds[0], F_SETFL, O_NONBLOCK), 0);
}

/// receive() on a silent peer fails with a timeout, not before \p Timeout
/// and not much after.
void expectReceiveTimesOut(Channel &C, std::chrono::milliseconds Timeout) {
  std::string Err;
  Clock::time_point Start = Clock::now();
  EXPECT_EQ(C.receive(Start + Timeout, Err), nullptr);
  auto Took = Clock::now() - Start;
  EXPECT_NE(Err.find("timed out"), std::string::npos) << Err;
  EXPECT_GE(Took, Timeout);
  EXPECT_LT(Took, Timeout + Slack);
}

int acceptOne(int ListenFd) {
  int Fd = ::accept4(ListenFd, nullptr, nullptr, SOCK_CLOEXEC);
  EXPECT_GE(Fd, 0) << std::strerror(errno);
  return Fd;
}

TEST(Channel, ConnectToMissingPathFails) {
  TempDir Dir;
  std::string Path = Dir.file("nobody-home.sock");
  Channel C;
  std::string Err;
  EXPECT_FALSE(C.connect(Path, after(1000ms), Err));
  EXPECT_FALSE(C.isOpen());
  EXPECT_NE(Err.find(Path), std::string::npos) << Err;
  EXPECT_NE(Err.find(std::strerror(ENOENT)), std::string::npos) << Err;
}

TEST(Channel, ConnectToRegularFileFails) {
  TempDir Dir;
  std::string Path = Dir.write("plain-file", "not a socket\n");
  Channel C;
  std::string Err;
  EXPECT_FALSE(C.connect(Path, after(1000ms), Err));
  EXPECT_FALSE(C.isOpen());
  EXPECT_NE(Err.find("is not a socket"), std::string::npos) << Err;
}

TEST(Channel, ConnectToOverlongPathFails) {
  std::string Path = "/tmp/" + std::string(200, 'x');
  Channel C;
  std::string Err;
  EXPECT_FALSE(C.connect(Path, after(1000ms), Err));
  EXPECT_NE(Err.find("longer than"), std::string::npos) << Err;
}

TEST(Channel, ConnectToStaleSocketIsRefused) {
  TempDir Dir;
  std::string Path = Dir.file("stale.sock");
  makeStaleSocket(Path);
  Channel C;
  std::string Err;
  EXPECT_FALSE(C.connect(Path, after(1000ms), Err));
  EXPECT_FALSE(C.isOpen());
  EXPECT_NE(Err.find(std::strerror(ECONNREFUSED)), std::string::npos) << Err;
}

TEST(Channel, ConnectRefusesSocketOwnedByAnotherUser) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to give a socket to another user";
  TempDir Dir;
  std::string Path = Dir.file("theirs.sock");
  int Listener = listenUnix(Path);
  ASSERT_EQ(::chown(Path.c_str(), OtherUid, OtherUid), 0);
  Channel C;
  std::string Err;
  EXPECT_FALSE(C.connect(Path, after(1000ms), Err));
  EXPECT_NE(Err.find("belongs to uid " + std::to_string(OtherUid)),
            std::string::npos)
      << Err;
  ::close(Listener);
}

TEST(Channel, ConnectRefusesPeerRunningAsAnotherUser) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to listen as another user";
  TempDir Dir;
  std::string Path = Dir.file("impostor.sock");
  // The file is ours, but the kernel records the listener's credentials at
  // listen() time, and those name another user.
  int Listener = bindUnix(Path);
  ASSERT_EQ(::seteuid(OtherUid), 0);
  int R = ::listen(Listener, 4);
  ASSERT_EQ(::seteuid(0), 0);
  ASSERT_EQ(R, 0);
  Channel C;
  std::string Err;
  EXPECT_FALSE(C.connect(Path, after(1000ms), Err));
  EXPECT_FALSE(C.isOpen());
  EXPECT_NE(Err.find("runs as uid " + std::to_string(OtherUid)),
            std::string::npos)
      << Err;
  ::close(Listener);
}

TEST(Channel, ReceiveTimesOutOnSilentListener) {
  TempDir Dir;
  std::string Path = Dir.file("silent.sock");
  // Listens but never accepts: the connection sits in the backlog.
  int Listener = listenUnix(Path);
  Channel C;
  ASSERT_TRUE(connectTo(C, Path));
  std::vector<uint8_t> Hello = buildHello(HelloDesc());
  std::string Err;
  ASSERT_TRUE(C.send(Hello.data(), Hello.size(), after(1000ms), Err)) << Err;

  expectReceiveTimesOut(C, 300ms);
  ::close(Listener);
}

TEST(Channel, SpinningReceiveStillEndsAtTheDeadline) {
  int Fds[2];
  ASSERT_NO_FATAL_FAILURE(channelPair(Fds));
  Channel C(Fds[0]);
  // A spin limit longer than the deadline: the deadline wins.
  C.setSpinLimit(std::chrono::microseconds(10000));
  expectReceiveTimesOut(C, 3ms);
  ::close(Fds[1]);
}

TEST(Channel, SpinningReceiveWaitsForASlowPeer) {
  int Fds[2];
  ASSERT_NO_FATAL_FAILURE(channelPair(Fds));
  Channel C(Fds[0]);
  C.setSpinLimit(std::chrono::microseconds(50));
  std::vector<uint8_t> Wire = framedHello();
  // Three answers: two slower than the spin limit (the channel gives up
  // spinning and sleeps), one written in pieces, each one complete.
  std::thread Writer([&] {
    for (int Round = 0; Round < 3; ++Round) {
      std::this_thread::sleep_for(20ms);
      if (Round < 2) {
        writeAll(Fds[1], Wire.data(), Wire.size());
        continue;
      }
      for (size_t I = 0; I < Wire.size(); I += 5) {
        writeAll(Fds[1], &Wire[I], std::min<size_t>(5, Wire.size() - I));
        std::this_thread::sleep_for(100us);
      }
    }
  });
  for (int Round = 0; Round < 3; ++Round) {
    std::string Err;
    const fb::Frame *F = C.receive(after(5000ms), Err);
    ASSERT_NE(F, nullptr) << "answer " << Round << ": " << Err;
    EXPECT_EQ(F->message_type(), fb::Message::Hello);
  }
  Writer.join();
  ::close(Fds[1]);
}

TEST(Channel, ConnectTimesOutOnFullBacklog) {
  TempDir Dir;
  std::string Path = Dir.file("full.sock");
  int Listener = listenUnix(Path, /*Backlog=*/0);
  // Fill the backlog until the kernel says EAGAIN.
  std::vector<int> Waiting;
  bool Full = false;
  sockaddr_un Addr{};
  Addr.sun_family = AF_UNIX;
  std::strncpy(Addr.sun_path, Path.c_str(), sizeof(Addr.sun_path) - 1);
  for (int I = 0; I < 64 && !Full; ++I) {
    int Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (::connect(Fd, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)) != 0 &&
        errno == EAGAIN) {
      Full = true;
      ::close(Fd);
    } else {
      Waiting.push_back(Fd);
    }
  }
  if (!Full) {
    for (int Fd : Waiting)
      ::close(Fd);
    ::close(Listener);
    GTEST_SKIP() << "this kernel never reports a full Unix backlog";
  }

  const auto Timeout = 300ms;
  Channel C;
  std::string Err;
  Clock::time_point Start = Clock::now();
  EXPECT_FALSE(C.connect(Path, Start + Timeout, Err));
  auto Took = Clock::now() - Start;
  EXPECT_FALSE(C.isOpen());
  EXPECT_NE(Err.find("cannot connect"), std::string::npos) << Err;
  EXPECT_GE(Took, Timeout);
  EXPECT_LT(Took, Timeout + Slack);
  for (int Fd : Waiting)
    ::close(Fd);
  ::close(Listener);
}

TEST(Channel, PeerClosingMidFrameIsAnError) {
  TempDir Dir;
  std::string Path = Dir.file("midframe.sock");
  int Listener = listenUnix(Path);
  Channel C;
  ASSERT_TRUE(connectTo(C, Path));
  int Peer = acceptOne(Listener);
  std::vector<uint8_t> Wire = framedHello();
  ASSERT_TRUE(writeAll(Peer, Wire.data(), Wire.size() / 2));
  ::close(Peer);

  std::string Err;
  Clock::time_point Start = Clock::now();
  EXPECT_EQ(C.receive(Start + 5000ms, Err), nullptr);
  EXPECT_LT(Clock::now() - Start, 4000ms) << "waited for the deadline";
  EXPECT_NE(Err.find("mid-frame"), std::string::npos) << Err;
  ::close(Listener);
}

TEST(Channel, PeerClosingBetweenFramesIsAnError) {
  TempDir Dir;
  std::string Path = Dir.file("between.sock");
  int Listener = listenUnix(Path);
  Channel C;
  ASSERT_TRUE(connectTo(C, Path));
  int Peer = acceptOne(Listener);
  std::vector<uint8_t> Wire = framedHello();
  ASSERT_TRUE(writeAll(Peer, Wire.data(), Wire.size()));
  ::close(Peer);

  std::string Err;
  const fb::Frame *F = C.receive(after(5000ms), Err);
  ASSERT_NE(F, nullptr) << Err;
  EXPECT_EQ(F->message_type(), fb::Message::Hello);
  EXPECT_EQ(C.receive(after(5000ms), Err), nullptr);
  EXPECT_NE(Err.find("closed the connection"), std::string::npos) << Err;
  EXPECT_EQ(Err.find("mid-frame"), std::string::npos) << Err;
}

TEST(Channel, ReceivesFrameWrittenInPieces) {
  int Fds[2];
  ASSERT_NO_FATAL_FAILURE(channelPair(Fds));
  Channel C(Fds[0]);
  std::vector<uint8_t> Wire = framedHello();
  std::thread Writer([&] {
    for (size_t I = 0; I < Wire.size(); I += 7) {
      writeAll(Fds[1], &Wire[I], std::min<size_t>(7, Wire.size() - I));
      std::this_thread::sleep_for(1ms);
    }
  });
  std::string Err;
  const fb::Frame *F = C.receive(after(5000ms), Err);
  Writer.join();
  ASSERT_NE(F, nullptr) << Err;
  EXPECT_EQ(F->message_type(), fb::Message::Hello);
  ::close(Fds[1]);
}

TEST(Channel, OversizedFrameFromPeerIsRefused) {
  int Fds[2];
  ASSERT_NO_FATAL_FAILURE(channelPair(Fds));
  Channel C(Fds[0], /*MaxFrame=*/64);
  std::vector<uint8_t> Wire = framedHello();
  ASSERT_GT(Wire.size(), 64u + FrameHeaderSize);
  ASSERT_TRUE(writeAll(Fds[1], Wire.data(), Wire.size()));
  std::string Err;
  EXPECT_EQ(C.receive(after(5000ms), Err), nullptr);
  EXPECT_NE(Err.find("exceeds"), std::string::npos) << Err;
  ::close(Fds[1]);
}

TEST(Channel, FrameLimitSurvivesReconnect) {
  TempDir Dir;
  std::string Path = Dir.file("limit.sock");
  int Listener = listenUnix(Path);
  Channel C(-1, /*MaxFrame=*/64);
  ASSERT_TRUE(connectTo(C, Path));
  int Peer = acceptOne(Listener);
  std::vector<uint8_t> Wire = framedHello();
  ASSERT_GT(Wire.size(), 64u + FrameHeaderSize);
  ASSERT_TRUE(writeAll(Peer, Wire.data(), Wire.size()));
  std::string Err;
  EXPECT_EQ(C.receive(after(5000ms), Err), nullptr)
      << "connect() forgot the channel's 64-byte frame limit";
  ::close(Peer);
  ::close(Listener);
}

TEST(Channel, SendAndReceiveNeedAConnection) {
  Channel C;
  std::string Err;
  uint8_t Byte = 0;
  EXPECT_FALSE(C.send(&Byte, 1, after(100ms), Err));
  EXPECT_NE(Err.find("not connected"), std::string::npos) << Err;
  Err.clear();
  EXPECT_EQ(C.receive(after(100ms), Err), nullptr);
  EXPECT_NE(Err.find("not connected"), std::string::npos) << Err;
}

TEST(Channel, SendToClosedPeerFailsWithoutSigpipe) {
  int Fds[2];
  ASSERT_NO_FATAL_FAILURE(channelPair(Fds));
  ::close(Fds[1]);
  Channel C(Fds[0]);
  // SIGPIPE is ignored in this binary; check the call itself asks for none.
  EXPECT_EXIT(
      {
        std::signal(SIGPIPE, SIG_DFL);
        std::vector<uint8_t> Hello = buildHello(HelloDesc());
        std::string Err;
        bool Sent = C.send(Hello.data(), Hello.size(), after(1000ms), Err);
        std::_Exit(Sent ? 1 : 0);
      },
      ::testing::ExitedWithCode(0), "");
}

} // namespace
} // namespace switchyard::test
