func.func @broadcast_rank(%a: tensor<2x3xf32>) {
  %0 = kiln.broadcast %a : tensor<2x3xf32> to tensor<6xf32>
  return
}
