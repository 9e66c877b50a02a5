//===- PipelineSpace.cpp - The pass-pipeline actions this mlir-opt offers -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Where the names come from. MLIR 22's pass registry is a private StringMap
// with lookups by name (PassInfo::lookup, PassPipelineInfo::lookup) but no
// way to list it, short of parsing what printRegisteredPasses() writes to
// stdout. mlir-opt, however, turns every registered pass and pipeline into
// a command-line flag (`--canonicalize`): its PassPipelineCLParser is one
// llvm::cl option without a name of its own, whose parser adds each
// registry entry as a literal value, and LLVM's command line registers each
// literal of such an option as an extra option name mapping to it. So the
// registry at the time mlir-opt parsed its command line is exactly the set
// of names in llvm::cl::getRegisteredOptions() that map to that one
// option. We find that option as the one most registered pass names map to
// (no name is assumed to exist), and keep a name only if the registry
// itself still knows it. This reads structured data, names and all,
// instead of help text meant for people, and needs no redirection of the
// process's stdout. Passes a plugin registers after the command line was
// parsed (this plugin's own) are not there, which is what we want.
//
//===----------------------------------------------------------------------===//

#include "PipelineSpace.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"

#include <algorithm>

using namespace mlir;

namespace switchyard {

namespace {

/// Pass::canScheduleOn is protected: MLIR keeps it for its pass manager,
/// which asks it only when a pipeline runs. A derived class may form a
/// pointer to it, which is the one way to ask before anything runs.
struct SchedulingQuery : public Pass {
  static bool canRunOn(const Pass &P, RegisteredOperationName Op) {
    using Query = bool (Pass::*)(RegisteredOperationName) const;
    Query Q = &SchedulingQuery::canScheduleOn;
    return (P.*Q)(Op);
  }
};

/// The names of the registered passes and pipelines, as the host tool's
/// pass-name option lists them (see the file comment).
std::vector<std::string> registeredNames(std::string &Source) {
  // The options are only compared, never looked into: their dynamic types
  // are the host's (mlir-opt's pass list is a class private to libMLIR).
  auto &Options = llvm::cl::getRegisteredOptions();
  struct Tally {
    unsigned Names = 0;
    llvm::StringRef First; ///< Its smallest pass name, to break ties.
  };
  llvm::DenseMap<llvm::cl::Option *, Tally> PassNamesOf;
  for (const auto &[Key, Opt] : Options)
    if (PassInfo::lookup(Key)) {
      Tally &T = PassNamesOf[Opt];
      ++T.Names;
      if (T.First.empty() || Key < T.First)
        T.First = Key;
    }
  llvm::cl::Option *PassList = nullptr;
  Tally Best;
  for (const auto &[Opt, T] : PassNamesOf)
    if (T.Names > Best.Names || (T.Names == Best.Names && T.First < Best.First))
      PassList = Opt, Best = T;
  std::vector<std::string> Names;
  if (!PassList) {
    Source = "none: this host registers no pass names as command-line "
             "options";
    return Names;
  }
  for (const auto &[Key, Opt] : Options)
    if (Opt == PassList &&
        (PassInfo::lookup(Key) || PassPipelineInfo::lookup(Key)))
      Names.push_back(Key.str());
  llvm::sort(Names);
  Source = "the host's pass-name command-line options (" +
           std::to_string(Names.size()) + " registered passes and pipelines)";
  return Names;
}

/// Registered passes that a rule by name cannot catch, each with its reason.
struct NamedExclusion {
  llvm::StringLiteral Name;
  llvm::StringLiteral Reason;
};
constexpr NamedExclusion NamedExclusions[] = {
    {"composite-fixed-point-pass",
     "needs options without defaults: it runs the pipeline its `pipeline` "
     "option names, empty by default"},
    {"transform-preload-library",
     "reads files and needs options without defaults: the transform "
     "libraries named by `transform-library-paths`, empty by default"},
    {"snapshot-op-locations",
     "writes files: it prints the IR to the file its `filename` option "
     "names and points every location into it"},
    {"gpu-module-to-binary",
     "writes files: it serializes GPU modules by running the target's "
     "toolchain (ptxas, ...) on temporary files"},
    // Upstream bugs: each of these crashes mlir-opt-22 (22.1.8, a
    // segmentation fault, the same without Switchyard) on the bundled
    // kernels conv2d, matmul_bias_relu and row_sum lowered to the LLVM
    // dialect, whose functions are llvm.func:
    //   mlir-opt-22 --pass-pipeline='builtin.module(PASS)' lowered.mlir
    // A crash takes the whole episode down, so they are never offered.
    {"linalg-detensorize",
     "crashes mlir-opt-22 on llvm.func functions (an upstream bug)"},
    {"shard-partition",
     "crashes mlir-opt-22 on llvm.func functions (an upstream bug)"},
    {"xegpu-propagate-layout",
     "crashes mlir-opt-22 on llvm.func functions (an upstream bug)"},
    // The same, in MLIR's IntegerRangeAnalysis, on affine loops that
    // affine-loop-tile made (their bounds are affine.min/max maps), on
    // matmul_64 and row_sum bufferized to affine loops:
    //   mlir-opt-22 --pass-pipeline=
    //     'builtin.module(func.func(affine-loop-tile),PASS)' loops.mlir
    {"int-range-optimizations",
     "crashes mlir-opt-22 on tiled affine loops (an upstream bug in "
     "IntegerRangeAnalysis)"},
    {"arith-int-range-narrowing",
     "crashes mlir-opt-22 on tiled affine loops (an upstream bug in "
     "IntegerRangeAnalysis)"},
    {"arith-unsigned-when-equivalent",
     "crashes mlir-opt-22 on tiled affine loops (an upstream bug in "
     "IntegerRangeAnalysis)"},
    // The same, in FileLineColLoc::getFilename, on a kernel lowered to the
    // LLVM dialect after inlining (callsite locations), found by random
    // episodes (matmul_128x32x96 at the "loops" start, seed 7).
    {"ensure-debug-info-scope-on-llvm-func",
     "crashes mlir-opt-22 on lowered kernels whose locations went through "
     "inlining (an upstream bug)"},
    {"symbol-privatize",
     "changes what the module means to the code it is linked with: it makes "
     "every public symbol private (as LLVM's internalize, which the LLVM "
     "action space leaves out too)"},
};

bool hasWord(llvm::StringRef Name, llvm::StringRef Word) {
  llvm::SmallVector<llvm::StringRef, 8> Words;
  Name.split(Words, '-');
  return llvm::is_contained(Words, Word);
}

/// Why \p Name is never an action, by the documented rules, or "". Pass
/// options are not looked at: printing them is how MLIR would show them,
/// and it reads uninitialized values for some (llvm-use-default-visibility
/// has an enum option without a default).
std::string exclusionRule(llvm::StringRef Name, llvm::StringRef Description,
                          llvm::ArrayRef<std::string> OwnPasses) {
  if (llvm::is_contained(OwnPasses, Name))
    return "a Switchyard pass: the episode does not nest Switchyard's own "
           "decisions";
  if (hasWord(Name, "test") || Description.starts_with("Test") ||
      Description.contains("Test:"))
    return "tests MLIR itself: a test pass of mlir-opt, not an optimization";
  if (Name.starts_with("print-") || Name.starts_with("view-") ||
      Name.starts_with("dump-") || Description.starts_with("Print") ||
      Description.starts_with("Dump") || Description.starts_with("Display"))
    return "prints or views the IR instead of transforming it";
  for (const NamedExclusion &E : NamedExclusions)
    if (Name == E.Name)
      return E.Reason.str();
  return "";
}

} // namespace

PipelineSpace PipelineSpace::build(MLIRContext &Ctx,
                                   llvm::ArrayRef<std::string> OwnPasses) {
  PipelineSpace Space;
  std::vector<std::string> Names = registeredNames(Space.Source);
  for (const std::string &Own : OwnPasses)
    if (PassInfo::lookup(Own) && !llvm::is_contained(Names, Own))
      Names.push_back(Own);
  llvm::sort(Names);

  std::optional<RegisteredOperationName> ModuleName =
      RegisteredOperationName::lookup(ModuleOp::getOperationName(), &Ctx);
  std::optional<RegisteredOperationName> FuncName =
      RegisteredOperationName::lookup(func::FuncOp::getOperationName(), &Ctx);
  assert(ModuleName && "the builtin dialect is always loaded");

  Space.Actions.push_back({"stop", "", ""});
  for (const std::string &Name : Names) {
    const PassRegistryEntry *Entry = PassInfo::lookup(Name);
    bool IsPipeline = !Entry;
    if (IsPipeline)
      Entry = PassPipelineInfo::lookup(Name);
    if (std::string Why =
            exclusionRule(Name, Entry->getPassDescription(), OwnPasses);
        !Why.empty()) {
      Space.Excluded.push_back({Name, Why});
      continue;
    }
    std::string Err;
    llvm::raw_string_ostream ES(Err);
    auto Collect = [&](const llvm::Twine &Msg) {
      ES << Msg;
      return mlir::failure();
    };
    OpPassManager Probe(OpPassManager::Nesting::Implicit);
    if (failed(Entry->addToPipeline(Probe, "", Collect))) {
      Space.Excluded.push_back(
          {Name, "needs options without defaults: it cannot be built with "
                 "its default options (" +
                     Err + ")"});
      continue;
    }

    PipelineAction A{Name, Name, ""};
    if (!IsPipeline) {
      // Anchor it as the pass manager would have to: on the module, on the
      // op it is restricted to, or, for a pass that runs on any op of an
      // interface (functions), on every op directly in the module that can
      // take it.
      const Pass &P = *Probe.begin();
      if (std::optional<llvm::StringRef> Op = P.getOpName()) {
        if (*Op != ModuleOp::getOperationName())
          A.ModulePipeline = (*Op + "(" + Name + ")").str();
        std::optional<RegisteredOperationName> Anchor =
            RegisteredOperationName::lookup(*Op, &Ctx);
        if (Anchor && Anchor->hasInterface<FunctionOpInterface>())
          A.FunctionAnchor = Op->str();
      } else {
        if (!SchedulingQuery::canRunOn(P, *ModuleName))
          A.ModulePipeline = "any(" + Name + ")";
        if (FuncName && SchedulingQuery::canRunOn(P, *FuncName))
          A.FunctionAnchor = func::FuncOp::getOperationName().str();
      }
    }
    Err.clear();
    OpPassManager OnModule(ModuleOp::getOperationName());
    if (failed(parsePassPipeline(A.ModulePipeline, OnModule, ES))) {
      Space.Excluded.push_back(
          {Name, "cannot be nested in builtin.module(...): " + Err});
      continue;
    }
    Space.Actions.push_back(std::move(A));
  }
  for (const PipelineAction &A : Space.Actions) {
    OptionSpec O;
    O.Name = A.Name;
    O.TakesTarget = !A.FunctionAnchor.empty();
    Space.Options.push_back(O);
  }
  return Space;
}

void PipelineSpace::dump(llvm::raw_ostream &OS) const {
  OS << "# switchyard-mlir-pipeline action space: " << Actions.size()
     << " actions, " << Excluded.size() << " passes left out\n"
     << "# names from " << Source << "\n";
  for (size_t I = 0; I < Actions.size(); ++I)
    OS << "action\t" << I << "\t" << Actions[I].Name << "\t"
       << (Actions[I].ModulePipeline.empty() ? "-" : Actions[I].ModulePipeline)
       << "\t"
       << (Actions[I].FunctionAnchor.empty() ? "-" : Actions[I].FunctionAnchor)
       << "\n";
  for (const ExcludedPass &E : Excluded)
    OS << "excluded\t" << E.Name << "\t" << E.Reason << "\n";
}

} // namespace switchyard
