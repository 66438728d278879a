func.func @matmul_result(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  %0 = kiln.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<4x2xf32>
  return
}
