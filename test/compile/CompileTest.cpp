//===- CompileTest.cpp - kiln::compile against eager ----------------------===//
//
// Every seed training step compiled: losses and parameters equal eager's
// (relative 1e-5; float32 sums are reduced in a different order). Guards,
// re-tracing, fallbacks and transactional commits.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

using namespace kiln;

namespace {

constexpr double kRtol = 1e-5, kAtol = 1e-6;

struct TwoLayerNetImpl : nn::Module {
  TwoLayerNetImpl(int64_t in, int64_t hidden, int64_t out)
      : linear1(register_module("linear1", nn::Linear(in, hidden))),
        linear2(register_module("linear2", nn::Linear(hidden, out))) {}
  Tensor forward(const Tensor &x) { return linear2(linear1(x).clamp_min(0)); }
  nn::Linear linear1, linear2;
};
KILN_MODULE(TwoLayerNet);

/// Runs `steps` calls of a training step built by `make` twice, eagerly and
/// compiled, from the same seed, and compares losses and parameters.
template <class Make>
void expectCompiledMatchesEager(Make make, int steps, size_t minHits = 1) {
  std::vector<double> eagerLosses, compiledLosses;
  std::vector<Tensor> eagerParams, compiledParams;
  for (int compiled = 0; compiled < 2; ++compiled) {
    manual_seed(0);
    auto [step, params] = make();
    auto run = compile(step);
    for (int i = 0; i < steps; ++i) {
      // The argument is static: the same value keeps one specialization.
      double loss = compiled ? run(0).template item<double>()
                             : step(0).template item<double>();
      (compiled ? compiledLosses : eagerLosses).push_back(loss);
    }
    (compiled ? compiledParams : eagerParams) = params();
    if (compiled) {
      EXPECT_GE(run.stats().hits, minHits);
    }
  }
  for (int i = 0; i < steps; ++i)
    EXPECT_NEAR(compiledLosses[i], eagerLosses[i],
                kAtol + kRtol * std::fabs(eagerLosses[i]))
        << "step " << i;
  ASSERT_EQ(compiledParams.size(), eagerParams.size());
  for (size_t i = 0; i < eagerParams.size(); ++i)
    EXPECT_TRUE(compiledParams[i].allclose(eagerParams[i], kRtol, kAtol))
        << "parameter " << i;
}

/// A step function taking the step index (ignored) as a static argument.
using Step = std::function<Tensor(int)>;
using Params = std::function<std::vector<Tensor>()>;

TEST(Compile, SeedMlpWithSgd) {
  expectCompiledMatchesEager(
      [] {
        auto x = randn({64, 1000}), y = randn({64, 10});
        auto model = std::make_shared<TwoLayerNet>(1000, 100, 10);
        auto opt = std::make_shared<optim::SGD>((*model)->parameters(),
                                                optim::SGDOptions(1e-4));
        auto loss =
            std::make_shared<nn::MSELoss>(nn::MSELossOptions().reduction(kSum));
        Step step = [=](int) {
          Tensor l = (*loss)((*model)(x), y);
          opt->zero_grad();
          l.backward();
          opt->step();
          return l;
        };
        Params params = [=] { return (*model)->parameters(); };
        return std::make_pair(step, params);
      },
      6);
}

TEST(Compile, SeedMlpWithAdam) {
  expectCompiledMatchesEager(
      [] {
        auto x = randn({64, 1000}), y = randn({64, 10});
        auto model = std::make_shared<nn::Sequential>(
            nn::Linear(1000, 100), nn::ReLU(), nn::Linear(100, 10));
        auto opt = std::make_shared<optim::Adam>((*model)->parameters(),
                                                 optim::AdamOptions(1e-4));
        auto loss =
            std::make_shared<nn::MSELoss>(nn::MSELossOptions().reduction(kSum));
        Step step = [=](int) {
          Tensor l = (*loss)((*model)(x), y);
          opt->zero_grad();
          l.backward();
          opt->step();
          return l;
        };
        Params params = [=] { return (*model)->parameters(); };
        return std::make_pair(step, params);
      },
      6);
}

TEST(Compile, SeedMlpWithSgdMomentumAndWeightDecay) {
  expectCompiledMatchesEager(
      [] {
        auto x = randn({8, 5}), y = randn({8, 3});
        auto model = std::make_shared<TwoLayerNet>(5, 4, 3);
        auto opt = std::make_shared<optim::SGD>(
            (*model)->parameters(),
            optim::SGDOptions(0.01).momentum(0.9).weight_decay(0.01).nesterov(
                true));
        Step step = [=](int) {
          Tensor l = nn::functional::mse_loss((*model)(x), y);
          opt->zero_grad();
          l.backward();
          opt->step();
          return l;
        };
        Params params = [=] { return (*model)->parameters(); };
        return std::make_pair(step, params);
      },
      6);
}

TEST(Compile, SeedAutogradMlpWithManualUpdates) {
  // The tutorial's raw-tensor MLP: updates under NoGradGuard, grads zeroed
  // in place (so the second call has gradients: one re-trace).
  expectCompiledMatchesEager(
      [] {
        auto x = randn({16, 20}), y = randn({16, 5});
        auto w1 = std::make_shared<Tensor>(randn({20, 10}, requires_grad()));
        auto w2 = std::make_shared<Tensor>(randn({10, 5}, requires_grad()));
        Step step = [=](int) {
          Tensor l = (x.mm(*w1).clamp(0).mm(*w2) - y).pow(2).sum();
          l.backward();
          {
            NoGradGuard noGrad;
            *w1 -= 1e-4 * w1->grad();
            *w2 -= 1e-4 * w2->grad();
            w1->grad().zero_();
            w2->grad().zero_();
          }
          return l;
        };
        Params params = [=] { return std::vector<Tensor>{*w1, *w2}; };
        return std::make_pair(step, params);
      },
      6);
}

TEST(Compile, SeedSequentialWithManualUpdates) {
  expectCompiledMatchesEager(
      [] {
        auto x = randn({16, 20}), y = randn({16, 5});
        auto model = std::make_shared<nn::Sequential>(
            nn::Linear(20, 10), nn::ReLU(), nn::Linear(10, 5));
        auto loss =
            std::make_shared<nn::MSELoss>(nn::MSELossOptions().reduction(kSum));
        Step step = [=](int) {
          Tensor l = (*loss)((*model)(x), y);
          (*model)->zero_grad();
          l.backward();
          NoGradGuard noGrad;
          for (Tensor &p : (*model)->parameters())
            p -= 1e-3 * p.grad();
          return l;
        };
        Params params = [=] { return (*model)->parameters(); };
        return std::make_pair(step, params);
      },
      6);
}

TEST(Compile, SeedManualBackpropWithoutAutograd) {
  // The tutorial's NumPy-style network: gradients by hand, including
  // grad_h[h < 0] = 0.
  expectCompiledMatchesEager(
      [] {
        auto x = randn({16, 20}), y = randn({16, 5});
        auto w1 = std::make_shared<Tensor>(randn({20, 10}));
        auto w2 = std::make_shared<Tensor>(randn({10, 5}));
        Step step = [=](int) {
          Tensor h = x.mm(*w1);
          Tensor hRelu = h.clamp(0);
          Tensor yPred = hRelu.mm(*w2);
          Tensor l = (yPred - y).pow(2).sum();
          Tensor gradYPred = 2.0 * (yPred - y);
          Tensor gradW2 = hRelu.t().mm(gradYPred);
          Tensor gradH = gradYPred.mm(w2->t()).clone();
          gradH.index_put_({h < 0}, 0);
          Tensor gradW1 = x.t().mm(gradH);
          *w1 -= 1e-4 * gradW1;
          *w2 -= 1e-4 * gradW2;
          return l;
        };
        Params params = [=] { return std::vector<Tensor>{*w1, *w2}; };
        return std::make_pair(step, params);
      },
      6);
}

struct MyReLU : autograd::Function<MyReLU> {
  static Tensor forward(autograd::AutogradContext *ctx, Tensor input) {
    ctx->save_for_backward({input});
    return input.clamp(0);
  }
  static variable_list backward(autograd::AutogradContext *ctx,
                                variable_list grads) {
    Tensor input = ctx->get_saved_variables()[0];
    Tensor g = grads[0].clone();
    g.index_put_({input < 0}, 0);
    return {g};
  }
};

/// Straight-through: forward is sign(input) / 2 (a gradient of zero almost
/// everywhere), backward passes 3 * grad plus the saved input.
/// The compiled gradient is this backward's, not the forward's derivative.
struct StraightThrough : autograd::Function<StraightThrough> {
  static Tensor forward(autograd::AutogradContext *ctx, Tensor input,
                        Tensor scale) {
    ctx->save_for_backward({input});
    return input.sign() * 0.5 * scale;
  }
  static variable_list backward(autograd::AutogradContext *ctx,
                                variable_list grads) {
    Tensor input = ctx->get_saved_variables()[0];
    return {grads[0] * 3 + input, Tensor()};
  }
};

TEST(Compile, CustomFunctionBackwardIsTraced) {
  // The seed's MyReLU (mask assignment in backward) in a training step:
  // compiled, with eager's losses and parameters.
  expectCompiledMatchesEager(
      [] {
        auto x = randn({8, 6}), y = randn({8, 3});
        auto w1 = std::make_shared<Tensor>(randn({6, 4}, requires_grad()));
        auto w2 = std::make_shared<Tensor>(randn({4, 3}, requires_grad()));
        Step step = [=](int) {
          Tensor l = (MyReLU::apply(x.mm(*w1)).mm(*w2) - y).pow(2).sum();
          w1->set_grad(Tensor());
          w2->set_grad(Tensor());
          l.backward();
          NoGradGuard noGrad;
          *w1 -= 1e-3 * w1->grad();
          *w2 -= 1e-3 * w2->grad();
          return l;
        };
        Params params = [=] { return std::vector<Tensor>{*w1, *w2}; };
        return std::make_pair(step, params);
      },
      4, /*minHits=*/2);
}

TEST(Compile, CustomFunctionGradientIsItsBackward) {
  Tensor w = tensor({0.3, -1.2, 2.6}, kDouble).requires_grad_();
  Tensor scale = ones({3}, kDouble);
  auto f = [&](Tensor x) {
    Tensor l = (StraightThrough::apply(w * x, scale) * x).sum();
    w.set_grad(Tensor());
    l.backward();
    return l;
  };
  auto g = compile(f);
  Tensor x = tensor({1.0, 2.0, -1.0}, kDouble);
  for (int i = 0; i < 3; ++i) {
    double loss = g(x).item<double>();
    // forward: sign(w x) / 2 = (0.5, -0.5, -0.5); times x: 0.5 - 1 + 0.5
    EXPECT_DOUBLE_EQ(loss, 0.0);
    // d/dw = x * (3 * x + w * x)
    Tensor want = x * (3 * x + w.detach() * x);
    EXPECT_TRUE(w.grad().allclose(want)) << w.grad();
  }
  EXPECT_GE(g.stats().hits, 2u);
  EXPECT_EQ(g.stats().fallbacks, 0u);
}

TEST(Compile, CustomFunctionBackwardWritingStateRunsEagerly) {
  // A backward with a side effect on state cannot be a gradient rule.
  static Tensor counter;
  counter = zeros({});
  struct Counting : autograd::Function<Counting> {
    static Tensor forward(autograd::AutogradContext *, Tensor x) {
      return x * 2;
    }
    static variable_list backward(autograd::AutogradContext *,
                                  variable_list grads) {
      NoGradGuard noGrad;
      counter.add_(1);
      return {grads[0] * 2};
    }
  };
  Tensor w = ones({2}, requires_grad());
  auto f = [&](Tensor x) {
    Tensor l = (Counting::apply(w * x)).sum();
    l.backward();
    return l;
  };
  auto g = compile(f);
  for (int i = 0; i < 3; ++i)
    g(ones({2}));
  EXPECT_EQ(g.stats().compilations, 0u);
  EXPECT_DOUBLE_EQ(counter.item<double>(), 3.0); // once per eager backward
  EXPECT_TRUE(w.grad().equal(full({2}, 6.0)));   // 2 per call, accumulated
}

TEST(Compile, SeedLinearRegressionWithNewInputsEachCall) {
  // The seed's regression: batch 1, a fresh input every call (an argument).
  std::vector<double> losses[2];
  std::vector<Tensor> weights[2];
  for (int compiled = 0; compiled < 2; ++compiled) {
    manual_seed(0);
    nn::Linear model(3, 1);
    optim::SGD opt(model->parameters(), optim::SGDOptions(1e-2).momentum(0.1));
    auto body = [&](Tensor x, Tensor y) {
      opt.zero_grad();
      Tensor yHat = model(x);
      Tensor l = ((y - yHat) * (y - yHat)).sum() / x.size(0);
      l.backward();
      opt.step();
      return l;
    };
    auto step = compile(body);
    manual_seed(1);
    for (int i = 0; i < 20; ++i) {
      Tensor x = rand({1, 3});
      Tensor y = (3 * x.index({indexing::Slice(), 0}) +
                  x.index({indexing::Slice(), 1}) -
                  2 * x.index({indexing::Slice(), 2}))
                     .unsqueeze(1);
      losses[compiled].push_back(compiled ? step(x, y).item<double>()
                                          : body(x, y).item<double>());
    }
    weights[compiled] = model->parameters();
    if (compiled)
      EXPECT_GE(step.stats().hits, 15u);
  }
  for (size_t i = 0; i < losses[0].size(); ++i)
    EXPECT_NEAR(losses[1][i], losses[0][i], 1e-6 + 1e-5 * losses[0][i]);
  for (size_t i = 0; i < weights[0].size(); ++i)
    EXPECT_TRUE(weights[1][i].allclose(weights[0][i], kRtol, kAtol));
}

TEST(Compile, DynamicNetRepetitionCountIsStatic) {
  // The middle layer runs 0-3 times: each count is its own specialization.
  std::vector<double> losses[2];
  size_t compilations = 0;
  for (int compiled = 0; compiled < 2; ++compiled) {
    manual_seed(0);
    nn::Linear in(6, 5), middle(5, 5), out(5, 2);
    std::vector<Tensor> params;
    for (auto *m : {&in, &middle, &out})
      for (const Tensor &p : (*m)->parameters())
        params.push_back(p);
    optim::SGD opt(params, optim::SGDOptions(1e-3).momentum(0.9));
    Tensor x = randn({7, 6}), y = randn({7, 2});
    auto body = [&](Tensor x, Tensor y, int repeats) {
      Tensor h = in(x).clamp_min(0);
      for (int i = 0; i < repeats; ++i)
        h = middle(h).clamp_min(0);
      Tensor l = (out(h) - y).pow(2).sum();
      opt.zero_grad();
      l.backward();
      opt.step();
      return l;
    };
    auto step = compile(body);
    std::mt19937 gen(0);
    for (int i = 0; i < 24; ++i) {
      int repeats = static_cast<int>(gen() % 4);
      losses[compiled].push_back(compiled ? step(x, y, repeats).item<double>()
                                          : body(x, y, repeats).item<double>());
    }
    if (compiled)
      compilations = step.stats().compilations;
  }
  for (size_t i = 0; i < losses[0].size(); ++i)
    EXPECT_NEAR(losses[1][i], losses[0][i], 1e-6 + 1e-5 * losses[0][i]);
  EXPECT_GE(compilations, 2u);
}

TEST(Compile, ShapeChangeRetraces) {
  manual_seed(0);
  nn::Linear layer(4, 2);
  auto f = [&](Tensor x) { return layer(x).sum(); };
  auto g = compile(f);
  for (int64_t batch : {3, 3, 5, 5, 3}) {
    Tensor x = randn({batch, 4});
    EXPECT_NEAR(g(x).item<double>(), f(x).item<double>(), 1e-5);
  }
  EXPECT_EQ(g.stats().compilations, 2u);
  EXPECT_EQ(g.stats().hits, 3u);
}

TEST(Compile, BranchOnItemIsGuarded) {
  // The trace took one branch of `if (loss > 1)`; when the value read on
  // the host changes, the compiled result is discarded, not returned.
  manual_seed(0);
  Tensor w = ones({3}, requires_grad());
  auto f = [&](Tensor x) {
    Tensor s = (w * x).sum();
    if (s.item<double>() > 1)
      return s * 2;
    return s * 10;
  };
  auto g = compile(f);
  Tensor big = full({3}, 1.0), small = full({3}, 0.1);
  EXPECT_DOUBLE_EQ(g(big).item<double>(), 6.0);
  EXPECT_DOUBLE_EQ(g(big).item<double>(), 6.0);
  EXPECT_NEAR(g(small).item<double>(), 3.0, 1e-5);
  EXPECT_NEAR(g(small).item<double>(), 3.0, 1e-5);
  EXPECT_GE(g.stats().guardFailures, 1u);
}

TEST(Compile, FailedGuardLeavesStateUntouched) {
  // A step that updates a parameter, then reads a captured flag: when the
  // flag changed, the compiled call must not commit its update; the eager
  // re-run applies it exactly once.
  manual_seed(0);
  Tensor p = ones({2});
  Tensor flag = zeros({});
  auto f = [&](Tensor x) {
    NoGradGuard noGrad;
    p.add_(x);
    if (flag.item<double>() > 0)
      return p * 0;
    return p.clone();
  };
  auto g = compile(f);
  Tensor one = ones({2});
  g(one); // traced: p = 2
  g(one); // compiled: p = 3
  EXPECT_TRUE(p.equal(full({2}, 3.0)));
  flag.fill_(1);
  Tensor r = g(one); // compiled run rejected; eager: p = 4, returns 0
  EXPECT_TRUE(p.equal(full({2}, 4.0)));
  EXPECT_TRUE(r.equal(zeros({2})));
  EXPECT_GE(g.stats().guardFailures, 1u);
}

TEST(Compile, StateUpdatesInPlaceKeepTheirMemory) {
  // Without host reads the compiled step writes parameters and momentum
  // buffers in place: same memory, new values, bumped versions.
  manual_seed(0);
  nn::Linear lin(5, 3);
  optim::SGD opt(lin->parameters(), optim::SGDOptions(0.1).momentum(0.9));
  Tensor x = randn({4, 5});
  auto step = compile([&](Tensor x) {
    Tensor l = lin(x).pow(2).sum();
    opt.zero_grad();
    l.backward();
    opt.step();
    return l;
  });
  for (int i = 0; i < 3; ++i)
    step(x); // traces twice: the first step creates the momentum buffers
  void *weight = lin->weight.data_ptr();
  Tensor before = lin->weight.clone();
  step(x);
  EXPECT_GE(step.stats().hits, 1u);
  EXPECT_EQ(lin->weight.data_ptr(), weight);
  EXPECT_FALSE(lin->weight.equal(before));
}

TEST(Compile, WritesToStateSharingMemoryRunEagerly) {
  // `alias` shares the parameter's memory: eager reads the updated values
  // through it after the in-place update, which a trace (one value per
  // tensor) cannot express. The step runs eagerly, with eager's results.
  for (int compiled = 0; compiled < 2; ++compiled) {
    Tensor w = full({3}, 2.0);
    Tensor alias = w.view({3});
    auto f = [&](Tensor x) {
      NoGradGuard noGrad;
      w.mul_(x);
      return alias.sum();
    };
    auto g = compile(f);
    Tensor x = full({3}, 3.0);
    double last = 0;
    for (int i = 0; i < 3; ++i)
      last = (compiled ? g(x) : f(x)).item<double>();
    EXPECT_DOUBLE_EQ(last, 3 * 54.0);
    EXPECT_TRUE(w.equal(full({3}, 54.0)));
    if (compiled) {
      EXPECT_EQ(g.stats().compilations, 0u);
    }
  }
}

TEST(Compile, ArgumentSharingMemoryWithWrittenStateIsGuarded) {
  // Traced with a separate argument, then called with the state itself as
  // the argument: the specialization must not run (eager semantics differ).
  Tensor p = ones({2});
  auto f = [&](Tensor x) {
    NoGradGuard noGrad;
    p.add_(x);
    return (p * x).sum();
  };
  auto g = compile(f);
  Tensor one = ones({2});
  g(one);
  g(one); // compiled: p = 3
  EXPECT_EQ(g.stats().hits, 1u);
  Tensor r = g(p); // eager: p = 6, returns 6*6*2
  EXPECT_DOUBLE_EQ(r.item<double>(), 72.0);
  EXPECT_TRUE(p.equal(full({2}, 6.0)));
  EXPECT_GE(g.stats().guardFailures, 1u);
}

TEST(Compile, NoGradResultsPassNoGradient) {
  // y is computed under no_grad: eager gives w the gradient x * y only; a
  // trace that differentiated through y would give 2 * x * y.
  for (int compiled = 0; compiled < 2; ++compiled) {
    Tensor w = tensor({1.0, 2.0, 3.0}, kDouble).requires_grad_();
    auto f = [&](Tensor x) {
      Tensor y;
      {
        NoGradGuard noGrad;
        y = w * 2;
      }
      Tensor l = (y * w * x).sum();
      w.set_grad(Tensor());
      l.backward();
      return l;
    };
    auto g = compile(f);
    Tensor x = tensor({1.0, -1.0, 0.5}, kDouble);
    for (int i = 0; i < 3; ++i)
      compiled ? g(x) : f(x);
    EXPECT_TRUE(w.grad().allclose(x * w.detach() * 2)) << w.grad();
    if (compiled) {
      EXPECT_GE(g.stats().hits, 2u);
    }
  }
}

TEST(Compile, InPlaceWriteToAnArgumentRunsEagerly) {
  Tensor acc = zeros({2});
  auto f = [](Tensor a, Tensor x) {
    NoGradGuard noGrad;
    a.add_(x);
    return a.sum();
  };
  auto g = compile(f);
  for (int i = 0; i < 3; ++i)
    g(acc, ones({2}));
  EXPECT_TRUE(acc.equal(full({2}, 3.0)));
  EXPECT_EQ(g.stats().compilations, 0u);
}

TEST(Compile, ViewOfStateWrittenInPlaceRunsEagerly) {
  // `view` is taken inside the step, before the in-place update, and read
  // after it: eager sees the new values.
  for (int compiled = 0; compiled < 2; ++compiled) {
    Tensor w = full({2, 3}, 1.0);
    auto f = [&](Tensor x) {
      NoGradGuard noGrad;
      Tensor view = w.t();
      w.add_(x);
      return view.sum();
    };
    auto g = compile(f);
    double last = 0;
    for (int i = 0; i < 3; ++i)
      last = (compiled ? g(ones({2, 3})) : f(ones({2, 3}))).item<double>();
    EXPECT_DOUBLE_EQ(last, 24.0);
    if (compiled) {
      EXPECT_EQ(g.stats().compilations, 0u);
    }
  }
}

/// Two outputs; the second is marked non-differentiable, and gradients are
/// not materialized (an unused output's gradient arrives undefined).
struct TwoOutputs : autograd::Function<TwoOutputs> {
  static variable_list forward(autograd::AutogradContext *ctx, Tensor x) {
    ctx->set_materialize_grads(false);
    Tensor a = x * 2, b = x * 3, c = x * 5;
    ctx->mark_non_differentiable({c});
    return {a, b, c};
  }
  static variable_list backward(autograd::AutogradContext *,
                                variable_list grads) {
    Tensor g = zeros_like(grads[1]);
    if (grads[0].defined())
      g = g + grads[0] * 2;
    return {g + grads[1] * 3};
  }
};

TEST(Compile, CustomFunctionWithUnusedAndNonDifferentiableOutputs) {
  for (int compiled = 0; compiled < 2; ++compiled) {
    Tensor w = tensor({1.0, 2.0}, kDouble).requires_grad_();
    auto f = [&](Tensor x) {
      variable_list outs = TwoOutputs::apply(w * x);
      // outs[0] unused; outs[2] carries no gradient.
      Tensor l = (outs[1] * outs[2]).sum();
      w.set_grad(Tensor());
      l.backward();
      return l;
    };
    auto g = compile(f);
    Tensor x = tensor({1.0, -2.0}, kDouble);
    for (int i = 0; i < 3; ++i)
      compiled ? g(x) : f(x);
    // dl/d(outs[1]) = outs[2] = 5 w x; backward: 3 * that; times x.
    Tensor want = 15 * w.detach() * x * x;
    EXPECT_TRUE(w.grad().allclose(want)) << w.grad();
    if (compiled) {
      EXPECT_GE(g.stats().hits, 2u);
    }
  }
}

TEST(Compile, DropoutInTrainingRunsEagerly) {
  manual_seed(0);
  nn::Dropout drop(0.5);
  auto f = [&](Tensor x) { return drop(x).sum(); };
  auto g = compile(f);
  Tensor x = ones({100});
  for (int i = 0; i < 3; ++i) {
    double v = g(x).item<double>();
    EXPECT_TRUE(v == 0 || v >= 2); // sums of 2s: random, but eager-made
  }
  EXPECT_EQ(g.stats().compilations, 0u);
  EXPECT_GE(g.stats().fallbacks, 2u);
  // In evaluation mode dropout is the identity: that compiles.
  drop->eval();
  auto h = compile(f);
  h(x);
  EXPECT_DOUBLE_EQ(h(x).item<double>(), 100.0);
  EXPECT_EQ(h.stats().hits, 1u);
}

// Gathers with index tensors and masks have data-dependent results: the
// step runs eagerly (never a stale compiled gather), with eager's values as
// the indices change between calls; var/std are compositions and compile.
TEST(Compile, IndexTensorsRunEagerlyAndVarStdCompile) {
  Tensor w = randn({5, 3}, TensorOptions().requires_grad(true));
  auto gather = compile([&](Tensor idx, Tensor mask) {
    Tensor rows = w.index({idx});
    Tensor picked = w.index({mask});
    Tensor loss = rows.sum() + picked.pow(2).sum();
    loss.backward();
    return loss;
  });
  for (int call = 0; call < 4; ++call) {
    Tensor idx = tensor({int64_t(call % 5), int64_t((call + 2) % 5)});
    Tensor mask = randn({5, 3}) > 0;
    w.mutable_grad() = Tensor();
    Tensor got = gather(idx, mask);
    Tensor gotGrad = w.grad().clone();
    w.mutable_grad() = Tensor();
    Tensor want = w.index({idx}).sum() + w.index({mask}).pow(2).sum();
    want.backward();
    EXPECT_TRUE(got.allclose(want)) << call;
    EXPECT_TRUE(gotGrad.allclose(w.grad())) << call;
  }
  EXPECT_EQ(gather.stats().compilations, 0u);

  auto spread = compile([](Tensor x) {
    return x.var(0) + x.std(1, /*unbiased=*/false).sum() + x.var();
  });
  for (int call = 0; call < 3; ++call) {
    Tensor x = randn({4, 6}, kDouble);
    Tensor want = x.var(0) + x.std(1, false).sum() + x.var();
    EXPECT_TRUE(spread(x).allclose(want, 1e-12, 1e-12)) << call;
  }
  EXPECT_EQ(spread.stats().compilations, 1u);
  EXPECT_EQ(spread.stats().hits, 2u);
}

TEST(Compile, DumpsTheIrOfEachStage) {
  std::string dir = ::testing::TempDir() + "kiln_dump";
  std::filesystem::create_directories(dir);
  setenv("KILN_DUMP_IR", dir.c_str(), 1);
  Tensor w = randn({3, 2}, requires_grad());
  int lossLine = 0, backwardLine = 0;
  auto g = compile(
      [&](Tensor x) {
        lossLine = __LINE__ + 1;
        Tensor loss = x.mm(w).tanh().sum();
        w.set_grad(Tensor());
        backwardLine = __LINE__ + 1;
        loss.backward();
        return loss;
      },
      CompileOptions{8, "dumped"});
  g(randn({4, 3}));
  unsetenv("KILN_DUMP_IR");
  auto read = [&](const std::string &stage) {
    std::ifstream in(dir + "/dumped.0." + stage + ".mlir");
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string traced = read("0-traced"), grads = read("1-differentiated");
  EXPECT_NE(traced.find("kiln.backward"), std::string::npos) << traced;
  EXPECT_NE(traced.find("kiln.tanh"), std::string::npos) << traced;
  EXPECT_EQ(grads.find("kiln.backward"), std::string::npos) << grads;
  EXPECT_NE(grads.find("kiln.transpose"), std::string::npos) << grads;
  // Ops are located at the user's lines (this file is built with line
  // tables), inside the trace#N name.
  auto located = [&](const std::string &op, int line) {
    std::istringstream lines(traced);
    std::string l;
    while (std::getline(lines, l))
      if (l.find(op) != std::string::npos &&
          l.find("CompileTest.cpp\":" + std::to_string(line) + ":") !=
              std::string::npos)
        return true;
    return false;
  };
  EXPECT_TRUE(located("kiln.tanh", lossLine)) << traced;
  EXPECT_TRUE(located("kiln.matmul", lossLine)) << traced;
  EXPECT_TRUE(located("kiln.backward", backwardLine)) << traced;
}

TEST(Compile, RequiresGradOfInputsIsPartOfTheKey) {
  Tensor x = randn({4});
  auto f = [](Tensor t) { return (t * t).sum(); };
  auto g = compile(f);
  g(x);
  g(x);
  g(x.detach().requires_grad_());
  EXPECT_EQ(g.stats().compilations, 2u);
}

} // namespace

TEST(Compile, DumpDirIsCreatedAndHeaderOpsAreLocatedAtTheUsersLine) {
  // A folder that does not exist yet is created (it used to write nothing).
  std::string dir = ::testing::TempDir() + "kiln_dump_new/" +
                    std::to_string(::getpid()) + "/nested";
  std::filesystem::remove_all(dir);
  setenv("KILN_DUMP_IR", dir.c_str(), 1);
  nn::Linear layer(3, 2);
  int callLine = 0;
  auto g = compile(
      [&](Tensor x) {
        callLine = __LINE__ + 1;
        return layer(x).sum();
      },
      CompileOptions{8, "holder"});
  g(randn({4, 3}));
  unsetenv("KILN_DUMP_IR");
  std::ifstream in(dir + "/holder.0.0-traced.mlir");
  std::string traced(std::istreambuf_iterator<char>(in), {});
  ASSERT_FALSE(traced.empty()) << "nothing written to " << dir;
  // The ops that Linear's call operator (an inline template in kiln's
  // header) records are located at this file's line, not the header's.
  EXPECT_EQ(traced.find("include/kiln/"), std::string::npos) << traced;
  EXPECT_NE(traced.find("CompileTest.cpp\":" + std::to_string(callLine) + ":"),
            std::string::npos)
      << traced;
}

TEST(Compile, SaveWritesTheIrTheManifestAndTheState) {
  manual_seed(0);
  auto model = std::make_shared<TwoLayerNet>(8, 4, 2);
  optim::SGD opt((*model)->parameters(), optim::SGDOptions(0.01));
  auto step = compile(
      [&](Tensor x, Tensor y) {
        Tensor loss = nn::functional::mse_loss((*model)(x), y);
        opt.zero_grad();
        loss.backward();
        opt.step();
        return loss;
      },
      CompileOptions{8, "mlp_step"});
  auto x = randn({5, 8}), y = randn({5, 2});
  std::string path = ::testing::TempDir() + "kiln_export_" +
                     std::to_string(::getpid()) + "/mlp_step";
  EXPECT_THROW(step.save(path), Error); // nothing compiled yet
  for (int i = 0; i < 3; ++i)
    step(x, y);
  opt.param_groups()[0].options().set_lr(0.005);
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  step.save(path);
  auto read = [](const std::string &p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string ir = read(path + ".mlir"), manifest = read(path + ".json");
  EXPECT_NE(ir.find("func.func @mlp_step"), std::string::npos) << ir;
  EXPECT_NE(ir.find("kiln.backward"), std::string::npos);
  EXPECT_NE(ir.find("CompileTest.cpp"), std::string::npos); // locations
  EXPECT_NE(manifest.find("\"format\": \"kiln-step-1\""), std::string::npos)
      << manifest;
  EXPECT_NE(manifest.find("\"description\": \"lr of parameter group 0\""),
            std::string::npos)
      << manifest;
  EXPECT_NE(manifest.find("\"kind\": \"state_write\""), std::string::npos);
  // The state file holds the parameters' current values and the current lr.
  auto state = load_safetensors(path + ".safetensors");
  size_t matched = 0;
  bool lrSeen = false;
  for (const auto &item : state) {
    const Tensor &t = item.value();
    if (t.dim() == 0 && t.dtype() == kDouble)
      lrSeen = lrSeen || t.item<double>() == 0.005;
    for (const Tensor &p : (*model)->parameters())
      if (t.sizes() == p.sizes() && t.equal(p))
        ++matched;
  }
  EXPECT_EQ(matched, (*model)->parameters().size());
  EXPECT_TRUE(lrSeen);
}

// Exact gelu uses erf, a table op: the step compiles (no eager fallback),
// with eager's values and gradient.
TEST(Compile, ExactGeluCompilesAndEqualsEager) {
  manual_seed(1);
  Tensor x = randn({4, 5}) * 3;
  x.index_put_({0, 0}, 0.0);
  auto run = [](const Tensor &input) {
    Tensor y = nn::functional::gelu(input);
    y.sum().backward();
    return y;
  };
  Tensor eagerX = x.clone().requires_grad_();
  Tensor eagerY = run(eagerX);
  Tensor compiledX = x.clone().requires_grad_();
  auto step = compile([&](Tensor in) {
    in.set_grad(Tensor());
    return run(in);
  });
  step(compiledX); // traced
  Tensor y = step(compiledX);
  EXPECT_EQ(step.stats().compilations, 1u);
  EXPECT_EQ(step.stats().hits, 1u);
  EXPECT_TRUE(y.allclose(eagerY, kRtol, kAtol)) << y << eagerY;
  EXPECT_TRUE(compiledX.grad().allclose(eagerX.grad(), kRtol, kAtol))
      << compiledX.grad() << eagerX.grad();
}

// Ops whose geometry or randomness the trace does not model run eagerly,
// with eager's results, never as stale compiled code.
TEST(Compile, AsStridedResizeRandomAndHooksRunEagerly) {
  Tensor w = randn({6}, TensorOptions().requires_grad(true));
  auto strided = compile([&](Tensor x) {
    return (w.as_strided({2, 2}, {1, 2}, 1) * x).sum();
  });
  auto hooked = compile([&](Tensor x) {
    Tensor y = w * x;
    y.register_hook([](Tensor g) { return g * 3; });
    Tensor loss = y.sum();
    loss.backward();
    return loss;
  });
  auto random = compile([](Tensor x) { return x + randint(5, {4}, kDouble); });
  for (int call = 0; call < 3; ++call) {
    Tensor x = randn({2, 2});
    Tensor want = (w.as_strided({2, 2}, {1, 2}, 1) * x).sum();
    EXPECT_TRUE(strided(x).allclose(want)) << call;

    Tensor v = randn({6});
    w.mutable_grad() = Tensor();
    hooked(v);
    EXPECT_TRUE(w.grad().allclose(v * 3)) << call; // the hook ran

    Tensor r = random(zeros({4}, kDouble));
    EXPECT_TRUE((r >= 0).all().item<bool>() && (r < 5).all().item<bool>());
  }
  EXPECT_EQ(strided.stats().compilations, 0u);
  EXPECT_EQ(hooked.stats().compilations, 0u);
  EXPECT_EQ(random.stats().compilations, 0u);

  Tensor buffer = zeros({2});
  auto resize = compile([&](Tensor x) {
    buffer.resize_({3});
    return buffer.fill_(1).sum() + x.sum();
  });
  EXPECT_DOUBLE_EQ(resize(ones({2})).item<double>(), 5.0);
  EXPECT_DOUBLE_EQ(resize(ones({2})).item<double>(), 5.0);
  EXPECT_EQ(resize.stats().compilations, 0u);
}

// The modules and losses ordinary classifiers use, trained compiled against
// eager: LayerNorm, BatchNorm1d in training (its running statistics are
// state written in place), GELU, SiLU, cross entropy with label smoothing
// and BCE with logits, AdamW.
TEST(Compile, ClassifierWithNormsAndSmoothedLossMatchesEager) {
  expectCompiledMatchesEager(
      [] {
        auto model = nn::Sequential(
            nn::Linear(6, 16), nn::LayerNorm(nn::LayerNormOptions({16})),
            // No bias before the batch norm: its gradient would be rounding
            // noise, which AdamW's normalisation amplifies differently per
            // summation order.
            nn::GELU(), nn::Linear(nn::LinearOptions(16, 16).bias(false)),
            nn::BatchNorm1d(16), nn::SiLU(), nn::Linear(16, 4));
        auto opt = std::make_shared<optim::AdamW>(model->parameters(),
                                                  optim::AdamWOptions(1e-2));
        Tensor x = randn({8, 6});
        Tensor labels = tensor({0, 1, 2, 3, 0, 1, 2, 3});
        Tensor flags = (randn({8, 4}) > 0).to(kFloat);
        Step step = [=](int) {
          Tensor logits = model->forward(x);
          Tensor loss =
              nn::functional::cross_entropy(
                  logits, labels,
                  nn::functional::CrossEntropyFuncOptions().label_smoothing(
                      0.1)) +
              nn::functional::binary_cross_entropy_with_logits(logits, flags);
          opt->zero_grad();
          loss.backward();
          opt->step();
          return loss;
        };
        Params params = [=] {
          std::vector<Tensor> all = model->parameters();
          for (const Tensor &b : model->buffers())
            all.push_back(b);
          return all;
        };
        return std::make_pair(step, params);
      },
      6);
}

// Every way of drawing random numbers fails the trace closed: the step
// runs eagerly and draws fresh numbers on each call.
TEST(Compile, EveryRandomDrawRunsEagerly) {
  std::vector<std::function<Tensor(Tensor)>> draws = {
      [](Tensor x) { return x + bernoulli(full({4}, 0.5, kDouble)); },
      [](Tensor x) {
        return x + multinomial(ones({4}, kDouble), 4).to(kDouble);
      },
      [](Tensor x) { return x + normal(0.0, 1.0, {4}, std::nullopt, kDouble); },
      [](Tensor x) { return x + randperm(4, kDouble); },
      [](Tensor x) { return x + randint_like(x, 10); },
      [](Tensor x) { return x + zeros_like(x).normal_(); },
  };
  for (size_t i = 0; i < draws.size(); ++i) {
    auto step = compile(draws[i]);
    Tensor x = zeros({4}, kDouble);
    Tensor a = step(x), b = step(x), c = step(x);
    EXPECT_EQ(step.stats().compilations, 0u) << i;
    EXPECT_GE(step.stats().fallbacks, 2u) << i;
    // Fresh numbers each call (three equal draws of these are unlikely).
    EXPECT_FALSE(a.equal(b) && b.equal(c)) << i;
  }
}
