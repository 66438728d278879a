func.func @broadcast_element_type(%a: tensor<3xf32>) {
  %0 = kiln.broadcast %a : tensor<3xf32> to tensor<2x3xf64>
  return
}
