//===- Jit.h - JIT-compiled kiln functions on the CPU -----------*- C++ -*-===//
#ifndef KILN_CODEGEN_JIT_H
#define KILN_CODEGEN_JIT_H

#include <kiln/kiln.h>

#include "codegen/ObjectCode.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace kiln::codegen {

/// Where compiled objects are kept between processes: keys are
/// nativeCodeKey texts, values object files. Implementations must be safe
/// to call from several threads and never throw on a bad entry (a miss).
class ObjectCache {
public:
  virtual ~ObjectCache() = default;
  virtual std::optional<std::string> load(const std::string &key) = 0;
  virtual void store(const std::string &key, const std::string &object) = 0;
};

/// One function of a kiln-IR module, compiled through emitNativeCode (the
/// CPU pipeline, LLVM -O3 for the host CPU) into an object that is linked
/// into the process. Argument and result shapes are static; results are
/// returned as new contiguous tensors, except tied results, which are
/// written into their input. Calls are thread-compatible (no shared mutable
/// state) and write to no other input.
class JitFunction {
public:
  using Tie = codegen::Tie;

  /// Compiles `name` from `module` (which stays untouched: a copy is
  /// lowered), or takes its object from `cache`. `kiln.backward` markers
  /// are expanded first. Throws kiln::Error with the compiler's diagnostics
  /// on failure.
  JitFunction(mlir::ModuleOp module, const std::string &name,
              const std::vector<Tie> &ties = {}, ObjectCache *cache = nullptr);
  ~JitFunction();
  JitFunction(const JitFunction &) = delete;
  JitFunction &operator=(const JitFunction &) = delete;

  /// Runs the function. Inputs must have the argument shapes and dtypes
  /// (any strides); throws kiln::Error otherwise. A tied result is its input
  /// tensor, updated in place (through a temporary when the input is not
  /// contiguous or shares memory with another input).
  std::vector<Tensor> operator()(const std::vector<Tensor> &inputs) const;

  const std::string &name() const { return name_; }
  /// Seconds spent compiling: the MLIR pipeline, LLVM's optimisation and
  /// code generation, and linking the object into the process.
  double pipelineSeconds() const { return times_.pipelineSeconds; }
  double llvmSeconds() const { return times_.llvmSeconds; }
  double linkSeconds() const { return linkSeconds_; }
  double compileSeconds() const {
    return times_.pipelineSeconds + times_.llvmSeconds + linkSeconds_;
  }
  /// Whether the object came from the cache (nothing was compiled).
  bool fromCache() const { return fromCache_; }

private:
  std::string name_;
  std::vector<TensorSpec> inputs_, outputs_;
  std::vector<Tie> ties_;
  /// Per result: whether it is tied (written into its input, not returned).
  std::vector<bool> tied_;
  /// The memref descriptors of the parameters (the arguments, then the
  /// untied results) with null pointers, and where each begins.
  std::vector<int64_t> descriptors_;
  std::vector<size_t> descriptorOffsets_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  void (*entry_)(void **) = nullptr;
  CompileTimes times_;
  double linkSeconds_ = 0;
  bool fromCache_ = false;
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_JIT_H
