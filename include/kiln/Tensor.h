//===- Tensor.h - The eager tensor with libtorch's API ----------*- C++ -*-===//
//
// A Tensor is a shared handle: copies alias the same data, as in libtorch.
// Every method that computes records autograd history when grad mode is on
// and an input requires grad.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TENSOR_H
#define KILN_TENSOR_H

#include "kiln/ArrayRef.h"
#include "kiln/Error.h"
#include "kiln/Scalar.h"
#include "kiln/TensorAccessor.h"
#include "kiln/TensorImpl.h"
#include "kiln/TensorOptions.h"
#include "kiln/ops/Elementwise.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace kiln {

class Tensor;
using TensorList = ArrayRef<Tensor>;

/// libtorch's memory formats. kiln tensors are strided without a channels
/// layout: ChannelsLast and ChannelsLast3d are refused where passed.
enum class MemoryFormat : int8_t {
  Contiguous,
  Preserve,
  ChannelsLast,
  ChannelsLast3d
};
namespace indexing {
class TensorIndex;
} // namespace indexing
namespace runtime {
struct RandomGenerator;
} // namespace runtime

/// libtorch's c10::OptionalArrayRef: an ArrayRef or nothing. Built from
/// nullopt, an ArrayRef, a braced list, a vector or a single value (which
/// must outlive the OptionalArrayRef, as with ArrayRef).
template <class T> class OptionalArrayRef {
public:
  OptionalArrayRef() = default;
  OptionalArrayRef(std::nullopt_t) {}
  OptionalArrayRef(ArrayRef<T> ref) : ref_(ref) {}
  OptionalArrayRef(const std::optional<ArrayRef<T>> &ref) : ref_(ref) {}
  OptionalArrayRef(const T &one) : ref_(ArrayRef<T>(one)) {}
  OptionalArrayRef(const std::vector<T> &v) : ref_(ArrayRef<T>(v)) {}
  OptionalArrayRef(std::initializer_list<T> l) : ref_(ArrayRef<T>(l)) {}
  bool has_value() const { return ref_.has_value(); }
  explicit operator bool() const { return has_value(); }
  ArrayRef<T> value() const {
    KILN_CHECK(has_value(), "OptionalArrayRef has no value");
    return *ref_;
  }
  ArrayRef<T> value_or(ArrayRef<T> other) const { return ref_.value_or(other); }
  ArrayRef<T> operator*() const { return *ref_; }
  const ArrayRef<T> *operator->() const { return &*ref_; }
  void reset() { ref_.reset(); }
  friend bool operator==(const OptionalArrayRef &a, ArrayRef<T> b) {
    return a.has_value() && a.ref_->equals(b);
  }
  friend bool operator==(ArrayRef<T> b, const OptionalArrayRef &a) {
    return a == b;
  }
  friend bool operator!=(const OptionalArrayRef &a, ArrayRef<T> b) {
    return !(a == b);
  }
  friend bool operator!=(ArrayRef<T> b, const OptionalArrayRef &a) {
    return !(a == b);
  }
  friend bool operator==(const OptionalArrayRef &a, std::nullopt_t) {
    return !a.has_value();
  }

private:
  std::optional<ArrayRef<T>> ref_;
};
using OptionalIntArrayRef = OptionalArrayRef<int64_t>;

/// libtorch's c10::irange: `for (auto i : kiln::irange(n))` counts 0 .. n-1
/// (nothing when n <= 0), `irange(begin, end)` begin .. end-1.
template <class I> class IntegerRange {
public:
  struct iterator {
    I value;
    I operator*() const { return value; }
    iterator &operator++() {
      ++value;
      return *this;
    }
    bool operator!=(const iterator &o) const { return value != o.value; }
    bool operator==(const iterator &o) const { return value == o.value; }
  };
  IntegerRange(I begin, I end)
      : begin_(begin), end_(end < begin ? begin : end) {}
  iterator begin() const { return {begin_}; }
  iterator end() const { return {end_}; }

private:
  I begin_, end_;
};
template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
IntegerRange<I> irange(I end) {
  return IntegerRange<I>(I(0), end);
}
template <
    class I1, class I2,
    std::enable_if_t<std::is_integral_v<I1> && std::is_integral_v<I2>, int> = 0>
IntegerRange<I2> irange(I1 begin, I2 end) {
  return IntegerRange<I2>(static_cast<I2>(begin), end);
}

/// libtorch's CPUGeneratorImpl: kiln's only kind of generator, a Mersenne
/// Twister (not PyTorch's Philox/MT19937 streams).
using CPUGeneratorImpl = runtime::RandomGenerator;
/// PyTorch's default CPU seed.
constexpr uint64_t default_rng_seed_val = 67280421310721ULL;

/// libtorch's Generator: a shared handle on a random number generator that
/// random ops take in place of the default one. Copies share the state;
/// `clone()` copies it.
class Generator {
public:
  /// An undefined generator (`defined()` is false).
  Generator() = default;
  explicit Generator(std::shared_ptr<CPUGeneratorImpl> impl)
      : impl_(std::move(impl)) {}
  bool defined() const { return impl_ != nullptr; }
  void set_current_seed(uint64_t seed) const;
  uint64_t current_seed() const;
  /// Seeds from a nondeterministic source and returns the seed.
  uint64_t seed() const;
  /// The state as a 1-D kLong tensor (kiln's own layout, not PyTorch's
  /// bytes), for set_state.
  Tensor get_state() const;
  void set_state(const Tensor &new_state) const;
  Generator clone() const;
  Device device() const;
  std::mutex &mutex() const;
  CPUGeneratorImpl *unsafeGetGeneratorImpl() const { return impl_.get(); }
  bool operator==(const Generator &o) const { return impl_ == o.impl_; }
  bool operator!=(const Generator &o) const { return impl_ != o.impl_; }

private:
  std::shared_ptr<CPUGeneratorImpl> impl_;
};

namespace detail {
/// A new generator seeded with `seed`.
Generator createCPUGenerator(uint64_t seed = default_rng_seed_val);
/// The default generator: what manual_seed seeds and random ops use when
/// given none.
const Generator &getDefaultCPUGenerator();
} // namespace detail

/// `kiln::make_generator<kiln::CPUGeneratorImpl>(seed)`.
template <class Impl = CPUGeneratorImpl>
Generator make_generator(uint64_t seed = default_rng_seed_val) {
  static_assert(std::is_same_v<Impl, CPUGeneratorImpl>,
                "kiln has CPU generators only");
  return detail::createCPUGenerator(seed);
}

class Tensor {
public:
  /// An undefined tensor (`defined()` is false), like libtorch's.
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  Tensor(const Tensor &) = default;
  Tensor(Tensor &&) noexcept = default;
  /// Re-pointing a handle at another tensor counts as a rebind of the
  /// tensor it held, so a compiled function notices that a captured
  /// variable names another tensor now. (Releasing, `t = Tensor()`, does
  /// not: kiln frees saved tensors that way.)
  Tensor &operator=(const Tensor &other) & {
    if (impl_ && other.impl_ && impl_ != other.impl_)
      ++impl_->rebinds;
    impl_ = other.impl_;
    return *this;
  }
  Tensor &operator=(Tensor &&other) &noexcept {
    if (impl_ && other.impl_ && impl_ != other.impl_)
      ++impl_->rebinds;
    impl_ = std::move(other.impl_);
    return *this;
  }
  /// As in libtorch, assigning to a temporary writes into the tensor it
  /// views: `x[0] = y` copies y (broadcast) into row 0, `x[0] = 5` fills it.
  Tensor &operator=(const Tensor &value) && {
    copy_(value);
    return *this;
  }
  Tensor &operator=(Tensor &&value) && {
    copy_(value);
    return *this;
  }
  Tensor &operator=(const Scalar &value) && {
    fill_(value);
    return *this;
  }

  // --- Metadata ----------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  int64_t dim() const { return static_cast<int64_t>(impl().sizes.size()); }
  int64_t ndimension() const { return dim(); }
  IntArrayRef sizes() const { return impl().sizes; }
  IntArrayRef strides() const { return impl().strides; }
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int64_t numel() const { return impl().numel(); }
  ScalarType dtype() const { return impl().dtype; }
  ScalarType scalar_type() const { return impl().dtype; }
  Device device() const { return Device(kCPU); }
  Layout layout() const { return kStrided; }
  TensorOptions options() const;
  bool is_contiguous() const;
  bool is_floating_point() const { return isFloatingType(dtype()); }
  int64_t storage_offset() const { return impl().offset; }
  /// In-place writes seen by this tensor's memory (PyTorch's `_version`).
  uint32_t _version() const { return impl().storage->version(); }
  bool is_same(const Tensor &other) const { return impl_ == other.impl_; }

  /// Raw memory. Inside a traced step this is a host access the trace
  /// cannot see, so the step runs eagerly.
  template <class T> T *data_ptr() const {
    noteRawAccess();
    // libtorch's check: the pointer type must be the tensor's dtype.
    constexpr int type = std::is_same_v<T, bool>      ? int(kBool)
                         : std::is_same_v<T, int64_t> ? int(kLong)
                         : std::is_same_v<T, float>   ? int(kFloat)
                         : std::is_same_v<T, double>  ? int(kDouble)
                                                      : -1;
    checkDataType(type);
    return static_cast<T *>(impl().data());
  }
  void *data_ptr() const {
    noteRawAccess();
    return impl().data();
  }
  /// libtorch's deprecated spelling of data_ptr<T>().
  template <class T> T *data() const { return data_ptr<T>(); }
  /// The single value of a one-element tensor.
  Scalar item() const;
  template <class T> T item() const { return item().to<T>(); }
  /// `t.accessor<float, 2>()[i][j]`: typed element access (a raw access,
  /// like data_ptr). The tensor must outlive the accessor.
  template <class T, size_t N> TensorAccessor<T, N> accessor() const & {
    static_assert(N > 0, "accessor is used for indexing tensor, for scalars "
                         "use *data_ptr<T>()");
    KILN_CHECK(dim() == static_cast<int64_t>(N), "TensorAccessor expected ", N,
               " dims but tensor has ", dim());
    return TensorAccessor<T, N>(data_ptr<T>(), impl().sizes.data(),
                                impl().strides.data());
  }
  template <class T, size_t N> TensorAccessor<T, N> accessor() && = delete;

  // --- Autograd ----------------------------------------------------------
  bool requires_grad() const;
  const Tensor &requires_grad_(bool requiresGrad = true) const;
  /// The accumulated gradient; undefined until a backward reaches it.
  const Tensor &grad() const;
  /// Direct access to the gradient slot; inside kiln::compile use
  /// set_grad() (or zero_grad) so that the trace sees the assignment.
  Tensor &mutable_grad() const;
  void set_grad(const Tensor &g) const;
  const std::shared_ptr<autograd::Node> &grad_fn() const {
    return impl().gradFn;
  }
  bool is_leaf() const { return impl().gradFn == nullptr; }
  /// libtorch's spelling of requires_grad_.
  const Tensor &set_requires_grad(bool requires_grad) const {
    return requires_grad_(requires_grad);
  }
  /// Every kiln tensor is a variable (libtorch merged the two types).
  bool is_variable() const noexcept { return true; }
  /// The same memory without history (libtorch's `variable_data()`).
  Tensor data() const { return detach(); }
  Tensor variable_data() const { return detach(); }
  /// libtorch's `tensor_data()`: the same memory without history. (kiln
  /// keeps one version counter per storage, so it is shared here.)
  Tensor tensor_data() const { return detach(); }
  /// Makes this tensor use `new_data`'s memory, dtype and geometry while
  /// keeping its own autograd identity (`p.set_data(...)` swaps a
  /// parameter's storage). A host mutation a trace cannot see: a traced
  /// step doing it runs eagerly.
  void set_data(const Tensor &new_data) const;
  uint32_t output_nr() const { return impl().outputNr; }
  /// Backpropagates from this tensor. Without `gradient` it must hold one
  /// element. The graph is freed unless `retain_graph` is true.
  /// With `inputs`, only those tensors' `.grad`s are accumulated (leaves
  /// or not).
  void backward(const Tensor &gradient = {},
                std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false,
                std::optional<TensorList> inputs = std::nullopt) const;
  /// libtorch's register_hook: `hook(grad)` runs when this tensor's
  /// gradient is computed; a hook returning a Tensor replaces the gradient.
  /// Returns the handle remove_hook takes. (Defined in autograd/Node.h.)
  template <class F> unsigned register_hook(F &&hook) const;
  void remove_hook(unsigned pos) const;
  void retain_grad() const;
  bool retains_grad() const { return impl().retainsGrad; }
  /// A new tensor sharing memory, cut from the graph.
  Tensor detach() const;
  const Tensor &detach_() const;

  // --- Copies and conversions ---------------------------------------------
  Tensor clone() const;
  /// Preserve and Contiguous both give a contiguous copy (kiln keeps no
  /// other dense layout).
  Tensor clone(MemoryFormat memory_format) const;
  Tensor contiguous() const;
  Tensor contiguous(MemoryFormat memory_format) const;
  Tensor to(ScalarType t, bool non_blocking = false, bool copy = false) const;
  /// Throws if `options` sets requires_grad to true (libtorch's rule).
  Tensor to(const TensorOptions &options, bool non_blocking = false,
            bool copy = false) const;
  /// This tensor with `other`'s dtype and device.
  Tensor to(const Tensor &other, bool non_blocking = false,
            bool copy = false) const;
  Tensor to(Device device) const;
  Tensor to(DeviceType device) const { return to(Device(device)); }
  Tensor to(Device device, ScalarType t, bool non_blocking = false,
            bool copy = false) const;
  /// This tensor converted to `other`'s dtype.
  Tensor type_as(const Tensor &other) const { return to(other.dtype()); }
  Tensor toType(ScalarType t) const { return to(t); }
  Tensor cpu() const { return *this; }

  // --- Views and shape ----------------------------------------------------
  Tensor reshape(IntArrayRef shape) const;
  Tensor view(IntArrayRef shape) const;
  Tensor view_as(const Tensor &other) const { return view(other.sizes()); }
  Tensor reshape_as(const Tensor &other) const {
    return reshape(other.sizes());
  }
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor t() const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor permute(IntArrayRef dims) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor expand(IntArrayRef size, bool implicit = false) const;
  Tensor expand_as(const Tensor &other) const { return expand(other.sizes()); }
  Tensor slice(int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
               std::optional<int64_t> end = std::nullopt,
               int64_t step = 1) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor select(int64_t dim, int64_t index) const;
  /// A view with the given geometry over this tensor's memory (the storage
  /// offset defaults to this tensor's). Inside kiln::compile the step runs
  /// eagerly.
  Tensor as_strided(IntArrayRef size, IntArrayRef stride,
                    std::optional<int64_t> storage_offset = std::nullopt) const;
  /// Gives the tensor `size` (contiguous strides) in place, growing its
  /// memory when needed; new elements are uninitialised. Refused on a
  /// tensor that requires grad, as in libtorch.
  const Tensor &resize_(IntArrayRef size) const;
  Tensor operator[](int64_t index) const { return select(0, index); }
  Tensor operator[](const Tensor &index) const;
  /// `x.index({Slice(), 0})`, `x.index({mask})`.
  Tensor index(ArrayRef<indexing::TensorIndex> indices) const;
  /// `x.index_put_({mask}, 0)`: PyTorch's `x[mask] = 0`.
  /// With `accumulate`, values at repeated indices add up (libtorch's
  /// `index_put_(indices, values, accumulate=true)`).
  const Tensor &index_put_(ArrayRef<indexing::TensorIndex> indices,
                           const Tensor &value, bool accumulate = false) const;
  const Tensor &index_put_(ArrayRef<indexing::TensorIndex> indices,
                           const Scalar &value, bool accumulate = false) const;

  // --- Linear algebra -----------------------------------------------------
  Tensor mm(const Tensor &other) const;
  Tensor matmul(const Tensor &other) const;
  Tensor bmm(const Tensor &other) const;
  /// beta * this + alpha * (mat1 @ mat2), this broadcast to the product's
  /// shape; with beta 0 this is ignored (NaNs in it do not propagate).
  Tensor addmm(const Tensor &mat1, const Tensor &mat2, const Scalar &beta = 1,
               const Scalar &alpha = 1) const;
  Tensor dot(const Tensor &other) const;

  // --- Reductions ---------------------------------------------------------
  Tensor sum(std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor sum(IntArrayRef dims, bool keepdim = false,
             std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor mean(std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor mean(IntArrayRef dims, bool keepdim = false,
              std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor max() const;
  std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  Tensor min() const;
  std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor argmax(std::optional<int64_t> dim = std::nullopt,
                bool keepdim = false) const;
  Tensor argmin(std::optional<int64_t> dim = std::nullopt,
                bool keepdim = false) const;
  /// The p-norm of all elements (p = 2 by default).
  Tensor norm(const Scalar &p = 2) const;
  Tensor norm(const Scalar &p, IntArrayRef dims, bool keepdim = false) const;
  Tensor all() const;
  Tensor any() const;
  /// Variance over all elements (Bessel-corrected unless `unbiased` is
  /// false). `x.var(0)` is the variance along dim 0, as in libtorch.
  Tensor var(bool unbiased = true) const;
  Tensor var(IntArrayRef dims, bool unbiased = true,
             bool keepdim = false) const;
  template <class I,
            std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>,
                             int> = 0>
  Tensor var(I dim, bool unbiased = true, bool keepdim = false) const {
    return var(IntArrayRef{static_cast<int64_t>(dim)}, unbiased, keepdim);
  }
  /// Standard deviation: sqrt of var.
  Tensor std(bool unbiased = true) const;
  Tensor std(IntArrayRef dims, bool unbiased = true,
             bool keepdim = false) const;
  template <class I,
            std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>,
                             int> = 0>
  Tensor std(I dim, bool unbiased = true, bool keepdim = false) const {
    return std(IntArrayRef{static_cast<int64_t>(dim)}, unbiased, keepdim);
  }

  // --- Elementwise --------------------------------------------------------
  Tensor add(const Tensor &other, const Scalar &alpha = 1) const;
  Tensor add(const Scalar &other, const Scalar &alpha = 1) const;
  Tensor sub(const Tensor &other, const Scalar &alpha = 1) const;
  Tensor sub(const Scalar &other, const Scalar &alpha = 1) const;
  Tensor mul(const Tensor &other) const;
  Tensor mul(const Scalar &other) const;
  Tensor div(const Tensor &other) const;
  Tensor div(const Scalar &other) const;
  Tensor pow(const Scalar &exponent) const;
  Tensor pow(const Tensor &exponent) const;
  /// Python's modulus (`%`): the result has the sign of `other`.
  Tensor remainder(const Tensor &other) const;
  Tensor remainder(const Scalar &other) const;
  Tensor square() const { return pow(2); }
  // exp() log() sqrt() abs() neg() sin() cos() tanh() sigmoid() erf() ...
#define KILN_UNARY_METHOD(Name, method, ...) Tensor method() const;
  KILN_UNARY_OPS(KILN_UNARY_METHOD)
#undef KILN_UNARY_METHOD
  Tensor rsqrt() const;
  Tensor sign() const;
  /// log(1 + x) and exp(x) - 1, accurate for small x.
  Tensor log1p() const;
  Tensor expm1() const;
  /// Elementwise tests (bool results); integer tensors are finite.
  Tensor isfinite() const;
  Tensor isinf() const;
  Tensor isnan() const;
  Tensor relu() const;
  Tensor reciprocal() const;
  /// nn::functional::softmax along `dim`, optionally computing in `dtype`.
  Tensor softmax(int64_t dim,
                 std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor log_softmax(int64_t dim,
                     std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor clamp(std::optional<Scalar> min = std::nullopt,
               std::optional<Scalar> max = std::nullopt) const;
  Tensor clamp_min(const Scalar &min) const;
  Tensor clamp_max(const Scalar &max) const;
  /// Bounds as tensors, broadcast: min(max(self, min), max).
  Tensor clamp(const std::optional<Tensor> &min,
               const std::optional<Tensor> &max = std::nullopt) const;
  Tensor clip(std::optional<Scalar> min = std::nullopt,
              std::optional<Scalar> max = std::nullopt) const {
    return clamp(min, max);
  }
  /// self + weight * (end - self), computed as PyTorch does for accuracy.
  Tensor lerp(const Tensor &end, const Scalar &weight) const;
  Tensor lerp(const Tensor &end, const Tensor &weight) const;
  const Tensor &lerp_(const Tensor &end, const Scalar &weight) const;
  const Tensor &lerp_(const Tensor &end, const Tensor &weight) const;
  /// The cross product over `dim` (by default the first of size 3).
  Tensor cross(const Tensor &other,
               std::optional<int64_t> dim = std::nullopt) const;
  Tensor maximum(const Tensor &other) const;
  Tensor minimum(const Tensor &other) const;
  /// libtorch's binary max/min: maximum/minimum.
  Tensor max(const Tensor &other) const { return maximum(other); }
  Tensor min(const Tensor &other) const { return minimum(other); }
  Tensor masked_fill(const Tensor &mask, const Scalar &value) const;
  Tensor masked_fill(const Tensor &mask, const Tensor &value) const;
  Tensor logical_not() const;
  Tensor logical_and(const Tensor &other) const;
  Tensor logical_or(const Tensor &other) const;

  Tensor eq(const Tensor &other) const;
  Tensor eq(const Scalar &other) const;
  Tensor ne(const Tensor &other) const;
  Tensor ne(const Scalar &other) const;
  Tensor lt(const Tensor &other) const;
  Tensor lt(const Scalar &other) const;
  Tensor le(const Tensor &other) const;
  Tensor le(const Scalar &other) const;
  Tensor gt(const Tensor &other) const;
  Tensor gt(const Scalar &other) const;
  Tensor ge(const Tensor &other) const;
  Tensor ge(const Scalar &other) const;
  /// Same sizes and same values.
  bool equal(const Tensor &other) const;
  bool allclose(const Tensor &other, double rtol = 1e-5, double atol = 1e-8,
                bool equal_nan = false) const;
  /// The truth value of a one-element tensor (Python's `bool(t)`).
  bool is_nonzero() const;

  // --- In place -----------------------------------------------------------
  const Tensor &copy_(const Tensor &src, bool non_blocking = false) const;
  const Tensor &fill_(const Scalar &value) const;
  const Tensor &zero_() const;
  const Tensor &add_(const Tensor &other, const Scalar &alpha = 1) const;
  const Tensor &add_(const Scalar &other, const Scalar &alpha = 1) const;
  const Tensor &sub_(const Tensor &other, const Scalar &alpha = 1) const;
  const Tensor &sub_(const Scalar &other, const Scalar &alpha = 1) const;
  const Tensor &mul_(const Tensor &other) const;
  const Tensor &mul_(const Scalar &other) const;
  const Tensor &div_(const Tensor &other) const;
  const Tensor &div_(const Scalar &other) const;
  const Tensor &pow_(const Scalar &exponent) const;
  const Tensor &clamp_(std::optional<Scalar> min = std::nullopt,
                       std::optional<Scalar> max = std::nullopt) const;
  const Tensor &relu_() const;
  const Tensor &neg_() const;
  const Tensor &masked_fill_(const Tensor &mask, const Scalar &value) const;
  const Tensor &
  uniform_(double from = 0, double to = 1,
           std::optional<Generator> generator = std::nullopt) const;
  const Tensor &
  normal_(double mean = 0, double std = 1,
          std::optional<Generator> generator = std::nullopt) const;
  /// Integers drawn uniformly from [from, to), or [0, to).
  const Tensor &
  random_(int64_t from, int64_t to,
          std::optional<Generator> generator = std::nullopt) const;
  const Tensor &
  random_(int64_t to, std::optional<Generator> generator = std::nullopt) const {
    return random_(0, to, std::move(generator));
  }
  /// 1 with probability p (a number, or a tensor broadcast to this one's
  /// shape), else 0.
  const Tensor &
  bernoulli_(double p = 0.5,
             std::optional<Generator> generator = std::nullopt) const;
  const Tensor &
  bernoulli_(const Tensor &p,
             std::optional<Generator> generator = std::nullopt) const;
  Tensor bernoulli(std::optional<Generator> generator = std::nullopt) const;
  Tensor multinomial(int64_t num_samples, bool replacement = false,
                     std::optional<Generator> generator = std::nullopt) const;

  const Tensor &operator+=(const Tensor &o) const { return add_(o); }
  const Tensor &operator+=(const Scalar &o) const { return add_(o); }
  const Tensor &operator-=(const Tensor &o) const { return sub_(o); }
  const Tensor &operator-=(const Scalar &o) const { return sub_(o); }
  const Tensor &operator*=(const Tensor &o) const { return mul_(o); }
  const Tensor &operator*=(const Scalar &o) const { return mul_(o); }
  const Tensor &operator/=(const Tensor &o) const { return div_(o); }
  const Tensor &operator/=(const Scalar &o) const { return div_(o); }

  /// Python's repr of the tensor.
  std::string toString() const;

  TensorImpl &impl() const;
  const std::shared_ptr<TensorImpl> &getIntrusivePtr() const { return impl_; }
  /// The TensorImpl, unowned (libtorch's name); null for an undefined tensor.
  TensorImpl *unsafeGetTensorImpl() const { return impl_.get(); }

private:
  void noteRawAccess() const;
  /// `type`: a ScalarType as int, or -1 for a type kiln has no dtype for.
  void checkDataType(int type) const;

  std::shared_ptr<TensorImpl> impl_;
};

using variable_list = std::vector<Tensor>;
namespace autograd {
/// libtorch's autograd names: a Variable is a Tensor.
using Variable = Tensor;
using variable_list = ::kiln::variable_list;
using tensor_list = std::vector<Tensor>;
} // namespace autograd

std::ostream &operator<<(std::ostream &os, const Tensor &t);

// --- Operators ------------------------------------------------------------
Tensor operator+(const Tensor &a, const Tensor &b);
Tensor operator+(const Tensor &a, const Scalar &b);
Tensor operator+(const Scalar &a, const Tensor &b);
Tensor operator-(const Tensor &a, const Tensor &b);
Tensor operator-(const Tensor &a, const Scalar &b);
Tensor operator-(const Scalar &a, const Tensor &b);
Tensor operator*(const Tensor &a, const Tensor &b);
Tensor operator*(const Tensor &a, const Scalar &b);
Tensor operator*(const Scalar &a, const Tensor &b);
Tensor operator/(const Tensor &a, const Tensor &b);
Tensor operator/(const Tensor &a, const Scalar &b);
Tensor operator/(const Scalar &a, const Tensor &b);
Tensor operator-(const Tensor &a);
Tensor operator%(const Tensor &a, const Tensor &b);
Tensor operator%(const Tensor &a, const Scalar &b);
Tensor operator<(const Tensor &a, const Tensor &b);
Tensor operator<(const Tensor &a, const Scalar &b);
Tensor operator<=(const Tensor &a, const Tensor &b);
Tensor operator<=(const Tensor &a, const Scalar &b);
Tensor operator>(const Tensor &a, const Tensor &b);
Tensor operator>(const Tensor &a, const Scalar &b);
Tensor operator>=(const Tensor &a, const Tensor &b);
Tensor operator>=(const Tensor &a, const Scalar &b);
Tensor operator==(const Tensor &a, const Tensor &b);
Tensor operator==(const Tensor &a, const Scalar &b);
Tensor operator!=(const Tensor &a, const Tensor &b);
Tensor operator!=(const Tensor &a, const Scalar &b);
Tensor operator&(const Tensor &a, const Tensor &b);
Tensor operator|(const Tensor &a, const Tensor &b);
Tensor operator~(const Tensor &a);

// --- Free functions with libtorch's names -----------------------------------
Tensor mm(const Tensor &a, const Tensor &b);
Tensor matmul(const Tensor &a, const Tensor &b);
Tensor bmm(const Tensor &a, const Tensor &b);
Tensor addmm(const Tensor &self, const Tensor &mat1, const Tensor &mat2,
             const Scalar &beta = 1, const Scalar &alpha = 1);
Tensor dot(const Tensor &a, const Tensor &b);
Tensor add(const Tensor &a, const Tensor &b, const Scalar &alpha = 1);
Tensor sub(const Tensor &a, const Tensor &b, const Scalar &alpha = 1);
Tensor mul(const Tensor &a, const Tensor &b);
Tensor div(const Tensor &a, const Tensor &b);
Tensor pow(const Tensor &a, const Scalar &exponent);
Tensor pow(const Tensor &a, const Tensor &exponent);
// exp(a) log(a) sqrt(a) abs(a) neg(a) sin(a) cos(a) tanh(a) sigmoid(a) erf(a)
// ...
#define KILN_UNARY_FUNCTION(Name, method, ...) Tensor method(const Tensor &a);
KILN_UNARY_OPS(KILN_UNARY_FUNCTION)
#undef KILN_UNARY_FUNCTION
Tensor relu(const Tensor &a);
Tensor softmax(const Tensor &a, int64_t dim,
               std::optional<ScalarType> dtype = std::nullopt);
Tensor log_softmax(const Tensor &a, int64_t dim,
                   std::optional<ScalarType> dtype = std::nullopt);
Tensor clamp(const Tensor &a, std::optional<Scalar> min,
             std::optional<Scalar> max = std::nullopt);
Tensor clamp_min(const Tensor &a, const Scalar &min);
Tensor clamp_max(const Tensor &a, const Scalar &max);
Tensor clamp(const Tensor &a, const std::optional<Tensor> &min,
             const std::optional<Tensor> &max = std::nullopt);
inline Tensor clip(const Tensor &a, std::optional<Scalar> min,
                   std::optional<Scalar> max = std::nullopt) {
  return clamp(a, min, max);
}
Tensor lerp(const Tensor &start, const Tensor &end, const Scalar &weight);
Tensor lerp(const Tensor &start, const Tensor &end, const Tensor &weight);
Tensor cross(const Tensor &a, const Tensor &b,
             std::optional<int64_t> dim = std::nullopt);
/// torch.linalg.cross: over `dim` (default -1), inputs broadcast.
Tensor linalg_cross(const Tensor &a, const Tensor &b, int64_t dim = -1);
/// input @ weight.t() + bias (ATen's linear).
Tensor linear(const Tensor &input, const Tensor &weight,
              const Tensor &bias = {});
/// linear into `out`, resized to the result's shape (ATen's linear_out).
Tensor &linear_out(Tensor &out, const Tensor &input, const Tensor &weight,
                   const Tensor &bias = {});
Tensor maximum(const Tensor &a, const Tensor &b);
Tensor minimum(const Tensor &a, const Tensor &b);
inline Tensor max(const Tensor &a, const Tensor &b) { return maximum(a, b); }
inline Tensor min(const Tensor &a, const Tensor &b) { return minimum(a, b); }
Tensor remainder(const Tensor &a, const Tensor &b);
Tensor remainder(const Tensor &a, const Scalar &b);
Tensor log1p(const Tensor &a);
Tensor expm1(const Tensor &a);
Tensor isfinite(const Tensor &a);
Tensor isinf(const Tensor &a);
Tensor isnan(const Tensor &a);
/// Normalizes over the last `normalized_shape.size()` dims, then applies
/// the elementwise affine `weight` and `bias` when defined.
Tensor layer_norm(const Tensor &input, IntArrayRef normalized_shape,
                  const Tensor &weight = {}, const Tensor &bias = {},
                  double eps = 1e-5, bool cudnn_enable = true);
Tensor sum(const Tensor &a);
Tensor sum(const Tensor &a, IntArrayRef dims, bool keepdim = false);
Tensor mean(const Tensor &a);
Tensor mean(const Tensor &a, IntArrayRef dims, bool keepdim = false);
Tensor max(const Tensor &a);
Tensor min(const Tensor &a);
Tensor argmax(const Tensor &a, std::optional<int64_t> dim = std::nullopt,
              bool keepdim = false);
Tensor norm(const Tensor &a, const Scalar &p = 2);
Tensor var(const Tensor &a, bool unbiased = true);
Tensor var(const Tensor &a, IntArrayRef dims, bool unbiased = true,
           bool keepdim = false);
Tensor std(const Tensor &a, bool unbiased = true);
Tensor std(const Tensor &a, IntArrayRef dims, bool unbiased = true,
           bool keepdim = false);
/// (var, mean) and (std, mean) in one call.
std::tuple<Tensor, Tensor> var_mean(const Tensor &a, bool unbiased = true);
std::tuple<Tensor, Tensor> var_mean(const Tensor &a, IntArrayRef dims,
                                    bool unbiased = true, bool keepdim = false);
std::tuple<Tensor, Tensor> std_mean(const Tensor &a, bool unbiased = true);
std::tuple<Tensor, Tensor> std_mean(const Tensor &a, IntArrayRef dims,
                                    bool unbiased = true, bool keepdim = false);
/// `var(x, 0)` and friends reduce along dim 0 (not `unbiased = false`).
template <class I>
using IfDimIndex =
    std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int>;
template <class I, IfDimIndex<I> = 0>
Tensor var(const Tensor &a, I dim, bool unbiased = true, bool keepdim = false) {
  return var(a, IntArrayRef{static_cast<int64_t>(dim)}, unbiased, keepdim);
}
template <class I, IfDimIndex<I> = 0>
Tensor std(const Tensor &a, I dim, bool unbiased = true, bool keepdim = false) {
  return std(a, IntArrayRef{static_cast<int64_t>(dim)}, unbiased, keepdim);
}
template <class I, IfDimIndex<I> = 0>
std::tuple<Tensor, Tensor>
var_mean(const Tensor &a, I dim, bool unbiased = true, bool keepdim = false) {
  return var_mean(a, IntArrayRef{static_cast<int64_t>(dim)}, unbiased, keepdim);
}
template <class I, IfDimIndex<I> = 0>
std::tuple<Tensor, Tensor>
std_mean(const Tensor &a, I dim, bool unbiased = true, bool keepdim = false) {
  return std_mean(a, IntArrayRef{static_cast<int64_t>(dim)}, unbiased, keepdim);
}
Tensor clone(const Tensor &a);
Tensor where(const Tensor &cond, const Tensor &a, const Tensor &b);
Tensor where(const Tensor &cond, const Tensor &a, const Scalar &b);
Tensor where(const Tensor &cond, const Scalar &a, const Tensor &b);
Tensor masked_fill(const Tensor &a, const Tensor &mask, const Scalar &value);
Tensor transpose(const Tensor &a, int64_t dim0, int64_t dim1);
Tensor as_strided(const Tensor &a, IntArrayRef size, IntArrayRef stride,
                  std::optional<int64_t> storage_offset = std::nullopt);
/// as_strided at the same storage offset (what reshape uses internally).
Tensor _reshape_alias(const Tensor &a, IntArrayRef size, IntArrayRef stride);
Tensor reshape(const Tensor &a, IntArrayRef shape);
Tensor squeeze(const Tensor &a);
Tensor unsqueeze(const Tensor &a, int64_t dim);
Tensor cat(TensorList tensors, int64_t dim = 0);
Tensor stack(TensorList tensors, int64_t dim = 0);
bool equal(const Tensor &a, const Tensor &b);
bool allclose(const Tensor &a, const Tensor &b, double rtol = 1e-5,
              double atol = 1e-8, bool equal_nan = false);

// --- Factories ---------------------------------------------------------------
/// Seeds the default generator (randn, rand, Linear's init, Dropout).
void manual_seed(uint64_t seed);
Tensor empty(IntArrayRef size, const TensorOptions &options = {});
Tensor zeros(IntArrayRef size, const TensorOptions &options = {});
Tensor ones(IntArrayRef size, const TensorOptions &options = {});
Tensor full(IntArrayRef size, const Scalar &value,
            const TensorOptions &options = {});
Tensor randn(IntArrayRef size, const TensorOptions &options = {});
Tensor rand(IntArrayRef size, const TensorOptions &options = {});
Tensor randint(int64_t low, int64_t high, IntArrayRef size,
               const TensorOptions &options = kLong);
/// Integers drawn uniformly from [0, high).
Tensor randint(int64_t high, IntArrayRef size,
               const TensorOptions &options = kLong);
/// The same draws from `generator` (the default one when nullopt).
Tensor randn(IntArrayRef size, std::optional<Generator> generator,
             const TensorOptions &options = {});
Tensor rand(IntArrayRef size, std::optional<Generator> generator,
            const TensorOptions &options = {});
Tensor randint(int64_t low, int64_t high, IntArrayRef size,
               std::optional<Generator> generator,
               const TensorOptions &options = kLong);
Tensor randint(int64_t high, IntArrayRef size,
               std::optional<Generator> generator,
               const TensorOptions &options = kLong);
Tensor randint_like(const Tensor &t, int64_t high,
                    const TensorOptions &options = {});
Tensor randint_like(const Tensor &t, int64_t low, int64_t high,
                    const TensorOptions &options = {});
/// A random permutation of 0 .. n-1.
Tensor randperm(int64_t n, const TensorOptions &options = kLong);
Tensor randperm(int64_t n, std::optional<Generator> generator,
                const TensorOptions &options = kLong);
/// Normal samples with the given means and standard deviations
/// (broadcast together), or of `size` with scalar ones.
Tensor normal(const Tensor &mean, const Tensor &std,
              std::optional<Generator> generator = std::nullopt);
Tensor normal(const Tensor &mean, double std = 1,
              std::optional<Generator> generator = std::nullopt);
Tensor normal(double mean, const Tensor &std,
              std::optional<Generator> generator = std::nullopt);
Tensor normal(double mean, double std, IntArrayRef size,
              std::optional<Generator> generator = std::nullopt,
              const TensorOptions &options = {});
/// 1 with probability `self` (elementwise) or `p`, else 0, in self's dtype.
Tensor bernoulli(const Tensor &self,
                 std::optional<Generator> generator = std::nullopt);
Tensor bernoulli(const Tensor &self, double p,
                 std::optional<Generator> generator = std::nullopt);
/// Category indices (kLong) drawn by the weights in each row of a 1-D or
/// 2-D `self`.
Tensor multinomial(const Tensor &self, int64_t num_samples,
                   bool replacement = false,
                   std::optional<Generator> generator = std::nullopt);
/// The default generator's state, and back (see Generator::get_state).
Tensor get_rng_state();
void set_rng_state(const Tensor &new_state);
Tensor arange(const Scalar &end, const TensorOptions &options = {});
Tensor arange(const Scalar &start, const Scalar &end,
              const TensorOptions &options = {});
Tensor arange(const Scalar &start, const Scalar &end, const Scalar &step,
              const TensorOptions &options = {});
Tensor linspace(const Scalar &start, const Scalar &end, int64_t steps,
                const TensorOptions &options = {});
Tensor eye(int64_t n, const TensorOptions &options = {});
Tensor zeros_like(const Tensor &t, const TensorOptions &options = {});
Tensor ones_like(const Tensor &t, const TensorOptions &options = {});
Tensor empty_like(const Tensor &t, const TensorOptions &options = {});
Tensor full_like(const Tensor &t, const Scalar &value,
                 const TensorOptions &options = {});
Tensor randn_like(const Tensor &t, const TensorOptions &options = {});
Tensor rand_like(const Tensor &t, const TensorOptions &options = {});
/// A tensor over caller-owned memory (contiguous unless `strides` given).
/// The memory must outlive the tensor and all its views.
Tensor from_blob(void *data, IntArrayRef sizes,
                 const TensorOptions &options = {});
Tensor from_blob(void *data, IntArrayRef sizes, IntArrayRef strides,
                 const TensorOptions &options = {});
/// As above; `deleter(data)` runs when the last tensor using the memory
/// is gone.
Tensor from_blob(void *data, IntArrayRef sizes,
                 const std::function<void(void *)> &deleter,
                 const TensorOptions &options = {});
Tensor from_blob(void *data, IntArrayRef sizes, IntArrayRef strides,
                 const std::function<void(void *)> &deleter,
                 const TensorOptions &options = {});
/// A 0-dim tensor holding `s`, flagged as a wrapped number for promotion.
Tensor scalar_tensor(const Scalar &s, const TensorOptions &options = {});

/// ATen's losses (torch::binary_cross_entropy, torch::mse_loss): `reduction`
/// as at::Reduction numbers it, 0 none, 1 mean, 2 sum. The same as
/// nn::functional's.
Tensor binary_cross_entropy(const Tensor &self, const Tensor &target,
                            const Tensor &weight = {}, int64_t reduction = 1);
Tensor mse_loss(const Tensor &self, const Tensor &target,
                int64_t reduction = 1);

} // namespace kiln

#endif // KILN_TENSOR_H
