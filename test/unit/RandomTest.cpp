//===- RandomTest.cpp - Generators and random sampling
//---------------------===//
//
// Part of the kiln project. kiln's streams are not PyTorch's, so these
// check reproducibility, ranges and statistics rather than exact draws.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include <algorithm>
#include <set>

using namespace kiln;
using kiln::test::values;

TEST(Random, ManualSeedRepeatsEveryKindOfDraw) {
  auto draw = [] {
    std::vector<double> v;
    for (auto t : {randn({7}), rand({5}), randint(3, 9, {6}).to(kDouble),
                   randperm(8).to(kDouble), normal(2.0, 0.5, {4}),
                   bernoulli(full({6}, 0.4)),
                   multinomial(tensor({1., 2., 3.}), 2).to(kDouble)}) {
      auto x = values(t);
      v.insert(v.end(), x.begin(), x.end());
    }
    return v;
  };
  manual_seed(11);
  auto first = draw();
  manual_seed(11);
  EXPECT_EQ(draw(), first);
  manual_seed(12);
  EXPECT_NE(draw(), first);
}

TEST(Random, RngStateRoundTrips) {
  manual_seed(5);
  Tensor state = get_rng_state();
  EXPECT_EQ(state.scalar_type(), kLong);
  Tensor a = randn({50});
  EXPECT_FALSE(equal(state, get_rng_state()));
  set_rng_state(state);
  EXPECT_TRUE(equal(a, randn({50})));
  EXPECT_THROW(set_rng_state(tensor({1, 2, 3})), Error);
  EXPECT_THROW(set_rng_state(zeros({4})), Error);
}

TEST(Random, GeneratorsHaveTheirOwnStreams) {
  Generator g = make_generator<CPUGeneratorImpl>(21);
  EXPECT_TRUE(g.defined());
  EXPECT_FALSE(Generator().defined());
  EXPECT_EQ(g.current_seed(), 21u);
  EXPECT_TRUE(g.device().is_cpu());

  manual_seed(3);
  Tensor fromDefault = rand({4});
  manual_seed(3);
  Tensor a = rand({10}, g);
  // Drawing from g leaves the default stream where it was.
  EXPECT_TRUE(equal(rand({4}), fromDefault));

  Generator h = detail::createCPUGenerator(21);
  EXPECT_TRUE(equal(a, rand({10}, h)));

  // clone copies the state; copies of the handle share it.
  g.set_current_seed(99);
  Generator c = g.clone(), shared = g;
  Tensor x = randn({6}, g);
  EXPECT_TRUE(equal(x, randn({6}, c)));
  EXPECT_FALSE(equal(randn({6}, shared), x));
  EXPECT_TRUE(shared == g);
  EXPECT_FALSE(c == g);

  Tensor s = g.get_state();
  Tensor y = randint(0, 1000, {20}, g);
  g.set_state(s);
  EXPECT_TRUE(equal(y, randint(0, 1000, {20}, g)));

  // In-place draws take a generator too.
  Generator u = make_generator(7), v = make_generator(7);
  Tensor p = empty({3, 3}), q = empty({3, 3});
  p.uniform_(-2, 2, u).normal_(1, 3, u).random_(5, u);
  q.uniform_(-2, 2, v).normal_(1, 3, v).random_(5, v);
  EXPECT_TRUE(equal(p, q));
  EXPECT_EQ(detail::getDefaultCPUGenerator(), detail::getDefaultCPUGenerator());
  detail::getDefaultCPUGenerator().set_current_seed(4);
  EXPECT_EQ(detail::getDefaultCPUGenerator().current_seed(), 4u);
}

TEST(Random, RandpermIsAPermutation) {
  manual_seed(0);
  for (int64_t n : {0, 1, 2, 17}) {
    Tensor p = randperm(n);
    EXPECT_EQ(p.scalar_type(), kLong);
    auto v = values(p);
    std::sort(v.begin(), v.end());
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ(v[i], double(i));
  }
  EXPECT_EQ(randperm(5, kDouble).scalar_type(), kDouble);
  // Every position sees every value over many draws.
  Tensor counts = zeros({4, 4});
  for (int i = 0; i < 400; ++i) {
    auto v = values(randperm(4));
    for (int j = 0; j < 4; ++j)
      counts[j][int64_t(v[j])] += 1;
  }
  EXPECT_GT(counts.min().item<double>(), 60);
}

TEST(Random, NormalHasTheRequestedMomentsAndShape) {
  manual_seed(1);
  Tensor x = normal(3.0, 0.5, {20000});
  EXPECT_NEAR(x.mean().item<double>(), 3.0, 0.02);
  EXPECT_NEAR(x.std().item<double>(), 0.5, 0.02);

  Tensor means = tensor({-10., 0., 10.}).reshape({3, 1});
  Tensor stds = tensor({0., 1.});
  Tensor y = normal(means, stds);
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{3, 2}));
  // std 0 gives the mean exactly.
  EXPECT_EQ(y.select(1, 0).sizes().vec(), (std::vector<int64_t>{3}));
  EXPECT_EQ(values(y.select(1, 0)), (std::vector<double>{-10, 0, 10}));
  Tensor z = normal(tensor({5., 5.}), 0.0);
  EXPECT_EQ(values(z), (std::vector<double>{5, 5}));
  Tensor w = normal(1.5, zeros({2}));
  EXPECT_EQ(values(w), (std::vector<double>{1.5, 1.5}));
  EXPECT_THROW(normal(0.0, -1.0, {2}), Error);
  EXPECT_THROW(normal(zeros({2}), tensor({1., -1.})), Error);
}

TEST(Random, BernoulliDrawsOnesWithProbabilityP) {
  manual_seed(2);
  Tensor p = tensor({0., 1., 0., 1.});
  EXPECT_EQ(values(bernoulli(p)), (std::vector<double>{0, 1, 0, 1}));
  Tensor x = bernoulli(full({20000}, 0.3));
  EXPECT_NEAR(x.mean().item<double>(), 0.3, 0.015);
  Tensor y = bernoulli(zeros({10000}), 0.75);
  EXPECT_NEAR(y.mean().item<double>(), 0.75, 0.015);
  Tensor z = empty({2, 3}, kDouble);
  z.bernoulli_(tensor({1., 0., 1.}));
  EXPECT_EQ(values(z), (std::vector<double>{1, 0, 1, 1, 0, 1}));
  EXPECT_EQ(z.scalar_type(), kDouble);
  EXPECT_THROW(z.bernoulli_(1.5), Error);
  EXPECT_THROW(bernoulli(tensor({2.})), Error);
}

TEST(Random, MultinomialSamplesByWeight) {
  manual_seed(3);
  Tensor w = tensor({0., 1., 3.});
  Tensor s = multinomial(w, 4000, true);
  EXPECT_EQ(s.scalar_type(), kLong);
  auto v = values(s);
  EXPECT_EQ(std::count(v.begin(), v.end(), 0.0), 0);
  EXPECT_NEAR(std::count(v.begin(), v.end(), 2.0) / 4000.0, 0.75, 0.03);

  // Without replacement: distinct, never a zero weight.
  Tensor rows = tensor({{1., 1., 0., 1.}, {0., 5., 5., 5.}});
  Tensor t = rows.multinomial(3);
  EXPECT_EQ(t.sizes().vec(), (std::vector<int64_t>{2, 3}));
  auto r0 = values(t[0]), r1 = values(t[1]);
  EXPECT_EQ(std::set<double>(r0.begin(), r0.end()),
            (std::set<double>{0, 1, 3}));
  EXPECT_EQ(std::set<double>(r1.begin(), r1.end()),
            (std::set<double>{1, 2, 3}));
  EXPECT_THROW(multinomial(w, 3), Error); // only 2 nonzero weights
  EXPECT_THROW(multinomial(w, 4), Error); // more than categories
  EXPECT_THROW(multinomial(tensor({-1., 2.}), 1), Error);
  EXPECT_THROW(multinomial(zeros({3}), 1), Error);
}

TEST(Random, RandintLikeKeepsShapeAndDtype) {
  manual_seed(4);
  Tensor t = randint_like(zeros({3, 4}), 2, 5);
  EXPECT_EQ(t.scalar_type(), kFloat);
  EXPECT_EQ(t.sizes().vec(), (std::vector<int64_t>{3, 4}));
  EXPECT_GE(t.min().item<double>(), 2);
  EXPECT_LE(t.max().item<double>(), 4);
  Tensor u = randint_like(zeros({5}, kLong), 3);
  EXPECT_EQ(u.scalar_type(), kLong);
  EXPECT_LE(u.max().item<int64_t>(), 2);
}
