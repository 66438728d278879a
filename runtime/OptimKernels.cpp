//===- OptimKernels.cpp - Fused SGD and Adam updates ----------------------===//
//
// One pass over each parameter instead of the half dozen temporaries the
// same update takes as tensor ops.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Kernels.h"

#include <cmath>

namespace kiln::runtime {
namespace {

template <class T>
void sgdTyped(const SgdHyper &h, T *p, const T *g, T *buf, bool first,
              int64_t n) {
  const T lr = T(h.lr), mom = T(h.momentum), damp = T(1 - h.dampening),
          wd = T(h.weightDecay);
  for (int64_t i = 0; i < n; ++i) {
    T d = g[i];
    if (h.weightDecay != 0)
      d += wd * p[i];
    if (buf) {
      buf[i] = first ? d : mom * buf[i] + damp * d;
      d = h.nesterov ? d + mom * buf[i] : buf[i];
    }
    p[i] -= lr * d;
  }
}

template <class T>
void adamTyped(const AdamHyper &h, T *p, const T *g, T *m, T *v, T *vmax,
               int64_t n) {
  const double bias1 = 1 - std::pow(h.beta1, double(h.step));
  const double bias2 = 1 - std::pow(h.beta2, double(h.step));
  const T b1 = T(h.beta1), b2 = T(h.beta2), wd = T(h.weightDecay);
  const T stepSize = T(h.lr / bias1), bias2Sqrt = T(std::sqrt(bias2)),
          eps = T(h.eps);
  for (int64_t i = 0; i < n; ++i) {
    T grad = g[i];
    if (h.weightDecay != 0)
      grad += wd * p[i];
    m[i] = m[i] * b1 + grad * (T(1) - b1);
    v[i] = v[i] * b2 + grad * grad * (T(1) - b2);
    T second = v[i];
    if (vmax) {
      vmax[i] = vmax[i] < v[i] ? v[i] : vmax[i];
      second = vmax[i];
    }
    T denom = std::sqrt(second) / bias2Sqrt + eps;
    p[i] -= stepSize * (m[i] / denom);
  }
}

} // namespace

void sgdStep(const SgdHyper &h, void *param, const void *grad, void *buffer,
             bool firstStep, ScalarType dtype, int64_t n) {
  if (dtype == kFloat)
    sgdTyped(h, static_cast<float *>(param), static_cast<const float *>(grad),
             static_cast<float *>(buffer), firstStep, n);
  else
    sgdTyped(h, static_cast<double *>(param), static_cast<const double *>(grad),
             static_cast<double *>(buffer), firstStep, n);
}

void adamStep(const AdamHyper &h, void *param, const void *grad, void *expAvg,
              void *expAvgSq, void *maxExpAvgSq, ScalarType dtype, int64_t n) {
  if (dtype == kFloat)
    adamTyped(h, static_cast<float *>(param), static_cast<const float *>(grad),
              static_cast<float *>(expAvg), static_cast<float *>(expAvgSq),
              static_cast<float *>(maxExpAvgSq), n);
  else
    adamTyped(h, static_cast<double *>(param),
              static_cast<const double *>(grad), static_cast<double *>(expAvg),
              static_cast<double *>(expAvgSq),
              static_cast<double *>(maxExpAvgSq), n);
}

} // namespace kiln::runtime
