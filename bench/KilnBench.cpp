//===- KilnBench.cpp - kiln eager benchmarks ------------------------------===//
//
// Run through `./kiln.sh bench` (one thread). With libtorch installed the
// same workloads run in the same process (TorchBench.cpp), so the ratios
// compare like with like.
//
//===----------------------------------------------------------------------===//
#include "SeedShapes.h"

#include <benchmark/benchmark.h>
#include <cblas.h>
#include <kiln/kiln.h>

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

/// The GEMM floor of the seed MLP step: its five matrix products (forward
/// x W1^T and h W2^T, gradients dW2 = g^T h, dH = g W2, dW1 = gH^T x) as
/// bare OpenBLAS calls on preallocated buffers, nothing else.
void BM_GemmFloorMlpStep(benchmark::State &state) {
  using seed::DIn, seed::DOut, seed::H, seed::N;
  std::vector<float> x(N * DIn, 0.5f), w1(H * DIn, 0.01f), h(N * H),
      w2(DOut * H, 0.01f), y(N * DOut), g(N * DOut, 0.1f), dw2(DOut * H),
      dh(N * H), dw1(H * DIn);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, H, DIn, 1, x.data(),
                DIn, w1.data(), DIn, 0, h.data(), H);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, DOut, H, 1,
                h.data(), H, w2.data(), H, 0, y.data(), DOut);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, DOut, H, N, 1,
                g.data(), DOut, h.data(), H, 0, dw2.data(), H);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, H, DOut, 1,
                g.data(), DOut, w2.data(), H, 0, dh.data(), H);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, DIn, N, 1,
                dh.data(), H, x.data(), DIn, 0, dw1.data(), DIn);
    benchmark::DoNotOptimize(dw1.data());
  }
}
BENCHMARK(BM_GemmFloorMlpStep)->Unit(benchmark::kMicrosecond);

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

// --- The same steps under kiln::compile -------------------------------------

void BM_CompiledMlpStepSGD(benchmark::State &state) {
  Mlp m;
  kiln::optim::SGD opt(m.model->parameters(), kiln::optim::SGDOptions(1e-4));
  auto step = kiln::compile([&](kiln::Tensor x, kiln::Tensor y) {
    kiln::Tensor l = m.loss(m.model(x), y);
    opt.zero_grad();
    l.backward();
    opt.step();
    return l;
  });
  // Trace and compile outside the timed loop (BM_FirstCompiledStep times
  // that, with a cold and a warm object cache).
  step(m.x, m.y);
  for (auto _ : state)
    benchmark::DoNotOptimize(step(m.x, m.y));
}
BENCHMARK(BM_CompiledMlpStepSGD)->Unit(benchmark::kMicrosecond);

void BM_CompiledMlpStepAdam(benchmark::State &state) {
  Mlp m;
  kiln::optim::Adam opt(m.model->parameters(), kiln::optim::AdamOptions(1e-4));
  auto step = kiln::compile([&](kiln::Tensor x, kiln::Tensor y) {
    kiln::Tensor l = m.loss(m.model(x), y);
    opt.zero_grad();
    l.backward();
    opt.step();
    return l;
  });
  step(m.x, m.y); // creates the optimizer state (traced again next call)
  step(m.x, m.y);
  for (auto _ : state)
    benchmark::DoNotOptimize(step(m.x, m.y));
}
BENCHMARK(BM_CompiledMlpStepAdam)->Unit(benchmark::kMicrosecond);

/// The linear-regression step, compiled; with `lrSchedule` the learning
/// rate changes every call (a runtime input: the same compiled code runs).
void compiledLinRegSteps(benchmark::State &state, bool lrSchedule) {
  kiln::nn::Linear model(3, 1);
  kiln::optim::SGD opt(model->parameters(),
                       kiln::optim::SGDOptions(1e-4).momentum(0.1));
  kiln::Tensor x = kiln::rand({1, 3});
  kiln::Tensor y = x.index({kiln::indexing::Slice(), 0}) * 3;
  auto step = kiln::compile([&](kiln::Tensor x, kiln::Tensor y) {
    opt.zero_grad();
    kiln::Tensor yHat = model(x);
    kiln::Tensor l = ((y - yHat) * (y - yHat)).sum() / x.size(0);
    l.backward();
    opt.step();
    return l;
  });
  step(x, y);
  step(x, y);
  int64_t i = 0;
  for (auto _ : state) {
    if (lrSchedule)
      opt.param_groups()[0].options().set_lr(1e-4 / double(1 + (++i % 100)));
    benchmark::DoNotOptimize(step(x, y).item<float>());
  }
  state.counters["traces"] = double(step.stats().traces);
}
void BM_CompiledLinRegStep(benchmark::State &state) {
  compiledLinRegSteps(state, false);
}
BENCHMARK(BM_CompiledLinRegStep)->Unit(benchmark::kMicrosecond);
void BM_CompiledLinRegStepLrSchedule(benchmark::State &state) {
  compiledLinRegSteps(state, true);
}
BENCHMARK(BM_CompiledLinRegStepLrSchedule)->Unit(benchmark::kMicrosecond);

/// DynamicNet: the middle layer repeated 0-3 times (a static argument), one
/// step per repetition count per iteration.
void BM_DynamicNetSteps(benchmark::State &state, bool compiled) {
  kiln::nn::Linear in(seed::DIn, seed::H), middle(seed::H, seed::H),
      out(seed::H, seed::DOut);
  std::vector<kiln::Tensor> params;
  for (auto *m : {&in, &middle, &out})
    for (const kiln::Tensor &p : (*m)->parameters())
      params.push_back(p);
  kiln::optim::SGD opt(params, kiln::optim::SGDOptions(1e-4).momentum(0.9));
  kiln::Tensor x = kiln::randn({seed::N, seed::DIn}),
               y = kiln::randn({seed::N, seed::DOut});
  auto body = [&](kiln::Tensor x, kiln::Tensor y, int repeats) {
    kiln::Tensor h = in(x).clamp_min(0);
    for (int i = 0; i < repeats; ++i)
      h = middle(h).clamp_min(0);
    kiln::Tensor l = (out(h) - y).pow(2).sum();
    opt.zero_grad();
    l.backward();
    opt.step();
    return l;
  };
  auto step = kiln::compile(body);
  for (int warm = 0; warm < 2; ++warm)
    for (int r = 0; r < 4; ++r)
      compiled ? step(x, y, r) : body(x, y, r);
  for (auto _ : state)
    for (int r = 0; r < 4; ++r)
      benchmark::DoNotOptimize(compiled ? step(x, y, r) : body(x, y, r));
}
BENCHMARK_CAPTURE(BM_DynamicNetSteps, eager, false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_DynamicNetSteps, compiled, true)
    ->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char **argv) {
  openblas_set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
