//===- TensorOptions.h - dtype, device and requires_grad --------*- C++ -*-===//
#ifndef KILN_TENSOROPTIONS_H
#define KILN_TENSOROPTIONS_H

#include "kiln/runtime/DType.h"

#include <optional>
#include <type_traits>

namespace kiln {

enum class DeviceType : int8_t { CPU = 0, CUDA = 1 };
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;

/// Where a tensor lives. Only the CPU is implemented in eager mode.
struct Device {
  Device(DeviceType type = kCPU, int index = -1) : type_(type), index_(index) {}
  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool is_cpu() const { return type_ == kCPU; }
  bool operator==(const Device &o) const {
    return type_ == o.type_ && index_ == o.index_;
  }

private:
  DeviceType type_;
  int index_;
};

/// libtorch's builder for factory arguments:
/// `TensorOptions().dtype(kDouble).requires_grad(true)`.
class TensorOptions {
public:
  TensorOptions() = default;
  TensorOptions(ScalarType t) : dtype_(t) {}
  TensorOptions(Device d) : device_(d) {}
  TensorOptions(DeviceType d) : device_(Device(d)) {}

  TensorOptions dtype(ScalarType t) const {
    auto r = *this;
    r.dtype_ = t;
    return r;
  }
  TensorOptions requires_grad(bool r) const {
    auto o = *this;
    o.requiresGrad_ = r;
    return o;
  }
  TensorOptions device(Device d) const {
    auto r = *this;
    r.device_ = d;
    return r;
  }

  /// The dtype set, else the default float type (set_default_dtype).
  ScalarType dtype() const;
  bool has_dtype() const { return dtype_.has_value(); }
  std::optional<ScalarType> dtype_opt() const { return dtype_; }
  bool requires_grad() const { return requiresGrad_; }
  Device device() const { return device_; }

private:
  std::optional<ScalarType> dtype_;
  bool requiresGrad_ = false;
  Device device_;
};

/// libtorch's `caffe2::TypeMeta` as far as the default dtype needs it:
/// `set_default_dtype(scalarTypeToTypeMeta(kDouble))` and
/// `get_default_dtype().toScalarType()`.
class TypeMeta {
public:
  constexpr TypeMeta(ScalarType t = kFloat) : type_(t) {}
  template <class T> static constexpr TypeMeta Make() {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "the default dtype is float or double");
    return TypeMeta(std::is_same_v<T, float> ? kFloat : kDouble);
  }
  constexpr ScalarType toScalarType() const { return type_; }
  constexpr operator ScalarType() const { return type_; }
  const char *name() const { return toString(type_); }

private:
  ScalarType type_;
};
inline TypeMeta scalarTypeToTypeMeta(ScalarType t) { return TypeMeta(t); }

/// The dtype that factories and Python floats take when none is given
/// (PyTorch's `torch.set_default_dtype`): kFloat or kDouble, process-wide.
/// Other types are refused with PyTorch's message.
void set_default_dtype(TypeMeta dtype);
TypeMeta get_default_dtype();
ScalarType get_default_dtype_as_scalartype();

inline ScalarType TensorOptions::dtype() const {
  return dtype_ ? *dtype_ : get_default_dtype_as_scalartype();
}

inline TensorOptions dtype(ScalarType t) { return TensorOptions().dtype(t); }
inline TensorOptions requires_grad(bool r = true) {
  return TensorOptions().requires_grad(r);
}
inline TensorOptions device(Device d) { return TensorOptions().device(d); }

} // namespace kiln

#endif // KILN_TENSOROPTIONS_H
