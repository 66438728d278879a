func.func @reshape_element_type(%a: tensor<6xf32>) {
  %0 = kiln.reshape %a : tensor<6xf32> -> tensor<2x3xi64>
  return
}
