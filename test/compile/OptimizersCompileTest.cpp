//===- OptimizersCompileTest.cpp - AdamW, RMSprop, Adagrad compiled -------===//
//
// Each optimizer's traced update against its eager one: a few training steps
// run eagerly and through kiln::compile from the same seed must agree on
// losses, parameters, gradients and optimizer state, with hyperparameters
// changed between calls (runtime inputs: no re-trace) and options that
// select code toggled (guards: a re-trace).
//
//===----------------------------------------------------------------------===//
#include "Observations.h"

#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <functional>

using namespace kiln;

namespace {

/// Float32 steps agree within reduction-order noise (amplified by Adam's
/// normalization where a gradient is a cancelling sum); float64 ones
/// agree tightly, which checks the traced update's formula.
double rtol() {
  return get_default_dtype_as_scalartype() == kDouble ? 1e-12 : 1e-5;
}
double atol() {
  return get_default_dtype_as_scalartype() == kDouble ? 1e-13 : 1e-5;
}

using test::snap;
using test::Trace;

template <class Scenario> void expectSameObservations(Scenario scenario) {
  test::expectSameObservations(scenario, rtol(), atol());
}

struct Net {
  nn::Linear l1{4, 8}, l2{8, 2};
  Tensor operator()(const Tensor &x) { return l2(l1(x).tanh()); }
  std::vector<Tensor> parameters() {
    auto p = l1->parameters(), q = l2->parameters();
    p.insert(p.end(), q.begin(), q.end());
    return p;
  }
};

/// Every tensor of a parameter's optimizer state.
std::vector<Tensor> stateTensors(optim::OptimizerParamState *s) {
  if (auto *w = dynamic_cast<optim::AdamWParamState *>(s))
    return {w->step_tensor(), w->exp_avg(), w->exp_avg_sq(),
            w->max_exp_avg_sq()};
  if (auto *r = dynamic_cast<optim::RMSpropParamState *>(s))
    return {r->step_tensor(), r->square_avg(), r->momentum_buffer(),
            r->grad_avg()};
  if (auto *a = dynamic_cast<optim::AdagradParamState *>(s))
    return {a->step_tensor(), a->sum()};
  return {};
}

void observe(Net &net, optim::Optimizer &opt, Trace &seen) {
  for (const Tensor &p : net.parameters()) {
    seen.push_back(snap(p));
    seen.push_back(snap(p.grad()));
    auto it = opt.state().find(p.unsafeGetTensorImpl());
    if (it == opt.state().end()) {
      seen.push_back(Tensor());
      continue;
    }
    for (const Tensor &t : stateTensors(it->second.get()))
      seen.push_back(snap(t));
  }
}

/// Runs `steps` training steps of `net` with the optimizer `make` builds,
/// eagerly and compiled; `between(opt, i)` may change options before call
/// i. Returns the compiled run's stats.
template <class Make>
CompileStats
runScenario(Make make, int steps = 6,
            std::function<void(optim::Optimizer &, int)> between = nullptr) {
  CompileStats stats;
  expectSameObservations([&](bool useCompiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    std::unique_ptr<optim::Optimizer> opt = make(net.parameters());
    auto step = [&net, &opt, x, y] {
      auto loss = nn::functional::mse_loss(net(x), y);
      opt->zero_grad();
      loss.backward();
      opt->step();
      return loss;
    };
    auto compiled = compile(step);
    Trace seen;
    for (int i = 0; i < steps; ++i) {
      if (between)
        between(*opt, i);
      seen.push_back(snap(useCompiled ? compiled() : step()));
      observe(net, *opt, seen);
    }
    if (useCompiled)
      stats = compiled.stats();
    return seen;
  });
  return stats;
}

template <class O, class Options> auto maker(Options options) {
  return [options](std::vector<Tensor> params) {
    return std::unique_ptr<optim::Optimizer>(new O(params, options));
  };
}

void checkAdamWMatchesEager() {
  for (auto options :
       {optim::AdamWOptions(0.01), optim::AdamWOptions(0.02).weight_decay(0),
        optim::AdamWOptions(0.01).amsgrad(true).betas({0.8, 0.9})}) {
    CompileStats stats = runScenario(maker<optim::AdamW>(options));
    // The first step creates the moments; every later call runs compiled.
    EXPECT_EQ(stats.traces, 2u);
    EXPECT_EQ(stats.hits, 4u);
    EXPECT_EQ(stats.fallbacks, 0u);
  }
}

void checkRMSpropMatchesEager() {
  for (auto options :
       {optim::RMSpropOptions(0.01), optim::RMSpropOptions(0.01).centered(true),
        optim::RMSpropOptions(0.005).momentum(0.9).weight_decay(1e-2),
        optim::RMSpropOptions(0.005).alpha(0.9).momentum(0.5).centered(true)}) {
    CompileStats stats = runScenario(maker<optim::RMSprop>(options));
    EXPECT_EQ(stats.traces, 2u);
    EXPECT_EQ(stats.hits, 4u);
    EXPECT_EQ(stats.fallbacks, 0u);
  }
}

void checkAdagradMatchesEager() {
  for (auto options :
       {optim::AdagradOptions(0.1), optim::AdagradOptions(0.1).lr_decay(0.05),
        optim::AdagradOptions(0.05)
            .weight_decay(1e-2)
            .initial_accumulator_value(0.1)}) {
    CompileStats stats = runScenario(maker<optim::Adagrad>(options));
    // The constructor makes the state: the first trace is reused.
    EXPECT_EQ(stats.traces, 1u);
    EXPECT_EQ(stats.hits, 5u);
    EXPECT_EQ(stats.fallbacks, 0u);
  }
}

void checkHyperparametersAreRuntimeInputs() {
  // Changing lr, betas, alpha, eps, momentum, decays between calls (without
  // changing which code runs) re-traces nothing.
  auto schedule = [](optim::Optimizer &opt, int i) {
    opt.param_groups()[0].options().set_lr(0.02 / (1 + i));
  };
  CompileStats w = runScenario(
      maker<optim::AdamW>(optim::AdamWOptions(0.02)), 6,
      [&](optim::Optimizer &opt, int i) {
        schedule(opt, i);
        auto &o =
            static_cast<optim::AdamWOptions &>(opt.param_groups()[0].options());
        o.weight_decay(0.01 * (i + 1)).betas({0.9 - 0.01 * i, 0.99});
      });
  EXPECT_EQ(w.traces, 2u);
  EXPECT_EQ(w.guardFailures, 0u);
  CompileStats r = runScenario(
      maker<optim::RMSprop>(optim::RMSpropOptions(0.01).momentum(0.5)), 6,
      [&](optim::Optimizer &opt, int i) {
        schedule(opt, i);
        auto &o = static_cast<optim::RMSpropOptions &>(
            opt.param_groups()[0].options());
        o.alpha(0.9 + 0.01 * i).momentum(0.5 + 0.05 * i).eps(1e-8 * (i + 1));
      });
  EXPECT_EQ(r.traces, 2u);
  EXPECT_EQ(r.guardFailures, 0u);
  CompileStats a = runScenario(
      maker<optim::Adagrad>(optim::AdagradOptions(0.1).lr_decay(0.01)), 6,
      [&](optim::Optimizer &opt, int i) {
        schedule(opt, i);
        auto &o = static_cast<optim::AdagradOptions &>(
            opt.param_groups()[0].options());
        o.lr_decay(0.01 * (i + 1));
      });
  EXPECT_EQ(a.traces, 1u);
  EXPECT_EQ(a.guardFailures, 0u);
}

void checkOptionsThatSelectCodeAreGuarded() {
  // Toggling an option that selects code re-traces and still equals eager,
  // including buffers RMSprop creates when momentum or centering turns on.
  CompileStats r =
      runScenario(maker<optim::RMSprop>(optim::RMSpropOptions(0.01)), 8,
                  [](optim::Optimizer &opt, int i) {
                    auto &o = static_cast<optim::RMSpropOptions &>(
                        opt.param_groups()[0].options());
                    if (i == 3)
                      o.momentum(0.9);
                    if (i == 5)
                      o.centered(true).weight_decay(0.1);
                  });
  EXPECT_GE(r.hits, 2u);
  EXPECT_EQ(r.fallbacks, 0u);
  CompileStats w = runScenario(maker<optim::AdamW>(optim::AdamWOptions(0.01)),
                               8, [](optim::Optimizer &opt, int i) {
                                 auto &o = static_cast<optim::AdamWOptions &>(
                                     opt.param_groups()[0].options());
                                 if (i == 3)
                                   o.weight_decay(0);
                               });
  EXPECT_GE(w.hits, 4u);
  CompileStats a =
      runScenario(maker<optim::Adagrad>(optim::AdagradOptions(0.1)), 8,
                  [](optim::Optimizer &opt, int i) {
                    auto &o = static_cast<optim::AdagradOptions &>(
                        opt.param_groups()[0].options());
                    if (i == 4)
                      o.weight_decay(0.05);
                    if (i == 6)
                      opt.state().clear(); // Adagrad restarts its sums
                  });
  EXPECT_GE(a.hits, 4u);
}

void checkStepCountWrittenBetweenCallsIsSeen() {
  // step(n) on the state between calls changes AdamW's bias corrections and
  // Adagrad's decayed learning rate in compiled calls as in eager ones.
  runScenario(maker<optim::AdamW>(optim::AdamWOptions(0.01)), 6,
              [](optim::Optimizer &opt, int i) {
                if (i != 4)
                  return;
                for (auto &kv : opt.state())
                  static_cast<optim::AdamWParamState &>(*kv.second).step(100);
              });
  runScenario(maker<optim::Adagrad>(optim::AdagradOptions(0.1).lr_decay(0.5)),
              6, [](optim::Optimizer &opt, int i) {
                if (i != 3)
                  return;
                for (auto &kv : opt.state())
                  static_cast<optim::AdagradParamState &>(*kv.second).step(20);
              });
}

} // namespace

TEST(OptimizersCompile, AdamWMatchesEager) { checkAdamWMatchesEager(); }
TEST(OptimizersCompile, RMSpropMatchesEager) { checkRMSpropMatchesEager(); }
TEST(OptimizersCompile, AdagradMatchesEager) { checkAdagradMatchesEager(); }
TEST(OptimizersCompile, HyperparametersAreRuntimeInputs) {
  checkHyperparametersAreRuntimeInputs();
}
TEST(OptimizersCompile, OptionsThatSelectCodeAreGuarded) {
  checkOptionsThatSelectCodeAreGuarded();
}
TEST(OptimizersCompile, StepCountWrittenBetweenCallsIsSeen) {
  checkStepCountWrittenBetweenCallsIsSeen();
}

/// Every scenario above in float64, where compiled and eager agree to
/// rounding.
TEST(OptimizersCompile, Float64StepsMatchTightly) {
  auto saved = get_default_dtype();
  set_default_dtype(scalarTypeToTypeMeta(kDouble));
  checkAdamWMatchesEager();
  checkRMSpropMatchesEager();
  checkAdagradMatchesEager();
  checkHyperparametersAreRuntimeInputs();
  checkOptionsThatSelectCodeAreGuarded();
  checkStepCountWrittenBetweenCallsIsSeen();
  set_default_dtype(saved);
}
