//===- Channel.cpp - Blocking frame I/O with deadlines for the compiler ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "Channel.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace switchyard {

static std::string errnoText(const char *What) {
  return std::string(What) + ": " + std::strerror(errno);
}

bool checkSocketOwner(const std::string &Path, std::string &Err) {
  struct stat St;
  if (::lstat(Path.c_str(), &St) != 0) {
    Err = errnoText(("cannot stat agent socket '" + Path + "'").c_str());
    return false;
  }
  if (!S_ISSOCK(St.st_mode)) {
    Err = "'" + Path + "' is not a socket";
    return false;
  }
  if (St.st_uid != ::geteuid()) {
    Err = "agent socket '" + Path + "' belongs to uid " +
          std::to_string(St.st_uid) + ", not to this user (uid " +
          std::to_string(::geteuid()) + "); refusing it";
    return false;
  }
  return true;
}

bool Channel::connect(const std::string &Path, Clock::time_point Deadline,
                      std::string &Err) {
  close();
  sockaddr_un Addr{};
  Addr.sun_family = AF_UNIX;
  if (Path.size() >= sizeof(Addr.sun_path)) {
    Err = "agent socket path '" + Path + "' is longer than " +
          std::to_string(sizeof(Addr.sun_path) - 1) + " bytes";
    return false;
  }
  if (!checkSocketOwner(Path, Err))
    return false;
  std::memcpy(Addr.sun_path, Path.c_str(), Path.size() + 1);

  Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (Fd < 0) {
    Err = errnoText("socket");
    return false;
  }
  // A Unix socket connects at once or fails with EAGAIN while the listener's
  // backlog is full; retry that until the deadline.
  while (::connect(Fd, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)) !=
         0) {
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN || Clock::now() >= Deadline) {
      Err = errnoText(("cannot connect to agent at '" + Path + "'").c_str());
      close();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ucred Cred{};
  socklen_t Len = sizeof(Cred);
  if (::getsockopt(Fd, SOL_SOCKET, SO_PEERCRED, &Cred, &Len) != 0) {
    Err = errnoText("SO_PEERCRED");
    close();
    return false;
  }
  if (Cred.uid != ::geteuid()) {
    Err = "agent at '" + Path + "' runs as uid " + std::to_string(Cred.uid) +
          ", not as this user; refusing it";
    close();
    return false;
  }
  return true;
}

void Channel::close() {
  if (Fd >= 0)
    ::close(Fd);
  Fd = -1;
  Decoder = FrameDecoder(MaxFrame);
}

bool Channel::waitFor(short Events, Clock::time_point Deadline,
                      std::string &Err) {
  for (;;) {
    auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(
        Deadline - Clock::now());
    if (Left.count() < 0) {
      Err = "timed out waiting for the agent";
      return false;
    }
    pollfd P{Fd, Events, 0};
    // Round up so a sub-millisecond remainder still waits instead of spinning.
    int N = ::poll(&P, 1, static_cast<int>(Left.count()) + 1);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      Err = errnoText("poll");
      return false;
    }
    if (N == 0)
      continue; // Re-check the deadline.
    if (P.revents & (Events | POLLHUP | POLLERR))
      return true;
  }
}

ssize_t Channel::spinRecv(uint8_t *Buf, size_t Size, Clock::time_point Start,
                          Clock::time_point Deadline) {
  Clock::time_point Until = std::min(Start + SpinLimit, Deadline);
  for (;;) {
    ssize_t N = ::recv(Fd, Buf, Size, MSG_DONTWAIT);
    if (N >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
      return N;
    if (Clock::now() >= Until)
      return N; // EAGAIN: the caller sleeps in poll().
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

bool Channel::send(const uint8_t *Data, size_t Size,
                   Clock::time_point Deadline, std::string &Err) {
  if (Fd < 0) {
    Err = "not connected";
    return false;
  }
  if (Size > MaxFrameSize) {
    Err = "refusing to send a frame of " + std::to_string(Size) + " bytes";
    return false;
  }
  SendBuffer.clear();
  appendFrame(SendBuffer, Data, Size);
  size_t Done = 0;
  while (Done < SendBuffer.size()) {
    ssize_t N = ::send(Fd, SendBuffer.data() + Done, SendBuffer.size() - Done,
                       MSG_NOSIGNAL);
    if (N > 0) {
      Done += static_cast<size_t>(N);
      continue;
    }
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!waitFor(POLLOUT, Deadline, Err))
        return false;
      continue;
    }
    Err = errnoText("agent connection lost while sending");
    return false;
  }
  return true;
}

const fb::Frame *Channel::receive(Clock::time_point Deadline,
                                  std::string &Err) {
  if (Fd < 0) {
    Err = "not connected";
    return nullptr;
  }
  uint8_t Chunk[16384];
  bool Spin = SpinLimit.count() > 0 && PeerFast;
  Clock::time_point Start =
      SpinLimit.count() > 0 ? Clock::now() : Clock::time_point();
  for (;;) {
    const fb::Frame *F = nullptr;
    switch (Decoder.next(F, Err)) {
    case FrameDecoder::Status::Ready:
      if (SpinLimit.count() > 0)
        PeerFast = Clock::now() - Start <= SpinLimit;
      return F;
    case FrameDecoder::Status::Error:
      return nullptr;
    case FrameDecoder::Status::NeedMore:
      break;
    }
    ssize_t N = Spin ? spinRecv(Chunk, sizeof(Chunk), Start, Deadline)
                     : ::recv(Fd, Chunk, sizeof(Chunk), 0);
    if (N > 0) {
      Decoder.feed(Chunk, static_cast<size_t>(N));
      continue;
    }
    if (N == 0) {
      Err = Decoder.pending() ? "agent closed the connection mid-frame"
                              : "agent closed the connection";
      return nullptr;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      Spin = false; // Spun out: sleep until the rest arrives.
      if (!waitFor(POLLIN, Deadline, Err))
        return nullptr;
      continue;
    }
    Err = errnoText("agent connection lost while receiving");
    return nullptr;
  }
}

} // namespace switchyard
