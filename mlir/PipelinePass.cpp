//===- PipelinePass.cpp - pass-pipeline in MLIR: which pass runs next? ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   mlir-opt-22 --load-pass-plugin=libSwitchyardMLIR.so \
//     --pass-pipeline='builtin.module(switchyard-mlir-pipeline)' in.mlir
//
// One episode on the module, as switchyard-pipeline is in opt: ask for the
// next action, apply it, ask again, until the agent says stop or the step
// limit is reached. The actions are the passes and pipelines the host
// registers (PipelineSpace.h). Each request carries the step's features
// and the observations the agent asked for: operation counts (in all, per
// function, per op name, per dialect), a hash of the printed module, its
// text, or its bytecode.
//
// An action runs as a dynamic pipeline (Pass::runPipeline) on the module,
// nested as the pass is anchored, or on one function when the answer names
// it; the host's instrumentation sees it as any other pass. The module is
// cloned first: if the pass fails, emits an error, or leaves IR that does
// not verify, the clone is put back, the agent hears why with its next
// request, and the episode goes on, as in the LLVM pipeline.
//
//===----------------------------------------------------------------------===//

#include "Passes.h"
#include "PipelineSpace.h"

#include "Hash.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/xxhash.h"

#include <map>

using namespace mlir;

namespace switchyard {

Span<std::string_view> pipelineFeatureNames() {
  static const std::string_view Names[] = {"step", "op_count", "function_count",
                                           "block_count", "dialect_count"};
  return Names;
}

namespace {

using OM = fb::ObservationMask;

/// The observations this host can give; Autophase is LLVM's alone.
constexpr uint32_t Observable = static_cast<uint32_t>(OM::InstCount) |
                                static_cast<uint32_t>(OM::FunctionCounts) |
                                static_cast<uint32_t>(OM::OpcodeCounts) |
                                static_cast<uint32_t>(OM::IrHash) |
                                static_cast<uint32_t>(OM::IrText) |
                                static_cast<uint32_t>(OM::Bitcode) |
                                static_cast<uint32_t>(OM::DialectCounts);

/// The module's operations, counted in one walk. Op and dialect names are
/// the context's own uniqued strings, so views of them outlive the step.
struct ModuleCounts {
  uint64_t Ops = 0; ///< Every operation in the module but the module.
  uint64_t Blocks = 0;
  std::vector<std::string> FunctionNames;
  std::vector<uint64_t> FunctionOps;
  std::map<llvm::StringRef, uint64_t> ByName, ByDialect;
  std::vector<std::string_view> Names, Dialects;
};

ModuleCounts countOps(ModuleOp M, bool PerName, bool PerFunction) {
  ModuleCounts C;
  M->walk([&](Operation *Op) {
    if (Op == M.getOperation())
      return;
    ++C.Ops;
    for (Region &R : Op->getRegions())
      C.Blocks += R.getBlocks().size();
    OperationName Name = Op->getName();
    ++C.ByDialect[Name.getDialectNamespace()];
    if (PerName)
      ++C.ByName[Name.getStringRef()];
    if (PerFunction && isa<FunctionOpInterface>(Op))
      if (auto Sym =
              Op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName())) {
        uint64_t Inside = 0;
        Op->walk([&](Operation *) { ++Inside; });
        C.FunctionNames.push_back(Sym.str());
        C.FunctionOps.push_back(Inside - 1);
      }
  });
  for (const auto &[Name, N] : C.ByName)
    C.Names.push_back(std::string_view(Name.data(), Name.size()));
  for (const auto &[Name, N] : C.ByDialect)
    C.Dialects.push_back(std::string_view(Name.data(), Name.size()));
  return C;
}

/// Fills the parts of an observation \p Mask asks for from \p C and \p M.
Observation observe(ModuleOp M, const ModuleCounts &C, uint32_t Mask) {
  Observation O;
  O.Mask = Mask & Observable;
  auto Wants = [&O](OM Bit) { return O.Mask & static_cast<uint32_t>(Bit); };
  O.InstCount = C.Ops;
  if (Wants(OM::FunctionCounts)) {
    O.FunctionNames = C.FunctionNames;
    O.FunctionCounts = C.FunctionOps;
  }
  if (Wants(OM::OpcodeCounts)) {
    O.OpcodeNames = C.Names;
    for (const auto &[Name, N] : C.ByName)
      O.OpcodeCounts.push_back(N);
  }
  if (Wants(OM::DialectCounts)) {
    O.DialectNames = C.Dialects;
    for (const auto &[Name, N] : C.ByDialect)
      O.DialectCounts.push_back(N);
  }
  if (Wants(OM::IrHash) || Wants(OM::IrText)) {
    std::string Text;
    llvm::raw_string_ostream OS(Text);
    M->print(OS);
    if (Wants(OM::IrHash))
      O.IrHash = llvm::xxh3_64bits(Text);
    if (Wants(OM::IrText))
      O.IrText = std::move(Text);
  }
  if (Wants(OM::Bitcode)) {
    llvm::raw_string_ostream OS(O.Bitcode);
    if (failed(writeBytecodeToFile(M, OS)))
      O.Mask &= ~static_cast<uint32_t>(OM::Bitcode);
  }
  return O;
}

class PipelinePass : public PassWrapper<PipelinePass, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(PipelinePass)

  explicit PipelinePass(RuntimeRef RT) : RT(std::move(RT)) {}
  PipelinePass(const PipelinePass &Other) : PassWrapper(Other), RT(Other.RT) {}

  StringRef getArgument() const override { return "switchyard-mlir-pipeline"; }
  StringRef getName() const override { return "SwitchyardMLIRPipeline"; }
  StringRef getDescription() const override {
    return "Run the passes the Switchyard agent picks, one at a time, from "
           "the passes this mlir-opt registers";
  }
  /// A function-scoped answer names a func.func: the action space is built
  /// with the func dialect loaded, whatever the input holds.
  void getDependentDialects(DialectRegistry &Registry) const override {
    Registry.insert<func::FuncDialect>();
  }

  void runOnOperation() override;

private:
  const PipelineSpace &space();
  /// Applies \p A to the module, or to function \p Target in it. Returns
  /// why it could not, with the module as it was, or "".
  std::string apply(const PipelineAction &A, StringRef Target);
  void writeEpisode(llvm::ArrayRef<std::pair<size_t, std::string>> Applied);

  Option<unsigned> MaxSteps{
      *this, "max-steps",
      llvm::cl::desc("Decisions per episode at most, refused answers "
                     "included (0: SWITCHYARD_PIPELINE_MAX_STEPS, or 200)"),
      llvm::cl::init(0)};
  Option<std::string> DumpSpace{
      *this, "dump-space",
      llvm::cl::desc("Write the action space and the passes left out of it, "
                     "with the reason for each, to this file")};
  Option<bool> Remarks{*this, "remarks",
                       llvm::cl::desc("Emit a remark for each decision the "
                                      "agent changed"),
                       llvm::cl::init(false)};

  RuntimeRef RT;
  std::optional<PipelineSpace> Space;
};

const PipelineSpace &PipelinePass::space() {
  if (!Space)
    Space = PipelineSpace::build(getContext(), Runtime::ownPasses());
  return *Space;
}

std::string PipelinePass::apply(const PipelineAction &A, StringRef Target) {
  ModuleOp M = getOperation();
  MLIRContext *Ctx = &getContext();
  Operation *Root = M;
  OpPassManager PM(ModuleOp::getOperationName());
  StringRef Text = A.ModulePipeline;
  if (!Target.empty()) {
    auto F = dyn_cast_or_null<FunctionOpInterface>(
        SymbolTable::lookupSymbolIn(M, Target));
    if (!F || F.isExternal())
      return ("no function '" + Target + "' with a body in module '" +
              moduleName(M) + "'")
          .str();
    if (F->getName().getStringRef() != A.FunctionAnchor)
      return ("'" + A.Name + "' runs on " + A.FunctionAnchor + ", and '" +
              Target + "' is a " + F->getName().getStringRef())
          .str();
    Root = F;
    PM = OpPassManager(F->getName());
    Text = A.Name;
  }
  std::string Errors;
  llvm::raw_string_ostream ES(Errors);
  if (failed(parsePassPipeline(Text, PM, ES)))
    return "cannot build '" + A.Name + "': " + Errors;
  // A dynamic pipeline's dialects must be loaded before it runs; the pass
  // manager loads a static pipeline's the same way.
  DialectRegistry Dialects;
  PM.getDependentDialects(Dialects);
  Ctx->appendDialectRegistry(Dialects);
  for (StringRef Name : Dialects.getDialectNames())
    Ctx->getOrLoadDialect(Name);

  OwningOpRef<ModuleOp> Backup = M.clone();
  LogicalResult Result = mlir::success();
  {
    // The action's own errors go to the agent, not to the user: they are
    // the agent's mistake, and the episode goes on.
    ScopedDiagnosticHandler Capture(Ctx, [&](Diagnostic &D) {
      if (D.getSeverity() != DiagnosticSeverity::Error)
        return mlir::failure();
      if (!Errors.empty())
        ES << "; ";
      ES << D.str();
      // Not the note that prints the whole op: the agent has the IR.
      for (const Diagnostic &Note : D.getNotes())
        if (!StringRef(Note.str()).starts_with("see current operation"))
          ES << " (" << Note.str() << ")";
      return mlir::success();
    });
    Result = runPipeline(PM, Root);
    if (succeeded(Result) && Errors.empty())
      Result = verify(M);
  }
  if (succeeded(Result) && Errors.empty())
    return "";
  M.getBodyRegion().takeBody(Backup->getBodyRegion());
  M->setAttrs((*Backup)->getAttrDictionary());
  return "'" + A.Name + "'" +
         (Target.empty() ? std::string() : (" on '" + Target + "'").str()) +
         " failed: " +
         (Errors.empty() ? std::string("the pass failed without a diagnostic")
                         : Errors) +
         "; the module is unchanged";
}

void PipelinePass::runOnOperation() {
  ModuleOp M = getOperation();
  if (!DumpSpace.empty()) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(DumpSpace, EC, llvm::sys::fs::OF_Text);
    if (EC) {
      emitError(M.getLoc()) << "switchyard-mlir-pipeline: cannot write the "
                               "action space to '"
                            << DumpSpace << "': " << EC.message();
      return signalPassFailure();
    }
    space().dump(OS);
  }
  if (!RT->asks(DecisionKind::PassPipeline))
    return markAllAnalysesPreserved();

  const PipelineSpace &Actions = space();
  std::unique_ptr<Session> S = RT->open(M, Remarks, Actions.options());
  auto Finish = [&] {
    S->setInstCountAfter(S->host().unitSize());
    S->finish();
    if (hostOf(*S).hadError())
      signalPassFailure();
  };
  if (!S->wants(DecisionKind::PassPipeline, getArgument(), "")) {
    S->decideLocally(DecisionKind::PassPipeline, Choice(), M.getOperation())
        .recordApplied("");
    markAllAnalysesPreserved();
    return Finish();
  }

  const uint32_t Subscribed = S->observationsFor(DecisionKind::PassPipeline);
  const unsigned Limit =
      MaxSteps ? MaxSteps.getValue() : RT->config().PipelineMaxSteps;
  const std::string Module = moduleName(M);
  uint32_t Asked = 0;
  std::string PreviousError;
  std::vector<std::pair<size_t, std::string>> Applied;
  for (unsigned Step = 0; Step < Limit; ++Step) {
    uint32_t Mask = Subscribed | Asked;
    ModuleCounts C = countOps(M, Mask & static_cast<uint32_t>(OM::OpcodeCounts),
                              Mask & static_cast<uint32_t>(OM::FunctionCounts));
    Observation Obs = observe(M, C, Mask);
    const double Values[] = {
        static_cast<double>(Step), static_cast<double>(C.Ops),
        static_cast<double>(C.FunctionOps.size()),
        static_cast<double>(C.Blocks), static_cast<double>(C.ByDialect.size())};
    DecisionRequest R;
    R.Kind = DecisionKind::PassPipeline;
    R.Context.Module = Module;
    R.Context.Pass = getName();
    R.Context.PassArg = getArgument();
    R.Context.Unit = fb::UnitKind::Module;
    R.Context.UnitName = Module;
    R.Context.SiteId = stableHash(getArgument().str());
    R.Context.Index = Step;
    R.FeatureNames = pipelineFeatureNames();
    R.FeatureValues = Values;
    R.Legal = Actions.options();
    R.Obs = &Obs;
    R.PreviousError = std::move(PreviousError);
    PreviousError.clear();

    Advice A = S->decide(R, M.getOperation());
    Asked = A.observationsWanted();
    if (!A.refusal().empty()) {
      // The module is untouched; the agent hears why with the next request.
      PreviousError = std::string(A.refusal());
      A.recordApplied("refused");
      continue;
    }
    const Choice &Chosen = A.choice();
    if (Chosen.Option == 0) {
      A.recordApplied("stop");
      break;
    }
    const PipelineAction &Act = Actions[Chosen.Option];
    PreviousError = apply(Act, Chosen.Target);
    if (!PreviousError.empty()) {
      A.recordUnapplied(PreviousError);
      continue;
    }
    Applied.emplace_back(Chosen.Option, Chosen.Target);
    A.recordApplied(
        "step " + std::to_string(Step) + ": '" + Act.Name + "'" +
        (Chosen.Target.empty() ? "" : " on function '" + Chosen.Target + "'"));
  }
  if (!RT->config().PipelineOut.empty())
    writeEpisode(Applied);
  if (Applied.empty())
    markAllAnalysesPreserved();
  Finish();
}

void PipelinePass::writeEpisode(
    llvm::ArrayRef<std::pair<size_t, std::string>> Applied) {
  ModuleOp M = getOperation();
  const std::string &File = RT->config().PipelineOut;
  std::error_code EC;
  llvm::raw_fd_ostream OS(File, EC, llvm::sys::fs::OF_Append);
  if (EC) {
    emitWarning(M.getLoc()) << "switchyard: cannot write the episode to '"
                            << File << "': " << EC.message();
    return;
  }
  const PipelineSpace &Actions = space();
  bool Scoped = false;
  std::string Pipeline;
  for (const auto &[Index, Target] : Applied) {
    Scoped |= !Target.empty();
    Pipeline += (Pipeline.empty() ? "" : ",") + Actions[Index].ModulePipeline;
  }
  OS << "# module: " << moduleName(M) << "\n";
  if (!Scoped)
    OS << "# equivalent: mlir-opt --pass-pipeline='builtin.module(" << Pipeline
       << ")'\n";
  else
    OS << "# function-scoped actions: replay this file with "
          "--policy script:FILE\n";
  // Replays count only applied actions, so number the rules that way.
  for (size_t I = 0; I < Applied.size(); ++I)
    OS << "pass-pipeline index=" << I << " => "
       << Actions[Applied[I].first].Name
       << (Applied[I].second.empty() ? "" : " @" + Applied[I].second) << "\n";
  OS << "pass-pipeline index=" << Applied.size() << " => stop\n";
}

} // namespace

std::unique_ptr<Pass> createPipelinePass(RuntimeRef RT) {
  return std::make_unique<PipelinePass>(std::move(RT));
}

} // namespace switchyard
