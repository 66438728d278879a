func.func @sub_zero(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %0 = kiln.sub %x, %z : tensor<4xf32>
  %n = kiln.constant dense<-0.0> : tensor<4xf32>
  %1 = kiln.sub %x, %n : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
