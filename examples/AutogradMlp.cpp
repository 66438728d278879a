//===- AutogradMlp.cpp - A two-layer network trained with autograd --------===//
//
// Ports the "Autograd" program of "Learning PyTorch with Examples": the
// backward pass of the two-layer ReLU network comes from loss.backward(), and
// the weights are updated by hand under NoGradGuard (Python's
// `with torch.no_grad():`), zeroing their gradients after each step.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>

int main() {
  kiln::manual_seed(0);
  const auto options = kiln::TensorOptions().dtype(kiln::kFloat);

  const int64_t N = 64, D_in = 1000, H = 100, D_out = 10;

  // Inputs and outputs do not need gradients.
  kiln::Tensor x = kiln::randn({N, D_in}, options);
  kiln::Tensor y = kiln::randn({N, D_out}, options);

  // The weights do: backward fills their .grad.
  kiln::Tensor w1 = kiln::randn({D_in, H}, options.requires_grad(true));
  kiln::Tensor w2 = kiln::randn({H, D_out}, options.requires_grad(true));

  const double learning_rate = 1e-6;
  double first_loss = 0, last_loss = 0;
  for (int t = 0; t < 500; ++t) {
    // Forward pass; no need to keep the intermediate values.
    kiln::Tensor y_pred = x.mm(w1).clamp(0).mm(w2);

    // The loss is a 0-dim tensor; item() gets its value.
    kiln::Tensor loss = (y_pred - y).pow(2).sum();
    last_loss = loss.item<double>();
    if (t == 0)
      first_loss = last_loss;
    if (t % 100 == 99)
      std::cout << t << " " << last_loss << "\n";

    // Gradients of loss with respect to every tensor that requires grad.
    loss.backward();

    // Update the weights without recording the update in the graph.
    {
      kiln::NoGradGuard noGrad;
      w1 -= learning_rate * w1.grad();
      w2 -= learning_rate * w2.grad();

      // Zero the gradients after updating the weights.
      w1.grad().zero_();
      w2.grad().zero_();
    }
  }

  if (!w1.is_leaf() || !w2.is_leaf()) {
    std::cerr << "FAILED: updates under NoGradGuard must keep leaves\n";
    return 1;
  }
  if (!std::isfinite(last_loss) || !(last_loss < first_loss)) {
    std::cerr << "FAILED: loss went from " << first_loss << " to " << last_loss
              << "\n";
    return 1;
  }
  return 0;
}
