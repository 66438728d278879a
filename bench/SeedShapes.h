//===- SeedShapes.h - Problem sizes of the seed tutorials -------*- C++ -*-===//
#ifndef KILN_BENCH_SEEDSHAPES_H
#define KILN_BENCH_SEEDSHAPES_H

#include <cstdint>

namespace seed {
/// The two-layer MLP of the tutorials: batch 64, 1000 -> 100 -> 10.
constexpr int64_t N = 64, DIn = 1000, H = 100, DOut = 10;
} // namespace seed

#endif // KILN_BENCH_SEEDSHAPES_H
