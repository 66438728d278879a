//===- ViewOps.cpp - Views, indexing and concatenation -------------------===//
//
// Views alias their input's memory; their gradients are ordinary ops on the
// output gradient (reshape back, transpose back, pad with zeros, ...).
//
//===----------------------------------------------------------------------===//
#include "OpsCommon.h"
#include "TraceHooks.h"
#include "kiln/Indexing.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace kiln {

using namespace detail;
using autograd::FunctionNode;

namespace {

/// Attaches a single-input gradient rule `rule(grad) -> input grad`.
template <class Rule>
Tensor withGrad(Tensor out, const Tensor &in, const char *name, Rule rule) {
  if (autograd::anyRequiresGrad({&in}))
    autograd::setHistory(
        out, autograd::makeNode(name, {in},
                                [rule](FunctionNode &, const variable_list &g) {
                                  return variable_list{rule(g[0])};
                                }));
  return out;
}

/// Records a view op when tracing: `record(recorder, out)`.
template <class Record> Tensor traced(Tensor out, Record record) {
  if (auto *r = trace::active())
    record(*r, out);
  return out;
}

std::vector<int64_t> inferSize(IntArrayRef shape, int64_t numel) {
  std::vector<int64_t> out = shape.vec();
  int64_t known = 1;
  std::optional<size_t> infer;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      KILN_CHECK(!infer, "only one dimension can be inferred");
      infer = i;
    } else {
      KILN_CHECK(out[i] >= 0, "invalid shape dimension ", out[i]);
      known *= out[i];
    }
  }
  KILN_CHECK(!(infer && known == 0 && numel == 0),
             "cannot reshape tensor of 0 elements into shape ",
             shapeString(shape),
             " because the unspecified dimension size -1 can be any value "
             "and is ambiguous");
  bool ok = infer ? (known != 0 && numel % known == 0) : known == numel;
  KILN_CHECK(ok, "shape '", shapeString(shape),
             "' is invalid for input of size ", numel);
  if (infer)
    out[*infer] = numel / known;
  return out;
}

/// PyTorch's computeStride: strides for viewing (sizes, strides) as `shape`
/// without copying, if possible.
std::optional<std::vector<int64_t>>
viewStrides(IntArrayRef sizes, IntArrayRef strides, IntArrayRef shape) {
  std::vector<int64_t> out(shape.size(), 1);
  if (sizes.empty())
    return out;
  int64_t numel = 1;
  for (int64_t s : sizes)
    numel *= s;
  if (numel == 0)
    return contiguousStrides(shape);
  int64_t viewD = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunkBase = strides.back();
  int64_t tensorNumel = 1, viewNumel = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    tensorNumel *= sizes[d];
    if (d == 0 ||
        (sizes[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        --viewD;
      }
      if (viewNumel != tensorNumel)
        return std::nullopt;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD != -1)
    return std::nullopt;
  return out;
}

Tensor viewImpl(const Tensor &self, IntArrayRef shape, const char *name) {
  std::vector<int64_t> size = inferSize(shape, self.numel());
  auto strides = viewStrides(self.sizes(), self.strides(), size);
  KILN_CHECK(strides.has_value(),
             "view size is not compatible with input tensor's size and stride "
             "(at least one dimension spans across two contiguous subspaces). "
             "Use .reshape(...) instead.");
  std::vector<int64_t> inShape = self.sizes().vec();
  return traced(
      withGrad(makeAlias(self, size, *strides, self.storage_offset()), self,
               name, [inShape](const Tensor &g) { return g.reshape(inShape); }),
      [&](trace::Recorder &r, const Tensor &out) {
        traceReshape(r, self, out);
      });
}

} // namespace

Tensor Tensor::view(IntArrayRef shape) const {
  return viewImpl(*this, shape, "ViewBackward0");
}

Tensor Tensor::reshape(IntArrayRef shape) const {
  std::vector<int64_t> size = inferSize(shape, numel());
  if (viewStrides(sizes(), strides(), size))
    return viewImpl(*this, size, "ViewBackward0");
  return viewImpl(clone(), size, "UnsafeViewBackward0");
}

Tensor Tensor::flatten(int64_t start, int64_t end) const {
  if (dim() == 0)
    return reshape({1});
  start = wrapDim(start, dim());
  end = wrapDim(end, dim());
  KILN_CHECK(start <= end, "flatten() has invalid args: start_dim cannot come "
                           "after end_dim");
  std::vector<int64_t> shape(sizes().begin(), sizes().begin() + start);
  int64_t n = 1;
  for (int64_t d = start; d <= end; ++d)
    n *= size(d);
  shape.push_back(n);
  shape.insert(shape.end(), sizes().begin() + end + 1, sizes().end());
  return reshape(shape);
}

Tensor Tensor::transpose(int64_t d0, int64_t d1) const {
  if (dim() == 0)
    return *this;
  d0 = wrapDim(d0, dim());
  d1 = wrapDim(d1, dim());
  std::vector<int64_t> sz = sizes().vec(), st = strides().vec();
  std::swap(sz[d0], sz[d1]);
  std::swap(st[d0], st[d1]);
  return traced(withGrad(makeAlias(*this, sz, st, storage_offset()), *this,
                         "TransposeBackward0",
                         [=](const Tensor &g) { return g.transpose(d0, d1); }),
                [&](trace::Recorder &r, const Tensor &out) {
                  std::vector<int64_t> perm(dim());
                  for (int64_t i = 0; i < dim(); ++i)
                    perm[i] = i;
                  std::swap(perm[d0], perm[d1]);
                  tracePermute(r, *this, perm, out);
                });
}

Tensor Tensor::t() const {
  KILN_CHECK(dim() <= 2,
             "t() expects a tensor with <= 2 dimensions, but self "
             "is ",
             dim(), "D");
  if (dim() < 2)
    return traced(withGrad(makeAlias(*this, sizes().vec(), strides().vec(),
                                     storage_offset()),
                           *this, "TBackward0",
                           [](const Tensor &g) { return g; }),
                  [&](trace::Recorder &r, const Tensor &out) {
                    traceReshape(r, *this, out);
                  });
  return traced(withGrad(makeAlias(*this, {size(1), size(0)},
                                   {stride(1), stride(0)}, storage_offset()),
                         *this, "TBackward0",
                         [](const Tensor &g) { return g.t(); }),
                [&](trace::Recorder &r, const Tensor &out) {
                  tracePermute(r, *this, {1, 0}, out);
                });
}

Tensor Tensor::permute(IntArrayRef dims) const {
  KILN_CHECK(static_cast<int64_t>(dims.size()) == dim(),
             "permute(sparse_coo): number of dimensions in the tensor input "
             "does not match the length of the desired ordering of dimensions "
             "i.e. input.dim() = ",
             dim(), " is not equal to len(dims) = ", dims.size());
  std::vector<int64_t> sz(dim()), st(dim()), inverse(dim());
  std::vector<bool> seen(dim(), false);
  for (int64_t i = 0; i < dim(); ++i) {
    int64_t d = wrapDim(dims[i], dim());
    KILN_CHECK(!seen[d], "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sz[i] = size(d);
    st[i] = stride(d);
    inverse[d] = i;
  }
  return traced(
      withGrad(makeAlias(*this, sz, st, storage_offset()), *this,
               "PermuteBackward0",
               [inverse](const Tensor &g) { return g.permute(inverse); }),
      [&](trace::Recorder &r, const Tensor &out) {
        std::vector<int64_t> perm;
        for (int64_t d : dims)
          perm.push_back(wrapDim(d, dim()));
        tracePermute(r, *this, perm, out);
      });
}

Tensor Tensor::squeeze() const {
  std::vector<int64_t> sz, st;
  for (int64_t d = 0; d < dim(); ++d)
    if (size(d) != 1) {
      sz.push_back(size(d));
      st.push_back(stride(d));
    }
  std::vector<int64_t> in = sizes().vec();
  return traced(withGrad(makeAlias(*this, sz, st, storage_offset()), *this,
                         "SqueezeBackward0",
                         [in](const Tensor &g) { return g.reshape(in); }),
                [&](trace::Recorder &r, const Tensor &out) {
                  traceReshape(r, *this, out);
                });
}

Tensor Tensor::squeeze(int64_t d) const {
  d = wrapDim(d, dim());
  std::vector<int64_t> sz = sizes().vec(), st = strides().vec(), in = sz;
  if (dim() > 0 && sz[d] == 1) {
    sz.erase(sz.begin() + d);
    st.erase(st.begin() + d);
  }
  return traced(withGrad(makeAlias(*this, sz, st, storage_offset()), *this,
                         "SqueezeBackward1",
                         [in](const Tensor &g) { return g.reshape(in); }),
                [&](trace::Recorder &r, const Tensor &out) {
                  traceReshape(r, *this, out);
                });
}

Tensor Tensor::unsqueeze(int64_t d) const {
  d = wrapDim(d, dim() + 1);
  std::vector<int64_t> sz = sizes().vec(), st = strides().vec(), in = sz;
  int64_t newStride = d < dim() ? st[d] * sz[d] : 1;
  sz.insert(sz.begin() + d, 1);
  st.insert(st.begin() + d, newStride);
  return traced(withGrad(makeAlias(*this, sz, st, storage_offset()), *this,
                         "UnsqueezeBackward0",
                         [in](const Tensor &g) { return g.reshape(in); }),
                [&](trace::Recorder &r, const Tensor &out) {
                  traceReshape(r, *this, out);
                });
}

Tensor Tensor::expand(IntArrayRef size, bool) const {
  KILN_CHECK(static_cast<int64_t>(size.size()) >= dim(),
             "expand(torch.FloatTensor{", shapeString(sizes()),
             "}, size=", shapeString(size), "): the number of sizes provided (",
             size.size(),
             ") must be greater or equal to the number of dimensions in the "
             "tensor (",
             dim(), ")");
  int64_t lead = static_cast<int64_t>(size.size()) - dim();
  std::vector<int64_t> sz(size.size()), st(size.size(), 0);
  for (int64_t i = 0; i < static_cast<int64_t>(size.size()); ++i) {
    int64_t d = i - lead;
    if (d < 0) {
      KILN_CHECK(size[i] >= 0, "The expanded size of the tensor (", size[i],
                 ") isn't allowed in a leading, non-existing dimension ", i);
      sz[i] = size[i];
      continue;
    }
    int64_t target = size[i] == -1 ? this->size(d) : size[i];
    KILN_CHECK(this->size(d) == target || this->size(d) == 1,
               "The expanded size of the tensor (", target,
               ") must match the existing size (", this->size(d),
               ") at non-singleton dimension ", i,
               ".  Target sizes: ", shapeString(size),
               ".  Tensor sizes: ", shapeString(sizes()));
    sz[i] = target;
    st[i] = this->size(d) == target ? stride(d) : 0;
  }
  std::vector<int64_t> in = sizes().vec();
  return traced(withGrad(makeAlias(*this, sz, st, storage_offset()), *this,
                         "ExpandBackward0",
                         [in](const Tensor &g) { return sumTo(g, in); }),
                [&](trace::Recorder &r, const Tensor &out) {
                  r.bind(out, r.broadcast(r.value(*this), out.sizes()));
                });
}

Tensor Tensor::slice(int64_t d, std::optional<int64_t> start,
                     std::optional<int64_t> end, int64_t step) const {
  KILN_CHECK(dim() > 0, "slice() cannot be applied to a 0-dim tensor.");
  d = wrapDim(d, dim());
  KILN_CHECK(step > 0, "slice step must be positive");
  int64_t n = size(d);
  int64_t s = start.value_or(0), e = end.value_or(n);
  if (s < 0)
    s += n;
  if (e < 0)
    e += n;
  s = std::clamp<int64_t>(s, 0, n);
  e = std::clamp<int64_t>(e, s, n);
  std::vector<int64_t> sz = sizes().vec(), st = strides().vec(), in = sz;
  sz[d] = (e - s + step - 1) / step;
  st[d] *= step;
  return traced(
      withGrad(makeAlias(*this, sz, st, storage_offset() + s * stride(d)),
               *this, "SliceBackward0",
               [=](const Tensor &g) {
                 Tensor full = zeros(in, g.dtype());
                 full.slice(d, s, e, step).copy_(g);
                 return full;
               }),
      [&](trace::Recorder &r, const Tensor &out) {
        traceSlice(r, *this, d, s, e, step, out);
      });
}

namespace {
/// The storage index of every element of a view with this geometry (int64,
/// of shape `size`).
Tensor storageIndices(IntArrayRef size, IntArrayRef stride, int64_t offset) {
  Tensor idx = full({}, offset, kLong);
  for (size_t d = 0; d < size.size(); ++d) {
    std::vector<int64_t> shape(size.size(), 1);
    shape[d] = size[d];
    idx = idx + (arange(size[d], kLong) * stride[d]).view(shape);
  }
  return idx.expand(size).contiguous();
}
} // namespace

Tensor Tensor::as_strided(IntArrayRef size, IntArrayRef stride,
                          std::optional<int64_t> storageOffset) const {
  KILN_CHECK(size.size() == stride.size(),
             "mismatch in length of strides and shape");
  for (int64_t st : stride)
    KILN_CHECK(st >= 0,
               "as_strided: Negative strides are not supported at the moment, "
               "got strides: ",
               shapeString(stride));
  for (int64_t sz : size)
    KILN_CHECK(sz >= 0, "Trying to create tensor with negative dimension ", sz,
               ": ", shapeString(size));
  int64_t offset = storageOffset.value_or(storage_offset());
  KILN_CHECK(offset >= 0, "Tensor: invalid storage offset ", offset);
  int64_t numelOut = 1, last = 0;
  for (size_t d = 0; d < size.size(); ++d) {
    numelOut *= size[d];
    last += (size[d] - 1) * stride[d];
  }
  int64_t itemsize = static_cast<int64_t>(elementSize(dtype()));
  int64_t needed = numelOut == 0 ? 0 : (offset + last + 1) * itemsize;
  int64_t have = static_cast<int64_t>(impl().storage->nbytes());
  KILN_CHECK(needed <= have, "setStorage: sizes ", shapeString(size),
             ", strides ", shapeString(stride), ", storage offset ", offset,
             ", and itemsize ", itemsize, " requiring a storage size of ",
             needed, " are out of bounds for storage of size ", have);
  if (auto *r = trace::active())
    r->fail("as_strided (a view kiln's IR cannot express)");
  Tensor out = makeAlias(*this, size.vec(), stride.vec(), offset);
  if (!autograd::anyRequiresGrad({this}))
    return out;
  // PyTorch's as_strided_backward: the gradient is scattered into the
  // memory both views address, then read back with the input's geometry;
  // memory the input reaches through several elements shares it.
  std::vector<int64_t> inSize = sizes().vec(), inStride = strides().vec(),
                       outSize = size.vec(), outStride = stride.vec();
  int64_t inOffset = storage_offset();
  return withGrad(out, *this, "AsStridedBackward0", [=](const Tensor &g) {
    Tensor in = storageIndices(inSize, inStride, inOffset);
    Tensor at = storageIndices(outSize, outStride, offset);
    int64_t lo = std::min(in.numel() ? in.min().item<int64_t>() : 0,
                          at.numel() ? at.min().item<int64_t>() : 0);
    int64_t hi = std::max(in.numel() ? in.max().item<int64_t>() : 0,
                          at.numel() ? at.max().item<int64_t>() : 0);
    Tensor memory = zeros({hi - lo + 1}, g.dtype());
    memory.index_put_({at.view({-1}) - lo}, g.reshape({-1}), true);
    Tensor uses = zeros({hi - lo + 1}, g.dtype());
    uses.index_put_({in.view({-1}) - lo}, 1.0, true);
    Tensor shared = memory / uses.clamp_min(1);
    return shared.index({in.view({-1}) - lo}).view(inSize);
  });
}

Tensor as_strided(const Tensor &a, IntArrayRef size, IntArrayRef stride,
                  std::optional<int64_t> storage_offset) {
  return a.as_strided(size, stride, storage_offset);
}

Tensor _reshape_alias(const Tensor &a, IntArrayRef size, IntArrayRef stride) {
  return a.as_strided(size, stride);
}

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  KILN_CHECK(dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  d = wrapDim(d, dim());
  if (start < 0)
    start += size(d);
  KILN_CHECK(start >= 0 && length >= 0 && start + length <= size(d), "start (",
             start, ") + length (", length, ") exceeds dimension size (",
             size(d), ").");
  return slice(d, start, start + length);
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  KILN_CHECK(dim() > 0, "select() cannot be applied to a 0-dim tensor.");
  d = wrapDim(d, dim());
  int64_t n = size(d);
  KILN_CHECK(index >= -n && index < n, "select(): index ", index,
             " out of range for tensor of size ", shapeString(sizes()),
             " at dimension ", d);
  if (index < 0)
    index += n;
  std::vector<int64_t> sz = sizes().vec(), st = strides().vec(), in = sz;
  int64_t off = storage_offset() + index * st[d];
  sz.erase(sz.begin() + d);
  st.erase(st.begin() + d);
  return traced(
      withGrad(makeAlias(*this, sz, st, off), *this, "SelectBackward0",
               [=](const Tensor &g) {
                 Tensor full = zeros(in, g.dtype());
                 full.select(d, index).copy_(g);
                 return full;
               }),
      [&](trace::Recorder &r, const Tensor &out) {
        std::vector<int64_t> shape = sizes().vec();
        shape[d] = 1;
        std::vector<int64_t> starts(dim(), 0), limits = sizes().vec(),
                                               steps(dim(), 1);
        starts[d] = index;
        limits[d] = index + 1;
        int v = r.emit(trace::Op::Slice, {r.value(*this)}, shape, dtype(),
                       starts, limits, steps);
        r.bind(out, r.emit(trace::Op::Reshape, {v}, out.sizes(), dtype()));
      });
}

// --- Indexing
// -------------------------------------------------------------------------

namespace indexing {
TensorIndex::TensorIndex(const char *s) : kind_(Kind::Ellipsis) {
  KILN_CHECK(std::string(s) == "...",
             "Expected \"...\" to represent an ellipsis index, but got \"", s,
             "\"");
}

std::ostream &operator<<(std::ostream &os, const Slice &s) {
  return os << s.start() << ":" << s.stop() << ":" << s.step();
}

std::ostream &operator<<(std::ostream &os, const TensorIndex &i) {
  switch (i.kind()) {
  case TensorIndex::Kind::None:
    return os << "None";
  case TensorIndex::Kind::Ellipsis:
    return os << "...";
  case TensorIndex::Kind::Integer:
    return os << i.integer();
  case TensorIndex::Kind::Boolean:
    return os << (i.boolean() ? "true" : "false");
  case TensorIndex::Kind::Slice:
    return os << i.slice();
  case TensorIndex::Kind::Tensor:
    return os << i.tensor();
  }
  return os;
}

std::ostream &operator<<(std::ostream &os, const std::vector<TensorIndex> &v) {
  os << "(";
  for (size_t k = 0; k < v.size(); ++k)
    os << (k ? ", " : "") << v[k];
  return os << ")";
}
} // namespace indexing

namespace {
using indexing::TensorIndex;

/// How many of `self`'s dimensions `indices` consume (a bool mask its
/// rank, integers, slices and index tensors one each), checked against its
/// rank as libtorch does (a lone integer index of a 0-dim tensor first).
int64_t checkedDimsConsumed(const Tensor &self, ArrayRef<TensorIndex> indices) {
  KILN_CHECK(!(indices.size() == 1 &&
               indices[0].kind() == TensorIndex::Kind::Integer &&
               self.dim() == 0),
             "invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
             "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
             "number");
  int64_t consuming = 0;
  for (auto &i : indices)
    if (i.kind() == TensorIndex::Kind::Tensor)
      consuming += i.tensor().dtype() == kBool ? i.tensor().dim() : 1;
    else if (i.kind() == TensorIndex::Kind::Integer ||
             i.kind() == TensorIndex::Kind::Slice)
      ++consuming;
  KILN_CHECK(consuming <= self.dim(),
             "too many indices for tensor of dimension ", self.dim());
  return consuming;
}

/// Applies the basic (view) indices and returns the view plus the position
/// and value of a single bool-mask index, if any. A bool scalar index
/// becomes a dim of size 1 (0 for false) whose position goes to `boolDims`:
/// libtorch indexes it like a tensor index (see collapseBoolDims).
Tensor applyBasicIndices(const Tensor &self, ArrayRef<TensorIndex> indices,
                         Tensor &mask, int64_t &maskDim,
                         std::vector<int64_t> *boolDims = nullptr) {
  int64_t consuming = checkedDimsConsumed(self, indices);
  Tensor r = self;
  int64_t d = 0;
  for (size_t pos = 0; pos < indices.size(); ++pos) {
    const TensorIndex &i = indices[pos];
    switch (i.kind()) {
    case TensorIndex::Kind::Integer: {
      // libtorch names the index's position in the list as its dimension.
      int64_t n = r.size(d), k = i.integer();
      KILN_CHECK(k >= -n && k < n, "index ", k,
                 " is out of bounds for dimension ", pos, " with size ", n);
      r = r.select(d, k);
      --consuming;
      break;
    }
    case TensorIndex::Kind::Slice:
      r = r.slice(d, i.slice().start(), i.slice().stop(), i.slice().step());
      ++d;
      --consuming;
      break;
    case TensorIndex::Kind::None:
    case TensorIndex::Kind::Boolean:
      r = r.unsqueeze(d);
      if (i.kind() == TensorIndex::Kind::Boolean) {
        if (!i.integer())
          r = r.slice(d, 0, 0);
        if (boolDims)
          boolDims->push_back(d);
      }
      ++d;
      break;
    case TensorIndex::Kind::Ellipsis:
      d = r.dim() - consuming;
      break;
    case TensorIndex::Kind::Tensor: {
      const Tensor &t = i.tensor();
      KILN_CHECK(t.dtype() == kBool,
                 "kiln supports bool mask tensors as tensor indices; integer "
                 "index tensors are not supported yet");
      KILN_CHECK(!mask.defined(), "kiln supports one mask index per "
                                  "indexing expression");
      for (int64_t k = 0; k < t.dim(); ++k)
        KILN_CHECK(t.size(k) == r.size(d + k), "The shape of the mask ",
                   shapeString(t.sizes()), " at index ", k,
                   " does not match the shape of the indexed tensor ",
                   shapeString(r.sizes()), " at index ", d + k);
      mask = t;
      maskDim = d;
      d += t.dim();
      consuming -= t.dim();
      break;
    }
    }
  }
  return r;
}

/// libtorch indexes a bool scalar's dim with a tensor ([0] for true, [] for
/// false), so all of them broadcast into one dim of size 1 (0 if any is
/// false), in place if they are adjacent and first otherwise (advanced
/// indexing's rule). Advanced indexing copies, so the result is no view.
Tensor collapseBoolDims(const Tensor &r, const std::vector<int64_t> &dims) {
  bool adjacent =
      dims.back() - dims.front() + 1 == static_cast<int64_t>(dims.size());
  int64_t size = 1;
  std::vector<int64_t> shape;
  for (int64_t k = 0; k < r.dim(); ++k)
    if (std::find(dims.begin(), dims.end(), k) == dims.end())
      shape.push_back(r.size(k));
    else
      size = std::min(size, r.size(k));
  shape.insert(shape.begin() + (adjacent ? dims.front() : 0), size);
  return r.reshape(shape).clone();
}

/// `mask` reshaped to sit at dims [maskDim, maskDim + mask.dim()) of `r` and
/// expanded to `r`'s shape. Walking `r` in row-major order under this mask
/// yields PyTorch's order for a single mask index: the masked dims collapse
/// in place into one dimension of length count(mask).
Tensor placeMask(const Tensor &r, const Tensor &mask, int64_t maskDim) {
  std::vector<int64_t> shape(r.dim(), 1);
  for (int64_t k = 0; k < mask.dim(); ++k)
    shape[maskDim + k] = mask.size(k);
  return mask.reshape(shape).expand(r.sizes());
}

/// The shape of `r[mask]` when the mask covers dims starting at maskDim.
std::vector<int64_t> maskedShape(const Tensor &r, int64_t maskDim,
                                 int64_t maskRank, int64_t count) {
  std::vector<int64_t> shape(r.sizes().begin(), r.sizes().begin() + maskDim);
  shape.push_back(count);
  shape.insert(shape.end(), r.sizes().begin() + maskDim + maskRank,
               r.sizes().end());
  return shape;
}
} // namespace

namespace {
/// libtorch treats a 0-dim integer tensor index as an integer (a view, not
/// a copy) and a 0-dim bool tensor as a bool scalar.
std::vector<TensorIndex> normalizeIndices(ArrayRef<TensorIndex> indices) {
  std::vector<TensorIndex> out;
  for (const TensorIndex &i : indices) {
    if (i.kind() == TensorIndex::Kind::Tensor && i.tensor().dim() == 0 &&
        (i.tensor().dtype() == kLong || i.tensor().dtype() == kBool)) {
      Scalar v = i.tensor().item();
      if (i.tensor().dtype() == kBool)
        out.emplace_back(v.toBool());
      else
        out.emplace_back(v.toLong());
    } else {
      out.push_back(i);
    }
  }
  return out;
}

/// Whether the indices need the general advanced-indexing path: any
/// integer index tensor, or bool masks/scalars in combinations the simple
/// single-mask and bool-scalar paths do not cover.
bool needsAdvanced(ArrayRef<TensorIndex> indices) {
  int masks = 0, bools = 0;
  for (const TensorIndex &i : indices) {
    if (i.kind() == TensorIndex::Kind::Boolean)
      ++bools;
    if (i.kind() != TensorIndex::Kind::Tensor)
      continue;
    KILN_CHECK(i.tensor().dtype() == kLong || i.tensor().dtype() == kBool,
               "tensors used as indices must be long, int, byte or bool "
               "tensors");
    if (i.tensor().dtype() == kLong)
      return true;
    ++masks;
  }
  return masks > 1 || (masks == 1 && bools > 0);
}

/// The geometry of an advanced index: the basic-indexed view `r`, the dims
/// of `r` that index tensors address, the broadcast index tensors, and
/// where the broadcast dims go in the result.
struct AdvancedPlan {
  Tensor r;
  std::vector<int64_t> advDims, restDims;
  std::vector<Tensor> idx; // broadcast to bshape, contiguous, non-negative
  std::vector<int64_t> bshape, restSizes, resultShape;
  /// result dims -> (B + rest) order: resultShape permuted by `toWork`.
  std::vector<int64_t> toResult;
  int64_t count = 1; // numel(bshape)
};

std::vector<Tensor> nonzeroColumns(const Tensor &mask) {
  Tensor m = mask.contiguous();
  const bool *p = m.data_ptr<bool>();
  std::vector<std::vector<int64_t>> cols(mask.dim());
  std::vector<int64_t> pos(mask.dim(), 0);
  for (int64_t e = 0; e < m.numel(); ++e) {
    if (p[e])
      for (int64_t k = 0; k < mask.dim(); ++k)
        cols[k].push_back(pos[k]);
    for (int64_t k = mask.dim() - 1; k >= 0; --k) {
      if (++pos[k] < mask.size(k))
        break;
      pos[k] = 0;
    }
  }
  std::vector<Tensor> out;
  for (auto &c : cols) {
    Tensor t = emptyTensor({static_cast<int64_t>(c.size())}, kLong);
    std::copy(c.begin(), c.end(), t.data_ptr<int64_t>());
    out.push_back(t);
  }
  return out;
}

AdvancedPlan planAdvanced(const Tensor &self, ArrayRef<TensorIndex> indices) {
  int64_t consuming = checkedDimsConsumed(self, indices);
  AdvancedPlan p;
  std::vector<Tensor> raw;
  Tensor r = self;
  int64_t d = 0;
  for (size_t pos = 0; pos < indices.size(); ++pos) {
    const TensorIndex &i = indices[pos];
    switch (i.kind()) {
    case TensorIndex::Kind::Integer: {
      int64_t n = r.size(d), k = i.integer();
      KILN_CHECK(k >= -n && k < n, "index ", k,
                 " is out of bounds for dimension ", pos, " with size ", n);
      // Earlier advanced dims keep their positions (they precede d).
      r = r.select(d, k);
      --consuming;
      break;
    }
    case TensorIndex::Kind::Slice:
      r = r.slice(d, i.slice().start(), i.slice().stop(), i.slice().step());
      ++d;
      --consuming;
      break;
    case TensorIndex::Kind::None:
      r = r.unsqueeze(d);
      ++d;
      break;
    case TensorIndex::Kind::Boolean: {
      // libtorch indexes the new unit dim with [0] (true) or [] (false).
      r = r.unsqueeze(d);
      Tensor t = i.integer() ? zeros({1}, kLong) : emptyTensor({0}, kLong);
      p.advDims.push_back(d);
      raw.push_back(t);
      ++d;
      break;
    }
    case TensorIndex::Kind::Ellipsis:
      d = r.dim() - consuming;
      break;
    case TensorIndex::Kind::Tensor: {
      const Tensor &t = i.tensor();
      if (t.dtype() == kBool) {
        for (int64_t k = 0; k < t.dim(); ++k)
          KILN_CHECK(t.size(k) == r.size(d + k), "The shape of the mask ",
                     shapeString(t.sizes()), " at index ", k,
                     " does not match the shape of the indexed tensor ",
                     shapeString(r.sizes()), " at index ", d + k);
        std::vector<Tensor> cols = nonzeroColumns(t);
        for (int64_t k = 0; k < t.dim(); ++k) {
          p.advDims.push_back(d + k);
          raw.push_back(cols[k]);
        }
        d += t.dim();
        consuming -= t.dim();
      } else {
        p.advDims.push_back(d);
        raw.push_back(t.detach());
        ++d;
        --consuming;
      }
      break;
    }
    }
  }
  p.r = r;
  // Broadcast the index tensors together.
  std::vector<int64_t> shape;
  for (const Tensor &t : raw) {
    std::vector<int64_t> a = shape, b = t.sizes().vec();
    size_t n = std::max(a.size(), b.size());
    std::vector<int64_t> out(n);
    bool ok = true;
    for (size_t k = 0; k < n; ++k) {
      int64_t x = k < n - a.size() ? 1 : a[k - (n - a.size())];
      int64_t y = k < n - b.size() ? 1 : b[k - (n - b.size())];
      ok = ok && (x == y || x == 1 || y == 1);
      out[k] = x == 1 ? y : x;
    }
    if (!ok) {
      std::string shapes;
      for (size_t k = 0; k < raw.size(); ++k)
        shapes += (k ? ", " : "") + shapeString(raw[k].sizes());
      KILN_CHECK(false,
                 "shape mismatch: indexing tensors could not be "
                 "broadcast together with shapes ",
                 shapes);
    }
    shape = out;
  }
  p.bshape = shape;
  for (int64_t s : shape)
    p.count *= s;
  for (int64_t k = 0; k < r.dim(); ++k)
    if (std::find(p.advDims.begin(), p.advDims.end(), k) == p.advDims.end()) {
      p.restDims.push_back(k);
      p.restSizes.push_back(r.size(k));
    }
  bool emptyDim = false;
  for (int64_t dim : p.advDims)
    emptyDim = emptyDim || r.size(dim) == 0;
  KILN_CHECK(!(emptyDim && p.count != 0),
             "index is out of bounds for dimension with size 0");
  for (size_t k = 0; k < raw.size(); ++k) {
    Tensor t = raw[k].expand(shape).contiguous();
    Tensor w = emptyTensor(shape, kLong);
    const int64_t *src = t.data_ptr<int64_t>();
    int64_t *dst = w.data_ptr<int64_t>();
    int64_t n = r.size(p.advDims[k]);
    for (int64_t e = 0; e < p.count; ++e) {
      int64_t v = src[e];
      KILN_CHECK(v >= -n && v < n, "index ", v,
                 " is out of bounds for dimension ", p.advDims[k],
                 " with size ", n);
      dst[e] = v < 0 ? v + n : v;
    }
    p.idx.push_back(w);
  }
  // Adjacent advanced dims put the broadcast dims in their place; otherwise
  // they go first (NumPy's rule).
  bool adjacent =
      p.advDims.empty() || p.advDims.back() - p.advDims.front() + 1 ==
                               static_cast<int64_t>(p.advDims.size());
  int64_t before = adjacent && !p.advDims.empty() ? p.advDims.front() : 0;
  int64_t nb = static_cast<int64_t>(shape.size());
  int64_t nr = static_cast<int64_t>(p.restSizes.size());
  for (int64_t k = 0; k < before; ++k)
    p.toResult.push_back(nb + k);
  for (int64_t k = 0; k < nb; ++k)
    p.toResult.push_back(k);
  for (int64_t k = before; k < nr; ++k)
    p.toResult.push_back(nb + k);
  std::vector<int64_t> work = shape;
  work.insert(work.end(), p.restSizes.begin(), p.restSizes.end());
  for (int64_t k : p.toResult)
    p.resultShape.push_back(work[k]);
  return p;
}

/// Element offsets (in elements, from t's data) of the indexed elements of
/// `t` (a tensor with the sizes of plan.r), in (B + rest) row-major order.
std::vector<int64_t> advancedOffsets(const Tensor &t, const AdvancedPlan &p) {
  std::vector<int64_t> rest(1, 0);
  for (size_t k = 0; k < p.restDims.size(); ++k) {
    std::vector<int64_t> next;
    next.reserve(rest.size() * p.restSizes[k]);
    for (int64_t o : rest)
      for (int64_t j = 0; j < p.restSizes[k]; ++j)
        next.push_back(o + j * t.stride(p.restDims[k]));
    rest.swap(next);
  }
  std::vector<const int64_t *> idx;
  for (const Tensor &i : p.idx)
    idx.push_back(i.data_ptr<int64_t>());
  std::vector<int64_t> out;
  out.reserve(p.count * rest.size());
  for (int64_t b = 0; b < p.count; ++b) {
    int64_t base = 0;
    for (size_t k = 0; k < idx.size(); ++k)
      base += idx[k][b] * t.stride(p.advDims[k]);
    for (int64_t o : rest)
      out.push_back(base + o);
  }
  return out;
}

/// Writes `vals` (contiguous, (B + rest) order, t's dtype) into the
/// indexed elements of `t`, adding when `accumulate`.
void advancedScatter(const Tensor &t, const AdvancedPlan &p, const Tensor &vals,
                     bool accumulate) {
  std::vector<int64_t> offs = advancedOffsets(t, p);
  size_t es = elementSize(t.dtype());
  char *dst = static_cast<char *>(t.impl().data());
  const char *src = static_cast<const char *>(vals.impl().data());
  auto add = [&](auto *d, const auto *s) {
    for (size_t e = 0; e < offs.size(); ++e)
      d[offs[e]] += s[e];
  };
  if (!accumulate)
    for (size_t e = 0; e < offs.size(); ++e)
      std::memcpy(dst + offs[e] * es, src + e * es, es);
  else if (t.dtype() == kFloat)
    add(reinterpret_cast<float *>(dst), reinterpret_cast<const float *>(src));
  else if (t.dtype() == kDouble)
    add(reinterpret_cast<double *>(dst), reinterpret_cast<const double *>(src));
  else if (t.dtype() == kLong)
    add(reinterpret_cast<int64_t *>(dst),
        reinterpret_cast<const int64_t *>(src));
  else
    for (size_t e = 0; e < offs.size(); ++e)
      dst[offs[e]] = dst[offs[e]] || src[e];
}

/// `v` (in result order) permuted to (B + rest) order, contiguous.
Tensor toWorkOrder(const Tensor &v, const AdvancedPlan &p) {
  std::vector<int64_t> inv(p.toResult.size());
  for (size_t k = 0; k < p.toResult.size(); ++k)
    inv[p.toResult[k]] = static_cast<int64_t>(k);
  return v.permute(inv).contiguous();
}

Tensor advancedIndex(const Tensor &self, ArrayRef<TensorIndex> indices) {
  if (auto *rec = trace::active())
    rec->fail("advanced indexing with index tensors");
  AdvancedPlan p = planAdvanced(self, indices);
  std::vector<int64_t> work = p.bshape;
  work.insert(work.end(), p.restSizes.begin(), p.restSizes.end());
  Tensor out = emptyTensor(work, self.dtype());
  {
    std::vector<int64_t> offs = advancedOffsets(p.r, p);
    size_t es = elementSize(self.dtype());
    const char *src = static_cast<const char *>(p.r.impl().data());
    char *dst = static_cast<char *>(out.impl().data());
    for (size_t e = 0; e < offs.size(); ++e)
      std::memcpy(dst + e * es, src + offs[e] * es, es);
  }
  Tensor result = out.permute(p.toResult).contiguous();
  result = result.detach();
  std::vector<int64_t> srcShape = p.r.sizes().vec();
  return withGrad(result, p.r, "IndexBackward0", [=](const Tensor &g) {
    NoGradGuard noGrad;
    Tensor full = zeros(srcShape, g.dtype());
    advancedScatter(full, p, toWorkOrder(g, p), /*accumulate=*/true);
    return full;
  });
}

const Tensor &advancedIndexPut(const Tensor &self,
                               ArrayRef<TensorIndex> indices,
                               const Tensor &value, bool accumulate) {
  if (auto *rec = trace::active())
    rec->fail("index_put_ with index tensors");
  KILN_CHECK(
      !(GradMode::is_enabled() &&
        (self.requires_grad() || value.requires_grad())),
      "kiln: index_put_ with index tensors does not record autograd history; "
      "run it under NoGradGuard");
  AdvancedPlan p = planAdvanced(self, indices);
  bool fits = value.dim() <= static_cast<int64_t>(p.resultShape.size());
  for (int64_t k = 1; fits && k <= value.dim(); ++k)
    fits = value.size(-k) == 1 ||
           value.size(-k) == p.resultShape[p.resultShape.size() - k];
  KILN_CHECK(fits, "shape mismatch: value tensor of shape ",
             shapeString(value.sizes()),
             " cannot be broadcast to indexing result of shape ",
             shapeString(p.resultShape));
  Tensor vals = toWorkOrder(
      castTo(value.detach(), self.dtype()).expand(p.resultShape), p);
  advancedScatter(p.r, p, vals, accumulate);
  self.impl().storage->bumpVersion();
  return self;
}

/// libtorch drops a value's leading unit dims before assigning.
Tensor stripLeadingOnes(const Tensor &v) {
  int64_t k = 0;
  while (k < v.dim() && v.size(k) == 1)
    ++k;
  if (k == 0)
    return v;
  return v.view(std::vector<int64_t>(v.sizes().begin() + k, v.sizes().end()));
}
} // namespace

Tensor Tensor::index(ArrayRef<TensorIndex> rawIndices) const {
  KILN_CHECK(!rawIndices.empty(), "Passing an empty index list to "
                                  "Tensor::index() is not valid syntax");
  std::vector<TensorIndex> normalized = normalizeIndices(rawIndices);
  ArrayRef<TensorIndex> indices(normalized);
  if (needsAdvanced(indices))
    return advancedIndex(*this, indices);
  Tensor mask;
  int64_t maskDim = 0;
  std::vector<int64_t> boolDims;
  Tensor r = applyBasicIndices(*this, indices, mask, maskDim, &boolDims);
  if (!boolDims.empty()) {
    KILN_CHECK(!mask.defined(), "kiln supports one mask index per "
                                "indexing expression");
    return collapseBoolDims(r, boolDims);
  }
  if (!mask.defined()) {
    // x[...] is a new tensor object over the same memory (libtorch's alias).
    if (!r.is_same(*this))
      return r;
    return traced(withGrad(makeAlias(*this, sizes().vec(), strides().vec(),
                                     storage_offset()),
                           *this, "AliasBackward0",
                           [](const Tensor &g) { return g; }),
                  [&](trace::Recorder &rec, const Tensor &out) {
                    traceReshape(rec, *this, out);
                  });
  }
  if (auto *rec = trace::active())
    rec->fail("indexing with a boolean mask (its shape depends on the data)");
  Tensor fullMask = placeMask(r, mask, maskDim);
  int64_t count = runtime::countTrue(mask.impl().view());
  std::vector<int64_t> shape = maskedShape(r, maskDim, mask.dim(), count);
  Tensor out = emptyTensor(shape, dtype());
  runtime::maskedSelect(r.impl().view(), fullMask.impl().view(),
                        out.impl().view());
  std::vector<int64_t> srcShape = r.sizes().vec();
  return withGrad(out, r, "IndexBackward0", [=](const Tensor &g) {
    Tensor full = zeros(srcShape, g.dtype());
    Tensor values = g.contiguous();
    runtime::maskedScatter(full.impl().view(), fullMask.impl().view(),
                           values.impl().view());
    return full;
  });
}

Tensor Tensor::operator[](const Tensor &index) const {
  return this->index({index});
}

const Tensor &Tensor::index_put_(ArrayRef<TensorIndex> rawIndices,
                                 const Tensor &rawValue,
                                 bool accumulate) const {
  KILN_CHECK(!rawIndices.empty(), "Passing an empty index list to "
                                  "Tensor::index_put_() is not valid syntax");
  checkInplace(*this);
  // Values read from the memory being written would be read after some of
  // it changed: refused, as PyTorch does.
  auto extent = [](const Tensor &t) {
    int64_t lo = t.storage_offset(), hi = lo;
    for (int64_t d = 0; d < t.dim(); ++d) {
      int64_t reach = (t.size(d) - 1) * t.stride(d);
      (reach < 0 ? lo : hi) += reach;
    }
    return std::make_pair(lo, hi);
  };
  if (rawValue.defined() && rawValue.numel() > 0 && numel() > 0 &&
      rawValue.impl().storage == impl().storage) {
    auto [vlo, vhi] = extent(rawValue);
    auto [slo, shi] = extent(*this);
    KILN_CHECK(vhi < slo || shi < vlo,
               "unsupported operation: some elements of the input tensor and "
               "the written-to tensor refer to a single memory location. "
               "Please clone() the tensor before performing the operation.");
  }
  std::vector<TensorIndex> normalized = normalizeIndices(rawIndices);
  ArrayRef<TensorIndex> indices(normalized);
  Tensor value = stripLeadingOnes(rawValue);
  if (accumulate || needsAdvanced(indices))
    return advancedIndexPut(*this, indices, value, accumulate);
  Tensor mask;
  int64_t maskDim = 0;
  Tensor r = applyBasicIndices(*this, indices, mask, maskDim);
  if (!mask.defined()) {
    r.copy_(value);
    return *this;
  }
  Tensor dst = r;
  Tensor fullMask = placeMask(r, mask, maskDim);
  if (value.numel() == 1 && dst.is_same(*this)) {
    // x[mask] = v on the whole tensor: a masked fill (differentiable, and
    // traced as a select on v).
    return commitInplace(*this, masked_fill(fullMask, value.reshape({})));
  }
  if (auto *rec = trace::active())
    rec->fail("index_put_ with a tensor of values at masked positions");
  KILN_CHECK(
      !(GradMode::is_enabled() && (requires_grad() || value.requires_grad())),
      "kiln: index_put_ with a tensor of values does not record "
      "autograd history; run it under NoGradGuard");
  int64_t count = runtime::countTrue(mask.impl().view());
  std::vector<int64_t> target = maskedShape(r, maskDim, mask.dim(), count);
  bool fits = value.dim() <= static_cast<int64_t>(target.size());
  for (int64_t k = 1; fits && k <= value.dim(); ++k)
    fits = value.size(-k) == 1 || value.size(-k) == target[target.size() - k];
  KILN_CHECK(fits, "shape mismatch: value tensor of shape ",
             shapeString(value.sizes()),
             " cannot be broadcast to indexing result of shape ",
             shapeString(target));
  // Values are laid out in the order the masked walk visits elements.
  Tensor vals = castTo(value, dtype()).expand(target).contiguous();
  runtime::maskedScatter(dst.impl().view(), fullMask.impl().view(),
                         vals.impl().view());
  impl().storage->bumpVersion();
  return *this;
}

const Tensor &Tensor::index_put_(ArrayRef<TensorIndex> indices,
                                 const Scalar &value, bool accumulate) const {
  Tensor v = scalar_tensor(value, dtype());
  if (auto *r = trace::active())
    r->constant(v); // a constant, not captured state
  return index_put_(indices, v, accumulate);
}

// --- Concatenation
// ----------------------------------------------------------------------

Tensor cat(TensorList tensors, int64_t dim) {
  KILN_CHECK(!tensors.empty(), "torch.cat(): expected a non-empty list of "
                               "Tensors");
  const Tensor &first = tensors[0];
  for (size_t i = 0; i < tensors.size(); ++i)
    KILN_CHECK(tensors[i].dim() > 0, "zero-dimensional tensor (at position ", i,
               ") cannot be concatenated");
  dim = wrapDim(dim, first.dim());
  std::vector<int64_t> shape = first.sizes().vec();
  ScalarType t = first.dtype();
  shape[dim] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor &x = tensors[i];
    KILN_CHECK(x.dim() == first.dim(),
               "Tensors must have same number of "
               "dimensions: got ",
               first.dim(), " and ", x.dim());
    for (int64_t d = 0; d < x.dim(); ++d)
      KILN_CHECK(d == dim || x.size(d) == first.size(d),
                 "Sizes of tensors must match except in dimension ", dim,
                 ". Expected size ", first.size(d), " but got size ", x.size(d),
                 " for tensor number ", i, " in the list.");
    shape[dim] += x.size(dim);
    t = promoteTypes(t, x.dtype());
  }
  Tensor out = emptyTensor(shape, t);
  std::vector<int64_t> offsets;
  int64_t off = 0;
  {
    NoGradGuard noGrad;
    trace::Pause pause; // Recorded below as a whole.
    for (const Tensor &x : tensors) {
      offsets.push_back(off);
      out.slice(dim, off, off + x.size(dim)).copy_(x);
      off += x.size(dim);
    }
  }
  if (auto *r = trace::active())
    traceCat(*r, tensors, dim, out);
  variable_list inputs(tensors.begin(), tensors.end());
  if (autograd::anyRequiresGrad(inputs)) {
    std::vector<int64_t> lengths;
    std::vector<ScalarType> dtypes;
    for (const Tensor &x : tensors) {
      lengths.push_back(x.size(dim));
      dtypes.push_back(x.dtype());
    }
    // Each part's gradient has the part's dtype (PyTorch's), not the
    // promoted one.
    autograd::setHistory(
        out,
        autograd::makeNode("CatBackward0", inputs,
                           [=](FunctionNode &, const variable_list &g) {
                             variable_list r;
                             for (size_t i = 0; i < lengths.size(); ++i)
                               r.push_back(g[0].slice(dim, offsets[i],
                                                      offsets[i] + lengths[i])
                                               .to(dtypes[i]));
                             return r;
                           }));
  }
  return out;
}

Tensor stack(TensorList tensors, int64_t dim) {
  KILN_CHECK(!tensors.empty(), "stack expects a non-empty TensorList");
  dim = wrapDim(dim, tensors[0].dim() + 1);
  variable_list parts;
  for (const Tensor &t : tensors) {
    KILN_CHECK(t.sizes() == tensors[0].sizes(),
               "stack expects each tensor to be equal size, but got ",
               shapeString(tensors[0].sizes()), " at entry 0 and ",
               shapeString(t.sizes()), " at entry ", parts.size());
    parts.push_back(t.unsqueeze(dim));
  }
  return cat(parts, dim);
}

Tensor transpose(const Tensor &a, int64_t d0, int64_t d1) {
  return a.transpose(d0, d1);
}
Tensor reshape(const Tensor &a, IntArrayRef shape) { return a.reshape(shape); }
Tensor squeeze(const Tensor &a) { return a.squeeze(); }
Tensor unsqueeze(const Tensor &a, int64_t d) { return a.unsqueeze(d); }

} // namespace kiln
