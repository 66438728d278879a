//===- Registration.cpp - The one place tools register kiln ---------------===//
//
// The only file that includes MLIR's InitAll headers (they are slow to
// compile).
//
//===----------------------------------------------------------------------===//
#include "tools/Registration.h"

#include "codegen/Passes.h"
#include "codegen/Pipeline.h"
#include "ir/KilnDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

namespace kiln {

void registerKilnDialects(mlir::DialectRegistry &registry) {
  registry.insert<ir::KilnDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect>();
}

void registerAllDialectsAndKiln(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerKilnDialects(registry);
}

void registerAllPassesAndKiln() {
  mlir::registerAllPasses();
  passes::registerKilnPasses();
  codegen::registerKilnCodegenPasses();
  codegen::registerKilnCpuPipeline();
}

} // namespace kiln
