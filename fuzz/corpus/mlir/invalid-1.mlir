func.func @binary_same_shape_other_type(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  %0 = "kiln.add"(%a, %b) : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}
