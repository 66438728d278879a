func.func @reduce_first_two_dims(%a: tensor<2x3xf32>) {
  %0 = kiln.reduce_min %a dims [0, 1] first : tensor<2x3xf32> -> tensor<f32>
  return
}
