//===- Hash.h - The stable 64-bit hash of site ids and seeds --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_HASH_H
#define SWITCHYARD_PROTOCOL_HASH_H

#include <cstdint>
#include <string_view>

namespace switchyard {

constexpr uint64_t StableHashSeed = 0xcbf29ce484222325ULL;

/// FNV-1a over \p Bytes, continuing from \p Seed: independent of the
/// process, the platform and the run, so site ids and the random policy's
/// answers are the same everywhere (the Python SDK computes the same).
constexpr uint64_t stableHash(std::string_view Bytes,
                              uint64_t Seed = StableHashSeed) {
  uint64_t H = Seed;
  for (char C : Bytes)
    H = (H ^ static_cast<unsigned char>(C)) * 0x100000001b3ULL;
  return H;
}

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_HASH_H
