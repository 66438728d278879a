func.func @select_condition(%c: tensor<3xi1>, %a: tensor<2x3xf32>) {
  %0 = kiln.select %c, %a, %a : tensor<3xi1>, tensor<2x3xf32>
  return
}
