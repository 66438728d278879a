func.func @cast_shape(%a: tensor<3xf32>) {
  %0 = kiln.cast %a : tensor<3xf32> to tensor<4xf64>
  return
}
