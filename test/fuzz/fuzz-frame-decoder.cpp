//===- fuzz-frame-decoder.cpp - Arbitrary bytes into the FrameDecoder -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The input is a byte stream as either peer might receive it. It is decoded
// twice, once fed whole and once fed in pieces whose sizes derive from the
// input; both decodes must hand out the same frames and end the same way.
// Every frame handed out is read field by field, so ASan sees any read the
// verifier should have refused, and decoded by the codec as a peer would
// (requests against the session of the Hello before them). The input is
// also verified as one bare payload, the way verifyFrame() is called on a
// whole buffer.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace switchyard;
using namespace switchyard::fuzz;

namespace {

struct Outcome {
  /// walkFrame() and CodecReader::read() of each frame handed out.
  std::vector<uint64_t> Frames;
  bool Failed = false;
  std::string Err;
  size_t Pending = 0;
};

/// Decodes \p Data with a decoder limited to \p MaxSize; in pieces chosen by
/// \p Split if given, else in one feed().
Outcome decode(const uint8_t *Data, size_t Size, uint32_t MaxSize,
               InputRng *Split) {
  FrameDecoder D(MaxSize);
  CodecReader Codec;
  Outcome O;
  size_t Pos = 0;
  do {
    size_t N = Size - Pos;
    if (Split && N > 0) {
      // Mostly small pieces, down to single bytes and empty feeds, with the
      // occasional large one.
      size_t Max = Split->between(0, 3) == 0 ? N : std::min<size_t>(N, 16);
      N = Split->between(0, Max);
    }
    D.feed(Data + Pos, N);
    Pos += N;
    for (;;) {
      const fb::Frame *F = nullptr;
      std::string Err;
      FrameDecoder::Status St = D.next(F, Err);
      if (St == FrameDecoder::Status::NeedMore)
        break;
      if (St == FrameDecoder::Status::Error) {
        if (Err.empty())
          fail("FrameDecoder reported an error without a message");
        O.Failed = true;
        O.Err = Err;
        return O;
      }
      if (!F)
        fail("FrameDecoder is Ready without a frame");
      O.Frames.push_back(walkFrame(*F));
      O.Frames.push_back(Codec.read(*F));
    }
  } while (Pos < Size);
  O.Pending = D.pending();
  return O;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  InputRng Rng(Data, Size);
  // Mostly the real limit; sometimes a tiny one, to reach the size check.
  uint32_t MaxSize = Rng.between(0, 7) == 0
                         ? static_cast<uint32_t>(Rng.between(0, 512))
                         : MaxFrameSize;

  Outcome Whole = decode(Data, Size, MaxSize, nullptr);
  Outcome Pieces = decode(Data, Size, MaxSize, &Rng);
  if (Whole.Frames != Pieces.Frames)
    fail("feeding in pieces handed out other frames than feeding at once");
  if (Whole.Failed != Pieces.Failed || Whole.Err != Pieces.Err)
    fail("feeding in pieces ended differently than feeding at once");
  if (!Whole.Failed && Whole.Pending != Pieces.Pending)
    fail("feeding in pieces left other bytes pending");

  // libFuzzer's copy of the input is a fresh allocation of exactly Size
  // bytes, aligned as a flatbuffer wants it.
  std::string Err;
  if (const fb::Frame *F = verifyFrame(Data, Size, Err)) {
    walkFrame(*F);
    CodecReader().read(*F);
  }
  else if (Err.empty())
    fail("verifyFrame refused a frame without saying why");
  return 0;
}
