//===- ErrorsTest.cpp - Error paths throw kiln::Error with PyTorch's words
//-===//
//
// Part of the kiln project.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

using namespace kiln;
using namespace kiln::indexing;
using kiln::test::throwsWith;

TEST(Errors, Broadcasting) {
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 2}) + ones({2, 3});
      },
      "The size of tensor a (2) must match the size of "
      "tensor b (3) at non-singleton dimension 1"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({4, 2}) * ones({3, 2});
      },
      "The size of tensor a (4) must match the size of "
      "tensor b (3) at non-singleton dimension 0"));
  EXPECT_TRUE(throwsWith([] { where(ones({2}) > 0, ones({3}), ones({2})); },
                         "must match the size of tensor b"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2}).add_(ones({2, 2}));
      },
      "output with shape [2] doesn't match the broadcast "
      "shape [2, 2]"));
  EXPECT_TRUE(throwsWith([] { ones({2}).copy_(ones({3})); },
                         "The size of tensor a (2) must match the size of "
                         "tensor b (3) at non-singleton dimension 0"));
}

TEST(Errors, MatrixShapes) {
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).mm(ones({2, 3}));
      },
      "mat1 and mat2 shapes cannot be multiplied (2x3 and "
      "2x3)"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({3}).mm(ones({3, 3}));
      },
      "self must be a matrix"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({3, 3}).mm(ones({3}));
      },
      "mat2 must be a matrix"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).mm(ones({3, 2}, kDouble));
      },
      "expected mat1 and mat2 to have the same dtype, but "
      "got: float != double"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 2, 3}).bmm(ones({2, 2, 3}));
      },
      "Expected size for first two dimensions of batch2 "
      "tensor to be: [2, 3] but got: [2, 2]."));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).bmm(ones({2, 3, 3}));
      },
      "batch1 must be a 3D tensor"));
  EXPECT_TRUE(throwsWith([] { ones({3}).dot(ones({4})); },
                         "inconsistent tensor size, expected tensor [3] and "
                         "src [4] to have the same number of elements, but "
                         "got 3 and 4 elements respectively"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 2}).dot(ones({2}));
      },
      "1D tensors expected, but got 2D and 1D tensors"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).matmul(ones({4}));
      },
      "mat1 and mat2 shapes cannot be multiplied"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 2, 3}).matmul(ones({2, 4, 2}));
      },
      "Expected size for first two dimensions of batch2 "
      "tensor"));
  EXPECT_TRUE(throwsWith([] { tensor(1.).matmul(ones({2})); },
                         "both arguments to matmul need to be at least 1D, "
                         "but they are 0D and 1D"));
}

TEST(Errors, ViewsAndShapes) {
  EXPECT_TRUE(throwsWith(
      [] {
        ones({4, 4}).t().view({16});
      },
      "view size is not compatible with input tensor's "
      "size and stride (at least one dimension spans "
      "across two contiguous subspaces). Use "
      ".reshape(...) instead."));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({4, 4}).reshape({3, 5});
      },
      "shape '[3, 5]' is invalid for input of size 16"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({4, 4}).view({-1, 3});
      },
      "shape '[-1, 3]' is invalid for input of size 16"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({4}).view({-1, -1});
      },
      "only one dimension can be inferred"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({0, 2}).reshape({0, -1});
      },
      "cannot reshape tensor of 0 elements into shape [0, "
      "-1] because the unspecified dimension size -1 can "
      "be any value and is ambiguous"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).expand({3, 3});
      },
      "The expanded size of the tensor (3) must match the "
      "existing size (2) at non-singleton dimension 0.  "
      "Target sizes: [3, 3].  Tensor sizes: [2, 3]"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).expand({3});
      },
      "the number of sizes provided (1) must be greater "
      "or equal to the number of dimensions in the tensor "
      "(2)"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3, 4}).t();
      },
      "t() expects a tensor with <= 2 dimensions, but "
      "self is 3D"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).permute({0});
      },
      "number of dimensions in the tensor input does not "
      "match the length of the desired ordering of "
      "dimensions i.e. input.dim() = 2 is not equal to "
      "len(dims) = 1"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).permute({0, 0});
      },
      "permute(): duplicate dims are not allowed."));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).narrow(1, 2, 2);
      },
      "start (2) + length (2) exceeds dimension size (3)."));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).select(1, 3);
      },
      "select(): index 3 out of range for tensor of size "
      "[2, 3] at dimension 1"));
  EXPECT_TRUE(throwsWith([] { tensor(1.).select(0, 0); },
                         "select() cannot be applied to a 0-dim tensor."));
  EXPECT_TRUE(
      throwsWith([] { ones({2}).flatten(1, 0); }, "Dimension out of range"));
}

TEST(Errors, DimOutOfRange) {
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).sum(2);
      },
      "Dimension out of range (expected to be in range of "
      "[-2, 1], but got 2)"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).size(-3);
      },
      "Dimension out of range (expected to be in range of "
      "[-2, 1], but got -3)"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).transpose(0, 5);
      },
      "Dimension out of range"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).unsqueeze(4);
      },
      "Dimension out of range (expected to be in range of "
      "[-3, 2], but got 4)"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).max(2);
      },
      "Dimension out of range"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 3}).sum({0, 0});
      },
      "dim 0 appears multiple times in the list of dims"));
  EXPECT_TRUE(throwsWith(
      [] {
        cat({ones({2}), ones({2})}, 1);
      },
      "Dimension out of range"));
}

TEST(Errors, ItemAndTruthValue) {
  EXPECT_TRUE(throwsWith([] { ones({2}).item(); },
                         "a Tensor with 2 elements cannot be converted to "
                         "Scalar"));
  EXPECT_TRUE(throwsWith([] { ones({0}).item(); },
                         "a Tensor with 0 elements cannot be converted to "
                         "Scalar"));
  EXPECT_TRUE(throwsWith([] { ones({2}).is_nonzero(); },
                         "Boolean value of Tensor with more than one value "
                         "is ambiguous"));
  EXPECT_TRUE(throwsWith([] { Tensor().dim(); }, "Tensor is undefined"));
}

TEST(Errors, Autograd) {
  EXPECT_TRUE(
      throwsWith([] { (ones({2}, requires_grad()) * 2).backward(); },
                 "grad can be implicitly created only for scalar outputs"));
  EXPECT_TRUE(throwsWith([] { ones({1}).sum().backward(); },
                         "element 0 of tensors does not require grad and "
                         "does not have a grad_fn"));
  EXPECT_TRUE(throwsWith(
      [] {
        Tensor x = ones({2}, requires_grad());
        x.add_(1);
      },
      "a leaf Variable that requires grad is being used in an in-place "
      "operation."));
  EXPECT_TRUE(throwsWith(
      [] {
        Tensor x = ones({2}, requires_grad());
        x[0].fill_(1);
      },
      "a view of a leaf Variable that requires grad is being used in an "
      "in-place operation."));
  EXPECT_TRUE(throwsWith(
      [] {
        Tensor x = ones({2, 2}, requires_grad());
        x.t()[0].mul_(2);
      },
      "a view of a leaf Variable that requires grad is being used in an "
      "in-place operation."));
  EXPECT_TRUE(throwsWith([] { ones({2}, kLong).requires_grad_(); },
                         "Only Tensors of floating point and complex dtype can "
                         "require gradients"));
  EXPECT_TRUE(throwsWith(
      [] {
        tensor({1, 2}, requires_grad());
      },
      "Only Tensors of floating point and complex dtype can require "
      "gradients"));
  EXPECT_TRUE(
      throwsWith([] { (ones({2}, requires_grad()) * 2).requires_grad_(false); },
                 "you can only change requires_grad flags of leaf variables."));
  EXPECT_TRUE(throwsWith(
      [] {
        Tensor y = ones({2}, requires_grad()) * 2;
        y.backward(ones({3}));
      },
      "Mismatch in shape: grad_output[0] has a shape of [3] and output[0] "
      "has a shape of [2]."));
  EXPECT_TRUE(throwsWith([] { ones({2}).retain_grad(); },
                         "can't retain_grad on Tensor that has "
                         "requires_grad=False"));
  EXPECT_TRUE(throwsWith(
      [] { autograd::grad({ones({1}, requires_grad()).sum()}, {ones({1})}); },
      "One of the differentiated Tensors does not require grad"));
  EXPECT_TRUE(throwsWith(
      [] {
        autograd::gradcheck(
            [](const variable_list &v) { return variable_list{v[0] * 2}; },
            {ones({2}, requires_grad())});
      },
      "gradcheck expects float64 inputs"));
  EXPECT_TRUE(throwsWith(
      [] {
        Tensor x = ones({2}, requires_grad());
        x.set_grad(ones({3}));
      },
      "assigned grad has data of a different size"));
}

TEST(Errors, DtypesAndOps) {
  EXPECT_TRUE(throwsWith(
      [] {
        tensor({1, 2}).mean();
      },
      "mean(): could not infer output dtype. Input dtype "
      "must be either a floating point or complex dtype. "
      "Got: Long"));
  EXPECT_TRUE(throwsWith([] { tensor({true}) - tensor({false}); },
                         "Subtraction, the `-` operator, with two bool "
                         "tensors is not supported."));
  EXPECT_TRUE(throwsWith([] { -tensor({true}); },
                         "Negation, the `-` operator, on a bool tensor is not "
                         "supported."));
  EXPECT_TRUE(throwsWith([] { where(ones({2}), ones({2}), ones({2})); },
                         "where expected condition to be a boolean tensor, "
                         "but got a tensor with dtype Float"));
  EXPECT_TRUE(throwsWith([] { ones({2}).masked_fill(ones({2}), 0); },
                         "masked_fill_ only supports boolean masks, but got "
                         "mask with dtype Float"));
  EXPECT_TRUE(throwsWith(
      [] {
        tensor({1, 2}).add_(0.5);
      },
      "result type Float can't be cast to the desired "
      "output type Long"));
  EXPECT_TRUE(throwsWith(
      [] {
        tensor({1, 2}).div_(2);
      },
      "result type Float can't be cast to the desired "
      "output type Long"));
  EXPECT_TRUE(throwsWith([] { ones({2}).clamp(); },
                         "torch.clamp: At least one of 'min' or 'max' must "
                         "not be None"));
  EXPECT_TRUE(throwsWith(
      [] {
        tensor({1, 2}).norm();
      },
      "linalg.vector_norm: Expected a floating point or "
      "complex tensor as input. Got Long"));
  EXPECT_TRUE(throwsWith([] { randn({2}, kLong); },
                         "\"normal_kernel_cpu\" not implemented for 'Long'"));
  EXPECT_TRUE(throwsWith([] { zeros({0}).max(); },
                         "max(): Expected reduction dim to be specified for "
                         "input.numel() == 0."));
  EXPECT_TRUE(throwsWith(
      [] {
        zeros({2, 0}).max(1);
      },
      "max(): Expected reduction dim 1 to have non-zero "
      "size."));
  EXPECT_TRUE(throwsWith([] { zeros({-1}); },
                         "Trying to create tensor with negative dimension -1"));
  EXPECT_TRUE(throwsWith([] { arange(0, 5, 0); }, "step must be nonzero"));
  EXPECT_TRUE(throwsWith([] { arange(5, 0, 1); },
                         "upper bound and larger bound inconsistent with step "
                         "sign"));
  EXPECT_TRUE(
      throwsWith([] { ones({2}).to(Device(kCUDA)); }, "CUDA is not available"));
}

TEST(Errors, ConcatAndIndexing) {
  EXPECT_TRUE(throwsWith(
      [] {
        cat({ones({2, 3}), ones({2, 2})});
      },
      "Sizes of tensors must match except in dimension 0. "
      "Expected size 3 but got size 2 for tensor number 1 "
      "in the list."));
  EXPECT_TRUE(throwsWith(
      [] {
        cat({ones({2}), ones({2, 2})});
      },
      "Tensors must have same number of dimensions: got 1 "
      "and 2"));
  EXPECT_TRUE(throwsWith(
      [] {
        cat({tensor(1.), tensor(2.)});
      },
      "zero-dimensional tensor (at position 0) cannot be "
      "concatenated"));
  EXPECT_TRUE(throwsWith([] { cat(TensorList()); },
                         "torch.cat(): expected a non-empty list of Tensors"));
  EXPECT_TRUE(throwsWith(
      [] {
        stack({ones({2}), ones({3})});
      },
      "stack expects each tensor to be equal size, but got "
      "[2] at entry 0 and [3] at entry 1"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2}).index({0, 0});
      },
      "too many indices for tensor of dimension 1"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 2}).index({tensor({true})});
      },
      "The shape of the mask [1] at index 0 does not "
      "match the shape of the indexed tensor [2, 2] at "
      "index 0"));
  EXPECT_TRUE(throwsWith(
      [] {
        ones({2, 2}).index({tensor({0.5})});
      },
      "tensors used as indices must be long, int, byte or bool tensors"));
  EXPECT_TRUE(throwsWith([] { ones({2}).index({"..x"}); },
                         "Expected \"...\" to represent an ellipsis index"));
  EXPECT_TRUE(throwsWith(
      [] {
        Tensor x = zeros({2, 2});
        x.index_put_({x > -1}, ones({3}));
      },
      "shape mismatch: value tensor of shape [3] cannot be broadcast to "
      "indexing result of shape [4]"));
}

TEST(Errors, MalformedInputsAreErrorsNotWrongAnswers) {
  // Element or byte counts that overflow int64.
  EXPECT_TRUE(throwsWith(
      [] {
        ones({int64_t(1) << 62, 4});
      },
      "Storage size calculation overflowed with sizes="));
  EXPECT_TRUE(throwsWith(
      [] {
        empty({int64_t(1) << 61, 8}, kDouble);
      },
      "Storage size calculation overflowed"));
  // Checked conversions of item().
  Tensor big = full({}, double(int64_t(1) << 40), kLong);
  EXPECT_EQ(big.item<int64_t>(), int64_t(1) << 40);
  EXPECT_TRUE(throwsWith([&] { big.item<int>(); },
                         "value cannot be converted to type int32_t without "
                         "overflow"));
  EXPECT_TRUE(throwsWith([] { full({}, 1e300, kDouble).item<float>(); },
                         "value cannot be converted to type float without "
                         "overflow"));
  EXPECT_TRUE(std::isinf(full({}, INFINITY, kDouble).item<float>()));
  // .grad of another dtype, data_ptr of another type.
  Tensor w = ones({2}).requires_grad_();
  EXPECT_TRUE(throwsWith([&] { w.set_grad(ones({2}, kDouble)); },
                         "assigned grad has data of a different type"));
  EXPECT_TRUE(throwsWith([] { ones({2}).data_ptr<double>(); },
                         "expected scalar type Double but found Float"));
  EXPECT_NE(ones({2}).data_ptr<float>(), nullptr);
  // In-place random fills on a leaf that requires grad.
  EXPECT_TRUE(throwsWith([&] { w.uniform_(0, 1); },
                         "a leaf Variable that requires grad is being used "
                         "in an in-place operation."));
  {
    NoGradGuard noGrad;
    w.uniform_(0, 1); // initialization, as nn::init does
  }
  // Integer powers with a negative exponent.
  EXPECT_TRUE(throwsWith([] { full({2}, 2.0, kLong).pow(-1); },
                         "Integers to negative integer powers are not "
                         "allowed."));
  EXPECT_TRUE(full({2}, 2.0, kLong).pow(3).equal(full({2}, 8.0, kLong)));
  // An optimizer step with a gradient of another shape.
  Tensor p = ones({3}).requires_grad_();
  p.mutable_grad() = ones({2});
  optim::SGD sgd({p}, optim::SGDOptions(0.1));
  EXPECT_TRUE(throwsWith([&] { sgd.step(); },
                         "SGD: a parameter of shape [3] has a gradient of "
                         "shape [2]"));
  optim::Adam adam({p}, optim::AdamOptions(0.1));
  EXPECT_TRUE(throwsWith([&] { adam.step(); },
                         "Adam: a parameter of shape [3] has a gradient of "
                         "shape [2]"));
}

TEST(Errors, ZeroDimTensorHasNoSizes) {
  Tensor s = full({}, 1.0);
  EXPECT_TRUE(throwsWith([&] { s.size(0); },
                         "dimension specified as 0 but tensor has no "
                         "dimensions"));
  EXPECT_TRUE(throwsWith([&] { s.stride(-1); }, "tensor has no dimensions"));
  EXPECT_TRUE(throwsWith([&] { s.narrow(0, 0, 1); },
                         "narrow() cannot be applied to a 0-dim tensor."));
  EXPECT_EQ(s.sum(0).item<float>(), 1.0f); // reductions wrap a scalar's dim
}
