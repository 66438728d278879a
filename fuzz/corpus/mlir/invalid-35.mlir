func.func @exp_types(%a: tensor<3xf32>) {
  %0 = "kiln.exp"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
