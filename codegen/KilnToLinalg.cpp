//===- KilnToLinalg.cpp - Lowering of kiln ops to linalg on tensors -------===//
//
// Every kiln op becomes upstream ops on tensors: elementwise work and
// broadcasts are linalg.generic ops (so linalg's elementwise fusion can merge
// them), reductions are linalg.generic reductions into a filled init,
// matmuls are named linalg ops, and shape ops are tensor-dialect ops that
// bufferize to views or copies.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "kiln/ops/Elementwise.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <limits>

namespace kiln::codegen {
#define GEN_PASS_DEF_CONVERTKILNTOLINALG
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Computes one scalar result of an elementwise op from its scalar operands.
using ScalarFn = Value (*)(OpBuilder &, Location, Operation *, ValueRange);

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// `tensor.empty` of `type`, filled with `value` (a scalar attribute of the
/// element type).
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   TypedAttr value) {
  Value empty =
      b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType());
  Value scalar = b.create<arith::ConstantOp>(loc, value);
  return b.create<linalg::FillOp>(loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

Value zeroTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return filledTensor(b, loc, type,
                      cast<TypedAttr>(b.getZeroAttr(type.getElementType())));
}

/// An all-parallel linalg.generic producing `resultType` from `inputs` read
/// through `inputMaps` (the result uses the identity map).
Value buildGeneric(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  Value init = b.create<tensor::EmptyOp>(loc, resultType.getShape(),
                                         resultType.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        nb.create<linalg::YieldOp>(nl, body(nb, nl, args.drop_back()));
      });
  return generic.getResult(0);
}

/// An arith constant of integer type `type`.
Value intConstant(OpBuilder &b, Location loc, Type type, int64_t v) {
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(type, v));
}

/// Float `v` to signed integer type `dst` as the eager kernel (and x86's
/// cvttsd2si, PyTorch on CPU) defines it: NaN and values out of range become
/// the minimum integer. arith.fptosi alone gives poison there.
Value floatToInt(OpBuilder &b, Location loc, Value v, IntegerType dst) {
  auto f = cast<FloatType>(v.getType());
  unsigned width = dst.getWidth();
  // -2^(w-1) and 2^(w-1) are exact in every float type.
  Value lo = b.create<arith::ConstantOp>(
      loc, b.getFloatAttr(f, -std::ldexp(1.0, width - 1)));
  Value hi = b.create<arith::ConstantOp>(
      loc, b.getFloatAttr(f, std::ldexp(1.0, width - 1)));
  Value inRange = b.create<arith::AndIOp>(
      loc, b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, v, lo),
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, v, hi));
  Value min = b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(dst, APInt::getSignedMinValue(width)));
  return b.create<arith::SelectOp>(loc, inRange,
                                   b.create<arith::FPToSIOp>(loc, dst, v), min);
}

/// Converts a scalar between kiln's element types with PyTorch's `to()`
/// semantics: bools convert as 0/1, and anything converts to bool as `!= 0`.
Value convertScalar(OpBuilder &b, Location loc, Value v, Type dst) {
  Type src = v.getType();
  if (src == dst)
    return v;
  auto srcFloat = dyn_cast<FloatType>(src);
  auto dstFloat = dyn_cast<FloatType>(dst);
  if (srcFloat && dstFloat) {
    if (srcFloat.getWidth() < dstFloat.getWidth())
      return b.create<arith::ExtFOp>(loc, dst, v);
    return b.create<arith::TruncFOp>(loc, dst, v);
  }
  if (dstFloat) {
    // i1 is unsigned here: true converts to 1, not -1.
    if (src.isInteger(1))
      return b.create<arith::UIToFPOp>(loc, dst, v);
    return b.create<arith::SIToFPOp>(loc, dst, v);
  }
  if (dst.isInteger(1)) {
    Value zero =
        b.create<arith::ConstantOp>(loc, cast<TypedAttr>(b.getZeroAttr(src)));
    if (srcFloat) // NaN converts to true, as in PyTorch.
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, v, zero);
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (srcFloat)
    return floatToInt(b, loc, v, cast<IntegerType>(dst));
  return b.create<arith::ExtUIOp>(loc, dst, v);
}

//===----------------------------------------------------------------------===//
// Scalar bodies of the elementwise ops
//===----------------------------------------------------------------------===//

template <typename FloatOp, typename IntOp>
Value binary(OpBuilder &b, Location loc, Operation *, ValueRange a) {
  if (isFloat(a[0]))
    return b.create<FloatOp>(loc, a[0], a[1]);
  return b.create<IntOp>(loc, a[0], a[1]);
}

/// x^e for signed integers as the eager kernel computes it: square and
/// multiply, wrapping; for e < 0, 1 when x == 1, +-1 when x == -1 (by e's
/// parity) and 0 otherwise.
Value intPow(OpBuilder &b, Location loc, Value x, Value e) {
  Type t = x.getType();
  auto c = [&](int64_t v) { return intConstant(b, loc, t, v); };
  auto odd = [&](OpBuilder &nb, Location l, Value v) {
    return nb.create<arith::CmpIOp>(
        l, arith::CmpIPredicate::ne,
        nb.create<arith::AndIOp>(l, v, intConstant(nb, l, t, 1)),
        intConstant(nb, l, t, 0));
  };
  auto loop = b.create<scf::WhileOp>(
      loc, TypeRange{t, t, t}, ValueRange{c(1), x, e},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value more = nb.create<arith::CmpIOp>(
            l, arith::CmpIPredicate::sgt, args[2], intConstant(nb, l, t, 0));
        nb.create<scf::ConditionOp>(l, more, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value r = nb.create<arith::SelectOp>(
            l, odd(nb, l, args[2]),
            nb.create<arith::MulIOp>(l, args[0], args[1]), args[0]);
        Value square = nb.create<arith::MulIOp>(l, args[1], args[1]);
        Value half =
            nb.create<arith::ShRUIOp>(l, args[2], intConstant(nb, l, t, 1));
        nb.create<scf::YieldOp>(l, ValueRange{r, square, half});
      });
  auto eq = [&](Value v, int64_t k) {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, v, c(k));
  };
  Value minusOne = b.create<arith::SelectOp>(loc, odd(b, loc, e), c(-1), c(1));
  Value negative = b.create<arith::SelectOp>(
      loc, eq(x, 1), c(1),
      b.create<arith::SelectOp>(loc, eq(x, -1), minusOne, c(0)));
  Value isNegative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, e, c(0));
  return b.create<arith::SelectOp>(loc, isNegative, negative,
                                   loop.getResult(0));
}

Value powScalar(OpBuilder &b, Location loc, Operation *, ValueRange a) {
  if (!isFloat(a[0]))
    return intPow(b, loc, a[0], a[1]);
  // x^2 is x * x, exactly as the eager kernel computes it (libm's pow need
  // not round a square correctly).
  Value two =
      b.create<arith::ConstantOp>(loc, b.getFloatAttr(a[1].getType(), 2.0));
  Value isSquare =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, a[1], two);
  return b.create<arith::SelectOp>(loc, isSquare,
                                   b.create<arith::MulFOp>(loc, a[0], a[0]),
                                   b.create<math::PowFOp>(loc, a[0], a[1]));
}

/// The scalar primitives of kiln/ops/Elementwise.h as arith/math ops, with
/// the eager kernels' semantics: integers wrap (arith's two's complement),
/// float maximum/minimum are IEEE 754-2019's.
struct ScalarMath {
  OpBuilder &b;
  Location loc;

  Value constant(Value like, double v) {
    Type t = like.getType();
    if (isa<FloatType>(t))
      return b.create<arith::ConstantOp>(loc, b.getFloatAttr(t, v));
    return intConstant(b, loc, t, static_cast<int64_t>(v));
  }
  /// Integer v == k.
  Value equals(Value v, int64_t k) {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, v,
                                   constant(v, double(k)));
  }
  template <class FloatOp, class IntOp> Value typed(Value x, Value y) {
    if (isFloat(x))
      return b.create<FloatOp>(loc, x, y);
    return b.create<IntOp>(loc, x, y);
  }
  Value neg(Value x) {
    if (isFloat(x))
      return b.create<arith::NegFOp>(loc, x);
    return sub(constant(x, 0), x);
  }
  Value abs(Value x) {
    if (isFloat(x))
      return b.create<math::AbsFOp>(loc, x);
    Value negative = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x,
                                             constant(x, 0));
    return b.create<arith::SelectOp>(loc, negative, neg(x), x);
  }
  Value exp(Value x) { return b.create<math::ExpOp>(loc, x); }
  Value log(Value x) { return b.create<math::LogOp>(loc, x); }
  Value sqrt(Value x) { return b.create<math::SqrtOp>(loc, x); }
  Value sin(Value x) { return b.create<math::SinOp>(loc, x); }
  Value cos(Value x) { return b.create<math::CosOp>(loc, x); }
  Value tanh(Value x) { return b.create<math::TanhOp>(loc, x); }
  /// A libm call (MathToLibm), as the eager kernel's std::erf.
  Value erf(Value x) { return b.create<math::ErfOp>(loc, x); }
  Value add(Value x, Value y) {
    return typed<arith::AddFOp, arith::AddIOp>(x, y);
  }
  Value sub(Value x, Value y) {
    return typed<arith::SubFOp, arith::SubIOp>(x, y);
  }
  Value mul(Value x, Value y) {
    return typed<arith::MulFOp, arith::MulIOp>(x, y);
  }
  /// Integers as ScalarMath<int64_t>::div: x / 0 is 0, x / -1 is -x
  /// (wrapping); sdiv is only reached with a safe divisor, since LLVM's
  /// sdiv by 0 or MIN / -1 is undefined (a trap on x86).
  Value div(Value x, Value y) {
    if (isFloat(x))
      return b.create<arith::DivFOp>(loc, x, y);
    Value zero = equals(y, 0), minusOne = equals(y, -1);
    Value unsafe = b.create<arith::OrIOp>(loc, zero, minusOne);
    Value safe = b.create<arith::SelectOp>(loc, unsafe, constant(y, 1), y);
    Value quotient = b.create<arith::DivSIOp>(loc, x, safe);
    Value special =
        b.create<arith::SelectOp>(loc, zero, constant(x, 0), neg(x));
    return b.create<arith::SelectOp>(loc, unsafe, special, quotient);
  }
  /// The truncated remainder: arith.remf (fmod) for floats; for integers
  /// as ScalarMath<int64_t>::rem, x % 0 and x % -1 are 0, so that srem is
  /// only reached with a safe divisor (x % 1 is that 0).
  Value rem(Value x, Value y) {
    if (isFloat(x))
      return b.create<arith::RemFOp>(loc, x, y);
    Value unsafe = b.create<arith::OrIOp>(loc, equals(y, 0), equals(y, -1));
    Value safe = b.create<arith::SelectOp>(loc, unsafe, constant(y, 1), y);
    return b.create<arith::RemSIOp>(loc, x, safe);
  }
  Value pow(Value x, Value y) { return powScalar(b, loc, nullptr, {x, y}); }
  Value maximum(Value x, Value y) {
    return typed<arith::MaximumFOp, arith::MaxSIOp>(x, y);
  }
  Value minimum(Value x, Value y) {
    return typed<arith::MinimumFOp, arith::MinSIOp>(x, y);
  }
  /// Ordered comparisons (false with a NaN), as C++'s < and >.
  Value lt(Value x, Value y) {
    if (isFloat(x))
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, y);
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y);
  }
  Value gt(Value x, Value y) { return lt(y, x); }
  Value select(Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y);
  }
};

/// The scalar body of table op `Rule` (kiln/ops/Elementwise.h).
template <class Rule>
Value unaryFromTable(OpBuilder &b, Location loc, Operation *, ValueRange a) {
  ScalarMath s{b, loc};
  return Rule::template value<ScalarMath, Value>(s, a[0]);
}
template <class Rule>
Value binaryFromTable(OpBuilder &b, Location loc, Operation *, ValueRange a) {
  ScalarMath s{b, loc};
  return Rule::template value<ScalarMath, Value>(s, a[0], a[1]);
}

Value compareScalar(OpBuilder &b, Location loc, Operation *op, ValueRange a) {
  ir::CmpPredicate p = cast<ir::CmpOp>(op).getPredicate();
  if (isFloat(a[0])) {
    // Ordered predicates, except `ne`, which is true for NaN (as in C++).
    arith::CmpFPredicate fp;
    switch (p) {
    case ir::CmpPredicate::eq:
      fp = arith::CmpFPredicate::OEQ;
      break;
    case ir::CmpPredicate::ne:
      fp = arith::CmpFPredicate::UNE;
      break;
    case ir::CmpPredicate::lt:
      fp = arith::CmpFPredicate::OLT;
      break;
    case ir::CmpPredicate::le:
      fp = arith::CmpFPredicate::OLE;
      break;
    case ir::CmpPredicate::gt:
      fp = arith::CmpFPredicate::OGT;
      break;
    case ir::CmpPredicate::ge:
      fp = arith::CmpFPredicate::OGE;
      break;
    }
    return b.create<arith::CmpFOp>(loc, fp, a[0], a[1]);
  }
  arith::CmpIPredicate ip;
  switch (p) {
  case ir::CmpPredicate::eq:
    ip = arith::CmpIPredicate::eq;
    break;
  case ir::CmpPredicate::ne:
    ip = arith::CmpIPredicate::ne;
    break;
  case ir::CmpPredicate::lt:
    ip = arith::CmpIPredicate::slt;
    break;
  case ir::CmpPredicate::le:
    ip = arith::CmpIPredicate::sle;
    break;
  case ir::CmpPredicate::gt:
    ip = arith::CmpIPredicate::sgt;
    break;
  case ir::CmpPredicate::ge:
    ip = arith::CmpIPredicate::sge;
    break;
  }
  return b.create<arith::CmpIOp>(loc, ip, a[0], a[1]);
}

Value selectScalar(OpBuilder &b, Location loc, Operation *, ValueRange a) {
  return b.create<arith::SelectOp>(loc, a[0], a[1], a[2]);
}

Value castScalar(OpBuilder &b, Location loc, Operation *op, ValueRange a) {
  return convertScalar(b, loc, a[0],
                       tensorType(op->getResult(0)).getElementType());
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Elementwise kiln op (all operands and the result of one shape) ->
/// linalg.generic with identity maps whose body is `fn`.
template <typename KilnOp>
struct ElementwiseToGeneric : OpRewritePattern<KilnOp> {
  ElementwiseToGeneric(MLIRContext *context, ScalarFn fn)
      : OpRewritePattern<KilnOp>(context), fn(fn) {}

  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = tensorType(op->getResult(0));
    SmallVector<AffineMap> maps(
        op->getNumOperands(),
        rewriter.getMultiDimIdentityMap(resultType.getRank()));
    Value result =
        buildGeneric(rewriter, op.getLoc(), resultType, op->getOperands(), maps,
                     [&](OpBuilder &b, Location loc, ValueRange args) {
                       return fn(b, loc, op, args);
                     });
    rewriter.replaceOp(op, result);
    return success();
  }

  ScalarFn fn;
};

struct ConstantToArith : OpRewritePattern<ir::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "value is not a typed attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, op.getType(), value);
    return success();
  }
};

/// kiln.broadcast -> linalg.generic reading the input with NumPy's
/// alignment: trailing dimensions line up, stretched ones read index 0.
struct BroadcastToGeneric : OpRewritePattern<ir::BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::BroadcastOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType in = tensorType(op.getInput()), out = op.getType();
    int64_t lead = out.getRank() - in.getRank();
    if (lead < 0)
      return rewriter.notifyMatchFailure(op, "input rank exceeds result rank");
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < in.getRank(); ++d) {
      bool stretched = in.getDimSize(d) == 1 && out.getDimSize(lead + d) != 1;
      exprs.push_back(stretched ? rewriter.getAffineConstantExpr(0)
                                : rewriter.getAffineDimExpr(lead + d));
    }
    auto map = AffineMap::get(out.getRank(), 0, exprs, getContext());
    Value result = buildGeneric(
        rewriter, op.getLoc(), out, op.getInput(), map,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Reshapes `value` to `type` (same element count): a single collapse or
/// expand where the shapes allow it, else through a 1-D tensor.
Value reshapeTo(OpBuilder &b, Location loc, Value value,
                RankedTensorType type) {
  RankedTensorType src = tensorType(value);
  if (src == type)
    return value;
  ArrayRef<int64_t> from = src.getShape(), to = type.getShape();
  if (from.size() > to.size())
    if (auto r = getReassociationIndicesForCollapse(from, to))
      return b.create<tensor::CollapseShapeOp>(loc, type, value, *r);
  if (from.size() < to.size())
    if (auto r = getReassociationIndicesForCollapse(to, from))
      return b.create<tensor::ExpandShapeOp>(loc, type, value, *r);
  auto flat =
      RankedTensorType::get({src.getNumElements()}, src.getElementType());
  ReassociationIndices all;
  if (src.getRank() != 1) {
    for (int64_t d = 0; d < src.getRank(); ++d)
      all.push_back(d);
    value = b.create<tensor::CollapseShapeOp>(
        loc, flat, value, ArrayRef<ReassociationIndices>{all});
  }
  if (type.getRank() == 1)
    return value;
  all.clear();
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return b.create<tensor::ExpandShapeOp>(loc, type, value,
                                         ArrayRef<ReassociationIndices>{all});
}

struct ReshapeToTensor : OpRewritePattern<ir::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType src = tensorType(op.getInput()), dst = op.getType();
    if (!src.hasStaticShape() || !dst.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expects static shapes");
    rewriter.replaceOp(op,
                       reshapeTo(rewriter, op.getLoc(), op.getInput(), dst));
    return success();
  }
};

enum class ReduceKind { Sum, Max, Min };

/// The identity of a max (or min) reduction: -inf (+inf), or the least
/// (greatest) integer.
TypedAttr extremumIdentity(OpBuilder &b, Type element, bool isMax) {
  if (isa<FloatType>(element))
    return b.getFloatAttr(element,
                          isMax ? -std::numeric_limits<double>::infinity()
                                : std::numeric_limits<double>::infinity());
  unsigned width = element.getIntOrFloatBitWidth();
  return b.getIntegerAttr(element, isMax ? APInt::getSignedMinValue(width)
                                         : APInt::getSignedMaxValue(width));
}

/// reduce_max/reduce_min `first` -> a linalg.generic reduction carrying the
/// extremum and its index: an element replaces the accumulator when it is
/// better, or equal (-0.0 and +0.0 alike) with a lower index, or the first
/// NaN. The rule does not depend on the order the loop visits elements in.
template <typename ExtremumOp>
Value lowerFirstExtremum(ExtremumOp op, PatternRewriter &rewriter, bool isMax) {
  Location loc = op.getLoc();
  RankedTensorType in = tensorType(op.getInput());
  int64_t rank = in.getRank(), dim = op.getDims()[0];
  dim = dim < 0 ? dim + rank : dim;
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == dim ? utils::IteratorType::reduction
                                 : utils::IteratorType::parallel);
    if (d == dim)
      continue;
    shape.push_back(in.getDimSize(d));
    outExprs.push_back(rewriter.getAffineDimExpr(d));
  }
  Type element = in.getElementType(), i64 = rewriter.getI64Type();
  auto valueType = RankedTensorType::get(shape, element);
  auto indexType = RankedTensorType::get(shape, i64);
  Value values = filledTensor(rewriter, loc, valueType,
                              extremumIdentity(rewriter, element, isMax));
  Value indices = filledTensor(
      rewriter, loc, indexType,
      rewriter.getI64IntegerAttr(std::numeric_limits<int64_t>::max()));
  AffineMap out = AffineMap::get(rank, 0, outExprs, rewriter.getContext());
  SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank), out,
                                 out};
  auto generic = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{valueType, indexType}, op.getInput(),
      ValueRange{values, indices}, maps, iterators,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value v = args[0], best = args[1], bestIndex = args[2];
        Value i = b.create<arith::IndexCastOp>(
            l, i64, b.create<linalg::IndexOp>(l, dim));
        Value earlier =
            b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, i, bestIndex);
        Value take;
        if (isa<FloatType>(element)) {
          using P = arith::CmpFPredicate;
          auto cmp = [&](P p, Value x, Value y) {
            return b.create<arith::CmpFOp>(l, p, x, y);
          };
          Value better = cmp(isMax ? P::OGT : P::OLT, v, best);
          Value tie = cmp(P::OEQ, v, best);
          Value bestIsNumber = cmp(P::ORD, best, best);
          Value byValue = b.create<arith::AndIOp>(
              l, bestIsNumber,
              b.create<arith::OrIOp>(l, better,
                                     b.create<arith::AndIOp>(l, tie, earlier)));
          Value byNan = b.create<arith::AndIOp>(
              l, cmp(P::UNO, v, v),
              b.create<arith::OrIOp>(l, bestIsNumber, earlier));
          take = b.create<arith::OrIOp>(l, byValue, byNan);
        } else {
          using P = arith::CmpIPredicate;
          Value better =
              b.create<arith::CmpIOp>(l, isMax ? P::sgt : P::slt, v, best);
          Value tie = b.create<arith::CmpIOp>(l, P::eq, v, best);
          take = b.create<arith::OrIOp>(
              l, better, b.create<arith::AndIOp>(l, tie, earlier));
        }
        b.create<linalg::YieldOp>(
            l, ValueRange{b.create<arith::SelectOp>(l, take, v, best),
                          b.create<arith::SelectOp>(l, take, i, bestIndex)});
      });
  return reshapeTo(rewriter, loc, generic.getResult(0), op.getType());
}

/// kiln.reduce_sum / reduce_max / reduce_min -> linalg.generic reduction
/// into a fill of the identity (0, -inf / INT64_MIN, +inf / INT64_MAX), then
/// an expand_shape for keepdim. Float max/min are IEEE 754-2019's (NaN wins,
/// -0.0 < +0.0), so the result does not depend on the reduction order.
template <typename ReduceOp, ReduceKind kind>
struct ReduceToGeneric : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    if constexpr (kind != ReduceKind::Sum)
      if (op.getFirst()) {
        rewriter.replaceOp(
            op, lowerFirstExtremum(op, rewriter, kind == ReduceKind::Max));
        return success();
      }
    Location loc = op.getLoc();
    RankedTensorType in = tensorType(op.getInput());
    int64_t rank = in.getRank();
    SmallVector<bool> reduced(rank, false);
    for (int64_t d : op.getDims()) {
      int64_t n = d < 0 ? d + rank : d;
      if (n < 0 || n >= rank)
        return rewriter.notifyMatchFailure(op, "dimension out of range");
      reduced[n] = true;
    }
    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                     : utils::IteratorType::parallel);
      if (reduced[d])
        continue;
      shape.push_back(in.getDimSize(d));
      outExprs.push_back(rewriter.getAffineDimExpr(d));
    }
    Type element = in.getElementType();
    auto accType = RankedTensorType::get(shape, element);
    TypedAttr identity =
        kind == ReduceKind::Sum
            ? cast<TypedAttr>(rewriter.getZeroAttr(element))
            : extremumIdentity(rewriter, element, kind == ReduceKind::Max);
    Value init = filledTensor(rewriter, loc, accType, identity);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, outExprs, rewriter.getContext())};
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{accType}, op.getInput(), ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value r;
          if (kind == ReduceKind::Max)
            r = binary<arith::MaximumFOp, arith::MaxSIOp>(b, l, op, args);
          else if (kind == ReduceKind::Min)
            r = binary<arith::MinimumFOp, arith::MinSIOp>(b, l, op, args);
          else
            r = binary<arith::AddFOp, arith::AddIOp>(b, l, op, args);
          b.create<linalg::YieldOp>(l, r);
        });
    rewriter.replaceOp(
        op, reshapeTo(rewriter, loc, generic.getResult(0), op.getType()));
    return success();
  }
};

/// Whether `permutation` swaps the last two dimensions and keeps the rest.
bool swapsLastTwo(ArrayRef<int64_t> permutation) {
  int64_t n = permutation.size();
  if (n < 2)
    return false;
  for (int64_t i = 0; i < n - 2; ++i)
    if (permutation[i] != i)
      return false;
  return permutation[n - 2] == n - 1 && permutation[n - 1] == n - 2;
}

/// The untransposed value when `v` is a float matrix transposed in its last
/// two dimensions (a kiln or an already lowered linalg transpose).
Value transposedSource(Value v) {
  if (!isa<FloatType>(tensorType(v).getElementType()))
    return nullptr;
  if (auto t = v.getDefiningOp<ir::TransposeOp>())
    return swapsLastTwo(t.getPermutation()) ? t.getInput() : nullptr;
  if (auto t = v.getDefiningOp<linalg::TransposeOp>())
    return swapsLastTwo(t.getPermutation()) ? t.getInput() : nullptr;
  return nullptr;
}

/// transpose(a @ b) -> transpose(b) @ transpose(a) when a or b is itself a
/// transpose: the double transpose cancels and the other one becomes a
/// matmul variant, so no transpose is left to materialize. (Autodiff emits
/// this shape for weight gradients: (x^T @ g)^T.)
struct TransposeOfMatmul : OpRewritePattern<ir::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto matmul = op.getInput().getDefiningOp<ir::MatmulOp>();
    if (!matmul || !matmul->hasOneUse() || !swapsLastTwo(op.getPermutation()) ||
        (!transposedSource(matmul.getLhs()) &&
         !transposedSource(matmul.getRhs())))
      return failure();
    Location loc = op.getLoc();
    auto transposed = [&](Value v) {
      RankedTensorType type = tensorType(v);
      SmallVector<int64_t> shape(type.getShape());
      std::swap(shape[shape.size() - 2], shape.back());
      return rewriter.create<ir::TransposeOp>(
          loc, RankedTensorType::get(shape, type.getElementType()), v,
          op.getPermutation());
    };
    Value lhs = transposed(matmul.getRhs()), rhs = transposed(matmul.getLhs());
    rewriter.replaceOpWithNewOp<ir::MatmulOp>(op, op.getType(), lhs, rhs);
    return success();
  }
};

/// kiln.matmul -> linalg.(batch_)matmul, or its _transpose_a/_b variant when
/// an operand is a transposed float matrix (BLAS reads it in place).
struct MatmulToLinalg : OpRewritePattern<ir::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    if (type.getRank() != 2 && type.getRank() != 3)
      return rewriter.notifyMatchFailure(op, "expects rank 2 or 3");
    bool batched = type.getRank() == 3;
    Value init = zeroTensor(rewriter, op.getLoc(), type);
    Value lhs = op.getLhs(), rhs = op.getRhs();
    SmallVector<Type, 1> types = {type};
    SmallVector<Value, 1> inits = {init};
    if (Value a = transposedSource(lhs)) {
      SmallVector<Value, 2> ins = {a, rhs};
      if (batched)
        rewriter.replaceOpWithNewOp<linalg::BatchMatmulTransposeAOp>(
            op, types, ins, inits);
      else
        rewriter.replaceOpWithNewOp<linalg::MatmulTransposeAOp>(op, types, ins,
                                                                inits);
    } else if (Value b = transposedSource(rhs)) {
      SmallVector<Value, 2> ins = {lhs, b};
      if (batched)
        rewriter.replaceOpWithNewOp<linalg::BatchMatmulTransposeBOp>(
            op, types, ins, inits);
      else
        rewriter.replaceOpWithNewOp<linalg::MatmulTransposeBOp>(op, types, ins,
                                                                inits);
    } else {
      SmallVector<Value, 2> ins = {lhs, rhs};
      if (batched)
        rewriter.replaceOpWithNewOp<linalg::BatchMatmulOp>(op, types, ins,
                                                           inits);
      else
        rewriter.replaceOpWithNewOp<linalg::MatmulOp>(op, types, ins, inits);
    }
    return success();
  }
};

struct TransposeToLinalg : OpRewritePattern<ir::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Value init = rewriter.create<tensor::EmptyOp>(op.getLoc(), type.getShape(),
                                                  type.getElementType());
    auto transpose = rewriter.create<linalg::TransposeOp>(
        op.getLoc(), op.getInput(), init, op.getPermutation());
    rewriter.replaceOp(op, transpose->getResult(0));
    return success();
  }
};

struct SliceToExtractSlice : OpRewritePattern<ir::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::SliceOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, op.getType(), op.getInput(), ValueRange{}, ValueRange{},
        ValueRange{}, op.getStarts(), op.getType().getShape(), op.getSteps());
    return success();
  }
};

/// kiln.pad -> tensor.pad with zero; interior padding (which tensor.pad
/// lacks) -> a strided tensor.insert_slice into a zero tensor.
struct PadToTensor : OpRewritePattern<ir::PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::PadOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType in = tensorType(op.getInput()), type = op.getType();
    bool interior =
        llvm::any_of(op.getInterior(), [](int64_t i) { return i != 0; });
    if (!interior) {
      Value zero = rewriter.create<arith::ConstantOp>(
          loc, cast<TypedAttr>(rewriter.getZeroAttr(type.getElementType())));
      rewriter.replaceOpWithNewOp<tensor::PadOp>(
          op, type, op.getInput(),
          getAsIndexOpFoldResult(getContext(), op.getLow()),
          getAsIndexOpFoldResult(getContext(), op.getHigh()), zero);
      return success();
    }
    SmallVector<int64_t> strides;
    for (int64_t i : op.getInterior())
      strides.push_back(i + 1);
    Value zeros = zeroTensor(rewriter, loc, type);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        op, op.getInput(), zeros, ValueRange{}, ValueRange{}, ValueRange{},
        op.getLow(), in.getShape(), strides);
    return success();
  }
};

struct DetachToIdentity : OpRewritePattern<ir::DetachOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::DetachOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

/// Outside differentiation a custom_gradient is its forward values.
struct CustomGradientToValues : OpRewritePattern<ir::CustomGradientOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ir::CustomGradientOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getValues());
    return success();
  }
};

struct ConvertKilnToLinalgPass
    : impl::ConvertKilnToLinalgBase<ConvertKilnToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult markers = module.walk([](ir::BackwardOp op) {
      op.emitOpError() << "must be expanded by kiln-autodiff before "
                          "convert-kiln-to-linalg";
      return WalkResult::interrupt();
    });
    if (markers.wasInterrupted())
      return signalPassFailure();

    // Matmul operand shapes first, while every transpose is still kiln.
    RewritePatternSet prepare(&getContext());
    prepare.add<TransposeOfMatmul>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(module, std::move(prepare))))
      return signalPassFailure();

    RewritePatternSet patterns(&getContext());
    populateKilnToLinalgPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(module, std::move(patterns))))
      return signalPassFailure();

    WalkResult left = module.walk([](Operation *op) {
      if (!isa_and_nonnull<ir::KilnDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitOpError() << "could not be lowered to linalg";
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void populateKilnToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
#define KILN_UNARY_PATTERN(Name, ...)                                          \
  patterns.add<ElementwiseToGeneric<ir::Name##Op>>(ctx,                        \
                                                   unaryFromTable<ops::Name>);
  KILN_UNARY_OPS(KILN_UNARY_PATTERN)
#undef KILN_UNARY_PATTERN
#define KILN_BINARY_PATTERN(Name, ...)                                         \
  patterns.add<ElementwiseToGeneric<ir::Name##Op>>(                            \
      ctx, binaryFromTable<ops::Name>);
  KILN_BINARY_OPS(KILN_BINARY_PATTERN)
#undef KILN_BINARY_PATTERN
  patterns.add<ElementwiseToGeneric<ir::CmpOp>>(ctx, compareScalar);
  patterns.add<ElementwiseToGeneric<ir::SelectOp>>(ctx, selectScalar);
  patterns.add<ElementwiseToGeneric<ir::CastOp>>(ctx, castScalar);
  patterns.add<ConstantToArith, BroadcastToGeneric, ReshapeToTensor,
               ReduceToGeneric<ir::ReduceSumOp, ReduceKind::Sum>,
               ReduceToGeneric<ir::ReduceMaxOp, ReduceKind::Max>,
               ReduceToGeneric<ir::ReduceMinOp, ReduceKind::Min>,
               MatmulToLinalg, TransposeToLinalg, SliceToExtractSlice,
               PadToTensor, DetachToIdentity, CustomGradientToValues>(ctx);
}

} // namespace kiln::codegen
