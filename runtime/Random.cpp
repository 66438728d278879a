//===- Random.cpp - CPU random number generators --------------------------===//
//
// Each generator is a Mersenne Twister; the default one is seeded by
// manual_seed. Normal samples use the Box-Muller transform. The streams
// differ from PyTorch's; results are deterministic for a given seed.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Kernels.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace kiln::runtime {
namespace {
RandomGenerator &pick(RandomGenerator *gen) {
  return gen ? *gen : defaultGenerator();
}
double uniform01(std::mt19937_64 &e) {
  return (e() >> 11) * (1.0 / 9007199254740992.0);
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

RandomGenerator &defaultGenerator() {
  static RandomGenerator gen;
  return gen;
}

void manualSeed(uint64_t seed) {
  RandomGenerator &g = defaultGenerator();
  std::lock_guard<std::mutex> lock(g.mutex);
  g.engine.seed(seed);
  g.seed = seed;
}

void fillUniform(const StridedView &dst, double lo, double hi,
                 RandomGenerator *gen) {
  RandomGenerator &g = pick(gen);
  std::lock_guard<std::mutex> lock(g.mutex);
  fillWith(dst, [&] { return lo + (hi - lo) * uniform01(g.engine); });
}

void fillNormal(const StridedView &dst, double mean, double stddev,
                RandomGenerator *gen) {
  RandomGenerator &g = pick(gen);
  std::lock_guard<std::mutex> lock(g.mutex);
  bool haveSpare = false;
  double spare = 0;
  fillWith(dst, [&] {
    if (haveSpare) {
      haveSpare = false;
      return mean + stddev * spare;
    }
    double u1 = 1.0 - uniform01(g.engine), u2 = uniform01(g.engine);
    double r = std::sqrt(-2.0 * std::log(u1));
    spare = r * std::sin(2 * M_PI * u2);
    haveSpare = true;
    return mean + stddev * r * std::cos(2 * M_PI * u2);
  });
}

void fillBernoulli(const StridedView &dst, double p, RandomGenerator *gen) {
  RandomGenerator &g = pick(gen);
  std::lock_guard<std::mutex> lock(g.mutex);
  fillWith(dst, [&] { return uniform01(g.engine) < p ? 1.0 : 0.0; });
}

void drawUniform01(double *out, int64_t n, RandomGenerator *gen) {
  RandomGenerator &g = pick(gen);
  std::lock_guard<std::mutex> lock(g.mutex);
  for (int64_t i = 0; i < n; ++i)
    out[i] = uniform01(g.engine);
}

std::vector<uint64_t> saveState(RandomGenerator &gen) {
  std::lock_guard<std::mutex> lock(gen.mutex);
  std::stringstream ss;
  ss << gen.engine;
  std::vector<uint64_t> words;
  uint64_t w;
  while (ss >> w)
    words.push_back(w);
  words.push_back(gen.seed);
  return words;
}

void loadState(RandomGenerator &gen, const std::vector<uint64_t> &words) {
  if (words.size() != std::mt19937_64::state_size + 2)
    throw std::invalid_argument("wrong number of state words");
  std::stringstream ss;
  for (size_t i = 0; i + 1 < words.size(); ++i)
    ss << words[i] << ' ';
  std::mt19937_64 e;
  ss >> e;
  if (ss.fail())
    throw std::invalid_argument("not a generator state");
  std::lock_guard<std::mutex> lock(gen.mutex);
  gen.engine = e;
  gen.seed = words.back();
}

} // namespace kiln::runtime
