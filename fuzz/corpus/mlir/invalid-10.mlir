func.func @reduce_repeated_dims(%a: tensor<2x3xf32>) {
  %0 = kiln.reduce_max %a dims [1, -1] : tensor<2x3xf32> -> tensor<2xf32>
  return
}
