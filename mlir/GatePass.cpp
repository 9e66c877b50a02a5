//===- GatePass.cpp - pass-gate in MLIR: run this pass on this op? --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   mlir-opt-22 --load-pass-plugin=libSwitchyardMLIR.so \
//     --pass-pipeline='builtin.module(switchyard-gate{pipeline="func.func(canonicalize),cse"})'
//
// The gate runs its pipeline as a dynamic pipeline on the module. Every pass
// execution in MLIR is a PassExecutionAction (the action framework that
// --mlir-debug-counter uses to skip passes); while the pipeline runs, the
// gate handles those actions, asks the agent about each one, and runs the
// pass only if the answer is "run". Pass adaptors (the nesting of a pipeline
// on func.func and the like) are never offered: skipping one would silently
// skip every pass nested in it.
//
// The pipeline runs single-threaded while the gate asks, so the agent sees
// a deterministic sequence of decisions.
//
//===----------------------------------------------------------------------===//

#include "Passes.h"

#include "Hash.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace switchyard {

Span<std::string_view> gateFeatureNames() {
  static const std::string_view Names[] = {"unit_op_count", "unit_block_count",
                                           "unit_region_count",
                                           "execution_index", "occurrence"};
  return Names;
}

namespace {

enum GateOption : uint32_t { Run = 0, Skip = 1 };

Span<OptionSpec> gateAnswers() {
  static const OptionSpec Answers[] = {{"run", {}}, {"skip", {}}};
  return Answers;
}

/// The symbol of the function \p Op is or is in, if any.
std::string functionOf(Operation *Op) {
  for (; Op; Op = Op->getParentOp())
    if (isa<FunctionOpInterface>(Op))
      if (auto Name = Op->getAttrOfType<StringAttr>(
              SymbolTable::getSymbolAttrName()))
        return Name.str();
  return "";
}

/// "func.func @name", or the op name alone.
std::string unitName(Operation *Op) {
  std::string Name = Op->getName().getStringRef().str();
  if (auto Sym =
          Op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
    Name += " @" + Sym.str();
  return Name;
}

class GatePass : public PassWrapper<GatePass, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(GatePass)

  explicit GatePass(RuntimeRef RT) : RT(std::move(RT)) {}
  GatePass(const GatePass &Other)
      : PassWrapper(Other), RT(Other.RT), Nested(Other.Nested) {}

  StringRef getArgument() const override { return "switchyard-gate"; }
  StringRef getDescription() const override {
    return "Run a pipeline, asking the Switchyard agent before each pass on "
           "each op";
  }

  LogicalResult initializeOptions(
      StringRef Options,
      function_ref<LogicalResult(const Twine &)> ErrorHandler) override {
    if (failed(PassWrapper::initializeOptions(Options, ErrorHandler)))
      return mlir::failure();
    Nested = OpPassManager("builtin.module");
    std::string Err;
    llvm::raw_string_ostream OS(Err);
    if (failed(parsePassPipeline(Pipeline, Nested, OS)))
      return ErrorHandler("switchyard-gate: cannot parse pipeline '" +
                          Pipeline + "': " + Err);
    return mlir::success();
  }

  void getDependentDialects(DialectRegistry &Registry) const override {
    Nested.getDependentDialects(Registry);
  }

  void runOnOperation() override;

private:
  bool shouldRun(Session &S, const Pass &P, Operation *Op);

  Option<std::string> Pipeline{*this, "pipeline",
                               llvm::cl::desc("The textual pipeline to run "
                                              "on the module, pass by pass "
                                              "under the agent's control")};
  Option<bool> Remarks{*this, "remarks",
                       llvm::cl::desc("Emit a remark for each decision the "
                                      "agent changed"),
                       llvm::cl::init(false)};

  RuntimeRef RT;
  OpPassManager Nested{"builtin.module"};
  uint32_t ExecutionIndex = 0;
  llvm::DenseMap<uint64_t, uint32_t> Occurrences;
};

void GatePass::runOnOperation() {
  ModuleOp M = getOperation();
  if (!RT->asks(DecisionKind::PassGate)) {
    if (failed(runPipeline(Nested, M)))
      signalPassFailure();
    return;
  }

  MLIRContext *Ctx = &getContext();
  bool Threaded = Ctx->isMultithreadingEnabled();
  if (Threaded)
    Ctx->disableMultithreading();
  std::unique_ptr<Session> S = RT->open(M, Remarks);
  ExecutionIndex = 0;
  Occurrences.clear();
  Ctx->registerActionHandler([&](function_ref<void()> Transform,
                                 const tracing::Action &A) {
    if (A.getTag() != PassExecutionAction::tag) {
      Transform();
      return;
    }
    const auto &PA = static_cast<const PassExecutionAction &>(A);
    if (shouldRun(*S, PA.getPass(), PA.getOp()))
      Transform();
  });
  LogicalResult Result = runPipeline(Nested, M);
  Ctx->registerActionHandler(nullptr);
  if (Threaded)
    Ctx->enableMultithreading();
  S->setInstCountAfter(S->host().unitSize());
  S->finish();
  if (failed(Result) || hostOf(*S).hadError())
    signalPassFailure();
}

bool GatePass::shouldRun(Session &S, const Pass &P, Operation *Op) {
  uint32_t Index = ExecutionIndex++;
  // A pass adaptor (a nested pipeline) has no pipeline name: never offered.
  if (P.getArgument().empty() || !Op)
    return true;
  std::string Function = functionOf(Op);
  Choice Default;
  Default.Option = Run;
  if (!S.wants(DecisionKind::PassGate, P.getName(), Function)) {
    S.decideLocally(DecisionKind::PassGate, Default, Op).recordApplied("");
    return true;
  }

  std::string Unit = unitName(Op);
  uint64_t Key = stableHash(Unit, stableHash(P.getName()));
  uint32_t Occurrence = Occurrences[Key]++;
  double Values[5] = {0, 0, 0, static_cast<double>(Index),
                      static_cast<double>(Occurrence)};
  if (S.featuresFor(DecisionKind::PassGate))
    Op->walk([&](Operation *Inner) {
      Values[0] += 1;
      Values[2] += Inner->getNumRegions();
      for (Region &R : Inner->getRegions())
        Values[1] += R.getBlocks().size();
    });

  fb::UnitKind Kind = isa<ModuleOp>(Op)                ? fb::UnitKind::Module
                      : isa<FunctionOpInterface>(Op) ? fb::UnitKind::Function
                                                     : fb::UnitKind::Operation;
  std::string Module = moduleName(getOperation());
  DecisionRequest R;
  R.Kind = DecisionKind::PassGate;
  R.Context.Module = Module;
  R.Context.Function = Function;
  R.Context.Pass = P.getName();
  R.Context.PassArg = P.getArgument();
  R.Context.Unit = Kind;
  R.Context.UnitName = Unit;
  R.Context.SiteId = stableHash(std::to_string(Occurrence), Key);
  R.Context.Index = Index;
  R.FeatureNames = gateFeatureNames();
  R.FeatureValues = Values;
  R.Default = Default;
  R.Legal = gateAnswers();

  Advice A = S.decide(R, Op);
  bool Run = A.choice().Option == GateOption::Run;
  A.recordApplied(("of pass '" + P.getArgument() + "' on " + Unit).str());
  return Run;
}

} // namespace

std::unique_ptr<Pass> createGatePass(RuntimeRef RT) {
  return std::make_unique<GatePass>(std::move(RT));
}

} // namespace switchyard
