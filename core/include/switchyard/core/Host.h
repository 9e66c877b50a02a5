//===- Host.h - What the decision core needs from the compiler it runs in -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The decision core knows no compiler. A session sees its compilation unit
// (an LLVM module, an MLIR module, a fake in a unit test) only through this
// interface: who it is, how big it is, and where warnings, errors, remarks
// and counts go. Sites are opaque pointers the host gave the core (an
// llvm::Function *, an mlir::Operation *), handed back with each remark.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_CORE_HOST_H
#define SWITCHYARD_CORE_HOST_H

#include "Messages.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace switchyard {

/// Who made a decision; the end-of-module report splits counts by this.
enum class DecisionSource { Agent, LocalDefault, Fallback };

/// A remark's kind, after LLVM's OptimizationRemark / ...Missed.
enum class RemarkKind { Applied, Missed };

/// Where in the unit a decision is made: opaque to the core.
using SiteHandle = const void *;

class Host {
public:
  virtual ~Host();

  /// The unit's identity for the handshake: module, source file, target,
  /// and the compiler's own name, version and process id.
  virtual ModuleInfo describeUnit() const = 0;
  /// The unit's size in the host's own measure (LLVM: instructions).
  virtual uint64_t unitSize() const = 0;

  /// The agent failed; the compile goes on with defaults.
  virtual void warning(std::string_view Msg) = 0;
  /// The agent failed in strict mode: the compile must fail, with no
  /// output left behind.
  virtual void error(std::string_view Msg) = 0;
  /// A decision the agent changed (Applied) or one not followed (Missed).
  /// \p Where may be null: the remark then has no place to go.
  virtual void remark(RemarkKind Kind, std::string_view Name,
                      SiteHandle Where, std::string_view Msg) = 0;
  /// One decision recorded, for the host's statistics.
  virtual void counted(DecisionSource Source, bool Changed) {}
};

} // namespace switchyard

#endif // SWITCHYARD_CORE_HOST_H
