//===- FuzzSupport.h - Shared helpers of the Switchyard fuzz targets ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A deterministic source of split points and choices derived from the input,
// and a walk over every field of a verified frame: the verifier promised that
// each of those reads stays inside the buffer, and ASan checks the promise.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_TEST_FUZZ_FUZZSUPPORT_H
#define SWITCHYARD_TEST_FUZZ_FUZZSUPPORT_H

#include "Codec.h"
#include "Framing.h"
#include "Hash.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <cstring>

namespace switchyard::fuzz {

/// Stops the run with a message; libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const char *Why) {
  std::fprintf(stderr, "switchyard fuzz invariant broken: %s\n", Why);
  std::abort();
}

/// splitmix64, seeded from a hash of the input, so a reproducer replays the
/// same split points and choices.
class InputRng {
public:
  InputRng(const uint8_t *Data, size_t Size) {
    State = stableHash(
        std::string_view(reinterpret_cast<const char *>(Data), Size));
  }

  uint64_t next() {
    uint64_t X = (State += 0x9e3779b97f4a7c15ULL);
    X = (X ^ (X >> 30)) * 0xbf58476d1ce4e5b9ULL;
    X = (X ^ (X >> 27)) * 0x94d049bb133111ebULL;
    return X ^ (X >> 31);
  }

  /// A value in [Lo, Hi].
  size_t between(size_t Lo, size_t Hi) { return Lo + next() % (Hi - Lo + 1); }

private:
  uint64_t State;
};

/// Folds everything it is shown into one value that the optimizer cannot
/// drop, so every read below really happens.
class Sink {
public:
  template <typename T> void scalar(T V) {
    uint64_t Bits = 0;
    std::memcpy(&Bits, &V, sizeof(V) < sizeof(Bits) ? sizeof(V) : sizeof(Bits));
    H = (H ^ Bits) * 0x100000001b3ULL;
  }

  void string(const flatbuffers::String *S) {
    if (!S)
      return;
    scalar(S->size());
    for (char C : S->string_view())
      scalar(C);
    // The verifier also promises the terminating zero.
    scalar(S->c_str()[S->size()]);
  }

  template <typename T> void scalars(const flatbuffers::Vector<T> *V) {
    if (!V)
      return;
    scalar(V->size());
    for (T X : *V)
      scalar(X);
  }

  void string(std::string_view Str) {
    scalar(Str.size());
    for (char C : Str)
      scalar(C);
  }

  void strings(
      const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>> *V) {
    if (!V)
      return;
    scalar(V->size());
    for (const flatbuffers::String *S : *V)
      string(S);
  }

  uint64_t value() const { return H; }

  ~Sink() {
    static volatile uint64_t Out;
    Out = H;
  }

private:
  uint64_t H = 0;
};

inline void walk(Sink &S, const fb::Context *C) {
  if (!C)
    return;
  S.string(C->module_name());
  S.string(C->function());
  S.string(C->pass());
  S.string(C->pass_arg());
  S.scalar(C->unit_kind());
  S.string(C->unit_name());
  S.scalar(C->site_id());
  S.scalar(C->index());
}

inline void walk(Sink &S, const fb::OptionSpec *O) {
  if (!O)
    return;
  S.string(O->name());
  if (const auto *Params = O->params())
    for (const fb::ParamSpec *P : *Params) {
      S.string(P->name());
      S.scalar(P->min());
      S.scalar(P->max());
      S.scalar(P->power_of_two());
    }
  S.scalar(O->function_scope());
}

inline void walk(Sink &S, const fb::Choice *C) {
  if (!C)
    return;
  S.scalar(C->option());
  S.scalars(C->params());
  S.string(C->target());
}

inline void walk(Sink &S, const fb::Observation *O) {
  if (!O)
    return;
  S.scalar(O->inst_count());
  S.strings(O->function_names());
  S.scalars(O->function_counts());
  S.strings(O->opcode_names());
  S.scalars(O->opcode_counts());
  S.scalars(O->autophase());
  S.scalar(O->ir_hash());
  S.string(O->ir_text());
  S.scalars(O->bitcode());
}

inline void walk(Sink &S, const fb::Hello &H) {
  S.scalar(H.protocol_version());
  S.string(H.compiler());
  S.string(H.compiler_version());
  S.string(H.module_name());
  S.string(H.source_file());
  S.string(H.target_triple());
  S.scalar(H.pid());
  if (const auto *Kinds = H.offered_kinds())
    for (size_t I = 0; I < Kinds->size(); ++I)
      S.scalar(Kinds->Get(I));
  if (const auto *Space = H.action_space())
    for (const fb::OptionSpec *O : *Space)
      walk(S, O);
  if (const auto *Schemas = H.feature_schemas())
    for (const fb::FeatureSchema *F : *Schemas) {
      S.scalar(F->kind());
      S.strings(F->names());
    }
}

inline void walk(Sink &S, const fb::HelloReply &R) {
  S.scalar(R.accept());
  S.string(R.reason());
  if (const auto *Subs = R.subscriptions())
    for (const fb::Subscription *Sub : *Subs) {
      S.scalar(Sub->kind());
      S.strings(Sub->passes());
      S.strings(Sub->functions());
      S.scalar(Sub->observations());
      S.scalar(Sub->no_features());
    }
}

inline void walk(Sink &S, const fb::DecisionRequest &R) {
  S.scalar(R.id());
  S.scalar(R.kind());
  walk(S, R.context());
  S.strings(R.feature_names());
  S.scalars(R.feature_values());
  walk(S, R.default_choice());
  if (const auto *Legal = R.legal())
    for (const fb::OptionSpec *O : *Legal)
      walk(S, O);
  walk(S, R.observation());
  S.string(R.previous_error());
}

inline void walk(Sink &S, const fb::DecisionReply &R) {
  S.scalar(R.id());
  S.scalar(R.use_default());
  walk(S, R.choice());
  S.scalar(R.observations());
}

inline void walk(Sink &S, const fb::ModuleReport &R) {
  S.string(R.module_name());
  S.scalar(R.inst_count_before());
  S.scalar(R.inst_count_after());
  if (const auto *Stats = R.stats())
    for (const fb::KindStats *K : *Stats) {
      S.scalar(K->kind());
      S.scalar(K->agent());
      S.scalar(K->agent_changed());
      S.scalar(K->local_default());
      S.scalar(K->fallback());
    }
  S.scalar(R.agent_wait_ns());
  S.string(R.error());
}

/// Reads every field of every message type \p F may carry. Returns a hash of
/// what it read, so two decodes of one stream can be compared.
inline uint64_t walkFrame(const fb::Frame &F) {
  Sink S;
  S.scalar(F.message_type());
  if (const fb::Hello *H = F.message_as_Hello())
    walk(S, *H);
  if (const fb::HelloReply *R = F.message_as_HelloReply())
    walk(S, *R);
  if (const fb::DecisionRequest *R = F.message_as_DecisionRequest())
    walk(S, *R);
  if (const fb::DecisionReply *R = F.message_as_DecisionReply())
    walk(S, *R);
  if (const fb::ModuleReport *R = F.message_as_ModuleReport())
    walk(S, *R);
  return S.value();
}

/// What the codec makes of verified frames, as a peer reads them: each
/// frame goes to its message type's decoder, and a Hello becomes the session
/// that the requests after it are decoded against.
class CodecReader {
public:
  /// A hash of what the codec decoded from \p F, or of why it refused.
  uint64_t read(const fb::Frame &F) {
    Sink S;
    S.scalar(F.message_type());
    switch (F.message_type()) {
    case fb::Message::Hello:
      if (Expected<SessionInfo> H = decodeHello(F)) {
        Session = std::move(*H);
        S.scalar(Session.Version);
        S.string(Session.Module);
        for (DecisionKind K : Session.Offered) {
          S.scalar(K);
          for (std::string_view N : Session.featureNames(K))
            S.string(N);
        }
        for (const std::string &A : Session.ActionSpace)
          S.string(A);
      } else {
        S.string(H.error());
      }
      break;
    case fb::Message::DecisionRequest: {
      std::string Err;
      if (!decodeRequest(F, Session, Received, Err)) {
        if (Err.empty())
          fail("decodeRequest failed without saying why");
        S.string(Err);
        break;
      }
      const DecisionRequest &R = Received.Request;
      if (R.FeatureNames.size() != R.FeatureValues.size())
        fail("decodeRequest gave other numbers of names and values");
      S.scalar(Received.Id);
      S.scalar(R.Kind);
      S.string(R.Context.Function);
      for (size_t I = 0; I < R.FeatureValues.size(); ++I) {
        S.string(R.FeatureNames[I]);
        S.scalar(R.FeatureValues[I]);
      }
      S.scalar(R.Default.Option);
      for (const OptionSpec &O : R.Legal) {
        S.string(O.Name);
        S.scalar(O.Params.size());
      }
      S.scalar(R.Obs ? R.Obs->Mask : 0);
      S.string(R.PreviousError);
      break;
    }
    case fb::Message::ModuleReport:
      if (Expected<ModuleReport> R = decodeReport(F)) {
        S.string(R->ModuleName);
        S.scalar(R->Stats.size());
        S.string(R->Error);
      } else {
        S.string(R.error());
      }
      break;
    case fb::Message::HelloReply:
      if (Expected<HelloReply> R = decodeHelloReply(F)) {
        S.scalar(R->Accept);
        S.string(R->Reason);
        S.scalar(R->Subscriptions.size());
      } else {
        S.string(R.error());
      }
      break;
    case fb::Message::DecisionReply: {
      // A reply is matched against the request it answers; here, its own id.
      uint64_t Id = F.message_as_DecisionReply()->id();
      if (Expected<Reply> R = decodeReply(F, Id)) {
        S.scalar(R->UseDefault);
        S.scalar(R->Chosen.Option);
        S.scalar(R->Chosen.Params.size());
        S.string(R->Chosen.Target);
      } else {
        S.string(R.error());
      }
      break;
    }
    default:
      break;
    }
    return S.value();
  }

private:
  SessionInfo Session;
  ReceivedRequest Received;
};

} // namespace switchyard::fuzz

#endif // SWITCHYARD_TEST_FUZZ_FUZZSUPPORT_H
