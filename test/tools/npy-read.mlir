// The .npy reader takes format 1.0, 2.0 and 3.0 headers, either quote,
// Fortran order, 0-d and empty arrays, on both backends.
// RUN: kiln-run %s --entry=mat --input=%S/../../fuzz/corpus/npy/f32-2x3.npy | FileCheck %s --check-prefix=MAT
// RUN: kiln-run %s --entry=mat --input=%S/../../fuzz/corpus/npy/f32-2x3-fortran.npy | FileCheck %s --check-prefix=MAT
// RUN: kiln-run %s --entry=mat --backend=jit --input=%S/../../fuzz/corpus/npy/f32-2x3-fortran.npy | FileCheck %s --check-prefix=MAT
// RUN: kiln-run %s --entry=vec --input=%S/../../fuzz/corpus/npy/f64-2-v2.npy | FileCheck %s --check-prefix=V2
// RUN: kiln-run %s --entry=one --input=%S/../../fuzz/corpus/npy/f32-1-v3-dq.npy | FileCheck %s --check-prefix=V3
// RUN: kiln-run %s --entry=scalar --input=%S/../../fuzz/corpus/npy/i64-scalar.npy | FileCheck %s --check-prefix=SCALAR
// RUN: kiln-run %s --entry=mask --input=%S/../../fuzz/corpus/npy/b1-2x2.npy | FileCheck %s --check-prefix=MASK
// RUN: kiln-run %s --entry=none --input=%S/../../fuzz/corpus/npy/f32-empty-0x3.npy | FileCheck %s --check-prefix=NONE
// Results written and read back unchanged, 0-d and 1-d shapes included.
// RUN: rm -rf %t && mkdir -p %t && kiln-run %s --entry=scalar --input=%S/../../fuzz/corpus/npy/i64-scalar.npy --output-dir=%t
// RUN: kiln-run %s --entry=scalar --input=%t/out0.npy | FileCheck %s --check-prefix=SCALAR

// MAT: result 0: tensor({{\[\[}}0., 1., 2.],
// MAT-NEXT:         [3., 4., 5.]])
func.func @mat(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %a : tensor<2x3xf32>
}

// V2: result 0: tensor([1., 2.], dtype=torch.float64)
func.func @vec(%a: tensor<2xf64>) -> tensor<2xf64> {
  return %a : tensor<2xf64>
}

// V3: result 0: tensor([1.])
func.func @one(%a: tensor<1xf32>) -> tensor<1xf32> {
  return %a : tensor<1xf32>
}

// SCALAR: result 0: tensor(-7)
func.func @scalar(%a: tensor<i64>) -> tensor<i64> {
  return %a : tensor<i64>
}

// MASK: result 0: tensor({{\[\[}} True, False],
// MASK-NEXT:         [False,  True]])
func.func @mask(%a: tensor<2x2xi1>) -> tensor<2x2xi1> {
  return %a : tensor<2x2xi1>
}

// NONE: result 0: tensor([], size=(0, 3))
func.func @none(%a: tensor<0x3xf32>) -> tensor<0x3xf32> {
  return %a : tensor<0x3xf32>
}
