//===- LinalgOps.cpp - mm, bmm, matmul, dot
//--------------------------------===//
#include "OpsCommon.h"
#include "TraceHooks.h"

namespace kiln {

using namespace detail;
using autograd::FunctionNode;

namespace {

const char *lowerName(ScalarType t) {
  switch (t) {
  case kFloat:
    return "float";
  case kDouble:
    return "double";
  case kLong:
    return "long int";
  default:
    return "bool";
  }
}

void checkSameType(const Tensor &a, const Tensor &b, const char *what) {
  KILN_CHECK(a.dtype() == b.dtype(), "expected ", what,
             " to have the same dtype, but got: ", lowerName(a.dtype()),
             " != ", lowerName(b.dtype()));
}

/// Product of two 2-D or two 3-D operands, with the mm/bmm gradient rule.
Tensor product(const Tensor &a, const Tensor &b, const char *name) {
  bool batched = a.dim() == 3;
  std::vector<int64_t> shape =
      batched ? std::vector<int64_t>{a.size(0), a.size(1), b.size(2)}
              : std::vector<int64_t>{a.size(0), b.size(1)};
  Tensor out = emptyTensor(shape, a.dtype());
  runtime::matmul(a.impl().view(), b.impl().view(), out.impl().view());
  if (auto *r = trace::active())
    traceMatmul(*r, a, b, out);
  if (autograd::anyRequiresGrad({&a, &b})) {
    auto node = autograd::makeNode(name, {a, b}, nullptr);
    size_t sa = node->needsInputGrad(1) ? node->save(a) : 0;
    size_t sb = node->needsInputGrad(0) ? node->save(b) : 0;
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      variable_list r(2);
      if (n.needsInputGrad(0)) {
        Tensor bt = n.saved(sb).transpose(-1, -2);
        r[0] = batched ? g[0].bmm(bt) : g[0].mm(bt);
      }
      if (n.needsInputGrad(1)) {
        Tensor at = n.saved(sa).transpose(-1, -2);
        r[1] = batched ? at.bmm(g[0]) : at.mm(g[0]);
      }
      return r;
    });
    autograd::setHistory(out, node);
  }
  return out;
}

} // namespace

Tensor Tensor::mm(const Tensor &other) const {
  KILN_CHECK(dim() == 2, "self must be a matrix");
  KILN_CHECK(other.dim() == 2, "mat2 must be a matrix");
  KILN_CHECK(size(1) == other.size(0),
             "mat1 and mat2 shapes cannot be "
             "multiplied (",
             size(0), "x", size(1), " and ", other.size(0), "x", other.size(1),
             ")");
  checkSameType(*this, other, "mat1 and mat2");
  return product(*this, other, "MmBackward0");
}

Tensor Tensor::bmm(const Tensor &other) const {
  KILN_CHECK(dim() == 3, "batch1 must be a 3D tensor");
  KILN_CHECK(other.dim() == 3, "batch2 must be a 3D tensor");
  KILN_CHECK(other.size(0) == size(0) && other.size(1) == size(2),
             "Expected size for first two dimensions of batch2 tensor to be: "
             "[",
             size(0), ", ", size(2), "] but got: [", other.size(0), ", ",
             other.size(1), "].");
  checkSameType(*this, other, "batch1 and batch2");
  return product(*this, other, "BmmBackward0");
}

Tensor Tensor::dot(const Tensor &other) const {
  KILN_CHECK(dim() == 1 && other.dim() == 1, "1D tensors expected, but got ",
             dim(), "D and ", other.dim(), "D tensors");
  KILN_CHECK(numel() == other.numel(),
             "inconsistent tensor size, expected tensor [", numel(),
             "] and src [", other.numel(),
             "] to have the same number of elements, but got ", numel(),
             " and ", other.numel(), " elements respectively");
  checkSameType(*this, other, "both vectors");
  return product(unsqueeze(0), other.unsqueeze(1), "DotBackward0").reshape({});
}

Tensor Tensor::matmul(const Tensor &other) const {
  int64_t da = dim(), db = other.dim();
  KILN_CHECK(da > 0 && db > 0,
             "both arguments to matmul need to be at least "
             "1D, but they are ",
             da, "D and ", db, "D");
  if (da == 1 && db == 1)
    return dot(other);
  if (da == 2 && db == 1)
    return mm(other.unsqueeze(1)).squeeze(1);
  if (da == 1 && db == 2)
    return unsqueeze(0).mm(other).squeeze(0);
  if (da == 2 && db == 2)
    return mm(other);
  if (da >= 3 && (db == 1 || db == 2)) {
    // Fold the batch into the rows: one GEMM.
    Tensor rhs = db == 1 ? other.unsqueeze(1) : other;
    std::vector<int64_t> outShape(sizes().begin(), sizes().end() - 1);
    if (db == 2)
      outShape.push_back(other.size(1));
    KILN_CHECK(size(-1) == rhs.size(0),
               "mat1 and mat2 shapes cannot be "
               "multiplied (",
               numel() / size(-1), "x", size(-1), " and ", rhs.size(0), "x",
               rhs.size(1), ")");
    return reshape({-1, size(-1)}).mm(rhs).view(outShape);
  }
  // Batched: broadcast the batch dims, then one bmm.
  Tensor a = da == 1 ? unsqueeze(0) : *this;
  Tensor b = db == 1 ? other.unsqueeze(1) : other;
  std::vector<int64_t> batchA(a.sizes().begin(), a.sizes().end() - 2);
  std::vector<int64_t> batchB(b.sizes().begin(), b.sizes().end() - 2);
  std::vector<int64_t> batch = broadcastShapes(batchA, batchB);
  int64_t n = 1;
  for (int64_t s : batch)
    n *= s;
  int64_t m = a.size(-2), k = a.size(-1), k2 = b.size(-2), p = b.size(-1);
  KILN_CHECK(k == k2,
             "Expected size for first two dimensions of batch2 "
             "tensor to be: [",
             n, ", ", k, "] but got: [", n, ", ", k2, "].");
  std::vector<int64_t> ea = batch, eb = batch;
  ea.insert(ea.end(), {m, k});
  eb.insert(eb.end(), {k, p});
  Tensor out =
      a.expand(ea).reshape({n, m, k}).bmm(b.expand(eb).reshape({n, k, p}));
  std::vector<int64_t> outShape = batch;
  if (da > 1)
    outShape.push_back(m);
  if (db > 1)
    outShape.push_back(p);
  return out.view(outShape);
}

Tensor mm(const Tensor &a, const Tensor &b) { return a.mm(b); }
Tensor matmul(const Tensor &a, const Tensor &b) { return a.matmul(b); }
Tensor bmm(const Tensor &a, const Tensor &b) { return a.bmm(b); }

Tensor Tensor::addmm(const Tensor &mat1, const Tensor &mat2, const Scalar &beta,
                     const Scalar &alpha) const {
  KILN_CHECK(mat1.dim() == 2, "mat1 must be a matrix, got ", mat1.dim(),
             "-D tensor");
  KILN_CHECK(mat2.dim() == 2, "mat2 must be a matrix, got ", mat2.dim(),
             "-D tensor");
  // Composed of differentiable ops: autograd and the tracer need no rule.
  Tensor product = mat1.mm(mat2);
  if (alpha.toDouble() != 1)
    product = product * alpha;
  // `this` must broadcast to the product's shape (expand checks it).
  Tensor self = expand(product.sizes());
  double b = beta.toDouble();
  if (b == 0)
    return product;
  return product + (b == 1 ? self : self * beta);
}

Tensor addmm(const Tensor &self, const Tensor &mat1, const Tensor &mat2,
             const Scalar &beta, const Scalar &alpha) {
  return self.addmm(mat1, mat2, beta, alpha);
}
Tensor dot(const Tensor &a, const Tensor &b) { return a.dot(b); }

Tensor linalg_cross(const Tensor &a, const Tensor &b, int64_t dim) {
  KILN_CHECK(a.dim() == b.dim(),
             "linalg.cross: inputs must have the same number of dimensions.");
  int64_t d = wrapDim(dim, a.dim());
  KILN_CHECK(a.size(d) == 3 && b.size(d) == 3,
             "linalg.cross: inputs dimension ", dim,
             " must have length 3. Got ", a.size(d), " and ", b.size(d));
  KILN_CHECK(a.scalar_type() == b.scalar_type(),
             "linalg.cross: expected both inputs to have the same dtype");
  std::vector<int64_t> shape = broadcastShapes(a.sizes(), b.sizes());
  Tensor x = a.expand(shape), y = b.expand(shape);
  auto at = [&](const Tensor &t, int64_t i) { return t.narrow(d, i, 1); };
  return cat({at(x, 1) * at(y, 2) - at(x, 2) * at(y, 1),
              at(x, 2) * at(y, 0) - at(x, 0) * at(y, 2),
              at(x, 0) * at(y, 1) - at(x, 1) * at(y, 0)},
             d);
}

Tensor Tensor::cross(const Tensor &other, std::optional<int64_t> dim) const {
  if (dim)
    return linalg_cross(*this, other, *dim);
  // The first dimension of size 3 (libtorch's deprecated default).
  std::vector<int64_t> shape = broadcastShapes(sizes(), other.sizes());
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 3)
      return linalg_cross(*this, other, int64_t(i));
  KILN_CHECK(false, "no dimension of size 3 in input");
  return {};
}

Tensor cross(const Tensor &a, const Tensor &b, std::optional<int64_t> dim) {
  return a.cross(b, dim);
}

Tensor linear(const Tensor &input, const Tensor &weight, const Tensor &bias) {
  Tensor out = input.matmul(weight.t());
  return bias.defined() ? out + bias : out;
}

Tensor &linear_out(Tensor &out, const Tensor &input, const Tensor &weight,
                   const Tensor &bias) {
  Tensor result = linear(input, weight, bias);
  if (out.sizes() != result.sizes())
    out.resize_(result.sizes());
  out.copy_(result);
  return out;
}

} // namespace kiln
