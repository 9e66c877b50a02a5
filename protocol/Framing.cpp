//===- Framing.cpp - Length-prefixed, verified Switchyard frames ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "Framing.h"

#include <cstring>
#include <utility>

namespace switchyard {

void appendFrame(std::vector<uint8_t> &Out, const uint8_t *Data, size_t Size) {
  uint32_t Len = static_cast<uint32_t>(Size);
  uint8_t Header[FrameHeaderSize] = {
      static_cast<uint8_t>(Len), static_cast<uint8_t>(Len >> 8),
      static_cast<uint8_t>(Len >> 16), static_cast<uint8_t>(Len >> 24)};
  Out.insert(Out.end(), Header, Header + FrameHeaderSize);
  Out.insert(Out.end(), Data, Data + Size);
}

namespace {
/// The flatbuffers verifier checks that a vector's length prefix is aligned,
/// but not its elements (google/flatbuffers#8397): a vector of 8-byte
/// scalars may sit at an odd multiple of 4, and reading it is a misaligned
/// load. Frames reach here aligned (FrameDecoder sees to it), so check the
/// addresses. An empty vector has nothing to read, and flatbuffers' own
/// builder does not always align one.
template <typename T> bool isAligned(const flatbuffers::Vector<T> *V) {
  return !V || V->size() == 0 ||
         reinterpret_cast<uintptr_t>(V->Data()) % alignof(T) == 0;
}

bool isAligned(const fb::Choice *C) { return !C || isAligned(C->params()); }

bool hasAlignedVectors(const fb::Frame &F) {
  if (const fb::DecisionRequest *R = F.message_as_DecisionRequest()) {
    const fb::Observation *O = R->observation();
    return isAligned(R->feature_values()) && isAligned(R->default_choice()) &&
           (!O || (isAligned(O->function_counts()) &&
                   isAligned(O->opcode_counts()) &&
                   isAligned(O->autophase())));
  }
  if (const fb::DecisionReply *R = F.message_as_DecisionReply())
    return isAligned(R->choice());
  return true;
}
} // namespace

const fb::Frame *verifyFrame(const uint8_t *Data, size_t Size,
                             std::string &Err) {
  if (Size < 8) {
    Err = "frame of " + std::to_string(Size) + " bytes is too short";
    return nullptr;
  }
  if (!fb::FrameBufferHasIdentifier(Data)) {
    Err = "frame lacks the 'SWYD' file identifier";
    return nullptr;
  }
  // Depth and table limits keep a hostile frame from costing much to verify.
  flatbuffers::Verifier V(Data, Size, /*max_depth=*/32,
                          /*max_tables=*/1u << 20);
  if (!fb::VerifyFrameBuffer(V)) {
    Err = "frame fails the flatbuffers verifier";
    return nullptr;
  }
  const fb::Frame *F = fb::GetFrame(Data);
  if (F->message_type() == fb::Message::NONE || !F->message()) {
    Err = "frame carries no message";
    return nullptr;
  }
  if (!hasAlignedVectors(*F)) {
    Err = "frame has a misaligned vector";
    return nullptr;
  }
  return F;
}

void FrameDecoder::feed(const uint8_t *Data, size_t Size) {
  // Drop what was handed out before growing, so the buffer stays small.
  if (Consumed > 0) {
    Buffer.erase(Buffer.begin(), Buffer.begin() + Consumed);
    Consumed = 0;
  }
  Buffer.insert(Buffer.end(), Data, Data + Size);
}

FrameDecoder::Status FrameDecoder::next(const fb::Frame *&Out,
                                        std::string &Err) {
  size_t Avail = Buffer.size() - Consumed;
  if (Avail < FrameHeaderSize)
    return Status::NeedMore;
  const uint8_t *P = Buffer.data() + Consumed;
  uint32_t Len = uint32_t(P[0]) | uint32_t(P[1]) << 8 | uint32_t(P[2]) << 16 |
                 uint32_t(P[3]) << 24;
  if (Len > MaxSize) {
    Err = "frame of " + std::to_string(Len) + " bytes exceeds the limit of " +
          std::to_string(MaxSize);
    return Status::Error;
  }
  if (Avail - FrameHeaderSize < Len)
    return Status::NeedMore;
  // Flatbuffers wants its buffer aligned; the vector's storage is, but an
  // offset into it may not be, so realign by moving the payload if needed.
  const uint8_t *Payload = P + FrameHeaderSize;
  if (reinterpret_cast<uintptr_t>(Payload) % alignof(uint64_t) != 0) {
    std::memmove(Buffer.data(), Payload, Avail - FrameHeaderSize);
    Buffer.resize(Avail - FrameHeaderSize);
    Consumed = 0;
    Payload = Buffer.data();
    Out = verifyFrame(Payload, Len, Err);
    Consumed = Len;
    return Out ? Status::Ready : Status::Error;
  }
  Out = verifyFrame(Payload, Len, Err);
  Consumed += FrameHeaderSize + Len;
  return Out ? Status::Ready : Status::Error;
}

namespace {
/// The kinds' names, made from the schema's enum ("LoopUnroll" ->
/// "loop-unroll"), so a kind added to switchyard.fbs is named without a
/// list to keep in step.
class KindNameTable {
public:
  KindNameTable() {
    for (fb::DecisionKind K : fb::EnumValuesDecisionKind()) {
      std::string Name;
      for (const char *C = fb::EnumNameDecisionKind(K); *C; ++C) {
        if (*C >= 'A' && *C <= 'Z') {
          if (!Name.empty())
            Name += '-';
          Name += static_cast<char>(*C - 'A' + 'a');
        } else {
          Name += *C;
        }
      }
      Entries.emplace_back(K, std::move(Name));
    }
  }
  std::vector<std::pair<fb::DecisionKind, std::string>> Entries;
};

const KindNameTable &kindNames() {
  static const KindNameTable Table;
  return Table;
}
} // namespace

const char *kindName(fb::DecisionKind Kind) {
  for (const auto &[K, Name] : kindNames().Entries)
    if (K == Kind)
      return Name.c_str();
  return "unknown";
}

bool parseKindName(const std::string &Name, fb::DecisionKind &Kind) {
  for (const auto &[K, N] : kindNames().Entries)
    if (Name == N) {
      Kind = K;
      return true;
    }
  return false;
}

std::string unsupportedVersion(uint32_t Version) {
  if (Version >= OldestProtocolVersion && Version <= ProtocolVersion)
    return "";
  return "protocol version " + std::to_string(Version) +
         " is not supported; this agent speaks versions " +
         std::to_string(OldestProtocolVersion) + " to " +
         std::to_string(ProtocolVersion);
}

} // namespace switchyard
