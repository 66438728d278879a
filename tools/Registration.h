//===- Registration.h - The one place tools register kiln -------*- C++ -*-===//
#ifndef KILN_TOOLS_REGISTRATION_H
#define KILN_TOOLS_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace kiln {

/// The kiln dialect and the upstream dialects kiln IR uses (func, arith).
void registerKilnDialects(mlir::DialectRegistry &registry);
/// Everything upstream as well (for kiln-opt).
void registerAllDialectsAndKiln(mlir::DialectRegistry &registry);
/// kiln's passes, its CPU pipeline and all upstream passes.
void registerAllPassesAndKiln();

} // namespace kiln

#endif // KILN_TOOLS_REGISTRATION_H
