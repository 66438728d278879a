func.func @constant_detach(%x: tensor<3xf32>) -> (tensor<2xf32>, tensor<3xf32>) {
  %c = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %d = kiln.detach %x : tensor<3xf32>
  return %c, %d : tensor<2xf32>, tensor<3xf32>
}
