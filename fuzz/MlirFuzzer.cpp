//===- MlirFuzzer.cpp - libFuzzer target: kiln IR through the compiler ----===//
//
// Any text: parsed as a module, verified, then (when it verifies) run
// through kiln-autodiff and the whole CPU pipeline down to the LLVM
// dialect, as kiln-opt and the JIT would. Diagnostics are the expected way
// to refuse input; a crash, a hang or a sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//
#include "codegen/Pipeline.h"
#include "tools/ParseGuard.h"
#include "tools/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstddef>
#include <cstdint>

namespace {

mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    kiln::registerKilnDialects(registry);
    auto *c = new mlir::MLIRContext(registry);
    c->loadAllAvailableDialects();
    c->disableMultithreading();
    // Diagnostics are swallowed; printing their op is MLIR 19 code with
    // crashes of its own (a DenseArrayAttr of i1 with a bad width).
    c->printOpOnDiagnostic(false);
    return c;
  }();
  return *ctx;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  // A crash of MLIR 19's own parser, refused by kiln's tools before parsing
  // (tools/ParseGuard.h).
  if (kiln::tools::findSparseLiteral(text) != llvm::StringRef::npos)
    return 0;
  mlir::MLIRContext &ctx = context();
  // Diagnostics are answers, not failures: swallow them.
  mlir::ScopedDiagnosticHandler quiet(
      &ctx, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.mlir"),
      llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sources, &ctx);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  mlir::PassManager pm(&ctx);
  kiln::codegen::buildKilnCpuPipeline(pm);
  (void)pm.run(*module);
  return 0;
}
