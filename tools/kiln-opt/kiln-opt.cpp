//===- kiln-opt.cpp - mlir-opt for kiln -----------------------------------===//
#include "tools/Registration.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  kiln::registerAllDialectsAndKiln(registry);
  kiln::registerAllPassesAndKiln();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "kiln optimizer driver\n", registry));
}
