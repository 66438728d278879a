//===- Scalar.h - A number of any kiln dtype --------------------*- C++ -*-===//
#ifndef KILN_SCALAR_H
#define KILN_SCALAR_H

#include "kiln/runtime/DType.h"

#include <cstdint>
#include <ostream>
#include <type_traits>

namespace kiln {

/// A Python-like number: remembers whether it was written as a bool, an
/// integer or a floating value, which matters for type promotion.
class Scalar {
public:
  Scalar() : Scalar(int64_t(0)) {}
  Scalar(bool v) : type_(kBool), d_(v), i_(v) {}
  template <class T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>,
                             int> = 0>
  Scalar(T v) : type_(kLong), d_(static_cast<double>(v)), i_(v) {}
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  // The integer slot is unused for floating values (and inf or nan have
  // no integer value).
  Scalar(T v) : type_(kDouble), d_(static_cast<double>(v)), i_(0) {}

  /// kBool, kLong or kDouble.
  ScalarType type() const { return type_; }
  bool isFloatingPoint() const { return type_ == kDouble; }
  bool isIntegral() const { return type_ == kLong; }
  bool isBoolean() const { return type_ == kBool; }

  double toDouble() const { return d_; }
  float toFloat() const { return static_cast<float>(d_); }
  int64_t toLong() const {
    return type_ == kDouble ? convertValue<int64_t>(d_) : i_;
  }
  int toInt() const { return static_cast<int>(toLong()); }
  bool toBool() const { return type_ == kDouble ? d_ != 0 : i_ != 0; }
  template <class T> T to() const {
    if constexpr (std::is_same_v<T, bool>)
      return toBool();
    else if constexpr (std::is_integral_v<T>)
      return static_cast<T>(toLong());
    else
      return static_cast<T>(d_);
  }
  Scalar operator-() const {
    return type_ == kDouble ? Scalar(-d_) : Scalar(-i_);
  }

private:
  ScalarType type_;
  double d_;
  int64_t i_;
};

std::ostream &operator<<(std::ostream &os, const Scalar &s);

} // namespace kiln

#endif // KILN_SCALAR_H
