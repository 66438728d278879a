func.func @binary_types(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  %0 = "kiln.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}
