// RUN: kiln-opt %s -kiln-autodiff -split-input-file -verify-diagnostics
// kiln-autodiff fails loudly on an op it cannot differentiate.

// An op on the path from a wrt value to the loss must have a gradient rule.
func.func @no_rule(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'arith.addf' op failed to compute gradient: the op has no gradient rule}}
  %y = arith.addf %x, %x : tensor<3xf32>
  %l = kiln.reduce_sum %y dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}
