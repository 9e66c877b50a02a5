//===- Channel.h - Blocking frame I/O with deadlines for the compiler -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The compiler side talks to its agent with plain POSIX calls and poll():
// a compiler has no event loop, and every wait must end by a deadline so a
// stuck agent can never hang a build. No LLVM here, so benchmarks and unit
// tests can drive the real client without a compiler.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_CHANNEL_H
#define SWITCHYARD_PROTOCOL_CHANNEL_H

#include "Framing.h"

#include <chrono>
#include <string>
#include <sys/types.h>

namespace switchyard {

using Clock = std::chrono::steady_clock;

/// A connected Unix stream socket speaking Switchyard frames.
class Channel {
public:
  Channel() = default;
  explicit Channel(int Fd, uint32_t MaxFrame = MaxFrameSize)
      : Fd(Fd), MaxFrame(MaxFrame), Decoder(MaxFrame) {}
  Channel(const Channel &) = delete;
  Channel &operator=(const Channel &) = delete;
  ~Channel() { close(); }

  /// Connects to \p Path. Refuses a path that is not a socket owned by this
  /// user, and a peer that runs as another user.
  bool connect(const std::string &Path, Clock::time_point Deadline,
               std::string &Err);

  bool isOpen() const { return Fd >= 0; }
  int fd() const { return Fd; }
  void close();

  /// Writes one frame (length prefix added here). Never raises SIGPIPE.
  bool send(const uint8_t *Data, size_t Size, Clock::time_point Deadline,
            std::string &Err);

  /// Reads until one whole verified frame is in. The frame stays valid until
  /// the next call on this channel.
  const fb::Frame *receive(Clock::time_point Deadline, std::string &Err);

  /// Polls the socket without sleeping for up to \p Limit before a receive
  /// blocks, while the peer keeps answering within that time. Sleeping and
  /// being woken costs more than a fast agent's whole answer (tens of
  /// microseconds on a virtual machine); a slow agent turns the spinning
  /// off until it is fast again. Zero (the default) never spins.
  void setSpinLimit(std::chrono::microseconds Limit) { SpinLimit = Limit; }

private:
  bool waitFor(short Events, Clock::time_point Deadline, std::string &Err);
  /// Non-blocking reads until data, end of file, an error or the spin limit.
  ssize_t spinRecv(uint8_t *Buf, size_t Size, Clock::time_point Start,
                   Clock::time_point Deadline);

  int Fd = -1;
  uint32_t MaxFrame = MaxFrameSize;
  FrameDecoder Decoder;
  std::vector<uint8_t> SendBuffer;
  std::chrono::microseconds SpinLimit{0};
  /// Whether the last answer came within the spin limit.
  bool PeerFast = true;
};

/// Checks that \p Path is a socket owned by the calling user. Returns false
/// with \p Err set otherwise.
bool checkSocketOwner(const std::string &Path, std::string &Err);

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_CHANNEL_H
