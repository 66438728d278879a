func.func @mul_one(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %o = kiln.constant dense<1.0> : tensor<4xf32>
  %0 = kiln.mul %x, %o : tensor<4xf32>
  %1 = kiln.mul %o, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
