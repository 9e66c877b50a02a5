//===- ModelProvider.cpp - Decisions from a trained model file ------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/core/ModelProvider.h"

#include <algorithm>

#include "Framing.h"
#include "Hash.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace switchyard {

using Json = nlohmann::json;

namespace {

const Json *field(const Json &J, const char *Name) {
  if (!J.is_object())
    return nullptr;
  auto It = J.find(Name);
  return It == J.end() ? nullptr : &*It;
}

/// XGBoost writes its parameters as strings ("5E-1", "0").
bool numberParam(const Json *J, double &Out) {
  if (!J)
    return false;
  if (J->is_number()) {
    Out = J->get<double>();
    return true;
  }
  if (!J->is_string())
    return false;
  const std::string &S = J->get_ref<const std::string &>();
  char *End = nullptr;
  Out = std::strtod(S.c_str(), &End);
  return !S.empty() && *End == '\0';
}

template <typename T>
bool numberArray(const Json *J, size_t Size, std::vector<T> &Out) {
  if (!J || !J->is_array() || J->size() != Size)
    return false;
  Out.clear();
  Out.reserve(Size);
  for (const Json &V : *J) {
    if (!V.is_number())
      return false;
    if constexpr (std::is_same_v<T, float>)
      Out.push_back(static_cast<float>(V.get<double>()));
    else
      Out.push_back(static_cast<T>(V.get<int64_t>()));
  }
  return true;
}

std::string hex64(uint64_t V) {
  char Buf[17];
  std::snprintf(Buf, sizeof(Buf), "%016llx",
                static_cast<unsigned long long>(V));
  return Buf;
}

} // namespace

//===----------------------------------------------------------------------===//
// TreeEnsemble
//===----------------------------------------------------------------------===//

Expected<TreeEnsemble> TreeEnsemble::fromXGBoostJson(const void *Opaque) {
  const Json &Root = *static_cast<const Json *>(Opaque);
  const Json *Learner = field(Root, "learner");
  if (!Learner)
    return failure("no 'learner' object: not an XGBoost JSON model");
  TreeEnsemble E;
  const Json *Obj = field(*Learner, "objective");
  const Json *ObjName = Obj ? field(*Obj, "name") : nullptr;
  if (!ObjName || !ObjName->is_string())
    return failure("the XGBoost model names no objective");
  E.Objective = ObjName->get<std::string>();
  const Json *Param = field(*Learner, "learner_model_param");
  double BaseScore, NumFeature, NumClass = 0;
  if (!Param || !numberParam(field(*Param, "base_score"), BaseScore) ||
      !numberParam(field(*Param, "num_feature"), NumFeature))
    return failure("the XGBoost model has no base_score or num_feature");
  numberParam(field(*Param, "num_class"), NumClass);
  E.NumFeatures = static_cast<unsigned>(NumFeature);
  E.NumGroups = NumClass > 1 ? static_cast<unsigned>(NumClass) : 1;
  // The base score as a margin, as XGBoost's objective turns it into one
  // (ObjFunction::ProbToMargin), in float.
  float Base = static_cast<float>(BaseScore);
  if (E.Objective == "binary:logistic" || E.Objective == "reg:logistic") {
    if (!(Base > 0 && Base < 1))
      return failure("base_score of a logistic model must be in (0, 1)");
    E.BaseMargin = -std::log(1.0f / Base - 1.0f);
  } else if (E.Objective == "multi:softprob" ||
             E.Objective == "multi:softmax" ||
             E.Objective == "reg:squarederror") {
    E.BaseMargin = Base;
  } else {
    return failure("unsupported XGBoost objective '" + E.Objective +
                   "' (expected binary:logistic, multi:softprob, "
                   "multi:softmax or reg:squarederror)");
  }

  const Json *Booster = field(*Learner, "gradient_booster");
  const Json *BName = Booster ? field(*Booster, "name") : nullptr;
  if (!BName || *BName != "gbtree")
    return failure("only XGBoost's gbtree booster is supported");
  const Json *GModel = field(*Booster, "model");
  const Json *Trees = GModel ? field(*GModel, "trees") : nullptr;
  const Json *TreeInfo = GModel ? field(*GModel, "tree_info") : nullptr;
  if (!Trees || !Trees->is_array() || !TreeInfo || !TreeInfo->is_array() ||
      TreeInfo->size() != Trees->size())
    return failure("the XGBoost model's trees or tree_info are missing");
  for (size_t T = 0; T < Trees->size(); ++T) {
    const Json &J = (*Trees)[T];
    std::string Where = "tree " + std::to_string(T) + ": ";
    const Json *Left_ = field(J, "left_children");
    if (!Left_ || !Left_->is_array() || Left_->empty())
      return failure(Where + "no left_children");
    size_t N = Left_->size();
    std::vector<int32_t> Left, Right;
    std::vector<uint32_t> SplitIndex;
    std::vector<float> Condition;
    std::vector<uint8_t> DefaultLeft;
    std::vector<int64_t> SplitType;
    if (!numberArray(Left_, N, Left) ||
        !numberArray(field(J, "right_children"), N, Right) ||
        !numberArray(field(J, "split_indices"), N, SplitIndex) ||
        !numberArray(field(J, "split_conditions"), N, Condition) ||
        !numberArray(field(J, "default_left"), N, DefaultLeft))
      return failure(Where + "its node arrays are missing or of unequal "
                             "lengths");
    if (const Json *ST = field(J, "split_type")) {
      if (!numberArray(ST, N, SplitType))
        return failure(Where + "bad split_type");
      for (size_t I = 0; I < N; ++I)
        if (SplitType[I] != 0 && Left[I] != -1)
          return failure(Where + "categorical splits are not supported");
    }
    const Json &Group = (*TreeInfo)[T];
    if (!Group.is_number_integer() || Group.get<int64_t>() < 0 ||
        Group.get<int64_t>() >= E.NumGroups)
      return failure(Where + "bad tree_info group");
    E.Trees.emplace_back(static_cast<uint32_t>(E.Nodes.size()),
                         static_cast<uint32_t>(Group.get<int64_t>()));
    for (size_t I = 0; I < N; ++I) {
      bool Leaf = Left[I] == -1;
      // Children come after their parent, so every walk ends.
      if (!Leaf && (Left[I] <= static_cast<int64_t>(I) ||
                    Right[I] <= static_cast<int64_t>(I) ||
                    Left[I] >= static_cast<int64_t>(N) ||
                    Right[I] >= static_cast<int64_t>(N) ||
                    SplitIndex[I] >= E.NumFeatures))
        return failure(Where + "node " + std::to_string(I) +
                       " has a bad child or feature index");
      Node Nd;
      Nd.Left = Leaf ? -1 : Left[I];
      Nd.Right = Leaf ? -1 : Right[I];
      Nd.Feature = Leaf ? 0 : SplitIndex[I];
      Nd.DefaultLeft = DefaultLeft[I] != 0;
      Nd.Condition = Condition[I];
      E.Nodes.push_back(Nd);
    }
  }
  return E;
}

void TreeEnsemble::predictMargins(const float *Features, float *Margins) const {
  for (unsigned G = 0; G < NumGroups; ++G)
    Margins[G] = BaseMargin;
  const Node *Base = Nodes.data();
  for (auto [First, Group] : Trees) {
    const Node *Tree = Base + First;
    const Node *N = Tree;
    while (N->Left != -1) {
      float V = Features[N->Feature];
      bool GoLeft = std::isnan(V) ? N->DefaultLeft : V < N->Condition;
      N = Tree + (GoLeft ? N->Left : N->Right);
    }
    Margins[Group] += N->Condition;
  }
}

//===----------------------------------------------------------------------===//
// Answers
//===----------------------------------------------------------------------===//

bool parseAnswerText(std::string_view Text, ModelAction &Out) {
  Out = ModelAction();
  Out.Text = std::string(Text);
  std::istringstream In{std::string(Text)};
  std::string Word;
  if (!(In >> Word))
    return false;
  if (Word == "default") {
    Out.UseDefault = true;
    return !(In >> Word);
  }
  Out.UseDefault = false;
  Out.Option = Word;
  while (In >> Word) {
    if (Word[0] == '@') {
      Out.Target = Word.substr(1);
      continue;
    }
    char *End = nullptr;
    long long V = std::strtoll(Word.c_str(), &End, 10);
    if (*End != '\0' || !Out.Target.empty())
      return false;
    Out.Params.push_back(V);
  }
  return true;
}

bool resolveAnswer(const ModelAction &A, Span<OptionSpec> Legal, Choice &Out) {
  if (A.UseDefault)
    return false;
  for (size_t I = 0; I < Legal.size(); ++I)
    if (Legal[I].Name == A.Option) {
      Out.Option = static_cast<uint32_t>(I);
      Out.Params = A.Params;
      Out.Target = A.Target;
      return checkLegal(Out, Legal).empty();
    }
  return false;
}

//===----------------------------------------------------------------------===//
// Model files
//===----------------------------------------------------------------------===//

static constexpr const char *ModelFormat = "switchyard-model";
static constexpr int ModelFormatVersion = 1;

Expected<std::shared_ptr<const Model>> Model::parse(const std::string &Path,
                                                    const std::string &Bytes,
                                                    unsigned LlvmMajor) {
  size_t EOL = Bytes.find('\n');
  if (EOL == std::string::npos &&
      Bytes.rfind("{\"format\":\"switchyard-model\"", 0) == 0)
    return failure("truncated: the header line is cut short");
  Json Header = Json::parse(Bytes.substr(0, EOL), nullptr,
                            /*allow_exceptions=*/false);
  const Json *Format = field(Header, "format");
  if (!Format || *Format != ModelFormat)
    return failure("not a Switchyard model file (its first line must be a "
                   "JSON header with \"format\": \"switchyard-model\")");
  const Json *Version = field(Header, "version");
  if (!Version || *Version != ModelFormatVersion)
    return failure("model format version " +
                   (Version ? Version->dump() : std::string("(none)")) +
                   " is not the version this plugin reads (" +
                   std::to_string(ModelFormatVersion) + ")");
  const Json *Size = field(Header, "body_bytes");
  const Json *Hash = field(Header, "content_hash");
  const Json *Llvm = field(Header, "llvm_major");
  if (!Size || !Size->is_number_unsigned() || !Hash || !Hash->is_string() ||
      !Llvm || !Llvm->is_number_unsigned())
    return failure("the header lacks body_bytes, content_hash or llvm_major");
  std::string Body = EOL == std::string::npos ? "" : Bytes.substr(EOL + 1);
  uint64_t Want = Size->get<uint64_t>();
  if (Body.size() < Want)
    return failure("truncated: the body has " + std::to_string(Body.size()) +
                   " of its " + std::to_string(Want) + " bytes");
  if (Body.size() > Want)
    return failure("the body has " + std::to_string(Body.size()) +
                   " bytes, the header says " + std::to_string(Want));
  std::string Computed = "fnv1a64:" + hex64(stableHash(Body));
  if (*Hash != Computed)
    return failure("content hash mismatch (header " + Hash->get<std::string>() +
                   ", body " + Computed +
                   "): the file was changed after export");
  auto M = std::make_shared<Model>();
  M->Path = Path;
  M->LlvmMajor = static_cast<unsigned>(Llvm->get<uint64_t>());
  M->ContentHash = Computed;
  if (M->LlvmMajor != LlvmMajor)
    return failure("trained with LLVM " + std::to_string(M->LlvmMajor) +
                   ", but this compiler is LLVM " + std::to_string(LlvmMajor) +
                   ": retrain it with this compiler");

  Json Root = Json::parse(Body, nullptr, /*allow_exceptions=*/false);
  if (Root.is_discarded())
    return failure("the body is not valid JSON");
  const Json *Kinds = field(Root, "kinds");
  if (!Kinds || !Kinds->is_array() || Kinds->empty())
    return failure("schema: the body has no 'kinds' list");
  for (const Json &K : *Kinds) {
    const Json *Name = field(K, "kind");
    Model::KindModel KM;
    if (!Name || !Name->is_string() ||
        !parseKindName(Name->get<std::string>(), KM.Kind))
      return failure("schema: a kind model names no known decision kind");
    std::string Where = "schema: kind '" + Name->get<std::string>() + "': ";
    if (M->find(KM.Kind))
      return failure(Where + "covered twice");
    const Json *Features = field(K, "features");
    if (!Features || !Features->is_array() || Features->empty())
      return failure(Where + "no 'features' list");
    for (const Json &F : *Features) {
      if (!F.is_string())
        return failure(Where + "a feature name is not a string");
      KM.Features.push_back(F.get<std::string>());
    }
    const Json *Actions = field(K, "actions");
    if (!Actions || !Actions->is_array() || Actions->size() < 2)
      return failure(Where + "fewer than two 'actions'");
    for (const Json &A : *Actions) {
      ModelAction MA;
      if (!A.is_string() || !parseAnswerText(A.get<std::string>(), MA))
        return failure(Where + "an action is not an answer like 'yes' or "
                               "'partial 4'");
      KM.Actions.push_back(std::move(MA));
    }
    const Json *X = field(K, "xgboost");
    if (!X)
      return failure(Where + "no 'xgboost' model");
    Expected<TreeEnsemble> E = TreeEnsemble::fromXGBoostJson(X);
    if (!E)
      return failure(Where + E.error());
    KM.Trees = std::move(*E);
    if (KM.Trees.numFeatures() != KM.Features.size())
      return failure(
          Where + "the trees read " + std::to_string(KM.Trees.numFeatures()) +
          " features, the schema names " + std::to_string(KM.Features.size()));
    // One output: its margin's sign picks the second action or the first.
    bool Binary = KM.Trees.numGroups() == 1;
    if (Binary ? KM.Actions.size() != 2
               : KM.Trees.numGroups() != KM.Actions.size())
      return failure(Where + "the trees give " +
                     std::to_string(Binary ? 2 : KM.Trees.numGroups()) +
                     " outcomes for " + std::to_string(KM.Actions.size()) +
                     " actions");
    M->Kinds.push_back(std::move(KM));
  }
  return std::shared_ptr<const Model>(std::move(M));
}

Expected<std::shared_ptr<const Model>> Model::load(const std::string &Path,
                                                   unsigned LlvmMajor) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return failure("model '" + Path + "': cannot read the file");
  std::string Bytes((std::istreambuf_iterator<char>(In)),
                    std::istreambuf_iterator<char>());
  Expected<std::shared_ptr<const Model>> M = parse(Path, Bytes, LlvmMajor);
  if (!M)
    return failure("model '" + Path + "': " + M.error());
  return M;
}

//===----------------------------------------------------------------------===//
// ModelProvider
//===----------------------------------------------------------------------===//

const std::vector<std::string> *
ModelProvider::featuresUsed(DecisionKind K) const {
  const Model::KindModel *KM = M->find(K);
  return KM ? &KM->Features : nullptr;
}

std::string Model::schemaMismatch(Span<FeatureSchema> Offered) const {
  for (const KindModel &KM : Kinds)
    for (const FeatureSchema &F : Offered) {
      if (F.Kind != KM.Kind)
        continue;
      for (const std::string &Name : KM.Features)
        if (std::find(F.Names.begin(), F.Names.end(), Name) == F.Names.end())
          return "model '" + Path + "': schema mismatch: " +
                 kindName(KM.Kind) + " feature '" + Name +
                 "' is not one this compiler computes";
    }
  return "";
}

Expected<std::vector<Subscription>>
ModelProvider::openImpl(const ModuleInfo &Info) {
  std::vector<Subscription> Subs;
  for (DecisionKind K : Info.Offered)
    if (M->find(K)) {
      Subscription S;
      S.Kind = K;
      Subs.push_back(S);
    }
  return Subs;
}

Expected<const ModelProvider::Columns *>
ModelProvider::columnsFor(const Model::KindModel &KM,
                          const DecisionRequest &R) {
  Columns *C = nullptr;
  for (auto &[K, Cols] : Cache)
    if (K == KM.Kind)
      C = &Cols;
  // Hooks send one static list of names per kind: the map is worked out
  // once, and again only if the list itself changes.
  if (C && C->Names == R.FeatureNames.data() &&
      C->NumNames == R.FeatureNames.size())
    return C;
  if (!C) {
    Cache.emplace_back(KM.Kind, Columns());
    C = &Cache.back().second;
  }
  C->Index.clear();
  for (const std::string &Name : KM.Features) {
    size_t I = 0;
    while (I < R.FeatureNames.size() && R.FeatureNames[I] != Name)
      ++I;
    if (I == R.FeatureNames.size()) {
      C->Names = nullptr;
      return failure("model '" + M->Path +
                     "': schema mismatch: " + kindName(KM.Kind) + " feature '" +
                     Name + "' is not one this compiler computes");
    }
    C->Index.push_back(I);
  }
  C->Names = R.FeatureNames.data();
  C->NumNames = R.FeatureNames.size();
  return C;
}

Expected<Reply> ModelProvider::decideImpl(const DecisionRequest &R) {
  Reply Out;
  const Model::KindModel *KM = M->find(R.Kind);
  if (!KM)
    return Out;
  Expected<const Columns *> C = columnsFor(*KM, R);
  if (!C)
    return C.takeFailure();
  Row.resize(KM->Features.size());
  for (size_t I = 0; I < Row.size(); ++I) {
    size_t Col = (*C)->Index[I];
    Row[I] = Col < R.FeatureValues.size()
                 ? static_cast<float>(R.FeatureValues[Col])
                 : std::nanf("");
  }
  Margins.resize(KM->Trees.numGroups());
  KM->Trees.predictMargins(Row.data(), Margins.data());
  // The best legal action; the default if none is.
  std::vector<size_t> Order;
  if (Margins.size() == 1) {
    Order =
        Margins[0] > 0 ? std::vector<size_t>{1, 0} : std::vector<size_t>{0, 1};
  } else {
    for (size_t I = 0; I < Margins.size(); ++I)
      Order.push_back(I);
    std::stable_sort(Order.begin(), Order.end(), [&](size_t A, size_t B) {
      return Margins[A] > Margins[B];
    });
  }
  for (size_t A : Order) {
    const ModelAction &Act = KM->Actions[A];
    if (Act.UseDefault)
      return Out;
    Choice Ch;
    if (resolveAnswer(Act, R.Legal, Ch)) {
      Out.UseDefault = Ch == R.Default;
      Out.Chosen = std::move(Ch);
      return Out;
    }
  }
  return Out;
}

} // namespace switchyard
