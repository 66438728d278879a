//===- ThreadsTest.cpp - Compiled functions called from threads -----------===//
//
// One compiled function called from several threads at once (calls are
// serialized: each is a whole step), and separate compiled functions
// traced, compiled and run concurrently. Also built with ThreadSanitizer
// (kiln_tsan_tests) over TSan-instrumented runtime, frontend and driver.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <thread>

using namespace kiln;

namespace {

struct Mlp {
  nn::Linear l1{8, 16}, l2{16, 4};
  std::vector<Tensor> parameters() {
    auto p = l1->parameters(), q = l2->parameters();
    p.insert(p.end(), q.begin(), q.end());
    return p;
  }
};

/// `steps` SGD steps of a fresh model from seed 0: eagerly, or compiled and
/// spread over `threads` threads calling one compiled function.
std::vector<Tensor> train(int steps, int threads, bool compiled) {
  manual_seed(0);
  Mlp net;
  auto x = randn({32, 8}), y = randn({32, 4});
  optim::SGD opt(net.parameters(), optim::SGDOptions(0.05).momentum(0.9));
  auto step = [&] {
    auto loss = nn::functional::mse_loss(net.l2(net.l1(x).relu()), y);
    opt.zero_grad();
    loss.backward();
    opt.step();
    return loss;
  };
  if (!compiled) {
    for (int i = 0; i < steps; ++i)
      step();
    return net.parameters();
  }
  auto f = compile(step);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < steps / threads; ++i)
        f();
    });
  for (auto &t : pool)
    t.join();
  EXPECT_EQ(f.stats().calls, size_t(steps));
  EXPECT_GE(f.stats().hits, size_t(steps - 2));
  return net.parameters();
}

} // namespace

TEST(Threads, OneCompiledStepFromFourThreads) {
  // The data is the same every step, so the final parameters do not depend
  // on which thread ran which step, only on each step being whole.
  auto eager = train(24, 1, false);
  auto compiled = train(24, 4, true);
  for (size_t i = 0; i < eager.size(); ++i)
    EXPECT_TRUE(compiled[i].allclose(eager[i], 1e-4, 1e-5)) << "param " << i;
}

TEST(Threads, SeparateCompiledFunctionsConcurrently) {
  std::vector<Tensor> inputs, expected;
  for (int t = 0; t < 3; ++t) {
    inputs.push_back(randn({16}));
    expected.push_back((inputs[t] * (t + 1)).tanh().sum());
  }
  std::vector<int> bad(3, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < 3; ++t)
    pool.emplace_back([&, t] {
      Tensor scale = full({16}, double(t + 1));
      auto f = compile([&](Tensor x) { return (x * scale).tanh().sum(); });
      for (int i = 0; i < 6; ++i)
        if (!f(inputs[t]).allclose(expected[t], 1e-5, 1e-6))
          ++bad[t];
      if (f.stats().hits < 4)
        ++bad[t];
    });
  for (auto &t : pool)
    t.join();
  for (int t = 0; t < 3; ++t)
    EXPECT_EQ(bad[t], 0) << "thread " << t;
}
