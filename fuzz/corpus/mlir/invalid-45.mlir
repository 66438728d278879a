func.func @div_shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  %0 = "kiln.div"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return
}
