//===- KilnGradients.cpp - Reverse-mode rule of each kiln op --------------===//
//
// One short rule per op: the gradients of the operands as kiln IR, built
// from the gradient `g` of the result. Broadcasting is explicit in kiln IR,
// so no rule needs to reduce a gradient back to an input shape except
// kiln.broadcast itself.
//
//===----------------------------------------------------------------------===//
#include "ir/KilnDialect.h"
#include "kiln/ops/Elementwise.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace kiln::ir {

namespace {

/// Small builder helpers that keep the rules one line each.
struct Grad {
  OpBuilder &b;
  Location loc;

  RankedTensorType typeOf(Value v) {
    return cast<RankedTensorType>(v.getType());
  }
  Value constant(Value like, double v) {
    return splatConstant(b, loc, typeOf(like), v);
  }
  Value add(Value x, Value y) { return b.create<AddOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<SubOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<MulOp>(loc, x, y); }
  Value div(Value x, Value y) { return b.create<DivOp>(loc, x, y); }
  Value neg(Value x) { return b.create<NegOp>(loc, x); }
  Value cmp(CmpPredicate p, Value x, Value y) {
    return b.create<CmpOp>(loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return b.create<SelectOp>(loc, c, x, y);
  }
  Value zerosLike(Value x) { return constant(x, 0); }
  Value pow(Value x, Value y) { return b.create<PowOp>(loc, x, y); }
  Value exp(Value x) { return b.create<ExpOp>(loc, x); }
  Value log(Value x) { return b.create<LogOp>(loc, x); }
  Value sin(Value x) { return b.create<SinOp>(loc, x); }
  Value cos(Value x) { return b.create<CosOp>(loc, x); }
  Value remainder(Value x, Value y) { return b.create<RemainderOp>(loc, x, y); }
  /// -1, 0 or 1 (0 for NaN), as kiln ops.
  Value sign(Value x) {
    Value zero = zerosLike(x);
    return select(
        cmp(CmpPredicate::gt, x, zero), constant(x, 1),
        select(cmp(CmpPredicate::lt, x, zero), constant(x, -1), zero));
  }
  Value eq(Value x, Value y) { return cmp(CmpPredicate::eq, x, y); }
  Value lt(Value x, Value y) { return cmp(CmpPredicate::lt, x, y); }
  Value gt(Value x, Value y) { return cmp(CmpPredicate::gt, x, y); }
  Value ge(Value x, Value y) { return cmp(CmpPredicate::ge, x, y); }
  Value transpose(Value x, ArrayRef<int64_t> perm) {
    auto t = typeOf(x);
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(t.getDimSize(p));
    return b.create<TransposeOp>(loc, t.clone(shape), x,
                                 b.getDenseI64ArrayAttr(perm));
  }
  /// Swaps the two innermost dimensions.
  Value transposeLast(Value x) {
    int64_t rank = typeOf(x).getRank();
    SmallVector<int64_t> perm;
    for (int64_t i = 0; i < rank; ++i)
      perm.push_back(i);
    std::swap(perm[rank - 1], perm[rank - 2]);
    return transpose(x, perm);
  }
  Value matmul(Value x, Value y) {
    auto tx = typeOf(x), ty = typeOf(y);
    SmallVector<int64_t> shape(tx.getShape().drop_back());
    shape.push_back(ty.getShape().back());
    return b.create<MatmulOp>(loc, tx.clone(shape), x, y);
  }
  Value reshape(Value x, RankedTensorType to) {
    return b.create<ReshapeOp>(loc, to, x);
  }
  Value broadcast(Value x, RankedTensorType to) {
    return b.create<BroadcastOp>(loc, to, x);
  }
};

Grad rules(Operation *op, OpBuilder &b) { return Grad{b, op->getLoc()}; }

/// Gradient of a reduction: g reshaped to the keepdim shape, broadcast back.
Value expandReduced(Grad &r, Value g, Value input, ArrayRef<int64_t> dims) {
  auto in = r.typeOf(input);
  SmallVector<int64_t> keep = *reducedShape(in.getShape(), dims, true);
  return r.broadcast(r.reshape(g, in.clone(keep)), in);
}

} // namespace

// --- Elementwise: the rules of kiln/ops/Elementwise.h ----------------------
#define KILN_UNARY_GRADIENT(Name, ...)                                         \
  void Name##Op::buildGradients(OpBuilder &b, ValueRange g,                    \
                                SmallVectorImpl<Value> &out) {                 \
    Grad r = rules(*this, b);                                                  \
    out.push_back(                                                             \
        ops::Name::gradient<Grad, Value>(r, g[0], getInput(), getResult()));   \
  }
KILN_UNARY_OPS(KILN_UNARY_GRADIENT)
#undef KILN_UNARY_GRADIENT

#define KILN_BINARY_GRADIENT(Name, ...)                                        \
  void Name##Op::buildGradients(OpBuilder &b, ValueRange g,                    \
                                SmallVectorImpl<Value> &out) {                 \
    Grad r = rules(*this, b);                                                  \
    Value gx, gy;                                                              \
    ops::Name::gradient<Grad, Value>(r, g[0], getLhs(), getRhs(), &gx, &gy);   \
    out.append({gx, gy});                                                      \
  }
KILN_BINARY_OPS(KILN_BINARY_GRADIENT)
#undef KILN_BINARY_GRADIENT

// --- Selection and casts
// ------------------------------------------------------
void SelectOp::buildGradients(OpBuilder &b, ValueRange g,
                              SmallVectorImpl<Value> &out) {
  Grad r = rules(*this, b);
  Value zero = r.zerosLike(g[0]);
  out.append({Value(), r.select(getCond(), g[0], zero),
              r.select(getCond(), zero, g[0])});
}
void CastOp::buildGradients(OpBuilder &b, ValueRange g,
                            SmallVectorImpl<Value> &out) {
  auto in = cast<RankedTensorType>(getInput().getType());
  if (!isa<FloatType>(in.getElementType())) {
    out.push_back(Value());
    return;
  }
  out.push_back(b.create<CastOp>(getLoc(), in, g[0]));
}

// --- Shapes
// -------------------------------------------------------------------
void BroadcastOp::buildGradients(OpBuilder &b, ValueRange g,
                                 SmallVectorImpl<Value> &out) {
  // Sum over the dimensions that were added or stretched from 1.
  Grad r = rules(*this, b);
  auto in = r.typeOf(getInput());
  auto to = getType();
  int64_t lead = to.getRank() - in.getRank();
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < to.getRank(); ++d)
    if (d < lead || (in.getDimSize(d - lead) == 1 && to.getDimSize(d) != 1))
      dims.push_back(d);
  Value sum = g[0];
  if (!dims.empty()) {
    auto shape = *reducedShape(to.getShape(), dims, false);
    sum = b.create<ReduceSumOp>(getLoc(), to.clone(shape), g[0],
                                b.getDenseI64ArrayAttr(dims), nullptr);
  }
  out.push_back(r.reshape(sum, in));
}
void ReduceSumOp::buildGradients(OpBuilder &b, ValueRange g,
                                 SmallVectorImpl<Value> &out) {
  Grad r = rules(*this, b);
  out.push_back(expandReduced(r, g[0], getInput(), getDims()));
}
namespace {
/// Gradient of reduce_max/reduce_min `op` (result `y`): to the elements
/// equal to the extremum (the NaNs when it is NaN), split evenly among them
/// (PyTorch's max()), or under `first` to the first of them along the
/// reduced dimension alone (PyTorch's max(dim), whose index points there).
/// Other elements get exactly 0.
template <class ExtremumOpT>
Value extremumGradient(ExtremumOpT op, OpBuilder &b, Value g) {
  Grad r = rules(op, b);
  Value x = op.getInput(), y = op.getResult();
  RankedTensorType in = r.typeOf(x);
  Value yB = expandReduced(r, y, x, op.getDims());
  Value hit =
      r.select(r.cmp(CmpPredicate::ne, yB, yB), r.cmp(CmpPredicate::ne, x, x),
               r.cmp(CmpPredicate::eq, x, yB));
  Value zero = r.zerosLike(x);
  if (!op.getFirst()) {
    Value ones = r.select(hit, r.constant(x, 1), zero);
    Value count = b.create<ReduceSumOp>(op.getLoc(), r.typeOf(y), ones,
                                        op.getDimsAttr(), op.getKeepdimAttr());
    return r.select(hit, expandReduced(r, r.div(g, count), x, op.getDims()),
                    zero);
  }
  // The first hit along dim d: rank hits by n - i (i their index along d),
  // whose maximum is the first one's.
  int64_t d = op.getDims()[0], n = in.getDimSize(d);
  auto i64 = b.getI64Type();
  SmallVector<int64_t> rank;
  for (int64_t i = 0; i < n; ++i)
    rank.push_back(n - i);
  auto vector = RankedTensorType::get({n}, i64);
  SmallVector<int64_t> column(in.getRank(), 1);
  column[d] = n;
  Value ranks = r.broadcast(
      r.reshape(b.create<ConstantOp>(
                    op.getLoc(), vector,
                    DenseElementsAttr::get(vector, ArrayRef<int64_t>(rank))),
                RankedTensorType::get(column, i64)),
      in.clone(i64));
  Value candidates =
      r.select(hit, ranks, splatConstant(b, op.getLoc(), in.clone(i64), 0));
  SmallVector<int64_t> reduced =
      *reducedShape(in.getShape(), op.getDims(), false);
  Value best =
      b.create<ReduceMaxOp>(op.getLoc(), RankedTensorType::get(reduced, i64),
                            candidates, op.getDimsAttr(), nullptr, nullptr);
  Value firstHit = r.cmp(CmpPredicate::eq, candidates,
                         expandReduced(r, best, candidates, op.getDims()));
  return r.select(firstHit, expandReduced(r, g, x, op.getDims()), zero);
}
} // namespace

void ReduceMaxOp::buildGradients(OpBuilder &b, ValueRange g,
                                 SmallVectorImpl<Value> &out) {
  out.push_back(extremumGradient(*this, b, g[0]));
}
void ReduceMinOp::buildGradients(OpBuilder &b, ValueRange g,
                                 SmallVectorImpl<Value> &out) {
  out.push_back(extremumGradient(*this, b, g[0]));
}
/// The traced backward, inlined: the region's ops are cloned with the
/// result gradients for its arguments. The forward values get none.
void CustomGradientOp::buildGradients(OpBuilder &b, ValueRange g,
                                      SmallVectorImpl<Value> &out) {
  Block &body = getBackward().front();
  IRMapping mapping;
  mapping.map(body.getArguments(), g);
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  out.append(getValues().size(), Value());
  for (Value grad : cast<YieldOp>(body.getTerminator()).getGrads())
    out.push_back(mapping.lookupOrDefault(grad));
}

void MatmulOp::buildGradients(OpBuilder &b, ValueRange g,
                              SmallVectorImpl<Value> &out) {
  Grad r = rules(*this, b);
  out.append({r.matmul(g[0], r.transposeLast(getRhs())),
              r.matmul(r.transposeLast(getLhs()), g[0])});
}
void ReshapeOp::buildGradients(OpBuilder &b, ValueRange g,
                               SmallVectorImpl<Value> &out) {
  Grad r = rules(*this, b);
  out.push_back(r.reshape(g[0], r.typeOf(getInput())));
}
void TransposeOp::buildGradients(OpBuilder &b, ValueRange g,
                                 SmallVectorImpl<Value> &out) {
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inverse[perm[i]] = i;
  out.push_back(rules(*this, b).transpose(g[0], inverse));
}
void SliceOp::buildGradients(OpBuilder &b, ValueRange g,
                             SmallVectorImpl<Value> &out) {
  // Scatter back into zeros: pad with the skipped elements.
  auto in = cast<RankedTensorType>(getInput().getType());
  auto res = getType();
  SmallVector<int64_t> low, high, interior;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t n = res.getDimSize(d), step = getSteps()[d];
    low.push_back(getStarts()[d]);
    interior.push_back(step - 1);
    int64_t covered = n == 0 ? 0 : getStarts()[d] + (n - 1) * step + 1;
    high.push_back(in.getDimSize(d) - std::max(covered, getStarts()[d]));
  }
  out.push_back(b.create<PadOp>(getLoc(), in, g[0], b.getDenseI64ArrayAttr(low),
                                b.getDenseI64ArrayAttr(high),
                                b.getDenseI64ArrayAttr(interior)));
}
void PadOp::buildGradients(OpBuilder &b, ValueRange g,
                           SmallVectorImpl<Value> &out) {
  auto in = cast<RankedTensorType>(getInput().getType());
  SmallVector<int64_t> starts, limits, steps;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t step = getInterior()[d] + 1;
    starts.push_back(getLow()[d]);
    steps.push_back(step);
    limits.push_back(getLow()[d] + (in.getDimSize(d) == 0
                                        ? 0
                                        : (in.getDimSize(d) - 1) * step + 1));
  }
  out.push_back(b.create<SliceOp>(
      getLoc(), in, g[0], b.getDenseI64ArrayAttr(starts),
      b.getDenseI64ArrayAttr(limits), b.getDenseI64ArrayAttr(steps)));
}

} // namespace kiln::ir
