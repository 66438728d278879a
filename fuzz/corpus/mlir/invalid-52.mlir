func.func @detach_types(%a: tensor<3xf32>) {
  %0 = "kiln.detach"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
