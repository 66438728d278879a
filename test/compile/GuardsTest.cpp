//===- GuardsTest.cpp - What a compiled step depends on -------------------===//
//
// Regression tests for training code whose compiled runs once differed from
// eager silently: hyperparameters changed between calls, gradient
// accumulation, freezing, replaced tensors, param groups, train/eval,
// aliasing results, host reads, static arguments, threads. Each scenario
// runs eagerly and compiled from the same seed and every observed tensor
// (losses, parameters, gradients, results) must agree.
//
//===----------------------------------------------------------------------===//
#include "Observations.h"

#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <cmath>
#include <functional>
#include <thread>

using namespace kiln;

namespace {

constexpr double kRtol = 1e-5, kAtol = 1e-6;

/// Eager against compiled: the same observations within float32 noise.
template <class Scenario> void expectSameObservations(Scenario scenario) {
  test::expectSameObservations(scenario, kRtol, kAtol);
}
using test::snap;
using test::Trace;

/// Calls `step` directly or through kiln::compile.
template <class F> struct Runner {
  F f;
  Compiled<F> compiled;
  bool useCompiled;
  Runner(F f, bool useCompiled)
      : f(f), compiled(compile(f)), useCompiled(useCompiled) {}
  template <class... A> auto operator()(A &&...a) {
    return useCompiled ? compiled(a...) : f(a...);
  }
  const CompileStats &stats() const { return compiled.stats(); }
};
template <class F> Runner<F> makeRunner(F f, bool useCompiled) {
  return Runner<F>(f, useCompiled);
}

struct Net {
  nn::Linear l1{4, 8}, l2{8, 2};
  Tensor operator()(const Tensor &x) { return l2(l1(x).relu()); }
  std::vector<Tensor> parameters() {
    auto p = l1->parameters(), q = l2->parameters();
    p.insert(p.end(), q.begin(), q.end());
    return p;
  }
};

/// The seed training step on `net`: MSE loss, zero_grad, backward, step.
std::function<Tensor()> trainingStep(Net &net, optim::Optimizer &opt,
                                     const Tensor &x, const Tensor &y) {
  return [&net, &opt, x, y] {
    auto loss = nn::functional::mse_loss(net(x), y);
    opt.zero_grad();
    loss.backward();
    opt.step();
    return loss;
  };
}

/// Appends each parameter and its `.grad` to what `seen` observed.
void observeParams(Net &net, Trace &seen) {
  for (const Tensor &p : net.parameters()) {
    seen.push_back(snap(p));
    seen.push_back(snap(p.grad()));
  }
}

} // namespace

TEST(Guards, LearningRateScheduleRunsCompiledWithoutRetracing) {
  CompileStats stats;
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    optim::SGD opt(net.parameters(), optim::SGDOptions(0.1));
    auto run = makeRunner(trainingStep(net, opt, x, y), compiled);
    Trace seen;
    for (int i = 0; i < 8; ++i) {
      opt.param_groups()[0].options().set_lr(0.1 / (1 + i)); // a schedule
      seen.push_back(snap(run()));
    }
    observeParams(net, seen);
    if (compiled)
      stats = run.stats();
    return seen;
  });
  EXPECT_EQ(stats.traces, 1u);
  EXPECT_EQ(stats.hits, 7u);
  EXPECT_EQ(stats.guardFailures, 0u);
}

TEST(Guards, SgdMomentumAndWeightDecayChangedBetweenCalls) {
  CompileStats stats;
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    optim::SGD opt(net.parameters(),
                   optim::SGDOptions(0.05).momentum(0.9).weight_decay(0.01));
    auto run = makeRunner(trainingStep(net, opt, x, y), compiled);
    Trace seen;
    auto &o = static_cast<optim::SGDOptions &>(opt.param_groups()[0].options());
    for (int i = 0; i < 10; ++i) {
      o.momentum(i < 5 ? 0.9 : 0.5);
      o.weight_decay(0.01 * (i % 3 + 1));
      o.dampening(i < 7 ? 0.0 : 0.1);
      if (i == 8)
        o.weight_decay(0); // selects other code: a guard, then a new trace
      seen.push_back(snap(run()));
    }
    observeParams(net, seen);
    if (compiled)
      stats = run.stats();
    return seen;
  });
  // The first step creates the momentum buffers; then one specialization
  // serves every value, and one more the case without weight decay.
  EXPECT_EQ(stats.compilations, 2u);
}

TEST(Guards, AdamLearningRateAndBetasChangedBetweenCalls) {
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    optim::Adam opt(net.parameters(), optim::AdamOptions(0.01));
    auto run = makeRunner(trainingStep(net, opt, x, y), compiled);
    Trace seen;
    auto &o =
        static_cast<optim::AdamOptions &>(opt.param_groups()[0].options());
    for (int i = 0; i < 8; ++i) {
      o.lr(0.01 * (i + 1));
      o.betas({0.9 - 0.05 * i, 0.999 - 0.01 * i});
      o.eps(1e-8 * (i + 1));
      seen.push_back(snap(run()));
    }
    observeParams(net, seen);
    if (compiled) {
      EXPECT_GE(run.stats().hits, 6u);
    }
    return seen;
  });
}

TEST(Guards, GradientAccumulationAcrossCallsWithoutZeroGrad) {
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    auto run = makeRunner(
        [&] {
          auto loss = nn::functional::mse_loss(net(x), y);
          loss.backward(); // accumulates into .grad
          return loss;
        },
        compiled);
    Trace seen;
    for (int i = 0; i < 6; ++i) {
      seen.push_back(snap(run()));
      observeParams(net, seen);
    }
    if (compiled) {
      EXPECT_GE(run.stats().hits, 4u);
    }
    return seen;
  });
}

TEST(Guards, ZeroGradFalseWithTwoCallsPerOptimizerStep) {
  for (bool setToNone : {false, true}) {
    expectSameObservations([&](bool compiled) {
      Net net;
      auto x = randn({16, 4}), y = randn({16, 2});
      optim::SGD opt(net.parameters(), optim::SGDOptions(0.1));
      auto run = makeRunner(
          [&](double scale) {
            auto loss = nn::functional::mse_loss(net(x * scale), y);
            loss.backward();
            return loss;
          },
          compiled);
      Trace seen;
      for (int i = 0; i < 6; ++i) {
        seen.push_back(snap(run(1.0)));
        seen.push_back(snap(run(0.5)));
        observeParams(net, seen);
        opt.step();
        opt.zero_grad(setToNone);
      }
      if (compiled) {
        EXPECT_GE(run.stats().hits, 8u);
      }
      return seen;
    });
  }
}

TEST(Guards, StaticDoublesAreKeyedByExactBits) {
  auto x = ones({2});
  auto f = compile([](Tensor t, double s) { return t * s; });
  f(x, 1234567.0);
  f(x, 1234567.0);
  Tensor a = f(x, 1234567.0), b = f(x, 1234568.0);
  EXPECT_EQ(a[0].item<double>(), 1234567.0);
  EXPECT_EQ(b[0].item<double>(), 1234568.0);
  Tensor pz = f(x, 0.0), nz = f(x, -0.0);
  EXPECT_FALSE(std::signbit(pz[0].item<double>()));
  EXPECT_TRUE(std::signbit(nz[0].item<double>()));
}

TEST(Guards, FreezingAParameterAfterCompiling) {
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    optim::SGD opt(net.parameters(), optim::SGDOptions(0.1).momentum(0.5));
    auto run = makeRunner(trainingStep(net, opt, x, y), compiled);
    Trace seen;
    for (int i = 0; i < 8; ++i) {
      if (i == 3)
        net.l1->weight.requires_grad_(false); // freeze
      if (i == 6)
        net.l1->weight.requires_grad_(true);
      seen.push_back(snap(run()));
      observeParams(net, seen);
    }
    return seen;
  });
}

TEST(Guards, ReplacedGlobalTensorIsReadAfresh) {
  expectSameObservations([&](bool compiled) {
    Tensor w = randn({3});
    auto run = makeRunner([&](Tensor x) { return x * w + 1; }, compiled);
    auto x = randn({3});
    Trace seen;
    for (int i = 0; i < 6; ++i) {
      if (i == 3)
        w = randn({3}); // another object; the old one is gone
      seen.push_back(snap(run(x)));
    }
    return seen;
  });
}

TEST(Guards, ReplacedTensorStillHeldElsewhereIsReadAfresh) {
  expectSameObservations([&](bool compiled) {
    Tensor w = randn({3});
    Tensor keep = w; // the old object stays alive
    auto run = makeRunner([&](Tensor x) { return x * w; }, compiled);
    auto x = randn({3});
    Trace seen;
    for (int i = 0; i < 5; ++i) {
      if (i == 2)
        w = randn({3});
      seen.push_back(snap(run(x)));
    }
    seen.push_back(snap(keep));
    return seen;
  });
}

TEST(Guards, ReplacedModuleWeight) {
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    optim::SGD opt(net.parameters(), optim::SGDOptions(0.1));
    auto run = makeRunner(trainingStep(net, opt, x, y), compiled);
    Trace seen;
    for (int i = 0; i < 6; ++i) {
      if (i == 3) {
        NoGradGuard noGrad;
        net.l2->weight = randn({2, 8}).requires_grad_(); // a new object
      }
      seen.push_back(snap(run()));
      observeParams(net, seen);
      seen.push_back(snap(net.l2->weight));
      seen.push_back(snap(net.l2->weight.grad()));
    }
    return seen;
  });
}

TEST(Guards, OptimizerStateClearedAfterCompiling) {
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    optim::Adam opt(net.parameters(), optim::AdamOptions(0.01));
    auto run = makeRunner(trainingStep(net, opt, x, y), compiled);
    Trace seen;
    for (int i = 0; i < 8; ++i) {
      if (i == 4)
        opt.state().clear(); // Adam restarts: new moments, step 0
      seen.push_back(snap(run()));
    }
    observeParams(net, seen);
    return seen;
  });
}

TEST(Guards, ParamGroupAddedAfterCompiling) {
  expectSameObservations([&](bool compiled) {
    Net net;
    auto x = randn({16, 4}), y = randn({16, 2});
    optim::SGD opt(net.l1->parameters(), optim::SGDOptions(0.1));
    auto run = makeRunner(trainingStep(net, opt, x, y), compiled);
    Trace seen;
    for (int i = 0; i < 6; ++i) {
      if (i == 3)
        opt.add_param_group(optim::OptimizerParamGroup(
            net.l2->parameters(), std::make_unique<optim::SGDOptions>(0.05)));
      seen.push_back(snap(run()));
    }
    observeParams(net, seen);
    return seen;
  });
}

namespace {
struct BranchyImpl : nn::Module {
  BranchyImpl() : fc(register_module("fc", nn::Linear(4, 4))) {}
  Tensor forward(const Tensor &x) {
    // A user module's own training branch.
    return is_training() ? fc(x) * 2 : fc(x) - 1;
  }
  nn::Linear fc;
};
KILN_MODULE(Branchy);
} // namespace

TEST(Guards, UserModuleTrainingFlag) {
  CompileStats stats;
  expectSameObservations([&](bool compiled) {
    Branchy model;
    auto x = randn({2, 4});
    auto run = makeRunner(
        [&] {
          NoGradGuard noGrad;
          return model(x);
        },
        compiled);
    Trace seen;
    for (int i = 0; i < 8; ++i) {
      if (i % 2)
        model->eval();
      else
        model->train();
      seen.push_back(snap(run()));
    }
    if (compiled)
      stats = run.stats();
    return seen;
  });
  EXPECT_EQ(stats.traces, 2u); // one per mode, then both compiled
}

TEST(Guards, AliasingResultsAreTheObjectsEagerReturns) {
  Tensor w = randn({3}).requires_grad_();
  auto f = compile([&](Tensor x) {
    auto loss = (x * w).sum();
    loss.backward();
    return std::make_tuple(x, x.view({3, 1}), w, loss, loss, w.grad());
  });
  auto x = randn({3});
  for (int i = 0; i < 3; ++i) {
    w.mutable_grad() = Tensor();
    auto [a, view, p, l1, l2, g] = f(x);
    EXPECT_TRUE(a.is_same(x));
    EXPECT_EQ(view.data_ptr<float>(), x.data_ptr<float>());
    EXPECT_EQ(view.sizes(), IntArrayRef({3, 1}));
    EXPECT_TRUE(p.is_same(w));
    EXPECT_TRUE(l1.is_same(l2));
    EXPECT_TRUE(g.is_same(w.grad()));
    EXPECT_TRUE(g.allclose(x));
  }
  EXPECT_GE(f.stats().hits, 1u);
}

TEST(Guards, HostReadEveryCallStopsRetracingAndRunsEagerly) {
  Tensor w = randn({3}).requires_grad_();
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  std::vector<double> logged;
  auto f = compile([&](Tensor x) {
    auto loss = (x * w).pow(2).sum();
    opt.zero_grad();
    loss.backward();
    opt.step();
    logged.push_back(loss.item<double>()); // logging: changes every call
    return loss;
  });
  auto x = randn({3});
  for (int i = 0; i < 20; ++i)
    f(x);
  EXPECT_LE(f.stats().traces, 5u);
  EXPECT_GE(f.stats().fallbacks, 14u);
  EXPECT_EQ(logged.size(), 20u); // eager runs log every step
}

TEST(Guards, CapturedViewAndForeignHistoryRunEagerly) {
  Tensor base = randn({4, 3});
  Tensor row = base[1]; // a view made before the step
  auto f = compile([&](Tensor x) { return x * row; });
  auto x = randn({3});
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(f(x).allclose(x * row));
  EXPECT_EQ(f.stats().hits, 0u);

  Tensor w = randn({3}).requires_grad_();
  Tensor h = w * 2; // history from before the step: backward reaches w
  auto g = compile([&](Tensor x) {
    auto loss = (x * h).sum();
    loss.backward({}, /*retain_graph=*/true);
    return loss;
  });
  for (int i = 0; i < 3; ++i)
    g(x);
  EXPECT_TRUE(w.grad().allclose(x * 6));
  EXPECT_EQ(g.stats().hits, 0u);
}

TEST(Guards, ConcurrentCallsAreSerialized) {
  Tensor w = randn({64});
  auto f = compile([&](Tensor x) { return (x * w + 1).exp().sum(); });
  std::vector<Tensor> inputs, expected;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back(randn({64}) * 0.1);
    expected.push_back((inputs[i] * w + 1).exp().sum());
  }
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        if (!f(inputs[t]).allclose(expected[t], 1e-5, 1e-6))
          ++bad[t];
    });
  for (auto &t : threads)
    t.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(bad[t], 0);
  EXPECT_GE(f.stats().hits, 150u);
}

TEST(Guards, TracerFailsClosedOnTensorsItCannotAccountFor) {
  // A tensor made during the trace without a trace rule (here: made while
  // recording is paused) is not silently captured as a constant.
  {
    trace::Recorder recorder;
    Tensor x = ones({2});
    recorder.addInput(x);
    Tensor hidden;
    {
      trace::Pause pause;
      hidden = ones({2}) * 3;
    }
    recorder.addOutput(x + hidden);
    trace::Graph g = recorder.take();
    EXPECT_NE(g.uncapturable.find("no trace rule"), std::string::npos)
        << g.uncapturable;
  }
  // from_blob inside the step: the memory may be another on the next call.
  std::vector<float> a = {1, 2}, b = {5, 7};
  float *current = a.data();
  auto f = compile([&](Tensor x) { return x * from_blob(current, {2}); });
  Tensor x = ones({2});
  EXPECT_EQ(f(x)[1].item<float>(), 2);
  current = b.data();
  EXPECT_EQ(f(x)[1].item<float>(), 7);
  EXPECT_EQ(f.stats().hits, 0u);
}

TEST(Guards, EagerOpsDoNotRebindTheTensorsTheyRead) {
  // A rebind means "the variable now names another tensor" to a compiled
  // function: kiln's own eager code must never cause one, or every eager
  // use of a parameter between compiled calls would force a re-trace.
  nn::Linear l1(4, 8), l2(8, 2);
  auto x = randn({16, 4}), y = randn({16, 2});
  std::vector<Tensor> params = l1->parameters();
  for (const Tensor &p : l2->parameters())
    params.push_back(p);
  optim::SGD sgd(params,
                 optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.01));
  optim::Adam adam(params, optim::AdamOptions(0.1).amsgrad(true));
  std::vector<Tensor> watched = params;
  watched.push_back(x);
  watched.push_back(y);
  for (int i = 0; i < 2; ++i) {
    auto out = l2(l1(x).relu().clamp(-1, 1).sigmoid());
    auto loss =
        nn::functional::mse_loss(out, y) +
        nn::functional::cross_entropy(out, nn::functional::softmax(y, 1)) +
        (out - y).pow(2).mean() + out.max() + std::get<0>(out.max(1)).sum();
    sgd.zero_grad();
    loss.backward();
    sgd.step();
    adam.step();
    sgd.zero_grad(false);
    auto misc = x.t().matmul(x).sum(0, true) / x.norm() + x.mean(1, true).exp();
    (void)misc;
  }
  for (size_t i = 0; i < watched.size(); ++i)
    EXPECT_EQ(watched[i].impl().rebinds, 0u) << "tensor " << i;
}
