//===- ActionSpace.cpp - The pass-pipeline actions this LLVM offers -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "ActionSpace.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;

namespace switchyard {

namespace {

/// Passes that are never actions, by rule rather than one by one: anything
/// that prints, writes, reads files, verifies or only analyses; sanitizers,
/// profiling and other instrumentation; code generation preparation and
/// lowering; LTO and ThinLTO summary passes; passes that change what a
/// program means when linked with others (internalize) or that exist to test
/// LLVM itself (trigger-crash).
constexpr StringLiteral DeniedPrefixes[] = {
    "print",     "dot-",     "view-",         "verify",      "invalidate",
    "require",   "no-op",    "trigger-",      "debugify",    "check-debugify",
    "pgo-",      "instrprof", "memprof",      "ctx-",        "insert-gcov",
    "pseudo-probe", "sample-profile", "sancov", "sanmd",     "coro-",
    "hipstdpar", "dxil",     "thinlto",       "lto",         "fatlto",
    "objc-arc",  "wasm-",    "win-",          "sjlj-",       "dwarf-eh",
    "expand-",   "lower-",   "strip",         "gc-",         "tsan",
    // Whole pipelines are not single actions; building one also runs the
    // host's extension-point callbacks.
    "default",   "function-simplification",
};

constexpr StringLiteral DeniedNames[] = {
    "aa-eval", "alloc-token", "annotation-remarks", "asan", "assign-guid",
    "atomic-expand", "bounds-checking", "callbr-prepare", "cfguard",
    "cg-profile", "codegenprepare", "complex-deinterleaving", "count-visits",
    "cross-dso-cfi", "declare-runtime-libcalls", "dfsan", "ee-instrument",
    "embed-bitcode", "extract-blocks", "forceattrs", "free-machine-function",
    "func-properties-stats", "function-import", "global-merge",
    "hardware-loops", "helloworld", "hwasan", "indirectbr-expand",
    "inliner-ml-advisor-release", "instcount", "instnamer",
    "interleaved-access", "interleaved-load-combine", "internalize",
    "jmc-instrumenter", "kcfi", "kernel-info", "lint", "loop-extract",
    "lowertypetests", "metarenamer", "msan", "name-anon-globals",
    "noinline-nonprevailing", "normalize", "nsan", "pa-eval",
    "place-safepoints", "pre-isel-intrinsic-lowering", "prof-inject",
    "prof-verify", "replace-with-veclib", "rewrite-statepoints-for-gc",
    "rewrite-symbols", "rtsan", "safe-stack", "sandbox-vectorizer",
    "scalarize-masked-mem-intrin", "select-optimize", "shadow-stack-gc-lowering",
    "simplify-type-tests", "stack-protector", "structurizecfg",
    "transform-warning", "tysan", "typepromotion", "wholeprogramdevirt",
    "switchyard-pipeline",
    // Passes that crash or miscompile on ordinary code when run out of
    // their usual place (docs/llvm-bugs.md): the Attributor family (a wrong
    // !invariant.load, llvm/llvm-project#147706) and the GPU-oriented CFG
    // normalizations (unify-loop-exits crashes on irreducible-free code),
    // loop-bound-split (crashes), and NewGVN, which drops a memcpy's store
    // in a loop (docs/differential.md, cause 8). None of them is in any of
    // LLVM's own -O pipelines.
    "attributor", "attributor-light", "attributor-cgscc",
    "attributor-light-cgscc", "unify-loop-exits", "fix-irreducible",
    "loop-bound-split", "newgvn",
};

StringRef bareName(StringRef Name) { return Name.take_until([](char C) {
  return C == '<' || C == '(';
}); }

/// Reads `opt --print-passes`-style output into name -> level.
StringMap<PassLevel> registeredPasses(PassBuilder &PB,
                                      std::vector<std::string> &WithParams) {
  std::string Text;
  raw_string_ostream OS(Text);
  PB.printPassNames(OS);
  StringMap<PassLevel> Levels;
  std::optional<PassLevel> Section;
  bool Params = false;
  SmallVector<StringRef, 0> Lines;
  StringRef(Text).split(Lines, '\n');
  for (StringRef Line : Lines) {
    if (!Line.starts_with(" ")) {
      // A section header such as "Function passes with params:".
      Params = Line.contains("with params");
      Section.reset();
      if (Line.contains("analyses") || Line.contains("Machine"))
        continue;
      if (Line.starts_with("Module passes"))
        Section = PassLevel::Module;
      else if (Line.starts_with("CGSCC passes"))
        Section = PassLevel::CGSCC;
      else if (Line.starts_with("Function passes"))
        Section = PassLevel::Function;
      else if (Line.starts_with("LoopNest passes") ||
               Line.starts_with("Loop passes"))
        Section = PassLevel::Loop;
      continue;
    }
    if (!Section)
      continue;
    StringRef Entry = Line.trim();
    if (Entry.empty())
      continue;
    Levels.try_emplace(bareName(Entry), *Section);
    if (Params)
      WithParams.push_back(Entry.str());
  }
  return Levels;
}

/// "simplifycfg<a;b;c=N>" gives "simplifycfg" and "simplifycfg<a>",
/// "simplifycfg<b>": each flag alone. Numeric parameters are left to the
/// variants LLVM's own pipelines use.
void paramVariants(StringRef Entry, std::vector<std::string> &Out) {
  StringRef Name = bareName(Entry);
  Out.push_back(Name.str());
  StringRef Params = Entry.drop_front(Name.size());
  if (!Params.consume_front("<") || !Params.consume_back(">"))
    return;
  SmallVector<StringRef, 8> Tokens;
  Params.split(Tokens, ';', -1, /*KeepEmpty=*/false);
  for (StringRef T : Tokens)
    if (!T.contains('=') && !T.contains('[') && !T.contains('<'))
      Out.push_back((Name + "<" + T + ">").str());
}

/// Collects the leaves of a printed pipeline: "a,b<x>(c,d)" gives a, c, d.
void pipelineLeaves(StringRef Text, std::vector<std::string> &Out) {
  size_t I = 0;
  while (I < Text.size()) {
    size_t Start = I;
    int Angle = 0;
    while (I < Text.size()) {
      char C = Text[I];
      if (C == '<')
        ++Angle;
      else if (C == '>')
        --Angle;
      else if (Angle == 0 && (C == '(' || C == ',' || C == ')'))
        break;
      ++I;
    }
    StringRef Elem = Text.slice(Start, I).trim();
    if (I < Text.size() && Text[I] == '(') {
      // A pass manager or adaptor: descend into its children.
      int Depth = 1;
      size_t Inner = ++I;
      while (I < Text.size() && Depth > 0) {
        if (Text[I] == '(')
          ++Depth;
        else if (Text[I] == ')')
          --Depth;
        ++I;
      }
      pipelineLeaves(Text.slice(Inner, I - 1), Out);
    } else if (!Elem.empty()) {
      Out.push_back(Elem.str());
    }
    while (I < Text.size() && (Text[I] == ',' || Text[I] == ')'))
      ++I;
  }
}

} // namespace

bool ActionSpace::isAllowed(StringRef Name) {
  StringRef Bare = bareName(Name);
  // Aborts the compiler when a fixpoint is not reached; see build().
  if (Name.contains("<verify-fixpoint") || Name.contains(";verify-fixpoint"))
    return false;
  if (Bare == "strip-dead-prototypes" || Bare == "lower-expect" ||
      Bare == "lower-constant-intrinsics")
    return true; // Ordinary optimizations that share a denied prefix.
  for (StringRef P : DeniedPrefixes)
    if (Bare.starts_with(P))
      return false;
  for (StringRef N : DeniedNames)
    if (Bare == N)
      return false;
  return true;
}

ActionSpace ActionSpace::build(PassBuilder &PB,
                               ArrayRef<std::string> PluginPasses) {
  std::vector<std::string> WithParams;
  StringMap<PassLevel> Levels = registeredPasses(PB, WithParams);
  for (const std::string &Name : PluginPasses)
    Levels.try_emplace(Name, PassLevel::Function);

  std::vector<std::string> Candidates;
  for (const auto &E : Levels)
    Candidates.push_back(E.getKey().str());
  for (const std::string &E : WithParams)
    paramVariants(E, Candidates);
  // The exact parameterized passes LLVM's own pipelines use, so that an
  // agent can rebuild -O2 or -Oz from the space. Built by a private
  // PassBuilder: building a default pipeline runs the host's extension-point
  // callbacks, and in clang that changes the host's own compile.
  PassInstrumentationCallbacks PrivatePIC;
  PassBuilder Private(/*TM=*/nullptr, PipelineTuningOptions(), std::nullopt,
                      &PrivatePIC);
  auto ClassToPass = [&PrivatePIC](StringRef ClassName) {
    StringRef Name = PrivatePIC.getPassNameForClassName(ClassName);
    return Name.empty() ? ClassName : Name;
  };
  for (StringRef Level : {"O1", "O2", "O3", "Os", "Oz"}) {
    ModulePassManager MPM;
    if (Error E =
            Private.parsePassPipeline(MPM, ("default<" + Level + ">").str())) {
      consumeError(std::move(E));
      continue;
    }
    std::string Text;
    raw_string_ostream OS(Text);
    MPM.printPipeline(OS, ClassToPass);
    pipelineLeaves(Text, Candidates);
  }

  llvm::sort(Candidates);
  Candidates.erase(std::unique(Candidates.begin(), Candidates.end()),
                   Candidates.end());

  ActionSpace Space;
  Space.Actions.push_back({"stop", PassLevel::Module, "", ""});
  for (const std::string &Name : Candidates) {
    if (!isAllowed(Name))
      continue;
    auto It = Levels.find(bareName(Name));
    if (It == Levels.end())
      continue;
    Action A{Name, It->second, "", ""};
    // Bare instcombine verifies that it reached a fixpoint and aborts the
    // compiler when it did not, which some pass orders provoke: as in
    // LLVM's own pipelines, the action runs without that check.
    std::string Pass = Name == "instcombine"
                           ? std::string("instcombine<no-verify-fixpoint>")
                           : Name;
    switch (A.Level) {
    case PassLevel::Module:
      A.ModulePipeline = Pass;
      break;
    case PassLevel::CGSCC:
      A.ModulePipeline = "cgscc(" + Pass + ")";
      break;
    case PassLevel::Function:
      A.FunctionPipeline = Pass;
      A.ModulePipeline = "function(" + Pass + ")";
      break;
    case PassLevel::Loop:
      // LICM refuses to run without MemorySSA; most other loop passes do
      // not keep it up to date, which a MemorySSA loop pipeline treats as
      // a fatal error. So each gets the adaptor it can live in.
      A.FunctionPipeline = (bareName(Name) == "licm" || bareName(Name) == "lnicm"
                                ? "loop-mssa("
                                : "loop(") +
                           Pass + ")";
      A.ModulePipeline = "function(" + A.FunctionPipeline + ")";
      break;
    }
    ModulePassManager MPM;
    if (Error E = PB.parsePassPipeline(MPM, A.ModulePipeline)) {
      consumeError(std::move(E));
      continue;
    }
    if (!A.FunctionPipeline.empty()) {
      FunctionPassManager FPM;
      if (Error E = PB.parsePassPipeline(FPM, A.FunctionPipeline)) {
        consumeError(std::move(E));
        A.FunctionPipeline.clear();
      }
    }
    Space.Actions.push_back(std::move(A));
  }

  for (const Action &A : Space.Actions) {
    OptionSpec O;
    O.Name = A.Name;
    O.TakesTarget = !A.FunctionPipeline.empty();
    Space.Options.push_back(O);
  }
  return Space;
}

int64_t ActionSpace::find(StringRef Name) const {
  for (size_t I = 0; I < Actions.size(); ++I)
    if (Actions[I].Name == Name)
      return static_cast<int64_t>(I);
  return -1;
}

} // namespace switchyard
