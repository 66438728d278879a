//===- TensorOptions.h - dtype, device and requires_grad --------*- C++ -*-===//
#ifndef KILN_TENSOROPTIONS_H
#define KILN_TENSOROPTIONS_H

#include "kiln/runtime/DType.h"

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>

namespace kiln {

/// libtorch's device types (the values c10 gives them). Only the CPU is
/// implemented in eager mode; the others name devices for parsing and
/// options, and tensors are refused on them.
enum class DeviceType : int8_t {
  CPU = 0,
  CUDA = 1,
  MKLDNN = 2,
  OPENGL = 3,
  OPENCL = 4,
  IDEEP = 5,
  HIP = 6,
  FPGA = 7,
  MAIA = 8,
  XLA = 9,
  Vulkan = 10,
  Metal = 11,
  XPU = 12,
  MPS = 13,
  Meta = 14,
};
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;
constexpr DeviceType kHIP = DeviceType::HIP;
constexpr DeviceType kXLA = DeviceType::XLA;
constexpr DeviceType kMPS = DeviceType::MPS;
constexpr DeviceType kMeta = DeviceType::Meta;
constexpr DeviceType kVulkan = DeviceType::Vulkan;
constexpr DeviceType kMetal = DeviceType::Metal;
constexpr DeviceType kXPU = DeviceType::XPU;

/// The lower-case name libtorch prints ("cpu", "cuda", ...).
std::string DeviceTypeName(DeviceType d, bool lower_case = false);
std::ostream &operator<<(std::ostream &os, DeviceType d);

/// Where a tensor lives. Only the CPU is implemented in eager mode.
struct Device {
  /// libtorch's `Device::Type`.
  using Type = DeviceType;
  Device(DeviceType type = kCPU, int index = -1) : type_(type), index_(index) {}
  /// Parses "cpu", "cuda:1", "hip:0", ... as libtorch does; anything else
  /// throws.
  Device(const std::string &device_string);
  /// (A template, so that a literal 0 is no device string.)
  template <size_t N>
  Device(const char (&device_string)[N]) : Device(std::string(device_string)) {}
  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool has_index() const { return index_ != -1; }
  void set_index(int index) { index_ = index; }
  bool is_cpu() const { return type_ == kCPU; }
  bool is_cuda() const { return type_ == kCUDA; }
  bool operator==(const Device &o) const {
    return type_ == o.type_ && index_ == o.index_;
  }
  bool operator!=(const Device &o) const { return !(*this == o); }
  /// "cpu", "cuda:1".
  std::string str() const;

private:
  DeviceType type_;
  int index_;
};
std::ostream &operator<<(std::ostream &os, const Device &d);

/// libtorch's memory layouts. kiln tensors are strided; the others exist
/// as option values and are refused when a tensor is made with them.
enum class Layout : int8_t { Strided, Sparse, SparseCsr, Mkldnn };
constexpr Layout kStrided = Layout::Strided;
constexpr Layout kSparse = Layout::Sparse;
constexpr Layout kSparseCsr = Layout::SparseCsr;
constexpr Layout kMkldnn = Layout::Mkldnn;
std::ostream &operator<<(std::ostream &os, Layout l);

/// libtorch's builder for factory arguments:
/// `TensorOptions().dtype(kDouble).requires_grad(true)`.
class TensorOptions {
public:
  TensorOptions() = default;
  TensorOptions(ScalarType t) : dtype_(t) {}
  TensorOptions(Device d) : device_(d) {}
  TensorOptions(DeviceType d) : device_(Device(d)) {}
  template <size_t N>
  TensorOptions(const char (&device)[N]) : device_(Device(device)) {}
  TensorOptions(const std::string &device) : device_(Device(device)) {}
  TensorOptions(Layout l) : layout_(l) {}

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
  TensorOptions requires_grad(std::optional<bool> r) const {
    auto o = *this;
    o.requiresGrad_ = r;
    return o;
  }
  TensorOptions device(Device d) const {
    auto r = *this;
    r.device_ = d;
    return r;
  }
  TensorOptions device(DeviceType type, int index) const {
    return device(Device(type, index));
  }
  /// A CUDA device with this index (libtorch's `device_index`).
  TensorOptions device_index(int index) const {
    return device(Device(kCUDA, index));
  }
  TensorOptions layout(Layout l) const {
    auto r = *this;
    r.layout_ = l;
    return r;
  }

  /// The dtype set, else the default float type (set_default_dtype).
  ScalarType dtype() const;
  bool has_dtype() const { return dtype_.has_value(); }
  std::optional<ScalarType> dtype_opt() const { return dtype_; }
  bool requires_grad() const { return requiresGrad_.value_or(false); }
  bool has_requires_grad() const { return requiresGrad_.has_value(); }
  std::optional<bool> requires_grad_opt() const { return requiresGrad_; }
  Device device() const { return device_; }
  Layout layout() const { return layout_.value_or(kStrided); }
  bool has_layout() const { return layout_.has_value(); }
  std::optional<Layout> layout_opt() const { return layout_; }

private:
  std::optional<ScalarType> dtype_;
  std::optional<bool> requiresGrad_;
  Device device_;
  std::optional<Layout> layout_;
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
inline TensorOptions device_index(int index) {
  return TensorOptions().device_index(index);
}
inline TensorOptions layout(Layout l) { return TensorOptions().layout(l); }

} // namespace kiln

#endif // KILN_TENSOROPTIONS_H
