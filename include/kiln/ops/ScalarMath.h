//===- ScalarMath.h - Scalar semantics of the elementwise ops --*- C++ -*-===//
//
// The scalar builder of kiln/ops/Elementwise.h on C++ values: the eager CPU
// kernels compute with it, and the kiln dialect's folds evaluate constants
// with it, so that a folded constant is what eager computes.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_OPS_SCALARMATH_H
#define KILN_OPS_SCALARMATH_H

#include <cmath>
#include <limits>
#include <type_traits>

namespace kiln::ops {

/// Integer arithmetic wraps (two's complement), as the compiled code's
/// arith ops do; signed overflow in C++ would be undefined.
template <class T, class F> T wrapping(T x, T y, F f) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(f(static_cast<U>(x), static_cast<U>(y)));
  } else {
    return T(f(x, y));
  }
}

/// IEEE 754-2019 maximum (minimum): NaN wins, and +0.0 > -0.0, so that the
/// result does not depend on operand order (nor a reduction's order).
template <class T> T maxOf(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(y))
      return std::numeric_limits<T>::quiet_NaN();
    if (x == y)
      return std::signbit(x) ? y : x;
  }
  return x < y ? y : x;
}
template <class T> T minOf(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(y))
      return std::numeric_limits<T>::quiet_NaN();
    if (x == y)
      return std::signbit(x) ? x : y;
  }
  return y < x ? y : x;
}

template <class T> T powOf(T x, T y) {
  if constexpr (std::is_same_v<T, bool>)
    return y ? x : true;
  else if constexpr (std::is_integral_v<T>) {
    if (y < 0)
      return x == 1 ? 1 : (x == -1 ? (y % 2 ? -1 : 1) : 0);
    // Square and multiply, wrapping.
    using U = std::make_unsigned_t<T>;
    U r = 1, base = static_cast<U>(x);
    for (T e = y; e > 0; e >>= 1) {
      if (e & 1)
        r *= base;
      base *= base;
    }
    return static_cast<T>(r);
  } else {
    if (y == T(2))
      return x * x;
    return std::pow(x, y);
  }
}

/// The scalar primitives of kiln/ops/Elementwise.h on C++ values of type T:
/// integer arithmetic wraps, transcendental functions of integers go
/// through double.
template <class T> struct ScalarMath {
  using F = std::conditional_t<std::is_floating_point_v<T>, T, double>;
  static constexpr bool isFloat = std::is_floating_point_v<T>;

  T constant(T, double v) { return T(v); }
  T neg(T x) {
    if constexpr (isFloat)
      return T(-x); // -(+0.0) is -0.0, not 0 - x
    else
      return wrapping(T(0), x, [](auto p, auto q) { return p - q; });
  }
  T abs(T x) {
    if constexpr (isFloat)
      return std::fabs(x); // |-0.0| is +0.0
    else
      return x < T(0) ? neg(x) : x;
  }
  T exp(T x) { return T(std::exp(F(x))); }
  T log(T x) { return T(std::log(F(x))); }
  T sqrt(T x) { return T(std::sqrt(F(x))); }
  T sin(T x) { return T(std::sin(F(x))); }
  T cos(T x) { return T(std::cos(F(x))); }
  T tanh(T x) { return T(std::tanh(F(x))); }
  T erf(T x) { return T(std::erf(F(x))); }
  T add(T x, T y) {
    return wrapping(x, y, [](auto p, auto q) { return p + q; });
  }
  T sub(T x, T y) {
    return wrapping(x, y, [](auto p, auto q) { return p - q; });
  }
  T mul(T x, T y) {
    return wrapping(x, y, [](auto p, auto q) { return p * q; });
  }
  /// Integer division truncates; x / 0 is 0 and x / -1 wraps (MIN / -1 is
  /// MIN), where C++ (and LLVM's sdiv) would trap.
  T div(T x, T y) {
    if constexpr (std::is_same_v<T, bool>)
      return y ? x : false;
    else if constexpr (std::is_integral_v<T>)
      return y == 0 ? T(0) : y == T(-1) ? neg(x) : T(x / y);
    else
      return T(x / y);
  }
  /// The truncated remainder: fmod for floats (exact); for integers x % 0
  /// and x % -1 are 0, where C++ (and LLVM's srem) would trap.
  T rem(T x, T y) {
    if constexpr (isFloat)
      return std::fmod(x, y);
    else if constexpr (std::is_same_v<T, bool>)
      return false;
    else
      return y == 0 || y == T(-1) ? T(0) : T(x % y);
  }
  T pow(T x, T y) { return powOf<T>(x, y); }
  T maximum(T x, T y) { return maxOf(x, y); }
  T minimum(T x, T y) { return minOf(x, y); }
  bool lt(T x, T y) { return x < y; }
  bool gt(T x, T y) { return x > y; }
  T select(bool c, T x, T y) { return c ? x : y; }
};

} // namespace kiln::ops

#endif // KILN_OPS_SCALARMATH_H
