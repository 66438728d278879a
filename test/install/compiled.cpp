//===- compiled.cpp - kiln::compile from the installed package ------------===//
#include <kiln/Compile.h>
#include <kiln/kiln.h>

#include <cmath>
#include <iostream>

/// Trains y = 2x + 1 for 30 steps, eagerly or compiled; the final loss.
double train(bool compiled, size_t &hits) {
  kiln::manual_seed(1);
  kiln::nn::Linear layer(1, 1);
  kiln::optim::SGD sgd(layer->parameters(),
                       kiln::optim::SGDOptions(0.1).momentum(0.5));
  kiln::Tensor x = kiln::tensor({{0.0}, {1.0}, {2.0}, {3.0}});
  kiln::Tensor y = x * 2 + 1;
  auto step = [&](kiln::Tensor in, kiln::Tensor target) {
    kiln::Tensor loss = kiln::nn::functional::mse_loss(layer(in), target);
    sgd.zero_grad();
    loss.backward();
    sgd.step();
    return loss;
  };
  auto fast = kiln::compile(step);
  double loss = 0;
  for (int i = 0; i < 30; ++i)
    loss = (compiled ? fast(x, y) : step(x, y)).item<double>();
  hits = fast.stats().hits;
  return loss;
}

int main() {
  size_t hits = 0, unused = 0;
  double eager = train(false, unused), compiled = train(true, hits);
  std::cout << "installed kiln::compile: loss " << compiled << " (eager "
            << eager << "), " << hits << " compiled calls\n";
  bool same = std::fabs(compiled - eager) <= 1e-5 * std::fabs(eager) + 1e-7;
  return same && hits >= 25 ? 0 : 1;
}
