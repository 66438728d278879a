//===- Scalar.h - A number of any kiln dtype --------------------*- C++ -*-===//
#ifndef KILN_SCALAR_H
#define KILN_SCALAR_H

#include "kiln/runtime/DType.h"

#include "kiln/Error.h"

#include <cmath>
#include <cstdint>
#include <limits>
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
  /// The value as T; a value T cannot hold is an error (libtorch's
  /// checked conversion), not a silently wrapped or truncated number.
  template <class T> T to() const {
    if constexpr (std::is_same_v<T, bool>) {
      return toBool();
    } else if constexpr (std::is_integral_v<T>) {
      bool fits =
          type_ == kDouble
              ? std::isnan(d_) ||
                    (d_ >= double(std::numeric_limits<T>::min()) &&
                     d_ <= double(std::numeric_limits<T>::max()))
              : (std::is_signed_v<T> || i_ >= 0) &&
                    (i_ >= 0 ? uint64_t(i_) <=
                                   uint64_t(std::numeric_limits<T>::max())
                             : i_ >= int64_t(std::numeric_limits<T>::min()));
      KILN_CHECK(fits, "value cannot be converted to type ", typeName<T>(),
                 " without overflow");
      return static_cast<T>(toLong());
    } else {
      double v = type_ == kDouble ? d_ : double(i_);
      KILN_CHECK(!std::isfinite(v) ||
                     std::fabs(v) <= double(std::numeric_limits<T>::max()),
                 "value cannot be converted to type ", typeName<T>(),
                 " without overflow");
      return static_cast<T>(v);
    }
  }
  Scalar operator-() const {
    return type_ == kDouble ? Scalar(-d_) : Scalar(-i_);
  }

private:
  template <class T> static const char *typeName() {
    if constexpr (std::is_same_v<T, float>)
      return "float";
    else if constexpr (std::is_same_v<T, double>)
      return "double";
    else if constexpr (std::is_same_v<T, int64_t>)
      return "int64_t";
    else if constexpr (std::is_same_v<T, int32_t>)
      return "int32_t";
    else if constexpr (std::is_same_v<T, int16_t>)
      return "int16_t";
    else if constexpr (std::is_same_v<T, uint8_t>)
      return "uint8_t";
    else if constexpr (std::is_same_v<T, int8_t>)
      return "int8_t";
    else
      return "an integer type";
  }

  ScalarType type_;
  double d_;
  int64_t i_;
};

std::ostream &operator<<(std::ostream &os, const Scalar &s);

} // namespace kiln

#endif // KILN_SCALAR_H
