// RUN: kiln-opt %s -split-input-file -kiln-matmul-to-blas | FileCheck %s

// A float matmul on buffers calls the runtime; the zero fill before it is
// folded into the call (flags 0: C = A B).
// CHECK: func.func private @kiln_matmul_f32(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, i64) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func @plain
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[A:.+]] = memref.cast %arg0 : memref<4x8xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-DAG: %[[B:.+]] = memref.cast %arg1 : memref<8x3xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-DAG: %[[C:.+]] = memref.cast %arg2 : memref<4x3xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-DAG: %[[F:.+]] = arith.constant 0 : i64
// CHECK: call @kiln_matmul_f32(%[[A]], %[[B]], %[[C]], %[[F]])
// CHECK-NOT: linalg.matmul
func.func @plain(%a: memref<4x8xf32>, %b: memref<8x3xf32>, %c: memref<4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x3xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x3xf32>) outs(%c : memref<4x3xf32>)
  return
}

// -----

// Without a fold-able zero fill the product accumulates (flag 4); a fill
// separated by a read of C stays. Transposed variants set flags 1 and 2.
// CHECK-LABEL: func @flags
// CHECK: linalg.fill
// CHECK: memref.load
// CHECK: %[[F5:.+]] = arith.constant 5 : i64
// CHECK: call @kiln_matmul_f64({{.*}}, %[[F5]])
// CHECK: %[[F6:.+]] = arith.constant 6 : i64
// CHECK: call @kiln_matmul_f64({{.*}}, %[[F6]])
func.func @flags(%a: memref<8x4xf64>, %b: memref<8x3xf64>, %c: memref<4x3xf64>, %e: memref<5x3xf64>, %o: memref<4x5xf64>) -> f64 {
  %zero = arith.constant 0.0 : f64
  %i = arith.constant 0 : index
  linalg.fill ins(%zero : f64) outs(%c : memref<4x3xf64>)
  %v = memref.load %c[%i, %i] : memref<4x3xf64>
  linalg.matmul_transpose_a ins(%a, %b : memref<8x4xf64>, memref<8x3xf64>) outs(%c : memref<4x3xf64>)
  linalg.matmul_transpose_b ins(%c, %e : memref<4x3xf64>, memref<5x3xf64>) outs(%o : memref<4x5xf64>)
  return %v : f64
}

// -----

// Batched matmuls call the batch entry point; integer matmuls stay loops.
// CHECK-LABEL: func @batched
// CHECK: call @kiln_batch_matmul_f32
// CHECK: linalg.matmul ins(%arg3, %arg4 : memref<2x2xi64>, memref<2x2xi64>)
func.func @batched(%a: memref<2x4x5xf32>, %b: memref<2x5x3xf32>, %c: memref<2x4x3xf32>, %i: memref<2x2xi64>, %j: memref<2x2xi64>, %k: memref<2x2xi64>) {
  linalg.batch_matmul ins(%a, %b : memref<2x4x5xf32>, memref<2x5x3xf32>) outs(%c : memref<2x4x3xf32>)
  linalg.matmul ins(%i, %j : memref<2x2xi64>, memref<2x2xi64>) outs(%k : memref<2x2xi64>)
  return
}
