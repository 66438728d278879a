//===- TraceImport.h - A recorded trace as kiln IR --------------*- C++ -*-===//
#ifndef KILN_CODEGEN_DRIVER_TRACEIMPORT_H
#define KILN_CODEGEN_DRIVER_TRACEIMPORT_H

#include "kiln/Trace.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kiln::codegen {

/// The order of a traced function's results.
struct ResultLayout {
  size_t outputs = 0;     ///< the user's results
  size_t stateWrites = 0; ///< new contents of captured tensors
  size_t gradSlots = 0;   ///< new `.grad` of parameters (those not None)
  size_t hostReads = 0;   ///< values the trace read on the host
};

/// Builds `func.func @name(inputs..., captured...) -> (outputs...,
/// state writes..., grads..., host reads...)` in the kiln dialect from a
/// trace. The kiln dialect must be loaded in `context`.
mlir::OwningOpRef<mlir::ModuleOp> importTrace(mlir::MLIRContext &context,
                                              const trace::Graph &graph,
                                              llvm::StringRef name,
                                              ResultLayout &layout);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_DRIVER_TRACEIMPORT_H
