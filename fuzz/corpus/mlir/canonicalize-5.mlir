func.func @div_pow_one(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %o = kiln.constant dense<1.0> : tensor<4xf32>
  %0 = kiln.div %x, %o : tensor<4xf32>
  %1 = kiln.pow %x, %o : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
