// RUN: kiln-opt %s -kiln-autodiff -canonicalize -cse -split-input-file | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff -split-input-file | FileCheck %s --check-prefix=RAW
// The gradient IR of every differentiable op (after clean-up), fan-out
// accumulation, detach, seeds and unused inputs.
// RAW-NOT: kiln.backward

// CHECK-LABEL: func @mul(
// CHECK-NEXT: return %arg1, %arg0 : tensor<3xf32>, tensor<3xf32>
func.func @mul(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %p = kiln.mul %x, %y : tensor<3xf32>
  %l = kiln.reduce_sum %p dims [0] : tensor<3xf32> -> tensor<f32>
  %gx, %gy = kiln.backward %l wrt %x, %y : tensor<f32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @fanout(
// CHECK-NEXT: %[[V0:.+]] = kiln.exp %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.mul %arg0, %[[V0]] : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.add %[[V0]], %[[V1]] : tensor<3xf32>
// CHECK-NEXT: return %[[V2]] : tensor<3xf32>
func.func @fanout(%x: tensor<3xf32>) -> tensor<3xf32> {
  %e = kiln.exp %x : tensor<3xf32>
  %p = kiln.mul %e, %x : tensor<3xf32>
  %l = kiln.reduce_sum %p dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @broadcast(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.reduce_sum %[[V0]] dims [0] : tensor<2x3xf32> -> tensor<3xf32>
// CHECK-NEXT: return %[[V1]] : tensor<3xf32>
func.func @broadcast(%b: tensor<3xf32>) -> tensor<3xf32> {
  %bb = kiln.broadcast %b : tensor<3xf32> to tensor<2x3xf32>
  %l = kiln.reduce_sum %bb dims [0, 1] : tensor<2x3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %b : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @detach(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.detach %arg0 : tensor<3xf32>
// CHECK-NEXT: return %[[V1]], %[[V0]] : tensor<3xf32>, tensor<3xf32>
func.func @detach(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %d = kiln.detach %x : tensor<3xf32>
  %p = kiln.mul %d, %x : tensor<3xf32>
  %l = kiln.reduce_sum %p dims [0] : tensor<3xf32> -> tensor<f32>
  %gx, %gy = kiln.backward %l wrt %x, %y : tensor<f32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @seed(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.tanh %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.mul %[[V1]], %[[V1]] : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.sub %[[V0]], %[[V2]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.mul %arg1, %[[V3]] : tensor<3xf32>
// CHECK-NEXT: return %[[V4]] : tensor<3xf32>
func.func @seed(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %e = kiln.tanh %x : tensor<3xf32>
  %g = kiln.backward %e seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @matmul(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<2x4xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.transpose %arg1 [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.matmul %[[V0]], %[[V1]] : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.transpose %arg0 [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.matmul %[[V3]], %[[V0]] : tensor<3x2xf32>, tensor<2x4xf32> -> tensor<3x4xf32>
// CHECK-NEXT: return %[[V2]], %[[V4]] : tensor<2x3xf32>, tensor<3x4xf32>
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> (tensor<2x3xf32>, tensor<3x4xf32>) {
  %p = kiln.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %l = kiln.reduce_sum %p dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
  %ga, %gb = kiln.backward %l wrt %a, %b : tensor<f32> wrt tensor<2x3xf32>, tensor<3x4xf32>
  return %ga, %gb : tensor<2x3xf32>, tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func @slice(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.pad %[[V0]] low [1] high [1] interior [1] : tensor<2xf32> -> tensor<5xf32>
// CHECK-NEXT: return %[[V1]] : tensor<5xf32>
func.func @slice(%x: tensor<5xf32>) -> tensor<5xf32> {
  %s = kiln.slice %x starts [1] limits [5] steps [2] : tensor<5xf32> -> tensor<2xf32>
  %l = kiln.reduce_sum %s dims [0] : tensor<2xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<5xf32>
  return %g : tensor<5xf32>
}

// -----

// CHECK-LABEL: func @neg(
// CHECK-NEXT: %[[V0:.+]] = kiln.neg %arg1 : tensor<3xf32>
// CHECK-NEXT: return %[[V0]] : tensor<3xf32>
func.func @neg(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.neg %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @exp(
// CHECK-NEXT: %[[V0:.+]] = kiln.exp %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.mul %arg1, %[[V0]] : tensor<3xf32>
// CHECK-NEXT: return %[[V1]] : tensor<3xf32>
func.func @exp(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.exp %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @log(
// CHECK-NEXT: %[[V0:.+]] = kiln.div %arg1, %arg0 : tensor<3xf32>
// CHECK-NEXT: return %[[V0]] : tensor<3xf32>
func.func @log(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.log %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @sqrt(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<2.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.sqrt %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.mul %[[V1]], %[[V0]] : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.div %arg1, %[[V2]] : tensor<3xf32>
// CHECK-NEXT: return %[[V3]] : tensor<3xf32>
func.func @sqrt(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.sqrt %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @abs(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<-1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.cmp gt, %arg0, %[[V2]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.cmp lt, %arg0, %[[V2]] : tensor<3xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.select %[[V4]], %[[V0]], %[[V2]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V6:.+]] = kiln.select %[[V3]], %[[V1]], %[[V5]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V7:.+]] = kiln.mul %arg1, %[[V6]] : tensor<3xf32>
// CHECK-NEXT: return %[[V7]] : tensor<3xf32>
func.func @abs(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.abs %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @sin(
// CHECK-NEXT: %[[V0:.+]] = kiln.cos %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.mul %arg1, %[[V0]] : tensor<3xf32>
// CHECK-NEXT: return %[[V1]] : tensor<3xf32>
func.func @sin(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.sin %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @cos(
// CHECK-NEXT: %[[V0:.+]] = kiln.neg %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.sin %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.mul %[[V0]], %[[V1]] : tensor<3xf32>
// CHECK-NEXT: return %[[V2]] : tensor<3xf32>
func.func @cos(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.cos %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @tanh(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.tanh %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.mul %[[V1]], %[[V1]] : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.sub %[[V0]], %[[V2]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.mul %arg1, %[[V3]] : tensor<3xf32>
// CHECK-NEXT: return %[[V4]] : tensor<3xf32>
func.func @tanh(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.tanh %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// 2 / sqrt(pi) * e^(-x^2) * g.
// CHECK-LABEL: func @erf(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.12837923> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.mul %arg0, %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.neg %[[V1]] : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.exp %[[V2]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.mul %[[V0]], %[[V3]] : tensor<3xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.mul %[[V4]], %arg1 : tensor<3xf32>
// CHECK-NEXT: return %[[V5]] : tensor<3xf32>
func.func @erf(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.erf %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @add(
// CHECK-NEXT: return %arg2, %arg2 : tensor<3xf32>, tensor<3xf32>
func.func @add(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.add %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @sub(
// CHECK-NEXT: %[[V0:.+]] = kiln.neg %arg2 : tensor<3xf32>
// CHECK-NEXT: return %arg2, %[[V0]] : tensor<3xf32>, tensor<3xf32>
func.func @sub(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.sub %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @div(
// CHECK-NEXT: %[[V0:.+]] = kiln.div %arg2, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.neg %arg2 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.div %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.div %[[V2]], %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.mul %[[V1]], %[[V3]] : tensor<3xf32>
// CHECK-NEXT: return %[[V0]], %[[V4]] : tensor<3xf32>, tensor<3xf32>
func.func @div(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.div %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// g and -g * floor(x / y), floor(q) being q - remainder(q, 1) (or q where
// that is NaN: q = +-inf, NaN).
// CHECK-LABEL: func @remainder(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.neg %arg2 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.div %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.remainder %[[V2]], %[[V0]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.sub %[[V2]], %[[V3]] : tensor<3xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.cmp eq, %[[V4]], %[[V4]] : tensor<3xf32>
// CHECK-NEXT: %[[V6:.+]] = kiln.select %[[V5]], %[[V4]], %[[V2]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V7:.+]] = kiln.mul %[[V1]], %[[V6]] : tensor<3xf32>
// CHECK-NEXT: return %arg2, %[[V7]] : tensor<3xf32>, tensor<3xf32>
func.func @remainder(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.remainder %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @pow(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.cmp eq, %arg1, %[[V1]] : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.sub %arg1, %[[V0]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.pow %arg0, %[[V3]] : tensor<3xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.mul %arg1, %[[V4]] : tensor<3xf32>
// CHECK-NEXT: %[[V6:.+]] = kiln.mul %arg2, %[[V5]] : tensor<3xf32>
// CHECK-NEXT: %[[V7:.+]] = kiln.select %[[V2]], %[[V1]], %[[V6]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V8:.+]] = kiln.pow %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V9:.+]] = kiln.log %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V10:.+]] = kiln.mul %[[V8]], %[[V9]] : tensor<3xf32>
// CHECK-NEXT: %[[V11:.+]] = kiln.cmp ge, %arg1, %[[V1]] : tensor<3xf32>
// CHECK-NEXT: %[[V12:.+]] = kiln.cmp eq, %arg0, %[[V1]] : tensor<3xf32>
// CHECK-NEXT: %[[V13:.+]] = kiln.select %[[V12]], %[[V1]], %[[V10]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V14:.+]] = kiln.select %[[V11]], %[[V13]], %[[V10]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V15:.+]] = kiln.mul %arg2, %[[V14]] : tensor<3xf32>
// CHECK-NEXT: return %[[V7]], %[[V15]] : tensor<3xf32>, tensor<3xf32>
func.func @pow(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.pow %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @max(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<5.000000e-01> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.cmp eq, %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.mul %arg2, %[[V0]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.select %[[V2]], %[[V3]], %arg2 : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.cmp lt, %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V6:.+]] = kiln.cmp gt, %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V7:.+]] = kiln.select %[[V5]], %[[V1]], %[[V4]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V8:.+]] = kiln.select %[[V6]], %[[V1]], %[[V4]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: return %[[V7]], %[[V8]] : tensor<3xf32>, tensor<3xf32>
func.func @max(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.max %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @min(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<5.000000e-01> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.cmp eq, %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.mul %arg2, %[[V0]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.select %[[V2]], %[[V3]], %arg2 : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.cmp gt, %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V6:.+]] = kiln.cmp lt, %arg0, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[V7:.+]] = kiln.select %[[V5]], %[[V1]], %[[V4]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V8:.+]] = kiln.select %[[V6]], %[[V1]], %[[V4]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: return %[[V7]], %[[V8]] : tensor<3xf32>, tensor<3xf32>
func.func @min(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.min %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @reduce_max(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.reduce_max %arg0 dims [1] : tensor<2x3xf32> -> tensor<2xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.reshape %[[V3]] : tensor<2xf32> -> tensor<2x1xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.broadcast %[[V4]] : tensor<2x1xf32> to tensor<2x3xf32>
// CHECK-NEXT: %[[V6:.+]] = kiln.cmp ne, %[[V5]], %[[V5]] : tensor<2x3xf32>
// CHECK-NEXT: %[[V7:.+]] = kiln.cmp ne, %arg0, %arg0 : tensor<2x3xf32>
// CHECK-NEXT: %[[V8:.+]] = kiln.cmp eq, %arg0, %[[V5]] : tensor<2x3xf32>
// CHECK-NEXT: %[[V9:.+]] = kiln.select %[[V6]], %[[V7]], %[[V8]] : tensor<2x3xi1>, tensor<2x3xi1>
// CHECK-NEXT: %[[V10:.+]] = kiln.select %[[V9]], %[[V1]], %[[V2]] : tensor<2x3xi1>, tensor<2x3xf32>
// CHECK-NEXT: %[[V11:.+]] = kiln.reduce_sum %[[V10]] dims [1] : tensor<2x3xf32> -> tensor<2xf32>
// CHECK-NEXT: %[[V12:.+]] = kiln.div %[[V0]], %[[V11]] : tensor<2xf32>
// CHECK-NEXT: %[[V13:.+]] = kiln.reshape %[[V12]] : tensor<2xf32> -> tensor<2x1xf32>
// CHECK-NEXT: %[[V14:.+]] = kiln.broadcast %[[V13]] : tensor<2x1xf32> to tensor<2x3xf32>
// CHECK-NEXT: %[[V15:.+]] = kiln.select %[[V9]], %[[V14]], %[[V2]] : tensor<2x3xi1>, tensor<2x3xf32>
// CHECK-NEXT: return %[[V15]] : tensor<2x3xf32>
func.func @reduce_max(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = kiln.reduce_max %x dims [1] : tensor<2x3xf32> -> tensor<2xf32>
  %l = kiln.reduce_sum %m dims [0] : tensor<2xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<2x3xf32>
  return %g : tensor<2x3xf32>
}

// -----

// Under `first` only the first minimum along the dim takes the gradient:
// ranks n - i of the hits, and the hit whose rank is the largest.
// CHECK-LABEL: func @reduce_min_first(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.constant dense<0> : tensor<2x3xi64>
// CHECK-NEXT: %[[V2:.+]] = kiln.constant dense<[3, 2, 1]> : tensor<3xi64>
// CHECK-NEXT: %[[V3:.+]] = kiln.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.reduce_min %arg0 dims [1] first : tensor<2x3xf32> -> tensor<2xf32>
// CHECK-NEXT: %[[V5:.+]] = kiln.reshape %[[V4]] : tensor<2xf32> -> tensor<2x1xf32>
// CHECK-NEXT: %[[V6:.+]] = kiln.broadcast %[[V5]] : tensor<2x1xf32> to tensor<2x3xf32>
// CHECK-NEXT: %[[V7:.+]] = kiln.cmp ne, %[[V6]], %[[V6]] : tensor<2x3xf32>
// CHECK-NEXT: %[[V8:.+]] = kiln.cmp ne, %arg0, %arg0 : tensor<2x3xf32>
// CHECK-NEXT: %[[V9:.+]] = kiln.cmp eq, %arg0, %[[V6]] : tensor<2x3xf32>
// CHECK-NEXT: %[[V10:.+]] = kiln.select %[[V7]], %[[V8]], %[[V9]] : tensor<2x3xi1>, tensor<2x3xi1>
// CHECK-NEXT: %[[V11:.+]] = kiln.reshape %[[V2]] : tensor<3xi64> -> tensor<1x3xi64>
// CHECK-NEXT: %[[V12:.+]] = kiln.broadcast %[[V11]] : tensor<1x3xi64> to tensor<2x3xi64>
// CHECK-NEXT: %[[V13:.+]] = kiln.select %[[V10]], %[[V12]], %[[V1]] : tensor<2x3xi1>, tensor<2x3xi64>
// CHECK-NEXT: %[[V14:.+]] = kiln.reduce_max %[[V13]] dims [1] : tensor<2x3xi64> -> tensor<2xi64>
// CHECK-NEXT: %[[V15:.+]] = kiln.reshape %[[V14]] : tensor<2xi64> -> tensor<2x1xi64>
// CHECK-NEXT: %[[V16:.+]] = kiln.broadcast %[[V15]] : tensor<2x1xi64> to tensor<2x3xi64>
// CHECK-NEXT: %[[V17:.+]] = kiln.cmp eq, %[[V13]], %[[V16]] : tensor<2x3xi64>
// CHECK-NEXT: %[[V18:.+]] = kiln.select %[[V17]], %[[V0]], %[[V3]] : tensor<2x3xi1>, tensor<2x3xf32>
// CHECK-NEXT: return %[[V18]] : tensor<2x3xf32>
func.func @reduce_min_first(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = kiln.reduce_min %x dims [1] first : tensor<2x3xf32> -> tensor<2xf32>
  %l = kiln.reduce_sum %m dims [0] : tensor<2xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<2x3xf32>
  return %g : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @sigmoid(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.sigmoid %arg0 : tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.sub %[[V0]], %[[V1]] : tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.mul %arg1, %[[V2]] : tensor<3xf32>
// CHECK-NEXT: %[[V4:.+]] = kiln.mul %[[V3]], %[[V1]] : tensor<3xf32>
// CHECK-NEXT: return %[[V4]] : tensor<3xf32>
func.func @sigmoid(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.sigmoid %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @select_cast(
// CHECK-NEXT: %[[V0:.+]] = kiln.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.cast %arg3 : tensor<3xf64> to tensor<3xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.select %arg0, %[[V1]], %[[V0]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.select %arg0, %[[V0]], %[[V1]] : tensor<3xi1>, tensor<3xf32>
// CHECK-NEXT: return %[[V2]], %[[V3]] : tensor<3xf32>, tensor<3xf32>
func.func @select_cast(%c: tensor<3xi1>, %x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf64>) -> (tensor<3xf32>, tensor<3xf32>) {
  %s = kiln.select %c, %x, %y : tensor<3xi1>, tensor<3xf32>
  %d = kiln.cast %s : tensor<3xf32> to tensor<3xf64>
  %gx, %gy = kiln.backward %d seed %v wrt %x, %y : tensor<3xf64> seed tensor<3xf64> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @reshape_transpose_pad(
// CHECK-NEXT: %[[V0:.+]] = kiln.reshape %arg1 : tensor<4x2xf32> -> tensor<8xf32>
// CHECK-NEXT: %[[V1:.+]] = kiln.slice %[[V0]] starts [1] limits [7] steps [1] : tensor<8xf32> -> tensor<6xf32>
// CHECK-NEXT: %[[V2:.+]] = kiln.reshape %[[V1]] : tensor<6xf32> -> tensor<3x2xf32>
// CHECK-NEXT: %[[V3:.+]] = kiln.transpose %[[V2]] [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return %[[V3]] : tensor<2x3xf32>
func.func @reshape_transpose_pad(%x: tensor<2x3xf32>, %v: tensor<4x2xf32>) -> tensor<2x3xf32> {
  %t = kiln.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %r = kiln.reshape %t : tensor<3x2xf32> -> tensor<6xf32>
  %p = kiln.pad %r low [1] high [1] interior [0] : tensor<6xf32> -> tensor<8xf32>
  %q = kiln.reshape %p : tensor<8xf32> -> tensor<4x2xf32>
  %g = kiln.backward %q seed %v wrt %x : tensor<4x2xf32> seed tensor<4x2xf32> wrt tensor<2x3xf32>
  return %g : tensor<2x3xf32>
}


// -----

// A custom_gradient's region is the gradient: inlined with the result's
// gradient (here ones), the forward ops are not differentiated, and the op
// becomes its forward value.
// CHECK-LABEL: func @custom_gradient
// CHECK-DAG: %[[THREE:.+]] = kiln.constant dense<3.000000e+00> : tensor<3xf32>
// CHECK-DAG: %[[S:.+]] = kiln.abs
// CHECK: %[[L:.+]] = kiln.reduce_sum %[[S]]
// CHECK-NOT: kiln.custom_gradient
// CHECK: return %[[L]], %[[THREE]]
// RAW-LABEL: func @custom_gradient
// RAW-NOT: kiln.custom_gradient
func.func @custom_gradient(%x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %s = kiln.abs %x : tensor<3xf32>
  %y = kiln.custom_gradient "StraightThrough" (%s) wrt (%x) : (tensor<3xf32>) wrt (tensor<3xf32>) {
  ^bb0(%g: tensor<3xf32>):
    %three = kiln.constant dense<3.0> : tensor<3xf32>
    %gx = kiln.mul %g, %three : tensor<3xf32>
    kiln.yield %gx : tensor<3xf32>
  }
  %l = kiln.reduce_sum %y dims [0] : tensor<3xf32> -> tensor<f32>
  %gx = kiln.backward %l wrt %x : tensor<f32> wrt tensor<3xf32>
  return %l, %gx : tensor<f32>, tensor<3xf32>
}
