//===- Passes.h - kiln passes -----------------------------------*- C++ -*-===//
#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include "ir/KilnDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace kiln::passes {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Expands every kiln.backward in `func`; reports and fails on an op
/// without a gradient rule.
mlir::LogicalResult expandBackwardMarkers(mlir::Operation *root);

} // namespace kiln::passes

#endif // KILN_PASSES_PASSES_H
