//===- NnSequential.cpp - nn::Sequential with manual weight updates -------===//
//
// Ports the "nn module" program of "Learning PyTorch with Examples": the
// two-layer network as nn::Sequential(Linear, ReLU, Linear), MSELoss with sum
// reduction, and gradient descent written by hand over model->parameters().
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>

int main() {
  kiln::manual_seed(0);

  const int64_t N = 64, D_in = 1000, H = 100, D_out = 10;

  kiln::Tensor x = kiln::randn({N, D_in});
  kiln::Tensor y = kiln::randn({N, D_out});

  // The model as a sequence of layers; the Linear layers hold their weights
  // and biases.
  kiln::nn::Sequential model(kiln::nn::Linear(D_in, H), kiln::nn::ReLU(),
                             kiln::nn::Linear(H, D_out));
  std::cout << model << "\n";

  // The mean squared error, summed instead of averaged.
  kiln::nn::MSELoss loss_fn(kiln::nn::MSELossOptions().reduction(kiln::kSum));

  const double learning_rate = 1e-4;
  double first_loss = 0, last_loss = 0;
  for (int t = 0; t < 500; ++t) {
    // Forward pass: calling the module runs its forward().
    kiln::Tensor y_pred = model(x);

    kiln::Tensor loss = loss_fn(y_pred, y);
    last_loss = loss.item<double>();
    if (t == 0)
      first_loss = last_loss;
    if (t % 100 == 99)
      std::cout << t << " " << last_loss << "\n";

    // Zero the gradients, then backprop into every parameter.
    model->zero_grad();
    loss.backward();

    // Gradient descent on each parameter.
    {
      kiln::NoGradGuard noGrad;
      for (kiln::Tensor &param : model->parameters())
        param -= learning_rate * param.grad();
    }
  }

  if (model->parameters().size() != 4) {
    std::cerr << "FAILED: expected 4 parameters (2 weights, 2 biases)\n";
    return 1;
  }
  if (!std::isfinite(last_loss) || !(last_loss < first_loss)) {
    std::cerr << "FAILED: loss went from " << first_loss << " to " << last_loss
              << "\n";
    return 1;
  }
  return 0;
}
