func.func @element_types(%a: tensor<3xi32>) {
  %0 = "kiln.add"(%a, %a) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return
}
