// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// Round trip of every kiln op through the printer and the parser.

// CHECK-LABEL: func @unary
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: kiln.neg %{{.*}} : tensor<4xf32>
  %0 = kiln.neg %x : tensor<4xf32>
  // CHECK: kiln.exp
  %1 = kiln.exp %0 : tensor<4xf32>
  // CHECK: kiln.log
  %2 = kiln.log %1 : tensor<4xf32>
  // CHECK: kiln.sqrt
  %3 = kiln.sqrt %2 : tensor<4xf32>
  // CHECK: kiln.abs
  %4 = kiln.abs %3 : tensor<4xf32>
  // CHECK: kiln.sin
  %5 = kiln.sin %4 : tensor<4xf32>
  // CHECK: kiln.cos
  %6 = kiln.cos %5 : tensor<4xf32>
  // CHECK: kiln.tanh
  %7 = kiln.tanh %6 : tensor<4xf32>
  // CHECK: kiln.erf
  %8 = kiln.erf %7 : tensor<4xf32>
  return %8 : tensor<4xf32>
}

// CHECK-LABEL: func @binary
func.func @binary(%a: tensor<2x3xf64>, %b: tensor<2x3xf64>) -> tensor<2x3xf64> {
  // CHECK: kiln.add %{{.*}}, %{{.*}} : tensor<2x3xf64>
  %0 = kiln.add %a, %b : tensor<2x3xf64>
  // CHECK: kiln.sub
  %1 = kiln.sub %0, %b : tensor<2x3xf64>
  // CHECK: kiln.mul
  %2 = kiln.mul %1, %b : tensor<2x3xf64>
  // CHECK: kiln.div
  %3 = kiln.div %2, %b : tensor<2x3xf64>
  // CHECK: kiln.pow
  %4 = kiln.pow %3, %b : tensor<2x3xf64>
  // CHECK: kiln.max
  %5 = kiln.max %4, %b : tensor<2x3xf64>
  // CHECK: kiln.min
  %6 = kiln.min %5, %b : tensor<2x3xf64>
  // CHECK: kiln.remainder
  %7 = kiln.remainder %6, %b : tensor<2x3xf64>
  return %7 : tensor<2x3xf64>
}

// CHECK-LABEL: func @integers
func.func @integers(%a: tensor<3xi64>) -> tensor<3xi64> {
  // CHECK: kiln.add %{{.*}}, %{{.*}} : tensor<3xi64>
  %0 = kiln.add %a, %a : tensor<3xi64>
  // CHECK: kiln.remainder %{{.*}}, %{{.*}} : tensor<3xi64>
  %1 = kiln.remainder %0, %a : tensor<3xi64>
  return %1 : tensor<3xi64>
}

// CHECK-LABEL: func @select_cast_constant
func.func @select_cast_constant(%x: tensor<4xf32>) -> tensor<4xf64> {
  // CHECK: kiln.constant dense<0.000000e+00> : tensor<4xf32>
  %zero = kiln.constant dense<0.0> : tensor<4xf32>
  // CHECK: kiln.cmp lt, %{{.*}}, %{{.*}} : tensor<4xf32>
  %m = kiln.cmp lt, %x, %zero : tensor<4xf32>
  // CHECK: kiln.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xi1>, tensor<4xf32>
  %s = kiln.select %m, %zero, %x : tensor<4xi1>, tensor<4xf32>
  // CHECK: kiln.cast %{{.*}} : tensor<4xf32> to tensor<4xf64>
  %d = kiln.cast %s : tensor<4xf32> to tensor<4xf64>
  return %d : tensor<4xf64>
}

// CHECK-LABEL: func @comparisons
func.func @comparisons(%a: tensor<2xi64>) -> (tensor<2xi1>, tensor<2xi1>, tensor<2xi1>, tensor<2xi1>, tensor<2xi1>) {
  // CHECK: kiln.cmp eq
  %0 = kiln.cmp eq, %a, %a : tensor<2xi64>
  // CHECK: kiln.cmp ne
  %1 = kiln.cmp ne, %a, %a : tensor<2xi64>
  // CHECK: kiln.cmp le
  %2 = kiln.cmp le, %a, %a : tensor<2xi64>
  // CHECK: kiln.cmp gt
  %3 = kiln.cmp gt, %a, %a : tensor<2xi64>
  // CHECK: kiln.cmp ge
  %4 = kiln.cmp ge, %a, %a : tensor<2xi64>
  return %0, %1, %2, %3, %4 : tensor<2xi1>, tensor<2xi1>, tensor<2xi1>, tensor<2xi1>, tensor<2xi1>
}

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x2xf32> {
  // CHECK: kiln.broadcast %{{.*}} : tensor<3xf32> to tensor<2x3xf32>
  %bb = kiln.broadcast %b : tensor<3xf32> to tensor<2x3xf32>
  // CHECK: kiln.reduce_sum %{{.*}} dims [1] keepdim : tensor<2x3xf32> -> tensor<2x1xf32>
  %s = kiln.reduce_sum %bb dims [1] keepdim : tensor<2x3xf32> -> tensor<2x1xf32>
  // CHECK: kiln.reduce_max %{{.*}} dims [0, 1] : tensor<2x3xf32> -> tensor<f32>
  %m = kiln.reduce_max %x dims [0, 1] : tensor<2x3xf32> -> tensor<f32>
  // CHECK: kiln.reshape %{{.*}} : tensor<2x3xf32> -> tensor<6xf32>
  %r = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  // CHECK: kiln.transpose %{{.*}} [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %t = kiln.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  // CHECK: kiln.slice %{{.*}} starts [0, 1] limits [2, 3] steps [1, 2] : tensor<2x3xf32> -> tensor<2x1xf32>
  %c = kiln.slice %x starts [0, 1] limits [2, 3] steps [1, 2] : tensor<2x3xf32> -> tensor<2x1xf32>
  // CHECK: kiln.pad %{{.*}} low [0, 1] high [0, 1] interior [0, 0] : tensor<2x1xf32> -> tensor<2x3xf32>
  %p = kiln.pad %c low [0, 1] high [0, 1] interior [0, 0] : tensor<2x1xf32> -> tensor<2x3xf32>
  return %t : tensor<3x2xf32>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<5x2x3xf32>, %d: tensor<5x3x4xf32>) -> tensor<5x2x4xf32> {
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %0 = kiln.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : tensor<5x2x3xf32>, tensor<5x3x4xf32> -> tensor<5x2x4xf32>
  %1 = kiln.matmul %c, %d : tensor<5x2x3xf32>, tensor<5x3x4xf32> -> tensor<5x2x4xf32>
  return %1 : tensor<5x2x4xf32>
}

// CHECK-LABEL: func @markers
func.func @markers(%w: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  // CHECK: kiln.detach %{{.*}} : tensor<3xf32>
  %d = kiln.detach %w : tensor<3xf32>
  %l = kiln.reduce_sum %d dims [0] : tensor<3xf32> -> tensor<f32>
  // CHECK: kiln.backward %{{.*}} wrt %{{.*}} : tensor<f32> wrt tensor<3xf32>
  %g = kiln.backward %l wrt %w : tensor<f32> wrt tensor<3xf32>
  // CHECK: kiln.backward %{{.*}} seed %{{.*}} wrt %{{.*}} : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  %g2 = kiln.backward %w seed %v wrt %w : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g, %g2 : tensor<3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func @custom_gradient
// CHECK: %[[Y:.+]]:2 = kiln.custom_gradient "Split"(%{{.*}}, %{{.*}}) wrt(%arg0) : (tensor<3xf32>, tensor<3xf32>) wrt(tensor<3xf32>) {
// CHECK-NEXT: ^bb0(%[[G0:.+]]: tensor<3xf32>, %[[G1:.+]]: tensor<3xf32>):
// CHECK-NEXT: %[[S:.+]] = kiln.add %[[G0]], %[[G1]] : tensor<3xf32>
// CHECK-NEXT: kiln.yield %[[S]] : tensor<3xf32>
// CHECK-NEXT: }
func.func @custom_gradient(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %a = kiln.neg %x : tensor<3xf32>
  %b = kiln.exp %x : tensor<3xf32>
  %y:2 = kiln.custom_gradient "Split" (%a, %b) wrt (%x) : (tensor<3xf32>, tensor<3xf32>) wrt (tensor<3xf32>) {
  ^bb0(%g0: tensor<3xf32>, %g1: tensor<3xf32>):
    %s = kiln.add %g0, %g1 : tensor<3xf32>
    kiln.yield %s : tensor<3xf32>
  }
  return %y#0, %y#1 : tensor<3xf32>, tensor<3xf32>
}
