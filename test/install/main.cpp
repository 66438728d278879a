//===- main.cpp - A user program built with find_package(kiln) ------------===//
#include <kiln/kiln.h>

#include <iostream>

int main() {
  kiln::manual_seed(1);
  kiln::nn::Linear layer(3, 1);
  kiln::optim::SGD sgd(layer->parameters(), kiln::optim::SGDOptions(0.01));
  kiln::Tensor x = kiln::tensor({{1.0, 2.0, 3.0}});
  kiln::Tensor target = kiln::tensor({{1.0}});
  double before = 0, after = 0;
  for (int i = 0; i < 20; ++i) {
    kiln::Tensor loss = kiln::nn::functional::mse_loss(layer(x), target);
    if (i == 0)
      before = loss.item<double>();
    after = loss.item<double>();
    sgd.zero_grad();
    loss.backward();
    sgd.step();
  }
  std::cout << "installed kiln: loss " << before << " -> " << after << "\n";
  return after < before ? 0 : 1;
}
