//===- LinearRegression.cpp - Approximating a function with nn::Linear ----===//
//
// Ports the "Example" program of the "Hello PyTorch" tutorial: MyModel, a
// single nn::Linear(3, 1), learns f(x) = 3 x0 + x1 - 2 x2 from random inputs
// with SGD (lr 1e-4, momentum 0.1) and batch size 1, epoch after epoch until
// the average loss of an epoch falls below .001.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>

using kiln::indexing::Slice;

namespace {

struct MyModelImpl : kiln::nn::Module {
  MyModelImpl(int64_t input_size, int64_t output_size)
      : linear(register_module("linear",
                               kiln::nn::Linear(input_size, output_size))) {}
  kiln::Tensor forward(const kiln::Tensor &x) { return linear(x); }
  kiln::nn::Linear linear;
};
KILN_MODULE(MyModel);

kiln::Tensor ground_truth(const kiln::Tensor &x) {
  return 3 * x.index({Slice(), 0}) + x.index({Slice(), 1}) -
         2 * x.index({Slice(), 2});
}

/// One step of gradient descent; returns the loss before the step.
double train(MyModel &model, const kiln::Tensor &x, const kiln::Tensor &y,
             kiln::optim::Optimizer &optim) {
  // Initialize the gradients of all parameters in the module.
  optim.zero_grad();
  // Feed-forward, then the error between the answer and the inference.
  kiln::Tensor y_hat = model(x);
  kiln::Tensor loss = (y - y_hat).pow(2).sum() / x.size(0);
  // Back-propagation, then one step of gradient descent.
  loss.backward();
  optim.step();
  return loss.item<double>();
}

} // namespace

int main() {
  kiln::manual_seed(0);

  const int64_t batch_size = 1;
  const int n_epochs = 1000;
  const int n_iter = 10000;

  MyModel model(3, 1);
  kiln::optim::SGD optim(model->parameters(),
                         kiln::optim::SGDOptions(0.0001).momentum(0.1));
  std::cout << model << "\n";

  double first_loss = -1, avg_loss = 0;
  bool converged = false;
  kiln::Tensor y_valid, y_hat;
  for (int epoch = 0; epoch < n_epochs; ++epoch) {
    avg_loss = 0;
    for (int i = 0; i < n_iter; ++i) {
      kiln::Tensor x = kiln::rand({batch_size, 3});
      kiln::Tensor y = ground_truth(x);
      avg_loss += train(model, x, y, optim);
    }
    avg_loss = avg_loss / n_iter;
    if (first_loss < 0)
      first_loss = avg_loss;

    // A simple test sample to check the network.
    kiln::Tensor x_valid = kiln::tensor({{.3, .2, .1}});
    y_valid = ground_truth(x_valid);

    model->eval();
    y_hat = model(x_valid);
    model->train();

    // Python's y_valid.data[0] and y_hat.data[0, 0].
    std::cout << avg_loss << " " << y_valid.detach().index({0}) << " "
              << y_hat.detach().index({0, 0}) << "\n";

    if (avg_loss < .001) { // Finish training once the loss is below .001.
      converged = true;
      break;
    }
  }

  if (!converged) {
    std::cerr << "FAILED: average loss " << avg_loss
              << " did not fall below .001 in " << n_epochs << " epochs\n";
    return 1;
  }
  if (!(avg_loss < first_loss)) {
    std::cerr << "FAILED: the loss did not decrease\n";
    return 1;
  }
  double error =
      std::abs(y_hat[0][0].item<double>() - y_valid[0].item<double>());
  if (error > 0.1) {
    std::cerr << "FAILED: prediction " << y_hat[0][0].item<double>()
              << " is far from " << y_valid[0].item<double>() << "\n";
    return 1;
  }
  return 0;
}
