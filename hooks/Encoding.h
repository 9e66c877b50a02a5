//===- Encoding.h - Switchyard messages to and from flatbuffers -----------===//
//
// Shared by every DecisionProvider that speaks the protocol's messages: the
// socket provider sends them, the in-process provider hands them to an
// agent directly.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_HOOKS_ENCODING_H
#define SWITCHYARD_HOOKS_ENCODING_H

#include "Decision.h"

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
llvm::Expected<std::vector<Subscription>>
decodeHelloReply(const fb::Frame &F);

/// The answer to request \p Id, or why the frame is not one.
llvm::Expected<Reply> decodeReply(const fb::Frame &F, uint64_t Id);

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_ENCODING_H
