//===- ApiCoverageTest.cpp - libtorch names a ported program uses ---------===//
//
// Each test spells libtorch's names as a libtorch program does (only
// `torch::` renamed) and checks what they do, and the error wording.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <cmath>
#include <sstream>

using namespace kiln;
namespace F = kiln::nn::functional;

namespace {

template <class Fn> std::string errorOf(Fn &&fn) {
  try {
    fn();
  } catch (const kiln::Error &e) {
    return e.what();
  }
  return "<no error>";
}

/// Restores the default dtype when a test ends.
struct DefaultDtypeScope {
  ~DefaultDtypeScope() {
    kiln::set_default_dtype(kiln::scalarTypeToTypeMeta(kiln::kFloat));
  }
};

TEST(ApiCoverage, DtypeNamesKilnStores) {
  EXPECT_EQ(kiln::kInt64, kiln::kLong);
  EXPECT_EQ(kiln::kFloat32, kiln::kFloat);
  EXPECT_EQ(kiln::kFloat64, kiln::kDouble);
  EXPECT_EQ(kiln::zeros({2}, kiln::kFloat64).dtype(), kiln::kDouble);
}

TEST(ApiCoverage, UnsupportedDtypesAreErrorsNotOtherDtypes) {
  EXPECT_EQ(kiln::kInt32, kiln::kInt);
  EXPECT_EQ(kiln::kUInt8, kiln::kByte);
  EXPECT_NE(kiln::kInt, kiln::kLong);
  EXPECT_NE(kiln::kByte, kiln::kBool);
  EXPECT_STREQ(kiln::toString(kiln::kInt), "Int");
  EXPECT_EQ(errorOf([] { kiln::zeros({2}, kiln::kInt); }),
            "kiln does not support dtype Int (torch.int32): kiln tensors are "
            "Bool, Long, Float or Double");
  EXPECT_EQ(errorOf([] { kiln::ones({2}).to(kiln::kUInt8); }),
            "kiln does not support dtype Byte (torch.uint8): kiln tensors are "
            "Bool, Long, Float or Double");
  EXPECT_NE(errorOf([] { kiln::tensor({1, 2}, kiln::kHalf); }), "<no error>");
  int32_t blob[2] = {1, 2};
  EXPECT_NE(errorOf([&] { kiln::from_blob(blob, {2}, kiln::kInt32); }),
            "<no error>");
  auto x = kiln::ones({2});
  EXPECT_FALSE(x.dtype() == kiln::kInt);
}

TEST(ApiCoverage, SetDefaultDtype) {
  DefaultDtypeScope restore;
  EXPECT_EQ(kiln::get_default_dtype(), kiln::kFloat);
  kiln::set_default_dtype(kiln::scalarTypeToTypeMeta(kiln::kDouble));
  EXPECT_EQ(kiln::get_default_dtype().toScalarType(), kiln::kDouble);
  EXPECT_EQ(kiln::get_default_dtype_as_scalartype(), kiln::kDouble);
  EXPECT_EQ(kiln::zeros({2}).dtype(), kiln::kDouble);
  EXPECT_EQ(kiln::randn({2}).dtype(), kiln::kDouble);
  EXPECT_EQ(kiln::tensor({1.5, 2.5}).dtype(), kiln::kDouble);
  EXPECT_EQ(kiln::full({2}, 1.5).dtype(), kiln::kDouble);
  EXPECT_EQ(kiln::arange(0.5, 2.0).dtype(), kiln::kDouble);
  // A Python float promotes an integer tensor to the default type.
  EXPECT_EQ((kiln::arange(3) * 0.5).dtype(), kiln::kDouble);
  // ...but does not raise a float32 tensor.
  EXPECT_EQ((kiln::ones({2}, kiln::kFloat) * 0.5).dtype(), kiln::kFloat);
  EXPECT_EQ(kiln::nn::Linear(2, 3)->weight.dtype(), kiln::kDouble);
  EXPECT_EQ(kiln::ones({1}, kiln::kFloat).toString(),
            "tensor([1.], dtype=torch.float32)");
  EXPECT_EQ(kiln::ones({1}).toString(), "tensor([1.])");
  kiln::set_default_dtype(kiln::TypeMeta::Make<float>());
  EXPECT_EQ(kiln::zeros({2}).dtype(), kiln::kFloat);
  EXPECT_EQ(errorOf([] {
              kiln::set_default_dtype(kiln::scalarTypeToTypeMeta(kiln::kLong));
            }),
            "only floating-point types are supported as the default type");
}

TEST(ApiCoverage, SoftmaxNames) {
  auto x = kiln::tensor({{1.0, 2.0, 3.0}, {0.0, 0.0, 0.0}});
  auto ref = F::softmax(x, 1);
  EXPECT_TRUE(x.softmax(1).allclose(ref));
  EXPECT_TRUE(kiln::softmax(x, -1).allclose(ref));
  EXPECT_TRUE(x.log_softmax(1).allclose(ref.log()));
  EXPECT_TRUE(kiln::log_softmax(x, 1).allclose(F::log_softmax(x, 1)));
  EXPECT_NEAR(x.softmax(1)[1][0].item<double>(), 1.0 / 3, 1e-6);
  EXPECT_EQ(x.softmax(1, kiln::kDouble).dtype(), kiln::kDouble);
  auto s = x.softmax(0).sum(0);
  EXPECT_TRUE(s.allclose(kiln::ones({3})));
}

TEST(ApiCoverage, TensorConversionsAndAutogradNames) {
  auto x = kiln::arange(6, kiln::kFloat).reshape({2, 3});
  EXPECT_TRUE(x.to(kiln::kCPU).is_same(x));
  EXPECT_EQ(x.to(kiln::kCPU, kiln::kDouble).dtype(), kiln::kDouble);
  auto c = x.t().clone(kiln::MemoryFormat::Contiguous);
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_TRUE(c.equal(x.t()));
  EXPECT_TRUE(x.clone(kiln::MemoryFormat::Preserve).equal(x));
  EXPECT_EQ(errorOf([&] { x.clone(kiln::MemoryFormat::ChannelsLast); }),
            "kiln tensors have no channels-last layout; use "
            "MemoryFormat::Contiguous or MemoryFormat::Preserve");
  EXPECT_EQ(kiln::arange(3).type_as(x).dtype(), kiln::kFloat);

  kiln::autograd::Variable v = kiln::ones({2});
  v.set_requires_grad(true);
  EXPECT_TRUE(v.requires_grad());
  EXPECT_TRUE(v.is_variable());
  kiln::autograd::variable_list vl = {v};
  kiln::autograd::tensor_list tl = {v * 2};
  EXPECT_EQ(vl.size() + tl.size(), 2u);
  EXPECT_FALSE(tl[0].data().requires_grad());
  EXPECT_TRUE(tl[0].data().is_leaf());
  // data() shares memory.
  v.data().fill_(3);
  EXPECT_EQ(v.sum().item<double>(), 6);
  // set_data swaps memory but keeps the tensor's identity and grad flag.
  auto same = v;
  v.set_data(kiln::full({3}, 2.0));
  EXPECT_EQ(same.numel(), 3);
  EXPECT_TRUE(same.requires_grad());
  (same * same).sum().backward();
  EXPECT_TRUE(same.grad().allclose(kiln::full({3}, 4.0)));
  EXPECT_NE(errorOf([&] { v.set_data(kiln::arange(3)); }), "<no error>");
}

TEST(ApiCoverage, Accessor) {
  auto x = kiln::arange(6, kiln::kFloat).reshape({2, 3});
  auto a = x.accessor<float, 2>();
  EXPECT_EQ(a.size(0), 2);
  EXPECT_EQ(a[1][2], 5.0f);
  a[0][1] = 10;
  EXPECT_EQ(x[0][1].item<float>(), 10.0f);
  auto t = x.t();
  auto at = t.accessor<float, 2>();
  EXPECT_EQ(at[2][1], 5.0f);
  EXPECT_EQ(errorOf([&] { x.accessor<float, 1>(); }),
            "TensorAccessor expected 1 dims but tensor has 2");
  EXPECT_NE(errorOf([&] { x.accessor<double, 2>(); }), "<no error>");
}

TEST(ApiCoverage, ChainedFunctionalOptions) {
  auto a = kiln::tensor({1.0, 2.0}), b = kiln::tensor({0.0, 0.0});
  auto sum = F::mse_loss(a, b, F::MSELossFuncOptions().reduction(kiln::kSum));
  EXPECT_DOUBLE_EQ(sum.item<double>(), 5.0);
  auto mean = F::mse_loss(a, b, F::MSELossFuncOptions(kiln::kMean));
  EXPECT_DOUBLE_EQ(mean.item<double>(), 2.5);
  auto logits = kiln::tensor({{0.0, 0.0}});
  auto ce =
      F::cross_entropy(logits, kiln::tensor({int64_t(1)}),
                       F::CrossEntropyFuncOptions().reduction(kiln::kSum));
  EXPECT_NEAR(ce.item<double>(), std::log(2.0), 1e-6);
}

TEST(ApiCoverage, Init) {
  namespace init = kiln::nn::init;
  EXPECT_DOUBLE_EQ(init::calculate_gain(kiln::kReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(kiln::kTanh), 5.0 / 3);
  EXPECT_DOUBLE_EQ(init::calculate_gain(kiln::kLinear), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(kiln::kLeakyReLU, 0.2),
                   std::sqrt(2.0 / 1.04));
  kiln::nn::Linear linear(400, 300);
  init::zeros_(linear->bias);
  EXPECT_EQ(linear->bias.abs().sum().item<double>(), 0);
  EXPECT_TRUE(linear->bias.requires_grad());
  init::ones_(linear->bias);
  EXPECT_EQ(linear->bias.sum().item<double>(), 300);
  init::constant_(linear->bias, 0.5);
  EXPECT_EQ(linear->bias.sum().item<double>(), 150);

  auto w = linear->weight;
  // kaiming_uniform_(a=0, fan_in, leaky_relu): bound sqrt(6 / fan_in).
  init::kaiming_uniform_(w);
  double bound = std::sqrt(6.0 / 400);
  EXPECT_LE(w.abs().max().item<double>(), bound);
  EXPECT_GT(w.abs().max().item<double>(), 0.9 * bound);
  init::kaiming_uniform_(w, 0, kiln::kFanOut, kiln::kReLU);
  EXPECT_LE(w.abs().max().item<double>(), std::sqrt(6.0 / 300));
  init::kaiming_normal_(w, 0, kiln::kFanIn, kiln::kReLU);
  double sd = std::sqrt(2.0 / 400);
  auto wd = w.to(kiln::kDouble);
  EXPECT_NEAR(std::sqrt(wd.pow(2).mean().item<double>()), sd, 0.05 * sd);
  init::xavier_uniform_(w);
  EXPECT_LE(w.abs().max().item<double>(), std::sqrt(6.0 / 700));
  EXPECT_GT(w.abs().max().item<double>(), 0.9 * std::sqrt(6.0 / 700));
  init::xavier_normal_(w, 2.0);
  wd = w.to(kiln::kDouble);
  EXPECT_NEAR(std::sqrt(wd.pow(2).mean().item<double>()),
              2.0 * std::sqrt(2.0 / 700), 0.1 * std::sqrt(2.0 / 700));
  init::uniform_(w, 2, 3);
  EXPECT_GE(w.min().item<double>(), 2);
  EXPECT_LE(w.max().item<double>(), 3);
  init::normal_(w, 5, 0.01);
  EXPECT_NEAR(w.mean().item<double>(), 5, 0.01);
  EXPECT_TRUE(w.grad_fn() == nullptr);
  auto e = init::eye_(kiln::empty({2, 3}));
  EXPECT_TRUE(e.equal(kiln::tensor({{1.f, 0.f, 0.f}, {0.f, 1.f, 0.f}})));
  EXPECT_EQ(e.sum().item<double>(), 2);
  EXPECT_EQ(errorOf([] { init::xavier_uniform_(kiln::empty({3})); }),
            "Fan in and fan out can not be computed for tensor with fewer "
            "than 2 dimensions");
}

TEST(ApiCoverage, StepLR) {
  auto p = kiln::ones({2}).requires_grad_();
  kiln::optim::SGD optimizer({p}, kiln::optim::SGDOptions(1.0));
  kiln::optim::StepLR scheduler(optimizer, /*step_size=*/2, /*gamma=*/0.5);
  std::vector<double> lrs;
  for (int i = 0; i < 6; ++i) {
    scheduler.step();
    lrs.push_back(optimizer.param_groups()[0].options().get_lr());
  }
  // libtorch's counting: the decay comes on calls 3 and 5.
  EXPECT_EQ(lrs, (std::vector<double>{1, 1, 0.5, 0.5, 0.25, 0.25}));
  // The schedule reaches the update.
  (p * 2).sum().backward();
  optimizer.step();
  EXPECT_TRUE(p.allclose(kiln::full({2}, 1 - 0.25 * 2)));
}

TEST(ApiCoverage, OrderedDict) {
  kiln::OrderedDict<std::string, int> d = {{"a", 1}, {"b", 2}};
  EXPECT_EQ(d.key_description(), "Key");
  EXPECT_EQ(d.front().key(), "a");
  EXPECT_EQ(d.back().value(), 2);
  EXPECT_EQ(d[1].key(), "b");
  EXPECT_EQ(d["a"], 1);
  d.update({{"c", 3}});
  d["b"] = 20;
  EXPECT_EQ(errorOf([&] { d.update({{"c", 4}}); }), "Key 'c' already defined");
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(d["b"], 20);
  d.erase("a");
  EXPECT_EQ(d.items().size(), 2u);
  EXPECT_EQ(d.front().key(), "b");
  EXPECT_EQ(d["c"], 3); // The index follows the erase.
  EXPECT_EQ(errorOf([&] { d.erase("zz"); }), "Key 'zz' doesn't exist");
  EXPECT_EQ(errorOf([&] { d["zz"]; }), "Key 'zz' is not defined");
  EXPECT_EQ(errorOf([&] { d.insert("b", 1); }), "Key 'b' already defined");
  EXPECT_EQ(errorOf([&] { d[5]; }), "Index 5 is out of bounds");
  kiln::OrderedDict<std::string, int> named("Widget");
  EXPECT_EQ(errorOf([&] { named["x"]; }), "Widget 'x' is not defined");
  d.clear();
  EXPECT_TRUE(d.is_empty());
  EXPECT_EQ(errorOf([&] { d.front(); }),
            "Called front() on an empty OrderedDict");
  EXPECT_EQ(errorOf([&] { d.back(); }),
            "Called back() on an empty OrderedDict");
}

struct NetImpl : kiln::nn::Module {
  NetImpl() {
    fc = register_module("fc", kiln::nn::Linear(2, 2));
    register_buffer("steps", kiln::zeros({1}));
  }
  kiln::Tensor forward(kiln::Tensor x) { return fc(x); }
  kiln::nn::Linear fc{nullptr};
};
KILN_MODULE(Net);

TEST(ApiCoverage, ModuleRegistrationMessages) {
  NetImpl net;
  EXPECT_EQ(errorOf([&] { net.register_module("fc", kiln::nn::ReLU()); }),
            "Submodule 'fc' already defined");
  EXPECT_EQ(errorOf([&] { net.register_parameter("fc.w", kiln::ones({1})); }),
            "Parameter name must not contain a dot (got 'fc.w')");
  net.register_parameter("w", kiln::ones({1}));
  EXPECT_EQ(errorOf([&] { net.register_parameter("w", kiln::ones({1})); }),
            "Parameter 'w' already defined");
  EXPECT_EQ(errorOf([&] { net.register_buffer("steps", kiln::ones({1})); }),
            "Buffer 'steps' already defined");
  // The module is on the stack: it cannot be handed out as a shared_ptr.
  EXPECT_EQ(errorOf([&] { net.modules(); }),
            "It looks like you attempted to retrieve your top-level module "
            "as a shared_ptr, but it is not stored in a shared_ptr. Use "
            "std::make_shared<Net> instead of creating your module on the "
            "stack, or alternatively do not try to access your top-level "
            "module at all by passing /*include_self=*/false to modules() or "
            "named_modules()");
  EXPECT_EQ(net.modules(/*include_self=*/false).size(), 1u);
}

TEST(ApiCoverage, ModuleHelpers) {
  Net net;
  EXPECT_TRUE(static_cast<bool>(net));
  EXPECT_FALSE(net.is_empty());
  Net empty(nullptr);
  EXPECT_FALSE(empty);
  EXPECT_TRUE(empty.is_empty());

  auto named = net->named_modules();
  EXPECT_EQ(named.keys(), (std::vector<std::string>{"", "fc"}));
  EXPECT_EQ(net->named_modules("net").keys(),
            (std::vector<std::string>{"net", "net.fc"}));
  kiln::nn::Module &base = *net;
  EXPECT_EQ(base.as<NetImpl>(), net.get());
  EXPECT_EQ(base.as<Net>(), net.get());
  EXPECT_EQ(base.as<kiln::nn::Linear>(), nullptr);
  EXPECT_NE(named["fc"]->as<kiln::nn::Linear>(), nullptr);

  int count = 0;
  net->apply([&](kiln::nn::Module &) { ++count; });
  EXPECT_EQ(count, 2);
  std::vector<std::string> names;
  net->apply([&](const std::string &name, kiln::nn::Module &) {
    names.push_back(name);
  });
  EXPECT_EQ(names, (std::vector<std::string>{"", "fc"}));

  auto weight = net->fc->weight;
  kiln::optim::SGD opt(net->parameters(), kiln::optim::SGDOptions(0.1));
  net->to(kiln::kDouble);
  EXPECT_EQ(net->fc->weight.dtype(), kiln::kDouble);
  EXPECT_EQ(net->named_buffers()["steps"].dtype(), kiln::kDouble);
  EXPECT_TRUE(weight.is_same(net->fc->weight)); // Same tensor, new data.
  EXPECT_EQ(net->forward(kiln::ones({1, 2}, kiln::kDouble)).dtype(),
            kiln::kDouble);

  auto relu = net->replace_module("fc", kiln::nn::ReLU());
  EXPECT_NE(net->named_children()["fc"]->as<kiln::nn::ReLU>(), nullptr);
  EXPECT_EQ(errorOf([&] { net->replace_module("nope", relu); }),
            "Submodule 'nope' is not defined");
  net->unregister_module("fc");
  EXPECT_TRUE(net->named_children().is_empty());
  EXPECT_EQ(errorOf([&] { net->unregister_module("fc"); }),
            "No Module with name `fc` is registered");
  EXPECT_EQ(errorOf([&] { net->clone(); }),
            "clone() has not been implemented for Net. Subclass "
            "kiln::nn::Cloneable<Net> instead of kiln::nn::Module to inherit "
            "the ability to clone.");
}

struct TwoImpl : kiln::nn::Cloneable<TwoImpl> {
  TwoImpl() { reset(); }
  void reset() override {
    w = register_parameter("w", kiln::ones({2}));
    inner = register_module("inner", std::make_shared<InnerImpl>());
  }
  struct InnerImpl : kiln::nn::Cloneable<InnerImpl> {
    InnerImpl() { reset(); }
    void reset() override { b = register_buffer("b", kiln::zeros({1})); }
    kiln::Tensor b;
  };
  kiln::Tensor w;
  std::shared_ptr<InnerImpl> inner;
};

TEST(ApiCoverage, Cloneable) {
  auto m = std::make_shared<TwoImpl>();
  m->w.data().fill_(5);
  m->inner->b.data().fill_(7);
  auto copy = std::dynamic_pointer_cast<TwoImpl>(m->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_FALSE(copy->w.is_same(m->w));
  EXPECT_EQ(copy->named_parameters()["w"].sum().item<double>(), 10);
  EXPECT_TRUE(copy->named_parameters()["w"].requires_grad());
  // The copy's own member points at its cloned submodule.
  EXPECT_EQ(copy->inner->b.item<double>(), 7);
  EXPECT_EQ(copy->named_buffers()["inner.b"].item<double>(), 7);
  m->inner->b.data().fill_(1);
  EXPECT_EQ(copy->inner->b.item<double>(), 7);
}

struct TimesTwoImpl : kiln::nn::Module {
  kiln::Tensor forward(kiln::Tensor x) { return x * 2; }
};
KILN_MODULE(TimesTwo);

TEST(ApiCoverage, SequentialContainerApi) {
  kiln::nn::Sequential seq(kiln::nn::Linear(2, 3), TimesTwo(), TimesTwoImpl(),
                           kiln::nn::ReLU());
  EXPECT_EQ(seq->size(), 4u);
  EXPECT_FALSE(seq->is_empty());
  EXPECT_EQ(seq->at<kiln::nn::LinearImpl>(0).options.out_features(), 3);
  EXPECT_NE(seq->ptr<kiln::nn::LinearImpl>(0), nullptr);
  EXPECT_NE(seq->ptr(1), nullptr);
  size_t n = 0;
  for (const auto &module : *seq)
    n += module.ptr() != nullptr;
  EXPECT_EQ(n, 4u);
  auto x = kiln::ones({1, 2});
  kiln::Tensor y = seq->forward<kiln::Tensor>(x);
  auto &lin = seq->at<kiln::nn::LinearImpl>(0);
  EXPECT_TRUE(y.allclose((lin.forward(x) * 4).relu()));
  EXPECT_EQ(errorOf([&] { seq->at<kiln::nn::LinearImpl>(9); }),
            "Index out of range");
  kiln::nn::Sequential more{kiln::nn::Tanh()};
  seq->extend(*more);
  EXPECT_EQ(seq->size(), 5u);
  EXPECT_EQ(errorOf([] { kiln::nn::Sequential()->forward(kiln::ones({1})); }),
            "Cannot call forward() on an empty Sequential");
  kiln::nn::AnyModule any(TimesTwo{});
  EXPECT_EQ(any.forward(kiln::ones({1})).item<double>(), 2);
  EXPECT_EQ(any.forward<kiln::Tensor>(kiln::ones({1})).item<double>(), 2);
  EXPECT_TRUE(kiln::nn::AnyModule().is_empty());
  EXPECT_EQ(errorOf([] { kiln::nn::AnyModule().forward(kiln::ones({1})); }),
            "Cannot call forward() on an empty AnyModule");
}

TEST(ApiCoverage, ModuleListDictFunctional) {
  kiln::nn::ModuleList list(kiln::nn::Linear(2, 2), kiln::nn::ReLU());
  list->push_back(kiln::nn::Tanh());
  EXPECT_EQ(list->size(), 3u);
  EXPECT_EQ(list->parameters().size(), 2u);
  EXPECT_NE(list[0]->as<kiln::nn::Linear>(), nullptr);
  list->insert(0, kiln::nn::Sigmoid());
  EXPECT_NE(list->ptr<kiln::nn::SigmoidImpl>(0), nullptr);
  EXPECT_EQ(list->named_children().keys(),
            (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_NE(list->named_children()["1"]->as<kiln::nn::Linear>(), nullptr);
  EXPECT_EQ(errorOf([&] { list->ptr(7); }), "Index out of range");
  size_t n = 0;
  for (const auto &m : *list)
    n += m != nullptr;
  EXPECT_EQ(n, 4u);

  kiln::nn::ModuleDict dict(
      std::vector<std::pair<std::string, std::shared_ptr<kiln::nn::Module>>>{
          {"fc", kiln::nn::Linear(2, 2).ptr()},
          {"act", kiln::nn::ReLU().ptr()}});
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"fc", "act"}));
  EXPECT_TRUE(dict->contains("fc"));
  EXPECT_EQ(dict->at<kiln::nn::LinearImpl>("fc").options.in_features(), 2);
  EXPECT_EQ(dict->parameters().size(), 2u);
  auto act = dict->pop("act");
  EXPECT_NE(act->as<kiln::nn::ReLU>(), nullptr);
  EXPECT_EQ(dict->size(), 1u);
  EXPECT_EQ(dict->named_children().size(), 1u);
  EXPECT_EQ(errorOf([&] { (*dict)["act"]; }), "Key 'act' is not defined");

  kiln::nn::Sequential seq(
      kiln::nn::Functional(kiln::relu),
      kiln::nn::Functional(kiln::softmax, 0, std::nullopt));
  auto y = seq->forward(kiln::tensor({-1.0, 0.0}));
  EXPECT_TRUE(y.allclose(kiln::tensor({0.5, 0.5})));
  kiln::nn::Functional f([](kiln::Tensor x) { return x + 1; });
  EXPECT_EQ(f(kiln::zeros({1})).item<double>(), 1);
}

} // namespace

namespace {

TEST(ApiCoverage, IndexingDetailsMatchLibtorch) {
  using namespace kiln::indexing;
  kiln::Tensor x = kiln::tensor({1., 2., 3.});
  // x.index({"..."}) is a new tensor object over the same memory.
  kiln::Tensor e = x.index({"..."});
  EXPECT_FALSE(e.is_same(x));
  EXPECT_EQ(e.data_ptr<float>(), x.data_ptr<float>());
  e.index_put_({0}, 7.);
  EXPECT_EQ(x[0].item<double>(), 7.);
  kiln::Tensor w = kiln::ones({2}, kiln::requires_grad());
  kiln::Tensor a = w.index({Ellipsis});
  EXPECT_FALSE(a.is_same(w));
  EXPECT_EQ(a.grad_fn()->name(), "AliasBackward0");
  (a * 3).sum().backward();
  EXPECT_TRUE(w.grad().equal(kiln::full({2}, 3.)));
  // Bool scalars are tensor indices: together they make one dim, of size
  // 1, or 0 if any is false; first when they are not adjacent.
  EXPECT_EQ(x.index({true, true}).sizes().vec(), (std::vector<int64_t>{1, 3}));
  EXPECT_TRUE(x.index({true, true}).equal(x.unsqueeze(0)));
  EXPECT_EQ(x.index({true, false}).sizes().vec(), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(x.index({false}).sizes().vec(), (std::vector<int64_t>{0, 3}));
  kiln::Tensor m = kiln::zeros({2, 3});
  EXPECT_EQ(m.index({true, Slice(), true}).sizes().vec(),
            (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(m.index({Slice(), true, None}).sizes().vec(),
            (std::vector<int64_t>{2, 1, 1, 3}));
  // Advanced indexing copies.
  kiln::Tensor c = x.index({true});
  c.fill_(0.);
  EXPECT_EQ(x[1].item<double>(), 2.);
  // An empty slice of a contiguous tensor is contiguous.
  EXPECT_TRUE(m.index({Slice(1, 1)}).is_contiguous());
  EXPECT_TRUE(m.index({Slice(), Slice(2, 2)}).is_contiguous());
  kiln::Tensor empty = m.slice(1, 0, 0);
  EXPECT_TRUE(empty.contiguous().is_same(empty));
  EXPECT_FALSE(m.t().is_contiguous());
  // libtorch's errors.
  EXPECT_EQ(errorOf([&] { x.index({}); }),
            "Passing an empty index list to Tensor::index() is not valid "
            "syntax");
  EXPECT_EQ(errorOf([&] { x.index({5}); }),
            "index 5 is out of bounds for dimension 0 with size 3");
  EXPECT_EQ(errorOf([&] { x.index({-4}); }),
            "index -4 is out of bounds for dimension 0 with size 3");
  EXPECT_EQ(errorOf([&] {
              m.index({Slice(), 3});
            }),
            "index 3 is out of bounds for dimension 1 with size 3");
  EXPECT_EQ(errorOf([&] { kiln::tensor(1.).index({0}); }),
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
            "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
            "number");
  EXPECT_EQ(x.index({-3}).item<double>(), 7.);
}

TEST(ApiCoverage, Int64PrintsExactly) {
  kiln::Tensor big = kiln::full({1}, int64_t(9007199254740993), kiln::kLong);
  EXPECT_EQ(big.item<int64_t>(), int64_t(9007199254740993));
  std::ostringstream os;
  os << big;
  EXPECT_EQ(os.str(), "tensor([9007199254740993])");
  kiln::Tensor t = kiln::tensor({int64_t(-9223372036854775807LL - 1),
                                 int64_t(1), int64_t(9223372036854775807LL)});
  EXPECT_EQ(t.toString(), "tensor([-9223372036854775808,                    1,"
                          "  9223372036854775807])");
  EXPECT_EQ(kiln::tensor({int64_t(3), int64_t(-12)}).toString(),
            "tensor([  3, -12])");
  EXPECT_EQ(kiln::tensor(int64_t(9007199254740993)).toString(),
            "tensor(9007199254740993)");
}

TEST(ApiCoverage, BoolBytesOtherThanOneAreTrue) {
  uint8_t bytes[4] = {2, 0, 255, 1};
  kiln::Tensor b = kiln::from_blob(bytes, {4}, kiln::kBool);
  EXPECT_EQ(b.sum().item<int64_t>(), 3);
  EXPECT_EQ(b.sum(0).item<int64_t>(), 3);
  EXPECT_TRUE(b.eq(kiln::tensor({true, false, true, true})).all().item<bool>());
  EXPECT_TRUE(b.to(kiln::kLong)
                  .equal(kiln::tensor(
                      {int64_t(1), int64_t(0), int64_t(1), int64_t(1)})));
  EXPECT_TRUE(b.to(kiln::kFloat).equal(kiln::tensor({1.f, 0.f, 1.f, 1.f})));
  EXPECT_EQ(b[0].item<int64_t>(), 1);
  EXPECT_TRUE(b[2].item<bool>());
  EXPECT_EQ(b.max().item<int64_t>(), 1);
  EXPECT_EQ(b.toString(), "tensor([ True, False,  True,  True])");
  // A strided (non-dense) read normalizes too.
  EXPECT_EQ(b.slice(0, 0, 4, 2).sum().item<int64_t>(), 2);
  EXPECT_EQ((b & b.logical_not()).sum().item<int64_t>(), 0);
  EXPECT_TRUE(kiln::where(b, kiln::ones({4}), kiln::zeros({4}))
                  .equal(kiln::tensor({1.f, 0.f, 1.f, 1.f})));
}

TEST(ApiCoverage, MseLossPromotesLikePyTorch) {
  kiln::manual_seed(0);
  kiln::nn::Linear lin(3, 2);
  kiln::Tensor x = kiln::randn({4, 3});
  kiln::Tensor y = kiln::randn({4, 2}, kiln::kDouble).requires_grad_();
  kiln::Tensor out = lin(x);
  kiln::Tensor loss = F::mse_loss(out, y);
  EXPECT_EQ(loss.dtype(), kiln::kDouble);
  EXPECT_EQ(loss.grad_fn()->name(), "MseLossBackward0");
  loss.backward();
  EXPECT_EQ(lin->weight.grad().dtype(), kiln::kFloat);
  EXPECT_EQ(y.grad().dtype(), kiln::kDouble);
  kiln::Tensor d = out.detach().to(kiln::kDouble) - y.detach();
  EXPECT_TRUE(y.grad().allclose(-2 * d / d.numel()));
  kiln::Tensor gOut = (2 * d / d.numel()).to(kiln::kFloat);
  EXPECT_TRUE(lin->weight.grad().allclose(gOut.t().matmul(x)));
  kiln::nn::MSELoss crit;
  EXPECT_EQ(crit(lin(x), y).dtype(), kiln::kDouble);
}

struct MulTwoInPlace : kiln::autograd::Function<MulTwoInPlace> {
  static kiln::Tensor forward(kiln::autograd::AutogradContext *ctx,
                              kiln::Tensor x) {
    x.mul_(2);
    ctx->mark_dirty({x});
    return x;
  }
  static kiln::autograd::variable_list
  backward(kiln::autograd::AutogradContext *, kiln::autograd::variable_list g) {
    return {g[0] * 2};
  }
};

struct ForgetsDirty : kiln::autograd::Function<ForgetsDirty> {
  static kiln::Tensor forward(kiln::autograd::AutogradContext *ctx,
                              kiln::Tensor x) {
    x.mul_(2);
    ctx->mark_dirty({x});
    return x * 1;
  }
  static kiln::autograd::variable_list
  backward(kiln::autograd::AutogradContext *, kiln::autograd::variable_list g) {
    return {g[0]};
  }
};

TEST(ApiCoverage, CustomFunctionMarkDirty) {
  kiln::Tensor w = kiln::tensor({1., 2.}, kiln::requires_grad());
  kiln::Tensor h = w * 3;
  uint32_t before = h._version();
  kiln::Tensor r = MulTwoInPlace::apply(h);
  EXPECT_TRUE(r.is_same(h));
  EXPECT_EQ(h.grad_fn()->name(), "MulTwoInPlaceBackward");
  EXPECT_GT(h._version(), before);
  EXPECT_TRUE(h.detach().equal(kiln::tensor({6., 12.})));
  h.sum().backward();
  EXPECT_TRUE(w.grad().equal(kiln::tensor({6., 6.})));
  // With no input requiring grad there is no node; the dirty input is
  // still returned as itself.
  kiln::Tensor plain = kiln::tensor({1., 2.});
  EXPECT_TRUE(MulTwoInPlace::apply(plain).is_same(plain));
  EXPECT_TRUE(plain.equal(kiln::tensor({2., 4.})));
  EXPECT_EQ(errorOf([&] { MulTwoInPlace::apply(w); }),
            "a leaf Variable that requires grad has been used in an in-place "
            "operation.");
  EXPECT_EQ(errorOf([&] { ForgetsDirty::apply(w * 1); }),
            "Some elements marked as dirty during the forward method were "
            "not returned as output. The inputs that are modified inplace "
            "must all be outputs of the Function.");
}

} // namespace
