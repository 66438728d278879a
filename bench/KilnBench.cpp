//===- KilnBench.cpp - kiln eager benchmarks ------------------------------===//
//
// Run through `./kiln.sh bench` (one thread). With libtorch installed the
// same workloads run in the same process (TorchBench.cpp), so the ratios
// compare like with like.
//
//===----------------------------------------------------------------------===//
#include "SeedShapes.h"

#include <benchmark/benchmark.h>
#include <kiln/kiln.h>

extern "C" void openblas_set_num_threads(int);

namespace {

/// Dispatch overhead of one small op (2x2 + 2x2).
void BM_KilnSmallAdd(benchmark::State &state) {
  kiln::Tensor a = kiln::ones({2, 2}), b = kiln::ones({2, 2});
  for (auto _ : state)
    benchmark::DoNotOptimize(a + b);
}
BENCHMARK(BM_KilnSmallAdd);

/// One small op recording autograd history.
void BM_KilnSmallAddWithGrad(benchmark::State &state) {
  kiln::Tensor a = kiln::ones({2, 2}, kiln::requires_grad()),
               b = kiln::ones({2, 2});
  for (auto _ : state)
    benchmark::DoNotOptimize(a + b);
}
BENCHMARK(BM_KilnSmallAddWithGrad);

struct Mlp {
  Mlp()
      : model(kiln::nn::Linear(seed::DIn, seed::H), kiln::nn::ReLU(),
              kiln::nn::Linear(seed::H, seed::DOut)),
        x(kiln::randn({seed::N, seed::DIn})),
        y(kiln::randn({seed::N, seed::DOut})) {}
  kiln::nn::Sequential model;
  kiln::nn::MSELoss loss{kiln::nn::MSELossOptions().reduction(kiln::kSum)};
  kiln::Tensor x, y;
};

/// The seed MLP training step with SGD (forward, backward, update).
void BM_KilnMlpStepSGD(benchmark::State &state) {
  Mlp m;
  kiln::optim::SGD opt(m.model->parameters(), kiln::optim::SGDOptions(1e-4));
  for (auto _ : state) {
    kiln::Tensor l = m.loss(m.model(m.x), m.y);
    opt.zero_grad();
    l.backward();
    opt.step();
  }
}
BENCHMARK(BM_KilnMlpStepSGD)->Unit(benchmark::kMicrosecond);

void BM_KilnMlpStepAdam(benchmark::State &state) {
  Mlp m;
  kiln::optim::Adam opt(m.model->parameters(), kiln::optim::AdamOptions(1e-4));
  for (auto _ : state) {
    kiln::Tensor l = m.loss(m.model(m.x), m.y);
    opt.zero_grad();
    l.backward();
    opt.step();
  }
}
BENCHMARK(BM_KilnMlpStepAdam)->Unit(benchmark::kMicrosecond);

/// The linear-regression step of the seed (3 -> 1, batch 1, SGD momentum).
void BM_KilnLinRegStep(benchmark::State &state) {
  kiln::nn::Linear model(3, 1);
  kiln::optim::SGD opt(model->parameters(),
                       kiln::optim::SGDOptions(1e-4).momentum(0.1));
  kiln::Tensor x = kiln::rand({1, 3});
  kiln::Tensor y = x.index({kiln::indexing::Slice(), 0}) * 3;
  for (auto _ : state) {
    opt.zero_grad();
    kiln::Tensor yHat = model(x);
    kiln::Tensor l = ((y - yHat) * (y - yHat)).sum() / x.size(0);
    l.backward();
    opt.step();
    benchmark::DoNotOptimize(l.item<float>());
  }
}
BENCHMARK(BM_KilnLinRegStep)->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char **argv) {
  openblas_set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
