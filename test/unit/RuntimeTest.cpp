//===- RuntimeTest.cpp - The strided CPU kernels, called directly ---------===//
//
// Part of the kiln project. Exercises the runtime entry points on raw
// buffers, without the Tensor class, including broadcast (stride 0) and
// transposed operands.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/runtime/Kernels.h>
#include <kiln/runtime/Storage.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace kiln;
using namespace kiln::runtime;

namespace {

template <class T>
StridedView view(std::vector<T> &buf, ScalarType t, std::vector<int64_t> sizes,
                 std::vector<int64_t> strides = {}) {
  if (strides.empty()) {
    strides.resize(sizes.size());
    int64_t s = 1;
    for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
      strides[d] = s;
      s *= sizes[d];
    }
  }
  return StridedView{buf.data(), t, std::move(sizes), std::move(strides)};
}

// std::vector<bool> is packed, so bool buffers are owned arrays.
struct BoolBuf {
  explicit BoolBuf(std::vector<int> v) {
    data.reset(new bool[v.size()]);
    for (size_t i = 0; i < v.size(); ++i)
      data[i] = v[i] != 0;
    n = v.size();
  }
  StridedView view(std::vector<int64_t> sizes,
                   std::vector<int64_t> strides = {}) {
    if (strides.empty()) {
      strides.resize(sizes.size());
      int64_t s = 1;
      for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
        strides[d] = s;
        s *= sizes[d];
      }
    }
    return StridedView{data.get(), kBool, std::move(sizes), std::move(strides)};
  }
  std::unique_ptr<bool[]> data;
  size_t n;
};

} // namespace

TEST(Runtime, DTypeBasics) {
  EXPECT_EQ(elementSize(kBool), 1u);
  EXPECT_EQ(elementSize(kLong), 8u);
  EXPECT_EQ(elementSize(kFloat), 4u);
  EXPECT_EQ(elementSize(kDouble), 8u);
  EXPECT_STREQ(toString(kFloat), "Float");
  EXPECT_STREQ(pythonName(kDouble), "torch.float64");
  EXPECT_STREQ(pythonName(kLong), "torch.int64");
  EXPECT_STREQ(pythonName(kBool), "torch.bool");
  EXPECT_EQ(promoteTypes(kLong, kFloat), kFloat);
  EXPECT_EQ(promoteTypes(kFloat, kDouble), kDouble);
  EXPECT_EQ(promoteTypes(kBool, kLong), kLong);
  EXPECT_EQ(promoteTypes(kBool, kBool), kBool);
}

TEST(Runtime, StorageAlignmentAndVersion) {
  StorageImpl s(10);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(s.data()) % kAlignment, 0u);
  EXPECT_EQ(s.nbytes(), 10u);
  EXPECT_EQ(s.version(), 0u);
  s.bumpVersion();
  s.bumpVersion();
  EXPECT_EQ(s.version(), 2u);
  int deleted = 0;
  float buf[4];
  {
    StorageImpl borrowed(buf, sizeof buf, [&](void *p) {
      EXPECT_EQ(p, buf);
      ++deleted;
    });
    EXPECT_EQ(borrowed.data(), buf);
  }
  EXPECT_EQ(deleted, 1);
}

TEST(Runtime, ViewContiguity) {
  std::vector<float> b(6);
  EXPECT_TRUE(view(b, kFloat, {2, 3}).isContiguous());
  EXPECT_FALSE(view(b, kFloat, {3, 2}, {1, 3}).isContiguous());
  // Size-1 dimensions may carry any stride.
  EXPECT_TRUE(view(b, kFloat, {1, 6}, {100, 1}).isContiguous());
  EXPECT_EQ(view(b, kFloat, {2, 3}).numel(), 6);
}

TEST(Runtime, CopyCastsAndTransposes) {
  std::vector<float> src{1.5f, -2.5f, 3.f, 4.f, 5.f, 6.f};
  std::vector<int64_t> dst(6);
  copy(view(src, kFloat, {2, 3}), view(dst, kLong, {2, 3}));
  EXPECT_EQ(dst, (std::vector<int64_t>{1, -2, 3, 4, 5, 6}));

  // Transposed source: dst[i][j] = src[j][i].
  std::vector<double> t(6);
  copy(view(src, kFloat, {3, 2}, {1, 3}), view(t, kDouble, {3, 2}));
  EXPECT_EQ(t, (std::vector<double>{1.5, 4, -2.5, 5, 3, 6}));

  // Broadcast source with stride 0 along rows.
  std::vector<float> row{7, 8, 9};
  std::vector<float> out(6);
  copy(view(row, kFloat, {2, 3}, {0, 1}), view(out, kFloat, {2, 3}));
  EXPECT_EQ(out, (std::vector<float>{7, 8, 9, 7, 8, 9}));

  // To bool: nonzero is true.
  std::vector<double> d{0.0, 0.5, -1.0};
  BoolBuf bb({1, 1, 1});
  copy(view(d, kDouble, {3}), bb.view({3}));
  EXPECT_FALSE(bb.data[0]);
  EXPECT_TRUE(bb.data[1]);
  EXPECT_TRUE(bb.data[2]);
}

TEST(Runtime, FillStrided) {
  std::vector<double> b(6, 0.0);
  // Fill only the first column of a 3x2 matrix.
  fill(view(b, kDouble, {3}, {2}), 4.0);
  EXPECT_EQ(b, (std::vector<double>{4, 0, 4, 0, 4, 0}));
  std::vector<int64_t> l(3);
  fill(view(l, kLong, {3}), 7.0);
  EXPECT_EQ(l, (std::vector<int64_t>{7, 7, 7}));
}

TEST(Runtime, UnaryOps) {
  std::vector<double> in{-1.0, 0.5, 2.0};
  std::vector<double> out(3);
  auto check = [&](UnaryOp op, std::vector<double> expected) {
    unary(op, view(in, kDouble, {3}), view(out, kDouble, {3}));
    for (size_t i = 0; i < 3; ++i)
      EXPECT_NEAR(out[i], expected[i], 1e-12) << "op " << int(op) << " " << i;
  };
  check(UnaryOp::Neg, {1, -0.5, -2});
  check(UnaryOp::Abs, {1, 0.5, 2});
  check(UnaryOp::Relu, {0, 0.5, 2});
  check(UnaryOp::Sign, {-1, 1, 1});
  check(UnaryOp::Exp, {std::exp(-1.0), std::exp(0.5), std::exp(2.0)});
  check(UnaryOp::Sin, {std::sin(-1.0), std::sin(0.5), std::sin(2.0)});
  check(UnaryOp::Cos, {std::cos(-1.0), std::cos(0.5), std::cos(2.0)});
  check(UnaryOp::Tanh, {std::tanh(-1.0), std::tanh(0.5), std::tanh(2.0)});
  check(UnaryOp::Sigmoid, {1 / (1 + std::exp(1.0)), 1 / (1 + std::exp(-0.5)),
                           1 / (1 + std::exp(-2.0))});
  std::vector<double> pos{1.0, 4.0, 0.25};
  unary(UnaryOp::Sqrt, view(pos, kDouble, {3}), view(out, kDouble, {3}));
  EXPECT_EQ(out, (std::vector<double>{1, 2, 0.5}));
  unary(UnaryOp::Log, view(pos, kDouble, {3}), view(out, kDouble, {3}));
  EXPECT_NEAR(out[1], std::log(4.0), 1e-15);

  std::vector<int64_t> li{-3, 0, 5}, lo(3);
  unary(UnaryOp::Abs, view(li, kLong, {3}), view(lo, kLong, {3}));
  EXPECT_EQ(lo, (std::vector<int64_t>{3, 0, 5}));
  unary(UnaryOp::Sign, view(li, kLong, {3}), view(lo, kLong, {3}));
  EXPECT_EQ(lo, (std::vector<int64_t>{-1, 0, 1}));
}

TEST(Runtime, UnaryOnTransposedInput) {
  std::vector<float> in{1, 2, 3, 4, 5, 6};
  std::vector<float> out(6);
  unary(UnaryOp::Neg, view(in, kFloat, {3, 2}, {1, 3}),
        view(out, kFloat, {3, 2}));
  EXPECT_EQ(out, (std::vector<float>{-1, -4, -2, -5, -3, -6}));
}

TEST(Runtime, BinaryBroadcastStrideZero) {
  // a: [2,1] broadcast to [2,3]; b: [3] broadcast to [2,3].
  std::vector<float> a{10, 20}, b{1, 2, 3}, out(6);
  binary(BinaryOp::Add, view(a, kFloat, {2, 3}, {1, 0}),
         view(b, kFloat, {2, 3}, {0, 1}), view(out, kFloat, {2, 3}));
  EXPECT_EQ(out, (std::vector<float>{11, 12, 13, 21, 22, 23}));
  binary(BinaryOp::Sub, view(a, kFloat, {2, 3}, {1, 0}),
         view(b, kFloat, {2, 3}, {0, 1}), view(out, kFloat, {2, 3}));
  EXPECT_EQ(out, (std::vector<float>{9, 8, 7, 19, 18, 17}));
  // Scalar operand on either side (the fast rows).
  std::vector<float> s{2};
  binary(BinaryOp::Div, view(b, kFloat, {3}), view(s, kFloat, {3}, {0}),
         view(out, kFloat, {3}));
  EXPECT_EQ(out[0], 0.5f);
  EXPECT_EQ(out[2], 1.5f);
  binary(BinaryOp::Div, view(s, kFloat, {3}, {0}), view(b, kFloat, {3}),
         view(out, kFloat, {3}));
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(out[1], 1.0f);
  // Both operands non-contiguous (transposed).
  std::vector<double> m{1, 2, 3, 4}, n{10, 20, 30, 40}, o(4);
  binary(BinaryOp::Mul, view(m, kDouble, {2, 2}, {1, 2}),
         view(n, kDouble, {2, 2}, {1, 2}), view(o, kDouble, {2, 2}));
  EXPECT_EQ(o, (std::vector<double>{10, 90, 40, 160}));
}

TEST(Runtime, BinaryArithmeticAndComparisons) {
  std::vector<double> a{1, 2, 3, NAN}, b{3, 2, 1, 0}, o(4);
  auto A = view(a, kDouble, {4}), B = view(b, kDouble, {4}),
       O = view(o, kDouble, {4});
  binary(BinaryOp::Pow, A, B, O);
  EXPECT_EQ(o[0], 1);
  EXPECT_EQ(o[1], 4);
  EXPECT_EQ(o[2], 3);
  binary(BinaryOp::Maximum, A, B, O);
  EXPECT_EQ(o[0], 3);
  EXPECT_EQ(o[2], 3);
  EXPECT_TRUE(std::isnan(o[3]));
  binary(BinaryOp::Minimum, A, B, O);
  EXPECT_EQ(o[0], 1);
  EXPECT_EQ(o[2], 1);
  EXPECT_TRUE(std::isnan(o[3]));
  binary(BinaryOp::ThresholdGrad, B, A, O); // b where a > 0
  EXPECT_EQ(o[0], 3);
  EXPECT_EQ(o[3], 0);

  BoolBuf r({0, 0, 0, 0});
  binary(BinaryOp::Lt, A, B, r.view({4}));
  EXPECT_TRUE(r.data[0]);
  EXPECT_FALSE(r.data[1]);
  EXPECT_FALSE(r.data[2]);
  EXPECT_FALSE(r.data[3]);
  binary(BinaryOp::Eq, A, B, r.view({4}));
  EXPECT_FALSE(r.data[0]);
  EXPECT_TRUE(r.data[1]);
  binary(BinaryOp::Ne, A, B, r.view({4}));
  EXPECT_TRUE(r.data[3]); // NaN != 0
  binary(BinaryOp::Ge, A, B, r.view({4}));
  EXPECT_FALSE(r.data[0]);
  EXPECT_TRUE(r.data[1]);
  EXPECT_TRUE(r.data[2]);
  EXPECT_TRUE(isComparison(BinaryOp::Ge));
  EXPECT_TRUE(isComparison(BinaryOp::LogicalOr));
  EXPECT_FALSE(isComparison(BinaryOp::Maximum));

  // Integer division truncates; integer pow is exact.
  std::vector<int64_t> x{7, -7, 2}, y{2, 2, 10}, z(3);
  binary(BinaryOp::Div, view(x, kLong, {3}), view(y, kLong, {3}),
         view(z, kLong, {3}));
  EXPECT_EQ(z, (std::vector<int64_t>{3, -3, 0}));
  binary(BinaryOp::Pow, view(x, kLong, {3}), view(y, kLong, {3}),
         view(z, kLong, {3}));
  EXPECT_EQ(z, (std::vector<int64_t>{49, 49, 1024}));
}

TEST(Runtime, WhereBroadcast) {
  BoolBuf c({1, 0});
  std::vector<float> a{1, 2, 3}, b{-5}, out(6);
  // cond [2,1], a [3], b scalar -> [2,3].
  where(c.view({2, 3}, {1, 0}), view(a, kFloat, {2, 3}, {0, 1}),
        view(b, kFloat, {2, 3}, {0, 0}), view(out, kFloat, {2, 3}));
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, -5, -5, -5}));
}

TEST(Runtime, Clamp) {
  std::vector<double> in{-2, 0.5, 3, NAN}, out(4);
  clamp(view(in, kDouble, {4}), view(out, kDouble, {4}), true, 0, true, 1);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 0.5);
  EXPECT_EQ(out[2], 1);
  EXPECT_TRUE(std::isnan(out[3]));
  clamp(view(in, kDouble, {4}), view(out, kDouble, {4}), true, 0, false, 0);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[2], 3);
  clamp(view(in, kDouble, {4}), view(out, kDouble, {4}), false, 0, true, 1);
  EXPECT_EQ(out[0], -2);
  EXPECT_EQ(out[2], 1);
  // min > max: every element becomes max, as in PyTorch.
  clamp(view(in, kDouble, {3}), view(out, kDouble, {3}), true, 2, true, 1);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 1);
  EXPECT_EQ(out[2], 1);
}

TEST(Runtime, ReduceSumMaxMinProd) {
  std::vector<float> in{1, 2, 3, 4, 5, 6}; // [2,3]
  std::vector<float> rows(2), cols(3), all(1);
  auto IN = view(in, kFloat, {2, 3});
  reduce(ReduceOp::Sum, IN, {false, true}, view(rows, kFloat, {2, 1}));
  EXPECT_EQ(rows, (std::vector<float>{6, 15}));
  reduce(ReduceOp::Sum, IN, {true, false}, view(cols, kFloat, {1, 3}));
  EXPECT_EQ(cols, (std::vector<float>{5, 7, 9}));
  reduce(ReduceOp::Max, IN, {true, true}, view(all, kFloat, {1, 1}));
  EXPECT_EQ(all[0], 6);
  reduce(ReduceOp::Min, IN, {true, true}, view(all, kFloat, {1, 1}));
  EXPECT_EQ(all[0], 1);
  reduce(ReduceOp::Prod, IN, {false, true}, view(rows, kFloat, {2, 1}));
  EXPECT_EQ(rows, (std::vector<float>{6, 120}));
  // Transposed input: sums over the columns of the original.
  reduce(ReduceOp::Sum, view(in, kFloat, {3, 2}, {1, 3}), {false, true},
         view(cols, kFloat, {3, 1}));
  EXPECT_EQ(cols, (std::vector<float>{5, 7, 9}));
}

TEST(Runtime, ReduceExtremesOfInfinitiesAndNan) {
  std::vector<float> negInf{-INFINITY, -INFINITY}, out(1);
  reduce(ReduceOp::Max, view(negInf, kFloat, {2}), {true},
         view(out, kFloat, {1}));
  EXPECT_EQ(out[0], -INFINITY);
  std::vector<float> posInf{INFINITY, INFINITY};
  reduce(ReduceOp::Min, view(posInf, kFloat, {2}), {true},
         view(out, kFloat, {1}));
  EXPECT_EQ(out[0], INFINITY);
  std::vector<double> withNan{1, NAN, 3}, dout(1);
  reduce(ReduceOp::Max, view(withNan, kDouble, {3}), {true},
         view(dout, kDouble, {1}));
  EXPECT_TRUE(std::isnan(dout[0]));
  std::vector<int64_t> li{-5, -9}, lo(1);
  reduce(ReduceOp::Max, view(li, kLong, {2}), {true}, view(lo, kLong, {1}));
  EXPECT_EQ(lo[0], -5);
}

TEST(Runtime, ReduceEmptyBoolMaxIsFalse) {
  // any() of nothing is false; all() of nothing is true.
  BoolBuf in({0});
  BoolBuf out({1});
  reduce(ReduceOp::Max, in.view({0}), {true}, out.view({1}));
  EXPECT_FALSE(out.data[0]);
  reduce(ReduceOp::Min, in.view({0}), {true}, out.view({1}));
  EXPECT_TRUE(out.data[0]);
}

TEST(Runtime, ArgReduce) {
  std::vector<double> in{3, 9, 9, 1, 0, 5}; // [2,3]
  std::vector<double> v(2);
  std::vector<int64_t> idx(2);
  argReduce(true, view(in, kDouble, {2, 3}), 1, view(v, kDouble, {2, 1}),
            view(idx, kLong, {2, 1}));
  EXPECT_EQ(v, (std::vector<double>{9, 5}));
  EXPECT_EQ(idx, (std::vector<int64_t>{1, 2})); // first of the ties
  argReduce(false, view(in, kDouble, {2, 3}), 1, view(v, kDouble, {2, 1}),
            view(idx, kLong, {2, 1}));
  EXPECT_EQ(v, (std::vector<double>{3, 0}));
  EXPECT_EQ(idx, (std::vector<int64_t>{0, 1}));
  std::vector<double> v3(3);
  std::vector<int64_t> i3(3);
  argReduce(true, view(in, kDouble, {2, 3}), 0, view(v3, kDouble, {1, 3}),
            view(i3, kLong, {1, 3}));
  EXPECT_EQ(v3, (std::vector<double>{3, 9, 9}));
  EXPECT_EQ(i3, (std::vector<int64_t>{0, 0, 0}));
  // NaN wins, as in PyTorch.
  std::vector<double> n{1, NAN, 7};
  std::vector<double> nv(1);
  std::vector<int64_t> ni(1);
  argReduce(true, view(n, kDouble, {3}), 0, view(nv, kDouble, {1}),
            view(ni, kLong, {1}));
  EXPECT_TRUE(std::isnan(nv[0]));
  EXPECT_EQ(ni[0], 1);
}

TEST(Runtime, MatmulPlainAndTransposed) {
  // a = [[1,2,3],[4,5,6]], b = [[1,0],[0,1],[1,1]]
  std::vector<double> a{1, 2, 3, 4, 5, 6}, b{1, 0, 0, 1, 1, 1}, out(4);
  matmul(view(a, kDouble, {2, 3}), view(b, kDouble, {3, 2}),
         view(out, kDouble, {2, 2}));
  EXPECT_EQ(out, (std::vector<double>{4, 5, 10, 11}));
  // a^T stored as [3,2] column-major, b^T likewise.
  std::vector<double> at{1, 4, 2, 5, 3, 6}, bt{1, 0, 1, 0, 1, 1};
  matmul(view(at, kDouble, {2, 3}, {1, 2}), view(bt, kDouble, {3, 2}, {1, 3}),
         view(out, kDouble, {2, 2}));
  EXPECT_EQ(out, (std::vector<double>{4, 5, 10, 11}));
  // Strided in both dimensions (every other element): packed.
  std::vector<float> sa{1, 0, 2, 0, 3, 0, 4, 0}, sb{1, 0, 1, 0}, so(2);
  matmul(view(sa, kFloat, {2, 2}, {4, 2}), view(sb, kFloat, {2, 1}, {2, 2}),
         view(so, kFloat, {2, 1}));
  EXPECT_EQ(so, (std::vector<float>{3, 7}));
  // Broadcast row (stride 0) operand.
  std::vector<float> r{1, 2}, ident{1, 0, 0, 1}, ro(6);
  matmul(view(r, kFloat, {3, 2}, {0, 1}), view(ident, kFloat, {2, 2}),
         view(ro, kFloat, {3, 2}));
  EXPECT_EQ(ro, (std::vector<float>{1, 2, 1, 2, 1, 2}));
  // Integers take the plain loop.
  std::vector<int64_t> ia{1, 2, 3, 4}, ib{5, 6, 7, 8}, io(4);
  matmul(view(ia, kLong, {2, 2}), view(ib, kLong, {2, 2}, {1, 2}),
         view(io, kLong, {2, 2}));
  EXPECT_EQ(io, (std::vector<int64_t>{17, 23, 39, 53}));
}

TEST(Runtime, MatmulBatchedAndEmptyInner) {
  std::vector<float> a{1, 2, 3, 4, 5, 6, 7, 8}; // [2,2,2]
  std::vector<float> b{1, 0, 0, 1, 2, 0, 0, 2};
  std::vector<float> out(8);
  matmul(view(a, kFloat, {2, 2, 2}), view(b, kFloat, {2, 2, 2}),
         view(out, kFloat, {2, 2, 2}));
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4, 10, 12, 14, 16}));
  // Batch broadcast: b has batch stride 0.
  matmul(view(a, kFloat, {2, 2, 2}), view(b, kFloat, {2, 2, 2}, {0, 2, 1}),
         view(out, kFloat, {2, 2, 2}));
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  std::vector<float> e, z{9, 9, 9, 9};
  matmul(view(e, kFloat, {2, 0}), view(e, kFloat, {0, 2}),
         view(z, kFloat, {2, 2}));
  EXPECT_EQ(z, (std::vector<float>{0, 0, 0, 0}));
}

TEST(Runtime, MaskedSelectAndScatter) {
  std::vector<float> src{1, 2, 3, 4, 5, 6};
  BoolBuf mask({1, 0, 1, 0, 0, 1});
  EXPECT_EQ(countTrue(mask.view({2, 3})), 3);
  std::vector<float> out(3);
  maskedSelect(view(src, kFloat, {2, 3}), mask.view({2, 3}),
               view(out, kFloat, {3}));
  EXPECT_EQ(out, (std::vector<float>{1, 3, 6}));
  // Transposed source keeps row-major order of the view.
  maskedSelect(view(src, kFloat, {3, 2}, {1, 3}), mask.view({3, 2}),
               view(out, kFloat, {3}));
  EXPECT_EQ(out, (std::vector<float>{1, 2, 6}));

  std::vector<float> dst(6, 0.f), vals{7, 8, 9};
  maskedScatter(view(dst, kFloat, {2, 3}), mask.view({2, 3}),
                view(vals, kFloat, {3}));
  EXPECT_EQ(dst, (std::vector<float>{7, 0, 8, 0, 0, 9}));
  std::vector<float> one{-1};
  maskedScatter(view(dst, kFloat, {2, 3}), mask.view({2, 3}),
                view(one, kFloat, {1}));
  EXPECT_EQ(dst, (std::vector<float>{-1, 0, -1, 0, 0, -1}));
}

TEST(Runtime, RandomIsDeterministicPerSeed) {
  std::vector<double> a(100), b(100);
  manualSeed(123);
  fillUniform(view(a, kDouble, {100}), -2, 3);
  manualSeed(123);
  fillUniform(view(b, kDouble, {100}), -2, 3);
  EXPECT_EQ(a, b);
  for (double x : a) {
    EXPECT_GE(x, -2);
    EXPECT_LT(x, 3);
  }
  manualSeed(7);
  std::vector<double> n(2000);
  fillNormal(view(n, kDouble, {2000}), 1.0, 2.0);
  double mean = 0, var = 0;
  for (double x : n)
    mean += x;
  mean /= n.size();
  for (double x : n)
    var += (x - mean) * (x - mean);
  var /= n.size();
  EXPECT_NEAR(mean, 1.0, 0.2);
  EXPECT_NEAR(var, 4.0, 0.5);
  std::vector<float> bern(1000);
  fillBernoulli(view(bern, kFloat, {1000}), 0.25);
  double ones = 0;
  for (float x : bern) {
    EXPECT_TRUE(x == 0.f || x == 1.f);
    ones += x;
  }
  EXPECT_NEAR(ones / 1000, 0.25, 0.06);
}
