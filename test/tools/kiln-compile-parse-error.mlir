// Parse errors are located in the input.
// RUN: not kiln-compile %s -o %t.o 2>&1 | FileCheck %s
// CHECK: kiln-compile-parse-error.mlir:[[@LINE+2]]:{{[0-9]+}}: error:
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.mul %x : tensor<3xf32>
  return %y : tensor<3xf32>
}
