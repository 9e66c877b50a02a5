//===- RewritePass.cpp - rewrite in MLIR: which pattern applies here? -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   mlir-opt-22 --load-pass-plugin=libSwitchyardMLIR.so \
//     --pass-pipeline='builtin.module(switchyard-rewrite)' in.mlir
//
// The canonicalizer, with the agent choosing the pattern. The patterns are
// those of the named sets in `pattern-sets` (PatternSets.h; by default
// "canonicalize": the canonicalization patterns of every loaded dialect and
// registered op, the set the canonicalize pass collects, in its order),
// plus the PDL patterns of `pdl-file` (mlir-pdll-22 -x=mlir output).
// MLIR's own greedy driver runs them, with the canonicalize pass's
// configuration, through a single dispatching pattern: at each op where
// one or more patterns could apply (their root is the op's name, an
// interface or trait it has, or any op), it asks the agent `greedy` (the
// default: try them all in benefit order, as the greedy driver does),
// `none`, or one pattern by name, and hands the op to a PatternApplicator
// over the real patterns with a canApply filter that admits only that
// answer. Folding, dead-code removal, constant CSE and the worklist stay
// the greedy driver's, so answering `greedy` everywhere gives the greedy
// driver's output with those patterns: plain canonicalize's, byte for
// byte, with the default set.
//
//===----------------------------------------------------------------------===//

#include "Passes.h"
#include "PatternSets.h"

#include "Hash.h"

#include "mlir/Dialect/PDL/IR/PDL.h"
#include "mlir/Dialect/PDL/IR/PDLOps.h"
#include "mlir/Dialect/PDLInterp/IR/PDLInterp.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Rewrite/PatternApplicator.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <algorithm>
#include <cstring>

using namespace mlir;

namespace switchyard {

Span<std::string_view> rewriteFeatureNames() {
  static const std::string_view Names[] = {"num_candidates", "num_operands",
                                           "num_results", "num_regions",
                                           "visit"};
  return Names;
}

namespace {

enum RewriteOption : uint32_t { Greedy = 0, None = 1, FirstPattern = 2 };

std::string functionOf(Operation *Op) {
  for (; Op; Op = Op->getParentOp())
    if (isa<FunctionOpInterface>(Op))
      if (auto Name = Op->getAttrOfType<StringAttr>(
              SymbolTable::getSymbolAttrName()))
        return Name.str();
  return "";
}

/// What the dispatcher needs: the real patterns, their names, the session.
struct Dispatch {
  PatternApplicator *Applicator = nullptr;
  std::vector<std::pair<const Pattern *, std::string>> Patterns;
  Session *S = nullptr;
  std::string Module;
  llvm::DenseMap<uint64_t, uint32_t> Visits;
};

/// Matches any op; asks, then applies the chosen real pattern(s).
class DispatchPattern : public RewritePattern {
public:
  DispatchPattern(MLIRContext *Ctx, Dispatch &D)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, Ctx), D(D) {}

  LogicalResult matchAndRewrite(Operation *Op,
                                PatternRewriter &Rewriter) const override;

private:
  Dispatch &D;
};

LogicalResult DispatchPattern::matchAndRewrite(Operation *Op,
                                               PatternRewriter &Rewriter) const {
  OperationName Name = Op->getName();
  std::vector<size_t> Candidates;
  for (size_t I = 0; I < D.Patterns.size(); ++I) {
    const Pattern &P = *D.Patterns[I].first;
    if (std::optional<OperationName> Root = P.getRootKind()) {
      if (*Root == Name)
        Candidates.push_back(I);
    } else if (std::optional<TypeID> Interface = P.getRootInterfaceID()) {
      if (Name.hasInterface(*Interface))
        Candidates.push_back(I);
    } else if (std::optional<TypeID> Trait = P.getRootTraitID()) {
      if (Name.hasTrait(*Trait))
        Candidates.push_back(I);
    } else {
      Candidates.push_back(I);
    }
  }
  if (Candidates.empty())
    return mlir::failure();

  Session &S = *D.S;
  std::string Function = functionOf(Op);
  Choice Default;
  Default.Option = Greedy;
  const Pattern *Only = nullptr;
  bool Skip = false;
  if (!S.wants(DecisionKind::Rewrite, "switchyard-rewrite", Function)) {
    S.decideLocally(DecisionKind::Rewrite, Default, Op).recordApplied("");
  } else {
    std::vector<OptionSpec> Legal = {{"greedy", {}}, {"none", {}}};
    for (size_t I : Candidates)
      Legal.push_back({D.Patterns[I].second, {}});
    std::string Unit = Name.getStringRef().str();
    uint64_t Key = stableHash(Unit, stableHash(Function));
    uint32_t Visit = D.Visits[Key]++;
    const double Values[] = {static_cast<double>(Candidates.size()),
                             static_cast<double>(Op->getNumOperands()),
                             static_cast<double>(Op->getNumResults()),
                             static_cast<double>(Op->getNumRegions()),
                             static_cast<double>(Visit)};
    DecisionRequest R;
    R.Kind = DecisionKind::Rewrite;
    R.Context.Module = D.Module;
    R.Context.Function = Function;
    R.Context.Pass = "switchyard-rewrite";
    R.Context.Unit = fb::UnitKind::Operation;
    R.Context.UnitName = Unit;
    R.Context.SiteId = stableHash(std::to_string(Visit), Key);
    R.FeatureNames = rewriteFeatureNames();
    R.FeatureValues = Values;
    R.Default = Default;
    R.Legal = Legal;
    Advice A = S.decide(R, Op);
    uint32_t Pick = A.choice().Option;
    Skip = Pick == None;
    if (Pick >= FirstPattern)
      Only = D.Patterns[Candidates[Pick - FirstPattern]].first;
    A.recordApplied("at " + Unit + (Function.empty() ? "" : " in @" + Function));
  }
  if (Skip)
    return mlir::failure();
  return D.Applicator->matchAndRewrite(
      Op, Rewriter, [Only](const Pattern &P) { return !Only || &P == Only; });
}

class RewritePass : public PassWrapper<RewritePass, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(RewritePass)

  explicit RewritePass(RuntimeRef RT) : RT(std::move(RT)) {}
  RewritePass(const RewritePass &Other) : PassWrapper(Other), RT(Other.RT) {}

  StringRef getArgument() const override { return "switchyard-rewrite"; }
  StringRef getDescription() const override {
    return "Canonicalize, asking the Switchyard agent which pattern applies "
           "at each op";
  }
  void getDependentDialects(DialectRegistry &Registry) const override {
    Registry.insert<pdl::PDLDialect, pdl_interp::PDLInterpDialect>();
  }

  LogicalResult initializeOptions(
      StringRef Options,
      function_ref<LogicalResult(const Twine &)> ErrorHandler) override {
    if (failed(PassWrapper::initializeOptions(Options, ErrorHandler)))
      return mlir::failure();
    for (const std::string &Name : Sets)
      if (!findPatternSet(Name)) {
        std::string Known;
        for (const PatternSet &S : patternSets())
          Known += (Known.empty() ? "" : ", ") + S.Name.str();
        return ErrorHandler("switchyard-rewrite: no pattern set '" + Name +
                            "' (known: " + Known + ")");
      }
    return mlir::success();
  }

  void runOnOperation() override;

private:
  struct PDLName {
    std::string Root;
    unsigned Benefit;
    std::string Name;
  };
  std::vector<PDLName> PDLNames;

  ListOption<std::string> Sets{
      *this, "pattern-sets",
      llvm::cl::desc("The named pattern sets to offer, in this order "
                     "(default: canonicalize)")};
  Option<std::string> PDLFile{
      *this, "pdl-file",
      llvm::cl::desc("PDL patterns to offer too (mlir-pdll-22 -x=mlir)")};
  Option<bool> Remarks{*this, "remarks",
                       llvm::cl::desc("Emit a remark for each decision the "
                                      "agent changed"),
                       llvm::cl::init(false)};
  RuntimeRef RT;
};

void RewritePass::runOnOperation() {
  MLIRContext *Ctx = &getContext();
  PDLNames.clear();
  // The named sets, in the order given; by default the canonicalize
  // pass's own set, in its order.
  RewritePatternSet Owning(Ctx);
  if (Sets.empty())
    findPatternSet("canonicalize")->Populate(Owning);
  for (const std::string &Name : Sets)
    findPatternSet(Name)->Populate(Owning);
  if (!PDLFile.empty()) {
    OwningOpRef<ModuleOp> PDL = parseSourceFile<ModuleOp>(PDLFile, Ctx);
    if (!PDL) {
      emitError(getOperation().getLoc())
          << "switchyard-rewrite: cannot read PDL patterns from '" << PDLFile
          << "'";
      return signalPassFailure();
    }
    // The bytecode patterns MLIR makes from these carry no name: remember
    // each one's root and benefit to name it after its pdl.pattern.
    PDL->walk([&](pdl::PatternOp P) {
      std::optional<StringRef> Sym = P.getSymName();
      auto Root = P.getRewriter().getRoot();
      auto RootOp = Root ? Root.getDefiningOp<pdl::OperationOp>() : nullptr;
      if (Sym && RootOp && RootOp.getOpName())
        PDLNames.push_back({RootOp.getOpName()->str(), P.getBenefit(),
                            Sym->str()});
    });
    Owning.add(PDLPatternModule(std::move(PDL)));
  }
  // The canonicalize pass's defaults.
  GreedyRewriteConfig Config;
  Config.setUseTopDownTraversal(true);
  Config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Normal);
  Config.setMaxIterations(10);

  if (!RT->asks(DecisionKind::Rewrite)) {
    FrozenRewritePatternSet Frozen(std::move(Owning));
    (void)applyPatternsGreedily(getOperation(), Frozen, Config);
    return;
  }

  FrozenRewritePatternSet Frozen(std::move(Owning));
  PatternApplicator Applicator(Frozen);
  Applicator.applyDefaultCostModel();
  Dispatch D;
  D.Applicator = &Applicator;
  // Answer names are words a script can write: the pattern's debug name
  // (its C++ type, or a PDL pattern's symbol) without an anonymous
  // namespace, spaces made underscores, made unique with ".2", ".3".
  unsigned Unnamed = 0;
  llvm::StringMap<unsigned> Seen;
  Applicator.walkAllPatterns([&](const Pattern &P) {
    std::string Name = P.getDebugName().str();
    for (size_t At; (At = Name.find("(anonymous namespace)::")) !=
                    std::string::npos;)
      Name.erase(At, strlen("(anonymous namespace)::"));
    std::replace(Name.begin(), Name.end(), ' ', '_');
    if (Name.empty() && P.getRootKind()) {
      // A PDL pattern: its pdl.pattern's symbol, if only one has its root
      // and benefit.
      const PDLName *Match = nullptr;
      unsigned Count = 0;
      for (const PDLName &N : PDLNames)
        if (N.Root == P.getRootKind()->getStringRef() &&
            N.Benefit == P.getBenefit().getBenefit())
          Match = &N, ++Count;
      if (Count == 1)
        Name = Match->Name;
    }
    if (Name.empty())
      Name = (P.getRootKind() ? P.getRootKind()->getStringRef().str()
                              : std::string("any")) +
             "-pattern" + std::to_string(Unnamed++);
    if (unsigned N = Seen[Name]++)
      Name += "." + std::to_string(N + 1);
    D.Patterns.emplace_back(&P, Name);
  });
  std::unique_ptr<Session> S = RT->open(getOperation(), Remarks);
  D.S = S.get();
  D.Module = moduleName(getOperation());

  RewritePatternSet DispatchSet(Ctx);
  DispatchSet.add(std::make_unique<DispatchPattern>(Ctx, D));
  (void)applyPatternsGreedily(getOperation(),
                              FrozenRewritePatternSet(std::move(DispatchSet)),
                              Config);
  S->setInstCountAfter(S->host().unitSize());
  S->finish();
  if (hostOf(*S).hadError())
    signalPassFailure();
}

} // namespace

std::unique_ptr<Pass> createRewritePass(RuntimeRef RT) {
  return std::make_unique<RewritePass>(std::move(RT));
}

} // namespace switchyard
