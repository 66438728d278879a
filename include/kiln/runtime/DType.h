//===- DType.h - Element types of kiln tensors ------------------*- C++ -*-===//
//
// The four element types kiln stores, with libtorch's names. libtorch's
// other dtype names exist too, as ScalarType values no tensor can have:
// creating or converting a tensor to one throws kiln::Error.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_DTYPE_H
#define KILN_RUNTIME_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <type_traits>

namespace kiln {

/// Element type. Ordered by promotion category: bool < integer < floating.
/// The values from Byte on name libtorch dtypes kiln does not store; they
/// exist so that ported code compiles and fails clearly when it uses them.
enum class ScalarType : int8_t {
  Bool = 0,
  Long = 1,
  Float = 2,
  Double = 3,
  Byte = 16,
  Char,
  Short,
  Int,
  Half,
  BFloat16,
  ComplexHalf,
  ComplexFloat,
  ComplexDouble,
};
using Dtype = ScalarType;

constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kLong = ScalarType::Long;
constexpr ScalarType kInt64 = ScalarType::Long;
constexpr ScalarType kFloat = ScalarType::Float;
constexpr ScalarType kFloat32 = ScalarType::Float;
constexpr ScalarType kDouble = ScalarType::Double;
constexpr ScalarType kFloat64 = ScalarType::Double;
// Not stored by kiln (see isSupportedType):
constexpr ScalarType kByte = ScalarType::Byte;
constexpr ScalarType kUInt8 = ScalarType::Byte;
constexpr ScalarType kChar = ScalarType::Char;
constexpr ScalarType kInt8 = ScalarType::Char;
constexpr ScalarType kShort = ScalarType::Short;
constexpr ScalarType kInt16 = ScalarType::Short;
constexpr ScalarType kInt = ScalarType::Int;
constexpr ScalarType kInt32 = ScalarType::Int;
constexpr ScalarType kHalf = ScalarType::Half;
constexpr ScalarType kFloat16 = ScalarType::Half;
constexpr ScalarType kBFloat16 = ScalarType::BFloat16;
constexpr ScalarType kComplexHalf = ScalarType::ComplexHalf;
constexpr ScalarType kComplexFloat = ScalarType::ComplexFloat;
constexpr ScalarType kComplexDouble = ScalarType::ComplexDouble;

/// Whether tensors of this type exist in kiln (Bool, Long, Float, Double).
inline bool isSupportedType(ScalarType t) {
  return static_cast<int8_t>(t) >= 0 && static_cast<int8_t>(t) <= 3;
}

/// Bytes per element.
size_t elementSize(ScalarType t);
/// libtorch's name of the type: "Float", "Double", "Long", "Bool", "Int"...
const char *toString(ScalarType t);
/// Python's name of the type: "torch.float32", ...
const char *pythonName(ScalarType t);
/// The same without "torch.": "float32", "int64", ... (step manifests, the
/// AOT ABI's messages).
inline const char *dtypeName(ScalarType t) { return pythonName(t) + 6; }
inline bool isFloatingType(ScalarType t) { return t == kFloat || t == kDouble; }
/// PyTorch's promotion of two tensor element types.
ScalarType promoteTypes(ScalarType a, ScalarType b);

inline std::ostream &operator<<(std::ostream &os, ScalarType t) {
  return os << toString(t);
}

/// Converts one element as kiln's casts do, which is PyTorch's behaviour on
/// x86 CPUs: floats to integers truncate toward zero, and NaN or values
/// outside the integer's range become its minimum (INT64_MIN; C++ leaves
/// these undefined); anything converts to bool as `!= 0` (NaN is true).
template <class D, class S> D convertValue(S x) {
  if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D> &&
                !std::is_same_v<D, bool>) {
    // -2^(bits-1) and 2^(bits-1) are exact in every float type.
    constexpr S lo = static_cast<S>(std::numeric_limits<D>::min());
    if (!(x >= lo && x < -lo))
      return std::numeric_limits<D>::min();
  }
  return static_cast<D>(x);
}

/// Calls `fn(T{})` with the C++ type of `t`.
template <class Fn> decltype(auto) dispatchType(ScalarType t, Fn &&fn) {
  switch (t) {
  case ScalarType::Bool:
    return fn(bool{});
  case ScalarType::Long:
    return fn(int64_t{});
  case ScalarType::Float:
    return fn(float{});
  case ScalarType::Double:
  default:
    return fn(double{});
  }
}

} // namespace kiln

#endif // KILN_RUNTIME_DTYPE_H
