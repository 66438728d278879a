func.func @sqrt_types(%a: tensor<3xf32>) {
  %0 = "kiln.sqrt"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
