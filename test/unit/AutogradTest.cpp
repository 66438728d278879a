//===- AutogradTest.cpp - Graph building, backward and its errors ---------===//
//
// Part of the kiln project. Follows the PyTorch autograd tutorial: leaves,
// grad_fn names, vector-Jacobian products, accumulation, retain_graph,
// no_grad, detach, version counters, autograd::grad and custom functions.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

using namespace kiln;
using autograd::AutogradContext;
using kiln::test::isTensor;
using kiln::test::throwsWith;

TEST(Autograd, LeavesAndGradFnNames) {
  Tensor x = ones({2, 2}, requires_grad());
  EXPECT_TRUE(x.is_leaf());
  EXPECT_TRUE(x.requires_grad());
  EXPECT_EQ(x.grad_fn(), nullptr);
  EXPECT_FALSE(x.grad().defined());
  Tensor y = x + 2;
  EXPECT_FALSE(y.is_leaf());
  EXPECT_TRUE(y.requires_grad());
  EXPECT_EQ(y.grad_fn()->name(), "AddBackward0");
  Tensor z = y * y * 3;
  EXPECT_EQ(z.grad_fn()->name(), "MulBackward0");
  Tensor out = z.mean();
  EXPECT_EQ(out.grad_fn()->name(), "MeanBackward0");
  EXPECT_EQ(z.sum().grad_fn()->name(), "SumBackward0");
  EXPECT_EQ(z.sum(0).grad_fn()->name(), "SumBackward1");
  EXPECT_EQ(z.mean(0).grad_fn()->name(), "MeanBackward1");
  EXPECT_EQ(x.mm(x).grad_fn()->name(), "MmBackward0");
  EXPECT_EQ((x - 1).grad_fn()->name(), "SubBackward0");
  EXPECT_EQ((x / 2).grad_fn()->name(), "DivBackward0");
  EXPECT_EQ(x.pow(2).grad_fn()->name(), "PowBackward0");
  EXPECT_EQ(x.pow(x).grad_fn()->name(), "PowBackward1");
  EXPECT_EQ(x.exp().grad_fn()->name(), "ExpBackward0");
  EXPECT_EQ(x.relu().grad_fn()->name(), "ReluBackward0");
  EXPECT_EQ(x.sigmoid().grad_fn()->name(), "SigmoidBackward0");
  EXPECT_EQ(x.tanh().grad_fn()->name(), "TanhBackward0");
  EXPECT_EQ(x.t().grad_fn()->name(), "TBackward0");
  EXPECT_EQ(x.view({4}).grad_fn()->name(), "ViewBackward0");
  EXPECT_EQ(x.transpose(0, 1).grad_fn()->name(), "TransposeBackward0");
  EXPECT_EQ(x.unsqueeze(0).grad_fn()->name(), "UnsqueezeBackward0");
  EXPECT_EQ(x.select(0, 0).grad_fn()->name(), "SelectBackward0");
  EXPECT_EQ(x.slice(0, 0, 1).grad_fn()->name(), "SliceBackward0");
  EXPECT_EQ(x.expand({3, 2, 2}).grad_fn()->name(), "ExpandBackward0");
  EXPECT_EQ(x.max().grad_fn()->name(), "MaxBackward1");
  EXPECT_EQ(std::get<0>(x.max(0)).grad_fn()->name(), "MaxBackward0");
  EXPECT_EQ(x.clamp(0, 1).grad_fn()->name(), "ClampBackward1");
  EXPECT_EQ(x.clamp_min(0).grad_fn()->name(), "ClampMinBackward0");
  EXPECT_EQ(cat({x, x}).grad_fn()->name(), "CatBackward0");
  EXPECT_EQ(x.clone().grad_fn()->name(), "CloneBackward0");
  EXPECT_EQ(x.to(kDouble).grad_fn()->name(), "ToCopyBackward0");
  EXPECT_EQ(x.index({x > 0}).grad_fn()->name(), "IndexBackward0");
  EXPECT_EQ(where(x > 0, x, 0.).grad_fn()->name(), "WhereBackward0");
  EXPECT_EQ(x.masked_fill(x > 0, 0).grad_fn()->name(), "MaskedFillBackward0");
  EXPECT_EQ(x.t().contiguous().view({4}).grad_fn()->name(), "ViewBackward0");
  // Integer results never require grad.
  EXPECT_FALSE(x.argmax().requires_grad());
  EXPECT_FALSE((x > 0).requires_grad());
  EXPECT_FALSE(std::get<1>(x.max(0)).requires_grad());
}

TEST(Autograd, TutorialBackwardOfMean) {
  Tensor x = ones({2, 2}, requires_grad());
  Tensor y = x + 2;
  Tensor out = (y * y * 3).mean();
  EXPECT_EQ(out.item<float>(), 27.f);
  out.backward();
  EXPECT_TRUE(isTensor(x.grad(), {2, 2}, {4.5, 4.5, 4.5, 4.5}));
  // Non-leaves keep no gradient unless asked to.
  EXPECT_FALSE(y.grad().defined());
}

TEST(Autograd, RequiresGradInPlaceSwitch) {
  Tensor a = randn({2, 2});
  a = ((a * 3) / (a - 1));
  EXPECT_FALSE(a.requires_grad());
  a.requires_grad_(true);
  EXPECT_TRUE(a.requires_grad());
  Tensor b = (a * a).sum();
  EXPECT_EQ(b.grad_fn()->name(), "SumBackward0");
  a.requires_grad_(false);
  EXPECT_FALSE(a.requires_grad());
}

TEST(Autograd, VectorJacobianProduct) {
  manual_seed(0);
  Tensor x = randn({3}, requires_grad());
  Tensor y = x * 2;
  int doublings = 1;
  while (y.norm().item<float>() < 1000) {
    y = y * 2;
    ++doublings;
  }
  Tensor v = tensor({0.1, 1.0, 0.0001});
  y.backward(v);
  double scale = std::pow(2.0, doublings);
  EXPECT_TRUE(
      isTensor(x.grad(), {3}, {0.1 * scale, 1.0 * scale, 1e-4 * scale}, 1e-5));
  // The gradient does not depend on x: y is linear.
  EXPECT_GE(y.norm().item<float>(), 1000.f);
}

TEST(Autograd, GradAccumulatesAcrossBackwardCalls) {
  Tensor x = tensor({1., 2.}, requires_grad());
  (x * x).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {2, 4}));
  Tensor first = x.grad();
  (x * 3).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {5, 7}));
  // Accumulation is in place, as in PyTorch.
  EXPECT_TRUE(isTensor(first, {2}, {5, 7}));
  x.mutable_grad().zero_();
  (x * 3).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {3, 3}));
  x.set_grad(Tensor());
  EXPECT_FALSE(x.grad().defined());
  // A leaf used twice in one graph sums both contributions.
  (x * x + x).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {3, 5}));
}

TEST(Autograd, RetainGraphAndFreedGraphError) {
  Tensor x = tensor({1., 2.}, requires_grad());
  Tensor y = (x * x).sum();
  y.backward({}, /*retain_graph=*/true);
  y.backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {4, 8}));
  EXPECT_TRUE(throwsWith([&] { y.backward(); },
                         "Trying to backward through the graph a second "
                         "time"));
  // Graphs without saved tensors may be walked again, as in PyTorch.
  Tensor z = (x + 1).sum();
  z.backward();
  z.backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {6, 10}));
}

TEST(Autograd, NoGradGuardAndDetach) {
  Tensor x = ones({2}, requires_grad());
  {
    NoGradGuard guard;
    EXPECT_FALSE(GradMode::is_enabled());
    Tensor y = x * 2;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    // In-place updates of leaves are allowed without grad (optimizers).
    x.sub_(0.5);
  }
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_TRUE(isTensor(x, {2}, {0.5, 0.5}));
  {
    AutoGradMode off(false);
    EXPECT_FALSE((x + 1).requires_grad());
    {
      AutoGradMode on(true);
      EXPECT_TRUE((x + 1).requires_grad());
    }
    EXPECT_FALSE(GradMode::is_enabled());
  }
  Tensor d = (x * 2).detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_TRUE(isTensor(d, {2}, {1, 1}));
  // The detached branch contributes no gradient.
  Tensor y = x * x.detach();
  y.sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {0.5, 0.5}));
  Tensor w = x * 3;
  w.detach_();
  EXPECT_FALSE(w.requires_grad());
  EXPECT_TRUE(w.is_leaf());
}

TEST(Autograd, VersionCounterDetectsInPlaceOnSavedTensor) {
  Tensor x = tensor({1., 2.}, requires_grad());
  Tensor y = x * 2;
  Tensor z = y * y; // saves y
  uint32_t before = y._version();
  y.add_(1);
  EXPECT_EQ(y._version(), before + 1);
  EXPECT_TRUE(throwsWith([&] { z.sum().backward(); },
                         "one of the variables needed for gradient "
                         "computation has been modified by an inplace "
                         "operation"));
  // Writes through a view bump the shared counter too.
  Tensor a = tensor({1., 2.}, requires_grad());
  Tensor b = a.exp(); // saves its output
  NoGradGuard guard;
  b[0].fill_(3);
  AutoGradMode on(true);
  EXPECT_THROW(b.sum().backward(), Error);
}

TEST(Autograd, InPlaceOnUnsavedOperandIsAllowed) {
  // PyTorch's add saves nothing, so writing to its input later is fine.
  Tensor x = tensor({1., 2.}, requires_grad());
  Tensor w = tensor({3., 4.}, requires_grad());
  Tensor a = x * 1;
  Tensor b = a + w;
  a.mul_(2);
  b.sum().backward();
  EXPECT_TRUE(isTensor(w.grad(), {2}, {1, 1}));
  EXPECT_TRUE(isTensor(x.grad(), {2}, {1, 1}));
  // In-place on a non-leaf records history: d(2y)/dx through mul_.
  Tensor x2 = tensor({1., 2.}, requires_grad());
  Tensor y2 = x2 * x2;
  y2.mul_(3);
  y2.sum().backward();
  EXPECT_TRUE(isTensor(x2.grad(), {2}, {6, 12}));
}

TEST(Autograd, BroadcastGradientsSumToInputShape) {
  Tensor a = ones({2, 3}, requires_grad());
  Tensor b = tensor({1., 2., 3.}, requires_grad());
  Tensor c = tensor({{2.}, {3.}}, requires_grad());
  Tensor s = tensor(4., requires_grad());
  ((a * b + c) * s).sum().backward();
  EXPECT_TRUE(isTensor(b.grad(), {3}, {8, 8, 8}));
  EXPECT_TRUE(isTensor(c.grad(), {2, 1}, {12, 12}));
  EXPECT_TRUE(isTensor(s.grad(), {}, {2 * 6 + 3 * 2 + 3 * 3}));
  EXPECT_TRUE(isTensor(a.grad(), {2, 3}, {4, 8, 12, 4, 8, 12}));
  Tensor e = tensor({{1., 2.}}, requires_grad());
  e.expand({3, 2}).sum().backward();
  EXPECT_TRUE(isTensor(e.grad(), {1, 2}, {3, 3}));
}

TEST(Autograd, GradFunction) {
  Tensor x = tensor({1., 2., 3.}, requires_grad());
  Tensor w = tensor({2., 2., 2.}, requires_grad());
  Tensor y = (x * x * w).sum();
  variable_list g = autograd::grad({y}, {x}, {}, /*retain_graph=*/true);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(isTensor(g[0], {3}, {4, 8, 12}));
  // .grad is untouched.
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(w.grad().defined());
  variable_list g2 = autograd::grad({y}, {x, w}, {tensor(2.)});
  EXPECT_TRUE(isTensor(g2[0], {3}, {8, 16, 24}));
  EXPECT_TRUE(isTensor(g2[1], {3}, {2, 8, 18}));
  // With respect to an intermediate.
  Tensor h = x * 2;
  Tensor out = (h * h).sum();
  EXPECT_TRUE(isTensor(autograd::grad({out}, {h})[0], {3}, {4, 8, 12}));
  // Unused inputs.
  Tensor u = tensor({1.}, requires_grad());
  Tensor o = (x * 2).sum();
  EXPECT_TRUE(throwsWith([&] { autograd::grad({o}, {u}, {}, true); },
                         "appears to not have been used in the graph"));
  variable_list gu = autograd::grad({o}, {u}, {}, true, false, true);
  EXPECT_FALSE(gu[0].defined());
  // Multiple roots through autograd::backward.
  Tensor p = tensor({1., 1.}, requires_grad());
  autograd::backward({(p * 2).sum(), (p * 3).sum()});
  EXPECT_TRUE(isTensor(p.grad(), {2}, {5, 5}));
}

TEST(Autograd, RetainGrad) {
  Tensor x = tensor({1., 2.}, requires_grad());
  Tensor y = x * 3;
  y.retain_grad();
  EXPECT_TRUE(y.retains_grad());
  Tensor z = (y * y).sum();
  z.backward();
  EXPECT_TRUE(isTensor(y.grad(), {2}, {6, 12}));
  EXPECT_TRUE(isTensor(x.grad(), {2}, {18, 36}));
  // Leaves already retain: a no-op.
  x.retain_grad();
  EXPECT_FALSE(x.retains_grad());
}

TEST(Autograd, LeafGradNotAliasedWithUserGradient) {
  // The gradient passed to backward must not become the leaf's .grad.
  Tensor x = tensor({1., 2.}, requires_grad());
  Tensor v = tensor({1., 1.});
  x.backward(v);
  EXPECT_TRUE(isTensor(x.grad(), {2}, {1, 1}));
  v.mul_(10);
  EXPECT_TRUE(isTensor(x.grad(), {2}, {1, 1}));
}

namespace {

// The PyTorch tutorial's ReLU with a saved input.
struct MyReLU : public autograd::Function<MyReLU> {
  static Tensor forward(AutogradContext *ctx, Tensor input) {
    ctx->save_for_backward({input});
    return input.clamp_min(0);
  }
  static variable_list backward(AutogradContext *ctx,
                                variable_list grad_outputs) {
    Tensor input = ctx->get_saved_variables()[0];
    Tensor g = grad_outputs[0].clone();
    g.masked_fill_(input < 0, 0);
    return {g};
  }
};

// Saves its output and a non-tensor constant.
struct ScaledExp : public autograd::Function<ScaledExp> {
  static Tensor forward(AutogradContext *ctx, Tensor x, double scale) {
    Tensor y = x.exp() * scale;
    ctx->save_for_backward({y});
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["tag"] = "exp";
    return y;
  }
  static variable_list backward(AutogradContext *ctx, variable_list g) {
    EXPECT_EQ(ctx->saved_data["tag"].toStringRef(), "exp");
    EXPECT_EQ(ctx->saved_data["scale"].toDouble(), 2.0);
    return {g[0] * ctx->get_saved_variables()[0], Tensor()};
  }
};

// Two tensor inputs: d(x*y) = (y, x).
struct MulFn : public autograd::Function<MulFn> {
  static Tensor forward(AutogradContext *ctx, Tensor x, Tensor y) {
    ctx->save_for_backward({x, y});
    return x * y;
  }
  static variable_list backward(AutogradContext *ctx, variable_list g) {
    auto s = ctx->get_saved_variables();
    EXPECT_TRUE(ctx->needs_input_grad(0));
    EXPECT_FALSE(ctx->needs_input_grad(1));
    return {g[0] * s[1], g[0] * s[0]};
  }
};

// Backward returns one gradient too many.
struct BadArity : public autograd::Function<BadArity> {
  static Tensor forward(AutogradContext *, Tensor x) { return x * 2; }
  static variable_list backward(AutogradContext *, variable_list g) {
    return {g[0], g[0]};
  }
};

} // namespace

TEST(CustomFunction, MyReLUMatchesFiniteDifferences) {
  Tensor x = tensor({-1.5, -0.3, 0.4, 2.0}, kDouble).requires_grad_();
  Tensor y = MyReLU::apply(x);
  EXPECT_EQ(y.grad_fn()->name(), "MyReLUBackward");
  EXPECT_TRUE(isTensor(y, {4}, {0, 0, 0.4, 2}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const variable_list &v) { return variable_list{MyReLU::apply(v[0])}; },
      {x}));
  (MyReLU::apply(x) * tensor({1., 2., 3., 4.}, kDouble)).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {4}, {0, 0, 3, 4}));
}

TEST(CustomFunction, SavedOutputAndSavedData) {
  Tensor x = tensor({0.5, -1.0}, kDouble).requires_grad_();
  EXPECT_TRUE(autograd::gradcheck(
      [](const variable_list &v) {
        return variable_list{ScaledExp::apply(v[0], 2.0)};
      },
      {x}));
  // A function saving its output but never backpropagated must not leak.
  Tensor y = ScaledExp::apply(x, 2.0);
  EXPECT_TRUE(isTensor(y, {2}, {2 * std::exp(0.5), 2 * std::exp(-1.0)}));
}

TEST(CustomFunction, NeedsInputGradAndErrors) {
  Tensor x = tensor({1., 2.}, requires_grad());
  Tensor k = tensor({3., 4.});
  MulFn::apply(x, k).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {3, 4}));
  // Without grad mode or grad-requiring inputs there is no history.
  EXPECT_FALSE(MulFn::apply(k, k).requires_grad());
  Tensor b = BadArity::apply(x).sum();
  EXPECT_TRUE(throwsWith([&] { b.backward(); },
                         "returned an incorrect number of gradients "
                         "(expected 1, got 2)"));
  // An output that is an input is returned as a new alias with history.
  struct Identity : autograd::Function<Identity> {
    static Tensor forward(AutogradContext *, Tensor t) { return t; }
    static variable_list backward(AutogradContext *, variable_list g) {
      return {g[0] * 5};
    }
  };
  Tensor z = tensor({1.}, requires_grad());
  Tensor w = Identity::apply(z);
  EXPECT_FALSE(w.is_same(z));
  w.sum().backward();
  EXPECT_TRUE(isTensor(z.grad(), {1}, {5}));
}

namespace {
// Records which inputs backward was asked for; arguments mix tensors and
// a non-tensor scale, as libtorch allows.
struct ScaledSum : public autograd::Function<ScaledSum> {
  static Tensor forward(AutogradContext *ctx, Tensor a, double scale,
                        Tensor b) {
    ctx->saved_data["scale"] = scale;
    return (a + b) * scale;
  }
  static variable_list backward(AutogradContext *ctx, variable_list g) {
    double scale = ctx->saved_data["scale"].toDouble();
    asked().push_back({ctx->needs_input_grad(0), ctx->needs_input_grad(1)});
    // One gradient per argument, undefined for the double.
    return {ctx->needs_input_grad(0) ? g[0] * scale : Tensor(), Tensor(),
            ctx->needs_input_grad(1) ? g[0] * scale : Tensor()};
  }
  static std::vector<std::pair<bool, bool>> &asked() {
    static std::vector<std::pair<bool, bool>> v;
    return v;
  }
};

struct SumList : public autograd::Function<SumList> {
  static Tensor forward(AutogradContext *, TensorList ts) {
    return ts[0] * 2 + ts[1];
  }
  static variable_list backward(AutogradContext *, variable_list g) {
    return {g[0] * 2, g[0]};
  }
};

struct NeverRuns : public autograd::Function<NeverRuns> {
  static Tensor forward(AutogradContext *, Tensor t) { return t * 1; }
  static variable_list backward(AutogradContext *, variable_list g) {
    ADD_FAILURE() << "grad() ran a node that leads to none of its inputs";
    return g;
  }
};
} // namespace

TEST(CustomFunction, GradientsPerArgumentAndNeedsInputGradPerCall) {
  Tensor a = tensor({1., 2.}, requires_grad());
  Tensor b = tensor({5., -1.}, requires_grad());
  ScaledSum::asked().clear();
  Tensor out = ScaledSum::apply(a, 3.0, b);
  auto onlyB = autograd::grad({out.sum()}, {b}, {}, true);
  EXPECT_TRUE(isTensor(onlyB[0], {2}, {3, 3}));
  ASSERT_EQ(ScaledSum::asked().size(), 1u);
  EXPECT_EQ(ScaledSum::asked()[0], std::make_pair(false, true));
  out.sum().backward();
  EXPECT_EQ(ScaledSum::asked()[1], std::make_pair(true, true));
  EXPECT_TRUE(isTensor(a.grad(), {2}, {3, 3}));

  Tensor c = tensor({4.}, requires_grad()), d = tensor({-2.}, requires_grad());
  variable_list both = {c, d};
  SumList::apply(TensorList(both)).sum().backward();
  EXPECT_TRUE(isTensor(c.grad(), {1}, {2}));
  EXPECT_TRUE(isTensor(d.grad(), {1}, {1}));
}

TEST(Autograd, GradRunsOnlyWhatLeadsToItsInputs) {
  Tensor x = tensor({2.}, requires_grad()), y = tensor({7.}, requires_grad());
  Tensor viaX = NeverRuns::apply(x * 3);
  Tensor out = viaX + y * y;
  auto g = autograd::grad({out}, {y});
  EXPECT_TRUE(isTensor(g[0], {1}, {14}));
  EXPECT_TRUE(throwsWith([&] { autograd::grad({out}, {}); },
                         "grad requires non-empty inputs."));
}

TEST(Autograd, TensorHooksObserveAndReplaceGradients) {
  Tensor x = tensor({1., -2.}, requires_grad());
  Tensor seen;
  unsigned observe = x.register_hook([&](Tensor g) { seen = g.clone(); });
  unsigned twice = x.register_hook([](Tensor g) { return g * 2; });
  (x * x).sum().backward();
  EXPECT_TRUE(isTensor(seen, {2}, {2, -4}));     // before the doubling
  EXPECT_TRUE(isTensor(x.grad(), {2}, {4, -8})); // after it
  x.remove_hook(twice);
  x.remove_hook(observe);
  x.mutable_grad() = Tensor();
  (x * 3).sum().backward();
  EXPECT_TRUE(isTensor(x.grad(), {2}, {3, 3}));
  // A hook on a non-leaf sees the gradient flowing through it.
  Tensor y = x * 2, mid;
  y.register_hook([&](Tensor g) { mid = g.clone(); });
  (y * y).sum().backward();
  EXPECT_TRUE(isTensor(mid, {2}, {4, -8}));
}

TEST(Autograd, BackwardWithInputsAccumulatesIntoThoseOnly) {
  Tensor a = tensor({2.}, requires_grad()), b = tensor({5.}, requires_grad());
  Tensor loss = (a * b).sum();
  loss.backward({}, true, false, TensorList({a}));
  EXPECT_TRUE(isTensor(a.grad(), {1}, {5}));
  EXPECT_FALSE(b.grad().defined());
  loss.backward({}, false, false, TensorList({b}));
  EXPECT_TRUE(isTensor(b.grad(), {1}, {2}));
  EXPECT_TRUE(isTensor(a.grad(), {1}, {5})); // untouched the second time
}

TEST(Autograd, RetainGradFollowsAnInPlaceWrite) {
  Tensor x = tensor({1., 2.}, requires_grad());
  Tensor y = x * 1;
  y.retain_grad();
  y.mul_(3); // y's value now comes from the multiplication
  (y * y).sum().backward();
  // d(sum y^2)/dy at the newest y = 2y = (6, 12).
  EXPECT_TRUE(isTensor(y.grad(), {2}, {6, 12}));
  EXPECT_TRUE(isTensor(x.grad(), {2}, {18, 36}));
}

// A view made under no_grad of a tensor that requires grad reports
// requires_grad (as libtorch's views do) yet is a leaf that gradients do not
// reach; in-place writes to it are refused like writes to a leaf.
TEST(Autograd, NoGradViewsOfTensorsThatRequireGrad) {
  for (bool requiresGrad : {true, false}) {
    Tensor base = ones({1, 2, 3}).set_requires_grad(requiresGrad);
    Tensor a = base.clone();
    Tensor view;
    {
      NoGradGuard noGrad;
      view = a.view({2, 3});
      EXPECT_EQ(view.requires_grad(), requiresGrad);
      EXPECT_TRUE(view.is_leaf());
      Tensor product = a * a; // not a view: no history, no requires_grad
      EXPECT_FALSE(product.requires_grad());
    }
    Tensor square = view * view;
    EXPECT_EQ(square.requires_grad(), requiresGrad);
    if (requiresGrad) {
      square.sum().backward();
      EXPECT_FALSE(view.grad().defined());
      EXPECT_FALSE(base.grad().defined());
      EXPECT_TRUE(throwsWith([&] { view.mul_(2); },
                             "a leaf Variable that requires grad is being "
                             "used in an in-place operation"));
    } else {
      view.mul_(2);
    }
    EXPECT_EQ(view.view({3, 2}).requires_grad(), requiresGrad);
    EXPECT_FALSE(view.detach().requires_grad());
  }
}
