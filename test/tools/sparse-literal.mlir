// RUN: not kiln-run %s 2>&1 | FileCheck %s
// MLIR 19's parser crashes on this literal; kiln-run refuses it first.
// CHECK: error: kiln IR has no sparse constants
func.func @constant_not_dense() {
  %0 = kiln.constant sparse<[[0]], [110]> : memref<2xf32>
  return
}
