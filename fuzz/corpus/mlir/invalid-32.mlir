func.func @backward_seed_type(%w: tensor<3xf32>, %s: tensor<2xf32>) {
  %0 = kiln.backward %w seed %s wrt %w : tensor<3xf32> seed tensor<2xf32> wrt tensor<3xf32>
  return
}
