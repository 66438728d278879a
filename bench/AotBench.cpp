//===- AotBench.cpp - Ahead-of-time steps and the object cache ------------===//
//
// - The seed SGD step as kiln-compile's object through kiln_runtime's C ABI
//   (examples/aot), against the JIT of the very same IR with the same
//   in-place updates: equal code, so equal time is expected.
// - The first compiled call (trace, compile or load, run) with a cold and a
//   warm object cache, per seed step: what a second process start costs.
//
//===----------------------------------------------------------------------===//
#include "SeedShapes.h"
#include "codegen/Jit.h"
#include "tools/Registration.h"

#include <benchmark/benchmark.h>
#include <kiln/kiln.h>

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <chrono>
#include <filesystem>
#include <unistd.h>

#ifdef KILN_AOT_DIR
#include "mlp_step.h"
#endif

namespace {

#ifdef KILN_AOT_DIR
void BM_AotMlpStepSGD(benchmark::State &state) {
  mlp_step *step = nullptr;
  kiln_status status =
      mlp_step_create(KILN_AOT_DIR "/mlp_step.safetensors", &step);
  if (status) {
    state.SkipWithError(kiln_status_message(status));
    kiln_status_free(status);
    return;
  }
  kiln::Tensor x = kiln::randn({seed::N, seed::DIn}),
               y = kiln::randn({seed::N, seed::DOut});
  int64_t xs[] = {seed::N, seed::DIn}, ys[] = {seed::N, seed::DOut};
  kiln_tensor inputs[2] = {{x.data_ptr(), KILN_FLOAT32, 2, xs, nullptr},
                           {y.data_ptr(), KILN_FLOAT32, 2, ys, nullptr}};
  float loss = 0;
  kiln_tensor output = {&loss, KILN_FLOAT32, 0, nullptr, nullptr};
  for (auto _ : state) {
    status = mlp_step_run(step, inputs, 2, &output, 1);
    if (status) {
      state.SkipWithError(kiln_status_message(status));
      kiln_status_free(status);
      break;
    }
    benchmark::DoNotOptimize(loss);
  }
  mlp_step_destroy(step);
}
BENCHMARK(BM_AotMlpStepSGD)->Unit(benchmark::kMicrosecond);

/// The JIT of mlp_step.mlir, tied as the AOT object is.
void BM_JitOfTheAotIrMlpStepSGD(benchmark::State &state) {
  mlir::MLIRContext context;
  mlir::DialectRegistry registry;
  kiln::registerKilnDialects(registry);
  context.appendDialectRegistry(registry);
  auto module = mlir::parseSourceFile<mlir::ModuleOp>(
      KILN_AOT_DIR "/mlp_step.mlir", &context);
  std::vector<kiln::codegen::Tie> ties;
  for (size_t r = 0; r < mlp_step_desc.num_results; ++r)
    if (mlp_step_desc.results[r].tied)
      ties.push_back({unsigned(r), unsigned(mlp_step_desc.results[r].target)});
  kiln::codegen::JitFunction f(*module, "mlp_step", ties);
  auto state0 = kiln::load_safetensors(KILN_AOT_DIR "/mlp_step.safetensors");
  std::vector<kiln::Tensor> inputs = {kiln::randn({seed::N, seed::DIn}),
                                      kiln::randn({seed::N, seed::DOut})};
  for (size_t i = 0; i < mlp_step_desc.num_args; ++i)
    if (mlp_step_desc.args[i].kind != KILN_ARG_INPUT)
      inputs.push_back(state0[mlp_step_desc.args[i].name]);
  for (auto _ : state)
    benchmark::DoNotOptimize(f(inputs));
}
BENCHMARK(BM_JitOfTheAotIrMlpStepSGD)->Unit(benchmark::kMicrosecond);
#endif

enum class Seed { Sgd, Adam, LinReg };

/// Builds a seed model and step, calls the compiled step once; returns the
/// compile stats.
kiln::CompileStats firstCompiledCall(Seed which, const std::string &cacheDir) {
  kiln::CompileOptions options;
  options.cacheDir = cacheDir;
  if (which == Seed::LinReg) {
    kiln::nn::Linear model(3, 1);
    kiln::optim::SGD opt(model->parameters(),
                         kiln::optim::SGDOptions(1e-4).momentum(0.1));
    kiln::Tensor x = kiln::rand({1, 3});
    kiln::Tensor y = x.index({kiln::indexing::Slice(), 0}) * 3;
    auto step = kiln::compile(
        [&](kiln::Tensor x, kiln::Tensor y) {
          opt.zero_grad();
          kiln::Tensor l = ((y - model(x)) * (y - model(x))).sum();
          l.backward();
          opt.step();
          return l;
        },
        options);
    step(x, y);
    step(x, y); // the momentum buffers exist from the second call on
    return step.stats();
  }
  kiln::nn::Sequential model(kiln::nn::Linear(seed::DIn, seed::H),
                             kiln::nn::ReLU(),
                             kiln::nn::Linear(seed::H, seed::DOut));
  kiln::nn::MSELoss loss(kiln::nn::MSELossOptions().reduction(kiln::kSum));
  std::unique_ptr<kiln::optim::Optimizer> opt;
  if (which == Seed::Sgd)
    opt = std::make_unique<kiln::optim::SGD>(model->parameters(),
                                             kiln::optim::SGDOptions(1e-4));
  else
    opt = std::make_unique<kiln::optim::Adam>(model->parameters(),
                                              kiln::optim::AdamOptions(1e-4));
  kiln::Tensor x = kiln::randn({seed::N, seed::DIn}),
               y = kiln::randn({seed::N, seed::DOut});
  auto step = kiln::compile(
      [&](kiln::Tensor x, kiln::Tensor y) {
        kiln::Tensor l = loss(model(x), y);
        opt->zero_grad();
        l.backward();
        opt->step();
        return l;
      },
      options);
  step(x, y);
  if (which == Seed::Adam)
    step(x, y); // the optimizer state exists from the second call on
  return step.stats();
}

/// Time to the first compiled step(s), with an empty (`warm` false) or a
/// filled object cache. compile_ms: the trace-to-code part.
void BM_FirstCompiledStep(benchmark::State &state, Seed which, bool warm) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("kiln-bench-cache-" + std::to_string(::getpid())))
                        .string();
  std::filesystem::remove_all(dir);
  if (warm)
    firstCompiledCall(which, dir);
  double compileMs = 0;
  for (auto _ : state) {
    if (!warm) {
      state.PauseTiming();
      std::filesystem::remove_all(dir);
      state.ResumeTiming();
    }
    kiln::CompileStats stats = firstCompiledCall(which, dir);
    compileMs += stats.compileSeconds * 1e3;
    if (warm && stats.cachedObjects != stats.compilations)
      state.SkipWithError("the warm cache missed");
  }
  state.counters["compile_ms"] = compileMs / double(state.iterations());
  std::filesystem::remove_all(dir);
}
BENCHMARK_CAPTURE(BM_FirstCompiledStep, sgd_cold, Seed::Sgd, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_FirstCompiledStep, sgd_warm, Seed::Sgd, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_FirstCompiledStep, adam_cold, Seed::Adam, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_FirstCompiledStep, adam_warm, Seed::Adam, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_FirstCompiledStep, linreg_cold, Seed::LinReg, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_FirstCompiledStep, linreg_warm, Seed::LinReg, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

} // namespace
