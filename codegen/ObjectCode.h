//===- ObjectCode.h - kiln IR to native code, for the JIT and AOT -*- C++
//-*-===//
//
// The one road from a kiln-IR function to machine code. The JIT loads the
// object it produces into the process; kiln-compile writes it to a file.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_OBJECTCODE_H
#define KILN_CODEGEN_OBJECTCODE_H

#include <kiln/runtime/DType.h>

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace kiln::codegen {

/// The static shape and dtype of an argument or result.
struct TensorSpec {
  std::vector<int64_t> shape;
  ScalarType dtype;
};

/// A result the function writes into one of its arguments (an in-place
/// state update) instead of returning it.
struct Tie {
  unsigned result, argument;
};

/// A function ready for the CPU pipeline: alone in its module, under its
/// native symbol, with its signature.
struct PreparedEntry {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::string symbol;
  std::vector<TensorSpec> inputs, outputs;
  std::vector<Tie> ties;
  /// Per result: written into its argument, not an out-parameter.
  std::vector<bool> tied;
};

/// Copies function `name` of `module` into a module of its own, renamed to
/// `symbol`, with a C interface, read-only arguments except the tied ones.
/// Every argument and result must be a static tensor of f32, f64, i64 or
/// i1. Throws kiln::Error.
PreparedEntry prepareEntry(mlir::ModuleOp module, const std::string &name,
                           const std::string &symbol,
                           const std::vector<Tie> &ties = {});

/// Registers LLVM's native target (once per process).
void initializeNativeTarget();

/// The packed entry point of the native code for `symbol`:
/// `void <symbol>_packed(void **p)`, where p[i] points to a pointer to the
/// memref descriptor of the i-th parameter (the arguments, then one
/// out-parameter per untied result).
std::string packedEntryName(const std::string &symbol);

enum class EmitKind { Object, Assembly, LLVMIR, LoweredMLIR };

/// What to generate code for: "host" (this CPU and its features) or an
/// LLVM CPU name such as "x86-64-v3".
struct TargetOptions {
  std::string cpu = "host";
};

struct CompileTimes {
  double pipelineSeconds = 0, llvmSeconds = 0;
};

/// Lowers a prepared entry (the module is consumed) through the CPU
/// pipeline and LLVM (-O3) and returns the object file's bytes, or the
/// assembly, LLVM IR or LLVM-dialect MLIR as text. Throws kiln::Error with
/// the compiler's diagnostics.
std::string emitNativeCode(PreparedEntry &entry, const TargetOptions &target,
                           EmitKind kind, CompileTimes *times = nullptr);

/// What identifies the code emitNativeCode generates: the prepared IR
/// (without locations), the pipeline, the target CPU and its features, the
/// LLVM version. A cache of objects keys on this (with kiln's own build).
std::string nativeCodeKey(const PreparedEntry &entry,
                          const TargetOptions &target);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_OBJECTCODE_H
