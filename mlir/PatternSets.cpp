//===- PatternSets.cpp - The named pattern sets switchyard-rewrite offers -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// "switchyard-arith" is this plugin's own: strength reduction of arith ops
// by constants, each rewrite exact for every input (argued at each
// pattern; test/lit/mlir/rewrite/named-set.mlir runs both forms on inputs
// chosen to hit the edges). "linalg-generalize" registers MLIR's own
// generalization of named linalg ops under a name, so that an agent can
// choose it op by op.
//
//===----------------------------------------------------------------------===//

#include "PatternSets.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

using namespace mlir;

namespace switchyard {

namespace {

/// The integer constant \p V is (a scalar, or a splat of one), read off
/// its arith.constant. Not with MLIR's m_ConstantInt: its ConstantLike
/// check compares trait TypeIDs, and the fallback TypeID of a trait is
/// keyed by a type name that GCC (this plugin) and clang (libMLIR) spell
/// differently, so inline trait checks in a GCC-built plugin never match.
std::optional<APInt> constantInt(Value V) {
  auto C = V.getDefiningOp<arith::ConstantOp>();
  if (!C)
    return std::nullopt;
  Attribute A = C.getValue();
  if (auto Splat = dyn_cast<SplatElementsAttr>(A))
    A = Splat.getSplatValue<Attribute>();
  if (auto I = dyn_cast<IntegerAttr>(A))
    return I.getValue();
  return std::nullopt;
}

/// The float constant \p V is, likewise.
std::optional<APFloat> constantFloat(Value V) {
  auto C = V.getDefiningOp<arith::ConstantOp>();
  if (!C)
    return std::nullopt;
  Attribute A = C.getValue();
  if (auto Splat = dyn_cast<SplatElementsAttr>(A))
    A = Splat.getSplatValue<Attribute>();
  if (auto F = dyn_cast<FloatAttr>(A))
    return F.getValue();
  return std::nullopt;
}

/// A power of two constant on the right of \p Op, as log2 of it.
template <typename OpT> std::optional<unsigned> log2OfRhs(OpT Op) {
  std::optional<APInt> C = constantInt(Op.getRhs());
  if (!C || !C->isPowerOf2())
    return std::nullopt;
  return C->logBase2();
}

// Each pattern names itself: its name is the answer that picks it, and
// the default (the type's name) would spell the namespaces as the
// compiler does.

/// x op 2^k -> x shift k, for the two operations a power of two turns
/// into a shift, each exact for every x:
/// - x * 2^k -> x << k. Multiplication and left shift both wrap modulo
///   2^n, so they agree on every x; k < n because 2^k is an n-bit value.
///   The multiplication's overflow flags are dropped, which can only
///   remove poison.
/// - x /u 2^k -> x >>u k: unsigned division by a power of two is a logical
///   right shift (the divisor is never 0).
template <typename SourceOp, typename ShiftOp>
struct PowerOfTwoToShift : OpRewritePattern<SourceOp> {
  PowerOfTwoToShift(MLIRContext *Ctx, StringRef Name)
      : OpRewritePattern<SourceOp>(Ctx) {
    this->setDebugName(Name);
  }
  LogicalResult matchAndRewrite(SourceOp Op,
                                PatternRewriter &Rewriter) const override {
    std::optional<unsigned> K = log2OfRhs(Op);
    if (!K)
      return failure();
    Value Amount =
        createScalarOrSplatConstant(Rewriter, Op.getLoc(), Op.getType(), *K);
    Rewriter.replaceOpWithNewOp<ShiftOp>(Op, Op.getLhs(), Amount);
    return success();
  }
};

/// x %u 2^k -> x & (2^k - 1): the unsigned remainder by a power of two is
/// the low k bits, for every x.
struct RemUIPowerOfTwoToAndI : OpRewritePattern<arith::RemUIOp> {
  explicit RemUIPowerOfTwoToAndI(MLIRContext *Ctx) : OpRewritePattern(Ctx) {
    setDebugName("RemUIPowerOfTwoToAndI");
  }
  LogicalResult matchAndRewrite(arith::RemUIOp Op,
                                PatternRewriter &Rewriter) const override {
    std::optional<APInt> C = constantInt(Op.getRhs());
    if (!C || !C->isPowerOf2())
      return failure();
    Value Mask = createScalarOrSplatConstant(Rewriter, Op.getLoc(),
                                             Op.getType(), *C - 1);
    Rewriter.replaceOpWithNewOp<arith::AndIOp>(Op, Op.getLhs(), Mask);
    return success();
  }
};

/// x * 2.0 -> x + x, fast-math flags kept. Both are exact in binary
/// floating point under round-to-nearest: doubling only raises the
/// exponent, subnormals included, and both overflow to the same infinity
/// at the same x; infinities, zeros (with their sign) and NaNs give the
/// same result.
struct MulFTwoToAddF : OpRewritePattern<arith::MulFOp> {
  explicit MulFTwoToAddF(MLIRContext *Ctx) : OpRewritePattern(Ctx) {
    setDebugName("MulFTwoToAddF");
  }
  LogicalResult matchAndRewrite(arith::MulFOp Op,
                                PatternRewriter &Rewriter) const override {
    std::optional<APFloat> C = constantFloat(Op.getRhs());
    if (!C)
      return failure();
    bool LosesInfo = false;
    APFloat Two(2.0);
    Two.convert(C->getSemantics(), APFloat::rmNearestTiesToEven, &LosesInfo);
    if (C->compare(Two) != APFloat::cmpEqual)
      return failure();
    Rewriter.replaceOpWithNewOp<arith::AddFOp>(Op, Op.getLhs(), Op.getLhs(),
                                               Op.getFastmathAttr());
    return success();
  }
};

void populateCanonicalize(RewritePatternSet &Patterns) {
  MLIRContext *Ctx = Patterns.getContext();
  // What the canonicalize pass collects, in its order.
  for (Dialect *D : Ctx->getLoadedDialects())
    D->getCanonicalizationPatterns(Patterns);
  for (RegisteredOperationName Op : Ctx->getRegisteredOperations())
    Op.getCanonicalizationPatterns(Patterns, Ctx);
}

void populateArith(RewritePatternSet &Patterns) {
  MLIRContext *Ctx = Patterns.getContext();
  Patterns.add<PowerOfTwoToShift<arith::MulIOp, arith::ShLIOp>>(
      Ctx, "MulIPowerOfTwoToShLI");
  Patterns.add<PowerOfTwoToShift<arith::DivUIOp, arith::ShRUIOp>>(
      Ctx, "DivUIPowerOfTwoToShRUI");
  Patterns.add<RemUIPowerOfTwoToAndI, MulFTwoToAddF>(Ctx);
}

void populateLinalgGeneralize(RewritePatternSet &Patterns) {
  linalg::populateLinalgNamedOpsGeneralizationPatterns(Patterns);
}

const PatternSet Sets[] = {
    {"canonicalize",
     "every loaded dialect's and registered op's canonicalization patterns",
     populateCanonicalize},
    {"switchyard-arith",
     "integer multiply, unsigned divide and remainder by a power of two as "
     "shifts and masks, and x * 2.0 as x + x",
     populateArith},
    {"linalg-generalize", "named linalg ops as linalg.generic (MLIR's own)",
     populateLinalgGeneralize},
};

} // namespace

llvm::ArrayRef<PatternSet> patternSets() { return Sets; }

const PatternSet *findPatternSet(llvm::StringRef Name) {
  for (const PatternSet &S : Sets)
    if (S.Name == Name)
      return &S;
  return nullptr;
}

} // namespace switchyard
