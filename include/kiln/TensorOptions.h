//===- TensorOptions.h - dtype, device and requires_grad --------*- C++ -*-===//
#ifndef KILN_TENSOROPTIONS_H
#define KILN_TENSOROPTIONS_H

#include "kiln/runtime/DType.h"

#include <optional>

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

  ScalarType dtype() const { return dtype_.value_or(kFloat); }
  bool has_dtype() const { return dtype_.has_value(); }
  std::optional<ScalarType> dtype_opt() const { return dtype_; }
  bool requires_grad() const { return requiresGrad_; }
  Device device() const { return device_; }

private:
  std::optional<ScalarType> dtype_;
  bool requiresGrad_ = false;
  Device device_;
};

inline TensorOptions dtype(ScalarType t) { return TensorOptions().dtype(t); }
inline TensorOptions requires_grad(bool r = true) {
  return TensorOptions().requires_grad(r);
}
inline TensorOptions device(Device d) { return TensorOptions().device(d); }

} // namespace kiln

#endif // KILN_TENSOROPTIONS_H
