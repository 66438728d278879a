//===- TraceHooks.h - How eager ops record themselves -----------*- C++ -*-===//
//
// Each function records one eager op into the active trace::Recorder, as
// kiln primitives: broadcasting and promotion become explicit casts and
// broadcasts, composite kernels (relu, clamp) their decomposition.
// Callers check trace::active() first, so eager runs pay one branch.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FRONTEND_TRACEHOOKS_H
#define KILN_FRONTEND_TRACEHOOKS_H

#include "kiln/Trace.h"
#include "kiln/runtime/Kernels.h"

#include <optional>

namespace kiln::detail {

void traceBinary(trace::Recorder &r, runtime::BinaryOp op, const Tensor &a,
                 const Tensor &b, ScalarType computeType, const Tensor &out);
void traceUnary(trace::Recorder &r, runtime::UnaryOp op, const Tensor &in,
                const Tensor &out);
void traceClamp(trace::Recorder &r, const Tensor &in, std::optional<double> lo,
                std::optional<double> hi, const Tensor &out);
/// out = cond ? a : b, all broadcast to out.
void traceSelect(trace::Recorder &r, const Tensor &cond, const Tensor &a,
                 const Tensor &b, const Tensor &out);
/// out = reduce(in) over `dims` (keepdim layout `keepShape`), reshaped to
/// out's shape; a mean divides by `divisor`.
void traceReduce(trace::Recorder &r, trace::Op op, const Tensor &in,
                 IntArrayRef dims, const Tensor &out, double divisor = 1);
/// out = any(in) (or all(in)) as a bool scalar.
void traceAnyAll(trace::Recorder &r, const Tensor &in, bool isAll,
                 const Tensor &out);
void traceReshape(trace::Recorder &r, const Tensor &in, const Tensor &out);
void tracePermute(trace::Recorder &r, const Tensor &in, IntArrayRef perm,
                  const Tensor &out);
void traceSlice(trace::Recorder &r, const Tensor &in, int64_t dim,
                int64_t start, int64_t end, int64_t step, const Tensor &out);
void traceCat(trace::Recorder &r, TensorList parts, int64_t dim,
              const Tensor &out);
void traceMatmul(trace::Recorder &r, const Tensor &a, const Tensor &b,
                 const Tensor &out);

} // namespace kiln::detail

#endif // KILN_FRONTEND_TRACEHOOKS_H
