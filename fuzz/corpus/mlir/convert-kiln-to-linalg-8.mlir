func.func @matmul(%a: tensor<4x5xf32>, %b: tensor<5x6xf32>, %c: tensor<2x4x5xf64>, %d: tensor<2x5x3xf64>) -> (tensor<4x6xf32>, tensor<2x4x3xf64>) {
  %0 = kiln.matmul %a, %b : tensor<4x5xf32>, tensor<5x6xf32> -> tensor<4x6xf32>
  %1 = kiln.matmul %c, %d : tensor<2x4x5xf64>, tensor<2x5x3xf64> -> tensor<2x4x3xf64>
  return %0, %1 : tensor<4x6xf32>, tensor<2x4x3xf64>
}
