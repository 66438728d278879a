func.func @broadcast(%b: tensor<3xf32>) -> tensor<3xf32> {
  %bb = kiln.broadcast %b : tensor<3xf32> to tensor<2x3xf32>
  %l = kiln.reduce_sum %bb dims [0, 1] : tensor<2x3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %b : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}
