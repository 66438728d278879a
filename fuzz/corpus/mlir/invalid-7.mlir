func.func @broadcast_mismatch(%a: tensor<3xf32>) {
  %0 = kiln.broadcast %a : tensor<3xf32> to tensor<2x4xf32>
  return
}
