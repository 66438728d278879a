//===- OpsCommon.cpp - Helpers shared by the eager op files ---------------===//
#include "OpsCommon.h"
#include "kiln/Trace.h"

#include <sstream>

namespace kiln::detail {

std::vector<int64_t> contiguousStrides(IntArrayRef sizes) {
  std::vector<int64_t> strides(sizes.size());
  int64_t s = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    strides[d] = s;
    s *= std::max<int64_t>(sizes[d], 1);
  }
  return strides;
}

Tensor emptyTensor(IntArrayRef sizes, ScalarType dtype) {
  KILN_CHECK(static_cast<int64_t>(sizes.size()) <= kMaxDims,
             "kiln tensors have at most ", kMaxDims, " dimensions, got ",
             sizes.size());
  checkSupportedType(dtype);
  auto impl = std::make_shared<TensorImpl>();
  int64_t n = 1, bytes = 0;
  bool overflow = false;
  for (int64_t s : sizes) {
    KILN_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s,
               ": ", shapeString(sizes));
    overflow = overflow || __builtin_mul_overflow(n, s, &n);
  }
  overflow = overflow ||
             __builtin_mul_overflow(n, int64_t(elementSize(dtype)), &bytes);
  KILN_CHECK(!overflow, "Storage size calculation overflowed with sizes=",
             shapeString(sizes));
  impl->storage = runtime::allocateStorage(bytes);
  impl->dtype = dtype;
  impl->sizes = sizes.vec();
  impl->strides = contiguousStrides(sizes);
  return Tensor(std::move(impl));
}

Tensor makeAlias(const Tensor &base, std::vector<int64_t> sizes,
                 std::vector<int64_t> strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.impl().storage;
  impl->dtype = base.dtype();
  impl->sizes = std::move(sizes);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->isView = true;
  const TensorImpl &b = base.impl();
  impl->viewBase = b.isView ? b.viewBase : base.getIntrusivePtr();
  impl->noGradViewOfGradTensor =
      !GradMode::is_enabled() && base.requires_grad();
  return Tensor(std::move(impl));
}

int64_t wrapDim(int64_t dim, int64_t ndim) {
  int64_t n = std::max<int64_t>(ndim, 1);
  KILN_CHECK(dim >= -n && dim < n,
             "Dimension out of range (expected to be in range of [", -n, ", ",
             n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

std::vector<int64_t> broadcastShapes(IntArrayRef a, IntArrayRef b) {
  size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    KILN_CHECK(da == db || da == 1 || db == 1, "The size of tensor a (", da,
               ") must match the size of tensor b (", db,
               ") at non-singleton dimension ", n - 1 - i);
    out[n - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

runtime::StridedView broadcastView(const Tensor &t, IntArrayRef shape) {
  const TensorImpl &impl = t.impl();
  runtime::StridedView v{impl.data(), impl.dtype, shape.vec(),
                         std::vector<int64_t>(shape.size(), 0)};
  size_t lead = shape.size() - impl.sizes.size();
  for (size_t d = 0; d < impl.sizes.size(); ++d)
    if (impl.sizes[d] != 1)
      v.strides[lead + d] = impl.strides[d];
  return v;
}

Tensor sumTo(const Tensor &grad, IntArrayRef shape) {
  if (grad.sizes() == shape)
    return grad;
  int64_t lead = grad.dim() - static_cast<int64_t>(shape.size());
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < grad.dim(); ++d)
    if (d < lead || (shape[d - lead] == 1 && grad.size(d) != 1))
      dims.push_back(d);
  Tensor r = dims.empty() ? grad : grad.sum(dims, /*keepdim=*/true);
  return r.reshape(shape);
}

ScalarType resultType(const Tensor &a, const Tensor &b) {
  auto tier = [](const Tensor &t) {
    return t.impl().isWrappedNumber ? 2 : (t.dim() == 0 ? 1 : 0);
  };
  std::optional<ScalarType> byTier[3];
  for (const Tensor *t : {&a, &b}) {
    auto &slot = byTier[tier(*t)];
    slot = slot ? promoteTypes(*slot, t->dtype()) : t->dtype();
  }
  std::optional<ScalarType> result;
  for (int t = 0; t < 3; ++t) {
    if (!byTier[t])
      continue;
    ScalarType type = *byTier[t];
    if (t == 2 && type == kDouble)
      type = get_default_dtype_as_scalartype(); // A Python float's type.
    auto category = [](ScalarType s) { return isFloatingType(s) ? 2 : int(s); };
    if (!result || category(type) > category(*result))
      result = type;
  }
  return *result;
}

Tensor castTo(const Tensor &t, ScalarType dtype) {
  return t.dtype() == dtype ? t : t.to(dtype);
}

void checkInplace(const Tensor &self) {
  if (!GradMode::is_enabled())
    return;
  KILN_CHECK(!(self.is_leaf() && self.requires_grad()),
             "a leaf Variable that requires grad is being used in an in-place "
             "operation.");
  if (!self.impl().isView || !self.requires_grad())
    return;
  std::shared_ptr<TensorImpl> base = self.impl().viewBase.lock();
  KILN_CHECK(!(base && !base->gradFn && base->requiresGrad),
             "a view of a leaf Variable that requires grad is being used in "
             "an in-place operation.");
}

const Tensor &commitInplace(const Tensor &self, const Tensor &given) {
  std::vector<int64_t> shape = broadcastShapes(self.sizes(), given.sizes());
  KILN_CHECK(IntArrayRef(shape) == self.sizes(), "output with shape ",
             shapeString(self.sizes()), " doesn't match the broadcast shape ",
             shapeString(shape));
  KILN_CHECK(isFloatingType(self.dtype()) || !isFloatingType(given.dtype()),
             "result type ", toString(given.dtype()),
             " can't be cast to the desired output type ",
             toString(self.dtype()));
  TensorImpl &impl = self.impl();
  // A value of another dtype is cast, so that the gradient flowing back
  // through it takes the value's dtype again (ToCopyBackward).
  Tensor cast = given.grad_fn() && given.dtype() != self.dtype()
                    ? given.to(self.dtype())
                    : given;
  const Tensor &value = cast;
  if (value.grad_fn()) {
    KILN_CHECK(!impl.isView,
               "kiln does not support in-place operations that record "
               "autograd history on a view; use the out-of-place op");
  }
  runtime::copy(broadcastView(value, self.sizes()), impl.view());
  impl.storage->bumpVersion();
  if (auto *r = trace::active())
    r->assign(self, r->value(value));
  if (value.grad_fn()) {
    // Through setHistory: retain_grad and hooks follow the new history.
    autograd::setHistory(self, value.grad_fn(), value.output_nr());
  } else if (impl.gradFn && GradMode::is_enabled()) {
    // Every element was overwritten by a value without history: the old
    // history gets a zero gradient (PyTorch's CopyBackwards), and the
    // tensor still requires grad.
    Tensor old(std::make_shared<TensorImpl>(impl));
    autograd::setHistory(
        self, autograd::makeNode(
                  "CopyBackwards", {old},
                  [](autograd::FunctionNode &, const variable_list &g) {
                    return variable_list{zeros_like(g[0])};
                  }));
  }
  return self;
}

std::string shapeString(IntArrayRef sizes) {
  std::ostringstream os;
  os << sizes;
  return os.str();
}

} // namespace kiln::detail
