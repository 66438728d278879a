//===- Gradcheck.h - Gradients against finite differences -------*- C++ -*-===//
#ifndef KILN_AUTOGRAD_GRADCHECK_H
#define KILN_AUTOGRAD_GRADCHECK_H

#include "kiln/Tensor.h"

#include <functional>
#include <string>

namespace kiln::autograd {

using TensorFunction = std::function<variable_list(const variable_list &)>;

/// Compares the Jacobian computed by backward with central finite
/// differences, for every input that requires grad (use float64 inputs).
/// Returns an empty string when they agree within `atol + rtol * |numeric|`,
/// else a description of the first mismatch.
std::string gradcheckReport(const TensorFunction &fn,
                            const variable_list &inputs, double eps = 1e-6,
                            double atol = 1e-5, double rtol = 1e-3);

/// PyTorch's torch.autograd.gradcheck: true on success; on a mismatch it
/// throws kiln::Error (or returns false when `raise_exception` is false).
bool gradcheck(const TensorFunction &fn, const variable_list &inputs,
               double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
               bool raise_exception = true);

} // namespace kiln::autograd

#endif // KILN_AUTOGRAD_GRADCHECK_H
