func.func @select_branches(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf64>) {
  %0 = "kiln.select"(%c, %a, %b) : (tensor<3xi1>, tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return
}
