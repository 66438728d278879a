func.func @matmul_inner(%a: tensor<16x10xf32>, %b: tensor<5x5xf32>) {
  %0 = kiln.matmul %a, %b : tensor<16x10xf32>, tensor<5x5xf32> -> tensor<16x5xf32>
  return
}
