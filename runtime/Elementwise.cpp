//===- Elementwise.cpp - Copy, fill, unary, binary and select kernels -----===//
#include "Loops.h"
#include "kiln/ops/ScalarMath.h"
#include "kiln/runtime/Kernels.h"

#include <cmath>
#include <limits>

namespace kiln::runtime {

int64_t StridedView::numel() const {
  int64_t n = 1;
  for (int64_t s : sizes)
    n *= s;
  return n;
}

bool StridedView::isContiguous() const {
  // As in PyTorch, a tensor without elements is contiguous whatever its
  // strides (an empty slice of a contiguous tensor stays contiguous).
  if (numel() == 0)
    return true;
  int64_t expected = 1;
  for (int64_t d = dim() - 1; d >= 0; --d) {
    if (sizes[d] != 1 && strides[d] != expected)
      return false;
    expected *= sizes[d];
  }
  return true;
}

bool isComparison(BinaryOp op) {
  switch (op) {
  case BinaryOp::Eq:
  case BinaryOp::Ne:
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge:
  case BinaryOp::LogicalAnd:
  case BinaryOp::LogicalOr:
    return true;
  default:
    return false;
  }
}

namespace {

/// Reads a T. A bool is any nonzero byte (from_blob memory may hold 2):
/// reading the raw byte would leak it into arithmetic and comparisons.
template <class T> T at(const char *p) {
  if constexpr (std::is_same_v<T, bool>)
    return *reinterpret_cast<const uint8_t *>(p) != 0;
  else
    return *reinterpret_cast<const T *>(p);
}
/// Element i of a dense row of T, bools normalized as in at().
template <class T> T elem(const T *p, int64_t i) {
  if constexpr (std::is_same_v<T, bool>)
    return reinterpret_cast<const uint8_t *>(p)[i] != 0;
  else
    return p[i];
}

/// Applies `f(In) -> Out` elementwise; the contiguous row is a plain loop.
template <class In, class Out, class F>
void map1(const StridedView &in, const StridedView &out, F f) {
  forEachRow<2>(out.sizes, {&out, &in}, [&](auto p, auto s, int64_t n) {
    auto *o = reinterpret_cast<Out *>(p[0]);
    auto *a = reinterpret_cast<const In *>(p[1]);
    if (s[0] == sizeof(Out) && s[1] == sizeof(In)) {
      for (int64_t i = 0; i < n; ++i)
        o[i] = f(elem(a, i));
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out *>(p[0] + i * s[0]) = f(at<In>(p[1] + i * s[1]));
    }
  });
}

/// Applies `f(T, T) -> Out`; fast rows for contiguous and scalar operands.
template <class T, class Out, class F>
void map2(const StridedView &a, const StridedView &b, const StridedView &out,
          F f) {
  forEachRow<3>(out.sizes, {&out, &a, &b}, [&](auto p, auto s, int64_t n) {
    auto *o = reinterpret_cast<Out *>(p[0]);
    auto *x = reinterpret_cast<const T *>(p[1]);
    auto *y = reinterpret_cast<const T *>(p[2]);
    if (s[0] == sizeof(Out) && s[1] == sizeof(T) && s[2] == sizeof(T)) {
      for (int64_t i = 0; i < n; ++i)
        o[i] = f(elem(x, i), elem(y, i));
    } else if (s[0] == sizeof(Out) && s[1] == sizeof(T) && s[2] == 0) {
      T c = elem(y, 0);
      for (int64_t i = 0; i < n; ++i)
        o[i] = f(elem(x, i), c);
    } else if (s[0] == sizeof(Out) && s[1] == 0 && s[2] == sizeof(T)) {
      T c = elem(x, 0);
      for (int64_t i = 0; i < n; ++i)
        o[i] = f(c, elem(y, i));
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out *>(p[0] + i * s[0]) =
            f(at<T>(p[1] + i * s[1]), at<T>(p[2] + i * s[2]));
    }
  });
}

using ops::ScalarMath;
using ops::wrapping;

template <class T>
void unaryTyped(UnaryOp op, const StridedView &in, const StridedView &out) {
  switch (op) {
#define KILN_UNARY_CASE(Name, ...)                                             \
  case UnaryOp::Name:                                                          \
    return map1<T, T>(in, out, [](T x) {                                       \
      ScalarMath<T> s;                                                         \
      return ops::Name::value(s, x);                                           \
    });
    KILN_UNARY_OPS(KILN_UNARY_CASE)
#undef KILN_UNARY_CASE
  case UnaryOp::Relu:
    return map1<T, T>(in, out, [](T x) { return x < T(0) ? T(0) : x; });
  case UnaryOp::Sign:
    return map1<T, T>(in, out, [](T x) { return T((T(0) < x) - (x < T(0))); });
  case UnaryOp::LogicalNot:
    return map1<T, T>(in, out, [](T x) { return T(!x); });
  }
}

template <class T>
void binaryTyped(BinaryOp op, const StridedView &a, const StridedView &b,
                 const StridedView &out) {
  switch (op) {
#define KILN_BINARY_CASE(Name, mnemonic, RuntimeName, ...)                     \
  case BinaryOp::RuntimeName:                                                  \
    return map2<T, T>(a, b, out, [](T x, T y) {                                \
      ScalarMath<T> s;                                                         \
      return ops::Name::value(s, x, y);                                        \
    });
    KILN_BINARY_OPS(KILN_BINARY_CASE)
#undef KILN_BINARY_CASE
  case BinaryOp::ThresholdGrad:
    // PyTorch's threshold_backward: 0 where x <= 0; a NaN x passes g.
    return map2<T, T>(a, b, out, [](T g, T x) { return x <= T(0) ? T(0) : g; });
  case BinaryOp::Eq:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x == y; });
  case BinaryOp::Ne:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x != y; });
  case BinaryOp::Lt:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x < y; });
  case BinaryOp::Le:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x <= y; });
  case BinaryOp::Gt:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x > y; });
  case BinaryOp::Ge:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x >= y; });
  case BinaryOp::LogicalAnd:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x && y; });
  case BinaryOp::LogicalOr:
    return map2<T, bool>(a, b, out, [](T x, T y) { return x || y; });
  }
}

} // namespace

void copy(const StridedView &src, const StridedView &dst) {
  dispatchType(dst.dtype, [&](auto d) {
    using D = decltype(d);
    dispatchType(src.dtype, [&](auto s) {
      using S = decltype(s);
      map1<S, D>(src, dst, [](S x) { return convertValue<D>(x); });
    });
  });
}

void fill(const StridedView &dst, double value) {
  dispatchType(dst.dtype, [&](auto d) {
    using D = decltype(d);
    D v = convertValue<D>(value);
    forEachRow<1>(dst.sizes, {&dst}, [&](auto p, auto s, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<D *>(p[0] + i * s[0]) = v;
    });
  });
}

void unary(UnaryOp op, const StridedView &in, const StridedView &out) {
  dispatchType(in.dtype, [&](auto t) { unaryTyped<decltype(t)>(op, in, out); });
}

void binary(BinaryOp op, const StridedView &a, const StridedView &b,
            const StridedView &out) {
  dispatchType(a.dtype,
               [&](auto t) { binaryTyped<decltype(t)>(op, a, b, out); });
}

void where(const StridedView &cond, const StridedView &a, const StridedView &b,
           const StridedView &out) {
  dispatchType(out.dtype, [&](auto t) {
    using T = decltype(t);
    forEachRow<4>(out.sizes, {&out, &cond, &a, &b},
                  [&](auto p, auto s, int64_t n) {
                    for (int64_t i = 0; i < n; ++i)
                      *reinterpret_cast<T *>(p[0] + i * s[0]) =
                          at<bool>(p[1] + i * s[1]) ? at<T>(p[2] + i * s[2])
                                                    : at<T>(p[3] + i * s[3]);
                  });
  });
}

void clamp(const StridedView &in, const StridedView &out, bool hasLo, double lo,
           bool hasHi, double hi) {
  dispatchType(in.dtype, [&](auto t) {
    using T = decltype(t);
    T l = static_cast<T>(lo), h = static_cast<T>(hi);
    if (hasLo && hasHi)
      // min(max(x, lo), hi): with lo > hi every element becomes hi.
      map1<T, T>(in, out, [=](T x) {
        T y = x < l ? l : x;
        return h < y ? h : y;
      });
    else if (hasLo)
      map1<T, T>(in, out, [=](T x) { return x < l ? l : x; });
    else
      map1<T, T>(in, out, [=](T x) { return h < x ? h : x; });
  });
}

int64_t countTrue(const StridedView &mask) {
  int64_t count = 0;
  forEachRow<1>(mask.sizes, {&mask}, [&](auto p, auto s, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      count += at<bool>(p[0] + i * s[0]);
  });
  return count;
}

void maskedSelect(const StridedView &src, const StridedView &mask,
                  const StridedView &out) {
  dispatchType(src.dtype, [&](auto t) {
    using T = decltype(t);
    T *o = static_cast<T *>(out.data);
    // Row-major order over the unmerged shape keeps PyTorch's element order.
    forEachRow<2>(src.sizes, {&src, &mask}, [&](auto p, auto s, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        if (at<bool>(p[1] + i * s[1]))
          *o++ = at<T>(p[0] + i * s[0]);
    });
  });
}

void maskedScatter(const StridedView &dst, const StridedView &mask,
                   const StridedView &values) {
  dispatchType(dst.dtype, [&](auto t) {
    using T = decltype(t);
    const T *v = static_cast<const T *>(values.data);
    bool single = values.numel() == 1;
    forEachRow<2>(dst.sizes, {&dst, &mask}, [&](auto p, auto s, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        if (at<bool>(p[1] + i * s[1]))
          *reinterpret_cast<T *>(p[0] + i * s[0]) = elem(single ? v : v++, 0);
    });
  });
}

} // namespace kiln::runtime
