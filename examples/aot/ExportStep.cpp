//===- ExportStep.cpp - The seed training step, traced and saved ----------===//
//
// The first half of the ahead-of-time example: trains the seed TwoLayerNet
// (64 x 1000 -> 100 -> 10, MSE sum; SGD lr 1e-4, or Adam lr 1e-3) eagerly
// for reference, then runs the same step under kiln::compile until it runs
// compiled, and saves it:
//   <dir>/mlp_step.{mlir,json,safetensors}  the step and its state
//   <dir>/data.safetensors                  x, y, eager's losses, and
//                                           `start`, the calls made so far
// kiln-compile turns mlp_step.mlir into an object file and a header;
// TrainStep.c trains from there with kiln_runtime alone.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <cstdio>
#include <iostream>
#include <memory>

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

constexpr int64_t N = 64, DIn = 1000, H = 100, DOut = 10;
constexpr int kSteps = 500;

/// The seed step over data and a model built from seed 0.
struct Trainer {
  explicit Trainer(bool adam)
      : x((kiln::manual_seed(0), kiln::randn({N, DIn}))),
        y(kiln::randn({N, DOut})), model(DIn, H, DOut),
        criterion(kiln::nn::MSELossOptions().reduction(kiln::kSum)) {
    if (adam)
      optimizer = std::make_unique<kiln::optim::Adam>(
          model->parameters(), kiln::optim::AdamOptions(1e-3));
    else
      optimizer = std::make_unique<kiln::optim::SGD>(
          model->parameters(), kiln::optim::SGDOptions(1e-4));
  }
  kiln::Tensor step(const kiln::Tensor &x, const kiln::Tensor &y) {
    kiln::Tensor loss = criterion(model(x), y);
    optimizer->zero_grad();
    loss.backward();
    optimizer->step();
    return loss;
  }
  kiln::Tensor x, y;
  TwoLayerNet model;
  kiln::nn::MSELoss criterion;
  std::unique_ptr<kiln::optim::Optimizer> optimizer;
};

} // namespace

int main(int argc, char **argv) {
  std::string which = argc == 3 ? argv[2] : "";
  if (which != "sgd" && which != "adam") {
    std::cerr << "usage: " << argv[0] << " OUTPUT_DIR sgd|adam\n";
    return 2;
  }
  std::string dir = argv[1];
  bool adam = which == "adam";

  Trainer eager(adam);
  kiln::Tensor losses = kiln::empty({kSteps}, kiln::kFloat);
  for (int i = 0; i < kSteps; ++i)
    losses[i] = eager.step(eager.x, eager.y).detach();

  // Called until a call runs compiled code: Adam's first call creates its
  // state, so its second call traces again.
  Trainer traced(adam);
  kiln::CompileOptions options;
  options.name = "mlp_step";
  auto step = kiln::compile(
      [&](kiln::Tensor x, kiln::Tensor y) { return traced.step(x, y); },
      options);
  int64_t calls = 0;
  while (step.stats().hits == 0 && calls < 5) {
    step(traced.x, traced.y);
    ++calls;
  }
  step.save(dir + "/mlp_step");

  kiln::OrderedDict<std::string, kiln::Tensor> data;
  data.insert("x", traced.x);
  data.insert("y", traced.y);
  data.insert("eager_losses", losses);
  data.insert("start", kiln::tensor(calls));
  kiln::save_safetensors(data, dir + "/data.safetensors");
  std::printf("saved %s/mlp_step (%s) after %lld calls\n", dir.c_str(),
              which.c_str(), static_cast<long long>(calls));
  return 0;
}
