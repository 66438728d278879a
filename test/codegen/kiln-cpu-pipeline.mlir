// RUN: kiln-opt %s -kiln-autodiff -convert-kiln-to-linalg -linalg-fuse-elementwise-ops | FileCheck %s --check-prefix=FUSED
// RUN: kiln-opt %s -kiln-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: kiln-run %s --entry=chain --backend=jit --compare-with=interp | FileCheck %s --check-prefix=CMP
// RUN: kiln-run %s --entry=step --backend=jit | FileCheck %s --check-prefix=GRAD
// RUN: kiln-run %s --entry=chain --backend=jit --print-compile-time --time-runs=3 2>&1 | FileCheck %s --check-prefix=TIME

// An elementwise chain and the reduction consuming it fuse into a single
// linalg.generic.
// FUSED-LABEL: func @chain
// FUSED: linalg.fill
// FUSED: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<3x4xf32>)
// FUSED: arith.negf
// FUSED: math.exp
// FUSED: arith.mulf
// FUSED: arith.addf
// FUSED-NOT: linalg.generic
// FUSED: return

// The whole pipeline ends in the LLVM dialect, results as out-parameters;
// the kiln.backward marker is expanded on the way.
// LLVM-NOT: kiln.
// LLVM-LABEL: llvm.func @chain(
// LLVM-NOT: linalg.
// LLVM-NOT: memref.
// LLVM: llvm.return
// LLVM-LABEL: llvm.func @step(
// LLVM-NOT: kiln.backward
// LLVM: llvm.return
// CMP: compare: ok (1 results, 1 elements

// TIME: jit: compiled 'chain' in {{[0-9.]+}} ms (MLIR pipeline {{[0-9.]+}} ms, LLVM {{[0-9.]+}} ms)
// TIME: jit: {{[0-9.]+}} ms per run (3 runs)
func.func @chain(%x: tensor<3x4xf32>, %w: tensor<3x4xf32>) -> tensor<f32> {
  %n = kiln.neg %x : tensor<3x4xf32>
  %e = kiln.exp %n : tensor<3x4xf32>
  %m = kiln.mul %e, %w : tensor<3x4xf32>
  %s = kiln.reduce_sum %m dims [0, 1] : tensor<3x4xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// d/dw sum(w * w) = 2 w, with w the constant [1, 2, 3] (kiln-run --backend=jit
// runs kiln-autodiff itself).
// GRAD: result 0: tensor(14.)
// GRAD-NEXT: result 1: tensor([2., 4., 6.])
func.func @step() -> (tensor<f32>, tensor<3xf32>) {
  %w = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %sq = kiln.mul %w, %w : tensor<3xf32>
  %l = kiln.reduce_sum %sq dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %w : tensor<f32> wrt tensor<3xf32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}
