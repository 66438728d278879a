//===- PrintTest.cpp - Exact strings of PyTorch's tensor repr -------------===//
//
// Part of the kiln project. Every expected string is what Python's
// `repr(tensor)` prints for the same tensor.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <sstream>

using namespace kiln;

namespace {
std::string str(const Tensor &t) {
  std::ostringstream os;
  os << t;
  EXPECT_EQ(os.str(), t.toString());
  return os.str();
}
} // namespace

TEST(Print, TutorialStrings) {
  Tensor x = ones({2, 2}, requires_grad());
  EXPECT_EQ(str(x),
            "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)");
  Tensor y = x + 2;
  EXPECT_EQ(str(y),
            "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)");
  Tensor out = (y * y * 3).mean();
  EXPECT_EQ(str(out), "tensor(27., grad_fn=<MeanBackward0>)");
  out.backward();
  EXPECT_EQ(str(x.grad()),
            "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])");
  EXPECT_EQ(str(tensor({51.2, 512., 0.0512})),
            "tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])");
}

TEST(Print, FloatModes) {
  EXPECT_EQ(str(tensor({-1.5, 2.25})), "tensor([-1.5000,  2.2500])");
  EXPECT_EQ(str(tensor({-1., 2.})), "tensor([-1.,  2.])");
  EXPECT_EQ(str(tensor({0., 1.5})), "tensor([0.0000, 1.5000])");
  EXPECT_EQ(str(tensor({0., 100.})), "tensor([  0., 100.])");
  EXPECT_EQ(str(tensor({0., 1e-5})), "tensor([0.0000e+00, 1.0000e-05])");
  EXPECT_EQ(str(tensor({1e10})), "tensor([1.0000e+10])");
  EXPECT_EQ(str(tensor({1., 1000.})), "tensor([   1., 1000.])");
  EXPECT_EQ(str(tensor({1., 1001.})), "tensor([1.0000e+00, 1.0010e+03])");
  EXPECT_EQ(str(zeros({2})), "tensor([0., 0.])");
  EXPECT_EQ(str(tensor(0.5)), "tensor(0.5000)");
  EXPECT_EQ(str(tensor(-3.)), "tensor(-3.)");
  // inf and nan do not set the width.
  EXPECT_EQ(str(tensor({INFINITY, 1.})), "tensor([inf, 1.])");
  EXPECT_EQ(str(tensor({NAN, 1.5})), "tensor([   nan, 1.5000])");
  EXPECT_EQ(str(tensor({-INFINITY, 10.})), "tensor([-inf, 10.])");
}

TEST(Print, IntegerBoolAndDouble) {
  EXPECT_EQ(str(tensor({1, 2, 3})), "tensor([1, 2, 3])");
  EXPECT_EQ(str(tensor({-10, 5})), "tensor([-10,   5])");
  EXPECT_EQ(str(tensor(7)), "tensor(7)");
  EXPECT_EQ(str(tensor({{1, 2}, {3, 40}})),
            "tensor([[ 1,  2],\n        [ 3, 40]])");
  EXPECT_EQ(str(tensor({true, false})), "tensor([ True, False])");
  EXPECT_EQ(str(tensor(true)), "tensor(True)");
  EXPECT_EQ(str(tensor({1.5, 2.}, kDouble)),
            "tensor([1.5000, 2.0000], dtype=torch.float64)");
  Tensor d = tensor({1., 2.}, kDouble).requires_grad_();
  EXPECT_EQ(str(d),
            "tensor([1., 2.], dtype=torch.float64, requires_grad=True)");
  EXPECT_EQ(str(d * 2),
            "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)");
}

TEST(Print, EmptyTensors) {
  EXPECT_EQ(str(zeros({0})), "tensor([])");
  EXPECT_EQ(str(zeros({2, 0})), "tensor([], size=(2, 0))");
  EXPECT_EQ(str(zeros({0}, kLong)), "tensor([], dtype=torch.int64)");
  EXPECT_EQ(str(zeros({0}, kDouble)), "tensor([], dtype=torch.float64)");
  EXPECT_EQ(str(zeros({0}, kBool)), "tensor([], dtype=torch.bool)");
  EXPECT_EQ(str(zeros({1, 0, 3}, kDouble)),
            "tensor([], size=(1, 0, 3), dtype=torch.float64)");
}

TEST(Print, MultiDimensional) {
  EXPECT_EQ(str(zeros({2, 2, 2})), "tensor([[[0., 0.],\n"
                                   "         [0., 0.]],\n"
                                   "\n"
                                   "        [[0., 0.],\n"
                                   "         [0., 0.]]])");
  // Non-contiguous tensors print in logical order.
  EXPECT_EQ(str(arange(6).reshape({2, 3}).t()),
            "tensor([[0, 3],\n        [1, 4],\n        [2, 5]])");
}

TEST(Print, LineWrapping) {
  EXPECT_EQ(str(arange(30.)),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., "
            "11., 12., 13.,\n"
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., "
            "25., 26., 27.,\n"
            "        28., 29.])");
  // A suffix that would pass 80 columns moves to its own line.
  EXPECT_EQ(str(arange(14.).requires_grad_()),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., "
            "11., 12., 13.],\n"
            "       requires_grad=True)");
}

TEST(Print, Summarization) {
  EXPECT_EQ(str(arange(1001.)),
            "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])");
  EXPECT_EQ(str(arange(2000)),
            "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
  // Exactly 1000 elements are not summarised.
  std::string full = str(arange(1000));
  EXPECT_EQ(full.find("..."), std::string::npos);
  EXPECT_EQ(str(arange(1100).reshape({100, 11})),
            "tensor([[   0,    1,    2,  ...,    8,    9,   10],\n"
            "        [  11,   12,   13,  ...,   19,   20,   21],\n"
            "        [  22,   23,   24,  ...,   30,   31,   32],\n"
            "        ...,\n"
            "        [1067, 1068, 1069,  ..., 1075, 1076, 1077],\n"
            "        [1078, 1079, 1080,  ..., 1086, 1087, 1088],\n"
            "        [1089, 1090, 1091,  ..., 1097, 1098, 1099]])");
}

TEST(Print, ShapesAndScalars) {
  std::ostringstream os;
  os << IntArrayRef({2, 3});
  EXPECT_EQ(os.str(), "[2, 3]");
  os.str("");
  os << kFloat << " " << Scalar(2.5) << " " << Scalar(3) << " " << Scalar(true);
  EXPECT_EQ(os.str(), "Float 2.5 3 true");
  EXPECT_EQ(Tensor().toString(), "None");
}
