//===- Interpreter.h - Executes kiln IR on the eager kernels ----*- C++ -*-===//
#ifndef KILN_TOOLS_INTERPRETER_H
#define KILN_TOOLS_INTERPRETER_H

#include <kiln/kiln.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::tools {

/// The element type of a builtin tensor type, as a kiln dtype.
ScalarType dtypeOf(mlir::Type tensorType);

/// Runs `func` on `inputs` with kiln's eager ops (no autograd) and returns
/// its results. Throws kiln::Error for unsupported ops (kiln.backward must be
/// expanded by kiln-autodiff first) or mismatched inputs.
variable_list interpret(mlir::func::FuncOp func, const variable_list &inputs);

} // namespace kiln::tools

#endif // KILN_TOOLS_INTERPRETER_H
