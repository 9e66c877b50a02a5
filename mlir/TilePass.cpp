//===- TilePass.cpp - tile in MLIR: which op, which sizes, fused how? -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//   mlir-opt-22 --load-pass-plugin=libSwitchyardMLIR.so --switchyard-tile
//
// One decision per op that implements TilingInterface (linalg ops, tensor
// pad, ...): "keep" it (the default: MLIR tiles nothing unless asked), or
// "tile" it with, in this order,
//
//   size0 .. size<n-1>  a tile size per loop of the op's iteration domain,
//                       in [0, the loop's trip count] (0: that loop is not
//                       tiled; a dynamic trip count allows up to 1024).
//                       Of the reduction loops, only the outermost one may
//                       be tiled (the others' range is [0, 0]) unless
//                       SWITCHYARD_ALLOW_FP_REORDER=1: tiling an inner
//                       reduction loop (conv_2d's channel loop under its
//                       window loops) changes the order in which each
//                       result's sum is accumulated, and so its rounding;
//   interchange         the order of the tile loops, as the index of a
//                       permutation of the n loops in lexicographic order
//                       (0: as the op has them);
//   fuse                1: fuse the op's producers into the tile loops
//                       (legal only where the op has a TilingInterface
//                       producer on tensors);
//   vectorize           1: vectorize the innermost tile with linalg's
//                       vectorizer (legal only for a linalg op the
//                       vectorizer accepts, and, when it has reduction
//                       loops, only with SWITCHYARD_ALLOW_FP_REORDER=1: a
//                       vectorized reduction may round differently).
//
// The answers go to MLIR's own transforms: scf::tileUsingSCF,
// scf::tileConsumerAndFuseProducersUsingSCF and linalg::vectorize. Two
// limits keep every legal answer correct: the destination (the `outs`
// initializer) is not fused into loops that tile a reduction, since that
// would reinitialize the accumulator per tile (the legality rule stated in
// TileUsingInterface.h); and a tile is vectorized only when its shape is
// static (the sizes divide the loop) and it has at most 65536 points.
//
//===----------------------------------------------------------------------===//

#include "Passes.h"

#include "Hash.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace switchyard {

namespace {

/// Ops with more loops are answered locally: none of the kernels has more
/// than conv_2d's 7, and n! interchanges must stay countable.
constexpr unsigned MaxLoops = 8;
constexpr int64_t DynamicMax = 1024;
constexpr int64_t MaxVectorPoints = 65536;

enum TileOption : uint32_t { Keep = 0, Tile = 1 };

const std::string_view SizeNames[MaxLoops] = {"size0", "size1", "size2",
                                              "size3", "size4", "size5",
                                              "size6", "size7"};

/// One op the agent is asked about, as it was before any was transformed.
struct Site {
  TilingInterface Op;
  std::string Function;
  std::string Unit; ///< "linalg.matmul:0": op name, ordinal in its function.
  SmallVector<int64_t> Bounds; ///< Trip counts; -1 when dynamic.
  SmallVector<utils::IteratorType> Iterators;
  /// The largest legal tile size per loop.
  SmallVector<int64_t> MaxSize;
  bool HasProducer = false;
  bool CanVectorize = false;
};

uint64_t factorial(unsigned N) {
  uint64_t F = 1;
  for (unsigned I = 2; I <= N; ++I)
    F *= I;
  return F;
}

/// The \p Index-th permutation of 0..N-1 in lexicographic order.
SmallVector<int64_t> permutation(unsigned N, uint64_t Index) {
  SmallVector<int64_t> Pool, Perm;
  for (unsigned I = 0; I < N; ++I)
    Pool.push_back(I);
  for (unsigned I = N; I > 0; --I) {
    uint64_t F = factorial(I - 1);
    Perm.push_back(Pool[Index / F]);
    Pool.erase(Pool.begin() + Index / F);
    Index %= F;
  }
  return Perm;
}

bool hasTensorProducer(Operation *Op) {
  auto DPS = dyn_cast<DestinationStyleOpInterface>(Op);
  if (!DPS || !DPS.hasPureTensorSemantics())
    return false;
  return llvm::any_of(Op->getOperands(), [](Value V) {
    return V.getDefiningOp<TilingInterface>() != nullptr;
  });
}

unsigned elementBits(Operation *Op) {
  for (Type T : Op->getResultTypes())
    if (auto S = dyn_cast<ShapedType>(T))
      return S.getElementTypeBitWidth();
  for (Type T : Op->getOperandTypes())
    if (auto S = dyn_cast<ShapedType>(T))
      if (S.getElementType().isIntOrFloat())
        return S.getElementTypeBitWidth();
  return 0;
}

class TilePass : public PassWrapper<TilePass, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TilePass)

  explicit TilePass(RuntimeRef RT) : RT(std::move(RT)) {}
  TilePass(const TilePass &Other) : PassWrapper(Other), RT(Other.RT) {}

  StringRef getArgument() const override { return "switchyard-tile"; }
  StringRef getDescription() const override {
    return "Ask the Switchyard agent which TilingInterface ops to tile, "
           "with which sizes, interchange, fusion and vectorization";
  }
  void getDependentDialects(DialectRegistry &Registry) const override {
    Registry.insert<affine::AffineDialect, arith::ArithDialect,
                    linalg::LinalgDialect, memref::MemRefDialect,
                    scf::SCFDialect, tensor::TensorDialect,
                    vector::VectorDialect>();
  }

  void runOnOperation() override;

private:
  std::vector<Site> collectSites();
  void decide(Session &S, Site &Site,
              llvm::SmallPtrSetImpl<Operation *> &Fused);
  /// Applies a "tile" answer; returns why it could not, or "".
  std::string apply(Site &Site, const Choice &C,
                    llvm::SmallPtrSetImpl<Operation *> &Fused,
                    std::string &Note);

  Option<bool> Remarks{*this, "remarks",
                       llvm::cl::desc("Emit a remark for each decision the "
                                      "agent changed"),
                       llvm::cl::init(false)};
  RuntimeRef RT;
};

std::vector<Site> TilePass::collectSites() {
  std::vector<Site> Sites;
  bool FPReorder = RT->config().AllowFPReorder;
  getOperation()->walk([&](FunctionOpInterface F) {
    llvm::StringMap<unsigned> Ordinals;
    std::string Function = SymbolTable::getSymbolName(F).str();
    F->walk([&](TilingInterface Op) {
      Site S;
      S.Op = Op;
      S.Function = Function;
      StringRef Name = Op->getName().getStringRef();
      S.Unit = Name.str() + ":" + std::to_string(Ordinals[Name]++);
      OpBuilder B(Op);
      for (const Range &R : Op.getIterationDomain(B)) {
        std::optional<int64_t> Size = getConstantIntValue(R.size);
        S.Bounds.push_back(Size ? *Size : -1);
      }
      S.Iterators = Op.getLoopIteratorTypes();
      bool OuterReductionSeen = false;
      for (auto [Bound, Iter] : llvm::zip(S.Bounds, S.Iterators)) {
        int64_t Max = Bound < 0 ? DynamicMax : Bound;
        if (Iter == utils::IteratorType::reduction && Bound != 1) {
          if (OuterReductionSeen && !FPReorder)
            Max = 0;
          OuterReductionSeen = true;
        }
        S.MaxSize.push_back(Max);
      }
      S.HasProducer = hasTensorProducer(Op);
      auto L = dyn_cast<linalg::LinalgOp>(Op.getOperation());
      bool HasReduction =
          llvm::is_contained(S.Iterators, utils::IteratorType::reduction);
      S.CanVectorize = L && !L.hasDynamicShape() &&
                       (!HasReduction || FPReorder) &&
                       succeeded(linalg::vectorizeOpPrecondition(Op));
      Sites.push_back(std::move(S));
    });
  });
  return Sites;
}

void TilePass::runOnOperation() {
  if (!RT->asks(DecisionKind::Tile))
    return;
  std::unique_ptr<Session> S = RT->open(getOperation(), Remarks);
  std::vector<Site> Sites = collectSites();
  // Consumers first: a producer fused into its consumer's loops is then
  // dead by the time it comes up, and is erased instead of asked about.
  llvm::SmallPtrSet<Operation *, 8> Fused;
  for (Site &Site : llvm::reverse(Sites)) {
    if (Fused.contains(Site.Op) && isOpTriviallyDead(Site.Op)) {
      Site.Op->erase();
      continue;
    }
    decide(*S, Site, Fused);
    if (hostOf(*S).hadError())
      break;
  }
  S->setInstCountAfter(S->host().unitSize());
  S->finish();
  if (hostOf(*S).hadError())
    signalPassFailure();
}

void TilePass::decide(Session &S, Site &Site,
                      llvm::SmallPtrSetImpl<Operation *> &Fused) {
  Operation *Op = Site.Op;
  Choice Default;
  Default.Option = Keep;
  unsigned N = Site.Bounds.size();
  if (N == 0 || N > MaxLoops ||
      !S.wants(DecisionKind::Tile, getArgument(), Site.Function)) {
    S.decideLocally(DecisionKind::Tile, Default, Op).recordApplied("");
    return;
  }

  OptionSpec TileSpec{"tile", {}};
  for (unsigned I = 0; I < N; ++I)
    TileSpec.Params.push_back({SizeNames[I], 0, Site.MaxSize[I]});
  TileSpec.Params.push_back(
      {"interchange", 0, static_cast<int64_t>(factorial(N) - 1)});
  TileSpec.Params.push_back({"fuse", 0, Site.HasProducer ? 1 : 0});
  TileSpec.Params.push_back({"vectorize", 0, Site.CanVectorize ? 1 : 0});
  const OptionSpec Legal[] = {{"keep", {}}, TileSpec};

  std::vector<double> Values(tileFeatureNames().size(), 0.0);
  if (S.featuresFor(DecisionKind::Tile)) {
    unsigned Reductions =
        llvm::count(Site.Iterators, utils::IteratorType::reduction);
    double Log2Volume = 0;
    for (int64_t B : Site.Bounds)
      Log2Volume += B > 0 ? std::log2(static_cast<double>(B)) : 0;
    Values[0] = N;
    Values[1] = N - Reductions;
    Values[2] = Reductions;
    Values[3] = Op->getNumOperands();
    Values[4] = Op->getNumResults();
    Values[5] = elementBits(Op);
    Values[6] = Site.HasProducer;
    Values[7] = Site.CanVectorize;
    Values[8] = Log2Volume;
    for (unsigned I = 0; I < N; ++I)
      Values[9 + I] = Site.Bounds[I];
  }

  std::string Module = moduleName(getOperation());
  DecisionRequest R;
  R.Kind = DecisionKind::Tile;
  R.Context.Module = Module;
  R.Context.Function = Site.Function;
  R.Context.Pass = getArgument();
  R.Context.PassArg = getArgument();
  R.Context.Unit = fb::UnitKind::Operation;
  R.Context.UnitName = Site.Unit;
  R.Context.SiteId = stableHash(Site.Unit, stableHash(Site.Function));
  R.FeatureNames = tileFeatureNames();
  R.FeatureValues = Values;
  R.Default = Default;
  R.Legal = Legal;

  Advice A = S.decide(R, Op);
  std::string What = Site.Unit + " in @" + Site.Function;
  if (A.choice().Option == Keep) {
    A.recordApplied(What);
    return;
  }
  std::string Note;
  std::string Why = apply(Site, A.choice(), Fused, Note);
  if (!Why.empty()) {
    // The op is left as it was: the transforms fail before changing it.
    A.recordUnapplied(What + ": " + Why);
    return;
  }
  A.recordApplied(What + Note);
}

std::string TilePass::apply(Site &Site, const Choice &C,
                            llvm::SmallPtrSetImpl<Operation *> &Fused,
                            std::string &Note) {
  unsigned N = Site.Bounds.size();
  ArrayRef<int64_t> Sizes(C.Params.data(), N);
  uint64_t Interchange = C.Params[N];
  bool Fuse = C.Params[N + 1];
  bool Vectorize = C.Params[N + 2];

  IRRewriter Rewriter(&getContext());
  Operation *Tiled = Site.Op;
  if (llvm::any_of(Sizes, [](int64_t S) { return S != 0; })) {
    Rewriter.setInsertionPoint(Site.Op);
    scf::SCFTilingOptions TO;
    TO.setTileSizes(getAsIndexOpFoldResult(&getContext(), Sizes));
    if (Interchange != 0)
      TO.setInterchange(permutation(N, Interchange));
    if (Fuse) {
      bool ReductionTiled = false;
      for (unsigned I = 0; I < N; ++I)
        ReductionTiled |= Sizes[I] != 0 &&
                          Site.Iterators[I] == utils::IteratorType::reduction;
      scf::SCFTileAndFuseOptions FO;
      FO.setTilingOptions(TO);
      FO.setFusionControlFn(
          [ReductionTiled](tensor::ExtractSliceOp, OpResult, bool IsDest)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            if (IsDest && ReductionTiled)
              return std::nullopt;
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          });
      FailureOr<scf::SCFTileAndFuseResult> R =
          scf::tileConsumerAndFuseProducersUsingSCF(Rewriter, Site.Op, FO);
      if (failed(R))
        return "MLIR could not tile and fuse it";
      for (OpResult Res : Site.Op->getResults())
        if (Value New = R->replacements.lookup(Res))
          Rewriter.replaceAllUsesWith(Res, New);
      for (Operation *P : R->fusedProducers)
        Fused.insert(P);
      if (isOpTriviallyDead(Site.Op))
        Rewriter.eraseOp(Site.Op);
      Tiled = R->tiledAndFusedOps.front();
      Note += ", fused " + std::to_string(R->fusedProducers.size()) +
              " producer(s)";
    } else {
      FailureOr<scf::SCFTilingResult> R =
          scf::tileUsingSCF(Rewriter, Site.Op, TO);
      if (failed(R))
        return "MLIR could not tile it";
      Rewriter.replaceOp(Site.Op, R->replacements);
      Tiled = R->tiledOps.back();
    }
  }
  if (!Vectorize)
    return "";
  auto L = dyn_cast<linalg::LinalgOp>(Tiled);
  if (!L || L.hasDynamicShape()) {
    Note += "; not vectorized: the tile sizes do not divide the loops, so "
            "the tile's shape is not static";
    return "";
  }
  int64_t Points = 1;
  for (int64_t B : L.getStaticLoopRanges())
    Points = B > MaxVectorPoints ? MaxVectorPoints + 1 : Points * B;
  if (Points > MaxVectorPoints) {
    Note += "; not vectorized: the tile has more than 65536 points";
    return "";
  }
  Rewriter.setInsertionPoint(Tiled);
  FailureOr<linalg::VectorizationResult> V = linalg::vectorize(Rewriter, Tiled);
  if (failed(V)) {
    Note += "; the vectorizer refused the tile";
    return "";
  }
  if (V->replacements.empty())
    Rewriter.eraseOp(Tiled);
  else
    Rewriter.replaceOp(Tiled, V->replacements);
  Note += ", vectorized";
  return "";
}

} // namespace

Span<std::string_view> tileFeatureNames() {
  static const std::string_view Names[] = {
      "num_loops",    "num_parallel", "num_reduction", "num_operands",
      "num_results",  "elem_bits",    "has_producer",  "can_vectorize",
      "log2_volume",  "ub0",          "ub1",           "ub2",
      "ub3",          "ub4",          "ub5",           "ub6",
      "ub7"};
  return Names;
}

std::unique_ptr<Pass> createTilePass(RuntimeRef RT) {
  return std::make_unique<TilePass>(std::move(RT));
}

} // namespace switchyard
