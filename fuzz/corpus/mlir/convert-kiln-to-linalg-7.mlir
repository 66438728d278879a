func.func @reduce_first(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x1xf32>) {
  %0 = kiln.reduce_max %x dims [1] first : tensor<2x3xf32> -> tensor<2xf32>
  %1 = kiln.reduce_min %x dims [1] keepdim first : tensor<2x3xf32> -> tensor<2x1xf32>
  return %0, %1 : tensor<2xf32>, tensor<2x1xf32>
}
