//===- KilnDialect.h - The kiln dialect -------------------------*- C++ -*-===//
#ifndef KILN_IR_KILNDIALECT_H
#define KILN_IR_KILNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln::ir {
/// A ranked tensor type of static shape whose element count and byte size
/// fit in int64 (every kiln value must be allocatable and indexable).
bool isAddressable(mlir::Type type);
} // namespace kiln::ir

#include "ir/KilnDialect.h.inc"
#include "ir/KilnEnums.h.inc"
#include "ir/KilnInterfaces.h.inc"

#define GET_OP_CLASSES
#include "ir/KilnOps.h.inc"

namespace kiln::ir {

/// A splat constant of `type` holding `value`.
mlir::Value splatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::RankedTensorType type, double value);

/// The shape of reducing `input` over `dims` (negative dims count from
/// the end); fails on out-of-range or repeated dims.
mlir::FailureOr<llvm::SmallVector<int64_t>>
reducedShape(llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> dims,
             bool keepdim);

} // namespace kiln::ir

#endif // KILN_IR_KILNDIALECT_H
