//===- ExportStep.cpp - The seed training step, traced and saved ----------===//
//
// The first half of the ahead-of-time example: trains the seed TwoLayerNet
// (64 x 1000 -> 100 -> 10, MSE sum, SGD lr 1e-4) eagerly for reference, then
// runs the same step once under kiln::compile and saves it:
//   <dir>/mlp_step.{mlir,json,safetensors}  the step (state after call 1)
//   <dir>/data.safetensors                  x, y, and eager's losses
// kiln-compile turns mlp_step.mlir into an object file and a header;
// TrainStep.c trains from there with kiln_runtime alone.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

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

constexpr int64_t N = 64, DIn = 1000, H = 100, DOut = 10;
constexpr int kSteps = 500;

/// The seed step over a model built from seed 0; `steps` eager calls (0:
/// none) record their losses.
struct Trainer {
  Trainer()
      : x((kiln::manual_seed(0), kiln::randn({N, DIn}))),
        y(kiln::randn({N, DOut})), model(DIn, H, DOut),
        criterion(kiln::nn::MSELossOptions().reduction(kiln::kSum)),
        optimizer(model->parameters(), kiln::optim::SGDOptions(1e-4)) {}
  kiln::Tensor step(const kiln::Tensor &x, const kiln::Tensor &y) {
    kiln::Tensor loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    return loss;
  }
  kiln::Tensor x, y;
  TwoLayerNet model;
  kiln::nn::MSELoss criterion;
  kiln::optim::SGD optimizer;
};

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " OUTPUT_DIR\n";
    return 2;
  }
  std::string dir = argv[1];

  Trainer eager;
  kiln::Tensor losses = kiln::empty({kSteps}, kiln::kFloat);
  for (int i = 0; i < kSteps; ++i)
    losses[i] = eager.step(eager.x, eager.y).detach();

  Trainer traced;
  kiln::CompileOptions options;
  options.name = "mlp_step";
  auto step = kiln::compile(
      [&](kiln::Tensor x, kiln::Tensor y) { return traced.step(x, y); },
      options);
  double first = step(traced.x, traced.y).item<double>();
  step.save(dir + "/mlp_step");

  kiln::OrderedDict<std::string, kiln::Tensor> data;
  data.insert("x", traced.x);
  data.insert("y", traced.y);
  data.insert("eager_losses", losses);
  kiln::save_safetensors(data, dir + "/data.safetensors");
  std::printf("saved %s/mlp_step after step 1 (loss %.6f, eager %.6f)\n",
              dir.c_str(), first, losses[0].item<double>());
  return 0;
}
