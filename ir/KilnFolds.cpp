//===- KilnFolds.cpp - Folders of kiln ops
//---------------------------------===//
//
// Algebraic identities and constant folding of splats. The lit test
// test/ir/canonicalize.mlir shows each rule with its algebra.
//
//===----------------------------------------------------------------------===//
#include "ir/KilnDialect.h"
#include "kiln/ops/Elementwise.h"
#include "kiln/ops/ScalarMath.h"

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

/// The value of a splat attribute as the C++ scalar T.
template <class T> T scalarOf(DenseElementsAttr a) {
  if constexpr (std::is_same_v<T, bool>)
    return a.getSplatValue<bool>();
  else if constexpr (std::is_integral_v<T>)
    return static_cast<T>(a.getSplatValue<APInt>().getSExtValue());
  else if constexpr (std::is_same_v<T, float>)
    return a.getSplatValue<APFloat>().convertToFloat();
  else
    return a.getSplatValue<APFloat>().convertToDouble();
}

template <class T> DenseElementsAttr splatAttr(RankedTensorType type, T v) {
  if constexpr (std::is_same_v<T, bool>)
    return DenseElementsAttr::get(type, v);
  else if constexpr (std::is_integral_v<T>)
    return DenseElementsAttr::get(
        type, APInt(64, static_cast<uint64_t>(v), /*isSigned=*/true));
  else
    return DenseElementsAttr::get(type, APFloat(v));
}

/// Folds table op `Rule` (kiln/ops/Elementwise.h) of splat constants to a
/// splat, evaluated with the eager kernels' scalar semantics
/// (kiln/ops/ScalarMath.h) in the element type itself: a folded constant is
/// exactly what eager computes (int64 stays exact above 2^53 and wraps).
template <class Rule, class... Attrs>
OpFoldResult foldByTable(Type type, Attrs... operands) {
  DenseElementsAttr splats[] = {splatOf(operands)...};
  for (DenseElementsAttr a : splats)
    if (!a)
      return {};
  auto tensor = cast<RankedTensorType>(type);
  Type e = tensor.getElementType();
  auto evaluate = [&](auto zero) -> OpFoldResult {
    using T = decltype(zero);
    ops::ScalarMath<T> math;
    if constexpr (sizeof...(Attrs) == 1)
      return splatAttr(tensor, Rule::value(math, scalarOf<T>(splats[0])));
    else
      return splatAttr(tensor, Rule::value(math, scalarOf<T>(splats[0]),
                                           scalarOf<T>(splats[1])));
  };
  if (e.isF32())
    return evaluate(float());
  if (e.isF64())
    return evaluate(double());
  if (e.isInteger(64))
    return evaluate(int64_t());
  if (e.isInteger(1))
    return evaluate(bool());
  return {};
}

} // namespace

/// Identities of unary ops beyond constant folding.
template <class OpT> OpFoldResult unaryIdentity(OpT) { return {}; }
// neg(neg(x)) -> x
template <> OpFoldResult unaryIdentity(NegOp op) {
  if (auto inner = op.getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return {};
}

// op(splat) -> splat, for every unary op of kiln/ops/Elementwise.h
#define KILN_UNARY_FOLD(Name, ...)                                             \
  OpFoldResult Name##Op::fold(FoldAdaptor a) {                                 \
    if (OpFoldResult r = unaryIdentity(*this))                                 \
      return r;                                                                \
    return foldByTable<ops::Name>(getType(), a.getInput());                    \
  }
KILN_UNARY_OPS(KILN_UNARY_FOLD)
#undef KILN_UNARY_FOLD

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
  return foldByTable<ops::Add>(getType(), a.getLhs(), a.getRhs());
}

// sub(x, +0.0) -> x (also for x = -0.0; x - -0.0 is not); for integers 0
OpFoldResult SubOp::fold(FoldAdaptor a) {
  if (DenseElementsAttr s = splatOf(a.getRhs());
      s && isSplatOf(s, 0) &&
      (!isa<FloatType>(s.getElementType()) ||
       !s.getSplatValue<APFloat>().isNegative()))
    return getLhs();
  return foldByTable<ops::Sub>(getType(), a.getLhs(), a.getRhs());
}

// mul(x, 1) -> x; mul(1, x) -> x
OpFoldResult MulOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  if (isSplatOf(a.getLhs(), 1))
    return getRhs();
  return foldByTable<ops::Mul>(getType(), a.getLhs(), a.getRhs());
}

// div(x, 1) -> x
OpFoldResult DivOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  return foldByTable<ops::Div>(getType(), a.getLhs(), a.getRhs());
}

// pow(x, 1) -> x
OpFoldResult PowOp::fold(FoldAdaptor a) {
  if (isSplatOf(a.getRhs(), 1))
    return getLhs();
  return foldByTable<ops::Pow>(getType(), a.getLhs(), a.getRhs());
}

// max(x, x) -> x; max(splat a, splat b) propagates NaN and takes +0.0
// over -0.0 (IEEE 754-2019 maximum, as the lowering's arith.maximumf)
OpFoldResult MaxOp::fold(FoldAdaptor a) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldByTable<ops::Max>(getType(), a.getLhs(), a.getRhs());
}

// min(x, x) -> x; min(splat a, splat b) as IEEE 754-2019 minimum
OpFoldResult MinOp::fold(FoldAdaptor a) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldByTable<ops::Min>(getType(), a.getLhs(), a.getRhs());
}

// remainder(splat a, splat b) -> splat, Python's modulus
OpFoldResult RemainderOp::fold(FoldAdaptor a) {
  return foldByTable<ops::Remainder>(getType(), a.getLhs(), a.getRhs());
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
