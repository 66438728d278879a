//===- TorchBench.cpp - The same workloads in libtorch --------------------===//
#include "SeedShapes.h"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

namespace {

struct OneThread {
  OneThread() { torch::set_num_threads(1); }
} oneThread;

void BM_TorchSmallAdd(benchmark::State &state) {
  torch::Tensor a = torch::ones({2, 2}), b = torch::ones({2, 2});
  for (auto _ : state)
    benchmark::DoNotOptimize(a + b);
}
BENCHMARK(BM_TorchSmallAdd);

void BM_TorchSmallAddWithGrad(benchmark::State &state) {
  torch::Tensor a = torch::ones({2, 2}, torch::requires_grad()),
                b = torch::ones({2, 2});
  for (auto _ : state)
    benchmark::DoNotOptimize(a + b);
}
BENCHMARK(BM_TorchSmallAddWithGrad);

struct Mlp {
  Mlp()
      : model(torch::nn::Linear(seed::DIn, seed::H), torch::nn::ReLU(),
              torch::nn::Linear(seed::H, seed::DOut)),
        x(torch::randn({seed::N, seed::DIn})),
        y(torch::randn({seed::N, seed::DOut})) {}
  torch::nn::Sequential model;
  torch::nn::MSELoss loss{torch::nn::MSELossOptions().reduction(torch::kSum)};
  torch::Tensor x, y;
};

void BM_TorchMlpStepSGD(benchmark::State &state) {
  Mlp m;
  torch::optim::SGD opt(m.model->parameters(), torch::optim::SGDOptions(1e-4));
  for (auto _ : state) {
    torch::Tensor l = m.loss(m.model->forward(m.x), m.y);
    opt.zero_grad();
    l.backward();
    opt.step();
  }
}
BENCHMARK(BM_TorchMlpStepSGD)->Unit(benchmark::kMicrosecond);

void BM_TorchMlpStepAdam(benchmark::State &state) {
  Mlp m;
  torch::optim::Adam opt(m.model->parameters(),
                         torch::optim::AdamOptions(1e-4));
  for (auto _ : state) {
    torch::Tensor l = m.loss(m.model->forward(m.x), m.y);
    opt.zero_grad();
    l.backward();
    opt.step();
  }
}
BENCHMARK(BM_TorchMlpStepAdam)->Unit(benchmark::kMicrosecond);

void BM_TorchLinRegStep(benchmark::State &state) {
  torch::nn::Linear model(3, 1);
  torch::optim::SGD opt(model->parameters(),
                        torch::optim::SGDOptions(1e-4).momentum(0.1));
  torch::Tensor x = torch::rand({1, 3});
  torch::Tensor y = x.index({torch::indexing::Slice(), 0}) * 3;
  for (auto _ : state) {
    opt.zero_grad();
    torch::Tensor yHat = model(x);
    torch::Tensor l = ((y - yHat) * (y - yHat)).sum() / x.size(0);
    l.backward();
    opt.step();
    benchmark::DoNotOptimize(l.item<float>());
  }
}
BENCHMARK(BM_TorchLinRegStep)->Unit(benchmark::kMicrosecond);

} // namespace
