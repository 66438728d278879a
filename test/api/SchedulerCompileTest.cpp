//===- SchedulerCompileTest.cpp - StepLR under kiln::compile --------------===//
//
// A compiled SGD step reads lr as a runtime input, so StepLR's changes reach
// the compiled code without re-tracing, and the results equal eager's.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <kiln/kiln.h>

using namespace kiln;

TEST(ApiCoverageCompile, StepLRCompiledSgdMatchesEager) {
  std::vector<double> losses[2];
  std::vector<Tensor> params[2];
  for (int compiled = 0; compiled < 2; ++compiled) {
    manual_seed(0);
    auto x = randn({16, 8}), y = randn({16, 2});
    nn::Linear model(8, 2);
    optim::SGD optimizer(model->parameters(), optim::SGDOptions(0.1));
    optim::StepLR scheduler(optimizer, /*step_size=*/2, /*gamma=*/0.5);
    auto step = [&](Tensor input, Tensor target) {
      auto loss = nn::functional::mse_loss(model(input), target);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      return loss;
    };
    auto run = compile(step);
    for (int i = 0; i < 7; ++i) {
      Tensor loss = compiled ? run(x, y) : step(x, y);
      losses[compiled].push_back(loss.item<double>());
      scheduler.step();
    }
    params[compiled] = model->parameters();
    if (compiled) {
      EXPECT_EQ(run.stats().traces, 1u);
      EXPECT_GE(run.stats().hits, 6u);
      EXPECT_EQ(run.stats().fallbacks, 0u);
    }
    // lr after 7 scheduler steps: decayed on calls 3, 5 and 7.
    EXPECT_DOUBLE_EQ(optimizer.param_groups()[0].options().get_lr(), 0.0125);
  }
  for (size_t i = 0; i < losses[0].size(); ++i)
    EXPECT_NEAR(losses[1][i], losses[0][i], 1e-6 + 1e-5 * losses[0][i])
        << "step " << i;
  for (size_t i = 0; i < params[0].size(); ++i)
    EXPECT_TRUE(params[1][i].allclose(params[0][i], 1e-5, 1e-6));
}
