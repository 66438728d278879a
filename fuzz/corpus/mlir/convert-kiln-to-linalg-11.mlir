func.func @views(%x: tensor<4x5xf32>) -> (tensor<5x4xf32>, tensor<2x3xf32>) {
  %0 = kiln.transpose %x [1, 0] : tensor<4x5xf32> -> tensor<5x4xf32>
  %1 = kiln.slice %x starts [1, 0] limits [4, 5] steps [2, 2] : tensor<4x5xf32> -> tensor<2x3xf32>
  return %0, %1 : tensor<5x4xf32>, tensor<2x3xf32>
}
