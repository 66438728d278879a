func.func @add_zero(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi64>) {
  %z = kiln.constant dense<-0.0> : tensor<4xf32>
  %0 = kiln.add %x, %z : tensor<4xf32>
  %1 = kiln.add %z, %x : tensor<4xf32>
  %c = kiln.constant dense<0> : tensor<4xi64>
  %2 = kiln.add %i, %c : tensor<4xi64>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xi64>
}
