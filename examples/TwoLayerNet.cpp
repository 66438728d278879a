//===- TwoLayerNet.cpp - A custom nn::Module trained with optim::SGD ------===//
//
// Ports the "Custom nn Modules" program of "Learning PyTorch with Examples":
// TwoLayerNet registers two Linear submodules and defines forward; it is
// trained with sum-reduced MSELoss and optim::SGD (lr 1e-4).
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>

namespace {

struct TwoLayerNetImpl : kiln::nn::Module {
  TwoLayerNetImpl(int64_t D_in, int64_t H, int64_t D_out)
      : linear1(register_module("linear1", kiln::nn::Linear(D_in, H))),
        linear2(register_module("linear2", kiln::nn::Linear(H, D_out))) {}

  kiln::Tensor forward(const kiln::Tensor &x) {
    kiln::Tensor h_relu = linear1(x).clamp(0);
    kiln::Tensor y_pred = linear2(h_relu);
    return y_pred;
  }

  kiln::nn::Linear linear1, linear2;
};
KILN_MODULE(TwoLayerNet);

} // namespace

int main() {
  kiln::manual_seed(0);

  const int64_t N = 64, D_in = 1000, H = 100, D_out = 10;

  kiln::Tensor x = kiln::randn({N, D_in});
  kiln::Tensor y = kiln::randn({N, D_out});

  TwoLayerNet model(D_in, H, D_out);
  std::cout << model << "\n";
  kiln::nn::MSELoss criterion(kiln::nn::MSELossOptions().reduction(kiln::kSum));
  kiln::optim::SGD optimizer(model->parameters(),
                             kiln::optim::SGDOptions(1e-4));

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

  if (model->parameters().size() != 4) {
    std::cerr << "FAILED: expected the 4 parameters of linear1 and linear2\n";
    return 1;
  }
  if (!std::isfinite(last_loss) || !(last_loss < first_loss)) {
    std::cerr << "FAILED: loss went from " << first_loss << " to " << last_loss
              << "\n";
    return 1;
  }
  return 0;
}
