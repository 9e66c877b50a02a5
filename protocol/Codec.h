//===- Codec.h - Switchyard messages to and from flatbuffers --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The compiler's half of the codec: what a DecisionProvider sends (Hello,
// DecisionRequest, ModuleReport) and reads (HelloReply, DecisionReply).
// Frames handed to the decode functions have passed verifyFrame.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_CODEC_H
#define SWITCHYARD_PROTOCOL_CODEC_H

#include "Expected.h"
#include "Messages.h"

#include "flatbuffers/flatbuffers.h"

namespace switchyard {

/// Each encode function clears \p Builder and leaves one finished Frame.
void encodeHello(flatbuffers::FlatBufferBuilder &Builder,
                 const ModuleInfo &Info);
void encodeRequest(flatbuffers::FlatBufferBuilder &Builder,
                   const DecisionRequest &Request, uint64_t Id);
void encodeReport(flatbuffers::FlatBufferBuilder &Builder,
                  const ModuleReport &Report);

/// The agent's subscriptions, or why the handshake failed.
Expected<std::vector<Subscription>> decodeHelloReply(const fb::Frame &F);

/// The answer to request \p Id, or why the frame is not one.
Expected<Reply> decodeReply(const fb::Frame &F, uint64_t Id);

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_CODEC_H
