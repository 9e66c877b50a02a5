//===- MLIRHost.cpp - The decision core, adapted to MLIR modules ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "MLIRHost.h"

#include "switchyard/core/InProcessProvider.h"
#include "switchyard/core/SocketProvider.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace mlir;

namespace switchyard {

std::string moduleName(ModuleOp M) {
  if (std::optional<StringRef> Name = M.getSymName())
    return Name->str();
  if (auto Loc = M->getLoc()->findInstanceOf<FileLineColLoc>())
    return Loc.getFilename().str();
  return "<module>";
}

ModuleInfo MLIRModuleHost::describeUnit() const {
  ModuleInfo Info;
  Info.Compiler = llvm::sys::path::filename(
                      llvm::sys::fs::getMainExecutable(nullptr, nullptr))
                      .str();
  Info.CompilerVersion = LLVM_VERSION_STRING;
  Info.Pid = llvm::sys::Process::getProcessId();
  Info.ModuleName = moduleName(M);
  if (auto Loc = M->getLoc()->findInstanceOf<FileLineColLoc>())
    Info.SourceFile = Loc.getFilename().str();
  if (auto Triple = M->getAttrOfType<StringAttr>("llvm.target_triple"))
    Info.TargetTriple = Triple.str();
  return Info;
}

uint64_t MLIRModuleHost::unitSize() const {
  uint64_t N = 0;
  M->walk([&](Operation *) { ++N; });
  return N;
}

void MLIRModuleHost::warning(std::string_view Msg) {
  emitWarning(M.getLoc()) << llvm::StringRef(Msg);
}

void MLIRModuleHost::error(std::string_view Msg) {
  HadError = true;
  emitError(M.getLoc()) << llvm::StringRef(Msg);
}

void MLIRModuleHost::remark(RemarkKind Kind, std::string_view Name,
                            SiteHandle Where, std::string_view Msg) {
  if (!Remarks || !Where)
    return;
  // Const only as the core sees it: the op is the pass's own to diagnose.
  auto *Op = const_cast<Operation *>(static_cast<const Operation *>(Where));
  emitRemark(Op->getLoc())
      << "switchyard " << (Kind == RemarkKind::Applied ? "" : "missed ")
      << llvm::StringRef(Name) << ": " << llvm::StringRef(Msg);
}

std::unique_ptr<Session> Runtime::open(ModuleOp M, bool Remarks,
                                       Span<OptionSpec> Space) const {
  std::unique_ptr<DecisionProvider> Provider;
  if (!C.Policy.empty()) {
    std::string Err;
    std::unique_ptr<Agent> Policy = makePolicy(C.Policy, C.PolicySeed, Err);
    assert(Policy && "SWITCHYARD_POLICY was validated when the plugin loaded");
    Provider =
        std::make_unique<InProcessProvider>(std::move(Policy), C.VerifyFrames);
  } else {
    Provider = std::make_unique<SocketProvider>(C.AgentSocket, C.Timeout,
                                                C.Spin);
  }
  std::vector<FeatureSchema> Offered;
  for (DecisionKind K : implementedKinds())
    if (C.enabled(K))
      Offered.push_back({K, featureNames(K)});
  return std::make_unique<Session>(
      std::make_unique<MLIRModuleHost>(M, Remarks), std::move(Provider),
      SessionOptions{C.OnFailure, Space}, std::move(Offered));
}

} // namespace switchyard
