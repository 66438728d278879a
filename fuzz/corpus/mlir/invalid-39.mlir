func.func @sin_types(%a: tensor<3xf32>) {
  %0 = "kiln.sin"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
