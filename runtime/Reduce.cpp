//===- Reduce.cpp - Reductions over dimensions ----------------------------===//
//
// Each output element is reduced in a wider accumulator (double for floats,
// int64 for integers), which keeps float32 sums close to PyTorch's pairwise
// summation.
//
//===----------------------------------------------------------------------===//
#include "Loops.h"
#include "kiln/runtime/Kernels.h"

#include <cmath>
#include <limits>

namespace kiln::runtime {
namespace {

/// Element i of T at p; a bool is any nonzero byte, so that a sum counts
/// true elements even when from_blob memory holds bytes other than 0/1.
template <class T> T load(const T *p, int64_t i) {
  if constexpr (std::is_same_v<T, bool>)
    return reinterpret_cast<const uint8_t *>(p)[i] != 0;
  else
    return p[i];
}

/// Calls `fn(inPtr, outPtr, reducedView)` for every output element.
template <class Fn>
void forEachOutput(const StridedView &in, const std::vector<bool> &reduceDims,
                   const StridedView &out, Fn &&fn) {
  StridedView reduced{nullptr, in.dtype, {}, {}};
  std::vector<int64_t> keptSizes, keptIn, keptOut;
  for (int64_t d = 0; d < in.dim(); ++d) {
    if (reduceDims[d]) {
      reduced.sizes.push_back(in.sizes[d]);
      reduced.strides.push_back(in.strides[d]);
    } else {
      keptSizes.push_back(in.sizes[d]);
      keptIn.push_back(in.strides[d]);
      keptOut.push_back(out.strides[d]);
    }
  }
  size_t inSize = elementSize(in.dtype), outSize = elementSize(out.dtype);
  std::vector<int64_t> counter(keptSizes.size(), 0);
  for (int64_t s : keptSizes)
    if (s == 0)
      return;
  while (true) {
    int64_t inOff = 0, outOff = 0;
    for (size_t k = 0; k < counter.size(); ++k) {
      inOff += counter[k] * keptIn[k];
      outOff += counter[k] * keptOut[k];
    }
    reduced.data = static_cast<char *>(in.data) + inOff * inSize;
    fn(static_cast<char *>(out.data) + outOff * outSize, reduced);
    int k = static_cast<int>(counter.size()) - 1;
    for (; k >= 0; --k) {
      if (++counter[k] < keptSizes[k])
        break;
      counter[k] = 0;
    }
    if (k < 0)
      return;
  }
}

template <class T>
void reduceTyped(ReduceOp op, const StridedView &in,
                 const std::vector<bool> &reduceDims, const StridedView &out) {
  using Acc = std::conditional_t<
      std::is_floating_point_v<T>, double,
      std::conditional_t<std::is_same_v<T, bool>, int64_t, T>>;
  using OutT = T;
  forEachOutput(in, reduceDims, out, [&](char *o, const StridedView &r) {
    Acc acc;
    switch (op) {
    case ReduceOp::Sum:
      acc = 0;
      break;
    case ReduceOp::Prod:
      acc = 1;
      break;
    // Start from the identity in T's own range (-inf for floats, false for
    // bool) so that all -inf or empty bool inputs reduce to the right value.
    case ReduceOp::Max:
      if constexpr (std::is_floating_point_v<T>)
        acc = -std::numeric_limits<Acc>::infinity();
      else
        acc = Acc(std::numeric_limits<T>::lowest());
      break;
    case ReduceOp::Min:
    default:
      if constexpr (std::is_floating_point_v<T>)
        acc = std::numeric_limits<Acc>::infinity();
      else
        acc = Acc(std::numeric_limits<T>::max());
      break;
    }
    bool sawNan = false;
    forEachRow<1>(r.sizes, {&r}, [&](auto p, auto s, int64_t n) {
      const T *x = reinterpret_cast<const T *>(p[0]);
      bool dense = s[0] == sizeof(T);
      for (int64_t i = 0; i < n; ++i) {
        Acc v =
            dense ? Acc(load(x, i))
                  : Acc(load(reinterpret_cast<const T *>(p[0] + i * s[0]), 0));
        switch (op) {
        case ReduceOp::Sum:
          if constexpr (std::is_integral_v<Acc>) // wraps, as compiled code
            acc = Acc(std::make_unsigned_t<Acc>(acc) +
                      std::make_unsigned_t<Acc>(v));
          else
            acc += v;
          break;
        case ReduceOp::Prod:
          acc *= v;
          break;
        // IEEE 754-2019 maximum/minimum: NaN wins (below), +0.0 > -0.0,
        // so the result does not depend on the order (the compiled
        // reduction's arith.maximumf/minimumf).
        case ReduceOp::Max:
          if constexpr (std::is_floating_point_v<Acc>) {
            sawNan |= std::isnan(v);
            acc = v > acc || (v == acc && !std::signbit(v)) ? v : acc;
          } else {
            acc = v > acc ? v : acc;
          }
          break;
        case ReduceOp::Min:
          if constexpr (std::is_floating_point_v<Acc>) {
            sawNan |= std::isnan(v);
            acc = v < acc || (v == acc && std::signbit(v)) ? v : acc;
          } else {
            acc = v < acc ? v : acc;
          }
          break;
        }
      }
    });
    if (sawNan)
      acc = std::numeric_limits<Acc>::quiet_NaN();
    *reinterpret_cast<OutT *>(o) = static_cast<OutT>(acc);
  });
}

} // namespace

void reduce(ReduceOp op, const StridedView &in,
            const std::vector<bool> &reduceDims, const StridedView &out) {
  dispatchType(in.dtype, [&](auto t) {
    reduceTyped<decltype(t)>(op, in, reduceDims, out);
  });
}

void argReduce(bool isMax, const StridedView &in, int64_t dim,
               const StridedView &values, const StridedView &indices) {
  std::vector<bool> reduceDims(in.dim(), false);
  reduceDims[dim] = true;
  dispatchType(in.dtype, [&](auto t) {
    using T = decltype(t);
    forEachOutput(in, reduceDims, values, [&](char *o, const StridedView &r) {
      int64_t n = r.sizes.empty() ? 1 : r.sizes[0];
      int64_t stride = r.strides.empty() ? 0 : r.strides[0];
      const T *x = static_cast<const T *>(r.data);
      T best = load(x, 0);
      int64_t bestIdx = 0;
      for (int64_t i = 1; i < n; ++i) {
        T v = load(x, i * stride);
        if constexpr (std::is_floating_point_v<T>)
          if (std::isnan(best))
            break;
        bool better = isMax ? (v > best) : (v < best);
        if constexpr (std::is_floating_point_v<T>)
          better = better || std::isnan(v);
        if (better) {
          best = v;
          bestIdx = i;
        }
      }
      *reinterpret_cast<T *>(o) = best;
      // The index lands at the same element offset in `indices`.
      int64_t elemOff = (o - static_cast<char *>(values.data)) /
                        static_cast<int64_t>(sizeof(T));
      static_cast<int64_t *>(indices.data)[elemOff] = bestIdx;
    });
  });
}

} // namespace kiln::runtime
