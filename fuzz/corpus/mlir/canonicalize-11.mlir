func.func @transposes(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kiln.transpose %x [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = kiln.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %2 = kiln.transpose %1 [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %0, %2 : tensor<2x3xf32>, tensor<2x3xf32>
}
