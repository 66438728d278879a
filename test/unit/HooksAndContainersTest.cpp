//===- HooksAndContainersTest.cpp - Tensor hooks, parameter containers ----===//
//
// Part of the kiln project. Gradient hooks and backward(inputs=...), the
// reentrant engine, custom Function gradient validation, ParameterList /
// ParameterDict / ModuleDict, the activation and loss modules, nn::utils
// and InferenceMode.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <limits>

using namespace kiln;
using autograd::gradcheck;

namespace {

Tensor dleaf(std::vector<double> v, std::vector<int64_t> sizes) {
  Tensor t = tensor(v, kDouble).reshape(sizes).clone();
  t.requires_grad_(true);
  return t;
}

bool throwsWithText(const std::function<void()> &f, const std::string &text) {
  try {
    f();
  } catch (const Error &e) {
    return std::string(e.what()).find(text) != std::string::npos;
  }
  return false;
}

} // namespace

TEST(TensorHooks, LeafHookReplacesTheAccumulatedGradient) {
  Tensor w = dleaf({1, 2, 3}, {3});
  int calls = 0;
  autograd::registerHook(w, [&](const Tensor &g) {
    ++calls;
    return g * 10;
  });
  (w * w).sum().backward();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(allclose(w.grad(), tensor({20.0, 40.0, 60.0}, kDouble)));
  // Hooks stay for later backwards and the result accumulates.
  (w * 3).sum().backward();
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(allclose(w.grad(), tensor({50.0, 70.0, 90.0}, kDouble)));
}

TEST(TensorHooks, NonLeafHookSeesAndChangesTheFlowingGradient) {
  Tensor a = dleaf({0.5, -1.0}, {2});
  Tensor mid = a * 4;
  Tensor seen;
  autograd::registerHook(mid, [&](Tensor g) { seen = g.clone(); });
  unsigned doubler =
      autograd::registerHook(mid, [](const Tensor &g) { return g * 2; });
  (mid * mid).sum().backward({}, /*retain_graph=*/true);
  // d(mid^2)/dmid = 2 mid = [4, -8]; the observer runs first.
  EXPECT_TRUE(allclose(seen, tensor({4.0, -8.0}, kDouble)));
  EXPECT_TRUE(allclose(a.grad(), tensor({32.0, -64.0}, kDouble)));
  autograd::removeHook(mid, doubler);
  a.grad().zero_();
  (mid * mid).sum().backward();
  EXPECT_TRUE(allclose(a.grad(), tensor({16.0, -32.0}, kDouble)));
  EXPECT_TRUE(throwsWithText([&] { autograd::removeHook(mid, 7); },
                             "Invalid index, no hook at position 7"));
}

TEST(TensorHooks, RefusedOnTensorsWithoutGrad) {
  Tensor t = ones({2});
  EXPECT_TRUE(throwsWithText(
      [&] { autograd::registerHook(t, [](Tensor) {}); },
      "cannot register a hook on a tensor that doesn't require gradient"));
}

TEST(TensorHooks, NewHistoryKeepsOldHooksAndMovesRetainGrad) {
  // What an in-place op does to a non-leaf: it gets a new grad_fn.
  Tensor x = dleaf({1, 2}, {2});
  Tensor a = x * 1;
  a.retain_grad();
  Tensor before, after;
  autograd::registerHook(a, [&](Tensor g) { before = g.clone(); });
  Tensor tripled = a * 3;
  autograd::setHistory(a, tripled.grad_fn(), tripled.output_nr());
  autograd::registerHook(a, [&](Tensor g) { after = g.clone(); });
  (a * tensor({5.0, 7.0}, kDouble)).sum().backward();
  EXPECT_TRUE(allclose(after, tensor({5.0, 7.0}, kDouble)));
  EXPECT_TRUE(allclose(before, tensor({15.0, 21.0}, kDouble)));
  // .grad is the gradient of the newest value only.
  EXPECT_TRUE(allclose(a.grad(), tensor({5.0, 7.0}, kDouble)));
  EXPECT_TRUE(allclose(x.grad(), tensor({15.0, 21.0}, kDouble)));
}

TEST(BackwardInputs, OnlyTheGivenTensorsGetGradients) {
  Tensor x = dleaf({1, 2}, {2});
  Tensor y = dleaf({3, 4}, {2});
  Tensor z = x * y;
  Tensor out = (z * y).sum();
  autograd::backward({out}, {}, std::nullopt, false, {x, z});
  EXPECT_TRUE(allclose(x.grad(), tensor({9.0, 16.0}, kDouble)));
  EXPECT_TRUE(allclose(z.grad(), tensor({3.0, 4.0}, kDouble)));
  EXPECT_FALSE(y.grad().defined());
  Tensor w = (x * 2).sum();
  EXPECT_TRUE(throwsWithText(
      [&] { autograd::backwardWithInputs(w, {}, std::nullopt, false, {}); },
      "'inputs' argument to backward() cannot be empty."));
}

namespace {
struct Countdown : autograd::Function<Countdown> {
  static Tensor forward(autograd::AutogradContext *ctx, Tensor x) {
    {
      AutoGradMode on(true);
      ctx->saved_data["x"] = autograd::make_variable(x, true) - 1;
    }
    return ctx->saved_data["x"].toTensor().detach();
  }
  static variable_list backward(autograd::AutogradContext *ctx,
                                variable_list grads) {
    Tensor x = ctx->saved_data["x"].toTensor();
    if (x.item<double>() > 0) {
      AutoGradMode on(true);
      apply(x).sum().backward();
    }
    return grads;
  }
};

struct WrongShape : autograd::Function<WrongShape> {
  static Tensor forward(autograd::AutogradContext *, Tensor x) { return x; }
  static variable_list backward(autograd::AutogradContext *,
                                variable_list grads) {
    return {ones({4, 2}, kDouble)};
  }
};

struct Broadcasting : autograd::Function<Broadcasting> {
  static Tensor forward(autograd::AutogradContext *, Tensor x) { return x; }
  static variable_list backward(autograd::AutogradContext *,
                                variable_list grads) {
    return {full({2, 3}, 1.5, kFloat)};
  }
};
} // namespace

TEST(ReentrantBackward, DeepNestingDoesNotOverflowTheStack) {
  Tensor v = tensor({3000.0}, kDouble).requires_grad_(true);
  Countdown::apply(v).sum().backward();
  EXPECT_TRUE(allclose(v.grad(), ones({1}, kDouble)));
}

TEST(CustomFunctionGradients, ShapeAndDtypeAreValidated) {
  Tensor x = zeros({3}, kDouble).requires_grad_(true);
  EXPECT_TRUE(throwsWithText(
      [&] { WrongShape::apply(x).sum().backward(); },
      "returned an invalid gradient at index 0 - got [4, 2] but expected "
      "shape compatible with [3]"));
  // A gradient the input broadcasts to is summed back, and cast.
  Broadcasting::apply(x).sum().backward();
  EXPECT_EQ(x.grad().dtype(), kDouble);
  EXPECT_TRUE(allclose(x.grad(), full({3}, 3.0, kDouble)));
}

TEST(FunctionNodes, NoIncomingGradientMeansNoneOut) {
  struct Drop : autograd::Function<Drop> {
    static Tensor forward(autograd::AutogradContext *, Tensor x) {
      return x * 2;
    }
    static variable_list backward(autograd::AutogradContext *, variable_list) {
      return {Tensor()};
    }
  };
  Tensor x = dleaf({2}, {1});
  Drop::apply(x.pow(3).exp()).backward();
  EXPECT_FALSE(x.grad().defined());
}

TEST(ParameterContainers, ListKeepsOrderAndRequiresGrad) {
  Tensor a = ones({2}).requires_grad_(true), b = zeros({1, 3});
  nn::ParameterList list(a, b);
  list->append(full({4}, 2.0));
  EXPECT_EQ(list->size(), 3u);
  EXPECT_TRUE(list[0].requires_grad());
  EXPECT_FALSE(list->at(1).requires_grad());
  EXPECT_TRUE(list[1].is_same(b));
  EXPECT_EQ(list->named_parameters().keys(),
            (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_TRUE(throwsWithText([&] { list->at(3); }, "Index out of range"));
  nn::ParameterList other(ones({5}));
  *list += *other;
  EXPECT_EQ(list->parameters().size(), 4u);
  EXPECT_EQ(list[3].numel(), 5);
  std::ostringstream os;
  os << *nn::ParameterList(zeros({1, 2}));
  EXPECT_EQ(os.str(), "ParameterList(\n  (0): Parameter containing: "
                      "[torch.float32 of size 1x2]\n)");
}

TEST(ParameterContainers, DictInsertPopUpdate) {
  nn::ParameterDict dict;
  dict->insert("w", full({2}, 3.0).requires_grad_(true));
  dict->insert("b", zeros({1}));
  EXPECT_TRUE(dict->contains("w"));
  EXPECT_FALSE(dict["b"].requires_grad());
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"w", "b"}));
  OrderedDict<std::string, Tensor> fresh;
  fresh.insert("b", full({1}, 9.0));
  dict->update(fresh);
  EXPECT_EQ(dict->get("b").item<float>(), 9.0f);
  OrderedDict<std::string, Tensor> unknown;
  unknown.insert("c", ones({1}));
  EXPECT_TRUE(throwsWithText([&] { dict->update(unknown); },
                             "Parameter 'c' is not defined"));
  Tensor w = dict->pop("w");
  EXPECT_EQ(w.sum().item<float>(), 6.0f);
  EXPECT_EQ(dict->size(), 1u);
  EXPECT_TRUE(
      throwsWithText([&] { dict->pop("w"); }, "Parameter 'w' is not defined"));
}

TEST(ModuleDictCompat, EmptyAndDeepClone) {
  nn::ModuleDict dict;
  EXPECT_TRUE(dict->empty());
  dict->insert("fc", nn::Linear(2, 3));
  auto copy = std::dynamic_pointer_cast<nn::ModuleDictImpl>(dict->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->keys(), std::vector<std::string>{"fc"});
  Tensor original = dict->named_parameters()["fc.weight"];
  Tensor cloned = copy->named_parameters()["fc.weight"];
  EXPECT_TRUE(allclose(original, cloned));
  EXPECT_NE(original.data_ptr(), cloned.data_ptr());
}

TEST(ActivationModules, ValuesAndRepr) {
  Tensor x = tensor({-2.0, 0.5, 3.0});
  EXPECT_TRUE(allclose(nn::Identity(1, "ignored")(x), x));
  EXPECT_TRUE(
      allclose(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.25))(x),
               tensor({-0.5, 0.5, 3.0})));
  EXPECT_TRUE(allclose(nn::ReLU()(x), tensor({0.0, 0.5, 3.0})));
  Tensor sm = nn::Softmax(0)(tensor({0.0, std::log(3.0)}));
  EXPECT_TRUE(allclose(sm, tensor({0.25, 0.75})));
  Tensor lsm = nn::LogSoftmax(0)(tensor({0.0, std::log(3.0)}));
  EXPECT_TRUE(allclose(lsm, tensor({std::log(0.25), std::log(0.75)})));
  // gelu(1) = 0.5 (1 + erf(1/sqrt 2)) = 0.841345
  EXPECT_NEAR(nn::GELU()(tensor({1.0})).item<float>(), 0.841345f, 1e-5);
  Tensor img = zeros({2, 3, 4, 5});
  EXPECT_EQ(nn::Flatten()(img).sizes(), IntArrayRef({2, 60}));
  EXPECT_EQ(
      nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1))(img).sizes(),
      IntArrayRef({6, 4, 5}));
  std::ostringstream os;
  os << *nn::LeakyReLU() << " " << *nn::Softmax(1) << " " << *nn::Flatten()
     << " " << *nn::GELU() << " " << *nn::ReLU(true);
  EXPECT_EQ(os.str(), "LeakyReLU(negative_slope=0.01) Softmax(dim=1) "
                      "Flatten(start_dim=1, end_dim=-1) "
                      "GELU(approximate='none') ReLU(inplace=True)");
}

TEST(ActivationModules, Gradcheck) {
  nn::LeakyReLU leaky(nn::LeakyReLUOptions().negative_slope(0.3));
  nn::GELU gelu, geluTanh(nn::GELUOptions().approximate("tanh"));
  nn::Softmax softmax(1);
  nn::Flatten flatten;
  Tensor x = dleaf({-1.2, 0.4, 2.0, -0.3, 0.9, 1.1}, {2, 3});
  std::vector<std::function<Tensor(Tensor)>> fns = {
      [&](Tensor t) { return leaky(t); }, [&](Tensor t) { return gelu(t); },
      [&](Tensor t) { return geluTanh(t); },
      [&](Tensor t) { return softmax(t); },
      [&](Tensor t) { return flatten(t.unsqueeze(2)); }};
  for (auto &f : fns)
    EXPECT_TRUE(gradcheck(
        [&](const variable_list &in) { return variable_list{f(in[0])}; }, {x}));
}

TEST(LossModules, Values) {
  Tensor in = tensor({0.5, 2.0, -1.0}), target = tensor({1.0, 1.0, 1.0});
  EXPECT_NEAR(nn::L1Loss()(in, target).item<float>(), (0.5 + 1 + 2) / 3.0,
              1e-6);
  EXPECT_NEAR(nn::L1Loss(kSum)(in, target).item<float>(), 3.5, 1e-6);

  Tensor logp = tensor({{-0.5, -1.0}, {-2.0, -0.25}});
  Tensor cls = tensor({1, 0}, kLong);
  EXPECT_NEAR(nn::NLLLoss()(logp, cls).item<float>(), 1.5, 1e-6);
  nn::NLLLoss weighted(nn::NLLLossOptions().weight(tensor({1.0f, 3.0f})));
  // (3 * 1.0 + 1 * 2.0) / (3 + 1)
  EXPECT_NEAR(weighted(logp, cls).item<float>(), 1.25, 1e-6);
  EXPECT_TRUE(weighted->named_buffers().contains("weight"));

  Tensor p = tensor({0.8, 0.25}), y = tensor({1.0, 0.0});
  double bce = -(std::log(0.8) + std::log(0.75)) / 2;
  EXPECT_NEAR(nn::BCELoss()(p, y).item<float>(), bce, 1e-6);
  Tensor logits = tensor({std::log(4.0), std::log(1.0 / 3)});
  EXPECT_NEAR(nn::BCEWithLogitsLoss()(logits, y).item<float>(), bce, 1e-6);
  nn::BCEWithLogitsLoss pos(
      nn::BCEWithLogitsLossOptions().pos_weight(tensor({2.0f})));
  EXPECT_NEAR(pos(logits, y).item<float>(),
              -(2 * std::log(0.8) + std::log(0.75)) / 2, 1e-6);
}

TEST(LossModules, Gradcheck) {
  Tensor in = dleaf({0.3, 0.6, 0.2, 0.7}, {2, 2});
  Tensor target = tensor({1.0, 0.0, 0.0, 1.0}, kDouble).reshape({2, 2});
  nn::BCELoss bce;
  nn::BCEWithLogitsLoss bcel;
  nn::L1Loss l1;
  EXPECT_TRUE(gradcheck(
      [&](const variable_list &v) { return variable_list{bce(v[0], target)}; },
      {in}));
  EXPECT_TRUE(gradcheck(
      [&](const variable_list &v) { return variable_list{bcel(v[0], target)}; },
      {in}));
  EXPECT_TRUE(gradcheck(
      [&](const variable_list &v) {
        return variable_list{l1(v[0], target * 0.5)};
      },
      {in}));
}

TEST(NnUtils, ClipGradNormScalesEveryGradient) {
  Tensor a = zeros({2}).requires_grad_(true),
         b = zeros({1}).requires_grad_(true);
  Tensor unused = zeros({3}).requires_grad_(true);
  a.mutable_grad() = tensor({3.0f, 0.0f});
  b.mutable_grad() = tensor({4.0f});
  double norm = nn::utils::clip_grad_norm_({a, b, unused}, 1.0);
  EXPECT_NEAR(norm, 5.0, 1e-6);
  EXPECT_TRUE(allclose(a.grad(), tensor({0.6f, 0.0f}), 1e-5, 1e-6));
  EXPECT_TRUE(allclose(b.grad(), tensor({0.8f}), 1e-5, 1e-6));
  // The max norm, and gradients already small enough are left alone.
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_NEAR(nn::utils::clip_grad_norm_(b, 2.0, inf), 0.8, 1e-6);
  EXPECT_NEAR(b.grad().item<float>(), 0.8, 1e-6);
  b.mutable_grad() = tensor({inf}, kFloat);
  EXPECT_TRUE(
      throwsWithText([&] { nn::utils::clip_grad_norm_(b, 1.0, 2.0, true); },
                     "is non-finite, so it cannot be clipped"));
  EXPECT_EQ(nn::utils::clip_grad_norm_(unused, 1.0), 0.0);
}

TEST(NnUtils, ClipGradValueAndVectorConversion) {
  Tensor a = zeros({3}).requires_grad_(true);
  a.mutable_grad() = tensor({-5.0f, 0.5f, 7.0f});
  nn::utils::clip_grad_value_(a, 1.0);
  EXPECT_TRUE(allclose(a.grad(), tensor({-1.0f, 0.5f, 1.0f})));

  nn::Linear fc(2, 3);
  Tensor vec = nn::utils::parameters_to_vector(fc->parameters());
  EXPECT_EQ(vec.numel(), 9);
  EXPECT_TRUE(allclose(vec.slice(0, 0, 6), fc->weight.reshape({6})));
  Tensor fresh = arange(9.0);
  nn::utils::vector_to_parameters(fresh, fc->parameters());
  EXPECT_TRUE(allclose(fc->bias, tensor({6.0f, 7.0f, 8.0f})));
  EXPECT_TRUE(fc->weight.requires_grad());
}

TEST(InferenceModeGuard, DisablesGradAndRestores) {
  Tensor x = ones({2}).requires_grad_(true);
  EXPECT_FALSE(InferenceMode::is_enabled());
  {
    InferenceMode guard;
    EXPECT_TRUE(InferenceMode::is_enabled());
    EXPECT_FALSE(GradMode::is_enabled());
    EXPECT_FALSE((x * 2).requires_grad());
    {
      InferenceMode off(false);
      EXPECT_FALSE(InferenceMode::is_enabled());
    }
    EXPECT_TRUE(InferenceMode::is_enabled());
  }
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_TRUE((x * 2).requires_grad());
}
