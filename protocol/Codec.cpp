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

void encodeHello(fbs::FlatBufferBuilder &Builder, const ModuleInfo &Info) {
  Builder.Clear();
  std::vector<fbs::Offset<fb::OptionSpec>> Actions;
  Actions.reserve(Info.ActionSpace.size());
  for (const OptionSpec &O : Info.ActionSpace)
    Actions.push_back(fb::CreateOptionSpec(
        Builder, Builder.CreateString(O.Name.data(), O.Name.size()), 0,
        O.TakesTarget));
  auto ActionSpace = Builder.CreateVector(Actions);
  auto Hello = fb::CreateHello(
      Builder, ProtocolVersion,
      Builder.CreateString(Info.Compiler),
      Builder.CreateString(Info.CompilerVersion),
      Builder.CreateString(Info.ModuleName),
      Builder.CreateString(Info.SourceFile),
      Builder.CreateString(Info.TargetTriple), Info.Pid,
      Builder.CreateVector(Info.Offered), ActionSpace);
  Builder.Finish(fb::CreateFrame(Builder, fb::Message::Hello, Hello.Union()),
                 fb::FrameIdentifier());
}

Expected<std::vector<Subscription>> decodeHelloReply(const fb::Frame &F) {
  const fb::HelloReply *R = F.message_as_HelloReply();
  if (!R)
    return protocolError("expected a handshake reply, got message type " +
                         std::to_string(static_cast<int>(F.message_type())));
  if (!R->accept())
    return protocolError("agent refused the session: " +
                         (R->reason() ? R->reason()->str()
                                      : std::string("no reason")));

  std::vector<Subscription> Subs;
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
      Subs.push_back(std::move(Sub));
    }
  return Subs;
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
  fbs::Offset<fbs::Vector<fbs::Offset<fbs::String>>> FnNames, OpNames;
  fbs::Offset<fbs::Vector<uint64_t>> FnCounts, OpCounts;
  fbs::Offset<fbs::Vector<int64_t>> Autophase;
  fbs::Offset<fbs::String> Text;
  fbs::Offset<fbs::Vector<uint8_t>> Bitcode;
  if (Has(OM::FunctionCounts)) {
    FnNames = B.CreateVectorOfStrings(O.FunctionNames);
    FnCounts = B.CreateVector(O.FunctionCounts);
  }
  if (Has(OM::OpcodeCounts)) {
    std::vector<fbs::Offset<fbs::String>> Names;
    Names.reserve(O.OpcodeNames.size());
    for (std::string_view N : O.OpcodeNames)
      Names.push_back(str(B, N));
    OpNames = B.CreateVector(Names);
    OpCounts = B.CreateVector(O.OpcodeCounts);
  }
  if (Has(OM::Autophase))
    Autophase = B.CreateVector(O.Autophase);
  if (Has(OM::IrText))
    Text = B.CreateString(O.IrText);
  if (Has(OM::Bitcode))
    Bitcode = B.CreateVector(reinterpret_cast<const uint8_t *>(O.Bitcode.data()),
                             O.Bitcode.size());
  return fb::CreateObservation(B, O.InstCount, FnNames, FnCounts, OpNames,
                               OpCounts, Autophase, O.IrHash, Text, Bitcode);
}

void encodeRequest(fbs::FlatBufferBuilder &Builder,
                   const DecisionRequest &Request, uint64_t Id) {
  Builder.Clear();
  const DecisionContext &C = Request.Context;
  auto Ctx = fb::CreateContext(Builder, str(Builder, C.Module),
                               str(Builder, C.Function), str(Builder, C.Pass),
                               str(Builder, C.PassArg), C.Unit,
                               str(Builder, C.UnitName), C.SiteId, C.Index);
  std::vector<fbs::Offset<fbs::String>> Names;
  Names.reserve(Request.FeatureNames.size());
  for (std::string_view N : Request.FeatureNames)
    Names.push_back(str(Builder, N));
  auto NamesVec = Builder.CreateVector(Names);
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

} // namespace switchyard
