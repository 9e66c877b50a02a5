//===- Prover.cpp - Proves rewrite rules correct with Z3 -------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The semantics are LLVM's (LangRef), as Alive2 encodes them: each value is
// a bit vector and a poison bit, and each instruction adds its conditions
// for undefined behavior (division by zero, signed division overflow) and
// for poison (nsw, nuw, exact, disjoint, shift amounts past the width).
//
//===----------------------------------------------------------------------===//

#include "Prover.h"

#include <z3++.h>

#include <chrono>
#include <map>
#include <optional>

namespace switchyard::rewrite {

namespace {

struct Val {
  z3::expr V;
  z3::expr Poison;
};

/// Encodes one rule at one width.
class Encoder {
public:
  Encoder(z3::context &C, const Rule &R, unsigned W)
      : C(C), R(R), W(W), SourceUB(C.bool_val(false)),
        TargetUB(C.bool_val(false)), SourceFresh(C) {
    countUses();
    for (const ConstSym &K : R.Constants)
      Consts.push_back(C.bv_const(K.Name.c_str(), K.Ty.bits(W)));
    for (size_t I = 0; I < R.Values.size(); ++I) {
      const Var &V = R.Values[I];
      Slots.emplace_back();
      if (V.R != Var::Input)
        continue;
      Input In{C.bv_const(("%" + V.Name).c_str(), V.Ty.bits(W)),
               C.bool_const(("%" + V.Name + ".poison").c_str()),
               C.bool_val(false)};
      if (needsUndef(I))
        In.Undef = C.bool_const(("%" + V.Name + ".undef").c_str());
      Inputs.emplace(I, In);
    }
  }

  /// Cases that cover the precondition, each with concrete constants where
  /// it can: Z3 proves a rule with a symbolic divisor, factor or shift
  /// amount far more slowly than a few dozen rules with concrete ones. The
  /// first pow2(E) splits on E's exponent (E == 1 << k for each k below its
  /// width); else the first C u< w splits on C's value. Without either, one
  /// case: true.
  std::vector<z3::expr> cases() {
    std::vector<z3::expr> Out;
    for (const Cond &K : R.Pre)
      if (K.K == Cond::Pow2 && !K.Negated) {
        unsigned Bits = condBits(K.Lhs);
        if (Bits == 0)
          Bits = W;
        z3::expr Arg = expr(K.Lhs, Bits);
        for (unsigned E = 0; E < Bits; ++E)
          Out.push_back(Arg == z3::shl(C.bv_val(1, Bits),
                                       C.bv_val(static_cast<uint64_t>(E),
                                                Bits)));
        return Out;
      }
    for (const Cond &K : R.Pre)
      if (K.K == Cond::Compare && !K.Negated && K.P == Pred::ULT &&
          R.Exprs[K.Lhs].K == Expr::Symbol && R.Exprs[K.Rhs].K == Expr::Width) {
        z3::expr Sym = Consts[R.Exprs[K.Lhs].Sym];
        unsigned Bits = bitsOf(Sym);
        for (unsigned V = 0; V < W; ++V)
          Out.push_back(Sym == C.bv_val(static_cast<uint64_t>(V), Bits));
        return Out;
      }
    Out.push_back(C.bool_val(true));
    return Out;
  }

  /// The query whose models are counterexamples.
  z3::expr violation() {
    z3::expr Pre = C.bool_val(true);
    for (const Cond &K : R.Pre)
      Pre = Pre && cond(K);
    Val Src = run(R.Source, true);
    Val Tgt = run(R.Target, false);
    SrcRoot = Src;
    TgtRoot = Tgt;
    z3::expr Bad = !SourceUB &&
                   (TargetUB || (!Src.Poison &&
                                 (Tgt.Poison || Tgt.V != Src.V)));
    if (SourceFresh.size() > 0)
      Bad = z3::forall(SourceFresh, Bad);
    return Pre && Bad;
  }

  bool quantified() const { return SourceFresh.size() > 0; }

  std::vector<std::string> counterexample(const z3::model &M) {
    std::vector<std::string> Out;
    auto Show = [&](const z3::expr &E) {
      z3::expr V = M.eval(E, true);
      std::string S = V.to_string();
      uint64_t U;
      if (V.is_numeral_u64(U)) {
        unsigned Bits = E.get_sort().bv_size();
        int64_t Signed = Bits < 64 && (U >> (Bits - 1)) & 1
                             ? static_cast<int64_t>(U - (1ULL << Bits))
                             : static_cast<int64_t>(U);
        S = std::to_string(U);
        if (Signed < 0)
          S += " (" + std::to_string(Signed) + ")";
      }
      return S;
    };
    auto IsTrue = [&](const z3::expr &E) { return M.eval(E, true).is_true(); };
    for (const auto &[I, In] : Inputs) {
      std::string S = "%" + R.Values[I].Name + " = ";
      if (IsTrue(In.Poison))
        S += "poison";
      else if (IsTrue(In.Undef))
        S += "undef";
      else
        S += Show(In.V);
      Out.push_back(S);
    }
    for (size_t K = 0; K < Consts.size(); ++K)
      Out.push_back(R.Constants[K].Name + " = " + Show(Consts[K]));
    auto State = [&](const Val &V, const z3::expr &UB) {
      if (IsTrue(UB))
        return std::string("undefined behavior");
      if (IsTrue(V.Poison))
        return std::string("poison");
      return Show(V.V);
    };
    bool Quantified = SourceFresh.size() > 0;
    Out.push_back(std::string("source = ") +
                  (Quantified ? "(no choice of its undef inputs gives the "
                                "target's value)"
                              : State(*SrcRoot, SourceUB)));
    Out.push_back("target = " + State(*TgtRoot, TargetUB));
    return Out;
  }

private:
  struct Input {
    z3::expr V;
    z3::expr Poison;
    z3::expr Undef;
  };

  void countUses() {
    SourceUses.assign(R.Values.size(), 0);
    TargetUses.assign(R.Values.size(), 0);
    for (const Inst &I : R.Source)
      for (const Operand &O : I.Ops)
        if (O.IsValue)
          ++SourceUses[O.Index];
    for (const Inst &I : R.Target)
      for (const Operand &O : I.Ops)
        if (O.IsValue)
          ++TargetUses[O.Index];
  }

  /// An undef input may take another value at each use. Where the target
  /// uses it at most once, the source's choice of the same value at each of
  /// its uses is one of its behaviors, so a plain value covers undef (a
  /// sound restriction of the source). Where the target uses it twice, its
  /// uses are modeled one by one, and the source's are quantified over.
  bool needsUndef(size_t I) const { return TargetUses[I] > 1; }

  unsigned bitsOf(const z3::expr &E) const { return E.get_sort().bv_size(); }

  z3::expr resize(const z3::expr &E, unsigned Bits) {
    unsigned Have = bitsOf(E);
    if (Have == Bits)
      return E;
    if (Have < Bits)
      return z3::zext(E, Bits - Have);
    return E.extract(Bits - 1, 0);
  }

  z3::expr expr(int Index, unsigned Bits) {
    const Expr &E = R.Exprs[Index];
    switch (E.K) {
    case Expr::Literal:
      return C.bv_val(static_cast<int64_t>(E.Value), Bits);
    case Expr::Symbol:
      return resize(Consts[E.Sym], Bits);
    case Expr::Width:
      return C.bv_val(static_cast<int64_t>(W), Bits);
    case Expr::Neg:
      return -expr(E.Lhs, Bits);
    case Expr::Not:
      return ~expr(E.Lhs, Bits);
    case Expr::Log2: {
      z3::expr A = expr(E.Lhs, Bits);
      z3::expr Out = C.bv_val(0, Bits);
      for (unsigned B = 0; B < Bits; ++B)
        Out = z3::ite(A.extract(B, B) == C.bv_val(1, 1),
                      C.bv_val(static_cast<uint64_t>(B), Bits), Out);
      return Out;
    }
    case Expr::Binary: {
      z3::expr A = expr(E.Lhs, Bits), B = expr(E.Rhs, Bits);
      switch (E.BinOp) {
      case '+': return A + B;
      case '-': return A - B;
      case '*': return A * B;
      case '/': return z3::udiv(A, B);
      case '&': return A & B;
      case '|': return A | B;
      case '^': return A ^ B;
      case '<': return z3::shl(A, B);
      case '>': return z3::lshr(A, B);
      }
    }
    }
    return C.bv_val(0, Bits);
  }

  /// The width a precondition is evaluated at: its widest constant's, or w.
  unsigned condBits(int Index) {
    const Expr &E = R.Exprs[Index];
    unsigned B = 0;
    if (E.K == Expr::Symbol)
      B = R.Constants[E.Sym].Ty.bits(W);
    if (E.Lhs >= 0)
      B = std::max(B, condBits(E.Lhs));
    if (E.Rhs >= 0)
      B = std::max(B, condBits(E.Rhs));
    return B;
  }

  z3::expr compare(Pred P, const z3::expr &A, const z3::expr &B) {
    switch (P) {
    case Pred::EQ: return A == B;
    case Pred::NE: return A != B;
    case Pred::UGT: return z3::ugt(A, B);
    case Pred::UGE: return z3::uge(A, B);
    case Pred::ULT: return z3::ult(A, B);
    case Pred::ULE: return z3::ule(A, B);
    case Pred::SGT: return A > B;
    case Pred::SGE: return A >= B;
    case Pred::SLT: return A < B;
    case Pred::SLE: return A <= B;
    }
    return A == B;
  }

  z3::expr cond(const Cond &K) {
    unsigned Bits = condBits(K.Lhs);
    if (K.Rhs >= 0)
      Bits = std::max(Bits, condBits(K.Rhs));
    if (Bits == 0)
      Bits = W;
    z3::expr Out = C.bool_val(true);
    if (K.K == Cond::Pow2) {
      z3::expr A = expr(K.Lhs, Bits);
      Out = A != C.bv_val(0, Bits) && (A & (A - C.bv_val(1, Bits))) ==
                                          C.bv_val(0, Bits);
    } else {
      Out = compare(K.P, expr(K.Lhs, Bits), expr(K.Rhs, Bits));
    }
    return K.Negated ? !Out : Out;
  }

  z3::expr fresh(const std::string &Name, unsigned Bits) {
    return C.bv_const((Name + "." + std::to_string(FreshCount++)).c_str(),
                      Bits);
  }

  Val operand(const Operand &O, unsigned Bits, bool InSource) {
    if (!O.IsValue)
      return {expr(O.Index, Bits), C.bool_val(false)};
    auto It = Inputs.find(O.Index);
    if (It == Inputs.end())
      return *Slots[O.Index];
    const Input &In = It->second;
    if (!needsUndef(O.Index))
      return {In.V, In.Poison};
    // Each use of an undef input is a value of its own: the target's are
    // the adversary's (free), the source's are quantified over.
    z3::expr F = fresh("%" + R.Values[O.Index].Name + ".use", Bits);
    if (InSource)
      SourceFresh.push_back(F);
    return {z3::ite(In.Undef, F, In.V), In.Poison};
  }

  Val run(const std::vector<Inst> &Insts, bool InSource) {
    Val Last{C.bv_val(0, 1), C.bool_val(false)};
    for (const Inst &I : Insts) {
      Last = step(I, InSource);
      Slots[I.Def] = Last;
    }
    return Last;
  }

  Val step(const Inst &I, bool InSource) {
    z3::expr &UB = InSource ? SourceUB : TargetUB;
    unsigned Bits = I.Ty.bits(W);
    // The operands' width: the result's, but for icmp, select's condition
    // and casts.
    auto OpBits = [&](size_t K) {
      if (I.Op == Opcode::Select)
        return K == 0 ? 1u : Bits;
      if (I.Op == Opcode::ICmp || I.Op == Opcode::ZExt ||
          I.Op == Opcode::SExt || I.Op == Opcode::Trunc) {
        // The width is that of a value operand.
        for (const Operand &O : I.Ops)
          if (O.IsValue)
            return R.Values[O.Index].Ty.bits(W);
      }
      return Bits;
    };
    std::vector<Val> Ops;
    for (size_t K = 0; K < I.Ops.size(); ++K)
      Ops.push_back(operand(I.Ops[K], OpBits(K), InSource));
    z3::expr P = C.bool_val(false);
    for (const Val &O : Ops)
      P = P || O.Poison;
    z3::expr Zero = C.bv_val(0, Bits);
    auto Flag = [&](unsigned F) { return (I.Flags & F) != 0; };
    switch (I.Op) {
    case Opcode::Add: {
      z3::expr A = Ops[0].V, B = Ops[1].V;
      if (Flag(NSW))
        P = P || !z3::bvadd_no_overflow(A, B, true) ||
            !bvaddNoUnderflow(A, B);
      if (Flag(NUW))
        P = P || !z3::bvadd_no_overflow(A, B, false);
      return {A + B, P};
    }
    case Opcode::Sub: {
      z3::expr A = Ops[0].V, B = Ops[1].V;
      if (Flag(NSW))
        P = P || !z3::bvsub_no_overflow(A, B) ||
            !z3::bvsub_no_underflow(A, B, true);
      if (Flag(NUW))
        P = P || z3::ult(A, B);
      return {A - B, P};
    }
    case Opcode::Mul: {
      z3::expr A = Ops[0].V, B = Ops[1].V;
      if (Flag(NSW)) {
        z3::expr Wide = z3::sext(A, Bits) * z3::sext(B, Bits);
        P = P || Wide != z3::sext(A * B, Bits);
      }
      if (Flag(NUW)) {
        z3::expr Wide = z3::zext(A, Bits) * z3::zext(B, Bits);
        P = P || Wide != z3::zext(A * B, Bits);
      }
      return {A * B, P};
    }
    case Opcode::UDiv:
    case Opcode::URem: {
      z3::expr A = Ops[0].V, B = Ops[1].V;
      UB = UB || Ops[1].Poison || B == Zero;
      z3::expr Q = z3::udiv(A, B);
      if (I.Op == Opcode::UDiv && Flag(Exact))
        Ops[0].Poison = Ops[0].Poison || z3::urem(A, B) != Zero;
      return {I.Op == Opcode::UDiv ? Q : z3::urem(A, B),
              Ops[0].Poison};
    }
    case Opcode::SDiv:
    case Opcode::SRem: {
      z3::expr A = Ops[0].V, B = Ops[1].V;
      z3::expr Min = C.bv_val(1, Bits);
      Min = z3::shl(Min, C.bv_val(static_cast<uint64_t>(Bits - 1), Bits));
      z3::expr MinusOne = C.bv_val(static_cast<int64_t>(-1), Bits);
      // A poison dividend may be INT_MIN: the target must not risk it, and
      // the source gets no credit for it.
      z3::expr Overflow =
          InSource ? (!Ops[0].Poison && A == Min && B == MinusOne)
                   : ((Ops[0].Poison || A == Min) && B == MinusOne);
      UB = UB || Ops[1].Poison || B == Zero || Overflow;
      z3::expr Poison = Ops[0].Poison;
      if (I.Op == Opcode::SDiv && Flag(Exact))
        Poison = Poison || z3::srem(A, B) != Zero;
      return {I.Op == Opcode::SDiv ? A / B : z3::srem(A, B), Poison};
    }
    case Opcode::Shl:
    case Opcode::LShr:
    case Opcode::AShr: {
      z3::expr A = Ops[0].V, B = Ops[1].V;
      P = P || z3::uge(B, C.bv_val(static_cast<uint64_t>(Bits), Bits));
      z3::expr Out = I.Op == Opcode::Shl    ? z3::shl(A, B)
                     : I.Op == Opcode::LShr ? z3::lshr(A, B)
                                            : z3::ashr(A, B);
      if (I.Op == Opcode::Shl) {
        if (Flag(NSW))
          P = P || z3::ashr(Out, B) != A;
        if (Flag(NUW))
          P = P || z3::lshr(Out, B) != A;
      } else if (Flag(Exact)) {
        P = P || z3::shl(Out, B) != A;
      }
      return {Out, P};
    }
    case Opcode::And:
      return {Ops[0].V & Ops[1].V, P};
    case Opcode::Or:
      if (Flag(Disjoint))
        P = P || (Ops[0].V & Ops[1].V) != Zero;
      return {Ops[0].V | Ops[1].V, P};
    case Opcode::Xor:
      return {Ops[0].V ^ Ops[1].V, P};
    case Opcode::ICmp:
      return {z3::ite(compare(I.P, Ops[0].V, Ops[1].V), C.bv_val(1, 1),
                      C.bv_val(0, 1)),
              P};
    case Opcode::Select: {
      z3::expr Cnd = Ops[0].V == C.bv_val(1, 1);
      return {z3::ite(Cnd, Ops[1].V, Ops[2].V),
              Ops[0].Poison || z3::ite(Cnd, Ops[1].Poison, Ops[2].Poison)};
    }
    case Opcode::ZExt:
      return {z3::zext(Ops[0].V, Bits - bitsOf(Ops[0].V)), P};
    case Opcode::SExt:
      return {z3::sext(Ops[0].V, Bits - bitsOf(Ops[0].V)), P};
    case Opcode::Trunc:
      return {Ops[0].V.extract(Bits - 1, 0), P};
    case Opcode::Freeze: {
      z3::expr F = fresh("freeze", Bits);
      if (InSource)
        SourceFresh.push_back(F);
      return {z3::ite(Ops[0].Poison, F, Ops[0].V), C.bool_val(false)};
    }
    case Opcode::SMin:
      return {z3::ite(Ops[0].V < Ops[1].V, Ops[0].V, Ops[1].V), P};
    case Opcode::SMax:
      return {z3::ite(Ops[0].V > Ops[1].V, Ops[0].V, Ops[1].V), P};
    case Opcode::UMin:
      return {z3::ite(z3::ult(Ops[0].V, Ops[1].V), Ops[0].V, Ops[1].V), P};
    case Opcode::UMax:
      return {z3::ite(z3::ugt(Ops[0].V, Ops[1].V), Ops[0].V, Ops[1].V), P};
    }
    return {Zero, P};
  }

  z3::expr bvaddNoUnderflow(const z3::expr &A, const z3::expr &B) {
    return z3::expr(C, Z3_mk_bvadd_no_underflow(C, A, B));
  }

  z3::context &C;
  const Rule &R;
  unsigned W;
  z3::expr SourceUB, TargetUB;
  z3::expr_vector SourceFresh;
  std::vector<z3::expr> Consts;
  std::map<size_t, Input> Inputs;
  std::vector<std::optional<Val>> Slots;
  std::vector<unsigned> SourceUses, TargetUses;
  std::optional<Val> SrcRoot, TgtRoot;
  unsigned FreshCount = 0;
};

} // namespace

ProofResult proveRule(const Rule &R, unsigned TimeoutMs) {
  auto Start = std::chrono::steady_clock::now();
  ProofResult Res;
  for (unsigned W = 1; W <= 64; ++W) {
    if (!R.holdsAt(W))
      continue;
    z3::context C;
    Encoder E(C, R, W);
    z3::expr Query = E.violation();
    bool Quantified = E.quantified();
    std::vector<z3::expr> Cases = E.cases();
    bool Done = false;
    for (const z3::expr &Case : Cases) {
      z3::solver S = Quantified ? z3::solver(C)
                                : (z3::tactic(C, "simplify") &
                                   z3::tactic(C, "solve-eqs") &
                                   z3::tactic(C, "simplify") &
                                   z3::tactic(C, "bit-blast") &
                                   z3::tactic(C, "sat"))
                                      .mk_solver();
      z3::params P(C);
      P.set("timeout", TimeoutMs);
      S.set(P);
      S.add(Query && Case);
      z3::check_result Got = S.check();
      if (Got == z3::unsat)
        continue;
      Res.Width = W;
      if (Got == z3::sat) {
        Res.V = ProofResult::Failed;
        Res.Counterexample = E.counterexample(S.get_model());
      } else {
        Res.V = ProofResult::Unknown;
        Res.Reason = S.reason_unknown();
      }
      Done = true;
      break;
    }
    if (Done)
      break;
  }
  Res.Seconds = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - Start)
                    .count();
  return Res;
}

std::string solverVersion() {
  unsigned Major, Minor, Build, Rev;
  Z3_get_version(&Major, &Minor, &Build, &Rev);
  return "Z3 " + std::to_string(Major) + "." + std::to_string(Minor) + "." +
         std::to_string(Build);
}

} // namespace switchyard::rewrite
