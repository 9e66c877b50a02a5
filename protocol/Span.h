//===- Span.h - A non-owning view of contiguous elements ------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// C++17 has no std::span, and the protocol and the decision core may not
// use llvm::ArrayRef. This is the part of either that they need: a view
// built from a vector, an array, a C array or anything with data() and
// size() (llvm::ArrayRef and SmallVector included).
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_PROTOCOL_SPAN_H
#define SWITCHYARD_PROTOCOL_SPAN_H

#include <cassert>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace switchyard {

template <typename T> class Span {
public:
  constexpr Span() = default;
  constexpr Span(const T *Data, size_t Size) : Ptr(Data), Len(Size) {}
  template <size_t N>
  constexpr Span(const T (&Array)[N]) : Ptr(Array), Len(N) {}
  template <typename C,
            typename = std::enable_if_t<std::is_convertible_v<
                decltype(std::declval<const C &>().data()), const T *>>>
  constexpr Span(const C &Container)
      : Ptr(Container.data()), Len(Container.size()) {}

  constexpr const T *data() const { return Ptr; }
  constexpr size_t size() const { return Len; }
  constexpr bool empty() const { return Len == 0; }
  constexpr const T *begin() const { return Ptr; }
  constexpr const T *end() const { return Ptr + Len; }
  constexpr const T &operator[](size_t I) const {
    assert(I < Len && "Span index out of range");
    return Ptr[I];
  }

private:
  const T *Ptr = nullptr;
  size_t Len = 0;
};

} // namespace switchyard

#endif // SWITCHYARD_PROTOCOL_SPAN_H
