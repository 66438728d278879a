//===- Random.cpp - The default CPU generator -----------------------------===//
//
// One global Mersenne Twister, seeded by manual_seed. Normal samples use the
// Box-Muller transform. The streams differ from PyTorch's; results are
// deterministic for a given seed.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Kernels.h"

#include <cmath>
#include <random>

namespace kiln::runtime {
namespace {
std::mt19937_64 &generator() {
  // PyTorch's default CPU seed.
  static std::mt19937_64 gen(67280421310721ULL);
  return gen;
}
double uniform01() {
  return (generator()() >> 11) * (1.0 / 9007199254740992.0);
}

template <class Fn> void fillWith(const StridedView &dst, Fn &&next) {
  int64_t n = dst.numel();
  dispatchType(dst.dtype, [&](auto t) {
    using T = decltype(t);
    T *p = static_cast<T *>(dst.data);
    for (int64_t i = 0; i < n; ++i)
      p[i] = static_cast<T>(next());
  });
}
} // namespace

void manualSeed(uint64_t seed) { generator().seed(seed); }

void fillUniform(const StridedView &dst, double lo, double hi) {
  fillWith(dst, [&] { return lo + (hi - lo) * uniform01(); });
}

void fillNormal(const StridedView &dst, double mean, double stddev) {
  bool haveSpare = false;
  double spare = 0;
  fillWith(dst, [&] {
    if (haveSpare) {
      haveSpare = false;
      return mean + stddev * spare;
    }
    double u1 = 1.0 - uniform01(), u2 = uniform01();
    double r = std::sqrt(-2.0 * std::log(u1));
    spare = r * std::sin(2 * M_PI * u2);
    haveSpare = true;
    return mean + stddev * r * std::cos(2 * M_PI * u2);
  });
}

void fillBernoulli(const StridedView &dst, double p) {
  fillWith(dst, [&] { return uniform01() < p ? 1.0 : 0.0; });
}

} // namespace kiln::runtime
