//===- RewriteHook.cpp - rewrite: which proved rule applies here? ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Matching walks a rule's source pattern from its root down the operands,
// with LLVM's PatternMatch for constants, so each instruction costs at most
// the size of the patterns rooted at its opcode. Constant expressions are
// evaluated with APInt under the semantics the prover gives them
// (rewrite/prove/Prover.cpp): log2(0) = 0, x / 0 = all ones, a shift by the
// width or more = 0.
//
//===----------------------------------------------------------------------===//

#include "RewriteHook.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/bit.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/Transforms/Utils/Local.h"

#include <algorithm>
#include <optional>
#include <set>

using namespace llvm;
using namespace switchyard::rewrite;

namespace switchyard {

bool RewriteCatalog::load(const std::vector<std::string> &Files,
                          std::string &Err) {
  Rules.clear();
  for (const std::string &File : Files) {
    size_t First = Rules.size();
    RuleError RE;
    if (!parseRuleFile(File, Rules, RE)) {
      Err = RE.str();
      return false;
    }
    std::vector<uint64_t> Proved;
    std::string ProofErr;
    std::string Proof = proofPath(File);
    if (!readProofRecord(Proof, Proved, ProofErr)) {
      Err = ProofErr + "; prove " + File + " first: switchyard-prove " + File;
      return false;
    }
    std::set<uint64_t> Known(Proved.begin(), Proved.end());
    for (size_t I = First; I < Rules.size(); ++I)
      if (!Known.count(Rules[I].Hash)) {
        Err = Rules[I].File + ":" + std::to_string(Rules[I].Line) +
              ": rule '" + Rules[I].Name +
              "' is not proved: " + Proof +
              " has no record of it as written (run switchyard-prove " +
              File + ")";
        return false;
      }
  }
  for (const Rule &R : Rules)
    if (R.Values.size() > 64 || R.Constants.size() > 64) {
      Err = R.File + ":" + std::to_string(R.Line) + ": rule '" + R.Name +
            "' has more than 64 values or constants, more than the matcher "
            "takes";
      return false;
    }
  ByRoot.assign(static_cast<unsigned>(Opcode::UMax) + 1, {});
  for (unsigned I = 0; I < Rules.size(); ++I)
    ByRoot[static_cast<unsigned>(Rules[I].root().Op)].push_back(I);
  return true;
}

ArrayRef<std::string_view> RewriteHook::featureNames() {
  static const std::string_view Names[] = {
      "opcode",          "bit_width",       "operand_count",
      "operand0_kind",   "operand1_kind",   "operand2_kind",
      "operand0_const",  "operand1_const",  "operand2_const",
      "uses",            "loop_depth",      "match_count",
      "match_0",         "match_1",         "match_2",
      "match_3",         "match_4",         "match_5",
      "match_6",         "match_7"};
  static_assert(std::size(Names) == 12 + MatchSlots, "one name per slot");
  return Names;
}

namespace {

/// The rule opcode of \p I, if a rule can be rooted there.
std::optional<Opcode> opcodeOf(const Instruction &I) {
  switch (I.getOpcode()) {
  case Instruction::Add: return Opcode::Add;
  case Instruction::Sub: return Opcode::Sub;
  case Instruction::Mul: return Opcode::Mul;
  case Instruction::UDiv: return Opcode::UDiv;
  case Instruction::SDiv: return Opcode::SDiv;
  case Instruction::URem: return Opcode::URem;
  case Instruction::SRem: return Opcode::SRem;
  case Instruction::Shl: return Opcode::Shl;
  case Instruction::LShr: return Opcode::LShr;
  case Instruction::AShr: return Opcode::AShr;
  case Instruction::And: return Opcode::And;
  case Instruction::Or: return Opcode::Or;
  case Instruction::Xor: return Opcode::Xor;
  case Instruction::ICmp: return Opcode::ICmp;
  case Instruction::Select: return Opcode::Select;
  case Instruction::ZExt: return Opcode::ZExt;
  case Instruction::SExt: return Opcode::SExt;
  case Instruction::Trunc: return Opcode::Trunc;
  case Instruction::Freeze: return Opcode::Freeze;
  default: break;
  }
  if (const auto *II = dyn_cast<IntrinsicInst>(&I))
    switch (II->getIntrinsicID()) {
    case Intrinsic::smin: return Opcode::SMin;
    case Intrinsic::smax: return Opcode::SMax;
    case Intrinsic::umin: return Opcode::UMin;
    case Intrinsic::umax: return Opcode::UMax;
    default: break;
    }
  return std::nullopt;
}

Instruction::BinaryOps binaryOpcode(Opcode Op) {
  switch (Op) {
  case Opcode::Add: return Instruction::Add;
  case Opcode::Sub: return Instruction::Sub;
  case Opcode::Mul: return Instruction::Mul;
  case Opcode::UDiv: return Instruction::UDiv;
  case Opcode::SDiv: return Instruction::SDiv;
  case Opcode::URem: return Instruction::URem;
  case Opcode::SRem: return Instruction::SRem;
  case Opcode::Shl: return Instruction::Shl;
  case Opcode::LShr: return Instruction::LShr;
  case Opcode::AShr: return Instruction::AShr;
  case Opcode::And: return Instruction::And;
  case Opcode::Or: return Instruction::Or;
  default: return Instruction::Xor;
  }
}

Intrinsic::ID minMaxIntrinsic(Opcode Op) {
  switch (Op) {
  case Opcode::SMin: return Intrinsic::smin;
  case Opcode::SMax: return Intrinsic::smax;
  case Opcode::UMin: return Intrinsic::umin;
  default: return Intrinsic::umax;
  }
}

CmpInst::Predicate llvmPred(Pred P) {
  switch (P) {
  case Pred::EQ: return CmpInst::ICMP_EQ;
  case Pred::NE: return CmpInst::ICMP_NE;
  case Pred::UGT: return CmpInst::ICMP_UGT;
  case Pred::UGE: return CmpInst::ICMP_UGE;
  case Pred::ULT: return CmpInst::ICMP_ULT;
  case Pred::ULE: return CmpInst::ICMP_ULE;
  case Pred::SGT: return CmpInst::ICMP_SGT;
  case Pred::SGE: return CmpInst::ICMP_SGE;
  case Pred::SLT: return CmpInst::ICMP_SLT;
  case Pred::SLE: return CmpInst::ICMP_SLE;
  }
  return CmpInst::ICMP_EQ;
}

/// What a match binds: the rule's values and constants, and its width. The
/// masks say which slots are bound, so that a failed attempt is undone by
/// clearing what it bound rather than by copying the whole binding.
struct Binding {
  SmallVector<Value *, 8> Values;
  SmallVector<std::optional<APInt>, 4> Consts;
  unsigned W = 0;
  uint64_t ValueMask = 0;
  uint64_t ConstMask = 0;

  struct Mark {
    uint64_t ValueMask, ConstMask;
    unsigned W;
  };
  Mark mark() const { return {ValueMask, ConstMask, W}; }
  /// Unbinds everything bound since \p M.
  void undo(Mark M) {
    for (uint64_t New = ValueMask & ~M.ValueMask; New; New &= New - 1)
      Values[llvm::countr_zero(New)] = nullptr;
    for (uint64_t New = ConstMask & ~M.ConstMask; New; New &= New - 1)
      Consts[llvm::countr_zero(New)].reset();
    ValueMask = M.ValueMask;
    ConstMask = M.ConstMask;
    W = M.W;
  }
};

/// The width of a precondition: its widest constant's, or the rule's.
unsigned condBits(const Rule &R, int Index, unsigned W) {
  const Expr &E = R.Exprs[Index];
  unsigned Bits = E.K == Expr::Symbol ? R.Constants[E.Sym].Ty.bits(W) : 0;
  if (E.Lhs >= 0)
    Bits = std::max(Bits, condBits(R, E.Lhs, W));
  if (E.Rhs >= 0)
    Bits = std::max(Bits, condBits(R, E.Rhs, W));
  return Bits;
}

APInt evaluate(const Rule &R, int Index, unsigned Bits, const Binding &B) {
  const Expr &E = R.Exprs[Index];
  switch (E.K) {
  case Expr::Literal:
    return APInt(Bits, static_cast<uint64_t>(E.Value), /*isSigned=*/true,
                 /*implicitTrunc=*/true);
  case Expr::Symbol:
    return B.Consts[E.Sym]->zextOrTrunc(Bits);
  case Expr::Width:
    return APInt(Bits, B.W, /*isSigned=*/false, /*implicitTrunc=*/true);
  case Expr::Neg:
    return -evaluate(R, E.Lhs, Bits, B);
  case Expr::Not:
    return ~evaluate(R, E.Lhs, Bits, B);
  case Expr::Log2: {
    APInt A = evaluate(R, E.Lhs, Bits, B);
    return APInt(Bits, A.isZero() ? 0 : A.getActiveBits() - 1,
                 /*isSigned=*/false, /*implicitTrunc=*/true);
  }
  case Expr::Binary: {
    APInt A = evaluate(R, E.Lhs, Bits, B), C = evaluate(R, E.Rhs, Bits, B);
    switch (E.BinOp) {
    case '+': return A + C;
    case '-': return A - C;
    case '*': return A * C;
    case '/': return C.isZero() ? APInt::getAllOnes(Bits) : A.udiv(C);
    case '&': return A & C;
    case '|': return A | C;
    case '^': return A ^ C;
    case '<': return C.uge(Bits) ? APInt(Bits, 0) : A.shl(C);
    case '>': return C.uge(Bits) ? APInt(Bits, 0) : A.lshr(C);
    }
  }
  }
  llvm_unreachable("every expression kind is evaluated");
}

} // namespace

class RewriteMatcher {
public:
  explicit RewriteMatcher(const Rule &R)
      : R(R), DefinedBy(R.Values.size(), 0) {
    assert(R.Values.size() <= 64 && R.Constants.size() <= 64 &&
           "RewriteCatalog::load refuses larger rules");
    Scratch.Values.assign(R.Values.size(), nullptr);
    Scratch.Consts.assign(R.Constants.size(), std::nullopt);
    for (size_t I = 0; I < R.Source.size(); ++I)
      DefinedBy[R.Source[I].Def] = I;
    for (const Operand &O : R.root().Ops) {
      if (!O.IsValue) {
        const Expr &E = R.Exprs[O.Index];
        RootNeeds.push_back({Need::Constant, Opcode::Add,
                             E.K == Expr::Literal, E.Value});
      } else if (R.Values[O.Index].R == rewrite::Var::Input) {
        RootNeeds.push_back({Need::Any, Opcode::Add});
      } else {
        RootNeeds.push_back({Need::Inst, R.Source[DefinedBy[O.Index]].Op});
      }
    }
  }

  /// False if the root's operands alone rule a match out: the cheap test
  /// that rejects most rules at most instructions.
  bool mayMatch(const Instruction &Root) const {
    const auto *II = dyn_cast<IntrinsicInst>(&Root);
    unsigned N = II ? II->arg_size() : Root.getNumOperands();
    if (N != RootNeeds.size())
      return false;
    auto Fits = [](const OperandNeed &Need, const Value *V) {
      switch (Need.K) {
      case Need::Any:
        return true;
      case Need::Constant: {
        const auto *C = dyn_cast<ConstantInt>(V);
        return C && (!Need.IsLiteral ||
                     C->getValue() ==
                         APInt(C->getBitWidth(),
                               static_cast<uint64_t>(Need.Literal),
                               /*isSigned=*/true, /*implicitTrunc=*/true));
      }
      case Need::Inst: {
        const auto *I = dyn_cast<Instruction>(V);
        std::optional<Opcode> Op = I ? opcodeOf(*I) : std::nullopt;
        return Op && *Op == Need.Op;
      }
      }
      return true;
    };
    auto Fit = [&](unsigned K, unsigned From) {
      return Fits(RootNeeds[K], II ? II->getArgOperand(From)
                                   : Root.getOperand(From));
    };
    bool InOrder = true;
    for (unsigned K = 0; InOrder && K < N; ++K)
      InOrder = Fit(K, K);
    if (InOrder)
      return true;
    return N == 2 && isCommutative(R.root()) && Fit(0, 1) && Fit(1, 0);
  }

  /// The binding of a match of the rule at \p Root, or null. It lives in
  /// the matcher until the next call: most instructions match no rule, and
  /// a failed attempt allocates nothing.
  const Binding *match(Instruction &Root) {
    Scratch.undo({0, 0, 0});
    if (!matchValue(R.root().Def, &Root, Scratch))
      return nullptr;
    for (const Cond &C : R.Pre)
      if (!holds(C, Scratch))
        return nullptr;
    return &Scratch;
  }

private:
  /// Binds the rule's width from \p Ty, a value of type \p T.
  bool bindType(TypeRef T, Type *Ty, Binding &B) {
    auto *IT = dyn_cast<IntegerType>(Ty);
    if (!IT)
      return false;
    unsigned Bits = IT->getBitWidth();
    if (T.Mult == 0)
      return Bits == 1;
    if (Bits % T.Mult)
      return false;
    unsigned W = Bits / T.Mult;
    if (B.W && B.W != W)
      return false;
    if (!R.holdsAt(W))
      return false;
    B.W = W;
    return true;
  }

  bool matchValue(unsigned Index, Value *V, Binding &B) {
    const rewrite::Var &RV = R.Values[Index];
    if (B.Values[Index])
      return B.Values[Index] == V;
    if (!bindType(RV.Ty, V->getType(), B))
      return false;
    if (RV.R == rewrite::Var::Input) {
      B.Values[Index] = V;
      B.ValueMask |= uint64_t(1) << Index;
      return true;
    }
    auto *I = dyn_cast<Instruction>(V);
    if (!I || !matchInst(R.Source[DefinedBy[Index]], *I, B))
      return false;
    B.Values[Index] = V;
    B.ValueMask |= uint64_t(1) << Index;
    return true;
  }

  bool matchConstant(const Operand &O, Value *V, Binding &B) {
    const APInt *C;
    if (!PatternMatch::match(V, PatternMatch::m_APInt(C)) ||
        !isa<ConstantInt>(V))
      return false;
    const Expr &E = R.Exprs[O.Index];
    if (E.K == Expr::Literal)
      return *C == APInt(C->getBitWidth(), static_cast<uint64_t>(E.Value),
                         /*isSigned=*/true, /*implicitTrunc=*/true);
    assert(E.K == Expr::Symbol && "the parser allows no other source constant");
    if (!bindType(R.Constants[E.Sym].Ty, V->getType(), B))
      return false;
    std::optional<APInt> &Slot = B.Consts[E.Sym];
    if (Slot)
      return *Slot == *C;
    Slot = *C;
    B.ConstMask |= uint64_t(1) << E.Sym;
    return true;
  }

  bool matchOperand(const Operand &O, Value *V, Binding &B) {
    return O.IsValue ? matchValue(O.Index, V, B) : matchConstant(O, V, B);
  }

  bool matchOperands(const Inst &P, ArrayRef<Value *> Ops, Binding &B) {
    if (Ops.size() != P.Ops.size())
      return false;
    // A failed match leaves \p B half bound. Only a commutative pattern
    // tries again and needs it as it was; otherwise the failure reaches the
    // root, or a commutative pattern above, which restores its own copy.
    bool Commutative = isCommutative(P);
    Binding::Mark Saved = B.mark();
    bool Ok = true;
    for (size_t K = 0; Ok && K < Ops.size(); ++K)
      Ok = matchOperand(P.Ops[K], Ops[K], B);
    if (Ok)
      return true;
    if (!Commutative)
      return false;
    B.undo(Saved);
    if (matchOperand(P.Ops[0], Ops[1], B) && matchOperand(P.Ops[1], Ops[0], B))
      return true;
    B.undo(Saved);
    return false;
  }

  bool matchInst(const Inst &P, Instruction &I, Binding &B) {
    std::optional<Opcode> Op = opcodeOf(I);
    if (!Op || *Op != P.Op)
      return false;
    if ((P.Flags & NSW) && !I.hasNoSignedWrap())
      return false;
    if ((P.Flags & NUW) && !I.hasNoUnsignedWrap())
      return false;
    if ((P.Flags & Exact) && !I.isExact())
      return false;
    if (P.Flags & Disjoint) {
      auto *D = dyn_cast<PossiblyDisjointInst>(&I);
      if (!D || !D->isDisjoint())
        return false;
    }
    if (P.Op == Opcode::ICmp &&
        cast<ICmpInst>(I).getPredicate() != llvmPred(P.P))
      return false;
    SmallVector<Value *, 3> Ops;
    if (auto *II = dyn_cast<IntrinsicInst>(&I))
      Ops.append(II->arg_begin(), II->arg_end());
    else
      Ops.append(I.op_begin(), I.op_end());
    return matchOperands(P, Ops, B);
  }

  bool holds(const Cond &C, const Binding &B) const;

  const Rule &R;
  /// The index in the source pattern of the instruction defining each value.
  std::vector<size_t> DefinedBy;
  /// What each operand of the root must be.
  struct OperandNeed {
    enum Kind { Any, Constant, Inst } K;
    Opcode Op;              ///< For Inst.
    bool IsLiteral = false; ///< For Constant: it must equal Literal.
    int64_t Literal = 0;
  };
  using Need = OperandNeed;
  SmallVector<OperandNeed, 3> RootNeeds;
  Binding Scratch;
};

bool RewriteMatcher::holds(const Cond &C, const Binding &B) const {
  unsigned Bits = condBits(R, C.Lhs, B.W);
  if (C.Rhs >= 0)
    Bits = std::max(Bits, condBits(R, C.Rhs, B.W));
  if (!Bits)
    Bits = B.W;
  bool Out;
  APInt A = evaluate(R, C.Lhs, Bits, B);
  if (C.K == Cond::Pow2) {
    Out = A.isPowerOf2();
  } else {
    APInt D = evaluate(R, C.Rhs, Bits, B);
    Out = ICmpInst::compare(A, D, llvmPred(C.P));
  }
  return Out != C.Negated;
}

namespace {

/// Replaces the root of \p R's match \p B with the rule's target. Returns
/// the new root.
Value *applyRule(const Rule &R, Instruction &Root, Binding &B) {
  IRBuilder<> Builder(&Root);
  LLVMContext &Ctx = Root.getContext();
  SmallVector<Value *, 8> Vals(B.Values.begin(), B.Values.end());
  Value *Last = nullptr;
  for (const Inst &T : R.Target) {
    Type *Ty = IntegerType::get(Ctx, T.Ty.bits(B.W));
    SmallVector<Value *, 3> Ops;
    for (size_t K = 0; K < T.Ops.size(); ++K) {
      const Operand &O = T.Ops[K];
      if (O.IsValue) {
        Ops.push_back(Vals[O.Index]);
        continue;
      }
      // A constant has the result's type, but an icmp's has its value
      // operand's (the parser gives every icmp one).
      Type *OpTy = Ty;
      if (T.Op == Opcode::ICmp)
        for (const Operand &Other : T.Ops)
          if (Other.IsValue)
            OpTy = Vals[Other.Index]->getType();
      unsigned Bits = OpTy->getIntegerBitWidth();
      Ops.push_back(ConstantInt::get(OpTy, evaluate(R, O.Index, Bits, B)));
    }
    std::string Name = R.Values[T.Def].Name;
    Value *V = nullptr;
    switch (T.Op) {
    case Opcode::ICmp:
      V = Builder.CreateICmp(llvmPred(T.P), Ops[0], Ops[1]);
      break;
    case Opcode::Select:
      V = Builder.CreateSelect(Ops[0], Ops[1], Ops[2]);
      break;
    case Opcode::ZExt:
      V = Builder.CreateZExt(Ops[0], Ty);
      break;
    case Opcode::SExt:
      V = Builder.CreateSExt(Ops[0], Ty);
      break;
    case Opcode::Trunc:
      V = Builder.CreateTrunc(Ops[0], Ty);
      break;
    case Opcode::Freeze:
      V = Builder.CreateFreeze(Ops[0]);
      break;
    case Opcode::SMin:
    case Opcode::SMax:
    case Opcode::UMin:
    case Opcode::UMax:
      V = Builder.CreateBinaryIntrinsic(minMaxIntrinsic(T.Op), Ops[0], Ops[1]);
      break;
    default: {
      V = Builder.CreateBinOp(binaryOpcode(T.Op), Ops[0], Ops[1]);
      if (auto *I = dyn_cast<Instruction>(V)) {
        if (T.Flags & NSW)
          I->setHasNoSignedWrap(true);
        if (T.Flags & NUW)
          I->setHasNoUnsignedWrap(true);
        if (T.Flags & Exact)
          I->setIsExact(true);
        if (T.Flags & Disjoint)
          cast<PossiblyDisjointInst>(I)->setIsDisjoint(true);
      }
      break;
    }
    }
    Vals[T.Def] = V;
    Last = V;
  }
  return Last;
}

int operandKind(const Value *V) {
  if (!V)
    return 0;
  if (isa<Instruction>(V))
    return 1;
  if (isa<Argument>(V))
    return 2;
  if (isa<ConstantInt>(V))
    return 3;
  return 4;
}

/// "f:%name", or "f:#N" for the function's Nth instruction when unnamed.
std::string siteName(const Function &F, const Instruction &I, unsigned N) {
  if (I.hasName())
    return (F.getName() + ":%" + I.getName()).str();
  return (F.getName() + ":#" + Twine(N)).str();
}

} // namespace

RewriteHook::RewriteHook(ModuleSessions &Sessions, RewriteCatalog C)
    : Sessions(Sessions), Catalog(std::move(C)) {
  for (const Rule &R : Catalog.rules())
    Matchers.push_back(std::make_unique<RewriteMatcher>(R));
}

RewriteHook::~RewriteHook() = default;

bool RewriteHook::run(Function &F) {
  if (F.isDeclaration() || F.hasOptNone())
    return false;
  Module &M = *F.getParent();
  Session &S = Sessions.sessionFor(M);
  if (!S.wants(DecisionKind::Rewrite, PassName, F.getName()))
    return false;
  bool WantFeatures = S.featuresFor(DecisionKind::Rewrite);
  // Loop depths only when features are sent, on analyses of our own: the
  // host's analysis caches stay as they were.
  std::optional<DominatorTree> DT;
  std::optional<LoopInfo> LI;

  // The instructions a rule may be rooted at, as they are now, with their
  // positions in the function: what a rule adds is not visited again in this
  // run, and what it deletes is skipped. Plain pointers and a set of the
  // deleted: a value handle on every instruction costs more than matching.
  std::vector<std::pair<Instruction *, unsigned>> Candidates;
  unsigned Position = 0;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB) {
      if (I.getType()->isIntegerTy())
        if (std::optional<Opcode> Op = opcodeOf(I))
          if (!Catalog.rootedAt(*Op).empty())
            Candidates.emplace_back(&I, Position);
      ++Position;
    }
  SmallPtrSet<Value *, 8> Deleted;
  auto NoteDeleted = [&Deleted](Value *V) { Deleted.insert(V); };

  bool Changed = false;
  std::vector<std::pair<unsigned, Binding>> Matches;
  for (auto [I, N] : Candidates) {
    if (Deleted.count(I))
      continue;
    Matches.clear();
    for (unsigned RuleIndex : Catalog.rootedAt(*opcodeOf(*I)))
      if (Matchers[RuleIndex]->mayMatch(*I))
        if (const Binding *B = Matchers[RuleIndex]->match(*I))
        Matches.emplace_back(RuleIndex, *B);
    if (Matches.empty())
      continue;
    std::string Name = siteName(F, *I, N);
    uint64_t SiteId = stableHash(Name, stableHash("rewrite"));
    if (!Memo.firstVisit(M, SiteId))
      continue;

    std::vector<OptionSpec> Legal;
    Legal.push_back({"none", {}});
    for (const auto &[RuleIndex, B] : Matches)
      Legal.push_back({Catalog.rules()[RuleIndex].Name, {}});

    std::vector<double> Features;
    if (WantFeatures) {
      if (!LI) {
        DT.emplace(F);
        LI.emplace(*DT);
      }
      Features = {static_cast<double>(I->getOpcode()),
                  static_cast<double>(I->getType()->getIntegerBitWidth()),
                  static_cast<double>(I->getNumOperands())};
      for (unsigned K = 0; K < 3; ++K)
        Features.push_back(
            operandKind(K < I->getNumOperands() ? I->getOperand(K) : nullptr));
      for (unsigned K = 0; K < 3; ++K) {
        const auto *C = K < I->getNumOperands()
                            ? dyn_cast<ConstantInt>(I->getOperand(K))
                            : nullptr;
        Features.push_back(C && C->getBitWidth() <= 64
                               ? static_cast<double>(C->getSExtValue())
                               : 0.0);
      }
      Features.push_back(I->getNumUses());
      Features.push_back(LI->getLoopDepth(I->getParent()));
      Features.push_back(Matches.size());
      for (unsigned K = 0; K < MatchSlots; ++K)
        Features.push_back(K < Matches.size() ? Matches[K].first + 1 : 0);
      assert(Features.size() == featureNames().size() &&
             "one value per feature name");
    }

    DecisionRequest R;
    R.Kind = DecisionKind::Rewrite;
    R.Context.Module = M.getModuleIdentifier();
    R.Context.Function = F.getName();
    R.Context.Pass = PassName;
    R.Context.PassArg = "switchyard-rewrite";
    R.Context.Unit = fb::UnitKind::Instruction;
    R.Context.UnitName = Name;
    R.Context.SiteId = SiteId;
    R.FeatureNames = featureNames();
    if (!Features.empty())
      R.FeatureValues = Features;
    R.Legal = Legal;

    Advice A = S.decide(R, &F);
    uint32_t Chosen = A.choice().Option;
    if (Chosen == 0) {
      A.recordApplied([&] { return "at '" + Name + "'"; });
      continue;
    }
    auto &[RuleIndex, B] = Matches[Chosen - 1];
    const Rule &Rl = Catalog.rules()[RuleIndex];
    Value *New = applyRule(Rl, *I, B);
    // The builder folds a target whose operands are all constants.
    if (isa<Instruction>(New))
      New->takeName(I);
    I->replaceAllUsesWith(New);
    RecursivelyDeleteTriviallyDeadInstructions(I, nullptr, nullptr,
                                               NoteDeleted);
    Changed = true;
    A.recordApplied([&] {
      return "at '" + Name + "' (" + Rl.File + ":" + std::to_string(Rl.Line) +
             ")";
    });
  }
  return Changed;
}

PreservedAnalyses RewritePass::run(Function &F, FunctionAnalysisManager &) {
  if (!Hook.run(F))
    return PreservedAnalyses::all();
  PreservedAnalyses PA;
  PA.preserveSet<CFGAnalyses>();
  return PA;
}

} // namespace switchyard
