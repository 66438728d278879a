//===- DynamicNet.cpp - Control flow and weight sharing -------------------===//
//
// Ports the "Control Flow + Weight Sharing" program of "Learning PyTorch with
// Examples": each forward pass reuses the middle Linear layer a random 0 to
// 3 times, so the graph changes from step to step while the weights are
// shared. Trained with sum-reduced MSELoss and SGD (lr 1e-4, momentum 0.9).
// Python's random.randint(0, 3) becomes a seeded std::mt19937.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>
#include <random>

namespace {

struct DynamicNetImpl : kiln::nn::Module {
  DynamicNetImpl(int64_t D_in, int64_t H, int64_t D_out)
      : input_linear(
            register_module("input_linear", kiln::nn::Linear(D_in, H))),
        middle_linear(register_module("middle_linear", kiln::nn::Linear(H, H))),
        output_linear(
            register_module("output_linear", kiln::nn::Linear(H, D_out))) {}

  /// Ordinary C++ control flow builds the graph; reusing middle_linear
  /// several times in one pass is safe.
  kiln::Tensor forward(const kiln::Tensor &x) {
    kiln::Tensor h_relu = input_linear(x).clamp(0);
    int repeats = std::uniform_int_distribution<int>(0, 3)(rng);
    repeatCounts[repeats]++;
    for (int i = 0; i < repeats; ++i)
      h_relu = middle_linear(h_relu).clamp(0);
    kiln::Tensor y_pred = output_linear(h_relu);
    return y_pred;
  }

  kiln::nn::Linear input_linear, middle_linear, output_linear;
  std::mt19937 rng{0};
  int repeatCounts[4] = {0, 0, 0, 0};
};
KILN_MODULE(DynamicNet);

} // namespace

int main() {
  kiln::manual_seed(0);

  const int64_t N = 64, D_in = 1000, H = 100, D_out = 10;

  kiln::Tensor x = kiln::randn({N, D_in});
  kiln::Tensor y = kiln::randn({N, D_out});

  DynamicNet model(D_in, H, D_out);
  kiln::nn::MSELoss criterion(kiln::nn::MSELossOptions().reduction(kiln::kSum));
  kiln::optim::SGD optimizer(model->parameters(),
                             kiln::optim::SGDOptions(1e-4).momentum(0.9));

  double first_loss = 0, last_loss = 0;
  for (int t = 0; t < 500; ++t) {
    kiln::Tensor y_pred = model(x);
    kiln::Tensor loss = criterion(y_pred, y);
    last_loss = loss.item<double>();
    if (t == 0)
      first_loss = last_loss;
    if (t % 100 == 99)
      std::cout << t << " " << last_loss << "\n";

    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }

  std::cout << "middle layer repeats (0/1/2/3 times):";
  for (int count : model->repeatCounts)
    std::cout << " " << count;
  std::cout << "\n";

  for (int count : model->repeatCounts)
    if (count == 0) {
      std::cerr << "FAILED: some repetition count never occurred\n";
      return 1;
    }
  if (!std::isfinite(last_loss) || !(last_loss < first_loss)) {
    std::cerr << "FAILED: loss went from " << first_loss << " to " << last_loss
              << "\n";
    return 1;
  }
  return 0;
}
