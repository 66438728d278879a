func.func @backward_non_scalar(%w: tensor<3xf32>) {
  %0 = kiln.backward %w wrt %w : tensor<3xf32> wrt tensor<3xf32>
  return
}
