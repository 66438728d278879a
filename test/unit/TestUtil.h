//===- TestUtil.h - Helpers shared by the unit tests ------------*- C++ -*-===//
//
// Part of the kiln project. Value and shape assertions on tensors.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TEST_UNIT_TESTUTIL_H
#define KILN_TEST_UNIT_TESTUTIL_H

#include <gtest/gtest.h>
#include <kiln/kiln.h>

#include <cmath>
#include <string>
#include <vector>

namespace kiln::test {

/// The elements of `t` in row-major order, as doubles.
inline std::vector<double> values(const Tensor &t) {
  NoGradGuard noGrad;
  Tensor c = t.to(kDouble).contiguous();
  const double *p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

inline std::vector<int64_t> shape(const Tensor &t) { return t.sizes().vec(); }

/// Checks sizes and (within `tol`) values.
inline ::testing::AssertionResult isTensor(const Tensor &t,
                                           std::vector<int64_t> sizes,
                                           std::vector<double> expected,
                                           double tol = 1e-6) {
  if (!t.defined())
    return ::testing::AssertionFailure() << "tensor is undefined";
  if (t.sizes().vec() != sizes)
    return ::testing::AssertionFailure()
           << "sizes " << t.sizes() << " != expected " << IntArrayRef(sizes);
  std::vector<double> v = values(t);
  if (v.size() != expected.size())
    return ::testing::AssertionFailure() << "numel mismatch";
  for (size_t i = 0; i < v.size(); ++i) {
    bool ok =
        (std::isnan(v[i]) && std::isnan(expected[i])) || v[i] == expected[i] ||
        std::fabs(v[i] - expected[i]) <= tol * (1 + std::fabs(expected[i]));
    if (!ok)
      return ::testing::AssertionFailure()
             << "element " << i << ": " << v[i] << " != expected "
             << expected[i] << "\n"
             << t;
  }
  return ::testing::AssertionSuccess();
}

/// Runs `fn` and checks that it throws kiln::Error whose message contains
/// `needle`.
template <class Fn>
::testing::AssertionResult throwsWith(Fn &&fn, const std::string &needle) {
  try {
    fn();
  } catch (const Error &e) {
    std::string msg = e.what();
    if (msg.find(needle) != std::string::npos)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "message \"" << msg << "\" lacks \"" << needle << "\"";
  } catch (const std::exception &e) {
    return ::testing::AssertionFailure()
           << "threw a non-kiln exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

} // namespace kiln::test

#endif // KILN_TEST_UNIT_TESTUTIL_H
