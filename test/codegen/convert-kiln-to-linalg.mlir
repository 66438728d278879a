// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -verify-diagnostics | FileCheck %s
// Each kiln op family and its linalg/tensor/arith/math form on tensors.

// CHECK-DAG: #[[ID1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func @unary
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]]], iterator_types = ["parallel"]} ins(%arg0 : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: math.absf
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.tanh
// CHECK: %[[NEG:.+]] = arith.negf
// CHECK: %[[EXP:.+]] = math.exp %[[NEG]]
// CHECK: %[[DEN:.+]] = arith.addf %[[EXP]], %[[ONE:[^ ]+]] : f32
// CHECK: arith.divf %[[ONE]], %[[DEN]]
// CHECK-NOT: kiln.
func.func @unary(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.neg %x : tensor<4xf32>
  %1 = kiln.exp %x : tensor<4xf32>
  %2 = kiln.log %x : tensor<4xf32>
  %3 = kiln.sqrt %x : tensor<4xf32>
  %4 = kiln.abs %x : tensor<4xf32>
  %5 = kiln.sin %x : tensor<4xf32>
  %6 = kiln.cos %x : tensor<4xf32>
  %7 = kiln.tanh %x : tensor<4xf32>
  %8 = kiln.sigmoid %x : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// erf is math.erf (a libm call later); remainder is the truncated remainder
// (remf; remsi with a safe divisor, x % 0 and x % -1 being 0) plus the
// divisor where that is nonzero with the other sign.
// CHECK-LABEL: func @erf_remainder
// CHECK: math.erf
// CHECK: %[[REM:.+]] = arith.remf %[[X:[^ ]+]], %[[Y:[^ ]+]] : f32
// CHECK: arith.addf %[[REM]], %[[Y]]
// CHECK: arith.cmpf olt, %[[REM]]
// CHECK: %[[SAFE:.+]] = arith.select %{{.+}}, %c1_i64, %[[J:[^ ]+]] : i64
// CHECK: %[[IREM:.+]] = arith.remsi %{{.+}}, %[[SAFE]] : i64
// CHECK: arith.addi %[[IREM]], %[[J]]
// CHECK-NOT: kiln.
func.func @erf_remainder(%x: tensor<2xf32>, %y: tensor<2xf32>, %i: tensor<2xi64>, %j: tensor<2xi64>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xi64>) {
  %0 = kiln.erf %x : tensor<2xf32>
  %1 = kiln.remainder %x, %y : tensor<2xf32>
  %2 = kiln.remainder %i, %j : tensor<2xi64>
  return %0, %1, %2 : tensor<2xf32>, tensor<2xf32>, tensor<2xi64>
}

// -----

// Float and integer forms of the binary ops (integer division truncates;
// float x^2 is x * x as in the eager kernel; integer powers square and
// multiply in a loop, wrapping).
// CHECK-LABEL: func @binary
// CHECK: arith.addf
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: %[[SQ:.+]] = arith.cmpf oeq, %{{.+}}, %cst
// CHECK: %[[XX:.+]] = arith.mulf %[[IN:.+]], %[[IN]]
// CHECK: %[[POW:.+]] = math.powf
// CHECK: arith.select %[[SQ]], %[[XX]], %[[POW]]
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.addi
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.divsi
// CHECK: scf.while
// CHECK: arith.muli
// CHECK: arith.shrui
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @binary(%x: tensor<2xf64>, %y: tensor<2xf64>, %i: tensor<2xi64>, %j: tensor<2xi64>) -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) {
  %0 = kiln.add %x, %y : tensor<2xf64>
  %1 = kiln.sub %x, %y : tensor<2xf64>
  %2 = kiln.mul %x, %y : tensor<2xf64>
  %3 = kiln.div %x, %y : tensor<2xf64>
  %4 = kiln.pow %x, %y : tensor<2xf64>
  %5 = kiln.max %x, %y : tensor<2xf64>
  %6 = kiln.min %x, %y : tensor<2xf64>
  %7 = kiln.add %i, %j : tensor<2xi64>
  %8 = kiln.sub %i, %j : tensor<2xi64>
  %9 = kiln.mul %i, %j : tensor<2xi64>
  %10 = kiln.div %i, %j : tensor<2xi64>
  %11 = kiln.pow %i, %j : tensor<2xi64>
  %12 = kiln.max %i, %j : tensor<2xi64>
  %13 = kiln.min %i, %j : tensor<2xi64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13 : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func @compare_select
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf une
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ole
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oge
// CHECK: arith.cmpi slt
// CHECK: %[[C:.+]] = linalg.generic
// CHECK-SAME: ins(%[[M:.+]], %arg0, %arg1 : tensor<3xi1>, tensor<3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[IN0:.+]]: i1, %[[IN1:.+]]: f32, %[[IN2:.+]]: f32, %{{.+}}: f32):
// CHECK: arith.select %[[IN0]], %[[IN1]], %[[IN2]] : f32
func.func @compare_select(%x: tensor<3xf32>, %y: tensor<3xf32>, %i: tensor<3xi64>, %j: tensor<3xi64>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xf32>) {
  %0 = kiln.cmp eq, %x, %y : tensor<3xf32>
  %1 = kiln.cmp ne, %x, %y : tensor<3xf32>
  %2 = kiln.cmp lt, %x, %y : tensor<3xf32>
  %3 = kiln.cmp le, %x, %y : tensor<3xf32>
  %4 = kiln.cmp gt, %x, %y : tensor<3xf32>
  %5 = kiln.cmp ge, %x, %y : tensor<3xf32>
  %6 = kiln.cmp lt, %i, %j : tensor<3xi64>
  %7 = kiln.select %2, %x, %y : tensor<3xi1>, tensor<3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xf32>
}

// -----

// Bools convert as 0/1 (unsigned), anything converts to bool as != 0.
// NaN and floats out of int64's range become INT64_MIN (fptosi's poison
// is never selected).
// CHECK-LABEL: func @casts
// CHECK-DAG: %[[MIN:.+]] = arith.constant -9223372036854775808 : i64
// CHECK-DAG: %[[LO:.+]] = arith.constant -9.22337203E+18 : f32
// CHECK-DAG: %[[HI:.+]] = arith.constant 9.22337203E+18 : f32
// CHECK: arith.extf %{{.+}} : f32 to f64
// CHECK: arith.truncf %{{.+}} : f64 to f32
// CHECK: %[[GE:.+]] = arith.cmpf oge, %[[X:.+]], %[[LO]] : f32
// CHECK: %[[LT:.+]] = arith.cmpf olt, %[[X]], %[[HI]] : f32
// CHECK: %[[IN:.+]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK: %[[I:.+]] = arith.fptosi %[[X]] : f32 to i64
// CHECK: arith.select %[[IN]], %[[I]], %[[MIN]] : i64
// CHECK: arith.sitofp %{{.+}} : i64 to f32
// CHECK: arith.uitofp %{{.+}} : i1 to f32
// CHECK: arith.extui %{{.+}} : i1 to i64
// CHECK: arith.cmpf une
// CHECK: arith.cmpi ne
func.func @casts(%x: tensor<2xf32>, %d: tensor<2xf64>, %i: tensor<2xi64>, %b: tensor<2xi1>) -> (tensor<2xf64>, tensor<2xf32>, tensor<2xi64>, tensor<2xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi1>, tensor<2xi1>) {
  %0 = kiln.cast %x : tensor<2xf32> to tensor<2xf64>
  %1 = kiln.cast %d : tensor<2xf64> to tensor<2xf32>
  %2 = kiln.cast %x : tensor<2xf32> to tensor<2xi64>
  %3 = kiln.cast %i : tensor<2xi64> to tensor<2xf32>
  %4 = kiln.cast %b : tensor<2xi1> to tensor<2xf32>
  %5 = kiln.cast %b : tensor<2xi1> to tensor<2xi64>
  %6 = kiln.cast %x : tensor<2xf32> to tensor<2xi1>
  %7 = kiln.cast %i : tensor<2xi64> to tensor<2xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2xf64>, tensor<2xf32>, tensor<2xi64>, tensor<2xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi1>, tensor<2xi1>
}

// -----

// CHECK-LABEL: func @constant_detach
// CHECK: %[[C:.+]] = arith.constant dense<{{\[}}1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: return %[[C]], %arg0
func.func @constant_detach(%x: tensor<3xf32>) -> (tensor<2xf32>, tensor<3xf32>) {
  %c = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %d = kiln.detach %x : tensor<3xf32>
  return %c, %d : tensor<2xf32>, tensor<3xf32>
}

// -----

// Stretched dimensions read index 0; missing leading ones are not read.
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-DAG: #[[ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func @broadcast
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%{{.+}} : tensor<2x3x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
func.func @broadcast(%x: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.broadcast %x : tensor<1x4xf32> to tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Reductions into filled inits (0 for sums, -inf for maxima), then an
// expand_shape for keepdim.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func @reduce
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<3xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["reduction", "parallel", "reduction"]} ins(%arg0 : tensor<2x3x4xf32>) outs(%[[FILL]] : tensor<3xf32>)
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[SUM]] {{\[\[}}0, 1, 2]] output_shape [1, 3, 1] : tensor<3xf32> into tensor<1x3x1xf32>
// CHECK: linalg.fill ins(%[[NINF]] : f32)
// CHECK: arith.maximumf
// CHECK: linalg.fill ins(%{{.+}} : f32)
// CHECK: arith.minimumf
// CHECK: func @reduce_int
// CHECK-DAG: arith.constant -9223372036854775808 : i64
// CHECK-DAG: arith.constant 9223372036854775807 : i64
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @reduce(%x: tensor<2x3x4xf32>) -> (tensor<1x3x1xf32>, tensor<f32>, tensor<3xf32>) {
  %0 = kiln.reduce_sum %x dims [0, -1] keepdim : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  %1 = kiln.reduce_max %x dims [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  %2 = kiln.reduce_min %x dims [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0, %1, %2 : tensor<1x3x1xf32>, tensor<f32>, tensor<3xf32>
}
func.func @reduce_int(%x: tensor<5xi64>) -> (tensor<i64>, tensor<i64>) {
  %0 = kiln.reduce_max %x dims [0] : tensor<5xi64> -> tensor<i64>
  %1 = kiln.reduce_min %x dims [0] : tensor<5xi64> -> tensor<i64>
  return %0, %1 : tensor<i64>, tensor<i64>
}

// -----

// `first`: the extremum with its index; an element replaces the
// accumulator when better, tied with a lower index, or the first NaN.
// CHECK-LABEL: func @reduce_first
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[ROWS:.+]], #[[ROWS]]], iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<2x3xf32>) outs(%{{.+}}, %{{.+}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: ^bb0(%[[V:.+]]: f32, %[[BEST:.+]]: f32, %[[BI:.+]]: i64):
// CHECK: %[[I:.+]] = linalg.index 1 : index
// CHECK: arith.index_cast %[[I]] : index to i64
// CHECK: arith.cmpf ogt, %[[V]], %[[BEST]]
// CHECK: arith.cmpf oeq, %[[V]], %[[BEST]]
// CHECK: arith.cmpf ord, %[[BEST]], %[[BEST]]
// CHECK: arith.cmpf uno, %[[V]], %[[V]]
// CHECK: linalg.yield
// CHECK: arith.cmpf olt
func.func @reduce_first(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x1xf32>) {
  %0 = kiln.reduce_max %x dims [1] first : tensor<2x3xf32> -> tensor<2xf32>
  %1 = kiln.reduce_min %x dims [1] keepdim first : tensor<2x3xf32> -> tensor<2x1xf32>
  return %0, %1 : tensor<2xf32>, tensor<2x1xf32>
}

// -----

// CHECK-LABEL: func @matmul
// CHECK: %[[Z:.+]] = linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<4x5xf32>, tensor<5x6xf32>) outs(%[[Z]] : tensor<4x6xf32>)
// CHECK: %[[BZ:.+]] = linalg.fill
// CHECK: linalg.batch_matmul ins(%arg2, %arg3 : tensor<2x4x5xf64>, tensor<2x5x3xf64>) outs(%[[BZ]] : tensor<2x4x3xf64>)
func.func @matmul(%a: tensor<4x5xf32>, %b: tensor<5x6xf32>, %c: tensor<2x4x5xf64>, %d: tensor<2x5x3xf64>) -> (tensor<4x6xf32>, tensor<2x4x3xf64>) {
  %0 = kiln.matmul %a, %b : tensor<4x5xf32>, tensor<5x6xf32> -> tensor<4x6xf32>
  %1 = kiln.matmul %c, %d : tensor<2x4x5xf64>, tensor<2x5x3xf64> -> tensor<2x4x3xf64>
  return %0, %1 : tensor<4x6xf32>, tensor<2x4x3xf64>
}

// -----

// A float operand transposed in its last two dimensions is read in place
// by a matmul variant; (x^T @ g)^T becomes g^T @ x with no transpose left.
// Integer matmuls keep their transposes.
// CHECK-LABEL: func @matmul_transposed
// CHECK-NOT: linalg.transpose ins(%arg0
// CHECK: linalg.matmul_transpose_a ins(%arg0, %arg1 : tensor<5x4xf32>, tensor<5x6xf32>)
// CHECK: linalg.matmul_transpose_b ins(%arg1, %arg2 : tensor<5x6xf32>, tensor<3x6xf32>)
// CHECK: linalg.batch_matmul_transpose_b ins(%arg3, %arg3 : tensor<2x4x5xf64>, tensor<2x4x5xf64>)
// CHECK: linalg.matmul_transpose_a ins(%arg1, %arg0 : tensor<5x6xf32>, tensor<5x4xf32>) outs({{.*}} : tensor<6x4xf32>)
// CHECK: linalg.transpose ins(%arg4 : tensor<4x3xi64>)
// CHECK: linalg.matmul ins
// CHECK-NOT: linalg.transpose
// CHECK: return
func.func @matmul_transposed(%a: tensor<5x4xf32>, %b: tensor<5x6xf32>, %c: tensor<3x6xf32>, %d: tensor<2x4x5xf64>, %i: tensor<4x3xi64>) -> (tensor<4x6xf32>, tensor<5x3xf32>, tensor<2x4x4xf64>, tensor<6x4xf32>, tensor<3x3xi64>) {
  %at = kiln.transpose %a [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
  %0 = kiln.matmul %at, %b : tensor<4x5xf32>, tensor<5x6xf32> -> tensor<4x6xf32>
  %ct = kiln.transpose %c [1, 0] : tensor<3x6xf32> -> tensor<6x3xf32>
  %1 = kiln.matmul %b, %ct : tensor<5x6xf32>, tensor<6x3xf32> -> tensor<5x3xf32>
  %dt = kiln.transpose %d [0, 2, 1] : tensor<2x4x5xf64> -> tensor<2x5x4xf64>
  %2 = kiln.matmul %d, %dt : tensor<2x4x5xf64>, tensor<2x5x4xf64> -> tensor<2x4x4xf64>
  %at2 = kiln.transpose %a [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
  %g = kiln.matmul %at2, %b : tensor<4x5xf32>, tensor<5x6xf32> -> tensor<4x6xf32>
  %3 = kiln.transpose %g [1, 0] : tensor<4x6xf32> -> tensor<6x4xf32>
  %it = kiln.transpose %i [1, 0] : tensor<4x3xi64> -> tensor<3x4xi64>
  %4 = kiln.matmul %it, %i : tensor<3x4xi64>, tensor<4x3xi64> -> tensor<3x3xi64>
  return %0, %1, %2, %3, %4 : tensor<4x6xf32>, tensor<5x3xf32>, tensor<2x4x4xf64>, tensor<6x4xf32>, tensor<3x3xi64>
}

// -----

// A collapse or an expand where the shapes nest, else both through 1-D.
// CHECK-LABEL: func @reshape
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: tensor.expand_shape %arg0 {{\[\[}}0], [1], [2, 3]] output_shape [2, 3, 2, 2] : tensor<2x3x4xf32> into tensor<2x3x2x2xf32>
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK: tensor.expand_shape %arg1 [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reshape(%x: tensor<2x3x4xf32>, %s: tensor<f32>) -> (tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>, tensor<1x1xf32>) {
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<2x3x2x2xf32>
  %2 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<4x6xf32>
  %3 = kiln.reshape %s : tensor<f32> -> tensor<1x1xf32>
  return %0, %1, %2, %3 : tensor<6x4xf32>, tensor<2x3x2x2xf32>, tensor<4x6xf32>, tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func @views
// CHECK: linalg.transpose ins(%arg0 : tensor<4x5xf32>) outs(%{{.+}} : tensor<5x4xf32>) permutation = [1, 0]
// CHECK: tensor.extract_slice %arg0[1, 0] [2, 3] [2, 2] : tensor<4x5xf32> to tensor<2x3xf32>
func.func @views(%x: tensor<4x5xf32>) -> (tensor<5x4xf32>, tensor<2x3xf32>) {
  %0 = kiln.transpose %x [1, 0] : tensor<4x5xf32> -> tensor<5x4xf32>
  %1 = kiln.slice %x starts [1, 0] limits [4, 5] steps [2, 2] : tensor<4x5xf32> -> tensor<2x3xf32>
  return %0, %1 : tensor<5x4xf32>, tensor<2x3xf32>
}

// -----

// Edge padding is tensor.pad; interior padding a strided insert_slice into
// zeros.
// CHECK-LABEL: func @pad
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: tensor.pad %arg0 low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<2x3xf32> to tensor<3x5xf32>
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<4x7xf32>)
// CHECK: tensor.insert_slice %arg0 into %[[ZEROS]][1, 0] [2, 3] [2, 2] : tensor<2x3xf32> into tensor<4x7xf32>
func.func @pad(%x: tensor<2x3xf32>) -> (tensor<3x5xf32>, tensor<4x7xf32>) {
  %0 = kiln.pad %x low [1, 0] high [0, 2] interior [0, 0] : tensor<2x3xf32> -> tensor<3x5xf32>
  %1 = kiln.pad %x low [1, 0] high [0, 2] interior [1, 1] : tensor<2x3xf32> -> tensor<4x7xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<4x7xf32>
}

// -----

func.func @marker(%w: tensor<3xf32>) -> tensor<3xf32> {
  %l = kiln.reduce_sum %w dims [0] : tensor<3xf32> -> tensor<f32>
  // expected-error @+1 {{'kiln.backward' op must be expanded by kiln-autodiff before convert-kiln-to-linalg}}
  %g = kiln.backward %l wrt %w : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}
