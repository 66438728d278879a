//===- Demo.cpp - Trains the seed TwoLayerNet -----------------------------===//
//
// The main job: the TwoLayerNet of the PyTorch "learning with examples"
// tutorial (64 x 1000 -> 100 -> 10, MSE sum, SGD), trained with kiln's eager
// engine. Prints the loss curve, the time per step and the model.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace {

struct TwoLayerNetImpl : kiln::nn::Module {
  TwoLayerNetImpl(int64_t inputs, int64_t hidden, int64_t outputs)
      : linear1(register_module("linear1", kiln::nn::Linear(inputs, hidden))),
        linear2(register_module("linear2", kiln::nn::Linear(hidden, outputs))) {
  }
  kiln::Tensor forward(const kiln::Tensor &x) {
    return linear2(linear1(x).clamp_min(0));
  }
  kiln::nn::Linear linear1, linear2;
};
KILN_MODULE(TwoLayerNet);

} // namespace

int main() {
  const int64_t N = 64, D_in = 1000, H = 100, D_out = 10;
  const int steps = 500;
  kiln::manual_seed(0);
  kiln::Tensor x = kiln::randn({N, D_in});
  kiln::Tensor y = kiln::randn({N, D_out});
  TwoLayerNet model(D_in, H, D_out);
  kiln::nn::MSELoss criterion(kiln::nn::MSELossOptions().reduction(kiln::kSum));
  kiln::optim::SGD optimizer(model->parameters(),
                             kiln::optim::SGDOptions(1e-4));
  std::cout << model << "\n\n";
  std::cout << "Training eagerly (" << steps << " SGD steps, batch " << N
            << ")\n";

  double first = 0, last = 0;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < steps; ++t) {
    kiln::Tensor loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    last = loss.item<double>();
    if (t == 0)
      first = last;
    if (t % 100 == 99 || t == 0)
      std::printf("  step %3d  loss %.6f\n", t + 1, last);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("eager: %.1f us per training step\n", seconds / steps * 1e6);
  std::printf("loss fell from %.3f to %.6f\n", first, last);
  if (!(last < first * 1e-2)) {
    std::fprintf(stderr, "error: the loss did not fall\n");
    return 1;
  }
  return 0;
}
