func.func @matmul_transposed(%a: tensor<5x4xf32>, %b: tensor<5x6xf32>, %c: tensor<3x6xf32>, %d: tensor<2x4x5xf64>, %i: tensor<4x3xi64>) -> (tensor<4x6xf32>, tensor<5x3xf32>, tensor<2x4x4xf64>, tensor<6x4xf32>, tensor<3x3xi64>) {
  %at = kiln.transpose %a [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
  %0 = kiln.matmul %at, %b : tensor<4x5xf32>, tensor<5x6xf32> -> tensor<4x6xf32>
  %ct = kiln.transpose %c [1, 0] : tensor<3x6xf32> -> tensor<6x3xf32>
  %1 = kiln.matmul %b, %ct : tensor<5x6xf32>, tensor<6x3xf32> -> tensor<5x3xf32>
  %dt = kiln.transpose %d [0, 2, 1] : tensor<2x4x5xf64> -> tensor<2x5x4xf64>
  %2 = kiln.matmul %d, %dt : tensor<2x4x5xf64>, tensor<2x5x4xf64> -> tensor<2x4x4xf64>
  %at2 = kiln.transpose %a [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
  %g = kiln.matmul %at2, %b : tensor<4x5xf32>, tensor<5x6xf32> -> tensor<4x6xf32>
  %3 = kiln.transpose %g [1, 0] : tensor<4x6xf32> -> tensor<6x4xf32>
  %it = kiln.transpose %i [1, 0] : tensor<4x3xi64> -> tensor<3x4xi64>
  %4 = kiln.matmul %it, %i : tensor<3x4xi64>, tensor<4x3xi64> -> tensor<3x3xi64>
  return %0, %1, %2, %3, %4 : tensor<4x6xf32>, tensor<5x3xf32>, tensor<2x4x4xf64>, tensor<6x4xf32>, tensor<3x3xi64>
}
