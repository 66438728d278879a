func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> (tensor<2x3xf32>, tensor<3x4xf32>) {
  %p = kiln.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %l = kiln.reduce_sum %p dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
  %ga, %gb = kiln.backward %l wrt %a, %b : tensor<f32> wrt tensor<2x3xf32>, tensor<3x4xf32>
  return %ga, %gb : tensor<2x3xf32>, tensor<3x4xf32>
}
