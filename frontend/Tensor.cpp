//===- Tensor.cpp - Tensor metadata, autograd accessors, conversions ------===//
#include "kiln/Tensor.h"
#include "OpsCommon.h"

#include "kiln/Trace.h"
#include <cstring>

#include <cmath>

namespace kiln {

using namespace detail;

TensorImpl &Tensor::impl() const {
  KILN_CHECK(impl_ != nullptr, "Tensor is undefined");
  return *impl_;
}

int64_t Tensor::size(int64_t d) const {
  KILN_CHECK(dim() > 0, "dimension specified as ", d,
             " but tensor has no dimensions");
  return impl().sizes[wrapDim(d, dim())];
}

int64_t Tensor::stride(int64_t d) const {
  KILN_CHECK(dim() > 0, "dimension specified as ", d,
             " but tensor has no dimensions");
  return impl().strides[wrapDim(d, dim())];
}

TensorOptions Tensor::options() const {
  return TensorOptions().dtype(dtype()).device(device());
}

bool Tensor::is_contiguous() const { return impl().view().isContiguous(); }

Scalar Tensor::item() const {
  KILN_CHECK(numel() == 1, "a Tensor with ", numel(),
             " elements cannot be converted to Scalar");
  Scalar s = dispatchType(dtype(), [&](auto t) -> Scalar {
    using T = decltype(t);
    // A bool is any nonzero byte (from_blob memory may hold 2).
    if constexpr (std::is_same_v<T, bool>)
      return Scalar(*static_cast<const uint8_t *>(impl().data()) != 0);
    else
      return Scalar(*static_cast<const T *>(impl().data()));
  });
  if (auto *r = trace::active())
    r->hostRead(*this, s.toDouble(), "a value read with item()");
  return s;
}

void Tensor::checkDataType(int type) const {
  KILN_CHECK(type >= 0, "expected a pointer to the element type of a ",
             ::kiln::toString(dtype()), " tensor");
  KILN_CHECK(ScalarType(type) == dtype(), "expected scalar type ",
             ::kiln::toString(ScalarType(type)), " but found ",
             ::kiln::toString(dtype()));
}

void Tensor::noteRawAccess() const {
  if (auto *r = trace::active())
    r->fail("a raw data_ptr() access inside the step (a host read or write "
            "the trace cannot see; use item() or tensor ops)");
}

bool Tensor::is_nonzero() const {
  KILN_CHECK(numel() != 0,
             "Boolean value of Tensor with no values is ambiguous");
  KILN_CHECK(numel() == 1, "Boolean value of Tensor with more than one value "
                           "is ambiguous");
  return item().toBool();
}

bool Tensor::requires_grad() const {
  return impl().requiresGrad || impl().gradFn != nullptr ||
         impl().noGradViewOfGradTensor;
}

const Tensor &Tensor::requires_grad_(bool requiresGrad) const {
  KILN_CHECK(is_leaf() || requiresGrad,
             "you can only change requires_grad flags of leaf variables. If "
             "you want to use a computed variable in a subgraph that doesn't "
             "require differentiation use var_no_grad = var.detach().");
  KILN_CHECK(!requiresGrad || is_floating_point(),
             "Only Tensors of floating point and complex dtype can require "
             "gradients");
  impl().requiresGrad = requiresGrad;
  if (!requiresGrad)
    impl().noGradViewOfGradTensor = false;
  return *this;
}

const Tensor &Tensor::grad() const { return mutable_grad(); }

Tensor &Tensor::mutable_grad() const {
  // A traced step that reads a gradient depends on it.
  if (auto *r = trace::active())
    r->readGrad(*this);
  // The handle lives in the impl so that grad() can return a reference.
  static_assert(sizeof(Tensor) == sizeof(std::shared_ptr<TensorImpl>));
  return reinterpret_cast<Tensor &>(impl().grad);
}

void Tensor::set_grad(const Tensor &g) const {
  if (g.defined()) {
    KILN_CHECK(g.sizes() == sizes(), "assigned grad has data of a different "
                                     "size");
    KILN_CHECK(g.dtype() == dtype(), "assigned grad has data of a different "
                                     "type");
  }
  if (auto *r = trace::active())
    r->touchGrad(*this);
  reinterpret_cast<Tensor &>(impl().grad) = g;
}

const Tensor &Tensor::resize_(IntArrayRef size) const {
  KILN_CHECK(!requires_grad(), "cannot resize variables that require grad");
  KILN_CHECK(size.size() <= 16, "kiln tensors have at most 16 dimensions");
  int64_t numel = 1;
  for (int64_t s : size) {
    KILN_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s,
               ": ", shapeString(size));
    numel *= s;
  }
  if (auto *r = trace::active())
    r->fail("resize_ (a host change of a tensor's shape)");
  TensorImpl &t = impl();
  size_t itemsize = elementSize(t.dtype);
  size_t needed = static_cast<size_t>(t.offset + numel) * itemsize;
  if (numel > 0 && needed > t.storage->nbytes()) {
    runtime::Storage grown = runtime::allocateStorage(needed);
    std::memcpy(grown->data(), t.storage->data(), t.storage->nbytes());
    t.storage = std::move(grown);
  }
  t.sizes = size.vec();
  t.strides.assign(size.size(), 1);
  for (int64_t d = static_cast<int64_t>(size.size()) - 2; d >= 0; --d)
    t.strides[d] = t.strides[d + 1] * std::max<int64_t>(size[d + 1], 1);
  return *this;
}

Tensor Tensor::detach() const {
  Tensor alias =
      makeAlias(*this, sizes().vec(), strides().vec(), storage_offset());
  // Cut from the graph, the alias is nobody's view for autograd.
  alias.impl().isView = impl().isView;
  alias.impl().viewBase.reset();
  alias.impl().noGradViewOfGradTensor = false;
  if (auto *r = trace::active())
    r->bind(alias,
            r->emit(trace::Op::Detach, {r->value(*this)}, sizes(), dtype()));
  return alias;
}

const Tensor &Tensor::detach_() const {
  impl().gradFn = nullptr;
  impl().requiresGrad = false;
  impl().noGradViewOfGradTensor = false;
  return *this;
}

Tensor Tensor::clone() const {
  Tensor out = emptyTensor(sizes(), dtype());
  runtime::copy(impl().view(), out.impl().view());
  if (autograd::anyRequiresGrad({this}))
    autograd::setHistory(out,
                         autograd::makeNode("CloneBackward0", {*this},
                                            [](auto &, const variable_list &g) {
                                              return variable_list{g[0]};
                                            }));
  if (auto *r = trace::active())
    r->bind(out, r->value(*this));
  return out;
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

Tensor Tensor::to(ScalarType t, bool, bool copy) const {
  if (t == dtype() && !copy)
    return *this;
  Tensor out = emptyTensor(sizes(), t);
  runtime::copy(impl().view(), out.impl().view());
  if (isFloatingType(t) && autograd::anyRequiresGrad({this})) {
    ScalarType from = dtype();
    autograd::setHistory(
        out, autograd::makeNode("ToCopyBackward0", {*this},
                                [from](auto &, const variable_list &g) {
                                  return variable_list{g[0].to(from)};
                                }));
  }
  if (auto *r = trace::active())
    r->bind(out, r->cast(r->value(*this), t));
  return out;
}

Tensor Tensor::to(const TensorOptions &options, bool non_blocking,
                  bool copy) const {
  KILN_CHECK(!(options.has_requires_grad() && options.requires_grad()),
             "to(options) expects unset requires_grad flag, but got "
             "options.requires_grad set as true");
  KILN_CHECK(options.device().is_cpu(),
             "kiln eager tensors live on the CPU; CUDA is not available");
  KILN_CHECK(options.layout() == kStrided, "kiln tensors are strided; layout ",
             options.layout(), " is not supported");
  return to(options.has_dtype() ? options.dtype() : dtype(), non_blocking,
            copy);
}

Tensor Tensor::to(const Tensor &other, bool non_blocking, bool copy) const {
  return to(other.options(), non_blocking, copy);
}

Tensor Tensor::to(Device device) const {
  KILN_CHECK(device.is_cpu(),
             "kiln eager tensors live on the CPU; CUDA is not available");
  return *this;
}

bool Tensor::equal(const Tensor &other) const {
  if (sizes() != other.sizes())
    return false;
  NoGradGuard noGrad;
  return eq(other).all().item<bool>();
}

bool Tensor::allclose(const Tensor &other, double rtol, double atol,
                      bool equal_nan) const {
  NoGradGuard noGrad;
  // PyTorch's isclose: computed in the promoted type (the default dtype for
  // integers), so the tolerances round as the values do.
  ScalarType t = detail::resultType(*this, other);
  if (!isFloatingType(t))
    t = get_default_dtype_as_scalartype();
  Tensor a = to(t), b = other.to(t);
  Tensor diff = (a - b).abs();
  Tensor tol = b.abs() * rtol + atol;
  Tensor ok = diff <= tol;
  if (equal_nan)
    ok = ok | (a.ne(a) & b.ne(b));
  else
    ok = ok & a.eq(a) & b.eq(b);
  // Exactly equal values (including infinities) are close.
  ok = ok | a.eq(b);
  return ok.all().item<bool>();
}

bool equal(const Tensor &a, const Tensor &b) { return a.equal(b); }
bool allclose(const Tensor &a, const Tensor &b, double rtol, double atol,
              bool equal_nan) {
  return a.allclose(b, rtol, atol, equal_nan);
}

std::ostream &operator<<(std::ostream &os, const Scalar &s) {
  if (s.isFloatingPoint())
    return os << s.toDouble();
  if (s.isBoolean())
    return os << (s.toBool() ? "true" : "false");
  return os << s.toLong();
}

} // namespace kiln
