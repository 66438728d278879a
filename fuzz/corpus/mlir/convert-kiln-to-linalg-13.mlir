func.func @marker(%w: tensor<3xf32>) -> tensor<3xf32> {
  %l = kiln.reduce_sum %w dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %w : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}
