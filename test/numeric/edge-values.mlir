// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=extrema | FileCheck %s --check-prefix=EXTREMA
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=extrema --backend=jit | FileCheck %s --check-prefix=EXTREMA
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=casts | FileCheck %s --check-prefix=CASTS
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=casts --backend=jit | FileCheck %s --check-prefix=CASTS
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sigmoid_grad | FileCheck %s --check-prefix=SIGMOID
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sigmoid_grad --backend=jit | FileCheck %s --check-prefix=SIGMOID
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=first_grad | FileCheck %s --check-prefix=FIRST
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=first_grad --backend=jit | FileCheck %s --check-prefix=FIRST
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=int_pow | FileCheck %s --check-prefix=POW
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=int_pow --backend=jit | FileCheck %s --check-prefix=POW
// RUN: kiln-run %s --entry=int_div | FileCheck %s --check-prefix=IDIV
// RUN: kiln-run %s --entry=int_div --backend=jit | FileCheck %s --check-prefix=IDIV
// RUN: kiln-run %s --entry=int_remainder | FileCheck %s --check-prefix=IREM
// RUN: kiln-run %s --entry=int_remainder --backend=jit | FileCheck %s --check-prefix=IREM
// RUN: kiln-run %s --entry=float_remainder | FileCheck %s --check-prefix=FREM
// RUN: kiln-run %s --entry=float_remainder --backend=jit | FileCheck %s --check-prefix=FREM
// The interpreter (the eager kernels) and the JIT agree at special values:
// NaN, +-inf, +-0.0 (printed as -0.), ties and out-of-range casts.

// max/min propagate NaN and order -0.0 < +0.0; reduce_max picks +0.0 over
// -0.0; under `first` the first extremum along the dim (its -0.0, the
// first NaN).
// EXTREMA: result 0: tensor([nan, 0., -0., nan])
// EXTREMA-NEXT: result 1: tensor([0., nan])
// EXTREMA-NEXT: result 2: tensor([-0., nan])
// EXTREMA-NEXT: result 3: tensor([-0., nan])
func.func @extrema() -> (tensor<4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = kiln.constant dense<[0x7FC00000, -0.0, -0.0, 1.0]> : tensor<4xf32>
  %b = kiln.constant dense<[1.0, 0.0, 0.0, 0x7FC00000]> : tensor<4xf32>
  %max = kiln.max %a, %b : tensor<4xf32>
  %min = kiln.min %a, %b : tensor<4xf32>
  %sel = kiln.constant dense<[false, true, false, true]> : tensor<4xi1>
  %mixed = kiln.select %sel, %max, %min : tensor<4xi1>, tensor<4xf32>
  %x = kiln.constant dense<[[-0.0, 0.0, -0.0], [1.0, 0x7FC00000, 0x7FC00000]]> : tensor<2x3xf32>
  %m = kiln.reduce_max %x dims [1] : tensor<2x3xf32> -> tensor<2xf32>
  %f = kiln.reduce_max %x dims [1] first : tensor<2x3xf32> -> tensor<2xf32>
  %n = kiln.reduce_min %x dims [0] first : tensor<2x3xf32> -> tensor<3xf32>
  %n2 = kiln.slice %n starts [0] limits [3] steps [2] : tensor<3xf32> -> tensor<2xf32>
  return %mixed, %m, %f, %n2 : tensor<4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// NaN and out-of-range floats to int64 are INT64_MIN; NaN to bool is true.
// CASTS: result 0: tensor([-9223372036854775808, -9223372036854775808, -9223372036854775808,
// CASTS-NEXT: -2])
// CASTS-NEXT: result 1: tensor([ True,  True,  True, False])
func.func @casts() -> (tensor<4xi64>, tensor<4xi1>) {
  %x = kiln.constant dense<[0x7FF8000000000000, 0x7FF0000000000000, 1.0e19, -2.5]> : tensor<4xf64>
  %i = kiln.cast %x : tensor<4xf64> to tensor<4xi64>
  %z = kiln.constant dense<[0x7FF8000000000000, 1.0, -1.0, -0.0]> : tensor<4xf64>
  %b = kiln.cast %z : tensor<4xf64> to tensor<4xi1>
  return %i, %b : tensor<4xi64>, tensor<4xi1>
}

// sigmoid's gradient g * (1 - y) * y is 0 at -inf and +inf.
// SIGMOID: result 0: tensor([0.0000, 1.0000,    nan, 0.5000])
// SIGMOID-NEXT: result 1: tensor([0.0000, 0.0000,    nan, 0.2500])
func.func @sigmoid_grad() -> (tensor<4xf32>, tensor<4xf32>) {
  %x = kiln.constant dense<[0xFF800000, 0x7F800000, 0x7FC00000, 0.0]> : tensor<4xf32>
  %y = kiln.sigmoid %x : tensor<4xf32>
  %l = kiln.reduce_sum %y dims [0] : tensor<4xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<4xf32>
  return %y, %g : tensor<4xf32>, tensor<4xf32>
}

// Under `first` the gradient goes to the first maximum alone; without it
// ties share it (and the NaNs take it when the maximum is NaN).
// FIRST: result 0: tensor({{\[\[}}0., 1., 0., 0.],
// FIRST-NEXT: [0., 1., 0., 0.]], dtype=torch.float64)
// FIRST-NEXT: result 1: tensor({{\[\[}}0.0000, 0.5000, 0.5000, 0.0000],
// FIRST-NEXT: [0.0000, 0.5000, 0.0000, 0.5000]], dtype=torch.float64)
func.func @first_grad() -> (tensor<2x4xf64>, tensor<2x4xf64>) {
  %x = kiln.constant dense<[[1.0, 3.0, 3.0, -2.0], [2.0, 0x7FF8000000000000, 5.0, 0x7FF8000000000000]]> : tensor<2x4xf64>
  %f = kiln.reduce_max %x dims [1] first : tensor<2x4xf64> -> tensor<2xf64>
  %lf = kiln.reduce_sum %f dims [0] : tensor<2xf64> -> tensor<f64>
  %gf = kiln.backward %lf wrt %x : tensor<f64> wrt tensor<2x4xf64>
  %m = kiln.reduce_max %x dims [1] : tensor<2x4xf64> -> tensor<2xf64>
  %lm = kiln.reduce_sum %m dims [0] : tensor<2xf64> -> tensor<f64>
  %gm = kiln.backward %lm wrt %x : tensor<f64> wrt tensor<2x4xf64>
  return %gf, %gm : tensor<2x4xf64>, tensor<2x4xf64>
}

// Integer powers are exact above 2^53 and wrap: 3^35, 3^40 mod 2^64,
// (-3)^3, 2^-1 = 0, (-1)^-3 = -1, each minus its exact value (printing
// goes through double).
// POW: result 0: tensor([0, 0, 0, 0, 0])
func.func @int_pow() -> tensor<5xi64> {
  %x = kiln.constant dense<[3, 3, -3, 2, -1]> : tensor<5xi64>
  %e = kiln.constant dense<[35, 40, 3, -1, -3]> : tensor<5xi64>
  %p = kiln.pow %x, %e : tensor<5xi64>
  %want = kiln.constant dense<[50031545098999707, -6289078614652622815, -27, 0, -1]> : tensor<5xi64>
  %d = kiln.sub %p, %want : tensor<5xi64>
  return %d : tensor<5xi64>
}

// Integer division truncates; x / 0 is 0 and INT64_MIN / -1 wraps to
// INT64_MIN (no trap in the JIT). The slices keep the divisors from
// folding, so the lowering's division runs.
// IDIV: result 0: tensor([                   0, -9223372036854775808,                    2,
// IDIV-NEXT: -3])
func.func @int_div() -> tensor<4xi64> {
  %a = kiln.constant dense<[7, -9223372036854775808, 5, -7, 0]> : tensor<5xi64>
  %b = kiln.constant dense<[0, -1, 2, 2, 9]> : tensor<5xi64>
  %x = kiln.slice %a starts [0] limits [4] steps [1] : tensor<5xi64> -> tensor<4xi64>
  %y = kiln.slice %b starts [0] limits [4] steps [1] : tensor<5xi64> -> tensor<4xi64>
  %q = kiln.div %x, %y : tensor<4xi64>
  return %q : tensor<4xi64>
}

// Integer remainder has the divisor's sign; x % 0 is 0 and INT64_MIN % -1
// is 0 (no trap in the JIT). Slices keep the divisors from folding.
// IREM: result 0: tensor([ 0,  0,  1, -1,  1, -2])
func.func @int_remainder() -> tensor<6xi64> {
  %a = kiln.constant dense<[7, -9223372036854775808, 7, 7, -7, -7, 0]> : tensor<7xi64>
  %b = kiln.constant dense<[0, -1, 3, -2, 2, -5, 9]> : tensor<7xi64>
  %x = kiln.slice %a starts [0] limits [6] steps [1] : tensor<7xi64> -> tensor<6xi64>
  %y = kiln.slice %b starts [0] limits [6] steps [1] : tensor<7xi64> -> tensor<6xi64>
  %r = kiln.remainder %x, %y : tensor<6xi64>
  return %r : tensor<6xi64>
}

// Float remainder: x % 0 is NaN, -0.0 stays, -1 % inf is inf, 1 % -inf is
// -inf, inf % y is NaN, and the result takes the divisor's sign.
// FREM: result 0: tensor([ nan, -0.0000, inf, -inf, nan, 0.5000, -0.5000],
func.func @float_remainder() -> tensor<7xf64> {
  %a = kiln.constant dense<[1.0, -0.0, -1.0, 1.0, 0x7FF0000000000000, -5.5, 5.5, 0.0]> : tensor<8xf64>
  %b = kiln.constant dense<[0.0, 3.0, 0x7FF0000000000000, 0xFFF0000000000000, 2.0, 2.0, -2.0, 1.0]> : tensor<8xf64>
  %x = kiln.slice %a starts [0] limits [7] steps [1] : tensor<8xf64> -> tensor<7xf64>
  %y = kiln.slice %b starts [0] limits [7] steps [1] : tensor<8xf64> -> tensor<7xf64>
  %r = kiln.remainder %x, %y : tensor<7xf64>
  return %r : tensor<7xf64>
}
