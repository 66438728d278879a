//===- Factories.cpp - Tensor creation ------------------------------------===//
#include "OpsCommon.h"
#include "kiln/TensorData.h"
#include "kiln/Trace.h"

#include <cmath>

namespace kiln {

using namespace detail;

namespace {
/// How a trace sees a new tensor: as a constant (its values are fixed by
/// the program), as random (not capturable), or as external memory
/// (from_blob: the pointer may differ between calls, so not capturable).
enum class Origin { Constant, Random, External };

Tensor finish(Tensor t, const TensorOptions &options,
              Origin origin = Origin::Constant) {
  KILN_CHECK(options.device().is_cpu(),
             "kiln eager tensors live on the CPU; CUDA is not available");
  KILN_CHECK(options.layout() == kStrided, "kiln tensors are strided; layout ",
             options.layout(), " is not supported");
  if (auto *r = trace::active()) {
    if (origin == Origin::Random)
      r->fail("random numbers drawn inside the traced function");
    else if (origin == Origin::Constant)
      r->constant(t);
    else // the memory may be another on the next call
      r->fail("from_blob inside the step (make the tensor outside and pass "
              "it as an argument)");
  }
  if (options.requires_grad())
    t.requires_grad_(true);
  return t;
}
} // namespace

void manual_seed(uint64_t seed) { runtime::manualSeed(seed); }

Tensor empty(IntArrayRef size, const TensorOptions &options) {
  return finish(emptyTensor(size, options.dtype()), options);
}

Tensor full(IntArrayRef size, const Scalar &value,
            const TensorOptions &options) {
  ScalarType t = options.has_dtype() ? options.dtype()
                                     : (value.isFloatingPoint()
                                            ? get_default_dtype_as_scalartype()
                                            : value.type());
  Tensor out = emptyTensor(size, t);
  if (t == kLong && !value.isFloatingPoint()) {
    // Exact past 2^53, where a double would round.
    Tensor v = emptyTensor({}, kLong);
    *static_cast<int64_t *>(v.impl().data()) = value.toLong();
    runtime::copy(broadcastView(v, out.sizes()), out.impl().view());
  } else {
    runtime::fill(out.impl().view(), value.toDouble());
  }
  return finish(out, options);
}

Tensor zeros(IntArrayRef size, const TensorOptions &options) {
  return full(size, 0.0, options.dtype(options.dtype()));
}

Tensor ones(IntArrayRef size, const TensorOptions &options) {
  return full(size, 1.0, options.dtype(options.dtype()));
}

Tensor randn(IntArrayRef size, const TensorOptions &options) {
  KILN_CHECK(isFloatingType(options.dtype()),
             "\"normal_kernel_cpu\" not "
             "implemented for '",
             toString(options.dtype()), "'");
  Tensor out = emptyTensor(size, options.dtype());
  runtime::fillNormal(out.impl().view(), 0, 1);
  return finish(out, options, Origin::Random);
}

Tensor rand(IntArrayRef size, const TensorOptions &options) {
  KILN_CHECK(isFloatingType(options.dtype()),
             "\"check_uniform_bounds\" not "
             "implemented for '",
             toString(options.dtype()), "'");
  Tensor out = emptyTensor(size, options.dtype());
  runtime::fillUniform(out.impl().view(), 0, 1);
  return finish(out, options, Origin::Random);
}

Tensor randint(int64_t low, int64_t high, IntArrayRef size,
               const TensorOptions &options) {
  KILN_CHECK(low < high,
             "random_ expects 'from' to be less than 'to', but "
             "got from=",
             low, " >= to=", high);
  Tensor u = emptyTensor(size, kDouble);
  runtime::fillUniform(u.impl().view(), double(low), double(high));
  Tensor out = emptyTensor(size, options.has_dtype() ? options.dtype() : kLong);
  double *p = static_cast<double *>(u.impl().data());
  for (int64_t i = 0; i < u.numel(); ++i)
    p[i] = std::floor(p[i]);
  runtime::copy(u.impl().view(), out.impl().view());
  return finish(out, options, Origin::Random);
}

Tensor randint(int64_t high, IntArrayRef size, const TensorOptions &options) {
  return randint(0, high, size, options);
}

const Tensor &Tensor::random_(int64_t from, int64_t to) const {
  KILN_CHECK(from < to,
             "random_ expects 'from' to be less than 'to', but got from=", from,
             " >= to=", to);
  checkInplace(*this);
  Tensor drawn = randint(from, to, sizes(), dtype());
  NoGradGuard noGrad;
  return copy_(drawn);
}

const Tensor &Tensor::uniform_(double from, double to) const {
  checkInplace(*this);
  if (auto *r = trace::active())
    r->fail("random numbers drawn inside the traced function");
  Tensor tmp = emptyTensor(sizes(), dtype());
  runtime::fillUniform(tmp.impl().view(), from, to);
  NoGradGuard noGrad;
  return copy_(tmp);
}

const Tensor &Tensor::normal_(double mean, double std) const {
  checkInplace(*this);
  if (auto *r = trace::active())
    r->fail("random numbers drawn inside the traced function");
  Tensor tmp = emptyTensor(sizes(), dtype());
  runtime::fillNormal(tmp.impl().view(), mean, std);
  NoGradGuard noGrad;
  return copy_(tmp);
}

Tensor arange(const Scalar &end, const TensorOptions &options) {
  return arange(0, end, 1, options);
}

Tensor arange(const Scalar &start, const Scalar &end,
              const TensorOptions &options) {
  return arange(start, end, 1, options);
}

Tensor arange(const Scalar &start, const Scalar &end, const Scalar &step,
              const TensorOptions &options) {
  double s = start.toDouble(), e = end.toDouble(), st = step.toDouble();
  KILN_CHECK(st != 0, "step must be nonzero");
  KILN_CHECK((st > 0 && e >= s) || (st < 0 && e <= s),
             "upper bound and larger bound inconsistent with step sign");
  bool anyFloat = start.isFloatingPoint() || end.isFloatingPoint() ||
                  step.isFloatingPoint();
  ScalarType t = options.has_dtype()
                     ? options.dtype()
                     : (anyFloat ? get_default_dtype_as_scalartype() : kLong);
  int64_t n = static_cast<int64_t>(std::ceil((e - s) / st));
  Tensor out = emptyTensor({n}, t);
  dispatchType(t, [&](auto v) {
    using T = decltype(v);
    T *p = static_cast<T *>(out.impl().data());
    for (int64_t i = 0; i < n; ++i)
      p[i] = static_cast<T>(s + i * st);
  });
  return finish(out, options);
}

Tensor linspace(const Scalar &start, const Scalar &end, int64_t steps,
                const TensorOptions &options) {
  KILN_CHECK(steps >= 0, "number of steps must be non-negative");
  Tensor out = emptyTensor({steps}, options.dtype());
  double s = start.toDouble(), e = end.toDouble();
  double step = steps > 1 ? (e - s) / (steps - 1) : 0;
  dispatchType(out.dtype(), [&](auto v) {
    using T = decltype(v);
    T *p = static_cast<T *>(out.impl().data());
    // PyTorch fills the second half from the end for symmetry.
    int64_t half = steps / 2;
    if (steps == 1)
      p[0] = static_cast<T>(s);
    for (int64_t i = steps == 1 ? 1 : 0; i < steps; ++i)
      p[i] =
          static_cast<T>(i < half ? s + step * i : e - step * (steps - i - 1));
  });
  return finish(out, options);
}

Tensor eye(int64_t n, const TensorOptions &options) {
  Tensor out = zeros({n, n}, options.dtype(options.dtype()));
  dispatchType(out.dtype(), [&](auto v) {
    using T = decltype(v);
    for (int64_t i = 0; i < n; ++i)
      static_cast<T *>(out.impl().data())[i * n + i] = T(1);
  });
  return finish(out, options);
}

namespace {
TensorOptions likeOptions(const Tensor &t, const TensorOptions &options) {
  return options.dtype(options.has_dtype() ? options.dtype() : t.dtype());
}
} // namespace

Tensor zeros_like(const Tensor &t, const TensorOptions &o) {
  return zeros(t.sizes(), likeOptions(t, o));
}
Tensor ones_like(const Tensor &t, const TensorOptions &o) {
  return ones(t.sizes(), likeOptions(t, o));
}
Tensor empty_like(const Tensor &t, const TensorOptions &o) {
  return empty(t.sizes(), likeOptions(t, o));
}
Tensor full_like(const Tensor &t, const Scalar &v, const TensorOptions &o) {
  return full(t.sizes(), v, likeOptions(t, o));
}
Tensor randn_like(const Tensor &t, const TensorOptions &o) {
  return randn(t.sizes(), likeOptions(t, o));
}
Tensor rand_like(const Tensor &t, const TensorOptions &o) {
  return rand(t.sizes(), likeOptions(t, o));
}

Tensor from_blob(void *data, IntArrayRef sizes, const TensorOptions &options) {
  return from_blob(data, sizes, contiguousStrides(sizes), nullptr, options);
}

Tensor from_blob(void *data, IntArrayRef sizes, IntArrayRef strides,
                 const TensorOptions &options) {
  return from_blob(data, sizes, strides, nullptr, options);
}

Tensor from_blob(void *data, IntArrayRef sizes,
                 const std::function<void(void *)> &deleter,
                 const TensorOptions &options) {
  return from_blob(data, sizes, contiguousStrides(sizes), deleter, options);
}

Tensor from_blob(void *data, IntArrayRef sizes, IntArrayRef strides,
                 const std::function<void(void *)> &deleter,
                 const TensorOptions &options) {
  // The memory is the caller's: a refused call still hands it back.
  struct Release {
    const std::function<void(void *)> *deleter;
    void *data;
    ~Release() {
      if (deleter && *deleter)
        (*deleter)(data);
    }
  } release{&deleter, data};
  checkSupportedType(options.dtype());
  KILN_CHECK(sizes.size() == strides.size(), "from_blob: got ", sizes.size(),
             " sizes but ", strides.size(), " strides");
  int64_t extent = 1;
  for (size_t d = 0; d < sizes.size(); ++d)
    extent += (sizes[d] - 1) * strides[d];
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<runtime::StorageImpl>(
      data, extent * elementSize(options.dtype()), deleter);
  release.deleter = nullptr; // the storage owns the deleter now
  impl->dtype = options.dtype();
  impl->sizes = sizes.vec();
  impl->strides = strides.vec();
  return finish(Tensor(std::move(impl)), options, Origin::External);
}

Tensor scalar_tensor(const Scalar &s, const TensorOptions &options) {
  ScalarType t = options.has_dtype() ? options.dtype() : s.type();
  Tensor out = emptyTensor({}, t);
  runtime::fill(out.impl().view(), s.toDouble());
  if (!options.has_dtype())
    out.impl().isWrappedNumber = true;
  if (t == kLong)
    *static_cast<int64_t *>(out.impl().data()) = s.toLong();
  return finish(out, options);
}

// --- tensor({...})
// ------------------------------------------------------------

namespace detail {

TensorDataContainer::TensorDataContainer()
    : kind_(Kind::InitList),
      type_(get_default_dtype_as_scalartype()), sizes_{0} {}

namespace {
std::string sizesString(IntArrayRef sizes) {
  std::string r;
  for (size_t k = 0; k < sizes.size(); ++k)
    r += (k ? ", " : "") + std::to_string(sizes[k]);
  return r;
}
} // namespace

TensorDataContainer::TensorDataContainer(
    std::initializer_list<TensorDataContainer> list)
    : kind_(Kind::InitList), list_(list) {
  if (list_.empty()) {
    type_ = get_default_dtype_as_scalartype();
    sizes_ = {0};
    return;
  }
  const TensorDataContainer &first = list_.front();
  type_ = first.scalar_type();
  for (const TensorDataContainer &e : list_) {
    KILN_CHECK(
        e.sizes() == first.sizes(),
        "Expected all sub-lists to have sizes: ", sizesString(first.sizes()),
        " (e.g. ", first, "), but got sub-list ", e,
        " with sizes: ", sizesString(e.sizes()));
    // kiln also lets float and double literals mix (both become the
    // default dtype); libtorch refuses that too.
    bool bothFloating =
        isFloatingType(e.scalar_type()) && isFloatingType(first.scalar_type());
    KILN_CHECK(e.scalar_type() == first.scalar_type() || bothFloating,
               "Expected all elements of the tensor to have the same scalar "
               "type: ",
               first.scalar_type(),
               ", but got element of scalar type: ", e.scalar_type());
  }
  sizes_.push_back(static_cast<int64_t>(list_.size()));
  sizes_.insert(sizes_.end(), first.sizes().begin(), first.sizes().end());
}

template <class T, class V>
void TensorDataContainer::initValues(const V &values, ScalarType type) {
  kind_ = Kind::Tensor;
  type_ = type;
  int64_t n = static_cast<int64_t>(values.size());
  sizes_ = {n};
  ScalarType stored = type == kInt ? kLong : type;
  tensor_ = emptyTensor({n}, stored);
  int64_t k = 0;
  dispatchType(stored, [&](auto v) {
    using S = decltype(v);
    for (auto x : values)
      static_cast<S *>(tensor_.impl().data())[k++] = static_cast<S>(x);
  });
}

TensorDataContainer::TensorDataContainer(const std::vector<double> &v) {
  initValues<double>(v, kDouble);
}
TensorDataContainer::TensorDataContainer(const std::vector<float> &v) {
  initValues<float>(v, kFloat);
}
TensorDataContainer::TensorDataContainer(const std::vector<int> &v) {
  initValues<int>(v, kInt);
}
TensorDataContainer::TensorDataContainer(const std::vector<int64_t> &v) {
  initValues<int64_t>(v, kLong);
}
TensorDataContainer::TensorDataContainer(const std::vector<bool> &v) {
  initValues<bool>(v, kBool);
}
TensorDataContainer::TensorDataContainer(ArrayRef<double> v) {
  initValues<double>(v, kDouble);
}
TensorDataContainer::TensorDataContainer(ArrayRef<float> v) {
  initValues<float>(v, kFloat);
}
TensorDataContainer::TensorDataContainer(ArrayRef<int> v) {
  initValues<int>(v, kInt);
}
TensorDataContainer::TensorDataContainer(ArrayRef<int64_t> v) {
  initValues<int64_t>(v, kLong);
}
TensorDataContainer::TensorDataContainer(ArrayRef<bool> v) {
  initValues<bool>(v, kBool);
}

const Scalar &TensorDataContainer::scalar() const {
  KILN_CHECK(is_scalar(), "Can only call `scalar()` on a TensorDataContainer "
                          "that has `is_scalar() == true`");
  return scalar_;
}
const std::vector<TensorDataContainer> &TensorDataContainer::init_list() const {
  KILN_CHECK(is_init_list(), "Can only call `init_list()` on a "
                             "TensorDataContainer that has `is_init_list() == "
                             "true`");
  return list_;
}
const Tensor &TensorDataContainer::tensor() const {
  KILN_CHECK(is_tensor(), "Can only call `tensor()` on a TensorDataContainer "
                          "that has `is_tensor() == true`");
  return tensor_;
}

void TensorDataContainer::fill(Tensor &out, int64_t &pos) const {
  if (is_scalar()) {
    dispatchType(out.dtype(), [&](auto v) {
      using T = decltype(v);
      static_cast<T *>(out.impl().data())[pos++] = scalar_.to<T>();
    });
  } else if (is_tensor()) {
    Tensor src = tensor_.to(out.dtype());
    int64_t n = src.numel();
    runtime::copy(src.impl().view(),
                  out.reshape({-1}).slice(0, pos, pos + n).impl().view());
    pos += n;
  } else {
    for (const TensorDataContainer &c : list_)
      c.fill(out, pos);
  }
}

Tensor
TensorDataContainer::convert_to_tensor(const TensorOptions &options) const {
  // libtorch's compute_desired_dtype: C++ integers are int64 (Python's
  // int), C++ floating values the default dtype.
  ScalarType t = type_;
  if (t == kInt || t == kLong)
    t = kLong;
  else if (t == kFloat || t == kDouble)
    t = get_default_dtype_as_scalartype();
  Tensor out = emptyTensor(sizes_, options.has_dtype() ? options.dtype() : t);
  int64_t pos = 0;
  fill(out, pos);
  return out;
}

std::ostream &operator<<(std::ostream &os, const TensorDataContainer &c) {
  if (c.is_scalar())
    return os << c.scalar();
  os << "{";
  if (c.is_tensor()) {
    Tensor t = c.tensor();
    for (int64_t k = 0; k < t.numel(); ++k) {
      os << (k ? ", " : "");
      if (c.scalar_type() == kFloat)
        os << t[k].item<float>();
      else
        os << t[k].item();
    }
  } else {
    const auto &l = c.init_list();
    for (size_t k = 0; k < l.size(); ++k)
      os << (k ? ", " : "") << l[k];
  }
  return os << "}";
}

} // namespace detail

Tensor tensor(const TensorDataContainer &data, const TensorOptions &options) {
  return finish(data.convert_to_tensor(options), options);
}

} // namespace kiln
