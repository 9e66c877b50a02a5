//===- Observation.h - What an agent can see of the program ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_HOOKS_OBSERVATION_H
#define SWITCHYARD_HOOKS_OBSERVATION_H

#include "Decision.h"

namespace switchyard {

/// Fills the parts of an Observation that \p Mask (fb::ObservationMask bits)
/// asks for. Each part costs one walk over \p M at most; IR text, hash and
/// bitcode cost a print or a write.
Observation observe(const llvm::Module &M, uint32_t Mask);

/// The names of Observation::OpcodeCounts, one per LLVM opcode.
llvm::ArrayRef<std::string_view> opcodeNames();

/// The names of Observation::Autophase's 56 features, in order.
llvm::ArrayRef<llvm::StringRef> autophaseNames();

} // namespace switchyard

#endif // SWITCHYARD_HOOKS_OBSERVATION_H
