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

/// A splat of `type` holding `value`.
Attribute makeSplat(Type type, double value) {
  auto tensor = cast<RankedTensorType>(type);
  Type element = tensor.getElementType();
  if (auto f = dyn_cast<FloatType>(element)) {
    APFloat v(value);
    bool lost;
    v.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return DenseElementsAttr::get(tensor, v);
  }
  return DenseElementsAttr::get(
      tensor, APInt(element.getIntOrFloatBitWidth(), int64_t(value), true));
}

/// Folds op(splat, splat) to a splat.
template <class Fn>
OpFoldResult foldSplats(Type type, Attribute lhs, Attribute rhs, Fn fn) {
  auto a = splatValue(lhs), b = splatValue(rhs);
  if (!a || !b)
    return {};
  return makeSplat(type, fn(*a, *b));
}

} // namespace

// neg(neg(x)) -> x
OpFoldResult NegOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

// add(x, 0) -> x; add(0, x) -> x
OpFoldResult AddOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 0))
    return getLhs();
  if (isSplatOf(a.getLhs(), 0))
    return getRhs();
  return foldSplats(getType(), a.getLhs(), a.getRhs(),
                    [](double x, double y) { return x + y; });
}

// sub(x, 0) -> x
OpFoldResult SubOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 0))
    return getLhs();
  return foldSplats(getType(), a.getLhs(), a.getRhs(),
                    [](double x, double y) { return x - y; });
}

// mul(x, 1) -> x; mul(1, x) -> x
OpFoldResult MulOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  if (isSplatOf(a.getLhs(), 1))
    return getRhs();
  return foldSplats(getType(), a.getLhs(), a.getRhs(),
                    [](double x, double y) { return x * y; });
}

// div(x, 1) -> x
OpFoldResult DivOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  if (!isa<FloatType>(getType().getElementType()))
    return {};
  return foldSplats(getType(), a.getLhs(), a.getRhs(),
                    [](double x, double y) { return x / y; });
}

// pow(x, 1) -> x
OpFoldResult PowOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  return {};
}

// max(x, x) -> x
OpFoldResult MaxOp::fold(FoldAdaptor a) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldSplats(getType(), a.getLhs(), a.getRhs(),
                    [](double x, double y) { return std::fmax(x, y); });
}

// min(x, x) -> x
OpFoldResult MinOp::fold(FoldAdaptor a) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldSplats(getType(), a.getLhs(), a.getRhs(),
                    [](double x, double y) { return std::fmin(x, y); });
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
  if (auto v = splatValue(a.getInput()))
    return makeSplat(getType(), *v);
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
  if (auto v = splatValue(a.getInput()))
    return makeSplat(getType(), *v);
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
