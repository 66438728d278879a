func.func @max_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  %0 = "kiln.max"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}
