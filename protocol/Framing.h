//===- Framing.h - Length-prefixed, verified Switchyard frames ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Shared by the compiler side and the agent SDK, so it depends on nothing but
// the C++ standard library and the flatc-generated schema.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_FRAMING_H
#define SWITCHYARD_PROTOCOL_FRAMING_H

#include "switchyard_generated.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace switchyard {

/// Bumped on any change an older peer cannot ignore. See protocol/README.md.
constexpr uint32_t ProtocolVersion = 2;

/// The oldest version an agent still serves: a version-1 compiler sends
/// feature names with every request instead of once in its Hello.
constexpr uint32_t OldestProtocolVersion = 1;

/// Why an agent refuses a compiler of protocol \p Version, or "" if it
/// serves it.
std::string unsupportedVersion(uint32_t Version);

/// Hard limit on a frame's payload, enforced by both sides before allocating.
constexpr uint32_t MaxFrameSize = 64u << 20;

/// Bytes of the little-endian length prefix in front of every flatbuffer.
constexpr size_t FrameHeaderSize = 4;

/// Appends the length prefix and \p Size bytes of \p Data to \p Out.
void appendFrame(std::vector<uint8_t> &Out, const uint8_t *Data, size_t Size);

/// Runs the flatbuffers Verifier (and checks the file identifier and that a
/// message is present). Returns the frame, or null with \p Err set.
const fb::Frame *verifyFrame(const uint8_t *Data, size_t Size,
                             std::string &Err);

/// Splits a byte stream into verified frames. Bytes are fed as they arrive;
/// next() hands out one frame at a time. A frame stays valid until the next
/// call to feed() or next().
class FrameDecoder {
public:
  enum class Status { NeedMore, Ready, Error };

  explicit FrameDecoder(uint32_t MaxSize = MaxFrameSize) : MaxSize(MaxSize) {}

  void feed(const uint8_t *Data, size_t Size);

  /// Returns Ready with \p Out set, NeedMore, or Error with \p Err set. After
  /// an Error the stream is unusable: frame boundaries are lost.
  Status next(const fb::Frame *&Out, std::string &Err);

  /// Bytes received but not yet handed out as frames.
  size_t pending() const { return Buffer.size() - Consumed; }

private:
  std::vector<uint8_t> Buffer;
  size_t Consumed = 0;
  uint32_t MaxSize;
};

/// Returns the printable name of a decision kind ("pass-gate", "inline", ...).
const char *kindName(fb::DecisionKind Kind);

/// Parses a printable kind name; returns false if \p Name is not one.
bool parseKindName(const std::string &Name, fb::DecisionKind &Kind);

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_FRAMING_H
