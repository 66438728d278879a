//===- Demo.cpp - Trains the seed TwoLayerNet eagerly and compiled --------===//
//
// The main job: the TwoLayerNet of the PyTorch "learning with examples"
// tutorial (64 x 1000 -> 100 -> 10, MSE sum, SGD), trained twice from the
// same seed: with kiln's eager engine, and with the same training step
// under kiln::compile (traced, differentiated and JIT-compiled). Prints both
// loss curves, the time per step and the speedup.
//
//===----------------------------------------------------------------------===//
#include <kiln/kiln.h>

#include <chrono>
#include <cmath>
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

struct Run {
  std::vector<double> losses;
  double secondsPerStep = 0;
  double firstCallSeconds = 0;
};

/// Trains from seed 0; `compiled` wraps the step in kiln::compile.
Run train(bool compiled) {
  kiln::manual_seed(0);
  kiln::Tensor x = kiln::randn({N, DIn});
  kiln::Tensor y = kiln::randn({N, DOut});
  TwoLayerNet model(DIn, H, DOut);
  kiln::nn::MSELoss criterion(kiln::nn::MSELossOptions().reduction(kiln::kSum));
  kiln::optim::SGD optimizer(model->parameters(),
                             kiln::optim::SGDOptions(1e-4));
  auto body = [&](kiln::Tensor x, kiln::Tensor y) {
    kiln::Tensor loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    return loss;
  };
  auto step = kiln::compile(body);
  Run run;
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  run.losses.push_back((compiled ? step(x, y) : body(x, y)).item<double>());
  auto t1 = Clock::now();
  for (int t = 1; t < kSteps; ++t)
    run.losses.push_back((compiled ? step(x, y) : body(x, y)).item<double>());
  auto t2 = Clock::now();
  run.firstCallSeconds = std::chrono::duration<double>(t1 - t0).count();
  run.secondsPerStep =
      std::chrono::duration<double>(t2 - t1).count() / (kSteps - 1);
  if (compiled)
    std::printf("compiled: %zu trace(s), %zu compilation(s) in %.0f ms "
                "(%zu loaded from the object cache), %zu compiled calls\n",
                step.stats().traces, step.stats().compilations,
                step.stats().compileSeconds * 1e3, step.stats().cachedObjects,
                step.stats().hits);
  return run;
}

} // namespace

int main() {
  std::cout << TwoLayerNet(DIn, H, DOut) << "\n\n";
  std::printf("Training the seed TwoLayerNet: %d SGD steps, batch %lld\n",
              kSteps, static_cast<long long>(N));
  Run eager = train(false);
  Run compiled = train(true);

  std::printf("\n  step   eager loss      compiled loss\n");
  double worst = 0;
  for (int t = 0; t < kSteps; ++t) {
    double a = eager.losses[t], b = compiled.losses[t];
    worst = std::max(worst, std::fabs(a - b) / std::max(std::fabs(a), 1e-6));
    if (t == 0 || t % 100 == 99)
      std::printf("  %4d   %-14.6f  %-14.6f\n", t + 1, a, b);
  }
  std::printf("\neager:    %8.1f us per step\n", eager.secondsPerStep * 1e6);
  std::printf("compiled: %8.1f us per step (first call, with trace and "
              "compile: %.0f ms)\n",
              compiled.secondsPerStep * 1e6, compiled.firstCallSeconds * 1e3);
  std::printf("speedup:  %.2fx; largest relative loss difference %.2g\n",
              eager.secondsPerStep / compiled.secondsPerStep, worst);

  bool fell = eager.losses.back() < eager.losses.front() * 1e-2 &&
              compiled.losses.back() < compiled.losses.front() * 1e-2;
  if (!fell || worst > 1e-3) {
    std::fprintf(stderr, "error: the losses did not fall or did not agree\n");
    return 1;
  }
  return 0;
}
