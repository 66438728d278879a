func.func @broadcast(%x: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.broadcast %x : tensor<1x4xf32> to tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}
