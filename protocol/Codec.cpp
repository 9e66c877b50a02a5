//===- Codec.cpp - Switchyard messages to and from flatbuffers ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Codec.h"

#include "Framing.h"

namespace switchyard {

namespace fbs = flatbuffers;

static Failure protocolError(std::string Msg) { return {std::move(Msg)}; }

static fbs::Offset<fbs::String> str(fbs::FlatBufferBuilder &B,
                                    std::string_view S) {
  return B.CreateString(S.data(), S.size());
}

static fbs::Offset<fbs::Vector<fbs::Offset<fbs::String>>>
strings(fbs::FlatBufferBuilder &B, Span<std::string_view> Strings) {
  std::vector<fbs::Offset<fbs::String>> Offsets;
  Offsets.reserve(Strings.size());
  for (std::string_view S : Strings)
    Offsets.push_back(str(B, S));
  return B.CreateVector(Offsets);
}

void encodeHello(fbs::FlatBufferBuilder &Builder, const ModuleInfo &Info,
                 uint32_t Version) {
  Builder.Clear();
  if (Version == 0)
    Version = ProtocolVersion;
  std::vector<fbs::Offset<fb::OptionSpec>> Actions;
  Actions.reserve(Info.ActionSpace.size());
  for (const OptionSpec &O : Info.ActionSpace)
    Actions.push_back(fb::CreateOptionSpec(
        Builder, Builder.CreateString(O.Name.data(), O.Name.size()), 0,
        O.TakesTarget));
  auto ActionSpace = Builder.CreateVector(Actions);
  fbs::Offset<fbs::Vector<fbs::Offset<fb::FeatureSchema>>> Schemas;
  if (Version >= 2) {
    std::vector<fbs::Offset<fb::FeatureSchema>> S;
    for (const FeatureSchema &F : Info.Features)
      S.push_back(fb::CreateFeatureSchema(Builder, F.Kind,
                                          strings(Builder, F.Names)));
    Schemas = Builder.CreateVector(S);
  }
  auto Hello = fb::CreateHello(
      Builder, Version,
      Builder.CreateString(Info.Compiler),
      Builder.CreateString(Info.CompilerVersion),
      Builder.CreateString(Info.ModuleName),
      Builder.CreateString(Info.SourceFile),
      Builder.CreateString(Info.TargetTriple), Info.Pid,
      Builder.CreateVector(Info.Offered), ActionSpace, Schemas);
  Builder.Finish(fb::CreateFrame(Builder, fb::Message::Hello, Hello.Union()),
                 fb::FrameIdentifier());
}

Expected<HelloReply> decodeHelloReply(const fb::Frame &F) {
  const fb::HelloReply *R = F.message_as_HelloReply();
  if (!R)
    return protocolError("expected a handshake reply, got message type " +
                         std::to_string(static_cast<int>(F.message_type())));
  HelloReply Out;
  Out.Accept = R->accept();
  Out.Reason = R->reason() ? R->reason()->str() : std::string();
  if (R->subscriptions())
    for (const fb::Subscription *S : *R->subscriptions()) {
      Subscription Sub;
      Sub.Kind = S->kind();
      if (S->passes())
        for (const fbs::String *P : *S->passes())
          Sub.Passes.push_back(P->str());
      if (S->functions())
        for (const fbs::String *Fn : *S->functions())
          Sub.Functions.push_back(Fn->str());
      Sub.Observations = S->observations();
      Sub.NoFeatures = S->no_features();
      Out.Subscriptions.push_back(std::move(Sub));
    }
  if (R->local_rules())
    Out.LocalRules = R->local_rules()->str();
  return Out;
}

static fbs::Offset<fb::Choice> buildChoice(fbs::FlatBufferBuilder &B,
                                           const Choice &C) {
  auto Params = B.CreateVector(C.Params.data(), C.Params.size());
  auto Target = C.Target.empty() ? 0 : B.CreateString(C.Target);
  return fb::CreateChoice(B, C.Option, Params, Target);
}

static fbs::Offset<fb::Observation>
buildObservation(fbs::FlatBufferBuilder &B, const Observation &O) {
  using OM = fb::ObservationMask;
  auto Has = [&O](OM Bit) { return O.Mask & static_cast<uint32_t>(Bit); };
  fbs::Offset<fbs::Vector<fbs::Offset<fbs::String>>> FnNames, OpNames,
      DialectNames;
  fbs::Offset<fbs::Vector<uint64_t>> FnCounts, OpCounts, DialectCounts;
  fbs::Offset<fbs::Vector<int64_t>> Autophase;
  fbs::Offset<fbs::String> Text;
  fbs::Offset<fbs::Vector<uint8_t>> Bitcode;
  if (Has(OM::FunctionCounts)) {
    FnNames = B.CreateVectorOfStrings(O.FunctionNames);
    FnCounts = B.CreateVector(O.FunctionCounts);
  }
  if (Has(OM::OpcodeCounts)) {
    OpNames = strings(B, O.OpcodeNames);
    OpCounts = B.CreateVector(O.OpcodeCounts);
  }
  if (Has(OM::DialectCounts)) {
    DialectNames = strings(B, O.DialectNames);
    DialectCounts = B.CreateVector(O.DialectCounts);
  }
  if (Has(OM::Autophase))
    Autophase = B.CreateVector(O.Autophase);
  if (Has(OM::IrText))
    Text = B.CreateString(O.IrText);
  if (Has(OM::Bitcode))
    Bitcode = B.CreateVector(reinterpret_cast<const uint8_t *>(O.Bitcode.data()),
                             O.Bitcode.size());
  return fb::CreateObservation(B, O.InstCount, FnNames, FnCounts, OpNames,
                               OpCounts, Autophase, O.IrHash, Text, Bitcode,
                               DialectNames, DialectCounts);
}

void encodeRequest(fbs::FlatBufferBuilder &Builder,
                   const DecisionRequest &Request, uint64_t Id,
                   uint32_t Version) {
  Builder.Clear();
  const DecisionContext &C = Request.Context;
  auto Ctx = fb::CreateContext(Builder, str(Builder, C.Module),
                               str(Builder, C.Function), str(Builder, C.Pass),
                               str(Builder, C.PassArg), C.Unit,
                               str(Builder, C.UnitName), C.SiteId, C.Index);
  // Version 2 names the features once, in the Hello.
  fbs::Offset<fbs::Vector<fbs::Offset<fbs::String>>> NamesVec;
  if (Version == 1)
    NamesVec = strings(Builder, Request.FeatureNames);
  auto Values = Builder.CreateVector(Request.FeatureValues.data(),
                                     Request.FeatureValues.size());
  auto Default = buildChoice(Builder, Request.Default);
  // Pipeline requests point to the action space sent in the Hello.
  std::vector<fbs::Offset<fb::OptionSpec>> Legal;
  if (Request.Kind != DecisionKind::PassPipeline)
    for (const OptionSpec &O : Request.Legal) {
      std::vector<fbs::Offset<fb::ParamSpec>> Params;
      for (const ParamSpec &P : O.Params)
        Params.push_back(fb::CreateParamSpec(Builder, str(Builder, P.Name),
                                             P.Min, P.Max, P.PowerOfTwo));
      Legal.push_back(fb::CreateOptionSpec(Builder, str(Builder, O.Name),
                                           Builder.CreateVector(Params),
                                           O.TakesTarget));
    }
  auto LegalVec = Builder.CreateVector(Legal);
  fbs::Offset<fb::Observation> Obs;
  if (Request.Obs)
    Obs = buildObservation(Builder, *Request.Obs);
  auto PrevErr = Request.PreviousError.empty()
                     ? 0
                     : Builder.CreateString(Request.PreviousError);
  fb::DecisionRequestBuilder RB(Builder);
  RB.add_id(Id);
  RB.add_kind(Request.Kind);
  RB.add_context(Ctx);
  if (Version == 1)
    RB.add_feature_names(NamesVec);
  RB.add_feature_values(Values);
  RB.add_default_choice(Default);
  RB.add_legal(LegalVec);
  if (Request.Obs)
    RB.add_observation(Obs);
  if (!Request.PreviousError.empty())
    RB.add_previous_error(PrevErr);
  auto Req = RB.Finish();
  Builder.Finish(
      fb::CreateFrame(Builder, fb::Message::DecisionRequest, Req.Union()),
      fb::FrameIdentifier());
}

Expected<Reply> decodeReply(const fb::Frame &F, uint64_t Id) {
  const fb::DecisionReply *R = F.message_as_DecisionReply();
  if (!R)
    return protocolError("expected a decision reply, got message type " +
                         std::to_string(static_cast<int>(F.message_type())));
  // Requests are strictly one at a time, so the reply must be for this one.
  if (R->id() != Id)
    return protocolError("reply for request " + std::to_string(R->id()) +
                         " while waiting for request " + std::to_string(Id));

  Reply Out;
  Out.UseDefault = R->use_default();
  Out.Observations = R->observations();
  if (!Out.UseDefault) {
    const fb::Choice *Ch = R->choice();
    if (!Ch)
      return protocolError("reply " + std::to_string(Id) +
                           " is neither 'default' nor a choice");
    Out.Chosen.Option = Ch->option();
    if (Ch->params())
      Out.Chosen.Params.assign(Ch->params()->begin(), Ch->params()->end());
    if (Ch->target())
      Out.Chosen.Target = Ch->target()->str();
  }
  return Out;
}

void encodeReport(fbs::FlatBufferBuilder &Builder, const ModuleReport &Report) {
  Builder.Clear();
  std::vector<fbs::Offset<fb::KindStats>> Stats;
  for (const auto &[Kind, St] : Report.Stats)
    Stats.push_back(fb::CreateKindStats(Builder, Kind, St.Agent,
                                        St.AgentChanged, St.LocalDefault,
                                        St.Fallback));
  auto R = fb::CreateModuleReport(
      Builder, str(Builder, Report.ModuleName), Report.InstCountBefore,
      Report.InstCountAfter, Builder.CreateVector(Stats), Report.AgentWaitNs,
      str(Builder, Report.Error));
  Builder.Finish(
      fb::CreateFrame(Builder, fb::Message::ModuleReport, R.Union()),
      fb::FrameIdentifier());
}

//===----------------------------------------------------------------------===//
// The agent's half
//===----------------------------------------------------------------------===//

static std::string_view view(const fbs::String *S) {
  return S ? S->string_view() : std::string_view();
}

static std::string owned(const fbs::String *S) {
  return S ? S->str() : std::string();
}

static std::string wrongType(const char *Expected, const fb::Frame &F) {
  return std::string("expected ") + Expected + ", got message type " +
         fb::EnumNameMessage(F.message_type());
}

Expected<SessionInfo> decodeHello(const fb::Frame &F) {
  const fb::Hello *H = F.message_as_Hello();
  if (!H)
    return protocolError(wrongType("a Hello", F));
  SessionInfo Session;
  Session.Version = H->protocol_version();
  Session.Compiler = owned(H->compiler());
  Session.CompilerVersion = owned(H->compiler_version());
  Session.Module = owned(H->module_name());
  Session.SourceFile = owned(H->source_file());
  Session.TargetTriple = owned(H->target_triple());
  Session.Pid = H->pid();
  if (H->offered_kinds())
    for (auto K : *H->offered_kinds())
      Session.Offered.push_back(static_cast<DecisionKind>(K));
  if (H->action_space())
    for (const fb::OptionSpec *O : *H->action_space()) {
      Session.ActionSpace.push_back(owned(O->name()));
      Session.ActionTakesTarget.push_back(O->function_scope());
    }
  if (H->feature_schemas())
    for (const fb::FeatureSchema *S : *H->feature_schemas()) {
      std::vector<std::string> Names;
      if (S->names())
        for (const fbs::String *N : *S->names())
          Names.push_back(N->str());
      if (!Session.featureNames(S->kind()).empty())
        return protocolError(std::string("the Hello names the features of '") +
                             kindName(S->kind()) + "' twice");
      Session.setFeatureNames(S->kind(), std::move(Names));
    }
  return Session;
}

static void readChoice(const fb::Choice *C, Choice &Out) {
  Out.Option = C->option();
  if (C->params())
    Out.Params.assign(C->params()->begin(), C->params()->end());
  else
    Out.Params.clear();
  Out.Target = owned(C->target());
}

bool decodeRequest(const fb::Frame &F, const SessionInfo &Session,
                   ReceivedRequest &Out, std::string &Err) {
  const fb::DecisionRequest *R = F.message_as_DecisionRequest();
  if (!R) {
    Err = wrongType("a decision request", F);
    return false;
  }
  Out.Id = R->id();
  DecisionRequest &Q = Out.Request;
  Q.Kind = R->kind();

  Q.Context = DecisionContext();
  if (const fb::Context *C = R->context()) {
    Q.Context.Module = view(C->module_name());
    Q.Context.Function = view(C->function());
    Q.Context.Pass = view(C->pass());
    Q.Context.PassArg = view(C->pass_arg());
    Q.Context.Unit = C->unit_kind();
    Q.Context.UnitName = view(C->unit_name());
    Q.Context.SiteId = C->site_id();
    Q.Context.Index = C->index();
  }

  // Doubles in a flatbuffer are little-endian and aligned, as on every host
  // Switchyard runs on: the values are read in place.
  const fbs::Vector<double> *Values = R->feature_values();
  Q.FeatureValues = Values ? Span<double>(Values->data(), Values->size())
                           : Span<double>();
  if (R->feature_names() && R->feature_names()->size() > 0) {
    Out.Names.clear();
    for (const fbs::String *N : *R->feature_names())
      Out.Names.push_back(N->string_view());
    Q.FeatureNames = Out.Names;
  } else {
    Q.FeatureNames = Session.featureNames(Q.Kind);
  }
  if (Q.FeatureValues.empty()) {
    Q.FeatureNames = {}; // The agent asked for no features.
  } else if (Q.FeatureNames.size() != Q.FeatureValues.size()) {
    Err = "request " + std::to_string(Out.Id) + " of '" + kindName(Q.Kind) +
          "' has " + std::to_string(Q.FeatureValues.size()) +
          " feature values for " + std::to_string(Q.FeatureNames.size()) +
          " names";
    return false;
  }

  Q.Default = Choice();
  if (R->default_choice())
    readChoice(R->default_choice(), Q.Default);

  size_t NumLegal = R->legal() ? R->legal()->size() : 0;
  Out.Legal.resize(NumLegal);
  for (size_t I = 0; I < NumLegal; ++I) {
    const fb::OptionSpec *O = R->legal()->Get(I);
    OptionSpec &Spec = Out.Legal[I];
    Spec.Name = view(O->name());
    Spec.TakesTarget = O->function_scope();
    Spec.Params.clear();
    if (O->params())
      for (const fb::ParamSpec *P : *O->params())
        Spec.Params.push_back(
            {view(P->name()), P->min(), P->max(), P->power_of_two()});
  }
  Q.Legal = Out.Legal;

  Q.Obs = nullptr;
  if (const fb::Observation *O = R->observation()) {
    Observation &Obs = Out.Obs;
    Obs = Observation();
    using OM = fb::ObservationMask;
    auto Set = [&Obs](OM Bit) { Obs.Mask |= static_cast<uint32_t>(Bit); };
    Obs.InstCount = O->inst_count(); // Always sent with an observation.
    Set(OM::InstCount);
    if (O->function_names() && O->function_counts()) {
      Set(OM::FunctionCounts);
      for (const fbs::String *N : *O->function_names())
        Obs.FunctionNames.push_back(N->str());
      Obs.FunctionCounts.assign(O->function_counts()->begin(),
                                O->function_counts()->end());
    }
    Out.OpcodeNames.clear();
    if (O->opcode_names() && O->opcode_counts()) {
      Set(OM::OpcodeCounts);
      for (const fbs::String *N : *O->opcode_names())
        Out.OpcodeNames.push_back(N->string_view());
      Obs.OpcodeNames = Out.OpcodeNames;
      Obs.OpcodeCounts.assign(O->opcode_counts()->begin(),
                              O->opcode_counts()->end());
    }
    if (O->autophase()) {
      Set(OM::Autophase);
      Obs.Autophase.assign(O->autophase()->begin(), O->autophase()->end());
    }
    if (O->ir_hash()) {
      Set(OM::IrHash);
      Obs.IrHash = O->ir_hash();
    }
    if (O->ir_text()) {
      Set(OM::IrText);
      Obs.IrText = O->ir_text()->str();
    }
    if (O->bitcode()) {
      Set(OM::Bitcode);
      Obs.Bitcode.assign(O->bitcode()->begin(), O->bitcode()->end());
    }
    Out.DialectNames.clear();
    if (O->dialect_names() && O->dialect_counts()) {
      Set(OM::DialectCounts);
      for (const fbs::String *N : *O->dialect_names())
        Out.DialectNames.push_back(N->string_view());
      Obs.DialectNames = Out.DialectNames;
      Obs.DialectCounts.assign(O->dialect_counts()->begin(),
                               O->dialect_counts()->end());
    }
    Q.Obs = &Obs;
  }
  Q.PreviousError = owned(R->previous_error());
  Q.LegalNote = {};
  return true;
}

Expected<ModuleReport> decodeReport(const fb::Frame &F) {
  const fb::ModuleReport *R = F.message_as_ModuleReport();
  if (!R)
    return protocolError(wrongType("a module report", F));
  ModuleReport Out;
  Out.ModuleName = owned(R->module_name());
  Out.InstCountBefore = R->inst_count_before();
  Out.InstCountAfter = R->inst_count_after();
  if (R->stats())
    for (const fb::KindStats *S : *R->stats())
      Out.Stats.emplace_back(S->kind(),
                             KindStats{S->agent(), S->agent_changed(),
                                       S->local_default(), S->fallback()});
  Out.AgentWaitNs = R->agent_wait_ns();
  Out.Error = owned(R->error());
  return Out;
}

void encodeHelloReply(fbs::FlatBufferBuilder &Builder,
                      const HelloReply &Reply) {
  Builder.Clear();
  std::vector<fbs::Offset<fb::Subscription>> Subs;
  for (const Subscription &S : Reply.Subscriptions) {
    auto Passes = Builder.CreateVectorOfStrings(S.Passes);
    auto Functions = Builder.CreateVectorOfStrings(S.Functions);
    Subs.push_back(fb::CreateSubscription(Builder, S.Kind, Passes, Functions,
                                          S.Observations, S.NoFeatures));
  }
  auto Rules =
      Reply.LocalRules.empty() ? 0 : Builder.CreateString(Reply.LocalRules);
  auto R = fb::CreateHelloReply(Builder, Reply.Accept,
                                Builder.CreateString(Reply.Reason),
                                Builder.CreateVector(Subs), Rules);
  Builder.Finish(fb::CreateFrame(Builder, fb::Message::HelloReply, R.Union()),
                 fb::FrameIdentifier());
}

void encodeReply(fbs::FlatBufferBuilder &Builder, const Reply &R,
                 uint64_t Id) {
  Builder.Clear();
  fbs::Offset<fb::Choice> Chosen;
  if (!R.UseDefault)
    Chosen = buildChoice(Builder, R.Chosen);
  auto Msg = fb::CreateDecisionReply(Builder, Id, R.UseDefault, Chosen,
                                     R.Observations);
  Builder.Finish(
      fb::CreateFrame(Builder, fb::Message::DecisionReply, Msg.Union()),
      fb::FrameIdentifier());
}

} // namespace switchyard
