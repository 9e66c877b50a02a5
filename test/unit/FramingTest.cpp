//===- FramingTest.cpp - Tests for length-prefixed, verified frames -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <set>

namespace {
/// The largest single allocation since the last reset, so a test can show
/// that a hostile length prefix is refused before anything is allocated.
std::atomic<size_t> LargestAllocation{0};
} // namespace

void *operator new(std::size_t Size) {
  size_t Prev = LargestAllocation.load(std::memory_order_relaxed);
  while (Size > Prev && !LargestAllocation.compare_exchange_weak(Prev, Size))
    ;
  if (void *P = std::malloc(Size ? Size : 1))
    return P;
  throw std::bad_alloc();
}
void operator delete(void *P) noexcept { std::free(P); }
void operator delete(void *P, std::size_t) noexcept { std::free(P); }

namespace switchyard::test {
namespace {

std::vector<uint8_t> framed(const std::vector<uint8_t> &Payload) {
  std::vector<uint8_t> Out;
  appendFrame(Out, Payload.data(), Payload.size());
  return Out;
}

std::vector<uint8_t> lengthPrefix(uint32_t Len) {
  return {static_cast<uint8_t>(Len), static_cast<uint8_t>(Len >> 8),
          static_cast<uint8_t>(Len >> 16), static_cast<uint8_t>(Len >> 24)};
}

RequestDesc richRequest(uint64_t Id) {
  RequestDesc R;
  R.Id = Id;
  R.Kind = fb::DecisionKind::LoopUnroll;
  R.Function = "loop_fn";
  R.Pass = "LoopUnrollPass";
  R.Unit = fb::UnitKind::Loop;
  R.Site = 0xfeedfacecafe;
  R.Index = 7;
  R.FeatureNames = {"trip_count", "size"};
  R.FeatureValues = {16, 42.5};
  R.Legal = {{"none", {}},
             {"full", {}},
             {"partial", {{"count", 2, 64, true}}}};
  return R;
}

/// Decodes \p F as an agent of a session whose Hello named the loop-unroll
/// features of richRequest().
void expectRichRequest(const fb::Frame *F, uint64_t Id) {
  ASSERT_NE(F, nullptr);
  ASSERT_EQ(F->message_type(), fb::Message::DecisionRequest);
  // Version 2 sends values only.
  EXPECT_EQ(F->message_as_DecisionRequest()->feature_names(), nullptr);
  SessionInfo Session;
  Session.setFeatureNames(fb::DecisionKind::LoopUnroll, {"trip_count", "size"});
  ReceivedRequest Got;
  std::string Err;
  ASSERT_TRUE(decodeRequest(*F, Session, Got, Err)) << Err;
  const DecisionRequest &R = Got.Request;
  EXPECT_EQ(Got.Id, Id);
  EXPECT_EQ(R.Kind, fb::DecisionKind::LoopUnroll);
  EXPECT_EQ(R.Context.Function, "loop_fn");
  EXPECT_EQ(R.Context.Pass, "LoopUnrollPass");
  EXPECT_EQ(R.Context.Unit, fb::UnitKind::Loop);
  EXPECT_EQ(R.Context.SiteId, 0xfeedfacecafeu);
  EXPECT_EQ(R.Context.Index, 7u);
  EXPECT_DOUBLE_EQ(feature(R, "size"), 42.5);
  EXPECT_DOUBLE_EQ(feature(R, "absent", -1), -1);
  int Size = Session.featureIndex(fb::DecisionKind::LoopUnroll, "size");
  ASSERT_EQ(Size, 1);
  EXPECT_DOUBLE_EQ(R.FeatureValues[Size], 42.5);
  ASSERT_EQ(R.Legal.size(), 3u);
  const ParamSpec &P = R.Legal[2].Params[0];
  EXPECT_EQ(P.Name, "count");
  EXPECT_EQ(P.Min, 2);
  EXPECT_EQ(P.Max, 64);
  EXPECT_TRUE(P.PowerOfTwo);
}

TEST(Framing, AppendFrameWritesLittleEndianLength) {
  std::vector<uint8_t> Payload(0x0304, 0xab);
  std::vector<uint8_t> Out = {0x99};
  appendFrame(Out, Payload.data(), Payload.size());
  ASSERT_EQ(Out.size(), 1 + FrameHeaderSize + Payload.size());
  EXPECT_EQ(Out[1], 0x04);
  EXPECT_EQ(Out[2], 0x03);
  EXPECT_EQ(Out[3], 0x00);
  EXPECT_EQ(Out[4], 0x00);
  EXPECT_EQ(Out[0], 0x99) << "appendFrame must not touch what is there";
}

TEST(Framing, HelloRoundTrip) {
  HelloDesc H;
  H.Module = "round.c";
  H.Offered = {fb::DecisionKind::Inline, fb::DecisionKind::PassPipeline};
  H.ActionSpace = {"instcombine", "gvn"};
  std::vector<uint8_t> Payload = buildHello(H);

  std::string Err;
  const fb::Frame *Direct = verifyFrame(Payload.data(), Payload.size(), Err);
  ASSERT_NE(Direct, nullptr) << Err;

  FrameDecoder D;
  std::vector<uint8_t> Wire = framed(Payload);
  D.feed(Wire.data(), Wire.size());
  const fb::Frame *F = nullptr;
  ASSERT_EQ(D.next(F, Err), FrameDecoder::Status::Ready) << Err;
  ASSERT_EQ(F->message_type(), fb::Message::Hello);
  const fb::Hello *Got = F->message_as_Hello();
  EXPECT_EQ(Got->protocol_version(), ProtocolVersion);
  EXPECT_EQ(Got->module_name()->str(), "round.c");
  EXPECT_EQ(Got->compiler()->str(), "unit-test");
  ASSERT_EQ(Got->offered_kinds()->size(), 2u);
  EXPECT_EQ(Got->offered_kinds()->Get(1), fb::DecisionKind::PassPipeline);
  ASSERT_EQ(Got->action_space()->size(), 2u);
  EXPECT_EQ(Got->action_space()->Get(1)->name()->str(), "gvn");
  EXPECT_EQ(D.pending(), 0u);
  EXPECT_EQ(D.next(F, Err), FrameDecoder::Status::NeedMore);
}

TEST(Framing, DecisionRequestRoundTrip) {
  std::vector<uint8_t> Wire = framed(buildRequest(richRequest(99)));
  FrameDecoder D;
  D.feed(Wire.data(), Wire.size());
  const fb::Frame *F = nullptr;
  std::string Err;
  ASSERT_EQ(D.next(F, Err), FrameDecoder::Status::Ready) << Err;
  expectRichRequest(F, 99);
}

TEST(Framing, ObservationRoundTrip) {
  // Every part of a pipeline request's observation, MLIR's per-dialect
  // counts included, through the codec's two halves.
  const std::string_view Ops[] = {"arith.addi", "func.return"};
  const std::string_view Dialects[] = {"arith", "func"};
  Observation O;
  O.Mask = ~0u;
  O.InstCount = 9;
  O.FunctionNames = {"f"};
  O.FunctionCounts = {8};
  O.OpcodeNames = Ops;
  O.OpcodeCounts = {3, 1};
  O.Autophase = {-1, 2};
  O.IrHash = 0x1234;
  O.IrText = "module {}";
  O.Bitcode = std::string("ML\xefR", 4);
  O.DialectNames = Dialects;
  O.DialectCounts = {5, UINT64_MAX};
  DecisionRequest R;
  R.Kind = fb::DecisionKind::PassPipeline;
  R.Obs = &O;
  flatbuffers::FlatBufferBuilder B;
  encodeRequest(B, R, 3, ProtocolVersion);
  std::string Err;
  const fb::Frame *F = verifyFrame(B.GetBufferPointer(), B.GetSize(), Err);
  ASSERT_NE(F, nullptr) << Err;
  ReceivedRequest Got;
  ASSERT_TRUE(decodeRequest(*F, SessionInfo(), Got, Err)) << Err;
  const Observation *G = Got.Request.Obs;
  ASSERT_NE(G, nullptr);
  EXPECT_EQ(G->Mask, static_cast<uint32_t>(fb::ObservationMask::ANY));
  EXPECT_EQ(G->FunctionCounts, O.FunctionCounts);
  ASSERT_EQ(G->OpcodeNames.size(), 2u);
  EXPECT_EQ(G->OpcodeNames[1], "func.return");
  EXPECT_EQ(G->OpcodeCounts, O.OpcodeCounts);
  EXPECT_EQ(G->IrHash, 0x1234u);
  EXPECT_EQ(G->IrText, O.IrText);
  EXPECT_EQ(G->Bitcode, O.Bitcode);
  ASSERT_EQ(G->DialectNames.size(), 2u);
  EXPECT_EQ(G->DialectNames[0], "arith");
  EXPECT_EQ(G->DialectCounts, O.DialectCounts);

  // Without the bit, nothing of it is sent.
  O.Mask &= ~static_cast<uint32_t>(fb::ObservationMask::DialectCounts);
  encodeRequest(B, R, 4, ProtocolVersion);
  F = verifyFrame(B.GetBufferPointer(), B.GetSize(), Err);
  ASSERT_NE(F, nullptr) << Err;
  ASSERT_TRUE(decodeRequest(*F, SessionInfo(), Got, Err)) << Err;
  EXPECT_TRUE(Got.Request.Obs->DialectNames.empty());
  EXPECT_FALSE(Got.Request.Obs->Mask &
               static_cast<uint32_t>(fb::ObservationMask::DialectCounts));
}

TEST(Framing, DecoderFedOneByteAtATime) {
  std::vector<uint8_t> Wire = framed(buildHello(HelloDesc()));
  std::vector<uint8_t> Second = framed(buildRequest(richRequest(5)));
  size_t FirstEnd = Wire.size();
  Wire.insert(Wire.end(), Second.begin(), Second.end());

  FrameDecoder D;
  std::string Err;
  int Frames = 0;
  for (size_t I = 0; I < Wire.size(); ++I) {
    D.feed(&Wire[I], 1);
    const fb::Frame *F = nullptr;
    FrameDecoder::Status S = D.next(F, Err);
    ASSERT_NE(S, FrameDecoder::Status::Error) << "at byte " << I << ": " << Err;
    bool Complete = I + 1 == FirstEnd || I + 1 == Wire.size();
    ASSERT_EQ(S == FrameDecoder::Status::Ready, Complete) << "at byte " << I;
    if (S != FrameDecoder::Status::Ready)
      continue;
    if (++Frames == 1)
      EXPECT_EQ(F->message_type(), fb::Message::Hello);
    else
      expectRichRequest(F, 5);
  }
  EXPECT_EQ(Frames, 2);
  EXPECT_EQ(D.pending(), 0u);
}

TEST(Framing, SeveralFramesInOneFeed) {
  std::vector<uint8_t> Wire;
  for (uint64_t Id = 1; Id <= 5; ++Id) {
    RequestDesc R = richRequest(Id);
    // Vary sizes so payloads land at every alignment in the buffer.
    R.Function = std::string(Id, 'f');
    std::vector<uint8_t> One = framed(buildRequest(R));
    Wire.insert(Wire.end(), One.begin(), One.end());
  }
  // A partial sixth frame stays pending.
  std::vector<uint8_t> Sixth = framed(buildHello(HelloDesc()));
  Wire.insert(Wire.end(), Sixth.begin(), Sixth.begin() + 10);

  FrameDecoder D;
  D.feed(Wire.data(), Wire.size());
  std::string Err;
  for (uint64_t Id = 1; Id <= 5; ++Id) {
    const fb::Frame *F = nullptr;
    ASSERT_EQ(D.next(F, Err), FrameDecoder::Status::Ready) << Id << ": " << Err;
    ASSERT_EQ(F->message_type(), fb::Message::DecisionRequest);
    EXPECT_EQ(F->message_as_DecisionRequest()->id(), Id);
    EXPECT_EQ(F->message_as_DecisionRequest()->context()->function()->str(),
              std::string(Id, 'f'));
  }
  const fb::Frame *F = nullptr;
  EXPECT_EQ(D.next(F, Err), FrameDecoder::Status::NeedMore);
  EXPECT_EQ(D.pending(), 10u);
  D.feed(Sixth.data() + 10, Sixth.size() - 10);
  ASSERT_EQ(D.next(F, Err), FrameDecoder::Status::Ready) << Err;
  EXPECT_EQ(F->message_type(), fb::Message::Hello);
  EXPECT_EQ(D.pending(), 0u);
}

TEST(Framing, LengthAboveMaxIsRefusedBeforeAllocating) {
  for (uint32_t Len : {MaxFrameSize + 1, 0x7fffffffu, 0xffffffffu}) {
    FrameDecoder D;
    std::vector<uint8_t> Header = lengthPrefix(Len);
    std::string Err;
    const fb::Frame *F = nullptr;
    LargestAllocation = 0;
    D.feed(Header.data(), Header.size());
    EXPECT_EQ(D.next(F, Err), FrameDecoder::Status::Error) << Len;
    EXPECT_LT(LargestAllocation.load(), size_t(1) << 20)
        << "the decoder allocated for a length of " << Len;
    EXPECT_NE(Err.find("exceeds"), std::string::npos) << Err;
    EXPECT_NE(Err.find(std::to_string(Len)), std::string::npos) << Err;
  }
}

TEST(Framing, DecoderHonoursItsOwnLimit) {
  const uint32_t Max = 64;
  std::string Err;
  const fb::Frame *F = nullptr;
  FrameDecoder AtLimit(Max);
  std::vector<uint8_t> Header = lengthPrefix(Max);
  AtLimit.feed(Header.data(), Header.size());
  EXPECT_EQ(AtLimit.next(F, Err), FrameDecoder::Status::NeedMore);

  FrameDecoder Above(Max);
  Header = lengthPrefix(Max + 1);
  Above.feed(Header.data(), Header.size());
  EXPECT_EQ(Above.next(F, Err), FrameDecoder::Status::Error);
}

TEST(Framing, WrongFileIdentifierIsRefused) {
  flatbuffers::FlatBufferBuilder B;
  auto Hello = fb::CreateHelloDirect(B, ProtocolVersion, "cc");
  B.Finish(fb::CreateFrame(B, fb::Message::Hello, Hello.Union()), "NOPE");
  std::vector<uint8_t> Payload(B.GetBufferPointer(),
                               B.GetBufferPointer() + B.GetSize());
  std::string Err;
  EXPECT_EQ(verifyFrame(Payload.data(), Payload.size(), Err), nullptr);
  EXPECT_NE(Err.find("SWYD"), std::string::npos) << Err;

  FrameDecoder D;
  std::vector<uint8_t> Wire = framed(Payload);
  D.feed(Wire.data(), Wire.size());
  const fb::Frame *F = nullptr;
  EXPECT_EQ(D.next(F, Err), FrameDecoder::Status::Error);
}

TEST(Framing, GarbageWithValidLengthIsRefused) {
  std::mt19937_64 Rng(20240611);
  for (int Round = 0; Round < 500; ++Round) {
    std::vector<uint8_t> Payload(8 + Rng() % 256);
    for (uint8_t &Byte : Payload)
      Byte = static_cast<uint8_t>(Rng());
    // With the right identifier half the time, so the verifier itself must
    // refuse, not just the identifier check.
    if (Round % 2 == 0)
      std::memcpy(&Payload[4], fb::FrameIdentifier(), 4);
    std::vector<uint8_t> Wire = framed(Payload);
    FrameDecoder D;
    D.feed(Wire.data(), Wire.size());
    const fb::Frame *F = nullptr;
    std::string Err;
    ASSERT_EQ(D.next(F, Err), FrameDecoder::Status::Error)
        << "round " << Round << " accepted garbage";
    if (Round % 2 == 0)
      EXPECT_NE(Err.find("verifier"), std::string::npos) << Err;
  }
}

TEST(Framing, TooShortFrameIsRefused) {
  const uint8_t Tiny[4] = {'S', 'W', 'Y', 'D'};
  std::string Err;
  EXPECT_EQ(verifyFrame(Tiny, sizeof(Tiny), Err), nullptr);
  EXPECT_NE(Err.find("too short"), std::string::npos) << Err;
}

TEST(Framing, FrameWithoutMessageIsRefused) {
  {
    flatbuffers::FlatBufferBuilder B;
    B.Finish(fb::CreateFrame(B), fb::FrameIdentifier());
    std::string Err;
    EXPECT_EQ(verifyFrame(B.GetBufferPointer(), B.GetSize(), Err), nullptr);
    EXPECT_NE(Err.find("no message"), std::string::npos) << Err;
  }
  {
    // A type tag with no table behind it.
    flatbuffers::FlatBufferBuilder B;
    B.Finish(fb::CreateFrame(B, fb::Message::DecisionRequest),
             fb::FrameIdentifier());
    std::string Err;
    EXPECT_EQ(verifyFrame(B.GetBufferPointer(), B.GetSize(), Err), nullptr);
    EXPECT_NE(Err.find("no message"), std::string::npos) << Err;
  }
}

TEST(Framing, KindNamesRoundTripForEveryKind) {
  std::set<std::string> Seen;
  for (fb::DecisionKind K : fb::EnumValuesDecisionKind()) {
    std::string Name = kindName(K);
    EXPECT_NE(Name, "unknown") << fb::EnumNameDecisionKind(K);
    EXPECT_TRUE(Seen.insert(Name).second) << "duplicate name " << Name;
    fb::DecisionKind Parsed = fb::DecisionKind::Rewrite;
    if (K == fb::DecisionKind::Rewrite)
      Parsed = fb::DecisionKind::PassGate;
    ASSERT_TRUE(parseKindName(Name, Parsed)) << Name;
    EXPECT_EQ(Parsed, K) << Name;
  }
  EXPECT_STREQ(kindName(fb::DecisionKind::PassGate), "pass-gate");
  EXPECT_STREQ(kindName(fb::DecisionKind::LoopUnroll), "loop-unroll");
  EXPECT_STREQ(kindName(static_cast<fb::DecisionKind>(999)), "unknown");
  fb::DecisionKind K = fb::DecisionKind::Licm;
  EXPECT_FALSE(parseKindName("Inline", K));
  EXPECT_FALSE(parseKindName("", K));
  EXPECT_FALSE(parseKindName("unknown", K));
  EXPECT_EQ(K, fb::DecisionKind::Licm) << "a failed parse must not write";
}

} // namespace
} // namespace switchyard::test

TEST(KindNames, ComeFromTheSchemasEnumAndRoundTrip) {
  EXPECT_STREQ(switchyard::kindName(switchyard::fb::DecisionKind::PassGate), "pass-gate");
  EXPECT_STREQ(switchyard::kindName(switchyard::fb::DecisionKind::LoopDistribute), "loop-distribute");
  EXPECT_STREQ(switchyard::kindName(switchyard::fb::DecisionKind::Licm), "licm");
  for (switchyard::fb::DecisionKind K : switchyard::fb::EnumValuesDecisionKind()) {
    switchyard::fb::DecisionKind Back;
    ASSERT_TRUE(switchyard::parseKindName(switchyard::kindName(K), Back)) << switchyard::kindName(K);
    EXPECT_EQ(Back, K);
  }
  switchyard::fb::DecisionKind Ignored;
  EXPECT_FALSE(switchyard::parseKindName("PassGate", Ignored));
  EXPECT_FALSE(switchyard::parseKindName("unroll", Ignored));
}
