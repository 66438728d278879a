func.func @no_rule(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = arith.addf %x, %x : tensor<3xf32>
  %l = kiln.reduce_sum %y dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}
