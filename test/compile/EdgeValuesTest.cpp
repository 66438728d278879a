//===- EdgeValuesTest.cpp - Compiled against eager at special values ------===//
//
// A differential test: every op runs on inputs full of special values (NaN,
// +-inf, +-0, exact ties, kinks and bounds, huge and tiny values, empty,
// broadcast and non-contiguous tensors) once eagerly (the traced call) and
// once through kiln::compile, and the forward values and the gradients must
// agree: bitwise for exact ops (NaN matches NaN, zeros match in sign),
// within a few ulps for libm functions. Eager kiln follows PyTorch; the
// named regression tests pin the divergences that were found and fixed, with
// PyTorch's values written out.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace kiln;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Elements compared, over the whole run (each element of each forward
/// value and gradient is one op x value case).
int64_t casesChecked = 0;

struct CountReporter : ::testing::Environment {
  void TearDown() override {
    if (casesChecked > 0)
      std::cout << "edge cases checked: " << casesChecked << "\n";
  }
};
[[maybe_unused]] ::testing::Environment *const reporter =
    ::testing::AddGlobalTestEnvironment(new CountReporter);

/// Distance in units in the last place between two finite floats of type T.
template <class T> int64_t ulpDistance(T a, T b) {
  using I = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;
  auto ordered = [](T v) {
    I i;
    std::memcpy(&i, &v, sizeof(T));
    return i < 0 ? std::numeric_limits<I>::min() - i : i;
  };
  int64_t d = int64_t(ordered(a)) - int64_t(ordered(b));
  return d < 0 ? -d : d;
}

/// Whether `got` equals `want`: same dtype and shape, and every element
/// the same (NaN matches NaN; zeros and infinities match in sign; other
/// floats within `ulps`).
::testing::AssertionResult sameValues(const Tensor &want, const Tensor &got,
                                      int ulps) {
  if (want.dtype() != got.dtype() || want.sizes() != got.sizes())
    return ::testing::AssertionFailure()
           << "want " << want.dtype() << want.sizes() << ", got " << got.dtype()
           << got.sizes();
  Tensor a = want.contiguous(), b = got.contiguous();
  int64_t n = a.numel();
  casesChecked += n;
  for (int64_t i = 0; i < n; ++i) {
    bool ok = true;
    std::string wantText, gotText;
    dispatchType(a.dtype(), [&](auto t) {
      using T = decltype(t);
      T x = a.data_ptr<T>()[i], y = b.data_ptr<T>()[i];
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(x) || std::isnan(y))
          ok = std::isnan(x) && std::isnan(y);
        else if (x == 0 || y == 0 || std::isinf(x) || std::isinf(y) ||
                 ulps == 0)
          ok = x == y && std::signbit(x) == std::signbit(y);
        else
          ok = ulpDistance(x, y) <= ulps;
      } else {
        ok = x == y;
      }
      if (!ok) {
        std::ostringstream w, g;
        w.precision(std::numeric_limits<T>::max_digits10);
        g.precision(std::numeric_limits<T>::max_digits10);
        w << +x;
        g << +y;
        wantText = w.str();
        gotText = g.str();
      }
    });
    if (!ok)
      return ::testing::AssertionFailure()
             << "element " << i << ": eager " << wantText << ", compiled "
             << gotText;
  }
  return ::testing::AssertionSuccess();
}

using Fn = std::function<Tensor(const std::vector<Tensor> &)>;

/// One op applied to inputs; `ulps` 0 for exact ops.
struct EdgeCase {
  std::string name;
  Fn f;
  std::vector<Tensor> inputs;
  int ulps = 0;
};

/// The values a step computes: the op's result, then (when it is a float
/// tensor with history) x.grad of each float input for the seed `seed`.
variable_list step(const EdgeCase &c, const std::vector<Tensor> &args,
                   const Tensor &seed) {
  for (const Tensor &a : args)
    if (a.requires_grad())
      a.set_grad(Tensor());
  Tensor y = c.f(args);
  variable_list out{y};
  if (y.requires_grad()) {
    y.backward(seed);
    for (const Tensor &a : args)
      if (a.requires_grad())
        out.push_back(a.grad().defined() ? a.grad() : zeros_like(a));
  }
  return out;
}

variable_list cloned(const variable_list &l) {
  variable_list r;
  for (const Tensor &t : l)
    r.push_back(t.detach().clone());
  return r;
}

/// A seed of `shape` mixing signs and magnitudes, so that gradients carry
/// negative zeros and exact halves.
Tensor seedFor(IntArrayRef shape, ScalarType dtype) {
  Tensor s = empty(shape, kDouble);
  double pattern[] = {1.0, -1.0, 0.5, -2.0, 3.0, -0.25};
  double *p = s.data_ptr<double>();
  for (int64_t i = 0; i < s.numel(); ++i)
    p[i] = pattern[i % 6];
  return s.to(dtype);
}

/// Runs `c` through kiln::compile twice (traced = eager, then compiled) and
/// compares everything it returns. Returns the eager results.
variable_list expectCompiledMatchesEager(const EdgeCase &c) {
  SCOPED_TRACE(c.name);
  std::vector<Tensor> args;
  for (const Tensor &in : c.inputs) {
    Tensor a = in.detach().clone();
    // Keep the layout of non-contiguous inputs (a transposed view).
    if (!in.is_contiguous())
      a = in.detach().t().clone().t();
    if (a.is_floating_point())
      a.requires_grad_();
    args.push_back(a);
  }
  Tensor seed;
  {
    NoGradGuard noGrad;
    Tensor probe = c.f(args);
    seed = seedFor(probe.sizes(),
                   probe.is_floating_point() ? probe.dtype() : kDouble);
  }
  variable_list results[2];
  size_t hits = 0;
  auto run = [&](auto &compiled, auto... a) {
    for (int call = 0; call < 2; ++call)
      results[call] = cloned(compiled(a...));
    hits = compiled.stats().hits;
  };
  switch (args.size()) {
  case 1: {
    auto f = compile([&](Tensor a) { return step(c, {a}, seed); });
    run(f, args[0]);
    break;
  }
  case 2: {
    auto f = compile([&](Tensor a, Tensor b) { return step(c, {a, b}, seed); });
    run(f, args[0], args[1]);
    break;
  }
  default: {
    auto f = compile([&](Tensor a, Tensor b, Tensor d) {
      return step(c, {a, b, d}, seed);
    });
    run(f, args[0], args[1], args[2]);
    break;
  }
  }
  EXPECT_EQ(hits, 1u) << c.name << " did not run compiled";
  EXPECT_EQ(results[0].size(), results[1].size());
  for (size_t i = 0; i < results[0].size() && i < results[1].size(); ++i)
    EXPECT_TRUE(sameValues(results[0][i], results[1][i], c.ulps))
        << c.name << (i == 0 ? " value" : " gradient " + std::to_string(i));
  return results[0];
}

/// A 1-D tensor of `values` as `dtype`.
Tensor values(std::vector<double> v, ScalarType dtype) {
  Tensor t = empty({int64_t(v.size())}, kDouble);
  std::copy(v.begin(), v.end(), t.data_ptr<double>());
  return t.to(dtype);
}

/// Special values of unary float ops.
std::vector<double> specials() {
  return {kNan, kInf,  -kInf,  0.0,   -0.0,    1.0,  -1.0,   0.5,
          -0.5, 2.0,   -3.0,   1e-40, -1e-310, 88.8, -104.0, 710.0,
          1e30, -1e30, 3.4e38, 20.0,  -20.0,   1e-7, 100.0,  -745.5};
}
/// Special values of binary ops, combined as a grid (a [N,1] x b [1,N]).
std::vector<double> pairValues() {
  return {kNan, kInf, -kInf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0};
}

const ScalarType kFloats[] = {kFloat, kDouble};

std::string suffix(ScalarType t) { return std::string("/") + toString(t); }

//===----------------------------------------------------------------------===//
// Sweeps: every op at every special value
//===----------------------------------------------------------------------===//

TEST(EdgeValues, UnaryOps) {
  struct Op {
    const char *name;
    Fn f;
    int ulps;
  };
  std::vector<Op> ops = {
      {"neg", [](auto &v) { return -v[0]; }, 0},
      {"abs", [](auto &v) { return v[0].abs(); }, 0},
      {"sign", [](auto &v) { return v[0].sign() * v[0]; }, 0},
      {"relu", [](auto &v) { return v[0].relu(); }, 0},
      {"sqrt", [](auto &v) { return v[0].sqrt(); }, 0},
      {"rsqrt", [](auto &v) { return v[0].rsqrt(); }, 0},
      {"reciprocal", [](auto &v) { return v[0].reciprocal(); }, 0},
      {"square", [](auto &v) { return v[0] * v[0]; }, 0},
      {"exp", [](auto &v) { return v[0].exp(); }, 1},
      {"log", [](auto &v) { return v[0].log(); }, 1},
      {"sin", [](auto &v) { return v[0].sin(); }, 1},
      {"cos", [](auto &v) { return v[0].cos(); }, 1},
      {"tanh", [](auto &v) { return v[0].tanh(); }, 1},
      {"sigmoid", [](auto &v) { return v[0].sigmoid(); }, 1},
      {"erf", [](auto &v) { return v[0].erf(); }, 1},
      {"remainder_1.5", [](auto &v) { return v[0].remainder(1.5); }, 0},
      {"remainder_-1.5", [](auto &v) { return v[0] % -1.5; }, 0},
      {"rremainder", [](auto &v) { return full({}, 2.5, v[0].dtype()) % v[0]; },
       0},
      {"clamp", [](auto &v) { return v[0].clamp(-1.0, 2.0); }, 0},
      {"clamp_min", [](auto &v) { return v[0].clamp_min(0.0); }, 0},
      {"clamp_max", [](auto &v) { return v[0].clamp_max(-0.0); }, 0},
      {"clamp_empty_range", [](auto &v) { return v[0].clamp(1.0, -1.0); }, 0},
      {"pow_0", [](auto &v) { return v[0].pow(0); }, 0},
      {"pow_2", [](auto &v) { return v[0].pow(2); }, 0},
      {"pow_half", [](auto &v) { return v[0].pow(0.5); }, 1},
      {"pow_-1", [](auto &v) { return v[0].pow(-1); }, 1},
      {"add_0", [](auto &v) { return v[0] + 0.0; }, 0},
      {"sub_0", [](auto &v) { return v[0] - 0.0; }, 0},
      {"mul_0", [](auto &v) { return v[0] * 0.0; }, 0},
      {"div_0", [](auto &v) { return v[0] / 0.0; }, 0},
      {"div_-0", [](auto &v) { return v[0] / -0.0; }, 0},
      {"rdiv", [](auto &v) { return 1.0 / v[0]; }, 0},
      {"norm", [](auto &v) { return v[0].norm(); }, 0},
      {"masked_fill_nan",
       [](auto &v) { return v[0].masked_fill(v[0] != v[0], 0.0); }, 0},
      {"where_self_nan", [](auto &v) { return where(v[0] > 0, v[0], -v[0]); },
       0},
  };
  for (ScalarType t : kFloats)
    for (const Op &op : ops) {
      std::vector<double> v = specials();
      if (std::string(op.name) == "norm") // a sum: no overflowing squares
        v = {0.0, -0.0, 1.0, -2.0, 0.5};
      expectCompiledMatchesEager(
          {op.name + suffix(t), op.f, {values(v, t)}, op.ulps});
    }
}

TEST(EdgeValues, BinaryOpsOnAGrid) {
  struct Op {
    const char *name;
    Fn f;
    int ulps;
  };
  std::vector<Op> ops = {
      {"add", [](auto &v) { return v[0] + v[1]; }, 0},
      {"sub", [](auto &v) { return v[0] - v[1]; }, 0},
      {"mul", [](auto &v) { return v[0] * v[1]; }, 0},
      {"div", [](auto &v) { return v[0] / v[1]; }, 0},
      {"pow", [](auto &v) { return v[0].pow(v[1]); }, 1},
      {"maximum", [](auto &v) { return v[0].maximum(v[1]); }, 0},
      {"minimum", [](auto &v) { return v[0].minimum(v[1]); }, 0},
      {"remainder", [](auto &v) { return v[0].remainder(v[1]); }, 0},
      {"where_lt", [](auto &v) { return where(v[0] < v[1], v[0], v[1]); }, 0},
      {"eq", [](auto &v) { return (v[0] == v[1]).to(v[0].dtype()); }, 0},
      {"ne", [](auto &v) { return (v[0] != v[1]).to(v[0].dtype()); }, 0},
      {"lt", [](auto &v) { return (v[0] < v[1]).to(v[0].dtype()); }, 0},
      {"le", [](auto &v) { return (v[0] <= v[1]).to(v[0].dtype()); }, 0},
      {"gt", [](auto &v) { return (v[0] > v[1]).to(v[0].dtype()); }, 0},
      {"ge", [](auto &v) { return (v[0] >= v[1]).to(v[0].dtype()); }, 0},
      {"logical_and", [](auto &v) { return (v[0] != 0) & (v[1] != 0); }, 0},
      {"logical_or", [](auto &v) { return (v[0] != 0) | (v[1] != 0); }, 0},
  };
  std::vector<double> grid = pairValues();
  int64_t n = grid.size();
  for (ScalarType t : kFloats)
    for (const Op &op : ops)
      expectCompiledMatchesEager(
          {op.name + suffix(t),
           op.f,
           {values(grid, t).reshape({n, 1}), values(grid, t).reshape({1, n})},
           op.ulps});
}

TEST(EdgeValues, Reductions) {
  struct Op {
    const char *name;
    Fn f;
    int ulps = 0;
  };
  std::vector<Op> ops = {
      {"sum", [](auto &v) { return v[0].sum(); }},
      {"sum_dim", [](auto &v) { return v[0].sum({1}); }},
      {"mean", [](auto &v) { return v[0].mean(); }},
      {"mean_dim_keepdim", [](auto &v) { return v[0].mean({0}, true); }},
      {"max", [](auto &v) { return v[0].max(); }},
      {"min", [](auto &v) { return v[0].min(); }},
      {"max_dim", [](auto &v) { return std::get<0>(v[0].max(1)); }},
      {"min_dim", [](auto &v) { return std::get<0>(v[0].min(1)); }},
      {"max_dim0_keepdim",
       [](auto &v) { return std::get<0>(v[0].max(0, true)); }},
      {"min_dim0", [](auto &v) { return std::get<0>(v[0].min(0)); }},
      {"log_softmax_like",
       [](auto &v) {
         Tensor m = std::get<0>(v[0].max(1, true));
         return v[0] - m - (v[0] - m).exp().sum({1}, true).log();
       },
       4}, // float32 sums: eager accumulates in double
  };
  // Rows: ties, +-0 ties, a NaN, +-inf, all -inf, ties of -inf, mixed.
  std::vector<std::vector<double>> rows = {{1, 3, 3, -2},
                                           {-0.0, 0.0, -0.0, -1},
                                           {2, kNan, 5, kNan},
                                           {kInf, 1, kInf, -kInf},
                                           {-kInf, -kInf, -kInf, -kInf},
                                           {0.0, -0.0, -0.0, 0.0},
                                           {-5, 7, -5, 7},
                                           {0.5, 0.25, 0.5, 0.125}};
  for (ScalarType t : kFloats) {
    std::vector<double> flat;
    for (auto &r : rows)
      flat.insert(flat.end(), r.begin(), r.end());
    Tensor x = values(flat, t).reshape({int64_t(rows.size()), 4});
    for (const Op &op : ops) {
      expectCompiledMatchesEager({op.name + suffix(t), op.f, {x}, op.ulps});
      // Each row alone: the whole-tensor max/min gradients split per row.
      for (size_t r = 0; r < rows.size(); ++r)
        expectCompiledMatchesEager(
            {std::string(op.name) + "/r" + std::to_string(r) + suffix(t),
             op.f,
             {x.slice(0, r, r + 1)},
             op.ulps});
    }
  }
}

TEST(EdgeValues, EmptyTensors) {
  for (ScalarType t : kFloats) {
    Tensor e = empty({0}, t), e2 = empty({2, 0}, t);
    expectCompiledMatchesEager(
        {"sum_empty" + suffix(t), [](auto &v) { return v[0].sum(); }, {e}});
    expectCompiledMatchesEager(
        {"mean_empty" + suffix(t), [](auto &v) { return v[0].mean(); }, {e}});
    expectCompiledMatchesEager({"sum_dim_empty" + suffix(t),
                                [](auto &v) { return v[0].sum({1}); },
                                {e2}});
    expectCompiledMatchesEager({"mean_dim_empty" + suffix(t),
                                [](auto &v) { return v[0].mean({1}); },
                                {e2}});
    expectCompiledMatchesEager({"exp_empty" + suffix(t),
                                [](auto &v) { return v[0].exp() * 2; },
                                {e2}});
  }
}

TEST(EdgeValues, ReductionOfEmptyIsAnErrorBothWays) {
  Tensor e = empty({0});
  auto f = compile([](Tensor x) { return x.max(); });
  for (int call = 0; call < 2; ++call) {
    try {
      f(e);
      FAIL() << "max() of an empty tensor returned";
    } catch (const Error &err) {
      EXPECT_NE(std::string(err.what())
                    .find("max(): Expected reduction dim to be specified for "
                          "input.numel() == 0"),
                std::string::npos)
          << err.what();
    }
  }
  auto g = compile([](Tensor x) { return std::get<0>(x.min(1)); });
  EXPECT_THROW(g(empty({2, 0})), Error);
}

TEST(EdgeValues, ShapesAndSelection) {
  std::vector<double> v = {kNan, -0.0, 0.0, kInf, -kInf, 1.5};
  for (ScalarType t : kFloats) {
    Tensor x = values(v, t).reshape({2, 3});
    Tensor nc = values(v, t).reshape({3, 2}).t(); // non-contiguous [2, 3]
    ASSERT_FALSE(nc.is_contiguous());
    std::vector<EdgeCase> cases = {
        {"cat0",
         [](auto &a) {
           return cat({a[0], a[0] * 2}, 0);
         },
         {x}},
        {"cat1",
         [](auto &a) {
           return cat({-a[0], a[0]}, 1);
         },
         {x}},
        {"stack",
         [](auto &a) {
           return stack({a[0], -a[0]}, 0);
         },
         {x}},
        {"slice_step",
         [](auto &a) { return a[0].slice(1, 0, 3, 2) + 0.0; },
         {x}},
        {"transpose", [](auto &a) { return a[0].t() * 1.0; }, {x}},
        {"non_contiguous_mul", [](auto &a) { return a[0] * a[0]; }, {nc}},
        {"non_contiguous_relu", [](auto &a) { return a[0].relu(); }, {nc}},
        {"non_contiguous_max_dim",
         [](auto &a) { return std::get<0>(a[0].max(1)); },
         {nc}},
        {"broadcast_add_row",
         [](auto &a) { return a[0] + a[0].slice(0, 0, 1); },
         {x}},
        {"expand_sum",
         [](auto &a) {
           return a[0].unsqueeze(0).expand({3, 2, 3}).sum({0});
         },
         {x}},
        {"masked_fill_neg_zero",
         [](auto &a) { return a[0].masked_fill(a[0] == 0, -0.0); },
         {x}},
        {"where_nan_cond",
         [](auto &a) { return where(a[0] != a[0], a[0] * 0, a[0]); },
         {x}},
        {"matmul_inf_nan", [](auto &a) { return a[0].mm(a[0].t()); }, {x}},
    };
    for (EdgeCase &c : cases) {
      c.name += suffix(t);
      expectCompiledMatchesEager(c);
    }
  }
}

TEST(EdgeValues, Casts) {
  const double two63 = 9223372036854775808.0;
  std::vector<double> v = {kNan,   kInf,    -kInf, 1e30, -1e30, two63, -two63,
                           9.3e18, -9.3e18, 2.9,   -2.9, -0.0,  0.0,   1e-40};
  for (ScalarType t : kFloats) {
    Tensor x = values(v, t);
    expectCompiledMatchesEager(
        {"to_long" + suffix(t), [](auto &a) { return a[0].to(kLong); }, {x}});
    expectCompiledMatchesEager(
        {"to_bool" + suffix(t), [](auto &a) { return a[0].to(kBool); }, {x}});
    expectCompiledMatchesEager(
        {"to_other_float" + suffix(t),
         [](auto &a) {
           return a[0].to(a[0].dtype() == kFloat ? kDouble : kFloat);
         },
         {x}});
  }
  Tensor big = tensor({int64_t(9007199254740993), INT64_MAX, INT64_MIN,
                       int64_t(-1), int64_t(0)});
  for (ScalarType t : {kFloat, kDouble, kBool})
    expectCompiledMatchesEager({std::string("long_to_") + toString(t),
                                [t](auto &a) { return a[0].to(t); },
                                {big}});
  Tensor b = tensor({true, false, true});
  for (ScalarType t : {kFloat, kDouble, kLong})
    expectCompiledMatchesEager({std::string("bool_to_") + toString(t),
                                [t](auto &a) { return a[0].to(t); },
                                {b}});
}

TEST(EdgeValues, IntegerOps) {
  const int64_t p53 = int64_t(1) << 53;
  Tensor x = tensor({INT64_MAX, INT64_MIN, int64_t(0), int64_t(1), int64_t(-1),
                     int64_t(3), p53 + 1, int64_t(-7)});
  Tensor col = x.reshape({8, 1}), row = x.reshape({1, 8});
  std::vector<EdgeCase> cases = {
      {"add_wraps", [](auto &a) { return a[0] + a[1]; }, {col, row}},
      {"sub_wraps", [](auto &a) { return a[0] - a[1]; }, {col, row}},
      {"mul_wraps", [](auto &a) { return a[0] * a[1]; }, {col, row}},
      {"maximum", [](auto &a) { return a[0].maximum(a[1]); }, {col, row}},
      {"minimum", [](auto &a) { return a[0].minimum(a[1]); }, {col, row}},
      {"lt", [](auto &a) { return a[0] < a[1]; }, {col, row}},
      {"eq", [](auto &a) { return a[0] == a[1]; }, {col, row}},
      {"where",
       [](auto &a) { return where(a[0] > a[1], a[0], a[1]); },
       {col, row}},
      {"pow_2", [](auto &a) { return a[0].pow(2); }, {x}},
      {"pow_3", [](auto &a) { return a[0].pow(3); }, {x}},
      {"pow_tensor",
       [](auto &a) {
         return a[0].pow(
             tensor({int64_t(0), int64_t(1), int64_t(2), int64_t(-1),
                     int64_t(-2), int64_t(63), int64_t(64), int64_t(5)}));
       },
       {x}},
      {"sum_wraps", [](auto &a) { return a[0].sum(); }, {x}},
      {"sum_dim", [](auto &a) { return a[1].sum({1}); }, {x, col}},
      {"max", [](auto &a) { return a[0].max(); }, {x}},
      {"min", [](auto &a) { return a[0].min(); }, {x}},
      {"max_dim", [](auto &a) { return std::get<0>(a[0].max(1)); }, {row}},
      {"min_dim", [](auto &a) { return std::get<0>(a[0].min(1)); }, {row}},
      {"clamp", [](auto &a) { return a[0].clamp(-3, 3); }, {x}},
      {"relu", [](auto &a) { return a[0].relu(); }, {x}},
      {"neg", [](auto &a) { return -a[0]; }, {x}},
      {"abs", [](auto &a) { return a[0].abs(); }, {x}},
      {"sign", [](auto &a) { return a[0].sign(); }, {x}},
      {"div_true", [](auto &a) { return a[0] / a[1]; }, {col, row}},
      {"remainder",
       [](auto &a) {
         // No zero divisor (eager raises); MIN % -1 is 0.
         return a[0].remainder(
             tensor({INT64_MAX, INT64_MIN, int64_t(2), int64_t(1), int64_t(-1),
                     int64_t(3), p53 + 1, int64_t(-7)})
                 .reshape({1, 8}));
       },
       {col}},
      {"mean_of_cast", [](auto &a) { return a[0].to(kDouble).mean(); }, {x}},
  };
  for (EdgeCase &c : cases)
    expectCompiledMatchesEager(c);
}

TEST(EdgeValues, BoolOps) {
  Tensor a = tensor({true, false, true, false}),
         b = tensor({true, true, false, false});
  std::vector<EdgeCase> cases = {
      {"and", [](auto &v) { return v[0] & v[1]; }, {a, b}},
      {"or", [](auto &v) { return v[0] | v[1]; }, {a, b}},
      {"not", [](auto &v) { return ~v[0]; }, {a}},
      {"where", [](auto &v) { return where(v[0], v[1], ~v[1]); }, {a, b}},
      {"sum", [](auto &v) { return v[0].sum(); }, {a}},
      {"any", [](auto &v) { return v[0].any(); }, {a}},
      {"all", [](auto &v) { return v[0].all(); }, {a}},
      {"any_empty", [](auto &v) { return v[0].slice(0, 0, 0).any(); }, {a}},
      {"all_empty", [](auto &v) { return v[0].slice(0, 0, 0).all(); }, {a}},
      {"mul", [](auto &v) { return v[0] * v[1]; }, {a, b}},
      {"add", [](auto &v) { return v[0] + v[1]; }, {a, b}},
      {"maximum", [](auto &v) { return v[0].maximum(v[1]); }, {a, b}},
      {"minimum", [](auto &v) { return v[0].minimum(v[1]); }, {a, b}},
      {"pow", [](auto &v) { return v[0].pow(v[1]); }, {a, b}},
      {"lt", [](auto &v) { return v[0] < v[1]; }, {a, b}},
      {"ge", [](auto &v) { return v[0] >= v[1]; }, {a, b}},
      {"eq", [](auto &v) { return v[0] == v[1]; }, {a, b}},
  };
  for (EdgeCase &c : cases)
    expectCompiledMatchesEager(c);
}

//===----------------------------------------------------------------------===//
// Regression tests of the divergences found, with PyTorch's values
//===----------------------------------------------------------------------===//

/// Expects `got` to hold `want` (NaN matches NaN, zeros match in sign).
void expectValues(const Tensor &got, std::vector<double> want,
                  const std::string &what) {
  EXPECT_TRUE(
      sameValues(values(want, got.dtype()).reshape(got.sizes()), got, 0))
      << what << ": " << got;
}

// 1. relu(NaN) is NaN (the trace recorded select(x > 0, x, 0), giving 0);
// relu(-0.0) is -0.0; the gradient is 0 at +-0 and passes at NaN
// (threshold_backward: 0 where the result <= 0).
TEST(EdgeValues, ReluOfNanIsNan) {
  auto r = expectCompiledMatchesEager(
      {"relu",
       [](auto &v) { return v[0].relu(); },
       {values({kNan, 0.0, -0.0, -1.0, 2.0, kInf, -kInf}, kFloat)}});
  expectValues(r[0], {kNan, 0.0, -0.0, 0.0, 2.0, kInf, 0.0}, "relu");
  // seed 1, -1, 0.5, -2, 3, -0.25, 1
  expectValues(r[1], {1.0, 0.0, 0.0, 0.0, 3.0, -0.25, 0.0}, "relu grad");
}

// 2. clamp passes the whole gradient at its bounds (mask lo <= x <= hi) and
// none at NaN; its value at NaN is NaN. kiln.max/min would halve it at the
// bound, which stays the rule of maximum/minimum of two tensors.
TEST(EdgeValues, ClampGradientAtTheBoundIsWhole) {
  auto r = expectCompiledMatchesEager(
      {"clamp",
       [](auto &v) { return v[0].clamp(-1.0, 1.0); },
       {values({-1.0, 1.0, kNan, 0.5, 2.0, -0.0}, kDouble)}});
  expectValues(r[0], {-1.0, 1.0, kNan, 0.5, 1.0, -0.0}, "clamp");
  expectValues(r[1], {1.0, -1.0, 0.0, -2.0, 0.0, -0.25}, "clamp grad");
  auto lo =
      expectCompiledMatchesEager({"clamp_min",
                                  [](auto &v) { return v[0].clamp_min(0.0); },
                                  {values({0.0, -0.0, kNan, -1.0}, kFloat)}});
  expectValues(lo[0], {0.0, -0.0, kNan, 0.0}, "clamp_min");
  expectValues(lo[1], {1.0, -1.0, 0.0, 0.0}, "clamp_min grad");
  auto hi =
      expectCompiledMatchesEager({"clamp_max",
                                  [](auto &v) { return v[0].clamp_max(2.0); },
                                  {values({2.0, 3.0, kNan}, kFloat)}});
  expectValues(hi[1], {1.0, 0.0, 0.0}, "clamp_max grad");
  auto m = expectCompiledMatchesEager(
      {"maximum_tie",
       [](auto &v) { return v[0].maximum(v[1]); },
       {values({1.0, 2.0}, kFloat), values({1.0, 1.0}, kFloat)}});
  expectValues(m[1], {0.5, -1.0}, "maximum grad of the tie");
  expectValues(m[2], {0.5, 0.0}, "maximum grad of the other");
}

// 3. max(dim)/min(dim) send the gradient to the returned index (the first
// extremum, the first NaN); max()/min() split it among all ties.
TEST(EdgeValues, MaxDimGradientGoesToTheFirstIndex) {
  Tensor x =
      values({1, 3, 3, kNan, 2, kNan, -0.0, 0.0, -0.0}, kFloat).reshape({3, 3});
  auto r = expectCompiledMatchesEager(
      {"max_dim", [](auto &v) { return std::get<0>(v[0].max(1)); }, {x}});
  expectValues(r[0], {3, kNan, -0.0}, "max(dim)");
  expectValues(r[1], {0, 1, 0, -1, 0, 0, 0.5, 0, 0}, "max(dim) grad");
  auto idx = std::get<1>(x.max(1));
  EXPECT_EQ(idx[0].item<int64_t>(), 1);
  EXPECT_EQ(idx[1].item<int64_t>(), 0);
  EXPECT_EQ(idx[2].item<int64_t>(), 0);
  auto mn = expectCompiledMatchesEager(
      {"min_dim", [](auto &v) { return std::get<0>(v[0].min(0)); }, {x}});
  expectValues(mn[0], {kNan, 0.0, kNan}, "min(dim)");
  expectValues(mn[1], {0, 0, 0, 1, 0, 0.5, 0, -1, 0}, "min(dim) grad");
  auto all = expectCompiledMatchesEager(
      {"max_all", [](auto &v) { return v[0].slice(0, 0, 1).max(); }, {x}});
  expectValues(all[1], {0, 0.5, 0.5, 0, 0, 0, 0, 0, 0}, "max() grad");
  auto nan = expectCompiledMatchesEager(
      {"max_all_nan", [](auto &v) { return v[0].max(); }, {x}});
  expectValues(nan[1], {0, 0, 0, 0.5, 0, 0.5, 0, 0, 0}, "max() grad at NaN");
  auto zeros = expectCompiledMatchesEager(
      {"max_all_zeros",
       [](auto &v) { return v[0].slice(0, 2, 3).max(); },
       {x}});
  expectValues(zeros[0], {0.0}, "max() of -0.0 and +0.0");
}

// 4. pow's gradients at x = 0, e = 0: 0, not 0 * inf = NaN.
TEST(EdgeValues, PowGradientAtZeroToTheZero) {
  auto r =
      expectCompiledMatchesEager({"pow_scalar_0",
                                  [](auto &v) { return v[0].pow(0); },
                                  {values({0.0, -0.0, kNan, 2.0}, kDouble)}});
  expectValues(r[0], {1, 1, 1, 1}, "pow(x, 0)");
  expectValues(r[1], {0, 0, 0, 0}, "pow(x, 0) grad");
  auto t =
      expectCompiledMatchesEager({"pow_tensor",
                                  [](auto &v) { return v[0].pow(v[1]); },
                                  {values({0.0, 0.0, 0.0, 2.0}, kDouble),
                                   values({0.0, 2.0, -1.0, 0.0}, kDouble)}});
  // seed 1, -1, 0.5, -2; 0^-1 = inf
  expectValues(t[1], {0, -0.0, -kInf, 0}, "pow grad wrt base");
  expectValues(t[2], {0, -0.0, -kInf, -2 * std::log(2.0)},
               "pow grad wrt exponent");
}

// 5. sigmoid's gradient at -inf is 0 (1 / (1 + exp(-x)) differentiated gave
// NaN); the value is the eager kernel's formula, bit for bit.
TEST(EdgeValues, SigmoidGradientAtMinusInfinity) {
  auto r = expectCompiledMatchesEager(
      {"sigmoid",
       [](auto &v) { return v[0].sigmoid(); },
       {values({-kInf, kInf, kNan, 0.0, -100.0}, kFloat)}});
  expectValues(r[0], {0.0, 1.0, kNan, 0.5, 1.0f / (1.0f + std::exp(100.0f))},
               "sigmoid");
  EXPECT_EQ(r[1][0].item<float>(), 0.0f);
  EXPECT_EQ(r[1][1].item<float>(), 0.0f);
  EXPECT_TRUE(std::isnan(r[1][2].item<float>()));
  EXPECT_EQ(r[1][3].item<float>(), -0.5f); // -2 * (1 - 0.5) * 0.5
}

// 6. NaN and out-of-range floats cast to int64 give INT64_MIN (x86,
// PyTorch on CPU) in eager and compiled code alike; NaN to bool is true.
TEST(EdgeValues, NanToLongIsInt64Min) {
  auto r = expectCompiledMatchesEager(
      {"to_long",
       [](auto &v) { return v[0].to(kLong); },
       {values({kNan, kInf, -kInf, 1e19, -9223372036854775808.0, -2.5},
               kDouble)}});
  std::vector<int64_t> want = {INT64_MIN, INT64_MIN, INT64_MIN,
                               INT64_MIN, INT64_MIN, -2};
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(r[0][i].item<int64_t>(), want[i]) << i;
  EXPECT_EQ(full({2}, kNan, kLong)[0].item<int64_t>(), INT64_MIN);
  EXPECT_EQ(Scalar(kNan).toLong(), INT64_MIN);
  auto b = expectCompiledMatchesEager({"to_bool",
                                       [](auto &v) { return v[0].to(kBool); },
                                       {values({kNan, -0.0}, kFloat)}});
  EXPECT_TRUE(b[0][0].item<bool>());
  EXPECT_FALSE(b[0][1].item<bool>());
}

// 8. Found by the sweeps.
// cat padded its parts with +0.0 and summed them: -0.0 became +0.0.
TEST(EdgeValues, CatKeepsNegativeZero) {
  auto r = expectCompiledMatchesEager({"cat",
                                       [](auto &v) {
                                         return cat({v[0], v[0]}, 0);
                                       },
                                       {values({-0.0, kNan, -kInf}, kFloat)}});
  expectValues(r[0], {-0.0, kNan, -kInf, -0.0, kNan, -kInf}, "cat");
}

// abs(-0.0) is +0.0 (eager returned -0.0); abs's gradient is g * sign(x),
// a zero of g's sign at 0.
TEST(EdgeValues, AbsOfNegativeZero) {
  auto r =
      expectCompiledMatchesEager({"abs",
                                  [](auto &v) { return v[0].abs(); },
                                  {values({-0.0, 0.0, kNan, -2.0}, kDouble)}});
  expectValues(r[0], {0.0, 0.0, kNan, 2.0}, "abs");
  expectValues(r[1], {0.0, -0.0, 0.0, 2.0}, "abs grad");
}

// maximum/minimum of -0.0 and +0.0 do not depend on the operand order
// (IEEE 754-2019, as arith.maximumf); where either operand is NaN both get
// the whole gradient (PyTorch's masked_fill rule; kiln gave both 0).
TEST(EdgeValues, MaximumAtSignedZerosAndNan) {
  auto r =
      expectCompiledMatchesEager({"maximum",
                                  [](auto &v) { return v[0].maximum(v[1]); },
                                  {values({-0.0, 0.0, kNan, 1.0}, kFloat),
                                   values({0.0, -0.0, 1.0, kNan}, kFloat)}});
  expectValues(r[0], {0.0, 0.0, kNan, kNan}, "maximum");
  expectValues(r[1], {0.5, -0.5, 0.5, -2.0}, "maximum grad lhs");
  expectValues(r[2], {0.5, -0.5, 0.5, -2.0}, "maximum grad rhs");
  auto m = expectCompiledMatchesEager(
      {"minimum",
       [](auto &v) { return v[0].minimum(v[1]); },
       {values({-0.0, 0.0}, kDouble), values({0.0, -0.0}, kDouble)}});
  expectValues(m[0], {-0.0, -0.0}, "minimum");
}

// Integer powers were computed through double: wrong above 2^53.
TEST(EdgeValues, IntegerPowIsExact) {
  auto r = expectCompiledMatchesEager(
      {"pow_int",
       [](auto &v) { return v[0].pow(v[1]); },
       {tensor({int64_t(3), int64_t(3), int64_t(-3), int64_t(1) << 31}),
        tensor({int64_t(35), int64_t(40), int64_t(3), int64_t(3)})}});
  EXPECT_EQ(r[0][0].item<int64_t>(), int64_t(50031545098999707));
  EXPECT_EQ(r[0][1].item<int64_t>(), int64_t(-6289078614652622815)); // wraps
  EXPECT_EQ(r[0][2].item<int64_t>(), -27);
  EXPECT_EQ(r[0][3].item<int64_t>(), int64_t(0)); // 2^93 wraps to 0
}

// Adding +0.0 is not the identity: -0.0 + 0.0 is +0.0 (the fold of
// add(x, 0) -> x kept -0.0).
TEST(EdgeValues, AddingZeroTurnsNegativeZeroPositive) {
  auto r = expectCompiledMatchesEager({"add_0",
                                       [](auto &v) { return v[0] + 0.0; },
                                       {values({-0.0, 0.0}, kFloat)}});
  expectValues(r[0], {0.0, 0.0}, "-0.0 + 0.0");
}

} // namespace
