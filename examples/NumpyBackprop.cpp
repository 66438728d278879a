//===- NumpyBackprop.cpp - A two-layer network with manual backprop -------===//
//
// Ports the NumPy program of "Learning PyTorch with Examples": a two-layer
// ReLU network whose forward and backward passes are written by hand. The
// arrays become float64 kiln tensors (NumPy's default dtype) that never
// record autograd history; x.dot(w) is mm, np.maximum(h, 0) is clamp_min and
// .T is t(). The NumPy version prints every step; this prints every 100th
// like the other programs of the tutorial.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>

int main() {
  kiln::manual_seed(0);
  const auto float64 = kiln::dtype(kiln::kDouble);

  // N is batch size; D_in is input dimension;
  // H is hidden dimension; D_out is output dimension.
  const int64_t N = 64, D_in = 1000, H = 100, D_out = 10;

  // Create random input and output data.
  kiln::Tensor x = kiln::randn({N, D_in}, float64);
  kiln::Tensor y = kiln::randn({N, D_out}, float64);

  // Randomly initialize weights.
  kiln::Tensor w1 = kiln::randn({D_in, H}, float64);
  kiln::Tensor w2 = kiln::randn({H, D_out}, float64);

  const double learning_rate = 1e-6;
  double first_loss = 0, loss = 0;
  for (int t = 0; t < 500; ++t) {
    // Forward pass: compute predicted y.
    kiln::Tensor h = x.mm(w1);
    kiln::Tensor h_relu = h.clamp_min(0);
    kiln::Tensor y_pred = h_relu.mm(w2);

    // Compute and print loss.
    loss = (y_pred - y).square().sum().item<double>();
    if (t == 0)
      first_loss = loss;
    if (t % 100 == 99)
      std::cout << t << " " << loss << "\n";

    // Backprop to compute gradients of w1 and w2 with respect to loss.
    kiln::Tensor grad_y_pred = 2.0 * (y_pred - y);
    kiln::Tensor grad_w2 = h_relu.t().mm(grad_y_pred);
    kiln::Tensor grad_h_relu = grad_y_pred.mm(w2.t());
    kiln::Tensor grad_h = grad_h_relu.clone();
    grad_h.index_put_({h < 0}, 0);
    kiln::Tensor grad_w1 = x.t().mm(grad_h);

    // Update weights.
    w1 -= learning_rate * grad_w1;
    w2 -= learning_rate * grad_w2;
  }

  if (w1.requires_grad() || w2.requires_grad()) {
    std::cerr << "FAILED: the NumPy version must not use autograd\n";
    return 1;
  }
  if (!std::isfinite(loss) || !(loss < first_loss)) {
    std::cerr << "FAILED: loss went from " << first_loss << " to " << loss
              << "\n";
    return 1;
  }
  return 0;
}
