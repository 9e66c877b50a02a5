//===- Codec.h - Switchyard messages to and from flatbuffers --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The one codec: both halves of every message in Messages.h, for the
// compiler (Hello, DecisionRequest and ModuleReport out; HelloReply and
// DecisionReply in) and for the agent (the reverse). Frames handed to the
// decode functions have passed verifyFrame; what the Verifier cannot know
// (a missing table, the wrong message type, a reply to another request)
// comes back as a failure that says what is wrong.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_CODEC_H
#define SWITCHYARD_PROTOCOL_CODEC_H

#include "Expected.h"
#include "Messages.h"

#include "flatbuffers/flatbuffers.h"

namespace switchyard {

//===----------------------------------------------------------------------===//
// The compiler's half
//===----------------------------------------------------------------------===//

/// Each encode function clears \p Builder and leaves one finished Frame.
/// \p Version is ProtocolVersion but for tests that play an older compiler.
void encodeHello(flatbuffers::FlatBufferBuilder &Builder,
                 const ModuleInfo &Info, uint32_t Version = 0);
/// Version 1 also names each feature in every request.
void encodeRequest(flatbuffers::FlatBufferBuilder &Builder,
                   const DecisionRequest &Request, uint64_t Id,
                   uint32_t Version = 0);
void encodeReport(flatbuffers::FlatBufferBuilder &Builder,
                  const ModuleReport &Report);

/// The agent's answer to the Hello, accepting or refusing.
Expected<HelloReply> decodeHelloReply(const fb::Frame &F);

/// The answer to request \p Id, or why the frame is not one.
Expected<Reply> decodeReply(const fb::Frame &F, uint64_t Id);

//===----------------------------------------------------------------------===//
// The agent's half
//===----------------------------------------------------------------------===//

/// The handshake, owned (Id is left for the transport to fill in).
Expected<SessionInfo> decodeHello(const fb::Frame &F);

/// A request as an agent reads it. Request's views point into the frame it
/// was decoded from and into this object, which keeps its storage from one
/// request to the next: decoding allocates only when a request is larger
/// than any before it.
class ReceivedRequest {
public:
  uint64_t Id = 0;
  DecisionRequest Request;

private:
  friend bool decodeRequest(const fb::Frame &, const SessionInfo &,
                            ReceivedRequest &, std::string &);
  std::vector<OptionSpec> Legal;
  std::vector<std::string_view> Names; ///< A version-1 request's own.
  Observation Obs;
  std::vector<std::string_view> OpcodeNames;
  std::vector<std::string_view> DialectNames;
};

/// Decodes \p F, a request of \p Session, into \p Out. The request's feature
/// names are the session's schema for its kind, or the request's own from a
/// version-1 compiler. False, with \p Err set, if \p F is not a request.
bool decodeRequest(const fb::Frame &F, const SessionInfo &Session,
                   ReceivedRequest &Out, std::string &Err);

Expected<ModuleReport> decodeReport(const fb::Frame &F);

void encodeHelloReply(flatbuffers::FlatBufferBuilder &Builder,
                      const HelloReply &Reply);
void encodeReply(flatbuffers::FlatBufferBuilder &Builder, const Reply &R,
                 uint64_t Id);

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_CODEC_H
