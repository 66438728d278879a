//===- OptimAdam.cpp - Training nn::Sequential with optim::Adam -----------===//
//
// Ports the "optim" program of "Learning PyTorch with Examples": the same
// nn::Sequential model and sum-reduced MSELoss, with the updates done by
// optim::Adam (lr 1e-4).
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

  kiln::nn::Sequential model(kiln::nn::Linear(D_in, H), kiln::nn::ReLU(),
                             kiln::nn::Linear(H, D_out));
  kiln::nn::MSELoss loss_fn(kiln::nn::MSELossOptions().reduction(kiln::kSum));

  // The optimizer's first argument says which tensors it updates.
  const double learning_rate = 1e-4;
  kiln::optim::Adam optimizer(model->parameters(),
                              kiln::optim::AdamOptions(learning_rate));

  double first_loss = 0, last_loss = 0;
  for (int t = 0; t < 500; ++t) {
    kiln::Tensor y_pred = model(x);
    kiln::Tensor loss = loss_fn(y_pred, y);
    last_loss = loss.item<double>();
    if (t == 0)
      first_loss = last_loss;
    if (t % 100 == 99)
      std::cout << t << " " << last_loss << "\n";

    // backward() accumulates into .grad, so clear it first.
    optimizer.zero_grad();
    loss.backward();
    // One update of every parameter.
    optimizer.step();
  }

  if (!std::isfinite(last_loss) || !(last_loss < first_loss)) {
    std::cerr << "FAILED: loss went from " << first_loss << " to " << last_loss
              << "\n";
    return 1;
  }
  return 0;
}
