func.func @max(%x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = kiln.max %x, %y : tensor<3xf32>
  %gx, %gy = kiln.backward %z seed %v wrt %x, %y : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}
