func.func @abs_types(%a: tensor<3xf32>) {
  %0 = "kiln.abs"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
