//===- Observation.cpp - What an agent can see of the program -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "Observation.h"

#include "llvm/Analysis/CFG.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

using namespace llvm;

namespace switchyard {

namespace {
/// The opcodes that exist: the numbering has gaps between its ranges.
struct OpcodeTable {
  /// getOpcodeName's static strings.
  std::vector<std::string_view> Names;
  std::vector<int> SlotOf; ///< Opcode -> index into Names, or -1.

  OpcodeTable() : SlotOf(Instruction::OtherOpsEnd, -1) {
    for (unsigned Op = 1; Op < Instruction::OtherOpsEnd; ++Op) {
      StringRef Name = Instruction::getOpcodeName(Op);
      if (Name.starts_with("<"))
        continue;
      SlotOf[Op] = static_cast<int>(Names.size());
      Names.push_back(Name);
    }
  }
};

const OpcodeTable &opcodeTable() {
  static const OpcodeTable Table;
  return Table;
}
} // namespace

ArrayRef<std::string_view> opcodeNames() { return opcodeTable().Names; }

namespace {
/// Autophase-style static features (Haj-Ali et al., MLSys 2020), in the
/// order CompilerGym's Autophase observation uses. docs/hooks.md defines
/// each one.
enum AutophaseFeature {
  BBNumArgsHi, BBNumArgsLo, OnePred, OnePredOneSuc, OnePredTwoSuc,
  OneSuccessor, TwoPred, TwoPredOneSuc, TwoEach, TwoSuccessor, MorePreds,
  BB03Phi, BBHiPhi, BBNoPhi, BeginPhi, BranchCount, ReturnInt, CriticalCount,
  NumEdges, Const32Bit, Const64Bit, NumConstZeroes, NumConstOnes,
  UncondBranches, BinaryConstArg, NumAShrInst, NumAddInst, NumAllocaInst,
  NumAndInst, BlockMid, BlockLow, NumBitCastInst, NumBrInst, NumCallInst,
  NumGetElementPtrInst, NumICmpInst, NumLShrInst, NumLoadInst, NumMulInst,
  NumOrInst, NumPHIInst, NumRetInst, NumSExtInst, NumSelectInst, NumShlInst,
  NumStoreInst, NumSubInst, NumTruncInst, NumXorInst, NumZExtInst,
  TotalBlocks, TotalInsts, TotalMemInst, TotalFuncs, ArgsPhi, TestUnary,
  NumAutophaseFeatures
};

void countConstant(const Value *V, std::vector<int64_t> &F) {
  const auto *C = dyn_cast<ConstantInt>(V);
  if (!C)
    return;
  if (C->getBitWidth() == 32)
    ++F[Const32Bit];
  else if (C->getBitWidth() == 64)
    ++F[Const64Bit];
  if (C->isZero())
    ++F[NumConstZeroes];
  else if (C->isOne())
    ++F[NumConstOnes];
}

std::vector<int64_t> autophase(const Module &M) {
  std::vector<int64_t> F(NumAutophaseFeatures, 0);
  for (const Function &Fn : M) {
    if (Fn.isDeclaration())
      continue;
    ++F[TotalFuncs];
    for (const BasicBlock &BB : Fn) {
      ++F[TotalBlocks];
      unsigned Preds = pred_size(&BB), Succs = succ_size(&BB);
      F[NumEdges] += Succs;
      F[OnePred] += Preds == 1;
      F[OnePredOneSuc] += Preds == 1 && Succs == 1;
      F[OnePredTwoSuc] += Preds == 1 && Succs == 2;
      F[OneSuccessor] += Succs == 1;
      F[TwoPred] += Preds == 2;
      F[TwoPredOneSuc] += Preds == 2 && Succs == 1;
      F[TwoEach] += Preds == 2 && Succs == 2;
      F[TwoSuccessor] += Succs == 2;
      F[MorePreds] += Preds > 2;
      if (const Instruction *T = BB.getTerminator())
        for (unsigned I = 0, E = T->getNumSuccessors(); I != E; ++I)
          F[CriticalCount] += isCriticalEdge(T, I);

      unsigned Phis = 0, PhiArgs = 0;
      for (const PHINode &P : BB.phis()) {
        ++Phis;
        PhiArgs += P.getNumIncomingValues();
      }
      F[BB03Phi] += Phis > 0 && Phis <= 3;
      F[BBHiPhi] += Phis > 3;
      F[BBNoPhi] += Phis == 0;
      F[BeginPhi] += Phis;
      F[ArgsPhi] += PhiArgs;
      F[BBNumArgsHi] += PhiArgs > 5;
      F[BBNumArgsLo] += PhiArgs > 0 && PhiArgs <= 5;

      size_t Size = BB.size();
      F[BlockLow] += Size < 15;
      F[BlockMid] += Size >= 15 && Size <= 500;
      for (const Instruction &I : BB) {
        ++F[TotalInsts];
        F[TotalMemInst] += I.mayReadOrWriteMemory();
        F[TestUnary] += isa<UnaryInstruction>(I);
        for (const Value *Op : I.operands())
          countConstant(Op, F);
        if (isa<BinaryOperator>(I) &&
            (isa<Constant>(I.getOperand(0)) || isa<Constant>(I.getOperand(1))))
          ++F[BinaryConstArg];
        switch (I.getOpcode()) {
        case Instruction::AShr: ++F[NumAShrInst]; break;
        case Instruction::Add: ++F[NumAddInst]; break;
        case Instruction::Alloca: ++F[NumAllocaInst]; break;
        case Instruction::And: ++F[NumAndInst]; break;
        case Instruction::BitCast: ++F[NumBitCastInst]; break;
        case Instruction::Br:
          ++F[NumBrInst];
          ++F[BranchCount];
          F[UncondBranches] += cast<BranchInst>(I).isUnconditional();
          break;
        case Instruction::Call:
          ++F[NumCallInst];
          F[ReturnInt] += I.getType()->isIntegerTy();
          break;
        case Instruction::GetElementPtr: ++F[NumGetElementPtrInst]; break;
        case Instruction::ICmp: ++F[NumICmpInst]; break;
        case Instruction::LShr: ++F[NumLShrInst]; break;
        case Instruction::Load: ++F[NumLoadInst]; break;
        case Instruction::Mul: ++F[NumMulInst]; break;
        case Instruction::Or: ++F[NumOrInst]; break;
        case Instruction::PHI: ++F[NumPHIInst]; break;
        case Instruction::Ret: ++F[NumRetInst]; break;
        case Instruction::SExt: ++F[NumSExtInst]; break;
        case Instruction::Select: ++F[NumSelectInst]; break;
        case Instruction::Shl: ++F[NumShlInst]; break;
        case Instruction::Store: ++F[NumStoreInst]; break;
        case Instruction::Sub: ++F[NumSubInst]; break;
        case Instruction::Trunc: ++F[NumTruncInst]; break;
        case Instruction::Xor: ++F[NumXorInst]; break;
        case Instruction::ZExt: ++F[NumZExtInst]; break;
        default: break;
        }
      }
    }
  }
  return F;
}
} // namespace

ArrayRef<StringRef> autophaseNames() {
  static const StringRef Names[] = {
      "BBNumArgsHi", "BBNumArgsLo", "onePred", "onePredOneSuc",
      "onePredTwoSuc", "oneSuccessor", "twoPred", "twoPredOneSuc", "twoEach",
      "twoSuccessor", "morePreds", "BB03Phi", "BBHiPhi", "BBNoPhi",
      "BeginPhi", "BranchCount", "returnInt", "CriticalCount", "NumEdges",
      "const32Bit", "const64Bit", "numConstZeroes", "numConstOnes",
      "UncondBranches", "binaryConstArg", "NumAShrInst", "NumAddInst",
      "NumAllocaInst", "NumAndInst", "BlockMid", "BlockLow",
      "NumBitCastInst", "NumBrInst", "NumCallInst", "NumGetElementPtrInst",
      "NumICmpInst", "NumLShrInst", "NumLoadInst", "NumMulInst", "NumOrInst",
      "NumPHIInst", "NumRetInst", "NumSExtInst", "NumSelectInst",
      "NumShlInst", "NumStoreInst", "NumSubInst", "NumTruncInst",
      "NumXorInst", "NumZExtInst", "TotalBlocks", "TotalInsts",
      "TotalMemInst", "TotalFuncs", "ArgsPhi", "testUnary"};
  static_assert(std::size(Names) == NumAutophaseFeatures,
                "one name per feature");
  return Names;
}

Observation observe(const Module &M, uint32_t Mask) {
  using OM = fb::ObservationMask;
  auto Wants = [Mask](OM Bit) { return Mask & static_cast<uint32_t>(Bit); };
  Observation O;
  O.Mask = Mask;
  if (Wants(OM::InstCount) || Wants(OM::FunctionCounts)) {
    for (const Function &F : M) {
      uint64_t N = countInstructions(F);
      O.InstCount += N;
      if (Wants(OM::FunctionCounts) && !F.isDeclaration()) {
        O.FunctionNames.push_back(F.getName().str());
        O.FunctionCounts.push_back(N);
      }
    }
  }
  if (Wants(OM::OpcodeCounts)) {
    const OpcodeTable &T = opcodeTable();
    O.OpcodeNames = T.Names;
    O.OpcodeCounts.assign(T.Names.size(), 0);
    for (const Function &F : M)
      for (const BasicBlock &BB : F)
        for (const Instruction &I : BB)
          ++O.OpcodeCounts[T.SlotOf[I.getOpcode()]];
  }
  if (Wants(OM::Autophase))
    O.Autophase = autophase(M);
  if (Wants(OM::IrHash) || Wants(OM::IrText)) {
    std::string Text;
    raw_string_ostream OS(Text);
    M.print(OS, nullptr);
    // The first line names the module's file; leave it out of the hash so
    // the same IR hashes the same wherever it came from.
    if (Wants(OM::IrHash))
      O.IrHash = xxh3_64bits(StringRef(Text).split('\n').second);
    if (Wants(OM::IrText))
      O.IrText = std::move(Text);
  }
  if (Wants(OM::Bitcode)) {
    raw_string_ostream OS(O.Bitcode);
    // With the use-list order, as opt writes bitcode: a search that goes on
    // from this bitcode with plain opt then sees exactly the live module
    // (some passes' results depend on the order of a value's uses).
    WriteBitcodeToFile(M, OS, /*ShouldPreserveUseListOrder=*/true);
  }
  return O;
}

} // namespace switchyard
