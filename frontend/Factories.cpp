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
  if (auto *r = trace::active()) {
    if (origin == Origin::Random)
      r->fail("random numbers are drawn inside the traced function");
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

const Tensor &Tensor::uniform_(double from, double to) const {
  checkInplace(*this);
  if (auto *r = trace::active())
    r->fail("random numbers are drawn inside the traced function");
  Tensor tmp = emptyTensor(sizes(), dtype());
  runtime::fillUniform(tmp.impl().view(), from, to);
  NoGradGuard noGrad;
  return copy_(tmp);
}

const Tensor &Tensor::normal_(double mean, double std) const {
  checkInplace(*this);
  if (auto *r = trace::active())
    r->fail("random numbers are drawn inside the traced function");
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
  return from_blob(data, sizes, contiguousStrides(sizes), options);
}

Tensor from_blob(void *data, IntArrayRef sizes, IntArrayRef strides,
                 const TensorOptions &options) {
  checkSupportedType(options.dtype());
  KILN_CHECK(sizes.size() == strides.size(), "from_blob: got ", sizes.size(),
             " sizes but ", strides.size(), " strides");
  int64_t extent = 1;
  for (size_t d = 0; d < sizes.size(); ++d)
    extent += (sizes[d] - 1) * strides[d];
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<runtime::StorageImpl>(
      data, extent * elementSize(options.dtype()), nullptr);
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

TensorDataContainer::TensorDataContainer(const std::vector<double> &v)
    : isScalar_(false) {
  for (double x : v)
    children_.emplace_back(x);
}
TensorDataContainer::TensorDataContainer(const std::vector<float> &v)
    : isScalar_(false) {
  for (float x : v)
    children_.emplace_back(x);
}
TensorDataContainer::TensorDataContainer(const std::vector<int64_t> &v)
    : isScalar_(false) {
  for (int64_t x : v)
    children_.emplace_back(x);
}

namespace {
void inferShape(const TensorDataContainer &c, size_t depth,
                std::vector<int64_t> &shape, ScalarType &type, bool &first) {
  if (c.isScalar()) {
    KILN_CHECK(depth == shape.size() || first,
               "Expected all sub-lists to have the same depth");
    if (first)
      shape.resize(depth);
    first = false;
    ScalarType s = c.scalar().isFloatingPoint()
                       ? get_default_dtype_as_scalartype()
                       : c.scalar().type();
    type = static_cast<int>(s) > static_cast<int>(type) ? s : type;
    return;
  }
  int64_t n = static_cast<int64_t>(c.children().size());
  if (first) {
    if (shape.size() <= depth)
      shape.resize(depth + 1);
    shape[depth] = n;
  } else {
    KILN_CHECK(depth < shape.size() && shape[depth] == n,
               "Expected all sub-lists to have sizes: ",
               depth < shape.size() ? shape[depth] : 0,
               " (while checking "
               "dimension ",
               depth, "), but got ", n);
  }
  if (n == 0 && first) {
    shape.resize(depth + 1);
    first = false;
  }
  for (auto &child : c.children())
    inferShape(child, depth + 1, shape, type, first);
}

void fillData(const TensorDataContainer &c, Tensor &out, int64_t &pos) {
  if (c.isScalar()) {
    dispatchType(out.dtype(), [&](auto v) {
      using T = decltype(v);
      static_cast<T *>(out.impl().data())[pos++] = c.scalar().to<T>();
    });
    return;
  }
  for (auto &child : c.children())
    fillData(child, out, pos);
}
} // namespace

Tensor tensor(const TensorDataContainer &data, const TensorOptions &options) {
  std::vector<int64_t> shape;
  ScalarType inferred = kBool;
  bool first = true;
  inferShape(data, 0, shape, inferred, first);
  if (!data.isScalar() && data.children().empty())
    inferred = get_default_dtype_as_scalartype();
  Tensor out =
      emptyTensor(shape, options.has_dtype() ? options.dtype() : inferred);
  int64_t pos = 0;
  fillData(data, out, pos);
  return finish(out, options);
}

} // namespace kiln
