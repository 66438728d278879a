func.func @reduce_dims(%a: tensor<2x3xf32>) {
  %0 = kiln.reduce_sum %a dims [2] : tensor<2x3xf32> -> tensor<2xf32>
  return
}
