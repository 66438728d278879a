func.func @add_positive_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %0 = kiln.add %x, %z : tensor<4xf32>
  return %0 : tensor<4xf32>
}
