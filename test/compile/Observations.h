//===- Observations.h - Eager against compiled, by what a run saw -*- C++
//-*-===//
#ifndef KILN_TEST_COMPILE_OBSERVATIONS_H
#define KILN_TEST_COMPILE_OBSERVATIONS_H

#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <vector>

namespace kiln::test {

/// What a scenario observed, in order.
using Trace = std::vector<Tensor>;

/// A copy of `t` (or undefined), so later in-place updates don't change
/// what was observed.
inline Tensor snap(const Tensor &t) {
  NoGradGuard noGrad;
  return t.defined() ? t.detach().clone() : Tensor();
}

/// Runs `scenario(compiled)` eagerly and compiled from seed 0 and compares
/// what each observed: the same definedness, shapes and values.
template <class Scenario>
void expectSameObservations(Scenario scenario, double rtol, double atol) {
  manual_seed(0);
  Trace eager = scenario(false);
  manual_seed(0);
  Trace compiled = scenario(true);
  ASSERT_EQ(eager.size(), compiled.size());
  for (size_t i = 0; i < eager.size(); ++i) {
    ASSERT_EQ(eager[i].defined(), compiled[i].defined()) << "observation " << i;
    if (!eager[i].defined())
      continue;
    ASSERT_EQ(eager[i].sizes(), compiled[i].sizes()) << "observation " << i;
    EXPECT_TRUE(compiled[i].allclose(eager[i], rtol, atol))
        << "observation " << i << ": eager " << eager[i] << " compiled "
        << compiled[i] << " difference "
        << (compiled[i].to(kDouble) - eager[i].to(kDouble));
  }
}

} // namespace kiln::test

#endif // KILN_TEST_COMPILE_OBSERVATIONS_H
