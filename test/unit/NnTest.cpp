//===- NnTest.cpp - Modules, layers, losses and serialization -------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <cmath>
#include <cstdio>
#include <sstream>

using namespace kiln;
namespace F = kiln::nn::functional;

namespace {

struct TwoLayerNetImpl : nn::Module {
  TwoLayerNetImpl(int64_t in, int64_t hidden, int64_t out)
      : linear1(register_module("linear1", nn::Linear(in, hidden))),
        linear2(register_module("linear2", nn::Linear(hidden, out))) {}
  Tensor forward(const Tensor &x) { return linear2(linear1(x).clamp_min(0)); }
  nn::Linear linear1, linear2;
};
KILN_MODULE(TwoLayerNet);

struct MyLinearImpl : nn::Module {
  MyLinearImpl(int64_t in, int64_t out, bool asParameters) {
    if (asParameters) {
      W = register_parameter("W", randn({in, out}));
      b = register_parameter("b", randn({out}));
    } else {
      W = randn({in, out}, requires_grad());
      b = randn({out}, requires_grad());
    }
  }
  Tensor forward(const Tensor &x) { return x.mm(W) + b; }
  Tensor W, b;
};
KILN_MODULE(MyLinear);

std::string repr(const nn::Module &m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

TEST(Module, PlainTensorsAreNotParameters) {
  MyLinear plain(10, 5, false), registered(10, 5, true);
  EXPECT_EQ(plain->parameters().size(), 0u);
  ASSERT_EQ(registered->parameters().size(), 2u);
  EXPECT_EQ(registered->parameters()[0].sizes().vec(),
            (std::vector<int64_t>{10, 5}));
  EXPECT_TRUE(registered->parameters()[0].requires_grad());
  EXPECT_EQ(repr(*registered), "MyLinear()");
}

TEST(Module, NamedParametersAreOrderedAndQualified) {
  TwoLayerNet net(4, 3, 2);
  auto named = net->named_parameters();
  EXPECT_EQ(named.keys(),
            (std::vector<std::string>{"linear1.weight", "linear1.bias",
                                      "linear2.weight", "linear2.bias"}));
  EXPECT_EQ(named["linear2.weight"].sizes().vec(),
            (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE(named["linear1.bias"].is_same(net->linear1->bias));
  EXPECT_EQ(net->children().size(), 2u);
  EXPECT_THROW(named["missing"], Error);
}

TEST(Module, ReprIsNestedLikePyTorch) {
  TwoLayerNet net(1000, 100, 10);
  EXPECT_EQ(repr(*net),
            "TwoLayerNet(\n"
            "  (linear1): Linear(in_features=1000, out_features=100, "
            "bias=True)\n"
            "  (linear2): Linear(in_features=100, out_features=10, "
            "bias=True)\n"
            ")");
  nn::Sequential seq(nn::Linear(3, 4), nn::ReLU(),
                     nn::Sequential(nn::Tanh(), nn::Dropout(0.25)));
  EXPECT_EQ(repr(*seq), "Sequential(\n"
                        "  (0): Linear(in_features=3, out_features=4, "
                        "bias=True)\n"
                        "  (1): ReLU()\n"
                        "  (2): Sequential(\n"
                        "    (0): Tanh()\n"
                        "    (1): Dropout(p=0.25, inplace=False)\n"
                        "  )\n"
                        ")");
}

TEST(Module, TrainEvalIsRecursive) {
  nn::Sequential seq(nn::Linear(2, 2), nn::Dropout(0.5));
  EXPECT_TRUE(seq->is_training());
  seq->eval();
  EXPECT_FALSE(seq->is_training());
  EXPECT_FALSE(seq[1]->is_training());
  seq->train();
  EXPECT_TRUE(seq[1]->is_training());
}

TEST(Module, ZeroGrad) {
  nn::Linear lin(3, 2);
  lin(ones({1, 3})).sum().backward();
  ASSERT_TRUE(lin->weight.grad().defined());
  lin->zero_grad(false);
  EXPECT_TRUE(lin->weight.grad().equal(zeros({2, 3})));
  lin->zero_grad();
  EXPECT_FALSE(lin->weight.grad().defined());
}

TEST(Module, RegistrationErrors) {
  nn::Module m;
  m.register_parameter("w", ones({1}));
  EXPECT_THROW(m.register_parameter("w", ones({1})), Error);
  EXPECT_THROW(m.register_parameter("a.b", ones({1})), Error);
  nn::Linear empty{nullptr};
  EXPECT_TRUE(empty.is_empty());
  EXPECT_THROW(empty->forward(ones({1, 1})), Error);
}

TEST(Linear, InitialisationAndForward) {
  manual_seed(3);
  nn::Linear lin(nn::LinearOptions(16, 4));
  double bound = 1.0 / std::sqrt(16.0);
  EXPECT_LE(lin->weight.abs().max().item<double>(), bound);
  EXPECT_LE(lin->bias.abs().max().item<double>(), bound);
  // Not all equal: the init is random.
  EXPECT_GT(lin->weight.max().item<double>(), lin->weight.min().item<double>());
  Tensor x = randn({5, 16});
  Tensor expected = x.mm(lin->weight.t()) + lin->bias;
  EXPECT_TRUE(lin(x).allclose(expected));
  nn::Linear noBias(nn::LinearOptions(3, 2).bias(false));
  EXPECT_EQ(noBias->parameters().size(), 1u);
  EXPECT_THROW(lin(randn({2, 3})), Error);
}

TEST(Linear, GradientsMatchFiniteDifferences) {
  Tensor x = randn({4, 3}, kDouble).requires_grad_();
  Tensor w = randn({2, 3}, kDouble).requires_grad_();
  Tensor b = randn({2}, kDouble).requires_grad_();
  EXPECT_TRUE(autograd::gradcheck(
      [](const variable_list &in) {
        return variable_list{F::linear(in[0], in[1], in[2])};
      },
      {x, w, b}));
}

TEST(Activations, Values) {
  Tensor x = tensor({-2.0, 0.0, 1.5});
  EXPECT_TRUE(nn::ReLU()(x).equal(tensor({0.0, 0.0, 1.5})));
  EXPECT_TRUE(nn::Sigmoid()(x).allclose(
      tensor({1 / (1 + std::exp(2.0)), 0.5, 1 / (1 + std::exp(-1.5))})));
  EXPECT_TRUE(
      nn::Tanh()(x).allclose(tensor({std::tanh(-2.0), 0.0, std::tanh(1.5)})));
}

TEST(Dropout, TrainScalesEvalIsIdentity) {
  manual_seed(7);
  nn::Dropout drop(0.25);
  Tensor x = ones({100, 100});
  Tensor y = drop(x);
  double zerosFraction = (y == 0).to(kDouble).mean().item<double>();
  EXPECT_NEAR(zerosFraction, 0.25, 0.03);
  // Survivors are scaled by 1 / (1 - p).
  Tensor kept = y.index({y != 0});
  EXPECT_TRUE(kept.allclose(full_like(kept, 1 / 0.75)));
  drop->eval();
  EXPECT_TRUE(drop(x).equal(x));
  EXPECT_THROW(nn::Dropout(1.5), Error);
}

TEST(Sequential, ForwardComposesInOrder) {
  nn::Linear a(3, 4), b(4, 2);
  nn::Sequential seq(a, nn::ReLU(), b);
  Tensor x = randn({5, 3});
  EXPECT_TRUE(seq(x).allclose(b(a(x).relu())));
  EXPECT_EQ(seq->size(), 3u);
  EXPECT_EQ(seq->parameters().size(), 4u);
  EXPECT_EQ(seq->named_parameters().keys()[2], "2.weight");
}

TEST(Loss, MseReductions) {
  Tensor a = tensor({1.0, 2.0, 4.0}), b = tensor({0.0, 2.0, 1.0});
  EXPECT_FLOAT_EQ(nn::MSELoss()(a, b).item<float>(), 10.0f / 3);
  EXPECT_FLOAT_EQ(
      nn::MSELoss(nn::MSELossOptions().reduction(kSum))(a, b).item<float>(),
      10.0f);
  EXPECT_TRUE(F::mse_loss(a, b, F::MSELossFuncOptions(kNone))
                  .equal(tensor({1.0, 0.0, 9.0})));
}

TEST(Loss, MseGradients) {
  Tensor a = randn({3, 2}, kDouble).requires_grad_();
  Tensor b = randn({3, 2}, kDouble).requires_grad_();
  for (Reduction r : {kMean, kSum, kNone}) {
    EXPECT_TRUE(autograd::gradcheck(
        [r](const variable_list &in) {
          return variable_list{
              F::mse_loss(in[0], in[1], F::MSELossFuncOptions(r))};
        },
        {a, b}));
  }
  EXPECT_EQ(F::mse_loss(a, b).grad_fn()->name(), "MseLossBackward0");
}

TEST(Loss, CrossEntropyMatchesHandComputation) {
  Tensor logits = tensor({{1.0, 2.0, 0.5}, {0.1, -1.0, 3.0}}, kDouble);
  Tensor target = tensor({int64_t(1), int64_t(2)});
  double expected = 0;
  double rows[2][3] = {{1.0, 2.0, 0.5}, {0.1, -1.0, 3.0}};
  int64_t classes[2] = {1, 2};
  for (int i = 0; i < 2; ++i) {
    double z = 0;
    for (double v : rows[i])
      z += std::exp(v);
    expected += -(rows[i][classes[i]] - std::log(z)) / 2;
  }
  EXPECT_NEAR(nn::CrossEntropyLoss()(logits, target).item<double>(), expected,
              1e-12);
  EXPECT_TRUE(F::softmax(logits, 1).sum({1}).allclose(ones({2}, kDouble)));
  logits.requires_grad_();
  EXPECT_TRUE(autograd::gradcheck(
      [&](const variable_list &in) {
        return variable_list{F::cross_entropy(in[0], target)};
      },
      {logits}));
  EXPECT_THROW(F::cross_entropy(logits, tensor({int64_t(0), int64_t(3)})),
               Error);
}

TEST(Serialize, SafetensorsRoundTrip) {
  manual_seed(11);
  TwoLayerNet a(5, 4, 3), b(5, 4, 3);
  std::string path = ::testing::TempDir() + "kiln_two_layer.safetensors";
  save(a, path);
  EXPECT_FALSE(b->linear1->weight.equal(a->linear1->weight));
  load(b, path);
  for (auto &item : a->named_parameters())
    EXPECT_TRUE(item.value().equal(b->named_parameters()[item.key()]))
        << item.key();
  // Loaded parameters stay trainable leaves.
  EXPECT_TRUE(b->linear1->weight.requires_grad());
  EXPECT_TRUE(b->linear1->weight.is_leaf());

  auto raw = load_safetensors(path);
  EXPECT_EQ(raw.size(), 4u);
  EXPECT_EQ(raw["linear2.bias"].dtype(), kFloat);

  TwoLayerNet other(5, 6, 3);
  EXPECT_THROW(load(other, path), Error);
  std::remove(path.c_str());
  EXPECT_THROW(load(b, path), Error);
}

TEST(Serialize, TruncatedFileIsRejected) {
  std::string path = ::testing::TempDir() + "kiln_bad.safetensors";
  {
    std::FILE *f = std::fopen(path.c_str(), "wb");
    unsigned char header[8] = {200, 0, 0, 0, 0, 0, 0, 0};
    std::fwrite(header, 1, 8, f);
    std::fwrite("{\"a\":", 1, 5, f);
    std::fclose(f);
  }
  EXPECT_THROW(load_safetensors(path), Error);
  std::remove(path.c_str());
}

} // namespace

namespace parity {
struct Leaf : nn::Module {};
struct GivenName : nn::Module {
  GivenName() : nn::Module("Custom") {}
};
struct CountsImpl : nn::Cloneable<CountsImpl> {
  CountsImpl(double v) : start(v) { reset(); }
  void reset() override { value = register_buffer("value", tensor({start})); }
  Tensor forward(const Tensor &x) { return x * value; }
  double start;
  Tensor value;
};
KILN_MODULE(Counts);
} // namespace parity

TEST(Module, NameIsTheDemangledClassName) {
  EXPECT_EQ(parity::Leaf().name(), "parity::Leaf");
  EXPECT_EQ(parity::GivenName().name(), "Custom");
  EXPECT_EQ(nn::Linear(2, 2)->name(), "kiln::nn::LinearImpl");
  // The Python-style repr keeps the short class name.
  EXPECT_EQ(repr(*nn::Linear(2, 2)),
            "Linear(in_features=2, out_features=2, bias=True)");
}

TEST(Module, UndefinedParametersAreNotListed) {
  struct M : nn::Module {
    M() {
      register_parameter("absent", Tensor(), false);
      register_parameter("w", full({3}, 1.5));
      register_buffer("none", Tensor());
    }
  };
  M m;
  EXPECT_EQ(m.named_parameters().keys(), std::vector<std::string>{"w"});
  EXPECT_TRUE(m.buffers().empty());
  nn::Linear noBias(nn::LinearOptions(3, 2).bias(false));
  EXPECT_EQ(noBias->parameters().size(), 1u);
  noBias->to(kDouble);
  EXPECT_EQ(noBias->weight.dtype(), kDouble);
  EXPECT_FALSE(noBias->bias.defined());
}

TEST(Module, ConstAndNamedPointerApply) {
  auto outer = std::make_shared<nn::SequentialImpl>(nn::Linear(2, 3),
                                                    nn::Sequential(nn::ReLU()));
  std::vector<std::string> names;
  std::shared_ptr<const nn::SequentialImpl> constOuter = outer;
  constOuter->apply([&](const std::string &name,
                        const nn::Module &) { names.push_back(name); },
                    "net");
  EXPECT_EQ(names,
            (std::vector<std::string>{"net", "net.0", "net.1", "net.1.0"}));
  std::vector<nn::Module *> seen;
  outer->apply([&](const std::string &, const std::shared_ptr<nn::Module> &m) {
    seen.push_back(m.get());
  });
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], outer.get());
}

TEST(Module, BuiltinModulesAreCloneable) {
  manual_seed(3);
  nn::Linear lin(3, 2);
  auto copy = std::dynamic_pointer_cast<nn::LinearImpl>(lin->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_FALSE(copy->weight.is_same(lin->weight));
  EXPECT_TRUE(copy->weight.equal(lin->weight));
  EXPECT_TRUE(copy->named_parameters()["bias"].is_same(copy->bias));
  {
    NoGradGuard noGrad;
    lin->weight.fill_(0.25);
  }
  EXPECT_FALSE(copy->weight.equal(lin->weight));
  for (auto m : {nn::ReLU()->clone(), nn::Tanh()->clone(),
                 nn::Dropout(0.3)->clone(), nn::MSELoss()->clone()})
    EXPECT_NE(m, nullptr);
  auto drop =
      std::dynamic_pointer_cast<nn::DropoutImpl>(nn::Dropout(0.3)->clone());
  EXPECT_DOUBLE_EQ(drop->options.p(), 0.3);
}

TEST(Sequential, NamedConstructionPushBackAndClone) {
  nn::Sequential seq({{"fc", nn::Linear(2, 2)},
                      {"scale", parity::Counts(3.0)},
                      {"act", nn::Functional(kiln::relu)}});
  EXPECT_EQ(seq->named_children().keys(),
            (std::vector<std::string>{"fc", "scale", "act"}));
  seq->push_back("last", parity::Counts(-1.0));
  seq->push_back(nn::Tanh());
  EXPECT_EQ(seq->named_children()[3].key(), "last");
  EXPECT_EQ(seq->named_children()[4].key(), "4");
  nn::Sequential fromDict(
      nn::modules_ordered_dict({{"a", nn::ReLU()}, {"b", nn::Sigmoid()}}));
  EXPECT_EQ(fromDict->named_children().keys(),
            (std::vector<std::string>{"a", "b"}));

  nn::Sequential copy =
      std::dynamic_pointer_cast<nn::SequentialImpl>(seq->clone());
  ASSERT_EQ(copy->size(), seq->size());
  EXPECT_EQ(copy->named_children().keys(), seq->named_children().keys());
  for (size_t i = 0; i < seq->size(); ++i)
    EXPECT_NE(copy[i].get(), seq[i].get());
  Tensor x = tensor({{0.5f, -2.0f}});
  EXPECT_TRUE(copy->forward(x).allclose(seq->forward(x)));
  // Deep: changing the original's buffer leaves the copy alone.
  seq->ptr<parity::CountsImpl>(1)->value.fill_(10.0);
  EXPECT_FLOAT_EQ(copy->ptr<parity::CountsImpl>(1)->value.item<float>(), 3.0f);

  nn::ModuleList list(nn::Linear(1, 1), nn::ReLU());
  auto listCopy = std::dynamic_pointer_cast<nn::ModuleListImpl>(list->clone());
  ASSERT_EQ(listCopy->size(), 2u);
  EXPECT_FALSE(listCopy->parameters()[0].is_same(list->parameters()[0]));
}
