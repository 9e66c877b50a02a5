//===- TunePass.cpp - tune in MLIR: resolve transform.tune knobs ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   mlir-opt-22 --load-pass-plugin=libSwitchyardMLIR.so \
//     --pass-pipeline='builtin.module(switchyard-tune)' schedule.mlir
//
// MLIR 22's transform dialect says "tunable" upstream: transform.tune.knob
// (a named parameter and its options) and transform.tune.alternatives (a
// choice among regions). Without a `selected` value the interpreter fails
// on them: they wait for a tuner. This pass is that tuner. It asks the
// agent about every unresolved knob (the options, printed, are the legal
// answers) and every unresolved alternatives op (region0, region1, ...),
// writes the answer into the op as its `selected` value, then runs the
// transform interpreter (transform-interpreter, unless interpret=false).
// The compiler has no opinion of its own, so the default answer is the
// first option; resolved ops are left alone.
//
//===----------------------------------------------------------------------===//

#include "Passes.h"

#include "Hash.h"

#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/TuneExtension/TuneExtensionOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>

using namespace mlir;
namespace tune = mlir::transform::tune;

namespace switchyard {

Span<std::string_view> tuneFeatureNames() {
  static const std::string_view Names[] = {"num_options", "is_alternatives",
                                           "ordinal"};
  return Names;
}

namespace {

class TunePass : public PassWrapper<TunePass, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TunePass)

  explicit TunePass(RuntimeRef RT) : RT(std::move(RT)) {}
  TunePass(const TunePass &Other)
      : PassWrapper(Other), RT(Other.RT), Interpreter(Other.Interpreter) {}

  StringRef getArgument() const override { return "switchyard-tune"; }
  StringRef getDescription() const override {
    return "Resolve transform.tune knobs and alternatives by asking the "
           "Switchyard agent, then run the transform interpreter";
  }
  LogicalResult initializeOptions(
      StringRef Options,
      function_ref<LogicalResult(const Twine &)> ErrorHandler) override {
    if (failed(PassWrapper::initializeOptions(Options, ErrorHandler)))
      return mlir::failure();
    Interpreter = OpPassManager("builtin.module");
    if (Interpret) {
      std::string Err;
      llvm::raw_string_ostream OS(Err);
      if (failed(parsePassPipeline("transform-interpreter", Interpreter, OS)))
        return ErrorHandler("switchyard-tune: " + Err);
    }
    return mlir::success();
  }
  void getDependentDialects(DialectRegistry &Registry) const override {
    Registry.insert<transform::TransformDialect>();
    Interpreter.getDependentDialects(Registry);
  }

  void runOnOperation() override;

private:
  /// Asks which of \p Names applies; returns the answer's index.
  uint32_t ask(Session &S, Operation *Op, StringRef Name,
               ArrayRef<std::string> Names, bool Alternatives,
               uint32_t Ordinal);

  Option<bool> Interpret{*this, "interpret",
                         llvm::cl::desc("Run the transform interpreter "
                                        "after resolving the knobs"),
                         llvm::cl::init(true)};
  Option<bool> Remarks{*this, "remarks",
                       llvm::cl::desc("Emit a remark for each decision the "
                                      "agent changed"),
                       llvm::cl::init(false)};
  RuntimeRef RT;
  OpPassManager Interpreter{"builtin.module"};
};

void TunePass::runOnOperation() {
  ModuleOp M = getOperation();
  if (RT->asks(DecisionKind::Tune)) {
    std::unique_ptr<Session> S = RT->open(M, Remarks);
    uint32_t Ordinal = 0;
    bool Failed = false;
    M->walk([&](Operation *Op) {
      if (auto Knob = dyn_cast<tune::KnobOp>(Op)) {
        if (Knob.getSelected())
          return;
        auto Options = dyn_cast<ArrayAttr>(Knob.getOptions());
        if (!Options || Options.empty()) {
          Knob.emitError("switchyard-tune: knob '")
              << Knob.getName().getValue()
              << "' has no list of options to choose from";
          Failed = true;
          return;
        }
        std::vector<std::string> Names;
        for (Attribute A : Options) {
          std::string Text;
          llvm::raw_string_ostream OS(Text);
          A.print(OS, /*elideType=*/true);
          Names.push_back(Text);
        }
        uint32_t Pick = ask(*S, Op, Knob.getName().getValue(), Names,
                            /*Alternatives=*/false, Ordinal++);
        Knob.setSelectedAttr(Options[Pick]);
      } else if (auto Alt = dyn_cast<tune::AlternativesOp>(Op)) {
        if (Alt.getSelectedRegionAttr() || Alt.getSelectedRegionParam())
          return;
        std::vector<std::string> Names;
        for (unsigned I = 0; I < Op->getNumRegions(); ++I)
          Names.push_back("region" + std::to_string(I));
        uint32_t Pick = ask(*S, Op, Alt.getName().getValue(), Names,
                            /*Alternatives=*/true, Ordinal++);
        Alt.setSelectedRegionAttrAttr(
            IntegerAttr::get(IntegerType::get(&getContext(), 64), Pick));
      }
    });
    S->finish();
    if (Failed || hostOf(*S).hadError())
      return signalPassFailure();
  }
  if (Interpret && failed(runPipeline(Interpreter, M)))
    signalPassFailure();
}

uint32_t TunePass::ask(Session &S, Operation *Op, StringRef Name,
                       ArrayRef<std::string> Names, bool Alternatives,
                       uint32_t Ordinal) {
  Choice Default; // The first option: the compiler has no preference.
  if (!S.wants(DecisionKind::Tune, getArgument(), "")) {
    S.decideLocally(DecisionKind::Tune, Default, Op).recordApplied("");
    return 0;
  }
  std::vector<OptionSpec> Legal;
  for (const std::string &N : Names)
    Legal.push_back({N, {}});
  const double Values[] = {static_cast<double>(Names.size()),
                           static_cast<double>(Alternatives),
                           static_cast<double>(Ordinal)};
  std::string Module = moduleName(getOperation());
  DecisionRequest R;
  R.Kind = DecisionKind::Tune;
  R.Context.Module = Module;
  R.Context.Pass = getArgument();
  R.Context.Unit = fb::UnitKind::Operation;
  R.Context.UnitName = Name;
  R.Context.SiteId = stableHash(Name, Alternatives);
  R.Context.Index = Ordinal;
  R.FeatureNames = tuneFeatureNames();
  R.FeatureValues = Values;
  R.Default = Default;
  R.Legal = Legal;
  Advice A = S.decide(R, Op);
  uint32_t Pick = A.choice().Option;
  A.recordApplied((Alternatives ? "of alternatives '" : "of knob '") +
                  Name.str() + "'");
  return Pick;
}

} // namespace

std::unique_ptr<Pass> createTunePass(RuntimeRef RT) {
  return std::make_unique<TunePass>(std::move(RT));
}

} // namespace switchyard
