//===- Jit.h - JIT-compiled kiln functions on the CPU -----------*- C++ -*-===//
#ifndef KILN_CODEGEN_JIT_H
#define KILN_CODEGEN_JIT_H

#include <kiln/kiln.h>

#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace kiln::codegen {

/// One function of a kiln-IR module, compiled through the CPU pipeline and
/// LLVM (-O3, host CPU) into native code. Argument and result shapes are
/// static; results are returned as new contiguous tensors, except tied
/// results, which are written into their input. Calls are thread-compatible
/// (no shared mutable state) and write to no other input.
class JitFunction {
public:
  /// A result the function writes into one of its inputs (an in-place state
  /// update) instead of a new buffer.
  struct Tie {
    unsigned result, argument;
  };

  /// Compiles `name` from `module` (which stays untouched: a copy is
  /// lowered). `kiln.backward` markers are expanded first. Throws
  /// kiln::Error with the compiler's diagnostics on failure.
  JitFunction(mlir::ModuleOp module, const std::string &name,
              const std::vector<Tie> &ties = {});
  ~JitFunction();
  JitFunction(const JitFunction &) = delete;
  JitFunction &operator=(const JitFunction &) = delete;

  /// Runs the function. Inputs must have the argument shapes and dtypes
  /// (any strides); throws kiln::Error otherwise. A tied result is its input
  /// tensor, updated in place (through a temporary when the input is not
  /// contiguous or shares memory with another input).
  std::vector<Tensor> operator()(const std::vector<Tensor> &inputs) const;

  const std::string &name() const { return name_; }
  /// Seconds spent compiling: the MLIR pipeline, and LLVM's optimisation
  /// and code generation.
  double pipelineSeconds() const { return pipelineSeconds_; }
  double llvmSeconds() const { return llvmSeconds_; }
  double compileSeconds() const { return pipelineSeconds_ + llvmSeconds_; }

private:
  struct Spec {
    std::vector<int64_t> shape;
    ScalarType dtype;
  };

  std::string name_;
  std::vector<Spec> inputs_, outputs_;
  std::vector<Tie> ties_;
  /// Per result: whether it is tied (written into its input, not returned).
  std::vector<bool> tied_;
  std::unique_ptr<mlir::ExecutionEngine> engine_;
  void (*entry_)(void **) = nullptr;
  double pipelineSeconds_ = 0, llvmSeconds_ = 0;
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_JIT_H
