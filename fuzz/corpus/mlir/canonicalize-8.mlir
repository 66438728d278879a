func.func @identities(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.cast %x : tensor<4xf32> to tensor<4xf32>
  %1 = kiln.broadcast %x : tensor<4xf32> to tensor<4xf32>
  %2 = kiln.reshape %x : tensor<4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
