//===- Interpreter.h - Executes kiln IR on the eager kernels ----*- C++ -*-===//
#ifndef KILN_TOOLS_INTERPRETER_H
#define KILN_TOOLS_INTERPRETER_H

#include <kiln/kiln.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::tools {

/// The element type of a builtin tensor type, as a kiln dtype.
ScalarType dtypeOf(mlir::Type tensorType);

/// Checks that kiln-run can run `func`: it has a body, and its arguments
/// and results are ranked tensors of static shape, with a supported element
/// type, whose element and byte counts fit in int64. Throws kiln::Error
/// saying what is not so (the backends assume all of it).
void checkRunnable(mlir::func::FuncOp func);
/// The bytes of a tensor type that checkRunnable accepted.
int64_t byteSize(mlir::Type tensorType);

/// Runs `func` on `inputs` with kiln's eager ops (no autograd) and returns
/// its results. Throws kiln::Error for unsupported ops (kiln.backward must be
/// expanded by kiln-autodiff first) or mismatched inputs.
variable_list interpret(mlir::func::FuncOp func, const variable_list &inputs);

} // namespace kiln::tools

#endif // KILN_TOOLS_INTERPRETER_H
