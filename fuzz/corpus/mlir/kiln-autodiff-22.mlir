func.func @reduce_min_first(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = kiln.reduce_min %x dims [1] first : tensor<2x3xf32> -> tensor<2xf32>
  %l = kiln.reduce_sum %m dims [0] : tensor<2xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<2x3xf32>
  return %g : tensor<2x3xf32>
}
