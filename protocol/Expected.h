//===- Expected.h - A value or the reason there is none -------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What llvm::Expected is to the compiler, for code that may not use LLVM:
// the protocol, the decision core and the agent SDK. A failure carries one
// human-readable message; callers pass it on or turn it into a diagnostic.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_EXPECTED_H
#define SWITCHYARD_PROTOCOL_EXPECTED_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace switchyard {

/// Why something failed.
struct Failure {
  std::string Message;
};

inline Failure failure(std::string Message) { return {std::move(Message)}; }

template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T Value) : Value(std::move(Value)) {}
  Expected(Failure F) : Error(std::move(F.Message)) {}

  explicit operator bool() const { return Value.has_value(); }
  T &operator*() {
    assert(Value && "no value: check first");
    return *Value;
  }
  T *operator->() { return &**this; }
  /// The failure's message; empty when there is a value.
  const std::string &error() const { return Error; }
  Failure takeFailure() { return {std::move(Error)}; }

private:
  std::optional<T> Value;
  std::string Error;
};

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_EXPECTED_H
