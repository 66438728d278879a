func.func @transpose_repeat(%a: tensor<2x3xf32>) {
  %0 = kiln.transpose %a [0, 0] : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}
