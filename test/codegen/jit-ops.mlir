// Every kiln op compiled by the CPU pipeline and run by the JIT agrees with
// the interpreter on generated inputs (f32, f64, i64, i1).
// RUN: kiln-run %s --entry=unary_f32 --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=binary_f64 --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=integers --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=compare_select --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=casts --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=constants --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=broadcasts --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=reductions --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=matmuls --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=matmuls_transposed --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=reshapes --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=views --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=passthrough --backend=jit --compare-with=interp | FileCheck %s
// RUN: kiln-run %s --entry=exp --backend=jit --compare-with=interp | FileCheck %s

// CHECK: compare: ok

func.func @unary_f32(%x: tensor<3x5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %n = kiln.neg %x : tensor<3x5xf32>
  %e = kiln.exp %n : tensor<3x5xf32>
  %a = kiln.abs %x : tensor<3x5xf32>
  %one = kiln.constant dense<1.0> : tensor<3x5xf32>
  %p = kiln.add %a, %one : tensor<3x5xf32>
  %l = kiln.log %p : tensor<3x5xf32>
  %s = kiln.sqrt %p : tensor<3x5xf32>
  %sin = kiln.sin %x : tensor<3x5xf32>
  %cos = kiln.cos %x : tensor<3x5xf32>
  %sc = kiln.mul %sin, %cos : tensor<3x5xf32>
  %t = kiln.tanh %x : tensor<3x5xf32>
  return %e, %l, %s, %sc, %t : tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

func.func @binary_f64(%x: tensor<4x3xf64>, %y: tensor<4x3xf64>) -> (tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>) {
  %add = kiln.add %x, %y : tensor<4x3xf64>
  %sub = kiln.sub %x, %y : tensor<4x3xf64>
  %mul = kiln.mul %x, %y : tensor<4x3xf64>
  %div = kiln.div %x, %y : tensor<4x3xf64>
  %ax = kiln.abs %x : tensor<4x3xf64>
  %pow = kiln.pow %ax, %y : tensor<4x3xf64>
  %max = kiln.max %x, %y : tensor<4x3xf64>
  %min = kiln.min %x, %y : tensor<4x3xf64>
  return %add, %sub, %mul, %div, %pow, %max, %min : tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>, tensor<4x3xf64>
}

// Integer division truncates; the divisor is kept away from zero.
func.func @integers(%x: tensor<2x6xi64>, %y: tensor<2x6xi64>) -> (tensor<2x6xi64>, tensor<2x6xi64>, tensor<2x6xi64>, tensor<2x6xi64>, tensor<2x6xi64>, tensor<6xi64>, tensor<2xi64>) {
  %add = kiln.add %x, %y : tensor<2x6xi64>
  %sub = kiln.sub %x, %y : tensor<2x6xi64>
  %mul = kiln.mul %sub, %y : tensor<2x6xi64>
  %one = kiln.constant dense<1> : tensor<2x6xi64>
  %y1 = kiln.add %y, %one : tensor<2x6xi64>
  %div = kiln.div %sub, %y1 : tensor<2x6xi64>
  %two = kiln.constant dense<2> : tensor<2x6xi64>
  %pow = kiln.pow %x, %two : tensor<2x6xi64>
  %max = kiln.max %x, %y : tensor<2x6xi64>
  %min = kiln.min %x, %y : tensor<2x6xi64>
  %sum = kiln.reduce_sum %mul dims [0] : tensor<2x6xi64> -> tensor<6xi64>
  %big = kiln.reduce_max %sub dims [1] : tensor<2x6xi64> -> tensor<2xi64>
  return %add, %div, %pow, %max, %min, %sum, %big : tensor<2x6xi64>, tensor<2x6xi64>, tensor<2x6xi64>, tensor<2x6xi64>, tensor<2x6xi64>, tensor<6xi64>, tensor<2xi64>
}

func.func @compare_select(%x: tensor<8xf32>, %y: tensor<8xf32>, %i: tensor<8xi64>, %j: tensor<8xi64>, %b: tensor<8xi1>) -> (tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xf32>, tensor<8xi64>, tensor<8xi1>) {
  %eq = kiln.cmp eq, %x, %x : tensor<8xf32>
  %ne = kiln.cmp ne, %x, %y : tensor<8xf32>
  %lt = kiln.cmp lt, %x, %y : tensor<8xf32>
  %le = kiln.cmp le, %i, %j : tensor<8xi64>
  %gt = kiln.cmp gt, %i, %j : tensor<8xi64>
  %ge = kiln.cmp ge, %x, %y : tensor<8xf32>
  %ieq = kiln.cmp eq, %i, %j : tensor<8xi64>
  %sf = kiln.select %lt, %x, %y : tensor<8xi1>, tensor<8xf32>
  %si = kiln.select %b, %i, %j : tensor<8xi1>, tensor<8xi64>
  %sb = kiln.select %b, %gt, %le : tensor<8xi1>, tensor<8xi1>
  return %eq, %ne, %lt, %le, %gt, %ge, %ieq, %sf, %si, %sb : tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xi1>, tensor<8xf32>, tensor<8xi64>, tensor<8xi1>
}

// Casts between all four element types; bools are 0/1, anything non-zero
// is true, and floats truncate towards zero.
func.func @casts(%x: tensor<6xf32>, %i: tensor<6xi64>, %b: tensor<6xi1>) -> (tensor<6xf64>, tensor<6xf32>, tensor<6xi64>, tensor<6xi1>, tensor<6xf32>, tensor<6xi1>, tensor<6xf64>, tensor<6xi64>) {
  %ten = kiln.constant dense<10.0> : tensor<6xf32>
  %big = kiln.mul %x, %ten : tensor<6xf32>
  %d = kiln.cast %big : tensor<6xf32> to tensor<6xf64>
  %f = kiln.cast %d : tensor<6xf64> to tensor<6xf32>
  %l = kiln.cast %big : tensor<6xf32> to tensor<6xi64>
  %fb = kiln.cast %l : tensor<6xi64> to tensor<6xi1>
  %lf = kiln.cast %i : tensor<6xi64> to tensor<6xf32>
  %xb = kiln.cast %l : tensor<6xi64> to tensor<6xi1>
  %bd = kiln.cast %b : tensor<6xi1> to tensor<6xf64>
  %bl = kiln.cast %b : tensor<6xi1> to tensor<6xi64>
  return %d, %f, %l, %fb, %lf, %xb, %bd, %bl : tensor<6xf64>, tensor<6xf32>, tensor<6xi64>, tensor<6xi1>, tensor<6xf32>, tensor<6xi1>, tensor<6xf64>, tensor<6xi64>
}

func.func @constants() -> (tensor<2x3xf32>, tensor<f64>, tensor<3xi64>, tensor<2xi1>) {
  %a = kiln.constant dense<[[1.5, -2.0, 3.25], [0.0, 4.0, -0.5]]> : tensor<2x3xf32>
  %b = kiln.constant dense<2.5> : tensor<f64>
  %c = kiln.constant dense<[7, -3, 0]> : tensor<3xi64>
  %d = kiln.constant dense<[true, false]> : tensor<2xi1>
  return %a, %b, %c, %d : tensor<2x3xf32>, tensor<f64>, tensor<3xi64>, tensor<2xi1>
}

func.func @broadcasts(%s: tensor<f32>, %row: tensor<4xf32>, %col: tensor<3x1xf32>, %m: tensor<1x4xi64>) -> (tensor<3x4xf32>, tensor<3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xi64>) {
  %bs = kiln.broadcast %s : tensor<f32> to tensor<3x4xf32>
  %br = kiln.broadcast %row : tensor<4xf32> to tensor<3x4xf32>
  %bc = kiln.broadcast %col : tensor<3x1xf32> to tensor<3x4xf32>
  %sum = kiln.add %bs, %br : tensor<3x4xf32>
  %prod = kiln.mul %sum, %bc : tensor<3x4xf32>
  %b3 = kiln.broadcast %col : tensor<3x1xf32> to tensor<2x3x4xf32>
  %bm = kiln.broadcast %m : tensor<1x4xi64> to tensor<2x3x4xi64>
  return %sum, %prod, %b3, %bm : tensor<3x4xf32>, tensor<3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xi64>
}

func.func @reductions(%x: tensor<2x3x4xf64>) -> (tensor<f64>, tensor<3xf64>, tensor<2x1x4xf64>, tensor<f64>, tensor<2x4xf64>, tensor<1x3x1xf64>) {
  %all = kiln.reduce_sum %x dims [0, 1, 2] : tensor<2x3x4xf64> -> tensor<f64>
  %s02 = kiln.reduce_sum %x dims [0, -1] : tensor<2x3x4xf64> -> tensor<3xf64>
  %s1k = kiln.reduce_sum %x dims [1] keepdim : tensor<2x3x4xf64> -> tensor<2x1x4xf64>
  %mall = kiln.reduce_max %x dims [0, 1, 2] : tensor<2x3x4xf64> -> tensor<f64>
  %m1 = kiln.reduce_max %x dims [1] : tensor<2x3x4xf64> -> tensor<2x4xf64>
  %m02k = kiln.reduce_max %x dims [0, 2] keepdim : tensor<2x3x4xf64> -> tensor<1x3x1xf64>
  return %all, %s02, %s1k, %mall, %m1, %m02k : tensor<f64>, tensor<3xf64>, tensor<2x1x4xf64>, tensor<f64>, tensor<2x4xf64>, tensor<1x3x1xf64>
}

func.func @matmuls(%a: tensor<5x7xf64>, %b: tensor<7x3xf64>, %c: tensor<2x4x5xf32>, %d: tensor<2x5x3xf32>, %i: tensor<3x4xi64>, %j: tensor<4x2xi64>) -> (tensor<5x3xf64>, tensor<2x4x3xf32>, tensor<3x2xi64>) {
  %ab = kiln.matmul %a, %b : tensor<5x7xf64>, tensor<7x3xf64> -> tensor<5x3xf64>
  %cd = kiln.matmul %c, %d : tensor<2x4x5xf32>, tensor<2x5x3xf32> -> tensor<2x4x3xf32>
  %ij = kiln.matmul %i, %j : tensor<3x4xi64>, tensor<4x2xi64> -> tensor<3x2xi64>
  return %ab, %cd, %ij : tensor<5x3xf64>, tensor<2x4x3xf32>, tensor<3x2xi64>
}

// Transposed operands (BLAS transpose flags), a transposed product, a
// shared zero init, and matmuls of slices (strided views).
func.func @matmuls_transposed(%a: tensor<7x5xf32>, %b: tensor<7x3xf32>, %c: tensor<2x3x5xf64>, %d: tensor<6x8xf32>) -> (tensor<5x3xf32>, tensor<3x5xf32>, tensor<2x3x3xf64>, tensor<2x5x5xf64>, tensor<3x3xf32>, tensor<5x5xf32>) {
  %at = kiln.transpose %a [1, 0] : tensor<7x5xf32> -> tensor<5x7xf32>
  %atb = kiln.matmul %at, %b : tensor<5x7xf32>, tensor<7x3xf32> -> tensor<5x3xf32>
  %t = kiln.transpose %atb [1, 0] : tensor<5x3xf32> -> tensor<3x5xf32>
  %ct = kiln.transpose %c [0, 2, 1] : tensor<2x3x5xf64> -> tensor<2x5x3xf64>
  %cct = kiln.matmul %c, %ct : tensor<2x3x5xf64>, tensor<2x5x3xf64> -> tensor<2x3x3xf64>
  %ctc = kiln.matmul %ct, %c : tensor<2x5x3xf64>, tensor<2x3x5xf64> -> tensor<2x5x5xf64>
  %s = kiln.slice %d starts [0, 1] limits [6, 8] steps [2, 2] : tensor<6x8xf32> -> tensor<3x4xf32>
  %st = kiln.transpose %s [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
  %sst = kiln.matmul %s, %st : tensor<3x4xf32>, tensor<4x3xf32> -> tensor<3x3xf32>
  %ata = kiln.matmul %at, %a : tensor<5x7xf32>, tensor<7x5xf32> -> tensor<5x5xf32>
  return %atb, %t, %cct, %ctc, %sst, %ata : tensor<5x3xf32>, tensor<3x5xf32>, tensor<2x3x3xf64>, tensor<2x5x5xf64>, tensor<3x3xf32>, tensor<5x5xf32>
}

// Collapses, expands, both (through 1-D), rank 0 and unit dimensions.
func.func @reshapes(%x: tensor<2x3x4xf32>, %s: tensor<f32>, %u: tensor<1x1xi64>) -> (tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>, tensor<24xf32>, tensor<1x1xf32>, tensor<i64>, tensor<3x8xf32>) {
  %c = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %e = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<2x3x2x2xf32>
  %b = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<4x6xf32>
  %f = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %s11 = kiln.reshape %s : tensor<f32> -> tensor<1x1xf32>
  %u0 = kiln.reshape %u : tensor<1x1xi64> -> tensor<i64>
  %t = kiln.transpose %x [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %tr = kiln.reshape %t : tensor<4x2x3xf32> -> tensor<3x8xf32>
  return %c, %e, %b, %f, %s11, %u0, %tr : tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>, tensor<24xf32>, tensor<1x1xf32>, tensor<i64>, tensor<3x8xf32>
}

// Transposes, strided slices and padding (with and without interior).
func.func @views(%x: tensor<4x5xf32>, %b: tensor<2x3xi1>) -> (tensor<5x4xf32>, tensor<2x3xf32>, tensor<3x2xf32>, tensor<6x9xf32>, tensor<4x8xf32>, tensor<3x5xi1>, tensor<2x5xf32>) {
  %t = kiln.transpose %x [1, 0] : tensor<4x5xf32> -> tensor<5x4xf32>
  %s = kiln.slice %x starts [1, 0] limits [4, 5] steps [2, 2] : tensor<4x5xf32> -> tensor<2x3xf32>
  %ts = kiln.slice %t starts [2, 1] limits [5, 3] steps [1, 1] : tensor<5x4xf32> -> tensor<3x2xf32>
  %p = kiln.pad %x low [1, 2] high [1, 2] interior [0, 0] : tensor<4x5xf32> -> tensor<6x9xf32>
  %pi = kiln.pad %s low [1, 0] high [0, 3] interior [1, 0] : tensor<2x3xf32> -> tensor<4x6xf32>
  %pi2 = kiln.pad %pi low [0, 1] high [0, 1] interior [0, 0] : tensor<4x6xf32> -> tensor<4x8xf32>
  %pb = kiln.pad %b low [0, 1] high [0, 0] interior [1, 0] : tensor<2x3xi1> -> tensor<3x4xi1>
  %pb2 = kiln.pad %pb low [0, 0] high [0, 1] interior [0, 0] : tensor<3x4xi1> -> tensor<3x5xi1>
  %e = kiln.exp %x : tensor<4x5xf32>
  %es = kiln.slice %e starts [0, 0] limits [4, 5] steps [3, 1] : tensor<4x5xf32> -> tensor<2x5xf32>
  return %t, %s, %ts, %p, %pi2, %pb2, %es : tensor<5x4xf32>, tensor<2x3xf32>, tensor<3x2xf32>, tensor<6x9xf32>, tensor<4x8xf32>, tensor<3x5xi1>, tensor<2x5xf32>
}

// Results that are arguments, detached values or the same value twice.
func.func @passthrough(%x: tensor<3xf32>, %y: tensor<2x2xf64>) -> (tensor<3xf32>, tensor<3xf32>, tensor<2x2xf64>, tensor<2x2xf64>) {
  %d = kiln.detach %x : tensor<3xf32>
  %n = kiln.neg %y : tensor<2x2xf64>
  return %x, %d, %n, %n : tensor<3xf32>, tensor<3xf32>, tensor<2x2xf64>, tensor<2x2xf64>
}

// A function named like a libm function.
func.func @exp(%x: tensor<5xf64>) -> tensor<5xf64> {
  %e = kiln.exp %x : tensor<5xf64>
  %c = kiln.cos %e : tensor<5xf64>
  return %c : tensor<5xf64>
}
