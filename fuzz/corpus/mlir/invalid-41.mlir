func.func @tanh_types(%a: tensor<3xf32>) {
  %0 = "kiln.tanh"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
