//===- ReductionOps.cpp - sum, mean, max/min, argmax, norm ---------------===//
#include "OpsCommon.h"
#include "TraceHooks.h"

#include <cmath>

namespace kiln {

using namespace detail;
using autograd::FunctionNode;
using runtime::ReduceOp;

namespace {

/// Which dims a reduction covers; empty `dims` means all of them.
std::vector<bool> reducedDims(const Tensor &t, IntArrayRef dims) {
  std::vector<bool> mask(t.dim(), dims.empty());
  for (int64_t d : dims) {
    int64_t w = wrapDim(d, t.dim());
    KILN_CHECK(t.dim() == 0 || !mask[w] || dims.empty(), "dim ", w,
               " appears multiple times in the list of dims");
    if (t.dim() > 0)
      mask[w] = true;
  }
  return mask;
}

std::vector<int64_t> keptShape(const Tensor &t, const std::vector<bool> &mask,
                               bool keepdim) {
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (!mask[d])
      shape.push_back(t.size(d));
    else if (keepdim)
      shape.push_back(1);
  return shape;
}

/// Reduces into a keepdim-shaped tensor of type `outType`.
Tensor reduceKernel(ReduceOp op, const Tensor &in,
                    const std::vector<bool> &mask, ScalarType outType) {
  Tensor src = in.dtype() == outType ? in : in.to(outType);
  Tensor out = emptyTensor(keptShape(in, mask, true), outType);
  runtime::reduce(op, src.impl().view(), mask, out.impl().view());
  return out;
}

/// The gradient of a reduction, broadcast back to the input's shape.
Tensor expandGrad(const Tensor &g, const std::vector<int64_t> &keepShape,
                  const std::vector<int64_t> &inShape) {
  return g.reshape(keepShape).expand(inShape);
}

Tensor sumImplEager(const Tensor &self, IntArrayRef dims, bool keepdim,
                    std::optional<ScalarType> dtype, const char *name,
                    bool isMean) {
  std::vector<bool> mask = reducedDims(self, dims);
  ScalarType t =
      dtype ? *dtype : (isFloatingType(self.dtype()) ? self.dtype() : kLong);
  if (isMean)
    KILN_CHECK(isFloatingType(t),
               "mean(): could not infer output dtype. Input dtype must be "
               "either a floating point or complex dtype. Got: ",
               toString(self.dtype()));
  Tensor out = reduceKernel(ReduceOp::Sum, self, mask, t);
  int64_t count = 1;
  for (int64_t d = 0; d < self.dim(); ++d)
    if (mask[d])
      count *= self.size(d);
  if (isMean) {
    runtime::StridedView v = out.impl().view();
    Tensor divisor = scalar_tensor(double(count), t);
    runtime::binary(runtime::BinaryOp::Div, v,
                    broadcastView(divisor, out.sizes()), v);
  }
  std::vector<int64_t> keep = out.sizes().vec();
  Tensor result = out.view(keptShape(self, mask, keepdim));
  result.impl().isView = false;
  result.impl().gradFn = nullptr;
  if (autograd::anyRequiresGrad({&self})) {
    std::vector<int64_t> in = self.sizes().vec();
    ScalarType inType = self.dtype();
    autograd::setHistory(
        result, autograd::makeNode(name, {self},
                                   [=](FunctionNode &, const variable_list &g) {
                                     Tensor gi = expandGrad(g[0], keep, in);
                                     if (isMean)
                                       gi = gi / double(count);
                                     return variable_list{castTo(gi, inType)};
                                   }));
  }
  return result;
}

/// The dims a reduction covers, as a list.
std::vector<int64_t> dimList(const std::vector<bool> &mask) {
  std::vector<int64_t> dims;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d])
      dims.push_back(static_cast<int64_t>(d));
  return dims;
}

/// Eager sum/mean, recorded as one reduction when tracing.
Tensor sumImpl(const Tensor &self, IntArrayRef dims, bool keepdim,
               std::optional<ScalarType> dtype, const char *name, bool isMean) {
  Tensor result;
  {
    trace::Pause pause;
    result = sumImplEager(self, dims, keepdim, dtype, name, isMean);
  }
  if (auto *r = trace::active()) {
    std::vector<int64_t> reduced = dimList(reducedDims(self, dims));
    int64_t count = 1;
    for (int64_t d : reduced)
      count *= self.size(d);
    traceReduce(*r, trace::Op::ReduceSum, self, reduced, result,
                isMean ? double(count) : 1.0);
  }
  return result;
}

/// max()/min() over everything; ties share the gradient evenly (the NaNs
/// when the result is NaN), and the others get exactly 0 (PyTorch's
/// evenly_distribute_backward).
Tensor extremumAllEager(const Tensor &self, bool isMax) {
  KILN_CHECK(self.numel() > 0, isMax ? "max" : "min",
             "(): Expected reduction dim to be specified for input.numel() == "
             "0. Specify the reduction dim with the 'dim' argument.");
  std::vector<bool> mask(self.dim(), true);
  Tensor out = reduceKernel(isMax ? ReduceOp::Max : ReduceOp::Min, self, mask,
                            self.dtype())
                   .reshape({});
  out.impl().gradFn = nullptr;
  out.impl().isView = false;
  if (autograd::anyRequiresGrad({&self})) {
    auto node = autograd::makeNode(isMax ? "MaxBackward1" : "MinBackward1",
                                   {self}, nullptr);
    size_t si = node->save(self), so = node->save(out, true);
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      Tensor x = n.saved(si), y = n.saved(so);
      Tensor hit = std::isnan(y.item<double>()) ? x != x : x == y;
      return variable_list{where(hit, g[0] / hit.sum().to(g[0].dtype()), 0.0)};
    });
    autograd::setHistory(out, node);
  }
  return out;
}

Tensor extremumAll(const Tensor &self, bool isMax) {
  Tensor result;
  {
    trace::Pause pause;
    result = extremumAllEager(self, isMax);
  }
  if (auto *r = trace::active())
    traceReduce(*r, isMax ? trace::Op::ReduceMax : trace::Op::ReduceMin, self,
                dimList(std::vector<bool>(self.dim(), true)), result);
  return result;
}

std::tuple<Tensor, Tensor> extremumDimEager(const Tensor &self, int64_t dim,
                                            bool keepdim, bool isMax) {
  dim = wrapDim(dim, self.dim());
  Tensor src = self.dim() == 0 ? self.reshape({1}) : self;
  KILN_CHECK(src.size(dim) > 0, isMax ? "max" : "min",
             "(): Expected reduction dim ", dim, " to have non-zero size.");
  std::vector<int64_t> keepShape = src.sizes().vec();
  keepShape[dim] = 1;
  Tensor values = emptyTensor(keepShape, src.dtype());
  Tensor indices = emptyTensor(keepShape, kLong);
  runtime::argReduce(isMax, src.impl().view(), dim, values.impl().view(),
                     indices.impl().view());
  if (!keepdim && self.dim() > 0) {
    values = values.squeeze(dim);
    indices = indices.squeeze(dim);
    values.impl().isView = indices.impl().isView = false;
  } else if (self.dim() == 0) {
    values = values.reshape({});
    indices = indices.reshape({});
  }
  if (autograd::anyRequiresGrad({&self})) {
    std::vector<int64_t> in = self.sizes().vec();
    auto node = autograd::makeNode(isMax ? "MaxBackward0" : "MinBackward0",
                                   {self}, nullptr);
    size_t si = node->save(indices);
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      Tensor idx = n.saved(si).reshape(keepShape);
      std::vector<int64_t> arShape(keepShape.size(), 1);
      arShape[dim] = in.empty() ? 1 : in[dim];
      Tensor hit = arange(arShape[dim]).reshape(arShape) == idx;
      return variable_list{
          where(hit, g[0].reshape(keepShape), 0.0).reshape(in)};
    });
    autograd::setHistory(values, node);
  }
  return {values, indices};
}

std::tuple<Tensor, Tensor> extremumDim(const Tensor &self, int64_t dim,
                                       bool keepdim, bool isMax) {
  std::tuple<Tensor, Tensor> result;
  {
    trace::Pause pause;
    result = extremumDimEager(self, dim, keepdim, isMax);
  }
  if (auto *r = trace::active()) {
    const Tensor &values = std::get<0>(result);
    int64_t d = wrapDim(dim, self.dim());
    std::vector<int64_t> keep = self.sizes().vec();
    if (self.dim() > 0)
      keep[d] = 1;
    // The first extremum along d (attr[1] = {d}), as the index points there.
    int x = r->value(self);
    int v = self.dim() == 0
                ? x
                : r->emit(isMax ? trace::Op::ReduceMax : trace::Op::ReduceMin,
                          {x}, keep, self.dtype(), {d}, {d}, {}, 1);
    if (IntArrayRef(keep) != values.sizes())
      v = r->emit(trace::Op::Reshape, {v}, values.sizes(), values.dtype());
    r->bind(values, v);
    r->poison(std::get<1>(result), "the indices of max/min/argmax");
  }
  return result;
}
} // namespace

Tensor Tensor::sum(std::optional<ScalarType> dtype) const {
  return sumImpl(*this, {}, false, dtype, "SumBackward0", false);
}
Tensor Tensor::sum(IntArrayRef dims, bool keepdim,
                   std::optional<ScalarType> dtype) const {
  return sumImpl(*this, dims, keepdim, dtype, "SumBackward1", false);
}
Tensor Tensor::mean(std::optional<ScalarType> dtype) const {
  return sumImpl(*this, {}, false, dtype, "MeanBackward0", true);
}
Tensor Tensor::mean(IntArrayRef dims, bool keepdim,
                    std::optional<ScalarType> dtype) const {
  return sumImpl(*this, dims, keepdim, dtype, "MeanBackward1", true);
}
Tensor Tensor::max() const { return extremumAll(*this, true); }
Tensor Tensor::min() const { return extremumAll(*this, false); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const {
  return extremumDim(*this, dim, keepdim, true);
}
std::tuple<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const {
  return extremumDim(*this, dim, keepdim, false);
}

Tensor Tensor::argmax(std::optional<int64_t> dim, bool keepdim) const {
  NoGradGuard noGrad;
  if (!dim)
    return std::get<1>(reshape({-1}).max(0, false));
  return std::get<1>(max(*dim, keepdim));
}
Tensor Tensor::argmin(std::optional<int64_t> dim, bool keepdim) const {
  NoGradGuard noGrad;
  if (!dim)
    return std::get<1>(reshape({-1}).min(0, false));
  return std::get<1>(min(*dim, keepdim));
}

Tensor Tensor::norm(const Scalar &p) const { return norm(p, {}, false); }

Tensor Tensor::norm(const Scalar &p, IntArrayRef dims, bool keepdim) const {
  KILN_CHECK(is_floating_point(),
             "linalg.vector_norm: Expected a floating "
             "point or complex tensor as input. Got ",
             ::kiln::toString(dtype()));
  double order = p.toDouble();
  KILN_CHECK(order > 0 && std::isfinite(order),
             "kiln supports finite positive norm orders, got ", order);
  Tensor a = abs();
  if (order == 1)
    return dims.empty() ? a.sum() : a.sum(dims, keepdim);
  Tensor s =
      dims.empty() ? a.pow(order).sum() : a.pow(order).sum(dims, keepdim);
  return s.pow(1.0 / order);
}

namespace {
/// all() (min of bools) or any() (max of bools) of every element.
Tensor anyAll(const Tensor &self, bool isAll) {
  std::vector<bool> mask(self.dim(), true);
  Tensor out;
  {
    trace::Pause pause;
    out = reduceKernel(isAll ? ReduceOp::Min : ReduceOp::Max, self.to(kBool),
                       mask, kBool)
              .reshape({});
  }
  if (auto *r = trace::active())
    traceAnyAll(*r, self, isAll, out);
  return out;
}
} // namespace

Tensor Tensor::all() const { return anyAll(*this, /*isAll=*/true); }
Tensor Tensor::any() const { return anyAll(*this, /*isAll=*/false); }

Tensor sum(const Tensor &a) { return a.sum(); }
Tensor sum(const Tensor &a, IntArrayRef dims, bool keepdim) {
  return a.sum(dims, keepdim);
}
Tensor mean(const Tensor &a) { return a.mean(); }
Tensor mean(const Tensor &a, IntArrayRef dims, bool keepdim) {
  return a.mean(dims, keepdim);
}
Tensor max(const Tensor &a) { return a.max(); }
Tensor min(const Tensor &a) { return a.min(); }
Tensor argmax(const Tensor &a, std::optional<int64_t> dim, bool keepdim) {
  return a.argmax(dim, keepdim);
}
Tensor norm(const Tensor &a, const Scalar &p) { return a.norm(p); }

// --- Variance and standard deviation
// ----------------------------------------------------------------------

namespace {
/// Composed of differentiable ops, so autograd and tracing come for free.
Tensor varImpl(const Tensor &x, std::optional<IntArrayRef> dims, bool unbiased,
               bool keepdim) {
  KILN_CHECK(x.is_floating_point(),
             "std and var only support floating point and complex dtypes");
  std::vector<int64_t> d;
  if (dims && !dims->empty()) {
    for (int64_t k : *dims)
      d.push_back(wrapDim(k, std::max<int64_t>(x.dim(), 1)));
  } else {
    for (int64_t k = 0; k < x.dim(); ++k)
      d.push_back(k);
  }
  int64_t n = 1;
  for (int64_t k : d)
    n *= x.dim() == 0 ? 1 : x.size(k);
  if (x.dim() == 0) {
    Tensor diff = x - x.mean();
    return (diff * diff) / static_cast<double>(n - (unbiased ? 1 : 0));
  }
  Tensor diff = x - x.mean(d, /*keepdim=*/true);
  return (diff * diff).sum(d, keepdim) /
         static_cast<double>(n - (unbiased ? 1 : 0));
}
} // namespace

Tensor Tensor::var(bool unbiased) const {
  return varImpl(*this, std::nullopt, unbiased, false);
}
Tensor Tensor::var(IntArrayRef dims, bool unbiased, bool keepdim) const {
  return varImpl(*this, dims, unbiased, keepdim);
}
Tensor Tensor::std(bool unbiased) const { return var(unbiased).sqrt(); }
Tensor Tensor::std(IntArrayRef dims, bool unbiased, bool keepdim) const {
  return var(dims, unbiased, keepdim).sqrt();
}
Tensor var(const Tensor &a, bool unbiased) { return a.var(unbiased); }
Tensor var(const Tensor &a, IntArrayRef dims, bool unbiased, bool keepdim) {
  return a.var(dims, unbiased, keepdim);
}
Tensor std(const Tensor &a, bool unbiased) { return a.std(unbiased); }
Tensor std(const Tensor &a, IntArrayRef dims, bool unbiased, bool keepdim) {
  return a.std(dims, unbiased, keepdim);
}
std::tuple<Tensor, Tensor> var_mean(const Tensor &a, bool unbiased) {
  return {a.var(unbiased), a.mean()};
}
std::tuple<Tensor, Tensor> var_mean(const Tensor &a, IntArrayRef dims,
                                    bool unbiased, bool keepdim) {
  return {a.var(dims, unbiased, keepdim), a.mean(dims, keepdim)};
}
std::tuple<Tensor, Tensor> std_mean(const Tensor &a, bool unbiased) {
  return {a.std(unbiased), a.mean()};
}
std::tuple<Tensor, Tensor> std_mean(const Tensor &a, IntArrayRef dims,
                                    bool unbiased, bool keepdim) {
  return {a.std(dims, unbiased, keepdim), a.mean(dims, keepdim)};
}
Tensor clone(const Tensor &a) { return a.clone(); }

} // namespace kiln

// --- ATen's spellings of the losses -----------------------------------------

#include "kiln/nn/Functional.h"

namespace kiln {
namespace {
Reduction atenReduction(int64_t reduction) {
  KILN_CHECK(reduction >= 0 && reduction <= 2,
             "reduction must be 0 (none), 1 (mean) or 2 (sum), got ",
             reduction);
  return reduction == 0 ? kNone : reduction == 1 ? kMean : kSum;
}
} // namespace

Tensor binary_cross_entropy(const Tensor &self, const Tensor &target,
                            const Tensor &weight, int64_t reduction) {
  // ATen computes on the squeezed input and target, so that an input of
  // shape [N, 1] goes with a target of shape [N]; the unreduced loss has the
  // input's shape.
  Tensor input = self, t = target, w = weight;
  bool squeezed = self.sizes() != target.sizes();
  if (squeezed) {
    input = self.squeeze();
    t = target.squeeze();
    KILN_CHECK(input.sizes() == t.sizes(),
               "binary_cross_entropy: a target of size ", target.sizes(),
               " does not match an input of size ", self.sizes());
    if (w.defined())
      w = w.expand(self.sizes()).squeeze();
  }
  auto options = nn::functional::BinaryCrossEntropyFuncOptions().reduction(
      atenReduction(reduction));
  if (w.defined())
    options.weight(w);
  Tensor loss = nn::functional::binary_cross_entropy(input, t, options);
  return squeezed && reduction == 0 ? loss.reshape(self.sizes()) : loss;
}

Tensor mse_loss(const Tensor &self, const Tensor &target, int64_t reduction) {
  return nn::functional::mse_loss(
      self, target,
      nn::functional::MSELossFuncOptions().reduction(atenReduction(reduction)));
}
} // namespace kiln
