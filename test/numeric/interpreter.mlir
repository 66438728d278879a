// RUN: kiln-run %s --entry=affine | FileCheck %s --check-prefix=AFFINE
// RUN: kiln-run %s --entry=affine --backend=jit | FileCheck %s --check-prefix=AFFINE
// RUN: not kiln-run %s --entry=marker 2>&1 | FileCheck %s --check-prefix=MARKER
// RUN: not kiln-run %s --entry=missing 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: rm -rf %t && mkdir -p %t && kiln-run %s --entry=affine --output-dir=%t
// RUN: kiln-run %s --entry=consume --input=%t/out0.npy --input=%t/out1.npy | FileCheck %s --check-prefix=NPY
// RUN: kiln-run %s --entry=consume --backend=jit --input=%t/out0.npy --input=%t/out1.npy | FileCheck %s --check-prefix=NPY
// RUN: not kiln-run %s --entry=consume --backend=jit --input=%t/out1.npy --input=%t/out0.npy 2>&1 | FileCheck %s --check-prefix=BADINPUT
// RUN: not kiln-run %s --entry=consume --input=%t/out1.npy --input=%t/out0.npy 2>&1 | FileCheck %s --check-prefix=BADINPUT
// kiln-run executes kiln IR on the eager kernels and prints PyTorch's repr.

// 2 * [[1, 2], [3, 4]] + [10, 20] (broadcast over rows), then the column sums.
// AFFINE: result 0: tensor({{\[\[}}12., 24.],
// AFFINE-NEXT:         [16., 28.]])
// AFFINE-NEXT: result 1: tensor([28., 52.])
func.func @affine() -> (tensor<2x2xf32>, tensor<2xf32>) {
  %x = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %two = kiln.constant dense<2.0> : tensor<2x2xf32>
  %b = kiln.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %bb = kiln.broadcast %b : tensor<2xf32> to tensor<2x2xf32>
  %y = kiln.mul %x, %two : tensor<2x2xf32>
  %z = kiln.add %y, %bb : tensor<2x2xf32>
  %s = kiln.reduce_sum %z dims [0] : tensor<2x2xf32> -> tensor<2xf32>
  return %z, %s : tensor<2x2xf32>, tensor<2xf32>
}

// MARKER: error: kiln-run: kiln.backward is a marker; run kiln-opt -kiln-autodiff first
func.func @marker(%w: tensor<3xf32>) -> tensor<3xf32> {
  %l = kiln.reduce_sum %w dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %w : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// MISSING: error: kiln-run: no function named 'missing'

// Results written as .npy files read back as inputs: row sums of the first
// plus the second, [36, 44] + [28, 52].
// NPY: result 0: tensor([64., 96.])
// BADINPUT: error: kiln-run: input 0 has shape [2] and dtype Float, the function expects [2, 2] Float
func.func @consume(%a: tensor<2x2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  %s = kiln.reduce_sum %a dims [1] : tensor<2x2xf32> -> tensor<2xf32>
  %r = kiln.add %s, %b : tensor<2xf32>
  return %r : tensor<2xf32>
}
