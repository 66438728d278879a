//===- Factories.cpp - Tensor creation ------------------------------------===//
#include "OpsCommon.h"
#include "kiln/TensorData.h"
#include "kiln/Trace.h"

#include <cmath>
#include <cstring>
#include <random>

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

namespace {
runtime::RandomGenerator *genPtr(const std::optional<Generator> &g) {
  return g && g->defined() ? g->unsafeGetGeneratorImpl() : nullptr;
}
void failTrace() {
  if (auto *r = trace::active())
    r->fail("random numbers drawn inside the traced function");
}
/// `self` as contiguous doubles (a copy the caller may read).
Tensor doubles(const Tensor &self) {
  NoGradGuard noGrad;
  return self.detach().to(kDouble).contiguous().clone();
}
} // namespace

void manual_seed(uint64_t seed) { runtime::manualSeed(seed); }

void Generator::set_current_seed(uint64_t seed) const {
  KILN_CHECK(defined(), "Generator is undefined");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->engine.seed(seed);
  impl_->seed = seed;
}

uint64_t Generator::current_seed() const {
  KILN_CHECK(defined(), "Generator is undefined");
  return impl_->seed;
}

uint64_t Generator::seed() const {
  std::random_device rd;
  uint64_t s = (uint64_t(rd()) << 32) ^ rd();
  set_current_seed(s);
  return s;
}

Tensor Generator::get_state() const {
  KILN_CHECK(defined(), "Generator is undefined");
  std::vector<uint64_t> words = runtime::saveState(*impl_);
  Tensor out = emptyTensor({int64_t(words.size())}, kLong);
  std::memcpy(out.impl().data(), words.data(), words.size() * 8);
  return out;
}

void Generator::set_state(const Tensor &new_state) const {
  KILN_CHECK(defined(), "Generator is undefined");
  KILN_CHECK(new_state.defined() && new_state.scalar_type() == kLong &&
                 new_state.dim() == 1,
             "set_state expects a 1-D kLong tensor from get_state, got ",
             new_state.defined() ? toString(new_state.scalar_type()) : "none");
  Tensor c = new_state.contiguous();
  std::vector<uint64_t> words(c.numel());
  std::memcpy(words.data(), c.impl().data(), words.size() * 8);
  try {
    runtime::loadState(*impl_, words);
  } catch (const std::invalid_argument &) {
    KILN_CHECK(false, "Expected a generator state of ",
               std::mt19937_64::state_size + 2, " values from get_state, got ",
               words.size(), " that are not one");
  }
}

Generator Generator::clone() const {
  KILN_CHECK(defined(), "Generator is undefined");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return Generator(std::make_shared<CPUGeneratorImpl>(*impl_));
}

Device Generator::device() const { return Device(kCPU); }

std::mutex &Generator::mutex() const {
  KILN_CHECK(defined(), "Generator is undefined");
  return impl_->mutex;
}

namespace detail {
Generator createCPUGenerator(uint64_t seed) {
  return Generator(std::make_shared<CPUGeneratorImpl>(seed));
}
const Generator &getDefaultCPUGenerator() {
  static const Generator gen(std::shared_ptr<CPUGeneratorImpl>(
      &runtime::defaultGenerator(), [](CPUGeneratorImpl *) {}));
  return gen;
}
} // namespace detail

Tensor get_rng_state() { return detail::getDefaultCPUGenerator().get_state(); }
void set_rng_state(const Tensor &new_state) {
  detail::getDefaultCPUGenerator().set_state(new_state);
}

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
  return randn(size, std::nullopt, options);
}

Tensor randn(IntArrayRef size, std::optional<Generator> generator,
             const TensorOptions &options) {
  KILN_CHECK(isFloatingType(options.dtype()),
             "\"normal_kernel_cpu\" not "
             "implemented for '",
             toString(options.dtype()), "'");
  failTrace();
  Tensor out = emptyTensor(size, options.dtype());
  runtime::fillNormal(out.impl().view(), 0, 1, genPtr(generator));
  return finish(out, options, Origin::Random);
}

Tensor rand(IntArrayRef size, const TensorOptions &options) {
  return rand(size, std::nullopt, options);
}

Tensor rand(IntArrayRef size, std::optional<Generator> generator,
            const TensorOptions &options) {
  KILN_CHECK(isFloatingType(options.dtype()),
             "\"check_uniform_bounds\" not "
             "implemented for '",
             toString(options.dtype()), "'");
  failTrace();
  Tensor out = emptyTensor(size, options.dtype());
  runtime::fillUniform(out.impl().view(), 0, 1, genPtr(generator));
  return finish(out, options, Origin::Random);
}

Tensor randint(int64_t low, int64_t high, IntArrayRef size,
               const TensorOptions &options) {
  return randint(low, high, size, std::nullopt, options);
}

Tensor randint(int64_t low, int64_t high, IntArrayRef size,
               std::optional<Generator> generator,
               const TensorOptions &options) {
  KILN_CHECK(low < high,
             "random_ expects 'from' to be less than 'to', but "
             "got from=",
             low, " >= to=", high);
  failTrace();
  Tensor u = emptyTensor(size, kDouble);
  runtime::fillUniform(u.impl().view(), double(low), double(high),
                       genPtr(generator));
  Tensor out = emptyTensor(size, options.has_dtype() ? options.dtype() : kLong);
  double *p = static_cast<double *>(u.impl().data());
  for (int64_t i = 0; i < u.numel(); ++i)
    p[i] = std::min(std::floor(p[i]), double(high - 1));
  runtime::copy(u.impl().view(), out.impl().view());
  return finish(out, options, Origin::Random);
}

Tensor randint(int64_t high, IntArrayRef size, const TensorOptions &options) {
  return randint(0, high, size, options);
}

Tensor randint(int64_t high, IntArrayRef size,
               std::optional<Generator> generator,
               const TensorOptions &options) {
  return randint(0, high, size, std::move(generator), options);
}

Tensor randint_like(const Tensor &t, int64_t high,
                    const TensorOptions &options) {
  return randint_like(t, 0, high, options);
}

Tensor randint_like(const Tensor &t, int64_t low, int64_t high,
                    const TensorOptions &options) {
  return randint(
      low, high, t.sizes(),
      options.dtype(options.has_dtype() ? options.dtype() : t.scalar_type()));
}

Tensor randperm(int64_t n, const TensorOptions &options) {
  return randperm(n, std::nullopt, options);
}

Tensor randperm(int64_t n, std::optional<Generator> generator,
                const TensorOptions &options) {
  KILN_CHECK(n >= 0, "n must be non-negative, got", n);
  ScalarType t = options.has_dtype() ? options.dtype() : kLong;
  KILN_CHECK(t != kBool, "\"randperm\" not implemented for 'Bool'");
  failTrace();
  // Fisher-Yates over uniform draws.
  std::vector<double> u(n > 1 ? n - 1 : 0);
  runtime::drawUniform01(u.data(), int64_t(u.size()), genPtr(generator));
  Tensor idx = emptyTensor({n}, kLong);
  int64_t *p = static_cast<int64_t *>(idx.impl().data());
  for (int64_t i = 0; i < n; ++i)
    p[i] = i;
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = std::min(int64_t(u[i - 1] * double(i + 1)), i);
    std::swap(p[i], p[j]);
  }
  Tensor out = emptyTensor({n}, t);
  runtime::copy(idx.impl().view(), out.impl().view());
  return finish(out, options, Origin::Random);
}

Tensor normal(const Tensor &mean, const Tensor &std,
              std::optional<Generator> generator) {
  KILN_CHECK(isFloatingType(mean.scalar_type()) &&
                 isFloatingType(std.scalar_type()),
             "normal expects floating-point mean and std");
  KILN_CHECK(std.numel() == 0 || std.detach().min().item<double>() >= 0,
             "normal expects all elements of std >= 0.0");
  Tensor z =
      randn(broadcastShapes(mean.sizes(), std.sizes()), std::move(generator),
            promoteTypes(mean.scalar_type(), std.scalar_type()));
  NoGradGuard noGrad;
  return z * std.detach() + mean.detach();
}

Tensor normal(const Tensor &mean, double std,
              std::optional<Generator> generator) {
  KILN_CHECK(std >= 0, "normal expects std >= 0.0, but found std ", std);
  KILN_CHECK(isFloatingType(mean.scalar_type()),
             "normal expects a floating-point mean");
  Tensor z = randn(mean.sizes(), std::move(generator), mean.scalar_type());
  NoGradGuard noGrad;
  return z * std + mean.detach();
}

Tensor normal(double mean, const Tensor &std,
              std::optional<Generator> generator) {
  KILN_CHECK(isFloatingType(std.scalar_type()),
             "normal expects a floating-point std");
  KILN_CHECK(std.numel() == 0 || std.detach().min().item<double>() >= 0,
             "normal expects all elements of std >= 0.0");
  Tensor z = randn(std.sizes(), std::move(generator), std.scalar_type());
  NoGradGuard noGrad;
  return z * std.detach() + mean;
}

Tensor normal(double mean, double std, IntArrayRef size,
              std::optional<Generator> generator,
              const TensorOptions &options) {
  KILN_CHECK(std >= 0, "normal expects std >= 0.0, but found std ", std);
  KILN_CHECK(isFloatingType(options.dtype()),
             "\"normal_kernel_cpu\" not implemented for '",
             toString(options.dtype()), "'");
  failTrace();
  Tensor out = emptyTensor(size, options.dtype());
  runtime::fillNormal(out.impl().view(), mean, std, genPtr(generator));
  return finish(out, options, Origin::Random);
}

Tensor bernoulli(const Tensor &self, std::optional<Generator> generator) {
  return self.bernoulli(std::move(generator));
}

Tensor bernoulli(const Tensor &self, double p,
                 std::optional<Generator> generator) {
  Tensor out = empty_like(self);
  out.bernoulli_(p, std::move(generator));
  return out;
}

Tensor Tensor::bernoulli(std::optional<Generator> generator) const {
  Tensor out = emptyTensor(sizes(), scalar_type());
  out.bernoulli_(*this, std::move(generator));
  return out;
}

const Tensor &Tensor::bernoulli_(double p,
                                 std::optional<Generator> generator) const {
  KILN_CHECK(0 <= p && p <= 1,
             "bernoulli_ expects p to be in [0, 1], but got p=", p);
  checkInplace(*this);
  failTrace();
  Tensor tmp = emptyTensor(sizes(), scalar_type());
  runtime::fillBernoulli(tmp.impl().view(), p, genPtr(generator));
  NoGradGuard noGrad;
  return copy_(tmp);
}

const Tensor &Tensor::bernoulli_(const Tensor &p,
                                 std::optional<Generator> generator) const {
  checkInplace(*this);
  failTrace();
  Tensor probs = doubles(p.expand(sizes()));
  const double *pp = probs.data_ptr<double>();
  for (int64_t i = 0; i < probs.numel(); ++i)
    KILN_CHECK(0 <= pp[i] && pp[i] <= 1,
               "Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
  Tensor u = emptyTensor(sizes(), kDouble);
  double *up = static_cast<double *>(u.impl().data());
  runtime::drawUniform01(up, u.numel(), genPtr(generator));
  for (int64_t i = 0; i < u.numel(); ++i)
    up[i] = up[i] < pp[i] ? 1.0 : 0.0;
  NoGradGuard noGrad;
  return copy_(u);
}

Tensor multinomial(const Tensor &self, int64_t num_samples, bool replacement,
                   std::optional<Generator> generator) {
  return self.multinomial(num_samples, replacement, std::move(generator));
}

Tensor Tensor::multinomial(int64_t num_samples, bool replacement,
                           std::optional<Generator> generator) const {
  KILN_CHECK(dim() == 1 || dim() == 2, "prob_dist must be 1 or 2 dim");
  KILN_CHECK(isFloatingType(scalar_type()),
             "multinomial only supports floating-point dtypes for input, got: ",
             kiln::toString(scalar_type()));
  KILN_CHECK(num_samples > 0, "cannot sample n_sample <= 0 samples");
  int64_t cats = size(-1), rows = dim() == 2 ? size(0) : 1;
  KILN_CHECK(replacement || num_samples <= cats,
             "cannot sample n_sample > prob_dist.size(-1) samples without "
             "replacement");
  failTrace();
  Tensor w = doubles(*this);
  double *wp = w.data_ptr<double>();
  for (int64_t i = 0; i < w.numel(); ++i)
    KILN_CHECK(
        std::isfinite(wp[i]) && wp[i] >= 0,
        "probability tensor contains either `inf`, `nan` or element < 0");
  Tensor out = emptyTensor(dim() == 2 ? std::vector<int64_t>{rows, num_samples}
                                      : std::vector<int64_t>{num_samples},
                           kLong);
  int64_t *op = static_cast<int64_t *>(out.impl().data());
  std::vector<double> u(rows * num_samples);
  runtime::drawUniform01(u.data(), int64_t(u.size()), genPtr(generator));
  for (int64_t r = 0; r < rows; ++r) {
    double *row = wp + r * cats;
    double total = 0;
    int64_t positive = 0;
    for (int64_t c = 0; c < cats; ++c) {
      total += row[c];
      positive += row[c] > 0;
    }
    KILN_CHECK(total > 0,
               "invalid multinomial distribution (sum of probabilities <= 0)");
    KILN_CHECK(replacement || positive >= num_samples,
               "invalid multinomial distribution (with replacement=False, not "
               "enough non-negative category to sample)");
    for (int64_t s = 0; s < num_samples; ++s) {
      double target = u[r * num_samples + s] * total, acc = 0;
      int64_t pick = -1;
      for (int64_t c = 0; c < cats; ++c) {
        if (row[c] <= 0)
          continue;
        pick = c; // the last positive category absorbs rounding
        acc += row[c];
        if (target < acc)
          break;
      }
      op[r * num_samples + s] = pick;
      if (!replacement) {
        total -= row[pick];
        row[pick] = 0;
      }
    }
  }
  return finish(out, TensorOptions(kLong), Origin::Random);
}

const Tensor &Tensor::random_(int64_t from, int64_t to,
                              std::optional<Generator> generator) const {
  KILN_CHECK(from < to,
             "random_ expects 'from' to be less than 'to', but got from=", from,
             " >= to=", to);
  checkInplace(*this);
  Tensor drawn = randint(from, to, sizes(), std::move(generator), dtype());
  NoGradGuard noGrad;
  return copy_(drawn);
}

const Tensor &Tensor::uniform_(double from, double to,
                               std::optional<Generator> generator) const {
  checkInplace(*this);
  failTrace();
  Tensor tmp = emptyTensor(sizes(), dtype());
  runtime::fillUniform(tmp.impl().view(), from, to, genPtr(generator));
  NoGradGuard noGrad;
  return copy_(tmp);
}

const Tensor &Tensor::normal_(double mean, double std,
                              std::optional<Generator> generator) const {
  checkInplace(*this);
  failTrace();
  Tensor tmp = emptyTensor(sizes(), dtype());
  runtime::fillNormal(tmp.impl().view(), mean, std, genPtr(generator));
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
