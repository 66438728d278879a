//===- TraceHooks.cpp - How eager ops record themselves -------------------===//
#include "TraceHooks.h"
#include "OpsCommon.h"

namespace kiln::detail {

using runtime::BinaryOp;
using runtime::UnaryOp;
using trace::Op;
using trace::Predicate;

namespace {

/// The value of `t` as `dtype`, broadcast to `shape`.
int operand(trace::Recorder &r, const Tensor &t, ScalarType dtype,
            IntArrayRef shape) {
  return r.broadcast(r.cast(r.value(t), dtype), shape);
}

int cmp(trace::Recorder &r, Predicate p, int a, int b) {
  std::vector<int64_t> shape = r.graph().values[a].shape;
  return r.emit(Op::Cmp, {a, b}, shape, kBool, {}, {}, {},
                static_cast<int64_t>(p));
}

int select(trace::Recorder &r, int c, int a, int b) {
  const trace::ValueType t = r.graph().values[a];
  return r.emit(Op::Select, {c, a, b}, t.shape, t.dtype);
}

int elementwise(trace::Recorder &r, Op op, std::vector<int> operands) {
  const trace::ValueType t = r.graph().values[operands[0]];
  return r.emit(op, std::move(operands), t.shape, t.dtype);
}

} // namespace

void traceBinary(trace::Recorder &r, BinaryOp op, const Tensor &a,
                 const Tensor &b, ScalarType t, const Tensor &out) {
  IntArrayRef shape = out.sizes();
  if (op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr) {
    int x = operand(r, a, kBool, shape), y = operand(r, b, kBool, shape);
    bool isAnd = op == BinaryOp::LogicalAnd;
    int constant = r.splat(isAnd ? 0 : 1, shape, kBool);
    r.bind(out, isAnd ? select(r, x, y, constant) : select(r, x, constant, y));
    return;
  }
  if (t == kBool && !runtime::isComparison(op)) {
    // Bool arithmetic is logic (true + true is true); kiln's arithmetic ops
    // take no i1.
    int x = operand(r, a, kBool, shape), y = operand(r, b, kBool, shape);
    int no = r.splat(0, shape, kBool), yes = r.splat(1, shape, kBool);
    switch (op) {
    case BinaryOp::Mul:
    case BinaryOp::Minimum:
      return r.bind(out, select(r, x, y, no));
    case BinaryOp::Add:
    case BinaryOp::Maximum:
      return r.bind(out, select(r, x, yes, y));
    case BinaryOp::Pow: // x ^ y: y ? x : true
      return r.bind(out, select(r, y, x, yes));
    default:
      return r.fail("bool arithmetic other than +, *, max, min, pow");
    }
  }
  // Bools compare as 0/1 (kiln.cmp takes no i1).
  ScalarType compareAs = t == kBool ? kLong : t;
  int x = operand(r, a, compareAs, shape), y = operand(r, b, compareAs, shape);
  auto compare = [&](Predicate p) { r.bind(out, cmp(r, p, x, y)); };
  switch (op) {
#define KILN_BINARY_CASE(Name, mnemonic, RuntimeName, ...)                     \
  case BinaryOp::RuntimeName:                                                  \
    return r.bind(out, elementwise(r, Op::Name, {x, y}));
    KILN_BINARY_OPS(KILN_BINARY_CASE)
#undef KILN_BINARY_CASE
  case BinaryOp::Eq:
    return compare(Predicate::Eq);
  case BinaryOp::Ne:
    return compare(Predicate::Ne);
  case BinaryOp::Lt:
    return compare(Predicate::Lt);
  case BinaryOp::Le:
    return compare(Predicate::Le);
  case BinaryOp::Gt:
    return compare(Predicate::Gt);
  case BinaryOp::Ge:
    return compare(Predicate::Ge);
  default:
    r.fail("an eager-only kernel (threshold gradient)");
  }
}

void traceUnary(trace::Recorder &r, UnaryOp op, const Tensor &in,
                const Tensor &out) {
  int x = r.value(in);
  IntArrayRef shape = in.sizes();
  ScalarType t = in.dtype();
  auto simple = [&](Op o) { r.bind(out, elementwise(r, o, {x})); };
  if (!isFloatingType(t) && (op == UnaryOp::Neg || op == UnaryOp::Abs)) {
    // kiln.neg and kiln.abs are float ops: -x is 0 - x (wrapping, so
    // -INT64_MIN is INT64_MIN as in PyTorch); |bool| is the bool.
    if (t == kBool)
      return r.bind(out, x);
    int zero = r.splat(0, shape, t);
    int negated = elementwise(r, Op::Sub, {zero, x});
    return r.bind(out,
                  op == UnaryOp::Neg
                      ? negated
                      : select(r, cmp(r, Predicate::Lt, x, zero), negated, x));
  }
  switch (op) {
#define KILN_UNARY_CASE(Name, ...)                                             \
  case UnaryOp::Name:                                                          \
    return simple(Op::Name);
    KILN_UNARY_OPS(KILN_UNARY_CASE)
#undef KILN_UNARY_CASE
  case UnaryOp::Relu: {
    // The value is the eager kernel's x < 0 ? 0 : x (NaN and -0.0 pass);
    // the gradient PyTorch's: 0 where x <= 0, so x = +-0 passes its value
    // without history.
    int zero = r.splat(0, shape, t);
    int zeroes = select(r, cmp(r, Predicate::Le, x, zero),
                        elementwise(r, Op::Detach, {x}), x);
    return r.bind(out, select(r, cmp(r, Predicate::Lt, x, zero), zero, zeroes));
  }
  case UnaryOp::Sign: {
    int zero = r.splat(0, shape, t), one = r.splat(1, shape, t),
        minusOne = r.splat(-1, shape, t);
    int negative = select(r, cmp(r, Predicate::Lt, x, zero), minusOne, zero);
    int sign = select(r, cmp(r, Predicate::Gt, x, zero), one, negative);
    // PyTorch's sign_backward returns zeros, which x's gradient sums (so a
    // -0.0 from elsewhere becomes +0.0): select(false, x, sign) gives x that
    // +0.0 and has sign's value.
    return r.bind(out, select(r, r.splat(0, shape, kBool), x, sign));
  }
  case UnaryOp::LogicalNot: {
    int b = r.cast(x, kBool);
    return r.bind(
        out, select(r, b, r.splat(0, shape, kBool), r.splat(1, shape, kBool)));
  }
  }
}

void traceClamp(trace::Recorder &r, const Tensor &in, std::optional<double> lo,
                std::optional<double> hi, const Tensor &out) {
  // The value is the eager kernel's (x < lo ? lo : x, then hi < y ? hi : y:
  // NaN and x on a tie pass). The gradient is PyTorch's: g where
  // lo <= x <= hi (the bounds included, NaN not), else 0. Where that holds
  // the value is x itself; elsewhere it is taken without history. (kiln.max
  // and kiln.min would split the gradient at the bounds.)
  IntArrayRef shape = in.sizes();
  int x = r.value(in), y = x, inside = -1;
  if (lo) {
    int l = r.splat(*lo, shape, in.dtype());
    y = select(r, cmp(r, Predicate::Lt, y, l), l, y);
    inside = cmp(r, Predicate::Ge, x, l);
  }
  if (hi) {
    int h = r.splat(*hi, shape, in.dtype());
    y = select(r, cmp(r, Predicate::Lt, h, y), h, y);
    int below = cmp(r, Predicate::Le, x, h);
    inside =
        inside < 0 ? below : select(r, inside, below, r.splat(0, shape, kBool));
  }
  r.bind(out, select(r, inside, x, elementwise(r, Op::Detach, {y})));
}

void traceSelect(trace::Recorder &r, const Tensor &cond, const Tensor &a,
                 const Tensor &b, const Tensor &out) {
  IntArrayRef shape = out.sizes();
  r.bind(out, select(r, operand(r, cond, kBool, shape),
                     operand(r, a, out.dtype(), shape),
                     operand(r, b, out.dtype(), shape)));
}

void traceReduce(trace::Recorder &r, Op op, const Tensor &in, IntArrayRef dims,
                 const Tensor &out, double divisor) {
  std::vector<int64_t> keepShape = in.sizes().vec();
  for (int64_t d : dims)
    keepShape[d] = 1;
  int x = r.cast(r.value(in), out.dtype());
  int v = r.emit(op, {x}, keepShape, out.dtype(), dims.vec(), {}, {}, 1);
  if (divisor != 1)
    v = elementwise(r, Op::Div, {v, r.splat(divisor, keepShape, out.dtype())});
  if (IntArrayRef(keepShape) != out.sizes())
    v = r.emit(Op::Reshape, {v}, out.sizes(), out.dtype());
  r.bind(out, v);
}

void traceAnyAll(trace::Recorder &r, const Tensor &in, bool isAll,
                 const Tensor &out) {
  // any(x) = sum(int64(x != 0)) > 0 (the sum of nothing is 0, and an
  // extremum of nothing has no value); all(x) = !any(!x).
  int x = r.cast(r.value(in), kBool);
  IntArrayRef shape = in.sizes();
  if (isAll)
    x = select(r, x, r.splat(0, shape, kBool), r.splat(1, shape, kBool));
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < in.dim(); ++d)
    dims.push_back(d);
  int m = r.emit(Op::ReduceSum, {r.cast(x, kLong)}, {}, kLong, dims);
  int any = cmp(r, Predicate::Gt, m, r.splat(0, {}, kLong));
  if (isAll)
    any = select(r, any, r.splat(0, {}, kBool), r.splat(1, {}, kBool));
  r.bind(out, any);
}

void traceReshape(trace::Recorder &r, const Tensor &in, const Tensor &out) {
  int x = r.value(in);
  r.bind(out, in.sizes() == out.sizes()
                  ? x
                  : r.emit(Op::Reshape, {x}, out.sizes(), out.dtype()));
}

void tracePermute(trace::Recorder &r, const Tensor &in, IntArrayRef perm,
                  const Tensor &out) {
  r.bind(out, r.emit(Op::Transpose, {r.value(in)}, out.sizes(), out.dtype(),
                     perm.vec()));
}

void traceSlice(trace::Recorder &r, const Tensor &in, int64_t dim,
                int64_t start, int64_t end, int64_t step, const Tensor &out) {
  std::vector<int64_t> starts(in.dim(), 0), limits = in.sizes().vec(),
                                            steps(in.dim(), 1);
  starts[dim] = start;
  limits[dim] = end;
  steps[dim] = step;
  int v = r.emit(Op::Slice, {r.value(in)}, out.sizes(), out.dtype(), starts,
                 limits, steps);
  r.bind(out, v);
}

void traceCat(trace::Recorder &r, TensorList parts, int64_t dim,
              const Tensor &out) {
  // Each part padded to the full extent, then summed. Float parts are
  // padded with -0.0 (as -pad(-part)): x + -0.0 is x for every x, where
  // x + 0.0 would turn a -0.0 element into +0.0.
  bool negativeZeros = isFloatingType(out.dtype());
  auto neg = [&](int v) {
    return negativeZeros ? elementwise(r, Op::Neg, {v}) : v;
  };
  int total = -1;
  int64_t offset = 0;
  for (const Tensor &part : parts) {
    std::vector<int64_t> low(out.dim(), 0), high(out.dim(), 0),
        interior(out.dim(), 0);
    low[dim] = offset;
    high[dim] = out.size(dim) - offset - part.size(dim);
    offset += part.size(dim);
    int p = neg(r.emit(Op::Pad, {neg(r.cast(r.value(part), out.dtype()))},
                       out.sizes(), out.dtype(), low, high, interior));
    total = total < 0 ? p : elementwise(r, Op::Add, {total, p});
  }
  r.bind(out, total);
}

void traceMatmul(trace::Recorder &r, const Tensor &a, const Tensor &b,
                 const Tensor &out) {
  r.bind(out, r.emit(Op::Matmul, {r.value(a), r.value(b)}, out.sizes(),
                     out.dtype()));
}

} // namespace kiln::detail
