//===- Kernels.h - CPU kernels on strided memory ----------------*- C++ -*-===//
//
// The runtime's compute entry points. They know nothing of autograd or of the
// Tensor class: operands are raw strided views. Shapes are already checked
// and broadcast by the caller (broadcast dimensions carry stride 0).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_KERNELS_H
#define KILN_RUNTIME_KERNELS_H

#include "kiln/ops/Elementwise.h"
#include "kiln/runtime/DType.h"

#include <cstdint>
#include <mutex>
#include <random>
#include <vector>

namespace kiln::runtime {

/// A view of memory: element pointer plus sizes and strides in elements.
struct StridedView {
  void *data = nullptr;
  ScalarType dtype = kFloat;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;

  int64_t dim() const { return static_cast<int64_t>(sizes.size()); }
  int64_t numel() const;
  bool isContiguous() const;
};

/// The elementwise ops of kiln/ops/Elementwise.h, then eager-only ones.
enum class UnaryOp {
#define KILN_UNARY_ENUM(Name, ...) Name,
  KILN_UNARY_OPS(KILN_UNARY_ENUM)
#undef KILN_UNARY_ENUM
      Relu,
  Sign,
  LogicalNot,
};

enum class BinaryOp {
#define KILN_BINARY_ENUM(Name, mnemonic, RuntimeName, ...) RuntimeName,
  KILN_BINARY_OPS(KILN_BINARY_ENUM)
#undef KILN_BINARY_ENUM
      Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  LogicalAnd,
  LogicalOr,
  /// ReLU's gradient: a if b > 0 else 0.
  ThresholdGrad,
};

/// True for ops whose result is bool.
bool isComparison(BinaryOp op);

/// dst = cast(src); src may broadcast (stride 0) into dst's shape.
void copy(const StridedView &src, const StridedView &dst);
/// dst[...] = value.
void fill(const StridedView &dst, double value);
/// out = op(in). `in` and `out` have the same dtype and shape.
void unary(UnaryOp op, const StridedView &in, const StridedView &out);
/// out = op(a, b). a and b share a dtype; out has it too, or bool for
/// comparisons. All three have out's shape.
void binary(BinaryOp op, const StridedView &a, const StridedView &b,
            const StridedView &out);
/// out = cond ? a : b, cond bool, a/b/out one dtype, all of out's shape.
void where(const StridedView &cond, const StridedView &a, const StridedView &b,
           const StridedView &out);
/// out = clamp(in, lo, hi); either bound may be absent.
void clamp(const StridedView &in, const StridedView &out, bool hasLo, double lo,
           bool hasHi, double hi);

enum class ReduceOp { Sum, Max, Min, Prod };
/// Reduces `in` over the dimensions flagged in `reduceDims` into `out`, whose
/// shape is `in`'s with those dimensions set to 1 (keepdim layout).
void reduce(ReduceOp op, const StridedView &in,
            const std::vector<bool> &reduceDims, const StridedView &out);
/// Values and int64 indices of the max (or min) along `dim` (keepdim layout).
void argReduce(bool isMax, const StridedView &in, int64_t dim,
               const StridedView &values, const StridedView &indices);

/// out[b] = a[b] @ b[b] for 2-D (batch 1) or 3-D operands. out contiguous.
void matmul(const StridedView &a, const StridedView &b, const StridedView &out);

/// C = A·B, or C += A·B when `accumulate` (BLAS for float and double, loops
/// for int64; bool is not supported). A (m x k) and
/// B (k x n) are given by element strides, so transposed views need no copy;
/// C has unit column stride and row stride `ldc`.
void gemm(ScalarType dtype, int64_t m, int64_t n, int64_t k, const void *a,
          int64_t aRowStride, int64_t aColStride, const void *b,
          int64_t bRowStride, int64_t bColStride, void *c, int64_t ldc,
          bool accumulate);

/// Number of true elements of a bool view.
int64_t countTrue(const StridedView &mask);
/// Copies the elements of `src` where `mask` (same shape) is true, in order,
/// into the contiguous 1-D `out`.
void maskedSelect(const StridedView &src, const StridedView &mask,
                  const StridedView &out);
/// dst[mask] = values (1-D with countTrue(mask) elements, or 1 element).
void maskedScatter(const StridedView &dst, const StridedView &mask,
                   const StridedView &values);

/// Fused optimizer updates over contiguous float/double buffers of one
/// dtype and size (PyTorch's update formulas, element by element).
struct SgdHyper {
  double lr, momentum, dampening, weightDecay;
  bool nesterov;
};
/// `buffer` may be null (no momentum); `firstStep` initialises it to the
/// gradient.
void sgdStep(const SgdHyper &h, void *param, const void *grad, void *buffer,
             bool firstStep, ScalarType dtype, int64_t n);
struct AdamHyper {
  double lr, beta1, beta2, eps, weightDecay;
  int64_t step;
};
/// `maxExpAvgSq` is null unless AMSGrad is on.
void adamStep(const AdamHyper &h, void *param, const void *grad, void *expAvg,
              void *expAvgSq, void *maxExpAvgSq, ScalarType dtype, int64_t n);

/// A random number generator: a 64-bit Mersenne Twister and the seed it
/// was last seeded with. Fills lock `mutex` while they draw.
struct RandomGenerator {
  explicit RandomGenerator(uint64_t seed = 67280421310721ULL)
      : engine(seed), seed(seed) {}
  RandomGenerator(const RandomGenerator &o) : engine(o.engine), seed(o.seed) {}
  std::mt19937_64 engine;
  uint64_t seed;
  std::mutex mutex;
};
/// The process-wide default generator (PyTorch's default CPU seed).
RandomGenerator &defaultGenerator();

/// Random fills of a contiguous buffer, from `gen` (the default generator
/// when null).
void manualSeed(uint64_t seed);
void fillUniform(const StridedView &dst, double lo, double hi,
                 RandomGenerator *gen = nullptr);
void fillNormal(const StridedView &dst, double mean, double stddev,
                RandomGenerator *gen = nullptr);
/// 1 with probability p, else 0.
void fillBernoulli(const StridedView &dst, double p,
                   RandomGenerator *gen = nullptr);
/// Uniform doubles in [0, 1), `n` of them, into `out`.
void drawUniform01(double *out, int64_t n, RandomGenerator *gen = nullptr);
/// The generator's engine state as 64-bit words, and back (throws
/// std::invalid_argument on words that are not such a state).
std::vector<uint64_t> saveState(RandomGenerator &gen);
void loadState(RandomGenerator &gen, const std::vector<uint64_t> &words);

} // namespace kiln::runtime

#endif // KILN_RUNTIME_KERNELS_H
