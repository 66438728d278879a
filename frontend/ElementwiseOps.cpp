//===- ElementwiseOps.cpp - Arithmetic, math, comparisons, in place ------===//
#include "OpsCommon.h"
#include "TraceHooks.h"

namespace kiln {

using namespace detail;
using autograd::FunctionNode;
using runtime::BinaryOp;
using runtime::UnaryOp;

namespace {

Tensor wrap(const Scalar &s) { return scalar_tensor(s); }

/// Computes op(a, b) with broadcasting and type promotion; no history.
Tensor binaryKernel(BinaryOp op, const Tensor &a, const Tensor &b,
                    ScalarType computeType) {
  std::vector<int64_t> shape = broadcastShapes(a.sizes(), b.sizes());
  Tensor out =
      emptyTensor(shape, runtime::isComparison(op) ? kBool : computeType);
  {
    trace::Pause pause; // The casts below are part of this op's record.
    Tensor A = a.dtype() == computeType ? a : a.to(computeType);
    Tensor B = b.dtype() == computeType ? b : b.to(computeType);
    runtime::binary(op, broadcastView(A, shape), broadcastView(B, shape),
                    out.impl().view());
  }
  if (auto *r = trace::active())
    traceBinary(*r, op, a, b, computeType, out);
  return out;
}

Tensor unaryKernel(UnaryOp op, const Tensor &a) {
  Tensor out = emptyTensor(a.sizes(), a.dtype());
  runtime::unary(op, a.impl().view(), out.impl().view());
  if (auto *r = trace::active())
    traceUnary(*r, op, a, out);
  return out;
}

/// Floating ops on integer inputs compute in the default float type.
Tensor asFloating(const Tensor &a) {
  return a.is_floating_point() ? a : a.to(get_default_dtype_as_scalartype());
}

/// When a binary op's gradient rule needs an operand: never, only for the
/// other operand's gradient (as in mul), or whenever any gradient is needed.
enum class Keep { Never, ForOther, Always };

/// Runs a binary arithmetic op and attaches its gradient rule. Operands are
/// saved only as the rule needs them, so that in-place writes to the others
/// stay legal, as in PyTorch.
template <class Rule>
Tensor binaryWithGrad(BinaryOp op, const char *name, const Tensor &a,
                      const Tensor &b, bool floatingOnly, Keep keepA,
                      Keep keepB, Rule rule) {
  ScalarType t = resultType(a, b);
  if (floatingOnly && !isFloatingType(t))
    t = get_default_dtype_as_scalartype();
  bool grad = autograd::anyRequiresGrad({&a, &b});
  Tensor A = grad ? castTo(a, t) : a, B = grad ? castTo(b, t) : b;
  Tensor out = binaryKernel(op, A, B, t);
  if (grad) {
    auto node = autograd::makeNode(name, {A, B}, nullptr);
    bool hasA = keepA == Keep::Always ||
                (keepA == Keep::ForOther && node->needsInputGrad(1));
    bool hasB = keepB == Keep::Always ||
                (keepB == Keep::ForOther && node->needsInputGrad(0));
    size_t sa = hasA ? node->save(A) : 0;
    size_t sb = hasB ? node->save(B) : 0;
    std::vector<int64_t> shapeA = A.sizes().vec(), shapeB = B.sizes().vec();
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      Tensor ta = hasA ? n.saved(sa) : Tensor();
      Tensor tb = hasB ? n.saved(sb) : Tensor();
      auto [ga, gb] = rule(n, g[0], ta, tb);
      return variable_list{ga.defined() ? sumTo(ga, shapeA) : ga,
                           gb.defined() ? sumTo(gb, shapeB) : gb};
    });
    autograd::setHistory(out, node);
  }
  return out;
}

using GradPair = std::pair<Tensor, Tensor>;

/// Runs a unary op; `rule(grad, input, output)` gives the input gradient.
template <class Rule>
Tensor unaryWithGrad(UnaryOp op, const char *name, const Tensor &a,
                     bool floatingOnly, bool saveInput, bool saveOutput,
                     Rule rule) {
  Tensor in = floatingOnly ? asFloating(a) : a;
  Tensor out = unaryKernel(op, in);
  if (autograd::anyRequiresGrad({&in})) {
    auto node = autograd::makeNode(name, {in}, nullptr);
    size_t si = saveInput ? node->save(in) : 0;
    size_t so = saveOutput ? node->save(out, /*isOutput=*/true) : 0;
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      return variable_list{rule(g[0], saveInput ? n.saved(si) : Tensor(),
                                saveOutput ? n.saved(so) : Tensor())};
    });
    autograd::setHistory(out, node);
  }
  return out;
}

/// The tensor primitives of kiln/ops/Elementwise.h as eager ops: the
/// gradient rules run as ordinary tensor ops (grad mode is off in backward).
struct EagerMath {
  Tensor constant(const Tensor &like, double v) {
    return full({}, v, like.dtype());
  }
  Tensor neg(const Tensor &x) { return x.neg(); }
  Tensor add(const Tensor &x, const Tensor &y) { return x + y; }
  Tensor sub(const Tensor &x, const Tensor &y) { return x - y; }
  Tensor mul(const Tensor &x, const Tensor &y) { return x * y; }
  Tensor div(const Tensor &x, const Tensor &y) { return x / y; }
  Tensor pow(const Tensor &x, const Tensor &y) { return x.pow(y); }
  Tensor exp(const Tensor &x) { return x.exp(); }
  Tensor log(const Tensor &x) { return x.log(); }
  Tensor sin(const Tensor &x) { return x.sin(); }
  Tensor cos(const Tensor &x) { return x.cos(); }
  Tensor sign(const Tensor &x) { return x.sign(); }
  Tensor remainder(const Tensor &x, const Tensor &y) { return x.remainder(y); }
  Tensor select(const Tensor &c, const Tensor &x, const Tensor &y) {
    return where(c, x, y);
  }
  Tensor eq(const Tensor &x, const Tensor &y) { return x == y; }
  Tensor lt(const Tensor &x, const Tensor &y) { return x < y; }
  Tensor gt(const Tensor &x, const Tensor &y) { return x > y; }
  Tensor ge(const Tensor &x, const Tensor &y) { return x >= y; }
};

/// A unary op of kiln/ops/Elementwise.h with its table's gradient rule.
template <class Rule>
Tensor unaryOp(UnaryOp op, const char *name, const Tensor &a, bool floatingOnly,
               ops::Saves saves) {
  KILN_CHECK(op != UnaryOp::Neg || a.dtype() != kBool,
             "Negation, the `-` operator, on a bool tensor is not supported. "
             "If you are trying to invert a mask, use the `~` or "
             "`logical_not()` operator instead.");
  return unaryWithGrad(op, name, a, floatingOnly, saves == ops::Saves::Input,
                       saves == ops::Saves::Result,
                       [](const Tensor &g, const Tensor &x, const Tensor &y) {
                         EagerMath m;
                         return Rule::gradient(m, g, x, y);
                       });
}

Keep keepOf(ops::Keep k) {
  return k == ops::Keep::Never      ? Keep::Never
         : k == ops::Keep::ForOther ? Keep::ForOther
                                    : Keep::Always;
}

/// A binary op of kiln/ops/Elementwise.h with its table's gradient rule.
template <class Rule>
Tensor binaryOp(BinaryOp op, const char *name, const Tensor &a, const Tensor &b,
                bool floatingOnly, ops::Keep keepA, ops::Keep keepB) {
  return binaryWithGrad(
      op, name, a, b, floatingOnly, keepOf(keepA), keepOf(keepB),
      [](FunctionNode &n, const Tensor &g, const Tensor &x, const Tensor &y) {
        EagerMath m;
        Tensor gx, gy;
        Rule::gradient(m, g, x, y, n.needsInputGrad(0) ? &gx : nullptr,
                       n.needsInputGrad(1) ? &gy : nullptr);
        return GradPair{gx, gy};
      });
}

// binaryAdd(a, b), binaryMul(a, b), ...: the table's binary ops.
#define KILN_BINARY_FUNCTION(Name, mnemonic, RuntimeName, method, node,        \
                             floatingOnly, keepA, keepB)                       \
  Tensor binary##Name(const Tensor &a, const Tensor &b) {                      \
    return binaryOp<ops::Name>(BinaryOp::RuntimeName, node, a, b,              \
                               floatingOnly, ops::Keep::keepA,                 \
                               ops::Keep::keepB);                              \
  }
KILN_BINARY_OPS(KILN_BINARY_FUNCTION)
#undef KILN_BINARY_FUNCTION

} // namespace

// --- Binary arithmetic
// ----------------------------------------------------------

Tensor Tensor::add(const Tensor &other, const Scalar &alpha) const {
  return binaryAdd(*this, alpha.toDouble() == 1 ? other : other * alpha);
}

Tensor Tensor::sub(const Tensor &other, const Scalar &alpha) const {
  const Tensor &b = alpha.toDouble() == 1 ? other : other * alpha;
  KILN_CHECK(dtype() != kBool || b.dtype() != kBool,
             "Subtraction, the `-` operator, with two bool tensors is not "
             "supported. Use the `^` or `logical_xor()` operator instead.");
  return binarySub(*this, b);
}

Tensor Tensor::mul(const Tensor &other) const {
  return binaryMul(*this, other);
}
Tensor Tensor::div(const Tensor &other) const {
  return binaryDiv(*this, other);
}
Tensor Tensor::pow(const Tensor &exponent) const {
  return binaryPow(*this, exponent);
}

Tensor Tensor::pow(const Scalar &exponent) const {
  KILN_CHECK(is_floating_point() || exponent.isFloatingPoint() ||
                 exponent.toLong() >= 0,
             "Integers to negative integer powers are not allowed.");
  Tensor e = wrap(exponent);
  ScalarType t = resultType(*this, e);
  Tensor in = castTo(*this, t);
  Tensor out = binaryKernel(BinaryOp::Pow, in, e, t);
  if (autograd::anyRequiresGrad({&in})) {
    auto node = autograd::makeNode("PowBackward0", {in}, nullptr);
    size_t si = node->save(in);
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      EagerMath m;
      Tensor gx;
      ops::Pow::gradient(m, g[0], n.saved(si), castTo(e, t), &gx,
                         (Tensor *)nullptr);
      return variable_list{gx};
    });
    autograd::setHistory(out, node);
  }
  return out;
}

Tensor Tensor::add(const Scalar &o, const Scalar &alpha) const {
  return add(wrap(o), alpha);
}
Tensor Tensor::sub(const Scalar &o, const Scalar &alpha) const {
  return sub(wrap(o), alpha);
}
Tensor Tensor::mul(const Scalar &o) const { return mul(wrap(o)); }
Tensor Tensor::div(const Scalar &o) const { return div(wrap(o)); }

Tensor Tensor::maximum(const Tensor &other) const {
  return binaryMax(*this, other);
}
Tensor Tensor::minimum(const Tensor &other) const {
  return binaryMin(*this, other);
}

// --- Unary math
// -------------------------------------------------------------------

// neg() exp() log() ...: the table's unary ops.
#define KILN_UNARY_METHOD(Name, method, node, saves, floatingOnly)             \
  Tensor Tensor::method() const {                                              \
    return unaryOp<ops::Name>(UnaryOp::Name, node, *this, floatingOnly,        \
                              ops::Saves::saves);                              \
  }
KILN_UNARY_OPS(KILN_UNARY_METHOD)
#undef KILN_UNARY_METHOD

Tensor Tensor::rsqrt() const { return sqrt().reciprocal(); }
Tensor Tensor::reciprocal() const { return 1.0 / *this; }
Tensor Tensor::sign() const {
  return unaryWithGrad(UnaryOp::Sign, "SignBackward0", *this, false, false,
                       false,
                       [](const Tensor &g, const Tensor &, const Tensor &) {
                         return zeros_like(g);
                       });
}
Tensor Tensor::relu() const {
  return unaryWithGrad(
      UnaryOp::Relu, "ReluBackward0", *this, false, false, true,
      [](const Tensor &g, const Tensor &, const Tensor &y) {
        Tensor out = emptyTensor(g.sizes(), g.dtype());
        runtime::binary(BinaryOp::ThresholdGrad, g.impl().view(),
                        broadcastView(y, g.sizes()), out.impl().view());
        return out;
      });
}

// log1p and expm1 are compositions (so that autograd and kiln::compile need
// no new rules), kept accurate near 0 by Goldberg's correction: with
// u = 1 + x rounded, log(u) * x / (u - 1) is log1p(x) to a few ulps.
Tensor Tensor::log1p() const {
  Tensor x =
      isFloatingType(dtype()) ? *this : to(get_default_dtype_as_scalartype());
  Tensor u = x + 1;
  Tensor exact = u == 1;
  Tensor denominator = where(exact, ones_like(u), u - 1);
  Tensor r = where(exact, x, u.log() * (x / denominator));
  // log(inf) * inf / inf is NaN; log1p(inf) is inf.
  return where(u == std::numeric_limits<double>::infinity(), u, r);
}

Tensor Tensor::expm1() const {
  Tensor x =
      isFloatingType(dtype()) ? *this : to(get_default_dtype_as_scalartype());
  // Kahan: with u = exp(x) rounded, (u - 1) * x / log(u) is expm1(x).
  Tensor u = x.exp();
  Tensor exact = u == 1;
  Tensor nearOne = (u - 1).abs() < 1;
  Tensor logU = where(exact | ~nearOne, ones_like(u), u.log());
  Tensor corrected = (u - 1) * (x / logU);
  return where(exact, x, where(nearOne, corrected, u - 1));
}

Tensor Tensor::isnan() const { return *this != *this; }
Tensor Tensor::isinf() const {
  if (!isFloatingType(dtype()))
    return zeros(sizes(), kBool);
  return abs() == std::numeric_limits<double>::infinity();
}
Tensor Tensor::isfinite() const {
  if (!isFloatingType(dtype()))
    return ones(sizes(), kBool);
  return (*this == *this) & (abs() != std::numeric_limits<double>::infinity());
}

Tensor Tensor::remainder(const Tensor &other) const {
  ScalarType t = resultType(*this, other);
  KILN_CHECK(t != kBool, "\"remainder_cpu\" not implemented for 'Bool'");
  if (!isFloatingType(t))
    KILN_CHECK(!(other == 0).any().item<bool>(), "ZeroDivisionError");
  return binaryRemainder(*this, other);
}
Tensor Tensor::remainder(const Scalar &other) const {
  return remainder(wrap(other));
}
Tensor operator%(const Tensor &a, const Tensor &b) { return a.remainder(b); }
Tensor operator%(const Tensor &a, const Scalar &b) { return a.remainder(b); }
Tensor remainder(const Tensor &a, const Tensor &b) { return a.remainder(b); }
Tensor remainder(const Tensor &a, const Scalar &b) { return a.remainder(b); }

Tensor log1p(const Tensor &a) { return a.log1p(); }
Tensor expm1(const Tensor &a) { return a.expm1(); }
Tensor isfinite(const Tensor &a) { return a.isfinite(); }
Tensor isinf(const Tensor &a) { return a.isinf(); }
Tensor isnan(const Tensor &a) { return a.isnan(); }

Tensor Tensor::clamp(std::optional<Scalar> min,
                     std::optional<Scalar> max) const {
  KILN_CHECK(min || max,
             "torch.clamp: At least one of 'min' or 'max' must not be None");
  Tensor out = emptyTensor(sizes(), dtype());
  runtime::clamp(impl().view(), out.impl().view(), min.has_value(),
                 min ? min->toDouble() : 0, max.has_value(),
                 max ? max->toDouble() : 0);
  if (auto *r = trace::active())
    traceClamp(
        *r, *this, min ? std::optional<double>(min->toDouble()) : std::nullopt,
        max ? std::optional<double>(max->toDouble()) : std::nullopt, out);
  if (autograd::anyRequiresGrad({this})) {
    const char *name = min && max ? "ClampBackward1"
                       : min      ? "ClampMinBackward0"
                                  : "ClampMaxBackward0";
    auto node = autograd::makeNode(name, {*this}, nullptr);
    size_t si = node->save(*this);
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      Tensor x = n.saved(si);
      Tensor keep = ones_like(x, kBool);
      if (min)
        keep = keep & (x >= *min);
      if (max)
        keep = keep & (x <= *max);
      return variable_list{where(keep, g[0], 0.0)};
    });
    autograd::setHistory(out, node);
  }
  return out;
}
Tensor Tensor::clamp(const std::optional<Tensor> &min,
                     const std::optional<Tensor> &max) const {
  bool hasMin = min && min->defined(), hasMax = max && max->defined();
  KILN_CHECK(hasMin || hasMax,
             "torch.clamp: At least one of 'min' or 'max' must not be None");
  Tensor out = *this;
  if (hasMin)
    out = out.maximum(*min);
  if (hasMax)
    out = out.minimum(*max);
  return out;
}

namespace {
void checkLerpTypes(const Tensor &self, const Tensor &other, const char *name) {
  KILN_CHECK(self.scalar_type() == other.scalar_type(), "expected dtype ",
             toString(self.scalar_type()), " for `", name, "` but got dtype ",
             toString(other.scalar_type()));
}
} // namespace

Tensor Tensor::lerp(const Tensor &end, const Scalar &weight) const {
  checkLerpTypes(*this, end, "end");
  double w = weight.toDouble();
  Tensor diff = end - *this;
  // PyTorch's form: exact at both ends, accurate near each.
  if (std::abs(w) < 0.5)
    return *this + diff * w;
  return end - diff * (1 - w);
}

Tensor Tensor::lerp(const Tensor &end, const Tensor &weight) const {
  checkLerpTypes(*this, end, "end");
  checkLerpTypes(*this, weight, "weight");
  Tensor diff = end - *this;
  return kiln::where(weight.abs() < 0.5, *this + weight * diff,
                     end - diff * (1 - weight));
}

Tensor Tensor::clamp_min(const Scalar &min) const { return clamp(min); }
Tensor Tensor::clamp_max(const Scalar &max) const {
  return clamp(std::nullopt, max);
}

// --- Comparisons and selection
// ------------------------------------------------------

#define KILN_COMPARISON(NAME, OP)                                              \
  Tensor Tensor::NAME(const Tensor &other) const {                             \
    return binaryKernel(BinaryOp::OP, *this, other, resultType(*this, other)); \
  }                                                                            \
  Tensor Tensor::NAME(const Scalar &other) const { return NAME(wrap(other)); }
KILN_COMPARISON(eq, Eq)
KILN_COMPARISON(ne, Ne)
KILN_COMPARISON(lt, Lt)
KILN_COMPARISON(le, Le)
KILN_COMPARISON(gt, Gt)
KILN_COMPARISON(ge, Ge)
#undef KILN_COMPARISON

Tensor Tensor::logical_and(const Tensor &other) const {
  return binaryKernel(BinaryOp::LogicalAnd, *this, other,
                      resultType(*this, other));
}
Tensor Tensor::logical_or(const Tensor &other) const {
  return binaryKernel(BinaryOp::LogicalOr, *this, other,
                      resultType(*this, other));
}
Tensor Tensor::logical_not() const {
  return unaryKernel(UnaryOp::LogicalNot, to(kBool));
}

Tensor where(const Tensor &cond, const Tensor &a, const Tensor &b) {
  KILN_CHECK(cond.dtype() == kBool,
             "where expected condition to be a boolean tensor, but got a "
             "tensor with dtype ",
             toString(cond.dtype()));
  std::vector<int64_t> shape =
      broadcastShapes(cond.sizes(), broadcastShapes(a.sizes(), b.sizes()));
  ScalarType t = resultType(a, b);
  Tensor A = castTo(a, t), B = castTo(b, t);
  Tensor out = emptyTensor(shape, t);
  runtime::where(broadcastView(cond, shape), broadcastView(A, shape),
                 broadcastView(B, shape), out.impl().view());
  if (auto *r = trace::active())
    traceSelect(*r, cond, A, B, out);
  if (autograd::anyRequiresGrad({&A, &B})) {
    auto node = autograd::makeNode("WhereBackward0", {A, B}, nullptr);
    size_t sc = node->save(cond);
    std::vector<int64_t> sa = A.sizes().vec(), sb = B.sizes().vec();
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      Tensor c = n.saved(sc);
      Tensor zero = zeros_like(g[0]);
      return variable_list{
          n.needsInputGrad(0) ? sumTo(where(c, g[0], zero), sa) : Tensor(),
          n.needsInputGrad(1) ? sumTo(where(c, zero, g[0]), sb) : Tensor()};
    });
    autograd::setHistory(out, node);
  }
  return out;
}
Tensor where(const Tensor &cond, const Tensor &a, const Scalar &b) {
  return where(cond, a, wrap(b));
}
Tensor where(const Tensor &cond, const Scalar &a, const Tensor &b) {
  return where(cond, wrap(a), b);
}

Tensor Tensor::masked_fill(const Tensor &mask, const Scalar &value) const {
  Tensor v = scalar_tensor(value, dtype());
  if (auto *r = trace::active())
    r->constant(v); // a constant, not captured state
  return masked_fill(mask, v);
}

Tensor Tensor::masked_fill(const Tensor &mask, const Tensor &value) const {
  KILN_CHECK(mask.dtype() == kBool,
             "masked_fill_ only supports boolean masks, but got mask with "
             "dtype ",
             ::kiln::toString(mask.dtype()));
  KILN_CHECK(value.dim() == 0,
             "masked_fill_ only supports a 0-dimensional value tensor, but "
             "got tensor with ",
             value.dim(), " dimension(s).");
  Tensor v = castTo(value, dtype());
  v.impl().isWrappedNumber = false;
  Tensor out = emptyTensor(broadcastShapes(sizes(), mask.sizes()), dtype());
  runtime::where(broadcastView(mask, out.sizes()),
                 broadcastView(v, out.sizes()),
                 broadcastView(*this, out.sizes()), out.impl().view());
  if (auto *r = trace::active())
    traceSelect(*r, mask, v, *this, out);
  if (autograd::anyRequiresGrad({this, &v})) {
    auto node = autograd::makeNode("MaskedFillBackward0", {*this, v}, nullptr);
    size_t sm = node->save(mask);
    std::vector<int64_t> shape = sizes().vec();
    node->setRule([=](FunctionNode &n, const variable_list &g) {
      Tensor m = n.saved(sm);
      Tensor zero = zeros_like(g[0]);
      return variable_list{sumTo(where(m, zero, g[0]), shape),
                           n.needsInputGrad(1) ? where(m, g[0], zero).sum()
                                               : Tensor()};
    });
    autograd::setHistory(out, node);
  }
  return out;
}

// --- In place
// -----------------------------------------------------------------------

namespace {
/// The operand an in-place op computes from when it records history: a
/// copy of self, so that a backward rule saving it is not invalidated when
/// the result is written back into self (PyTorch saves `original_self`).
Tensor inplaceSource(const Tensor &self, const Tensor &other = Tensor()) {
  return autograd::anyRequiresGrad({&self, &other}) ? self.clone() : self;
}

/// In-place binary op: writes straight into self when no history is needed,
/// otherwise computes `outOfPlace(source)` and takes over its history.
template <class OutOfPlace>
const Tensor &inplaceBinary(const Tensor &self, BinaryOp op,
                            const Tensor &other, OutOfPlace outOfPlace) {
  checkInplace(self);
  bool recording = autograd::anyRequiresGrad({&self, &other});
  if (!recording && !trace::active() &&
      self.dtype() == resultType(self, other) &&
      self.dtype() == other.dtype()) {
    std::vector<int64_t> shape = broadcastShapes(self.sizes(), other.sizes());
    KILN_CHECK(IntArrayRef(shape) == self.sizes(), "output with shape ",
               shapeString(self.sizes()), " doesn't match the broadcast shape ",
               shapeString(shape));
    runtime::binary(op, self.impl().view(), broadcastView(other, shape),
                    self.impl().view());
    self.impl().storage->bumpVersion();
    return self;
  }
  return commitInplace(self, outOfPlace(inplaceSource(self, other)));
}

/// A scalar operand of an in-place op: in self's type when that is the
/// result type, else a wrapped number, so that `long_tensor.add_(0.5)` fails
/// the cast check as in PyTorch instead of truncating the scalar.
Tensor inplaceScalar(const Tensor &self, const Scalar &s) {
  Tensor w = wrap(s);
  return resultType(self, w) == self.dtype() ? scalar_tensor(s, self.dtype())
                                             : w;
}
void checkTrueDivision(const Tensor &self) {
  KILN_CHECK(self.is_floating_point(),
             "result type Float can't be cast to "
             "the desired output type ",
             ::kiln::toString(self.dtype()));
}
} // namespace

const Tensor &Tensor::add_(const Tensor &o, const Scalar &alpha) const {
  if (alpha.toDouble() != 1)
    return commitInplace((checkInplace(*this), *this), add(o, alpha));
  return inplaceBinary(*this, BinaryOp::Add, o,
                       [&](const Tensor &s) { return s.add(o); });
}
const Tensor &Tensor::sub_(const Tensor &o, const Scalar &alpha) const {
  if (alpha.toDouble() != 1)
    return commitInplace((checkInplace(*this), *this), sub(o, alpha));
  return inplaceBinary(*this, BinaryOp::Sub, o,
                       [&](const Tensor &s) { return s.sub(o); });
}
const Tensor &Tensor::mul_(const Tensor &o) const {
  return inplaceBinary(*this, BinaryOp::Mul, o,
                       [&](const Tensor &s) { return s.mul(o); });
}
const Tensor &Tensor::div_(const Tensor &o) const {
  checkTrueDivision(*this);
  return inplaceBinary(*this, BinaryOp::Div, o,
                       [&](const Tensor &s) { return s.div(o); });
}
const Tensor &Tensor::add_(const Scalar &o, const Scalar &alpha) const {
  return add_(inplaceScalar(*this, o), alpha);
}
const Tensor &Tensor::sub_(const Scalar &o, const Scalar &alpha) const {
  return sub_(inplaceScalar(*this, o), alpha);
}
const Tensor &Tensor::mul_(const Scalar &o) const {
  return mul_(inplaceScalar(*this, o));
}
const Tensor &Tensor::div_(const Scalar &o) const {
  checkTrueDivision(*this);
  return div_(inplaceScalar(*this, o));
}
const Tensor &Tensor::pow_(const Scalar &e) const {
  checkInplace(*this);
  return commitInplace(*this, inplaceSource(*this).pow(e));
}
const Tensor &Tensor::clamp_(std::optional<Scalar> min,
                             std::optional<Scalar> max) const {
  checkInplace(*this);
  return commitInplace(*this, inplaceSource(*this).clamp(min, max));
}
const Tensor &Tensor::lerp_(const Tensor &end, const Scalar &weight) const {
  checkInplace(*this);
  return commitInplace(*this, inplaceSource(*this, end).lerp(end, weight));
}
const Tensor &Tensor::lerp_(const Tensor &end, const Tensor &weight) const {
  checkInplace(*this);
  Tensor src =
      autograd::anyRequiresGrad({this, &end, &weight}) ? clone() : *this;
  return commitInplace(*this, src.lerp(end, weight));
}
const Tensor &Tensor::relu_() const {
  checkInplace(*this);
  return commitInplace(*this, relu());
}
const Tensor &Tensor::neg_() const {
  checkInplace(*this);
  return commitInplace(*this, neg());
}
const Tensor &Tensor::masked_fill_(const Tensor &mask,
                                   const Scalar &value) const {
  checkInplace(*this);
  return commitInplace(*this, masked_fill(mask, value));
}

const Tensor &Tensor::copy_(const Tensor &src, bool) const {
  checkInplace(*this);
  if (!autograd::anyRequiresGrad({&src}) &&
      !(requires_grad() && GradMode::is_enabled())) {
    std::vector<int64_t> shape = broadcastShapes(sizes(), src.sizes());
    KILN_CHECK(IntArrayRef(shape) == sizes(), "output with shape ",
               shapeString(sizes()), " doesn't match the broadcast shape ",
               shapeString(shape));
    runtime::copy(broadcastView(src, sizes()), impl().view());
    impl().storage->bumpVersion();
    if (auto *r = trace::active())
      r->assign(*this, r->value(src));
    return *this;
  }
  // Differentiable copy: the old value of self gets no gradient.
  Tensor value = castTo(src, dtype()).expand(sizes()) + zeros_like(*this);
  return commitInplace(*this, value);
}

const Tensor &Tensor::fill_(const Scalar &value) const {
  checkInplace(*this);
  if (requires_grad() && GradMode::is_enabled())
    return commitInplace(*this,
                         zeros_like(*this) * 0 + scalar_tensor(value, dtype()));
  runtime::fill(impl().view(), value.toDouble());
  impl().storage->bumpVersion();
  if (auto *r = trace::active())
    r->assign(*this, r->splat(value.toDouble(), sizes(), dtype()));
  return *this;
}

const Tensor &Tensor::zero_() const { return fill_(0); }

// --- Operators and free functions
// -----------------------------------------------------

Tensor operator+(const Tensor &a, const Tensor &b) { return a.add(b); }
Tensor operator+(const Tensor &a, const Scalar &b) { return a.add(b); }
Tensor operator+(const Scalar &a, const Tensor &b) { return wrap(a).add(b); }
Tensor operator-(const Tensor &a, const Tensor &b) { return a.sub(b); }
Tensor operator-(const Tensor &a, const Scalar &b) { return a.sub(b); }
Tensor operator-(const Scalar &a, const Tensor &b) { return wrap(a).sub(b); }
Tensor operator*(const Tensor &a, const Tensor &b) { return a.mul(b); }
Tensor operator*(const Tensor &a, const Scalar &b) { return a.mul(b); }
Tensor operator*(const Scalar &a, const Tensor &b) { return wrap(a).mul(b); }
Tensor operator/(const Tensor &a, const Tensor &b) { return a.div(b); }
Tensor operator/(const Tensor &a, const Scalar &b) { return a.div(b); }
Tensor operator/(const Scalar &a, const Tensor &b) { return wrap(a).div(b); }
Tensor operator-(const Tensor &a) { return a.neg(); }
Tensor operator<(const Tensor &a, const Tensor &b) { return a.lt(b); }
Tensor operator<(const Tensor &a, const Scalar &b) { return a.lt(b); }
Tensor operator<=(const Tensor &a, const Tensor &b) { return a.le(b); }
Tensor operator<=(const Tensor &a, const Scalar &b) { return a.le(b); }
Tensor operator>(const Tensor &a, const Tensor &b) { return a.gt(b); }
Tensor operator>(const Tensor &a, const Scalar &b) { return a.gt(b); }
Tensor operator>=(const Tensor &a, const Tensor &b) { return a.ge(b); }
Tensor operator>=(const Tensor &a, const Scalar &b) { return a.ge(b); }
Tensor operator==(const Tensor &a, const Tensor &b) { return a.eq(b); }
Tensor operator==(const Tensor &a, const Scalar &b) { return a.eq(b); }
Tensor operator!=(const Tensor &a, const Tensor &b) { return a.ne(b); }
Tensor operator!=(const Tensor &a, const Scalar &b) { return a.ne(b); }
Tensor operator&(const Tensor &a, const Tensor &b) { return a.logical_and(b); }
Tensor operator|(const Tensor &a, const Tensor &b) { return a.logical_or(b); }
Tensor operator~(const Tensor &a) { return a.logical_not(); }

Tensor add(const Tensor &a, const Tensor &b, const Scalar &alpha) {
  return a.add(b, alpha);
}
Tensor sub(const Tensor &a, const Tensor &b, const Scalar &alpha) {
  return a.sub(b, alpha);
}
Tensor mul(const Tensor &a, const Tensor &b) { return a.mul(b); }
Tensor div(const Tensor &a, const Tensor &b) { return a.div(b); }
Tensor pow(const Tensor &a, const Scalar &e) { return a.pow(e); }
Tensor pow(const Tensor &a, const Tensor &e) { return a.pow(e); }
#define KILN_UNARY_FUNCTION(Name, method, ...)                                 \
  Tensor method(const Tensor &a) { return a.method(); }
KILN_UNARY_OPS(KILN_UNARY_FUNCTION)
#undef KILN_UNARY_FUNCTION
Tensor relu(const Tensor &a) { return a.relu(); }
Tensor clamp(const Tensor &a, std::optional<Scalar> min,
             std::optional<Scalar> max) {
  return a.clamp(min, max);
}
Tensor clamp_min(const Tensor &a, const Scalar &min) {
  return a.clamp_min(min);
}
Tensor clamp_max(const Tensor &a, const Scalar &max) {
  return a.clamp_max(max);
}
Tensor clamp(const Tensor &a, const std::optional<Tensor> &min,
             const std::optional<Tensor> &max) {
  return a.clamp(min, max);
}
Tensor lerp(const Tensor &start, const Tensor &end, const Scalar &weight) {
  return start.lerp(end, weight);
}
Tensor lerp(const Tensor &start, const Tensor &end, const Tensor &weight) {
  return start.lerp(end, weight);
}
Tensor maximum(const Tensor &a, const Tensor &b) { return a.maximum(b); }
Tensor minimum(const Tensor &a, const Tensor &b) { return a.minimum(b); }
Tensor masked_fill(const Tensor &a, const Tensor &mask, const Scalar &value) {
  return a.masked_fill(mask, value);
}

} // namespace kiln
