//===- Elementwise.h - The elementwise ops, one definition each -*- C++ -*-===//
//
// The single source of each elementwise op's facts: its names (kiln dialect
// op, eager method, autograd node), what its eager gradient keeps, its
// scalar semantics and its gradient rule. Semantics and rules are templates
// over a builder, so that one text serves every backend:
//
//   value(s, x...)          the eager CPU kernel (runtime/, on C++ scalars)
//                           and the linalg lowering's scalar body (codegen/,
//                           on arith/math values);
//   gradient(b, g, x..., y) eager autograd (frontend/, on Tensors) and
//                           kiln-autodiff (ir/, on kiln IR values).
//
// The X-macro lists expand, wherever a backend enumerates ops, into the
// runtime's op enums, the trace ops and their names, the trace import, the
// interpreter, the lowering patterns and the gradient interfaces. Adding a
// unary op: an entry and a rule here, its ODS line in ir/KilnOps.td, tests.
//
// Builders provide primitives, whose machine semantics they define:
//   scalar (S): neg abs exp log sqrt sin cos tanh erf add sub mul div pow
//               rem maximum minimum lt gt select constant(like, double)
//   tensor (B): neg add sub mul div pow exp log sin cos sign remainder
//               select eq lt gt ge constant(like, double) (a splat of
//               like's type)
// Comparisons give bool values, select(c, x, y) is c ? x : y. rem is C's
// truncated remainder (fmod; for integers x % 0 and x % -1 are 0), remainder
// the Remainder op below.
//
// No MLIR or Tensor here: the runtime includes this file.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_OPS_ELEMENTWISE_H
#define KILN_OPS_ELEMENTWISE_H

namespace kiln::ops {

/// What an eager unary op's gradient node keeps: nothing, its input, or its
/// result.
enum class Saves { None, Input, Result };

/// When an eager binary op's gradient needs an operand: never, only for the
/// other operand's gradient (as in mul), or whenever any gradient is needed.
enum class Keep { Never, ForOther, Always };

// X(Name, method, "AutogradNode", Saves, floatingOnly)
// Name is the kiln dialect op (ir::NameOp, kiln.method), the trace op and
// the runtime's UnaryOp; floating-only ops compute integer inputs in float32.
#define KILN_UNARY_OPS(X)                                                      \
  X(Neg, neg, "NegBackward0", None, false)                                     \
  X(Exp, exp, "ExpBackward0", Result, true)                                    \
  X(Log, log, "LogBackward0", Input, true)                                     \
  X(Sqrt, sqrt, "SqrtBackward0", Result, true)                                 \
  X(Abs, abs, "AbsBackward0", Input, false)                                    \
  X(Sin, sin, "SinBackward0", Input, true)                                     \
  X(Cos, cos, "CosBackward0", Input, true)                                     \
  X(Tanh, tanh, "TanhBackward0", Result, true)                                 \
  X(Sigmoid, sigmoid, "SigmoidBackward0", Result, true)                        \
  X(Erf, erf, "ErfBackward0", Input, true)

// X(Name, mnemonic, RuntimeName, method, "AutogradNode", floatingOnly,
//   keepLhs, keepRhs): Name is the kiln dialect op (kiln.mnemonic) and the
// trace op, RuntimeName the runtime's BinaryOp.
#define KILN_BINARY_OPS(X)                                                     \
  X(Add, add, Add, add, "AddBackward0", false, Never, Never)                   \
  X(Sub, sub, Sub, sub, "SubBackward0", false, Never, Never)                   \
  X(Mul, mul, Mul, mul, "MulBackward0", false, ForOther, ForOther)             \
  X(Div, div, Div, div, "DivBackward0", true, ForOther, Always)                \
  X(Pow, pow, Pow, pow, "PowBackward1", false, Always, Always)                 \
  X(Max, max, Maximum, maximum, "MaximumBackward0", false, Always, Always)     \
  X(Min, min, Minimum, minimum, "MinimumBackward0", false, Always, Always)     \
  X(Remainder, remainder, Remainder, remainder, "RemainderBackward0", false,   \
    ForOther, Always)

// --- Unary ops: value(s, x) and gradient(b, g, x, y) with y = value(x) ------

struct Neg {
  template <class S, class V> static V value(S &s, V x) { return s.neg(x); }
  template <class B, class V> static V gradient(B &b, V g, V, V) {
    return b.neg(g);
  }
};

struct Exp {
  template <class S, class V> static V value(S &s, V x) { return s.exp(x); }
  template <class B, class V> static V gradient(B &b, V g, V, V y) {
    return b.mul(g, y);
  }
};

struct Log {
  template <class S, class V> static V value(S &s, V x) { return s.log(x); }
  template <class B, class V> static V gradient(B &b, V g, V x, V) {
    return b.div(g, x);
  }
};

struct Sqrt {
  template <class S, class V> static V value(S &s, V x) { return s.sqrt(x); }
  template <class B, class V> static V gradient(B &b, V g, V, V y) {
    return b.div(g, b.mul(y, b.constant(y, 2)));
  }
};

struct Abs {
  template <class S, class V> static V value(S &s, V x) { return s.abs(x); }
  /// g * sign(x), PyTorch's product: at x = 0 (or NaN) the zero has g's sign.
  template <class B, class V> static V gradient(B &b, V g, V x, V) {
    return b.mul(g, b.sign(x));
  }
};

struct Sin {
  template <class S, class V> static V value(S &s, V x) { return s.sin(x); }
  template <class B, class V> static V gradient(B &b, V g, V x, V) {
    return b.mul(g, b.cos(x));
  }
};

struct Cos {
  template <class S, class V> static V value(S &s, V x) { return s.cos(x); }
  template <class B, class V> static V gradient(B &b, V g, V x, V) {
    return b.mul(b.neg(g), b.sin(x));
  }
};

struct Tanh {
  template <class S, class V> static V value(S &s, V x) { return s.tanh(x); }
  template <class B, class V> static V gradient(B &b, V g, V, V y) {
    return b.mul(g, b.sub(b.constant(y, 1), b.mul(y, y)));
  }
};

struct Sigmoid {
  /// 1 / (1 + e^-x).
  template <class S, class V> static V value(S &s, V x) {
    V one = s.constant(x, 1);
    return s.div(one, s.add(one, s.exp(s.neg(x))));
  }
  /// g * (1 - y) * y, in PyTorch's order: 0 at x = -inf (y = 0), where the
  /// derivative of the formula would be inf / inf.
  template <class B, class V> static V gradient(B &b, V g, V, V y) {
    return b.mul(b.mul(g, b.sub(b.constant(y, 1), y)), y);
  }
};

struct Erf {
  template <class S, class V> static V value(S &s, V x) { return s.erf(x); }
  /// 2 / sqrt(pi) * e^(-x^2) * g, in PyTorch's order.
  template <class B, class V> static V gradient(B &b, V g, V x, V) {
    V scale = b.constant(x, 1.12837916709551257390); // 2 / sqrt(pi)
    return b.mul(b.mul(scale, b.exp(b.neg(b.mul(x, x)))), g);
  }
};

// --- Binary ops: value(s, x, y) and gradient(b, g, x, y, gx, gy) -----------
// The gradient writes *gx and *gy, each only when not null (eager asks for
// the gradients its inputs need). Operands have the result's shape: callers
// broadcast before and reduce after.

struct Add {
  template <class S, class V> static V value(S &s, V x, V y) {
    return s.add(x, y);
  }
  template <class B, class V>
  static void gradient(B &, V g, V, V, V *gx, V *gy) {
    if (gx)
      *gx = g;
    if (gy)
      *gy = g;
  }
};

struct Sub {
  template <class S, class V> static V value(S &s, V x, V y) {
    return s.sub(x, y);
  }
  template <class B, class V>
  static void gradient(B &b, V g, V, V, V *gx, V *gy) {
    if (gx)
      *gx = g;
    if (gy)
      *gy = b.neg(g);
  }
};

struct Mul {
  template <class S, class V> static V value(S &s, V x, V y) {
    return s.mul(x, y);
  }
  template <class B, class V>
  static void gradient(B &b, V g, V x, V y, V *gx, V *gy) {
    if (gx)
      *gx = b.mul(g, y);
    if (gy)
      *gy = b.mul(g, x);
  }
};

struct Div {
  template <class S, class V> static V value(S &s, V x, V y) {
    return s.div(x, y);
  }
  /// g / y and -g * ((x / y) / y): PyTorch's rounding order.
  template <class B, class V>
  static void gradient(B &b, V g, V x, V y, V *gx, V *gy) {
    if (gx)
      *gx = b.div(g, y);
    if (gy)
      *gy = b.mul(b.neg(g), b.div(b.div(x, y), y));
  }
};

struct Pow {
  template <class S, class V> static V value(S &s, V x, V y) {
    return s.pow(x, y);
  }
  /// PyTorch's masks and rounding order: the base gets g * (e * x^(e-1)),
  /// 0 where e == 0 (not 0 * inf at x = 0); the exponent g * (x^e * ln x),
  /// with 0 for x^e * ln x where x == 0 and e >= 0.
  template <class B, class V>
  static void gradient(B &b, V g, V x, V e, V *gx, V *ge) {
    V zero = b.constant(g, 0);
    if (gx)
      *gx = b.select(b.eq(e, zero), zero,
                     b.mul(g, b.mul(e, b.pow(x, b.sub(e, b.constant(e, 1))))));
    if (ge) {
      V r = b.mul(b.pow(x, e), b.log(x));
      *ge = b.mul(g,
                  b.select(b.ge(e, zero), b.select(b.eq(x, zero), zero, r), r));
    }
  }
};

/// maximum/minimum's rule (PyTorch's): the operand that loses gets 0, ties
/// split g evenly, and otherwise (it wins, or either is NaN) it gets g.
template <class B, class V>
void extremumGradient(B &b, V g, V x, V y, bool isMax, V *gx, V *gy) {
  V zero = b.constant(g, 0);
  V share = b.select(b.eq(x, y), b.mul(g, b.constant(g, 0.5)), g);
  V xLoses = isMax ? b.lt(x, y) : b.gt(x, y);
  V yLoses = isMax ? b.gt(x, y) : b.lt(x, y);
  if (gx)
    *gx = b.select(xLoses, zero, share);
  if (gy)
    *gy = b.select(yLoses, zero, share);
}

/// IEEE 754-2019 maximum: NaN wins, +0.0 > -0.0.
struct Max {
  template <class S, class V> static V value(S &s, V x, V y) {
    return s.maximum(x, y);
  }
  template <class B, class V>
  static void gradient(B &b, V g, V x, V y, V *gx, V *gy) {
    extremumGradient(b, g, x, y, /*isMax=*/true, gx, gy);
  }
};

/// IEEE 754-2019 minimum: NaN wins, -0.0 < +0.0.
struct Min {
  template <class S, class V> static V value(S &s, V x, V y) {
    return s.minimum(x, y);
  }
  template <class B, class V>
  static void gradient(B &b, V g, V x, V y, V *gx, V *gy) {
    extremumGradient(b, g, x, y, /*isMax=*/false, gx, gy);
  }
};

/// floor(x) from tensor primitives: x - remainder(x, 1), which is exact;
/// +-inf and NaN (whose remainder is NaN) are their own floor.
template <class B, class V> V floorOf(B &b, V x) {
  V d = b.sub(x, b.remainder(x, b.constant(x, 1)));
  return b.select(b.eq(d, d), d, x);
}

/// Python's modulus (PyTorch's remainder): the result has the divisor's
/// sign. The truncated remainder r (exact), plus y where r is nonzero and
/// its sign differs from y's: -0.0 stays, x % 0.0 is NaN, -1 % inf is inf.
/// Integers: x % 0 is 0 here (eager throws before computing it).
struct Remainder {
  template <class S, class V> static V value(S &s, V x, V y) {
    V r = s.rem(x, y), zero = s.constant(x, 0), shifted = s.add(r, y);
    return s.select(
        s.lt(r, zero), s.select(s.gt(y, zero), shifted, r),
        s.select(s.gt(r, zero), s.select(s.lt(y, zero), shifted, r), r));
  }
  /// PyTorch's rule: g, and -g * floor(x / y).
  template <class B, class V>
  static void gradient(B &b, V g, V x, V y, V *gx, V *gy) {
    if (gx)
      *gx = g;
    if (gy)
      *gy = b.mul(b.neg(g), floorOf(b, b.div(x, y)));
  }
};

} // namespace kiln::ops

#endif // KILN_OPS_ELEMENTWISE_H
