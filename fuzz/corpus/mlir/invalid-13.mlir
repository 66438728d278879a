func.func @reduce_element_type(%a: tensor<2x3xf32>) {
  %0 = kiln.reduce_sum %a dims [1] : tensor<2x3xf32> -> tensor<2xf64>
  return
}
