func.func @transpose_rank(%a: tensor<2x3xf32>) {
  %0 = kiln.transpose %a [0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}
