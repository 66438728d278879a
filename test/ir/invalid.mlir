// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// Every verifier diagnostic of the kiln dialect.

func.func @binary_types(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @binary_same_shape_other_type(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.add"(%a, %b) : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}

// -----

func.func @unary_on_integers(%a: tensor<3xi64>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 64-bit float values}}
  %0 = "kiln.exp"(%a) : (tensor<3xi64>) -> tensor<3xi64>
  return
}

// -----

func.func @select_condition(%c: tensor<3xi1>, %a: tensor<2x3xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = kiln.select %c, %a, %a : tensor<3xi1>, tensor<2x3xf32>
  return
}

// -----

func.func @cast_shape(%a: tensor<3xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = kiln.cast %a : tensor<3xf32> to tensor<4xf64>
  return
}

// -----

func.func @constant_not_dense() {
  // expected-error @+1 {{expects a dense elements attribute}}
  %0 = kiln.constant sparse<[[0]], [1.0]> : tensor<2xf32>
  return
}

// -----

func.func @broadcast_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)}}
  %0 = kiln.broadcast %a : tensor<2x3xf32> to tensor<6xf32>
  return
}

// -----

func.func @broadcast_mismatch(%a: tensor<3xf32>) {
  // expected-error @+1 {{the expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]}}
  %0 = kiln.broadcast %a : tensor<3xf32> to tensor<2x4xf32>
  return
}

// -----

func.func @broadcast_element_type(%a: tensor<3xf32>) {
  // expected-error @+1 {{cannot change the element type}}
  %0 = kiln.broadcast %a : tensor<3xf32> to tensor<2x3xf64>
  return
}

// -----

func.func @reduce_dims(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{has invalid dims [2] for a tensor of rank 2 (each dim once, in [-2, 1])}}
  %0 = kiln.reduce_sum %a dims [2] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_repeated_dims(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{has invalid dims [1, -1]}}
  %0 = kiln.reduce_max %a dims [1, -1] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_first_two_dims(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{with 'first' expects one reduced dimension but got 2}}
  %0 = kiln.reduce_min %a dims [0, 1] first : tensor<2x3xf32> -> tensor<f32>
  return
}

// -----

func.func @reduce_result(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{expects result shape [2] but got [3]}}
  %0 = kiln.reduce_sum %a dims [1] : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_element_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot change the element type}}
  %0 = kiln.reduce_sum %a dims [1] : tensor<2x3xf32> -> tensor<2xf64>
  return
}

// -----

func.func @matmul_ranks(%a: tensor<3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{expects two matrices or two batches of matrices (rank 2 or 3), but got ranks 1 and 2}}
  %0 = kiln.matmul %a, %b : tensor<3xf32>, tensor<3x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @matmul_inner(%a: tensor<16x10xf32>, %b: tensor<5x5xf32>) {
  // expected-error @+1 {{mat1 and mat2 shapes cannot be multiplied (16x10 and 5x5)}}
  %0 = kiln.matmul %a, %b : tensor<16x10xf32>, tensor<5x5xf32> -> tensor<16x5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<5x2x3xf32>, %b: tensor<6x3x4xf32>) {
  // expected-error @+1 {{expects equal batch sizes, but got 5 and 6}}
  %0 = kiln.matmul %a, %b : tensor<5x2x3xf32>, tensor<6x3x4xf32> -> tensor<5x2x4xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{expects result shape [2, 4] but got [4, 2]}}
  %0 = kiln.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<4x2xf32>
  return
}

// -----

func.func @matmul_types(%a: tensor<2x3xf32>, %b: tensor<3x4xf64>) {
  // expected-error @+1 {{expects one element type for operands and result}}
  %0 = kiln.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf64> -> tensor<2x4xf32>
  return
}

// -----

func.func @reshape_numel(%a: tensor<16xf32>) {
  // expected-error @+1 {{shape '[3, 5]' is invalid for input of size 16}}
  %0 = kiln.reshape %a : tensor<16xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @reshape_element_type(%a: tensor<6xf32>) {
  // expected-error @+1 {{cannot change the element type}}
  %0 = kiln.reshape %a : tensor<6xf32> -> tensor<2x3xi64>
  return
}

// -----

func.func @transpose_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{expects a permutation of 2 dimensions, but got [0]}}
  %0 = kiln.transpose %a [0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_repeat(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{expects a permutation of [0, 2), but got [0, 0]}}
  %0 = kiln.transpose %a [0, 0] : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_result(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{expects result shape [3, 2] but got [2, 3]}}
  %0 = kiln.transpose %a [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_arity(%a: tensor<4xf32>) {
  // expected-error @+1 {{expects starts, limits and steps for each of the 1 dimensions}}
  %0 = kiln.slice %a starts [0, 0] limits [4] steps [1] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @slice_step(%a: tensor<4xf32>) {
  // expected-error @+1 {{slice step must be positive}}
  %0 = kiln.slice %a starts [0] limits [4] steps [0] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @slice_bounds(%a: tensor<4xf32>) {
  // expected-error @+1 {{slice [0:5] is out of bounds for dimension 0 of size 4}}
  %0 = kiln.slice %a starts [0] limits [5] steps [1] : tensor<4xf32> -> tensor<5xf32>
  return
}

// -----

func.func @slice_result(%a: tensor<4xf32>) {
  // expected-error @+1 {{expects result shape [2] but got [4]}}
  %0 = kiln.slice %a starts [0] limits [4] steps [2] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @pad_arity(%a: tensor<4xf32>) {
  // expected-error @+1 {{expects low, high and interior padding for each of the 1 dimensions}}
  %0 = kiln.pad %a low [0] high [0, 1] interior [0] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @pad_negative(%a: tensor<4xf32>) {
  // expected-error @+1 {{expects non-negative padding}}
  %0 = kiln.pad %a low [-1] high [0] interior [0] : tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @pad_result(%a: tensor<4xf32>) {
  // expected-error @+1 {{expects result shape [9] but got [8]}}
  %0 = kiln.pad %a low [1] high [1] interior [1] : tensor<4xf32> -> tensor<8xf32>
  return
}

// -----

func.func @backward_non_scalar(%w: tensor<3xf32>) {
  // expected-error @+1 {{grad can be implicitly created only for scalar outputs (the loss has shape [3]; pass a seed gradient)}}
  %0 = kiln.backward %w wrt %w : tensor<3xf32> wrt tensor<3xf32>
  return
}

// -----

func.func @backward_seed_type(%w: tensor<3xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{expects a seed gradient of the loss type 'tensor<3xf32>' but got 'tensor<2xf32>'}}
  %0 = kiln.backward %w seed %s wrt %w : tensor<3xf32> seed tensor<2xf32> wrt tensor<3xf32>
  return
}

// -----

func.func @backward_nothing(%l: tensor<f32>) {
  // expected-error @+1 {{expects at least one value to differentiate with respect to}}
  "kiln.backward"(%l) {operandSegmentSizes = array<i32: 1, 0, 0>} : (tensor<f32>) -> ()
  return
}

// -----

func.func @neg_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.neg"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @exp_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.exp"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @log_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.log"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @sqrt_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.sqrt"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @abs_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.abs"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @sin_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.sin"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @cos_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.cos"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @tanh_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.tanh"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @add_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.add"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @sub_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.sub"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @mul_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.mul"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @div_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.div"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @pow_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.pow"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @max_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.max"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @min_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "kiln.min"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @cmp_types(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+1 {{failed to verify that all of {lhs, rhs} have same type}}
  %0 = "kiln.cmp"(%a, %b) {predicate = 2 : i32} : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xi1>
  return
}

// -----

func.func @cmp_result(%a: tensor<3xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values (static shape, element count and bytes within int64), but got 'tensor<3xf32>'}}
  %0 = "kiln.cmp"(%a, %a) {predicate = 2 : i32} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @select_branches(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+1 {{failed to verify that all of {lhs, rhs, result} have same type}}
  %0 = "kiln.select"(%c, %a, %b) : (tensor<3xi1>, tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}

// -----

func.func @detach_types(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "kiln.detach"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}

// -----

func.func @constant_type() {
  // expected-error @+2 {{inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "kiln.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @element_types(%a: tensor<3xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 64-bit float or 64-bit signless integer values}}
  %0 = "kiln.add"(%a, %a) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

func.func @custom_gradient_arguments(%x: tensor<3xf32>) {
  // expected-error @+1 {{expects the backward region to take one gradient per value, of the value's type}}
  %y = kiln.custom_gradient "F" (%x) wrt (%x) : (tensor<3xf32>) wrt (tensor<3xf32>) {
  ^bb0(%g: tensor<4xf32>):
    kiln.yield %x : tensor<3xf32>
  }
  return
}

// -----

func.func @custom_gradient_yield(%x: tensor<3xf32>, %w: tensor<2xf32>) {
  %y = kiln.custom_gradient "F" (%x) wrt (%x, %w) : (tensor<3xf32>) wrt (tensor<3xf32>, tensor<2xf32>) {
  ^bb0(%g: tensor<3xf32>):
    // expected-error @+1 {{expects one gradient per wrt operand of kiln.custom_gradient, of the operand's type}}
    kiln.yield %g : tensor<3xf32>
  }
  return
}

// -----

func.func @yield_parent(%x: tensor<3xf32>) {
  // expected-error @+1 {{expects parent op 'kiln.custom_gradient'}}
  kiln.yield %x : tensor<3xf32>
}

// -----

// Element or byte counts past int64 (2^32 x 2^32 x 4 elements).
func.func @too_large(%a: tensor<4294967296x4294967296x4xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 64-bit float values (static shape, element count and bytes within int64)}}
  %0 = kiln.exp %a : tensor<4294967296x4294967296x4xf32>
  return
}

// -----

// 2^62 float32 elements: the element count fits, the bytes do not.
func.func @too_many_bytes(%a: tensor<4611686018427387904xf32>) {
  // expected-error @+1 {{(static shape, element count and bytes within int64)}}
  %0 = kiln.neg %a : tensor<4611686018427387904xf32>
  return
}

// -----

func.func @dynamic(%a: tensor<?xf32>) {
  // expected-error @+1 {{(static shape, element count and bytes within int64)}}
  %0 = kiln.neg %a : tensor<?xf32>
  return
}

// -----

func.func @max_of_nothing(%a: tensor<2x0xf32>) {
  // expected-error @+1 {{'kiln.reduce_max' op expects reduction dim 1 to have non-zero size}}
  %0 = kiln.reduce_max %a dims [1] : tensor<2x0xf32> -> tensor<2xf32>
  return
}
