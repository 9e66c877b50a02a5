//===- Rule.cpp - Rewrite rules as data: the language and its parser ------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "switchyard/rewrite/Rule.h"

#include "Hash.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace switchyard::rewrite {

std::string TypeRef::str() const {
  if (Mult == 0)
    return "i1";
  return Mult == 1 ? "w" : std::to_string(Mult) + "w";
}

std::string RuleError::str() const {
  return File + ":" + std::to_string(Line) + ": " + Message;
}

std::string proofPath(const std::string &RuleFile) {
  return RuleFile + ".proof";
}

const char *opcodeName(Opcode Op) {
  static const char *Names[] = {
      "add", "sub",  "mul",  "udiv",  "sdiv",   "urem", "srem", "shl",
      "lshr", "ashr", "and",  "or",    "xor",    "icmp", "select", "zext",
      "sext", "trunc", "freeze", "smin", "smax", "umin", "umax"};
  return Names[static_cast<unsigned>(Op)];
}

const char *predName(Pred P) {
  static const char *Names[] = {"eq",  "ne",  "ugt", "uge", "ult",
                                "ule", "sgt", "sge", "slt", "sle"};
  return Names[static_cast<unsigned>(P)];
}

bool isCommutative(const Inst &I) {
  switch (I.Op) {
  case Opcode::Add:
  case Opcode::Mul:
  case Opcode::And:
  case Opcode::Or:
  case Opcode::Xor:
  case Opcode::SMin:
  case Opcode::SMax:
  case Opcode::UMin:
  case Opcode::UMax:
    return true;
  case Opcode::ICmp:
    return I.P == Pred::EQ || I.P == Pred::NE;
  default:
    return false;
  }
}

std::string Rule::widthsText() const {
  std::string Out;
  for (unsigned W = 1; W <= 64; ++W) {
    if (!holdsAt(W))
      continue;
    unsigned End = W;
    while (End < 64 && holdsAt(End + 1))
      ++End;
    Out += (Out.empty() ? "" : ",") + std::to_string(W);
    if (End > W)
      Out += "-" + std::to_string(End);
    W = End;
  }
  return Out;
}

namespace {

std::string_view trim(std::string_view S) {
  while (!S.empty() && std::isspace(static_cast<unsigned char>(S.front())))
    S.remove_prefix(1);
  while (!S.empty() && std::isspace(static_cast<unsigned char>(S.back())))
    S.remove_suffix(1);
  return S;
}

/// A line without its comment, its blanks collapsed.
std::string normalize(std::string_view Line) {
  if (size_t C = Line.find_first_of(";#"); C != std::string_view::npos)
    Line = Line.substr(0, C);
  std::string Out;
  bool Blank = false;
  for (char Ch : trim(Line)) {
    if (std::isspace(static_cast<unsigned char>(Ch))) {
      Blank = true;
      continue;
    }
    if (Blank)
      Out += ' ';
    Blank = false;
    Out += Ch;
  }
  return Out;
}

/// Splits at commas outside parentheses.
std::vector<std::string> splitOperands(std::string_view S) {
  std::vector<std::string> Out;
  int Depth = 0;
  size_t Start = 0;
  for (size_t I = 0; I <= S.size(); ++I) {
    if (I == S.size() || (S[I] == ',' && Depth == 0)) {
      Out.emplace_back(trim(S.substr(Start, I - Start)));
      Start = I + 1;
    } else if (S[I] == '(') {
      ++Depth;
    } else if (S[I] == ')') {
      --Depth;
    }
  }
  return Out;
}

std::vector<std::string> words(std::string_view S) {
  std::vector<std::string> Out;
  std::istringstream In{std::string(S)};
  std::string W;
  while (In >> W)
    Out.push_back(W);
  return Out;
}

std::optional<TypeRef> parseType(std::string_view S) {
  if (S == "i1")
    return TypeRef{0};
  if (S == "w")
    return TypeRef{1};
  if (S == "2w")
    return TypeRef{2};
  if (S == "3w")
    return TypeRef{3};
  return std::nullopt;
}

std::optional<Pred> parsePred(std::string_view S) {
  for (unsigned P = 0; P <= static_cast<unsigned>(Pred::SLE); ++P)
    if (S == predName(static_cast<Pred>(P)))
      return static_cast<Pred>(P);
  return std::nullopt;
}

std::optional<Opcode> parseOpcode(std::string_view S) {
  for (unsigned O = 0; O <= static_cast<unsigned>(Opcode::UMax); ++O)
    if (S == opcodeName(static_cast<Opcode>(O)))
      return static_cast<Opcode>(O);
  return std::nullopt;
}

bool isSymbolName(std::string_view S) {
  if (S.empty() || S[0] != 'C')
    return false;
  for (char Ch : S.substr(1))
    if (!std::isdigit(static_cast<unsigned char>(Ch)))
      return false;
  return true;
}

/// Builds one rule from its lines; reports the first problem.
class RuleBuilder {
public:
  RuleBuilder(Rule &R, RuleError &Err) : R(R), Err(Err) {}

  bool fail(unsigned Line, std::string Msg) {
    Err.File = R.File;
    Err.Line = Line;
    Err.Message = "rule '" + R.Name + "': " + std::move(Msg);
    return false;
  }

  bool parseWidths(std::string_view S, unsigned Line) {
    R.Widths = 0;
    for (const std::string &Part : splitOperands(S)) {
      unsigned Lo = 0, Hi = 0;
      char Extra;
      if (std::sscanf(Part.c_str(), "%u-%u%c", &Lo, &Hi, &Extra) == 2) {
      } else if (std::sscanf(Part.c_str(), "%u%c", &Lo, &Extra) == 1) {
        Hi = Lo;
      } else {
        return fail(Line, "bad widths '" + Part +
                              "' (expected N or A-B, comma-separated)");
      }
      if (Lo < 1 || Hi > 64 || Lo > Hi)
        return fail(Line, "widths must be within 1-64, got '" + Part + "'");
      for (unsigned W = Lo; W <= Hi; ++W)
        R.Widths |= 1ULL << (W - 1);
    }
    if (!R.Widths)
      return fail(Line, "no widths");
    return true;
  }

  // Constant expressions: precedence climbing over | ^ & (<< >>) (+ -) (* /).
  int parseExpr(std::string_view S, unsigned Line, bool InSource) {
    Text = S;
    Pos = 0;
    ExprLine = Line;
    Source = InSource;
    int E = parseBinary(0);
    if (E < 0)
      return -1;
    skipBlanks();
    if (Pos != Text.size()) {
      fail(Line, "unexpected '" + std::string(Text.substr(Pos)) +
                     "' in constant expression '" + std::string(S) + "'");
      return -1;
    }
    return E;
  }

  bool parsePre(std::string_view S, unsigned Line) {
    size_t Start = 0;
    while (Start <= S.size()) {
      size_t And = S.find("&&", Start);
      std::string_view Part =
          trim(S.substr(Start, And == std::string_view::npos
                                   ? std::string_view::npos
                                   : And - Start));
      if (!parseCond(Part, Line))
        return false;
      if (And == std::string_view::npos)
        break;
      Start = And + 2;
    }
    return true;
  }

  bool parseInst(std::string_view Line, unsigned LineNo, bool InSource) {
    size_t Eq = Line.find('=');
    if (Line.empty() || Line[0] != '%' || Eq == std::string_view::npos)
      return fail(LineNo, "expected '%name = instruction', got '" +
                              std::string(Line) + "'");
    std::string Name(trim(Line.substr(1, Eq - 1)));
    if (Name.empty() || Name.find_first_of(": \t") != std::string::npos)
      return fail(LineNo, "bad value name '%" + Name + "'");
    std::string_view Rest = trim(Line.substr(Eq + 1));
    size_t Sp = Rest.find_first_of(" \t");
    std::string OpName(Rest.substr(0, Sp));
    Rest = Sp == std::string_view::npos ? "" : trim(Rest.substr(Sp));
    std::optional<Opcode> Op = parseOpcode(OpName);
    if (!Op)
      return fail(LineNo, "unknown instruction '" + OpName + "'");
    Inst I;
    I.Op = *Op;
    I.Line = LineNo;
    // Flags and the predicate come before the operands.
    for (;;) {
      size_t Sp2 = Rest.find_first_of(" \t");
      std::string_view W = Rest.substr(0, Sp2);
      unsigned F = W == "nsw" ? NSW : W == "nuw" ? NUW
                   : W == "exact"   ? Exact
                   : W == "disjoint" ? Disjoint
                                     : 0;
      if (!F)
        break;
      I.Flags |= F;
      Rest = Sp2 == std::string_view::npos ? "" : trim(Rest.substr(Sp2));
    }
    if (I.Op == Opcode::ICmp) {
      size_t Sp2 = Rest.find_first_of(" \t");
      std::optional<Pred> P = parsePred(Rest.substr(0, Sp2));
      if (!P)
        return fail(LineNo, "icmp needs a predicate (eq, ne, ugt, uge, ult, "
                            "ule, sgt, sge, slt, sle)");
      I.P = *P;
      Rest = Sp2 == std::string_view::npos ? "" : trim(Rest.substr(Sp2));
    }
    std::optional<TypeRef> CastTo;
    bool IsCast = I.Op == Opcode::ZExt || I.Op == Opcode::SExt ||
                  I.Op == Opcode::Trunc;
    if (IsCast) {
      size_t To = Rest.rfind(" to ");
      if (To == std::string_view::npos)
        return fail(LineNo, std::string(opcodeName(I.Op)) +
                                " needs 'to TYPE' (i1, w, 2w or 3w)");
      CastTo = parseType(trim(Rest.substr(To + 4)));
      if (!CastTo)
        return fail(LineNo, "unknown type '" +
                                std::string(trim(Rest.substr(To + 4))) +
                                "' (expected i1, w, 2w or 3w)");
      Rest = trim(Rest.substr(0, To));
    }
    std::vector<std::string> Ops = splitOperands(Rest);
    unsigned Want = I.Op == Opcode::Select ? 3
                    : (IsCast || I.Op == Opcode::Freeze) ? 1
                                                          : 2;
    if (Ops.size() != Want || (Ops.size() == 1 && Ops[0].empty()))
      return fail(LineNo, std::string(opcodeName(I.Op)) + " takes " +
                              std::to_string(Want) + " operand" +
                              (Want == 1 ? "" : "s") + ", got '" +
                              std::string(Rest) + "'");
    if (!checkFlags(I, LineNo))
      return false;

    // Operands: values first (they fix the type), then constants.
    std::vector<std::optional<TypeRef>> Types(Ops.size());
    I.Ops.resize(Ops.size());
    for (size_t K = 0; K < Ops.size(); ++K) {
      if (Ops[K][0] != '%')
        continue;
      std::optional<TypeRef> Expected;
      if (I.Op == Opcode::Select && K == 0)
        Expected = TypeRef{0};
      int V = useValue(Ops[K], Expected, LineNo, InSource);
      if (V < 0)
        return false;
      I.Ops[K] = {true, static_cast<unsigned>(V)};
      Types[K] = R.Values[V].Ty;
    }
    // The type the non-condition operands share.
    std::optional<TypeRef> Shared;
    for (size_t K = I.Op == Opcode::Select ? 1 : 0; K < Ops.size(); ++K) {
      if (!Types[K])
        continue;
      if (Shared && *Shared != *Types[K])
        return fail(LineNo, "operands of " + std::string(opcodeName(I.Op)) +
                                " have different types (" + Shared->str() +
                                " and " + Types[K]->str() + ")");
      Shared = Types[K];
    }
    // select %c, C1, C2 chooses between two constants of the rule's width.
    if (I.Op == Opcode::Select && !Shared)
      Shared = TypeRef{1};
    if (I.Op == Opcode::Select && Types[0] && *Types[0] != TypeRef{0})
      return fail(LineNo, "the condition of select must be i1");
    for (size_t K = 0; K < Ops.size(); ++K) {
      if (Ops[K][0] == '%')
        continue;
      if (I.Op == Opcode::Select && K == 0)
        return fail(LineNo, "the condition of select must be a value");
      if (IsCast || I.Op == Opcode::Freeze || !Shared)
        return fail(LineNo, "an instruction needs a value operand to give "
                            "its constants a type");
      int E = parseExpr(Ops[K], LineNo, InSource);
      if (E < 0)
        return false;
      if (InSource && !typeSourceConstant(E, *Shared, LineNo))
        return false;
      I.Ops[K] = {false, static_cast<unsigned>(E)};
    }

    switch (I.Op) {
    case Opcode::ICmp:
      I.Ty = TypeRef{0};
      break;
    case Opcode::ZExt:
    case Opcode::SExt:
    case Opcode::Trunc: {
      I.Ty = *CastTo;
      TypeRef From = *Types[0];
      for (unsigned W = 1; W <= 64; ++W) {
        if (!R.holdsAt(W))
          continue;
        unsigned FB = From.bits(W), TB = CastTo->bits(W);
        if (I.Op == Opcode::Trunc ? TB >= FB : TB <= FB)
          return fail(LineNo, std::string(opcodeName(I.Op)) + " from " +
                                  From.str() + " to " + CastTo->str() +
                                  " is not valid at width " +
                                  std::to_string(W) +
                                  " (state the rule's widths)");
      }
      break;
    }
    default:
      I.Ty = *Shared;
      break;
    }
    return define(I, Name, LineNo, InSource);
  }

  bool finish(unsigned Line) {
    if (R.Source.empty())
      return fail(Line, "no source pattern");
    if (R.Target.empty())
      return fail(Line, "no target after '=>'");
    const Var &Root = R.Values[R.root().Def];
    const Inst &Last = R.Target.back();
    if (Last.Def != R.root().Def)
      return fail(Last.Line, "the target's last instruction must define %" +
                                 Root.Name + ", the source's root");
    if (Last.Ty != R.root().Ty)
      return fail(Last.Line, "the target's %" + Root.Name + " is " +
                                 Last.Ty.str() + ", the source's is " +
                                 R.root().Ty.str());
    // Every source instruction but the root feeds the pattern.
    for (size_t K = 0; K + 1 < R.Source.size(); ++K) {
      bool Used = false;
      for (const Inst &I : R.Source)
        for (const Operand &O : I.Ops)
          Used |= O.IsValue && O.Index == R.Source[K].Def;
      if (!Used)
        return fail(R.Source[K].Line,
                    "%" + R.Values[R.Source[K].Def].Name +
                        " is not used by the pattern (the root is the "
                        "source's last instruction)");
    }
    if (R.root().Op == Opcode::Freeze)
      return fail(R.root().Line, "a rule cannot be rooted at freeze");
    return true;
  }

private:
  bool checkFlags(const Inst &I, unsigned Line) {
    unsigned Allowed = 0;
    switch (I.Op) {
    case Opcode::Add:
    case Opcode::Sub:
    case Opcode::Mul:
    case Opcode::Shl:
      Allowed = NSW | NUW;
      break;
    case Opcode::UDiv:
    case Opcode::SDiv:
    case Opcode::LShr:
    case Opcode::AShr:
      Allowed = Exact;
      break;
    case Opcode::Or:
      Allowed = Disjoint;
      break;
    default:
      break;
    }
    if (I.Flags & ~Allowed)
      return fail(Line, std::string(opcodeName(I.Op)) +
                            " does not take these flags");
    return true;
  }

  /// A value operand "%x" or "%x:TYPE".
  int useValue(std::string_view Text, std::optional<TypeRef> Expected,
               unsigned Line, bool InSource) {
    std::string_view Name = Text.substr(1);
    std::optional<TypeRef> Annot;
    if (size_t Colon = Name.find(':'); Colon != std::string_view::npos) {
      Annot = parseType(Name.substr(Colon + 1));
      if (!Annot) {
        fail(Line, "unknown type in '" + std::string(Text) + "'");
        return -1;
      }
      Name = Name.substr(0, Colon);
    }
    auto It = Names.find(std::string(Name));
    if (It != Names.end()) {
      Var &V = R.Values[It->second];
      if (Annot && *Annot != V.Ty) {
        fail(Line, "%" + V.Name + " is " + V.Ty.str() + ", not " +
                       Annot->str());
        return -1;
      }
      if (!InSource && V.R == Var::Target && !TargetDefined.count(V.Name)) {
        fail(Line, "%" + V.Name + " is used before it is defined");
        return -1;
      }
      return static_cast<int>(It->second);
    }
    if (!InSource) {
      fail(Line, "unknown value '%" + std::string(Name) +
                     "' (the target uses the source's values and its own)");
      return -1;
    }
    Var V;
    V.Name = std::string(Name);
    V.Ty = Annot ? *Annot : Expected ? *Expected : TypeRef{1};
    V.R = Var::Input;
    R.Values.push_back(V);
    Names[V.Name] = R.Values.size() - 1;
    return static_cast<int>(R.Values.size() - 1);
  }

  bool define(Inst &I, const std::string &Name, unsigned Line,
              bool InSource) {
    auto It = Names.find(Name);
    if (InSource) {
      if (It != Names.end())
        return fail(Line, "%" + Name + " is defined twice (or used before "
                                       "its definition)");
      R.Values.push_back({Name, I.Ty, Var::Source});
      Names[Name] = R.Values.size() - 1;
      I.Def = R.Values.size() - 1;
      R.Source.push_back(I);
      return true;
    }
    if (It != Names.end()) {
      const Var &V = R.Values[It->second];
      bool IsRoot = !R.Source.empty() && It->second == R.root().Def;
      if (!IsRoot)
        return fail(Line, "the target redefines %" + Name);
      if (RootDefined)
        return fail(Line, "the target defines %" + V.Name + " twice");
      RootDefined = true;
      I.Def = It->second;
      R.Target.push_back(I);
      return true;
    }
    if (RootDefined)
      return fail(Line, "nothing may follow the target's root");
    R.Values.push_back({Name, I.Ty, Var::Target});
    Names[Name] = R.Values.size() - 1;
    TargetDefined[Name] = true;
    I.Def = R.Values.size() - 1;
    R.Target.push_back(I);
    return true;
  }

  /// Gives the source constants in expression \p E the type \p Ty.
  bool typeSourceConstant(int E, TypeRef Ty, unsigned Line) {
    const Expr &X = R.Exprs[E];
    if (X.K == Expr::Literal)
      return true;
    if (X.K != Expr::Symbol)
      return fail(Line, "a source operand is a value, a constant (C, C1, "
                        "...) or an integer");
    ConstSym &C = R.Constants[X.Sym];
    if (!SymbolTyped.count(X.Sym)) {
      C.Ty = Ty;
      SymbolTyped[X.Sym] = true;
      return true;
    }
    if (C.Ty != Ty)
      return fail(Line, C.Name + " is used as " + C.Ty.str() + " and as " +
                            Ty.str());
    return true;
  }

  bool parseCond(std::string_view S, unsigned Line) {
    Cond C;
    if (!S.empty() && S[0] == '!') {
      C.Negated = true;
      S = trim(S.substr(1));
    }
    if (S.substr(0, 5) == "pow2(" && S.back() == ')') {
      C.K = Cond::Pow2;
      C.Lhs = parseExpr(S.substr(5, S.size() - 6), Line, false);
      if (C.Lhs < 0)
        return false;
      R.Pre.push_back(C);
      return true;
    }
    static const std::pair<const char *, Pred> Ops[] = {
        {"u<=", Pred::ULE}, {"u>=", Pred::UGE}, {"s<=", Pred::SLE},
        {"s>=", Pred::SGE}, {"u<", Pred::ULT},  {"u>", Pred::UGT},
        {"s<", Pred::SLT},  {"s>", Pred::SGT},  {"==", Pred::EQ},
        {"!=", Pred::NE}};
    for (const auto &[Text, P] : Ops) {
      size_t At = S.find(Text);
      if (At == std::string_view::npos)
        continue;
      C.K = Cond::Compare;
      C.P = P;
      C.Lhs = parseExpr(trim(S.substr(0, At)), Line, false);
      if (C.Lhs < 0)
        return false;
      C.Rhs = parseExpr(trim(S.substr(At + std::string_view(Text).size())),
                        Line, false);
      if (C.Rhs < 0)
        return false;
      R.Pre.push_back(C);
      return true;
    }
    return fail(Line, "bad precondition '" + std::string(S) +
                          "' (expected pow2(e) or e OP e, OP one of == != "
                          "u< u<= u> u>= s< s<= s> s>=)");
  }

  void skipBlanks() {
    while (Pos < Text.size() &&
           std::isspace(static_cast<unsigned char>(Text[Pos])))
      ++Pos;
  }

  int add(Expr E) {
    R.Exprs.push_back(E);
    return static_cast<int>(R.Exprs.size() - 1);
  }

  static int precedence(char Op) {
    switch (Op) {
    case '|': return 1;
    case '^': return 2;
    case '&': return 3;
    case '<': case '>': return 4;
    case '+': case '-': return 5;
    case '*': case '/': return 6;
    default: return -1;
    }
  }

  /// The binary operator at Pos, if any ('<' for <<, '>' for >>).
  char peekOp() {
    skipBlanks();
    if (Pos >= Text.size())
      return 0;
    char Ch = Text[Pos];
    if (Ch == '<' || Ch == '>')
      return Pos + 1 < Text.size() && Text[Pos + 1] == Ch ? Ch : 0;
    return precedence(Ch) > 0 ? Ch : 0;
  }

  int parseBinary(int MinPrec) {
    int Lhs = parseUnary();
    if (Lhs < 0)
      return -1;
    for (;;) {
      char Op = peekOp();
      int Prec = Op ? precedence(Op) : -1;
      if (Prec < MinPrec || Prec < 0)
        return Lhs;
      Pos += (Op == '<' || Op == '>') ? 2 : 1;
      int Rhs = parseBinary(Prec + 1);
      if (Rhs < 0)
        return -1;
      Expr E;
      E.K = Expr::Binary;
      E.BinOp = Op;
      E.Lhs = Lhs;
      E.Rhs = Rhs;
      Lhs = add(E);
    }
  }

  int parseUnary() {
    skipBlanks();
    if (Pos < Text.size() && (Text[Pos] == '-' || Text[Pos] == '~')) {
      char Op = Text[Pos++];
      int Sub = parseUnary();
      if (Sub < 0)
        return -1;
      if (Op == '-' && R.Exprs[Sub].K == Expr::Literal) {
        R.Exprs[Sub].Value = -R.Exprs[Sub].Value;
        return Sub;
      }
      Expr E;
      E.K = Op == '-' ? Expr::Neg : Expr::Not;
      E.Lhs = Sub;
      return add(E);
    }
    return parsePrimary();
  }

  int parsePrimary() {
    skipBlanks();
    auto Bad = [&](const std::string &What) {
      fail(ExprLine, What + " in constant expression '" + std::string(Text) +
                         "'");
      return -1;
    };
    if (Pos >= Text.size())
      return Bad("missing operand");
    char Ch = Text[Pos];
    if (Ch == '(') {
      ++Pos;
      int E = parseBinary(0);
      if (E < 0)
        return -1;
      skipBlanks();
      if (Pos >= Text.size() || Text[Pos] != ')')
        return Bad("missing ')'");
      ++Pos;
      return E;
    }
    if (std::isdigit(static_cast<unsigned char>(Ch))) {
      size_t Start = Pos;
      while (Pos < Text.size() &&
             std::isalnum(static_cast<unsigned char>(Text[Pos])))
        ++Pos;
      std::string Num(Text.substr(Start, Pos - Start));
      char *End = nullptr;
      long long V = std::strtoll(Num.c_str(), &End, 0);
      if (*End)
        return Bad("bad number '" + Num + "'");
      Expr E;
      E.Value = V;
      return add(E);
    }
    size_t Start = Pos;
    while (Pos < Text.size() &&
           (std::isalnum(static_cast<unsigned char>(Text[Pos])) ||
            Text[Pos] == '_'))
      ++Pos;
    std::string Word(Text.substr(Start, Pos - Start));
    if (Word.empty())
      return Bad("unexpected '" + std::string(1, Ch) + "'");
    if (Word == "w") {
      Expr E;
      E.K = Expr::Width;
      return add(E);
    }
    if (Word == "log2") {
      skipBlanks();
      if (Pos >= Text.size() || Text[Pos] != '(')
        return Bad("log2 needs '('");
      ++Pos;
      int Arg = parseBinary(0);
      if (Arg < 0)
        return -1;
      skipBlanks();
      if (Pos >= Text.size() || Text[Pos] != ')')
        return Bad("missing ')'");
      ++Pos;
      Expr E;
      E.K = Expr::Log2;
      E.Lhs = Arg;
      return add(E);
    }
    if (isSymbolName(Word)) {
      Expr E;
      E.K = Expr::Symbol;
      for (size_t K = 0; K < R.Constants.size(); ++K)
        if (R.Constants[K].Name == Word) {
          E.Sym = K;
          return add(E);
        }
      if (!Source)
        return Bad("unknown constant '" + Word +
                   "' (constants are bound by the source)");
      R.Constants.push_back({Word, TypeRef{1}});
      E.Sym = R.Constants.size() - 1;
      return add(E);
    }
    return Bad("unknown name '" + Word + "'");
  }

  Rule &R;
  RuleError &Err;
  std::map<std::string, unsigned> Names;
  std::map<std::string, bool> TargetDefined;
  std::map<unsigned, bool> SymbolTyped;
  bool RootDefined = false;
  std::string_view Text;
  size_t Pos = 0;
  unsigned ExprLine = 0;
  bool Source = false;
};

struct PendingLine {
  unsigned No;
  std::string Text;
};

bool buildRule(const std::string &File, const std::vector<PendingLine> &Lines,
               Rule &R, RuleError &Err) {
  R.File = File;
  R.Line = Lines.front().No;
  R.Name = trim(std::string_view(Lines.front().Text).substr(5));
  if (R.Name.empty() || R.Name.find_first_of(" \t,") != std::string::npos) {
    Err = {File, R.Line, "a rule name is one word, got '" + R.Name + "'"};
    return false;
  }
  RuleBuilder B(R, Err);
  for (const PendingLine &L : Lines) {
    R.Text += (R.Text.empty() ? "" : "\n") + L.Text;
  }
  R.Hash = stableHash(R.Text);
  // Headers: widths first, as the casts' checks read them.
  size_t K = 1;
  std::vector<const PendingLine *> Pre;
  for (; K < Lines.size(); ++K) {
    std::string_view T = Lines[K].Text;
    if (T.substr(0, 7) == "widths:") {
      if (!B.parseWidths(trim(T.substr(7)), Lines[K].No))
        return false;
    } else if (T.substr(0, 4) == "pre:") {
      Pre.push_back(&Lines[K]);
    } else {
      break;
    }
  }
  bool InSource = true;
  for (; K < Lines.size(); ++K) {
    std::string_view T = Lines[K].Text;
    if (T == "=>") {
      if (!InSource)
        return B.fail(Lines[K].No, "a second '=>'");
      if (R.Source.empty())
        return B.fail(Lines[K].No, "no source pattern before '=>'");
      InSource = false;
      continue;
    }
    if (T.substr(0, 4) == "pre:" || T.substr(0, 7) == "widths:")
      return B.fail(Lines[K].No,
                    "'pre:' and 'widths:' come before the source");
    if (!B.parseInst(T, Lines[K].No, InSource))
      return false;
  }
  if (InSource)
    return B.fail(Lines.back().No, "no '=>' (a rule is source => target)");
  // Preconditions name the source's constants, so they are read last.
  for (const PendingLine *L : Pre)
    if (!B.parsePre(trim(std::string_view(L->Text).substr(4)), L->No))
      return false;
  return B.finish(Lines.back().No);
}

} // namespace

bool parseRules(std::string_view Text, const std::string &File,
                std::vector<Rule> &Out, RuleError &Err) {
  std::vector<PendingLine> Current;
  std::map<std::string, unsigned> Seen;
  for (const Rule &R : Out)
    Seen[R.Name] = R.Line;
  auto Flush = [&]() {
    if (Current.empty())
      return true;
    Rule R;
    if (!buildRule(File, Current, R, Err))
      return false;
    if (Seen.count(R.Name)) {
      Err = {File, R.Line, "rule '" + R.Name + "' is defined twice"};
      return false;
    }
    Seen[R.Name] = R.Line;
    Out.push_back(std::move(R));
    Current.clear();
    return true;
  };
  unsigned No = 0;
  size_t Start = 0;
  while (Start <= Text.size()) {
    size_t End = Text.find('\n', Start);
    std::string_view Raw = Text.substr(
        Start, End == std::string_view::npos ? std::string_view::npos
                                             : End - Start);
    ++No;
    std::string Line = normalize(Raw);
    if (!Line.empty()) {
      if (Line.substr(0, 5) == "name:") {
        if (!Flush())
          return false;
        Current.push_back({No, Line});
      } else if (Current.empty()) {
        Err = {File, No, "expected 'name: NAME' to start a rule, got '" +
                             Line + "'"};
        return false;
      } else {
        Current.push_back({No, Line});
      }
    }
    if (End == std::string_view::npos)
      break;
    Start = End + 1;
  }
  return Flush();
}

bool parseRuleFile(const std::string &Path, std::vector<Rule> &Out,
                   RuleError &Err) {
  std::ifstream In(Path, std::ios::binary);
  if (!In) {
    Err = {Path, 0, "cannot read the rule file"};
    return false;
  }
  std::stringstream SS;
  SS << In.rdbuf();
  return parseRules(SS.str(), Path, Out, Err);
}

bool readProofRecord(const std::string &Path, std::vector<uint64_t> &Hashes,
                     std::string &Err) {
  std::ifstream In(Path);
  if (!In) {
    Err = "cannot read the proof record '" + Path + "'";
    return false;
  }
  std::string Line;
  while (std::getline(In, Line)) {
    std::vector<std::string> W = words(Line);
    if (W.empty() || W[0][0] == '#')
      continue;
    if (W[0] != "proved" || W.size() < 2) {
      Err = Path + ": not a proof record line: '" + Line + "'";
      return false;
    }
    char *End = nullptr;
    uint64_t H = std::strtoull(W[1].c_str(), &End, 16);
    if (*End || W[1].size() != 16) {
      Err = Path + ": bad hash '" + W[1] + "'";
      return false;
    }
    Hashes.push_back(H);
  }
  return true;
}

} // namespace switchyard::rewrite
