func.func @reduce(%x: tensor<2x3x4xf32>) -> (tensor<1x3x1xf32>, tensor<f32>, tensor<3xf32>) {
  %0 = kiln.reduce_sum %x dims [0, -1] keepdim : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  %1 = kiln.reduce_max %x dims [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  %2 = kiln.reduce_min %x dims [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0, %1, %2 : tensor<1x3x1xf32>, tensor<f32>, tensor<3xf32>
}
func.func @reduce_int(%x: tensor<5xi64>) -> (tensor<i64>, tensor<i64>) {
  %0 = kiln.reduce_max %x dims [0] : tensor<5xi64> -> tensor<i64>
  %1 = kiln.reduce_min %x dims [0] : tensor<5xi64> -> tensor<i64>
  return %0, %1 : tensor<i64>, tensor<i64>
}
