//===- SmokeTest.cpp - The seed autograd walkthrough ----------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

using namespace kiln;

TEST(Smoke, SeedAutogradMeanOfSquares) {
  Tensor x = ones({2, 2}, requires_grad());
  Tensor y = x + 2;
  Tensor out = (y * y * 3).mean();
  EXPECT_EQ(out.item<float>(), 27.0f);
  out.backward();
  EXPECT_TRUE(x.grad().allclose(full({2, 2}, 4.5)));
}
