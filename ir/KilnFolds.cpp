//===- KilnFolds.cpp - Folders of kiln ops
//---------------------------------===//
//
// Algebraic identities and constant folding of splats. The lit test
// test/ir/canonicalize.mlir shows each rule with its algebra.
//
//===----------------------------------------------------------------------===//
#include "ir/KilnDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

namespace kiln::ir {

namespace {

/// The value of a splat constant attribute, as double.
std::optional<double> splatValue(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat())
    return std::nullopt;
  Type element = dense.getElementType();
  if (isa<FloatType>(element))
    return dense.getSplatValue<APFloat>().convertToDouble();
  if (element.isInteger(1))
    return double(dense.getSplatValue<bool>());
  return double(dense.getSplatValue<APInt>().getSExtValue());
}

bool isSplatOf(Attribute attr, double value) {
  auto v = splatValue(attr);
  return v && *v == value;
}

/// The splat of a constant attribute, or null.
DenseElementsAttr splatOf(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  return dense && dense.isSplat() ? dense : nullptr;
}

/// Folds op(splat, splat) to a splat, computed in the element type itself
/// (APFloat, or APInt wrapping as the compiled code does) so that int64
/// values above 2^53 stay exact. `floatFn` or `intFn` may return nullopt to
/// leave the op alone.
template <class FloatFn, class IntFn>
OpFoldResult foldSplats(Type type, Attribute lhs, Attribute rhs,
                        FloatFn floatFn, IntFn intFn) {
  DenseElementsAttr a = splatOf(lhs), b = splatOf(rhs);
  if (!a || !b)
    return {};
  auto tensor = cast<RankedTensorType>(type);
  if (isa<FloatType>(tensor.getElementType())) {
    std::optional<APFloat> r =
        floatFn(a.getSplatValue<APFloat>(), b.getSplatValue<APFloat>());
    return r ? DenseElementsAttr::get(tensor, *r) : OpFoldResult();
  }
  if (tensor.getElementType().isInteger(1))
    return {}; // bool arithmetic is not integer arithmetic (true + true)
  std::optional<APInt> r =
      intFn(a.getSplatValue<APInt>(), b.getSplatValue<APInt>());
  return r ? DenseElementsAttr::get(tensor, *r) : OpFoldResult();
}

constexpr auto kRound = APFloat::rmNearestTiesToEven;

} // namespace

// neg(neg(x)) -> x
OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

/// Whether adding `attr` leaves every x unchanged: -0.0 for floats (x + +0.0
/// turns x = -0.0 into +0.0), 0 for integers.
bool isAdditiveIdentity(Attribute attr) {
  DenseElementsAttr s = splatOf(attr);
  if (!s || s.getElementType().isInteger(1))
    return false;
  if (isa<FloatType>(s.getElementType())) {
    APFloat v = s.getSplatValue<APFloat>();
    return v.isZero() && v.isNegative();
  }
  return s.getSplatValue<APInt>().isZero();
}

// add(x, -0.0) -> x; add(-0.0, x) -> x (for integers: 0)
OpFoldResult AddOp::fold(FoldAdaptor a) {
  if (isAdditiveIdentity(a.getRhs()))
    return getLhs();
  if (isAdditiveIdentity(a.getLhs()))
    return getRhs();
  return foldSplats(
      getType(), a.getLhs(), a.getRhs(),
      [](APFloat x, const APFloat &y) -> std::optional<APFloat> {
        x.add(y, kRound);
        return x;
      },
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        return x + y;
      });
}

// sub(x, +0.0) -> x (also for x = -0.0; x - -0.0 is not); for integers 0
OpFoldResult SubOp::fold(FoldAdaptor a) {
  if (DenseElementsAttr s = splatOf(a.getRhs());
      s && isSplatOf(s, 0) &&
      (!isa<FloatType>(s.getElementType()) ||
       !s.getSplatValue<APFloat>().isNegative()))
    return getLhs();
  return foldSplats(
      getType(), a.getLhs(), a.getRhs(),
      [](APFloat x, const APFloat &y) -> std::optional<APFloat> {
        x.subtract(y, kRound);
        return x;
      },
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        return x - y;
      });
}

// mul(x, 1) -> x; mul(1, x) -> x
OpFoldResult MulOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  if (isSplatOf(a.getLhs(), 1))
    return getRhs();
  return foldSplats(
      getType(), a.getLhs(), a.getRhs(),
      [](APFloat x, const APFloat &y) -> std::optional<APFloat> {
        x.multiply(y, kRound);
        return x;
      },
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        return x * y;
      });
}

// div(x, 1) -> x
OpFoldResult DivOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  return foldSplats(
      getType(), a.getLhs(), a.getRhs(),
      [](APFloat x, const APFloat &y) -> std::optional<APFloat> {
        x.divide(y, kRound);
        return x;
      },
      [](const APInt &, const APInt &) -> std::optional<APInt> {
        return std::nullopt; // integer division by zero stays a run-time matter
      });
}

// pow(x, 1) -> x
OpFoldResult PowOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  return {};
}

// max(x, x) -> x; max(splat a, splat b) propagates NaN and takes +0.0
// over -0.0 (IEEE 754-2019 maximum, as the lowering's arith.maximumf)
OpFoldResult MaxOp::fold(FoldAdaptor a) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldSplats(
      getType(), a.getLhs(), a.getRhs(),
      [](const APFloat &x, const APFloat &y) -> std::optional<APFloat> {
        return llvm::maximum(x, y);
      },
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        return llvm::APIntOps::smax(x, y);
      });
}

// min(x, x) -> x; min(splat a, splat b) as IEEE 754-2019 minimum
OpFoldResult MinOp::fold(FoldAdaptor a) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldSplats(
      getType(), a.getLhs(), a.getRhs(),
      [](const APFloat &x, const APFloat &y) -> std::optional<APFloat> {
        return llvm::minimum(x, y);
      },
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        return llvm::APIntOps::smin(x, y);
      });
}

// cast(x : T to T) -> x
OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

// broadcast(x : T to T) -> x; broadcast(splat c) -> splat c
OpFoldResult BroadcastOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  if (DenseElementsAttr s = splatOf(a.getInput()))
    return s.resizeSplat(getType());
  return {};
}

// reduce_sum(x) over no dims -> x
OpFoldResult ReduceSumOp::fold(FoldAdaptor) {
  if (getDims().empty() && getInput().getType() == getType())
    return getInput();
  return {};
}

// reshape(x : T -> T) -> x; reshape(reshape(x)) -> reshape(x);
// reshape(splat c) -> splat c
OpFoldResult ReshapeOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (DenseElementsAttr s = splatOf(a.getInput()))
    return s.resizeSplat(getType());
  return {};
}

// transpose(x, identity) -> x; transpose(transpose(x, p), q) -> x when the
// composition is the identity
OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  auto isIdentity = [](ArrayRef<int64_t> p) {
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] != int64_t(i))
        return false;
    return true;
  };
  if (isIdentity(perm))
    return getInput();
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(inner.getPermutation()[p]);
    if (isIdentity(composed))
      return inner.getInput();
  }
  return {};
}

// detach(detach(x)) -> detach(x)
OpFoldResult DetachOp::fold(FoldAdaptor) {
  if (getInput().getDefiningOp<DetachOp>())
    return getInput();
  return {};
}

} // namespace kiln::ir
