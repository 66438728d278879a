// RUN: kiln-opt %s -canonicalize -split-input-file | FileCheck %s
// Folds of kiln ops; the algebra of each rule is the comment above it.

// neg(neg(x)) -> x
// CHECK-LABEL: func @neg_neg
// CHECK-NEXT: return %arg0
func.func @neg_neg(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.neg %x : tensor<4xf32>
  %1 = kiln.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// add(x, -0.0) -> x; add(-0.0, x) -> x; add(i, 0) -> i for integers
// CHECK-LABEL: func @add_zero
// CHECK-NEXT: return %arg0, %arg0, %arg1
func.func @add_zero(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi64>) {
  %z = kiln.constant dense<-0.0> : tensor<4xf32>
  %0 = kiln.add %x, %z : tensor<4xf32>
  %1 = kiln.add %z, %x : tensor<4xf32>
  %c = kiln.constant dense<0> : tensor<4xi64>
  %2 = kiln.add %i, %c : tensor<4xi64>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xi64>
}

// -----

// add(x, +0.0) stays: x = -0.0 gives +0.0
// CHECK-LABEL: func @add_positive_zero
// CHECK: kiln.add
func.func @add_positive_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %0 = kiln.add %x, %z : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// sub(x, +0.0) -> x (also for x = -0.0); sub(x, -0.0) stays
// CHECK-LABEL: func @sub_zero
// CHECK: %[[S:.+]] = kiln.sub %arg0, %{{.+}}
// CHECK-NEXT: return %arg0, %[[S]]
func.func @sub_zero(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %0 = kiln.sub %x, %z : tensor<4xf32>
  %n = kiln.constant dense<-0.0> : tensor<4xf32>
  %1 = kiln.sub %x, %n : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// mul(x, 1) -> x; mul(1, x) -> x
// CHECK-LABEL: func @mul_one
// CHECK-NEXT: return %arg0, %arg0
func.func @mul_one(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %o = kiln.constant dense<1.0> : tensor<4xf32>
  %0 = kiln.mul %x, %o : tensor<4xf32>
  %1 = kiln.mul %o, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// div(x, 1) -> x; pow(x, 1) -> x
// CHECK-LABEL: func @div_pow_one
// CHECK-NEXT: return %arg0, %arg0
func.func @div_pow_one(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %o = kiln.constant dense<1.0> : tensor<4xf32>
  %0 = kiln.div %x, %o : tensor<4xf32>
  %1 = kiln.pow %x, %o : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// max(x, x) -> x; min(x, x) -> x
// CHECK-LABEL: func @max_min_self
// CHECK-NEXT: return %arg0, %arg0
func.func @max_min_self(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.max %x, %x : tensor<4xf32>
  %1 = kiln.min %x, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// op(splat a, splat b) -> splat (a op b): 2 + 3 = 5, 2 * 3 = 6, 2 - 3 = -1,
// 3 / 2 = 1.5, max(2, 3) = 3, min(2, 3) = 2
// CHECK-LABEL: func @splat_arithmetic
// CHECK-DAG: kiln.constant dense<5.000000e+00>
// CHECK-DAG: kiln.constant dense<6.000000e+00>
// CHECK-DAG: kiln.constant dense<-1.000000e+00>
// CHECK-DAG: kiln.constant dense<1.500000e+00>
// CHECK-DAG: kiln.constant dense<3.000000e+00>
// CHECK-DAG: kiln.constant dense<2.000000e+00>
// CHECK-NOT: kiln.add
// CHECK-NOT: kiln.mul
func.func @splat_arithmetic() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = kiln.constant dense<2.0> : tensor<2xf32>
  %b = kiln.constant dense<3.0> : tensor<2xf32>
  %0 = kiln.add %a, %b : tensor<2xf32>
  %1 = kiln.mul %a, %b : tensor<2xf32>
  %2 = kiln.sub %a, %b : tensor<2xf32>
  %3 = kiln.div %b, %a : tensor<2xf32>
  %4 = kiln.max %a, %b : tensor<2xf32>
  %5 = kiln.min %a, %b : tensor<2xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// cast(x : T to T) -> x; broadcast(x : T to T) -> x; reshape(x : T -> T) -> x
// CHECK-LABEL: func @identities
// CHECK-NEXT: return %arg0, %arg0, %arg0
func.func @identities(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.cast %x : tensor<4xf32> to tensor<4xf32>
  %1 = kiln.broadcast %x : tensor<4xf32> to tensor<4xf32>
  %2 = kiln.reshape %x : tensor<4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// broadcast(splat c) -> splat c; reshape(splat c) -> splat c
// CHECK-LABEL: func @splat_shapes
// CHECK-DAG: kiln.constant dense<7.000000e+00> : tensor<3x2xf32>
// CHECK-DAG: kiln.constant dense<7.000000e+00> : tensor<6xf32>
// CHECK-NOT: kiln.broadcast
// CHECK-NOT: kiln.reshape
func.func @splat_shapes() -> (tensor<3x2xf32>, tensor<6xf32>) {
  %c = kiln.constant dense<7.0> : tensor<2xf32>
  %0 = kiln.broadcast %c : tensor<2xf32> to tensor<3x2xf32>
  %1 = kiln.reshape %0 : tensor<3x2xf32> -> tensor<6xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<6xf32>
}

// -----

// reshape(reshape(x)) -> reshape(x)
// CHECK-LABEL: func @reshape_reshape
// CHECK-NEXT: %[[R:.+]] = kiln.reshape %arg0 : tensor<6xf32> -> tensor<3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_reshape(%x: tensor<6xf32>) -> tensor<3x2xf32> {
  %0 = kiln.reshape %x : tensor<6xf32> -> tensor<2x3xf32>
  %1 = kiln.reshape %0 : tensor<2x3xf32> -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// transpose(x, [0, 1]) -> x; transpose(transpose(x, p), inverse(p)) -> x
// CHECK-LABEL: func @transposes
// CHECK-NEXT: return %arg0, %arg0
func.func @transposes(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kiln.transpose %x [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = kiln.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %2 = kiln.transpose %1 [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %0, %2 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// reduce_sum(x) over no dims -> x; detach(detach(x)) -> detach(x)
// CHECK-LABEL: func @reduce_none_detach
// CHECK-NEXT: %[[D:.+]] = kiln.detach %arg0
// CHECK-NEXT: return %arg0, %[[D]]
func.func @reduce_none_detach(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.reduce_sum %x dims [] : tensor<4xf32> -> tensor<4xf32>
  %1 = kiln.detach %x : tensor<4xf32>
  %2 = kiln.detach %1 : tensor<4xf32>
  return %0, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// max/min(splat a, splat b) propagate NaN and order -0.0 < +0.0 (IEEE
// 754-2019, as arith.maximumf/minimumf): max(nan, 1) = nan,
// min(1, nan) = nan, max(-0.0, 0.0) = 0.0, min(0.0, -0.0) = -0.0
// CHECK-LABEL: func @splat_max_min_special
// CHECK-DAG: %[[NAN:.+]] = kiln.constant dense<0x7FC00000> : tensor<2xf32>
// CHECK-DAG: %[[PZ:.+]] = kiln.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[NZ:.+]] = kiln.constant dense<-0.000000e+00> : tensor<2xf32>
// CHECK: return %[[NAN]], %[[NAN]], %[[PZ]], %[[NZ]]
func.func @splat_max_min_special() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %nan = kiln.constant dense<0x7FC00000> : tensor<2xf32>
  %one = kiln.constant dense<1.0> : tensor<2xf32>
  %pz = kiln.constant dense<0.0> : tensor<2xf32>
  %nz = kiln.constant dense<-0.0> : tensor<2xf32>
  %0 = kiln.max %nan, %one : tensor<2xf32>
  %1 = kiln.min %one, %nan : tensor<2xf32>
  %2 = kiln.max %nz, %pz : tensor<2xf32>
  %3 = kiln.min %pz, %nz : tensor<2xf32>
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// int64 splats fold in int64 (wrapping), not through double:
// 2^53 + 1 + 1 = 9007199254740994, (2^53 + 1) * 3 = 27021597764222979,
// (2^62) * 4 wraps to 0, max(2^53 + 1, 2^53) = 9007199254740993,
// broadcast keeps 2^53 + 1
// CHECK-LABEL: func @splat_int64
// CHECK-DAG: %[[A:.+]] = kiln.constant dense<9007199254740994> : tensor<2xi64>
// CHECK-DAG: %[[M:.+]] = kiln.constant dense<27021597764222979> : tensor<2xi64>
// CHECK-DAG: %[[W:.+]] = kiln.constant dense<0> : tensor<2xi64>
// CHECK-DAG: %[[X:.+]] = kiln.constant dense<9007199254740993> : tensor<2xi64>
// CHECK-DAG: %[[B:.+]] = kiln.constant dense<9007199254740993> : tensor<3x2xi64>
// CHECK: return %[[A]], %[[M]], %[[W]], %[[X]], %[[B]]
func.func @splat_int64() -> (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<3x2xi64>) {
  %big = kiln.constant dense<9007199254740993> : tensor<2xi64>
  %p53 = kiln.constant dense<9007199254740992> : tensor<2xi64>
  %one = kiln.constant dense<1> : tensor<2xi64>
  %three = kiln.constant dense<3> : tensor<2xi64>
  %four = kiln.constant dense<4> : tensor<2xi64>
  %p62 = kiln.constant dense<4611686018427387904> : tensor<2xi64>
  %0 = kiln.add %big, %one : tensor<2xi64>
  %1 = kiln.mul %big, %three : tensor<2xi64>
  %2 = kiln.mul %p62, %four : tensor<2xi64>
  %3 = kiln.max %big, %p53 : tensor<2xi64>
  %4 = kiln.broadcast %big : tensor<2xi64> to tensor<3x2xi64>
  return %0, %1, %2, %3, %4 : tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<3x2xi64>
}

// -----

// op(splat) -> splat with the eager kernels' scalar semantics
// (kiln/ops/ScalarMath.h): exp(0) = 1, sigmoid(0) = 0.5, sqrt(-1) = -NaN (x86),
// pow(2, 10) = 1024, integer x / 0 = 0 (eager's rule)
// CHECK-LABEL: func @splat_table_folds
// CHECK-DAG: kiln.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-DAG: kiln.constant dense<5.000000e-01> : tensor<2xf32>
// CHECK-DAG: kiln.constant dense<0xFFC00000> : tensor<2xf32>
// CHECK-DAG: kiln.constant dense<1.024000e+03> : tensor<2xf64>
// CHECK-DAG: kiln.constant dense<0> : tensor<2xi64>
// CHECK-NOT: kiln.exp
// CHECK-NOT: kiln.sigmoid
// CHECK-NOT: kiln.pow
func.func @splat_table_folds() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf64>, tensor<2xi64>) {
  %zero = kiln.constant dense<0.0> : tensor<2xf32>
  %m1 = kiln.constant dense<-1.0> : tensor<2xf32>
  %two = kiln.constant dense<2.0> : tensor<2xf64>
  %ten = kiln.constant dense<10.0> : tensor<2xf64>
  %seven = kiln.constant dense<7> : tensor<2xi64>
  %izero = kiln.constant dense<0> : tensor<2xi64>
  %0 = kiln.exp %zero : tensor<2xf32>
  %1 = kiln.sigmoid %zero : tensor<2xf32>
  %2 = kiln.sqrt %m1 : tensor<2xf32>
  %3 = kiln.pow %two, %ten : tensor<2xf64>
  %4 = kiln.div %seven, %izero : tensor<2xi64>
  return %0, %1, %2, %3, %4 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf64>, tensor<2xi64>
}
