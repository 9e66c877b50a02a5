//===- Rule.h - Rewrite rules as data: the language and its parser --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The rewrite kind's rules (docs/rewrite.md), in the spirit of Alive's:
//
//   name: mul-pow2-shl
//   pre: pow2(C)
//   %r = mul %x, C
//   =>
//   %r = shl %x, log2(C)
//
// A rule is parsed into plain data with no compiler and no solver in it: the
// prover (switchyard-prove) gives it to Z3, the LLVM adapter matches and
// builds it with LLVM's own IR classes, and both read the same structures.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_REWRITE_RULE_H
#define SWITCHYARD_REWRITE_RULE_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::rewrite {

/// An integer type relative to the rule's width w: i1, w, 2w or 3w.
struct TypeRef {
  /// 0 for i1, else the multiple of w.
  unsigned Mult = 1;
  unsigned bits(unsigned W) const { return Mult ? Mult * W : 1; }
  bool operator==(const TypeRef &O) const { return Mult == O.Mult; }
  bool operator!=(const TypeRef &O) const { return Mult != O.Mult; }
  std::string str() const;
};

enum class Opcode {
  Add, Sub, Mul, UDiv, SDiv, URem, SRem, Shl, LShr, AShr, And, Or, Xor,
  ICmp, Select, ZExt, SExt, Trunc, Freeze, SMin, SMax, UMin, UMax
};

/// Poison-generating flags, as bits.
enum Flag : unsigned { NSW = 1, NUW = 2, Exact = 4, Disjoint = 8 };

enum class Pred { EQ, NE, UGT, UGE, ULT, ULE, SGT, SGE, SLT, SLE };

/// A constant expression: over the source's constants (C, C1, ...), integer
/// literals and the width w. Evaluated at the bit width of its use, modulo
/// 2^width; a constant of another width is zero-extended or truncated to it.
/// log2(0) is 0, x / 0 is all ones and a shift by the width or more is 0, as
/// in SMT-LIB, so that the prover and the compiler agree on every value.
struct Expr {
  enum Kind { Literal, Symbol, Width, Neg, Not, Log2, Binary };
  Kind K = Literal;
  int64_t Value = 0;  ///< Literal.
  unsigned Sym = 0;   ///< Symbol: index into Rule::Constants.
  char BinOp = 0;     ///< Binary: + - * / & | ^ < (shl) > (lshr).
  int Lhs = -1, Rhs = -1; ///< Operands: indices into Rule::Exprs.
};

/// A precondition: a test of constant expressions.
struct Cond {
  enum Kind { Pow2, Compare };
  Kind K = Pow2;
  bool Negated = false;
  Pred P = Pred::EQ; ///< Compare.
  int Lhs = -1, Rhs = -1;
};

/// An instruction's operand: a value of the rule, or a constant expression.
struct Operand {
  bool IsValue = true;
  unsigned Index = 0; ///< Into Rule::Values or Rule::Exprs.
};

struct Inst {
  Opcode Op = Opcode::Add;
  unsigned Flags = 0;
  Pred P = Pred::EQ; ///< ICmp.
  std::vector<Operand> Ops;
  TypeRef Ty;        ///< The result's type.
  unsigned Def = 0;  ///< The value it defines: index into Rule::Values.
  unsigned Line = 0;
};

struct Var {
  enum Role { Input, Source, Target };
  std::string Name; ///< Without the '%'.
  TypeRef Ty;
  Role R = Input;
};

struct ConstSym {
  std::string Name; ///< C, C1, ...
  TypeRef Ty;
};

/// One rule, parsed and checked.
struct Rule {
  std::string Name;
  std::string File;
  unsigned Line = 0;
  /// Bit i set: the rule holds for w = i + 1 (1 <= w <= 64).
  uint64_t Widths = ~0ULL;
  std::vector<Var> Values;
  std::vector<ConstSym> Constants;
  std::vector<Expr> Exprs;
  std::vector<Cond> Pre;
  /// The source pattern, root last, operands before their users.
  std::vector<Inst> Source;
  /// What replaces the root; its last instruction defines the root's name.
  std::vector<Inst> Target;
  /// The rule's text, normalized (comments, blank lines and extra blanks
  /// dropped): its identity for the proof record.
  std::string Text;
  uint64_t Hash = 0;

  bool holdsAt(unsigned W) const {
    return W >= 1 && W <= 64 && (Widths >> (W - 1)) & 1;
  }
  const Inst &root() const { return Source.back(); }
  /// "1-64", "8,16,32", "2-64".
  std::string widthsText() const;
};

/// A parse error: where, and what.
struct RuleError {
  std::string File;
  unsigned Line = 0;
  std::string Message;
  std::string str() const;
};

/// Parses \p Text (the contents of \p File). Returns false and fills \p Err
/// on the first malformed rule.
bool parseRules(std::string_view Text, const std::string &File,
                std::vector<Rule> &Out, RuleError &Err);

/// Reads and parses \p Path.
bool parseRuleFile(const std::string &Path, std::vector<Rule> &Out,
                   RuleError &Err);

/// The proof record of \p RuleFile: \p RuleFile + ".proof".
std::string proofPath(const std::string &RuleFile);

/// The hashes a proof record holds; false if it cannot be read.
bool readProofRecord(const std::string &Path, std::vector<uint64_t> &Hashes,
                     std::string &Err);

const char *opcodeName(Opcode Op);
const char *predName(Pred P);
/// Whether a and b may be swapped: add, mul, and, or, xor, min/max, and
/// icmp eq/ne.
bool isCommutative(const Inst &I);

} // namespace switchyard::rewrite

#endif // SWITCHYARD_REWRITE_RULE_H
