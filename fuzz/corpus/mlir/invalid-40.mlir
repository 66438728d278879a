func.func @cos_types(%a: tensor<3xf32>) {
  %0 = "kiln.cos"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
