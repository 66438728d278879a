//===- Pipeline.h - kiln's CPU compilation pipeline -------------*- C++ -*-===//
#ifndef KILN_CODEGEN_PIPELINE_H
#define KILN_CODEGEN_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

namespace kiln::codegen {

/// The dialects and interface models the CPU pipeline needs beyond the kiln
/// ones (bufferization models of arith/linalg/tensor/func, the LLVM IR
/// translations).
void registerCodegenDialects(mlir::DialectRegistry &registry);

/// An argument attribute (an i64 result index): the function writes that
/// result into this argument instead of returning it (an in-place update).
/// The pipeline materializes the value in the argument, which becomes
/// writable, just before bufferization.
constexpr const char *kTiedResultAttr = "kiln.tied_result";

/// Adds the passes lowering a module of kiln IR to the LLVM dialect: expand
/// kiln.backward markers, simplify, lower to linalg on tensors, fuse
/// elementwise ops, bufferize (results become out-parameters), lower to
/// loops and then to LLVM.
void buildKilnCpuPipeline(mlir::OpPassManager &pm);

/// Runs buildKilnCpuPipeline on `module`; the diagnostics go to the context.
mlir::LogicalResult runKilnCpuPipeline(mlir::ModuleOp module);

/// Registers `kiln-cpu-pipeline` (buildKilnCpuPipeline) for kiln-opt.
void registerKilnCpuPipeline();

} // namespace kiln::codegen

#endif // KILN_CODEGEN_PIPELINE_H
