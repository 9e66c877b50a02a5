//===- ModelProvider.h - Decisions from a trained model file --------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// SWITCHYARD_POLICY=model:FILE. The file (written by `python3 -m
// switchyard.train`, format in docs/production.md) holds, for each decision
// kind it covers, the feature names it reads, the answers it chooses among,
// and an XGBoost model in XGBoost's own JSON format, evaluated here by a
// small tree walker that gives bit for bit XGBoost's predictions.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_MODELPROVIDER_H
#define SWITCHYARD_CORE_MODELPROVIDER_H

#include "switchyard/core/Session.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace switchyard {

/// One XGBoost gradient-boosted tree ensemble ("gbtree"), as XGBoost's
/// CPU predictor evaluates it: features as float, a missing feature (NaN)
/// goes the split's default way, `value < condition` goes left, and each
/// output group's margin is the base margin plus its trees' leaves added in
/// tree order in float.
class TreeEnsemble {
public:
  /// Reads XGBoost's JSON model ("learner" object). Only numerical splits
  /// are accepted; the trainer emits no other kind.
  static Expected<TreeEnsemble> fromXGBoostJson(const void *LearnerJson);

  /// The margin of each output group for \p Features (NumFeatures floats).
  void predictMargins(const float *Features, float *Margins) const;

  unsigned numFeatures() const { return NumFeatures; }
  unsigned numGroups() const { return NumGroups; }
  const std::string &objective() const { return Objective; }

private:
  /// One node in 16 bytes, so a step down the tree reads one cache line.
  struct Node {
    int32_t Left; ///< -1 at a leaf.
    int32_t Right;
    uint32_t Feature : 31;
    uint32_t DefaultLeft : 1;
    float Condition; ///< The leaf's value at a leaf.
  };
  /// Every tree's nodes, one after another; a tree is its first node's
  /// index, its children's indices relative to that.
  std::vector<Node> Nodes;
  std::vector<std::pair<uint32_t, uint32_t>> Trees; ///< (first node, group)
  unsigned NumFeatures = 0;
  unsigned NumGroups = 1;
  float BaseMargin = 0;
  std::string Objective;
};

/// What one kind's model answers: "default", or an option and parameters.
struct ModelAction {
  std::string Text;
  bool UseDefault = true;
  std::string Option;
  std::vector<int64_t> Params;
  std::string Target;
};

/// A model file, checked and loaded; shared by every module's provider.
struct Model {
  struct KindModel {
    DecisionKind Kind;
    std::vector<std::string> Features;
    std::vector<ModelAction> Actions;
    TreeEnsemble Trees;
  };
  std::string Path;
  unsigned LlvmMajor = 0;
  std::string ContentHash;
  std::vector<KindModel> Kinds;

  const KindModel *find(DecisionKind K) const {
    for (const KindModel &M : Kinds)
      if (M.Kind == K)
        return &M;
    return nullptr;
  }

  /// Reads \p Bytes (the contents of \p Path) and checks its header, length,
  /// content hash, LLVM version (against \p LlvmMajor) and every kind's
  /// model. An error names no file: the caller adds \p Path.
  static Expected<std::shared_ptr<const Model>>
  parse(const std::string &Path, const std::string &Bytes, unsigned LlvmMajor);
  /// Reads and checks the file at \p Path; an error names the file.
  static Expected<std::shared_ptr<const Model>> load(const std::string &Path,
                                                     unsigned LlvmMajor);

  /// Why this model cannot decide for a compiler offering \p Offered (each
  /// kind with the names of the features it computes), or "" if it can: a
  /// feature the model reads that its kind does not compute. Checked when
  /// the model loads, before any decision.
  std::string schemaMismatch(Span<FeatureSchema> Offered) const;
};

/// Answers the kinds a model covers, in the compiler's own process.
class ModelProvider : public DecisionProvider {
public:
  explicit ModelProvider(std::shared_ptr<const Model> M) : M(std::move(M)) {}

  const std::vector<std::string> *featuresUsed(DecisionKind K) const override;

protected:
  Expected<std::vector<Subscription>> openImpl(const ModuleInfo &Info) override;
  Expected<Reply> decideImpl(const DecisionRequest &Request) override;
  void closeImpl(const ModuleReport &) override {}

private:
  /// Where each of a kind model's features is in the requests' feature
  /// list, worked out once per list of names the hook sends.
  struct Columns {
    const std::string_view *Names = nullptr;
    size_t NumNames = 0;
    std::vector<size_t> Index;
  };
  Expected<const Columns *> columnsFor(const Model::KindModel &KM,
                                       const DecisionRequest &R);

  std::shared_ptr<const Model> M;
  std::vector<std::pair<DecisionKind, Columns>> Cache;
  std::vector<float> Row;
  std::vector<float> Margins;
};

/// Parses an answer as a log or a model writes it: "default", or an option
/// name (or "#N") with integer parameters and an optional "@target".
bool parseAnswerText(std::string_view Text, ModelAction &Out);

/// The index in \p Legal of the option \p A names, and its choice; false if
/// there is none, or it is not legal.
bool resolveAnswer(const ModelAction &A, Span<OptionSpec> Legal, Choice &Out);

} // namespace switchyard

#endif // SWITCHYARD_CORE_MODELPROVIDER_H
